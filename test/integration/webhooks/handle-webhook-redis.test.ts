/** handleWebhook with the Redis store and Redis dedup: what lands in Redis, and what never does. */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, beforeEach, afterEach, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import { RedisIncidentStore } from '../../../src/incidents/redis-incident-store.ts';
import { closeRedisConnection, createRedisConnection } from '../../../src/redis/create-redis-connection.ts';
import { RedisDeliveryDedup } from '../../../src/webhooks/delivery-dedup.ts';
import { handleWebhook, type WebhookDeps } from '../../../src/webhooks/handle-webhook.ts';
import { githubHeaders, gitlabHeaders, gitlabPipeline, JENKINS_TOKEN, jenkinsNotification, SECRETS, workflowRun } from '../../unit/webhooks/payloads.ts';
import { connectTestRedis, deleteUnder, keysUnder, testPrefix } from '../incidents/redis-test-env.ts';

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

describe('handleWebhook on real Redis', { timeout: 60_000 }, () => {
  let redis: Redis;
  let prefix: string;
  let store: RedisIncidentStore;
  let deps: WebhookDeps;
  before(async () => {
    redis = await connectTestRedis();
  });
  after(async () => closeRedisConnection(redis));
  beforeEach(() => {
    prefix = testPrefix();
    store = new RedisIncidentStore({ redis, prefix });
    deps = { secrets: SECRETS, store, dedup: new RedisDeliveryDedup({ redis, prefix }) };
  });
  afterEach(async () => deleteUnder(redis, prefix));

  it('the same delivery twice: one incident, and the delivery is remembered for 24 h', async () => {
    const body = workflowRun();
    const headers = githubHeaders(body, { delivery: '72d3162e-cc78-11e3-81ab-4c9367dc0958' });
    const [a, b] = [await handleWebhook('github', { rawBody: body, headers }, deps), await handleWebhook('github', { rawBody: body, headers }, deps)];
    assert.equal(a.outcome?.kind, 'opened');
    assert.equal(b.outcome?.kind, 'duplicate');
    assert.deepEqual(
      (await store.listRecent(10)).map((i) => [i.id, i.failureCount]),
      [[1, 1]],
    );
    const seen = await keysUnder(redis, `${prefix}:webhooks:seen:`);
    assert.equal(seen.length, 2, seen.join(', '));
    assert.ok(seen.includes(`${prefix}:webhooks:seen:github:delivery:72d3162e-cc78-11e3-81ab-4c9367dc0958`));
    const ttl = await redis.ttl(seen[0] ?? '');
    assert.ok(ttl > 86_000 && ttl <= 86_400, `TTL ${ttl}`);
  });

  it('the same delivery racing itself (a retry while the first is in flight): one incident', async () => {
    const body = workflowRun();
    const headers = githubHeaders(body, { delivery: 'race-1' });
    const results = await Promise.all(Array.from({ length: 5 }, () => handleWebhook('github', { rawBody: body, headers }, deps)));
    assert.deepEqual(results.map((r) => r.outcome?.kind).sort(), ['duplicate', 'duplicate', 'duplicate', 'duplicate', 'opened']);
    assert.equal((await store.get(1))?.failureCount, 1);
  });

  it('Jenkins COMPLETED then FINALIZED of one build: one failure', async () => {
    const h = { 'x-buildfix-token': JENKINS_TOKEN };
    assert.equal((await handleWebhook('jenkins', { rawBody: jenkinsNotification({ phase: 'COMPLETED' }), headers: h }, deps)).outcome?.kind, 'opened');
    assert.equal((await handleWebhook('jenkins', { rawBody: jenkinsNotification({ phase: 'FINALIZED' }), headers: h }, deps)).outcome?.kind, 'duplicate');
    assert.equal((await store.get(1))?.failureCount, 1);
  });

  it('ten failures of one job in a minute: one incident with a count of ten', async () => {
    const h = { 'x-buildfix-token': JENKINS_TOKEN };
    const kinds: string[] = [];
    for (let n = 1; n <= 10; n++)
      kinds.push((await handleWebhook('jenkins', { rawBody: jenkinsNotification({ number: 4800 + n }), headers: h }, deps)).outcome?.kind ?? '');
    assert.deepEqual(kinds, ['opened', ...Array(9).fill('grouped')]);
    const [incident] = await store.listOpen();
    assert.equal(incident?.failureCount, 10);
    assert.equal(incident?.title, 'payments/main #4801 failed');
    assert.equal((await store.timeline(1)).filter((e) => e.kind === 'ci-event').length, 10);
    assert.equal(await redis.get(`${prefix}:incidents:seq`), '1');
  });

  it('ten failures of one job arriving concurrently: one incident with a count of ten', async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, (_v, i) => {
        const body = workflowRun({ id: 9000 + i, runNumber: 500 + i });
        return handleWebhook('github', { rawBody: body, headers: githubHeaders(body) }, deps);
      }),
    );
    assert.equal(results.filter((r) => r.outcome?.kind === 'opened').length, 1);
    assert.equal(results.filter((r) => r.outcome?.kind === 'grouped').length, 9);
    assert.deepEqual(
      (await store.listRecent(10)).map((i) => i.failureCount),
      [10],
    );
  });

  it('bad signature / wrong token: 401 and Redis holds nothing under the prefix', async () => {
    const body = workflowRun();
    const forged = await handleWebhook('github', { rawBody: body, headers: githubHeaders(body, { secret: 'guess' }) }, deps);
    const gitlab = await handleWebhook('gitlab', { rawBody: gitlabPipeline(), headers: gitlabHeaders({ token: 'guess' }) }, deps);
    const jenkins = await handleWebhook('jenkins', { rawBody: jenkinsNotification(), headers: {}, query: { token: 'guess' } }, deps);
    assert.deepEqual([forged.status, gitlab.status, jenkins.status], [401, 401, 401]);
    assert.deepEqual(await keysUnder(redis, prefix), []);
  });

  it('malformed JSON → 400 and oversize → 413, nothing stored', async () => {
    const broken = Buffer.from('{"object_kind": "pipeline", ');
    assert.equal((await handleWebhook('gitlab', { rawBody: broken, headers: gitlabHeaders() }, deps)).status, 400);
    const big = Buffer.alloc(2 * 1024 * 1024, 0x7b);
    assert.equal((await handleWebhook('github', { rawBody: big, headers: githubHeaders(big) }, deps)).status, 413);
    assert.deepEqual(await keysUnder(redis, prefix), []);
  });

  it('failure → recovery → resolve → the next failure opens a new incident', async () => {
    const fail = gitlabPipeline({ id: 31 });
    assert.equal((await handleWebhook('gitlab', { rawBody: fail, headers: gitlabHeaders() }, deps)).outcome?.kind, 'opened');
    const green = gitlabPipeline({ id: 32, status: 'success' });
    const recovered = await handleWebhook('gitlab', { rawBody: green, headers: gitlabHeaders() }, deps);
    assert.equal(recovered.outcome?.kind, 'recovered');
    await store.resolve(1, { by: 'U1', summary: 'fixed' });
    const again = gitlabPipeline({ id: 33 });
    const next = await handleWebhook('gitlab', { rawBody: again, headers: gitlabHeaders() }, deps);
    assert.equal(next.outcome?.kind, 'opened');
    assert.equal(next.body.incident, 2);
  });

  it('Redis failing under the store: 503, and the claim is released so the retry acts', async () => {
    const port = await closedPort();
    const broken = createRedisConnection(`redis://127.0.0.1:${port}`, { role: 'producer', connectTimeoutMs: 200 });
    try {
      const failing = { ...deps, store: new RedisIncidentStore({ redis: broken, prefix }) };
      const body = workflowRun();
      const headers = githubHeaders(body, { delivery: 'retry-me' });
      const r = await handleWebhook('github', { rawBody: body, headers }, failing);
      assert.deepEqual(
        { status: r.status, body: r.body },
        { status: 503, body: { ok: false, error: 'the incident store is unavailable; retry the delivery later' } },
      );
      assert.deepEqual(await keysUnder(redis, prefix), [], 'no dedup key left behind');
      const retry = await handleWebhook('github', { rawBody: body, headers }, deps);
      assert.equal(retry.outcome?.kind, 'opened');
    } finally {
      broken.disconnect();
    }
  });
});
