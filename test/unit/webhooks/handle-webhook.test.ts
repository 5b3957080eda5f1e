/** handleWebhook with the in-process store and dedup: every status code and outcome. */
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { MemoryIncidentStore } from '../../../src/incidents/memory-incident-store.ts';
import { MemoryDeliveryDedup } from '../../../src/webhooks/delivery-dedup.ts';
import { handleWebhook, headerValue, webhookSecretsFromEnv, type WebhookDeps } from '../../../src/webhooks/handle-webhook.ts';
import { MAX_WEBHOOK_BODY_BYTES } from '../../../src/webhooks/webhook-limits.ts';
import { GITHUB_SECRET, githubHeaders, gitlabHeaders, gitlabPipeline, JENKINS_TOKEN, jenkinsNotification, SECRETS, workflowRun } from './payloads.ts';

describe('handleWebhook (in-process store)', () => {
  let store: MemoryIncidentStore;
  let deps: WebhookDeps;
  beforeEach(() => {
    store = new MemoryIncidentStore();
    deps = { secrets: SECRETS, store, dedup: new MemoryDeliveryDedup() };
  });

  it('GitHub: opened, then the same delivery is a duplicate, then another run groups', async () => {
    const body = workflowRun({ runNumber: 163 });
    const headers = githubHeaders(body, { delivery: 'aaaa-1' });
    const first = await handleWebhook('github', { rawBody: body, headers }, deps);
    assert.equal(first.status, 200);
    assert.deepEqual(first.body, { ok: true, result: 'opened', incident: 1, failureCount: 1, pipeline: 'github:octo-org/octo-repo:test:master' });
    assert.equal(first.outcome?.kind, 'opened');
    assert.equal(first.event?.deliveryId, 'aaaa-1');
    const again = await handleWebhook('github', { rawBody: body, headers }, deps);
    assert.equal(again.status, 200);
    assert.deepEqual(again.body, { ok: true, result: 'duplicate' });
    assert.equal(again.outcome?.kind, 'duplicate');
    const next = workflowRun({ id: 289782452, runNumber: 164 });
    const grouped = await handleWebhook('github', { rawBody: next, headers: githubHeaders(next) }, deps);
    assert.equal(grouped.outcome?.kind, 'grouped');
    assert.equal((await store.get(1))?.failureCount, 2);
    assert.equal((await store.listOpen()).length, 1);
  });

  it('the same event under a new delivery id is still a duplicate', async () => {
    const body = workflowRun();
    await handleWebhook('github', { rawBody: body, headers: githubHeaders(body, { delivery: 'one' }) }, deps);
    const r = await handleWebhook('github', { rawBody: body, headers: githubHeaders(body, { delivery: 'two' }) }, deps);
    assert.equal(r.outcome?.kind, 'duplicate');
    assert.equal((await store.get(1))?.failureCount, 1);
  });

  it('ping → 200; a success without an open incident → 202; in_progress → 202', async () => {
    const ping = Buffer.from('{"zen":"Design for failure.","hook_id":1}');
    const r = await handleWebhook('github', { rawBody: ping, headers: githubHeaders(ping, { event: 'ping' }) }, deps);
    assert.equal(r.status, 200);
    assert.equal(r.body.result, 'ping');
    const ok = workflowRun({ conclusion: 'success' });
    const green = await handleWebhook('github', { rawBody: ok, headers: githubHeaders(ok) }, deps);
    assert.equal(green.status, 202);
    assert.match(String(green.body.reason), /no open incident for github:octo-org\/octo-repo:test:master/);
    const running = workflowRun({ action: 'in_progress', conclusion: null });
    assert.equal((await handleWebhook('github', { rawBody: running, headers: githubHeaders(running) }, deps)).status, 202);
    assert.deepEqual(await store.listRecent(10), []);
  });

  it('a success while the incident is open → recovered (offer Resolve)', async () => {
    const fail = jenkinsNotification();
    await handleWebhook('jenkins', { rawBody: fail, headers: { 'x-buildfix-token': JENKINS_TOKEN } }, deps);
    const green = jenkinsNotification({ number: 4813, status: 'SUCCESS' });
    const r = await handleWebhook('jenkins', { rawBody: green, headers: { 'x-buildfix-token': JENKINS_TOKEN } }, deps);
    assert.equal(r.status, 200);
    assert.equal(r.outcome?.kind, 'recovered');
    assert.deepEqual(r.body, { ok: true, result: 'recovered', incident: 1, pipeline: 'jenkins:payments/main' });
    assert.equal((await store.timeline(1)).at(-1)?.text, 'payments/main #4813 SUCCESS (on main · commit 9f3c2e1): the pipeline is green again');
  });

  it('Jenkins token: query, header or Basic password; otherwise 401', async () => {
    const body = jenkinsNotification();
    const basic = `Basic ${Buffer.from(`jenkins:${JENKINS_TOKEN}`).toString('base64')}`;
    assert.equal((await handleWebhook('jenkins', { rawBody: body, headers: {}, query: { token: JENKINS_TOKEN } }, deps)).status, 200);
    assert.equal(
      (await handleWebhook('jenkins', { rawBody: jenkinsNotification({ number: 2 }), headers: { 'X-Buildfix-Token': JENKINS_TOKEN } }, deps)).status,
      200,
    );
    assert.equal((await handleWebhook('jenkins', { rawBody: jenkinsNotification({ number: 3 }), headers: { authorization: basic } }, deps)).status, 200);
    for (const request of [{ headers: {} }, { headers: {}, query: { token: 'wrong' } }, { headers: { 'x-buildfix-token': `${JENKINS_TOKEN}x` } }]) {
      const r = await handleWebhook('jenkins', { rawBody: jenkinsNotification({ number: 9 }), ...request }, deps);
      assert.deepEqual({ status: r.status, body: r.body }, { status: 401, body: { ok: false, error: 'missing or wrong token' } });
    }
    assert.equal((await store.get(1))?.failureCount, 3);
  });

  it('401 for bad GitHub signatures and GitLab tokens, before the body is even parsed', async () => {
    const body = workflowRun();
    const forged = await handleWebhook('github', { rawBody: body, headers: githubHeaders(body, { secret: 'not-the-secret' }) }, deps);
    assert.deepEqual({ status: forged.status, body: forged.body }, { status: 401, body: { ok: false, error: 'missing or invalid X-Hub-Signature-256' } });
    const unsigned = { ...githubHeaders(body) } as Record<string, string>;
    delete unsigned['x-hub-signature-256'];
    assert.equal((await handleWebhook('github', { rawBody: body, headers: unsigned }, deps)).status, 401);
    const garbage = Buffer.from('not json at all');
    assert.equal((await handleWebhook('github', { rawBody: garbage, headers: githubHeaders(garbage, { secret: 'x' }) }, deps)).status, 401);
    const gl = await handleWebhook('gitlab', { rawBody: gitlabPipeline(), headers: gitlabHeaders({ token: 'wrong' }) }, deps);
    assert.deepEqual({ status: gl.status, body: gl.body }, { status: 401, body: { ok: false, error: 'missing or wrong X-Gitlab-Token' } });
    assert.deepEqual(await store.listRecent(10), []);
  });

  it('400 for malformed JSON and wrong shapes (signed correctly), with a clear message', async () => {
    const broken = Buffer.from('{"action":"completed",');
    const r = await handleWebhook('github', { rawBody: broken, headers: githubHeaders(broken) }, deps);
    assert.equal(r.status, 400);
    assert.match(String(r.body.error), /^malformed JSON: /);
    const shape = Buffer.from('{"object_kind":"pipeline","object_attributes":{}}');
    const g = await handleWebhook('gitlab', { rawBody: shape, headers: gitlabHeaders() }, deps);
    assert.equal(g.status, 400);
    assert.match(String(g.body.error), /^not a valid GitLab Pipeline Hook payload: object_attributes\.id: /);
    assert.equal(
      (
        await handleWebhook(
          'jenkins',
          { rawBody: Buffer.from('<x/>'), headers: { 'content-type': 'application/xml', 'x-buildfix-token': JENKINS_TOKEN } },
          deps,
        )
      ).status,
      415,
    );
    assert.deepEqual(await store.listRecent(10), []);
  });

  it('413 above the limit (default 1 MiB, configurable)', async () => {
    const big = Buffer.alloc(MAX_WEBHOOK_BODY_BYTES + 1, 0x20);
    const r = await handleWebhook('github', { rawBody: big, headers: githubHeaders(big) }, deps);
    assert.deepEqual({ status: r.status, body: r.body }, { status: 413, body: { ok: false, error: 'body larger than 1048576 bytes' } });
    const small = { ...deps, maxBodyBytes: 100 };
    const body = gitlabPipeline();
    assert.equal((await handleWebhook('gitlab', { rawBody: body, headers: gitlabHeaders() }, small)).status, 413);
  });

  it('404 with the variable to set when a source is not configured', async () => {
    const r = await handleWebhook('gitlab', { rawBody: gitlabPipeline(), headers: gitlabHeaders() }, { ...deps, secrets: { githubSecret: GITHUB_SECRET } });
    assert.deepEqual(
      { status: r.status, body: r.body },
      { status: 404, body: { ok: false, error: 'the gitlab webhook is not enabled here: set GITLAB_WEBHOOK_TOKEN on the buildfix server' } },
    );
  });

  it('GitLab: Idempotency-Key dedups retries; a different pipeline groups', async () => {
    const body = gitlabPipeline({ id: 31 });
    assert.equal((await handleWebhook('gitlab', { rawBody: body, headers: gitlabHeaders({ idempotencyKey: 'k1' }) }, deps)).outcome?.kind, 'opened');
    assert.equal((await handleWebhook('gitlab', { rawBody: body, headers: gitlabHeaders({ idempotencyKey: 'k1' }) }, deps)).outcome?.kind, 'duplicate');
    const other = gitlabPipeline({ id: 32 });
    assert.equal((await handleWebhook('gitlab', { rawBody: other, headers: gitlabHeaders({ idempotencyKey: 'k2' }) }, deps)).outcome?.kind, 'grouped');
  });

  it('helpers: header lookup in any case; secrets from the parsed environment', () => {
    assert.equal(headerValue({ 'X-GitHub-Event': 'ping' }, 'x-github-event'), 'ping');
    assert.equal(headerValue({ 'x-a': ['1', '2'] }, 'x-a'), '1');
    assert.deepEqual(webhookSecretsFromEnv({ JENKINS_WEBHOOK_TOKEN: 'j', GITHUB_WEBHOOK_SECRET: undefined, GITLAB_WEBHOOK_TOKEN: 'g' }), {
      jenkinsToken: 'j',
      githubSecret: undefined,
      gitlabToken: 'g',
    });
  });
});

describe('MemoryDeliveryDedup', () => {
  it('forgets a claim after its TTL and keeps at most maxEntries', async () => {
    let now = 0;
    const dedup = new MemoryDeliveryDedup({ maxEntries: 3, now: () => now });
    assert.equal(await dedup.claim(['a', 'b'], 10), true);
    assert.equal(await dedup.claim(['b'], 10), false);
    assert.equal(await dedup.claim(['c', 'a'], 10), false, 'any seen key makes it a duplicate');
    now = 10_001;
    assert.equal(await dedup.claim(['a'], 10), true);
    await dedup.release(['a']);
    assert.equal(await dedup.claim(['a'], 10), true);
    for (const k of ['d', 'e', 'f', 'g']) await dedup.claim([k], 10);
    assert.equal(await dedup.claim(['a'], 10), true, 'the oldest claims went when it filled up');
  });
});
