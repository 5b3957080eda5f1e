/**
 * handleWebhook grouping failures by cause (the real cause finder, the
 * in-process store): Jenkins notifications whose log tail names the cause,
 * no JENKINS_URL, so the finder classifies what the notification carries.
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { createCauseFinder } from '../../../src/incidents/incident-grouping.ts';
import { MemoryIncidentStore } from '../../../src/incidents/memory-incident-store.ts';
import { alertFactsFrom, renderIncidentAlert } from '../../../src/slack/blocks/incident-blocks.ts';
import { MemoryDeliveryDedup } from '../../../src/webhooks/delivery-dedup.ts';
import { handleWebhook, type WebhookDeps } from '../../../src/webhooks/handle-webhook.ts';
import { jenkinsNotification, JENKINS_TOKEN, SECRETS } from './payloads.ts';

const MISSING = 'go: example.com/ledger@v1.9.9: reading https://proxy.golang.org/example.com/ledger/@v/v1.9.9.info: 404 Not Found\n';
const PROXY =
  'go: example.com/ledger@v1.9.9: Get "https://proxy.golang.org/example.com/ledger/@v/v1.9.9.info": proxyconnect tcp: dial tcp proxy.corp:3128: connect: connection refused\n';

function post(deps: WebhookDeps, o: Parameters<typeof jenkinsNotification>[0]) {
  return handleWebhook(
    'jenkins',
    { rawBody: jenkinsNotification(o), headers: { 'content-type': 'application/json', 'x-buildfix-token': JENKINS_TOKEN } },
    deps,
  );
}

describe('handleWebhook grouping by cause', () => {
  let store: MemoryIncidentStore;
  let deps: WebhookDeps;
  beforeEach(() => {
    store = new MemoryIncidentStore();
    deps = { secrets: SECRETS, store, dedup: new MemoryDeliveryDedup(), findCause: createCauseFinder({ windowMs: 60_000, logSources: () => ({}) }) };
  });

  it('two jobs with one missing module: one incident, both pipelines in its blast radius and timeline', async () => {
    const a = await post(deps, { number: 1, log: MISSING });
    const b = await post(deps, { number: 2, jobUrl: 'job/ledger/job/main/', name: 'main', log: MISSING });
    assert.equal(a.body.result, 'opened');
    assert.equal(a.body.cause, 'version-not-found example.com/ledger@v1.9.9');
    assert.equal(b.body.result, 'grouped');
    assert.equal(b.body.incident, a.body.incident);
    assert.equal(b.outcome?.kind === 'grouped' && b.outcome.found?.group.cause.subject, 'example.com/ledger@v1.9.9');
    const incident = await store.get(Number(a.body.incident));
    assert.deepEqual(incident?.blast?.pipelines, ['jenkins:payments/main', 'jenkins:ledger/main']);
    assert.deepEqual(incident?.blast?.repos, ['acme/payments'], 'both notifications carry the fixture SCM URL');
    const timeline = await store.timeline(incident?.id ?? 0);
    assert.deepEqual(
      timeline.filter((e) => e.kind === 'ci-event').map((e) => [e.data?.pipeline, e.data?.repo, e.data?.cause]),
      [
        ['jenkins:payments/main', 'acme/payments', 'version-not-found|module|example.com/ledger@v1.9.9'],
        ['jenkins:ledger/main', 'acme/payments', 'version-not-found|module|example.com/ledger@v1.9.9'],
      ],
    );
    const alert = renderIncidentAlert(incident!, {});
    assert.match(JSON.stringify(alert.blocks), /Blast radius: \*2 pipelines in 1 repo\*/);
    assert.match(alert.text, /2 failures · 2 pipelines in 1 repo · incident #1/);
  });

  it('the same job failing for another cause: a second incident, "all through" its proxy', async () => {
    const a = await post(deps, { number: 1, log: MISSING });
    const b = await post(deps, { number: 2, log: PROXY });
    assert.equal(b.body.result, 'opened');
    assert.notEqual(b.body.incident, a.body.incident);
    assert.equal(b.body.cause, 'corporate-proxy through proxy.corp:3128');
    const incident = await store.get(Number(b.body.incident));
    assert.match(JSON.stringify(renderIncidentAlert(incident!, {}).blocks), /all through proxy\.corp:3128/);
  });

  it('a finder that fails: grouped by pipeline, as without one', async () => {
    deps.findCause = async () => {
      throw new Error('boom');
    };
    const a = await post(deps, { number: 1, log: MISSING });
    const b = await post(deps, { number: 2, log: PROXY });
    assert.equal(a.status, 200);
    assert.equal(b.body.result, 'grouped');
    assert.equal((await store.get(1))?.cause, undefined);
  });

  it('green again only when every pipeline of the cause is: 1 of 2, then both (Resolve offered)', async () => {
    const a = await post(deps, { number: 1, log: MISSING });
    await post(deps, { number: 2, jobUrl: 'job/ledger/job/main/', name: 'main', log: MISSING });
    const id = Number(a.body.incident);
    const alert = async () => {
      const incident = await store.get(id);
      return renderIncidentAlert(incident!, alertFactsFrom(await store.timeline(id)));
    };
    const first = await post(deps, { number: 3, status: 'SUCCESS' });
    assert.equal(first.body.result, 'recovered');
    const half = await alert();
    assert.match(half.text, /^🔴/, 'one of two pipelines green: not green again');
    assert.match(JSON.stringify(half.blocks), /1 of 2 pipelines green again/);
    assert.doesNotMatch(JSON.stringify(half.blocks), /"Resolve"/);
    await post(deps, { number: 4, jobUrl: 'job/ledger/job/main/', name: 'main', status: 'SUCCESS' });
    const all = await alert();
    assert.match(all.text, /^🟢 .*\(green again\)/);
    assert.match(JSON.stringify(all.blocks), /"Resolve"/);
    // A new failure of one of them makes it red again.
    await post(deps, { number: 5, log: MISSING });
    assert.match((await alert()).text, /^🔴/);
  });
});
