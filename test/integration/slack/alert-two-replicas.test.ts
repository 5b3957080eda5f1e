/**
 * Two `buildfix serve` replicas on real Redis and the strict Slack fake, during a Slack outage: replica A
 * opened an incident and is still retrying its alert when replica B starts. B's start-up recovery (an open
 * CI incident with no alert yet) must leave the alert to A while A lives, so Slack gets it once; and when A
 * dies while still retrying, B takes it over once A's lease lapses, so the alert is not lost either.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import type { RedisIncidentStore } from '../../../src/incidents/redis-incident-store.ts';
import { startSlackApiFake, type SlackApiFake } from '../../fakes/slack-api.ts';
import { serveFleet, uniquePrefix, type ServeHandle } from '../../helpers/slack-processes.ts';
import { githubHeaders, workflowRun } from '../../unit/webhooks/payloads.ts';
import { eventually, INCIDENT_CHANNEL, postRaw, releaseIncidentTest, setUpIncidentServe, sleep } from '../incident-flow/harness.ts';

/** Replicas renew their lease every 2 s / 3; one silent for 2 s is presumed dead. */
const REPLICA_ARGS = ['--grace-ms', '500', '--lease-ms', '2000'];

describe('an alert one replica is still retrying is not posted by a replica that starts meanwhile', { timeout: 120_000 }, () => {
  let slack: SlackApiFake;
  let a: ServeHandle | undefined;
  let b: ServeHandle | undefined;
  let work: string;
  let store: RedisIncidentStore;
  let redis: Redis;
  let env: Record<string, string>;
  const prefix = uniquePrefix();

  const alerts = () => slack.messages.filter((m) => m.channel === INCIDENT_CHANNEL && !m.threadTs);
  const alertPosts = () => slack.callsTo('chat.postMessage').filter((c) => c.args.channel === INCIDENT_CHANNEL && !c.args.thread_ts);
  const serves = serveFleet(REPLICA_ARGS);
  /** Shut down with serve's default 10 s grace for running handlers. */
  const patientServes = serveFleet(['--grace-ms', '10000', '--lease-ms', '2000']);
  const replica = () => serves.start(env);
  const outage = (failures: number) =>
    slack.fail('chat.postMessage', ...Array.from({ length: failures }, () => ({ error: 'service_unavailable', channel: INCIDENT_CHANNEL })));

  /** Slack fails `failures` times; a GitHub failure webhook reaches `serve`, which opens an incident and starts retrying its alert. */
  const openDuringOutage = async (serve: ServeHandle, run: number, failures: number): Promise<number> => {
    outage(failures);
    const body = workflowRun({ id: 9200 + run, runNumber: run, workflow: `outage-${run}` });
    const reply = await postRaw(serve.url, '/webhooks/github', body, githubHeaders(body));
    assert.equal(reply.body.result, 'opened');
    await slack.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === INCIDENT_CHANNEL && !c.ok);
    return Number(reply.body.incident);
  };
  const leftToTheOther = (serve: ServeHandle) =>
    eventually('the replica to leave the alert to the one posting it', () => /being posted by replica .*: leaving it to that replica/.test(serve.output()));
  /** The incident once its alert is its thread; then, a second later, the channel holds that one alert only. */
  const postedOnce = async (id: number, what: string) => {
    const incident = await eventually(
      what,
      async () => {
        const i = await store.get(id);
        return i?.threadTs ? i : undefined;
      },
      30_000,
    );
    await sleep(1000);
    assert.equal(alerts().length, 1, 'one alert in the channel');
    assert.equal(alerts()[0]?.ts, incident.threadTs);
  };

  before(async () => {
    slack = await startSlackApiFake();
    // Retries 1.25 s, 2.5 s, then every 5 s; given up on after 20 s.
    const config = 'slack:\n  postGiveUpAfter: 20s\nincidents:\n  autoDiagnose: false\n  groupWindow: "off"\n';
    ({ work, store, redis, env } = await setUpIncidentServe({ label: 'alert-replicas', config, prefix, slack }));
  });

  after(async () => {
    await Promise.all([serves.stopAll(), patientServes.stopAll()]);
    await releaseIncidentTest({ redis, prefix, work, fakes: [slack] });
  });

  it('the live replica posts it once; the new one waits and posts nothing', async () => {
    a = await replica();
    const id = await openDuringOutage(a, 1, 4);
    b = await replica();
    await leftToTheOther(b);
    await postedOnce(id, 'replica A to post the alert once Slack is back');
    await sleep(2000);
    assert.equal(alerts().length, 1, 'still one alert');
    assert.ok(alertPosts().length >= 5, 'replica A retried through the outage');
    assert.doesNotMatch(b.output(), /alert not in the channel after a restart: posting it/, 'replica B never posted it');
    await Promise.all([a.stop(), b.stop()]);
    a = b = undefined;
  });

  it('the replica that was posting dies: the waiting one takes it over and posts it once', async () => {
    slack.reset();
    a = await replica();
    const id = await openDuringOutage(a, 2, 50);
    b = await replica();
    await leftToTheOther(b);
    a.kill();
    await eventually('replica A to die', () => a?.exited);
    slack.clearFailures();
    await postedOnce(id, 'replica B to take the alert over');
    assert.match(b.output(), /stopped while posting the alert of incident #\d+: taking it over/);
    assert.ok((await store.timeline(id)).some((e) => e.kind === 'alert' && /alert posted in/.test(e.text)));
  });

  it('a replica shutting down while it waits stops waiting at once (the wait does not hold its drain)', async () => {
    slack.reset();
    a = await replica();
    const id = await openDuringOutage(a, 3, 50);
    b = await patientServes.start(env);
    await leftToTheOther(b);
    const started = Date.now();
    assert.equal(await b.stop(), 0);
    assert.ok(Date.now() - started < 5000, `replica B stopped in ${Date.now() - started} ms, not after its 10 s grace`);
    slack.clearFailures();
    await postedOnce(id, 'replica A to post the alert');
  });

  it('the posting replica shuts down while Slack still fails: a replica already running posts the alert once Slack is back', async () => {
    // Only these two replicas run (earlier tests' serves would recover the alert too).
    await Promise.all([serves.stopAll(), patientServes.stopAll()]);
    slack.reset();
    b = await replica();
    a = await replica();
    const id = await openDuringOutage(a, 4, 50);
    assert.equal(await a.stop(), 0, 'replica A shuts down while it is still retrying');
    assert.ok(!(await store.timeline(id)).some((e) => e.kind === 'alert'), 'not given up on: left to the other replicas');
    slack.clearFailures();
    await postedOnce(id, 'replica B to post the alert');
    assert.match(b.output(), /alert not in the channel after a restart: posting it/);
  });
});
