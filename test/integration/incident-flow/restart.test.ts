/**
 * The server restarts mid-incident (real Redis): the incident, its roles and
 * its timeline are intact, the thread still leads to it, and the next
 * failure of the same pipeline is grouped into the same alert.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import type { RedisIncidentStore } from '../../../src/incidents/redis-incident-store.ts';
import { startSlackApiFake, type FakeMessage, type SlackApiFake } from '../../fakes/slack-api.ts';
import { startServeOnFreePort, uniquePrefix, type ServeHandle } from '../../helpers/slack-processes.ts';
import { jenkinsNotification } from '../../unit/webhooks/payloads.ts';
import { buttonsOf, click, eventually, INCIDENT_CHANNEL, mentionInThread, postJenkins, releaseIncidentTest, setUpIncidentServe, shownText } from './harness.ts';

const ANN = 'UANN0001';
const RAJ = 'URAJ0002';

describe('buildfix serve restarts mid-incident (real Redis)', { timeout: 120_000 }, () => {
  let slack: SlackApiFake;
  let serve: ServeHandle | undefined;
  let work: string;
  let store: RedisIncidentStore;
  let redis: Redis;
  let env: Record<string, string>;
  const prefix = uniquePrefix();

  before(async () => {
    slack = await startSlackApiFake();
    ({ work, store, redis, env } = await setUpIncidentServe({ label: 'incident-restart', config: 'incidents:\n  autoDiagnose: false\n', prefix, slack }));
  });

  after(async () => {
    const code = await serve?.stop();
    await releaseIncidentTest({ redis, prefix, work, fakes: [slack] });
    assert.equal(code, 0);
    assert.doesNotMatch(serve?.output() ?? '', /"level":(50|60)/, 'no error logged');
  });

  it('keeps the incident, its roles and its timeline, and the thread still leads to it', async () => {
    serve = await startServeOnFreePort(env);
    const opened = await postJenkins(serve, jenkinsNotification({ number: 4812 }));
    const id = Number(opened.body.incident);
    const alert: FakeMessage = await eventually('the alert', () => slack.messages.find((m) => m.channel === INCIDENT_CHANNEL && m.threadTs === undefined));
    const take = buttonsOf(alert).find((b) => b.text.text === 'Take commander');
    assert.ok(take);
    await click(serve, slack, alert, take, ANN);
    await mentionInThread(serve, INCIDENT_CHANNEL, alert.ts, `incident role communicator <@${RAJ}>`, ANN);
    await mentionInThread(serve, INCIDENT_CHANNEL, alert.ts, 'incident note rolled back the ledger bump', RAJ);
    const before = await eventually('roles and note recorded', async () => {
      const t = await store.timeline(id);
      return t.some((e) => e.kind === 'note') && t.filter((e) => e.kind === 'role').length === 2 ? t : undefined;
    });
    const incidentBefore = await store.get(id);

    assert.equal(await serve.stop(), 0);
    serve = await startServeOnFreePort(env);

    const incidentAfter = await store.get(id);
    assert.deepEqual(incidentAfter, incidentBefore, 'the incident is unchanged');
    assert.deepEqual(incidentAfter?.roles, { commander: ANN, communicator: RAJ });
    assert.deepEqual(await store.timeline(id), before, 'the timeline is unchanged');

    // The thread still means this incident, through the new process.
    const posts = slack.okCalls('chat.postMessage').length;
    await mentionInThread(serve, INCIDENT_CHANNEL, alert.ts, 'incident log', RAJ);
    const log = await eventually('the log in the thread', () =>
      slack.messages.slice(posts).find((m) => m.threadTs === alert.ts && /timeline, \d+ entries/.test(m.text)),
    );
    for (const e of before) assert.ok(shownText(log).includes(e.kind), `the log lists the ${e.kind} entry`);
    assert.match(shownText(log), /rolled back the ledger bump/);
    await mentionInThread(serve, INCIDENT_CHANNEL, alert.ts, 'incident status identified the ledger tag is missing', ANN);
    await eventually('the status change', async () => ((await store.get(id))?.status === 'identified' ? true : undefined));

    // The next failure of the pipeline groups into the same incident and the same alert.
    const grouped = await postJenkins(serve, jenkinsNotification({ number: 4813 }));
    assert.equal(grouped.body.result, 'grouped');
    assert.equal(Number(grouped.body.incident), id);
    await eventually('the alert counting 2', () => /2 failures/.test(slack.messages.find((m) => m.ts === alert.ts)?.text ?? ''));
    assert.equal(slack.messages.filter((m) => m.channel === INCIDENT_CHANNEL && m.threadTs === undefined).length, 1, 'still one alert');
    assert.match(shownText(slack.messages.find((m) => m.ts === alert.ts)), new RegExp(`commander <@${ANN}>`));
  });
});
