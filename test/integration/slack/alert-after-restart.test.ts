/**
 * No duplicate alert when serve dies between Slack taking an incident's alert
 * and the alert's ts being saved (a real `buildfix serve` on real Redis, the
 * strict Slack fake): the alert carries metadata (event_type buildfix_incident,
 * event_payload.incident); the fake stores it and holds its answer back, serve
 * is killed (SIGKILL); the next serve finds it with conversations.history
 * (include_all_metadata) and makes it the incident's thread without posting
 * again. An incident whose alert never reached Slack gets it posted after the restart. The killed serve had
 * marked the alert as being posted: the next serve takes it over once the killed one's replica lease lapses
 * (2 s here, `--lease-ms`; 30 s by default). A recovered alert gets the automatic diagnosis the killed serve
 * never ran: the build's log, read from the CI with the event kept in the incident's timeline, classified in the
 * alert's thread, and the alert led by the root cause. So does an alert whose poster was killed while its diagnosis
 * was reading the log; a diagnosis that got past the log (here: no token to read a GitHub log) is not run again.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import type { RedisIncidentStore } from '../../../src/incidents/redis-incident-store.ts';
import { startJenkinsFake, type JenkinsFake } from '../../fakes/jenkins-server.ts';
import { startSlackApiFake, type SlackApiFake } from '../../fakes/slack-api.ts';
import { serveFleet, uniquePrefix, type ServeHandle } from '../../helpers/slack-processes.ts';
import { githubHeaders, jenkinsNotification, workflowRun } from '../../unit/webhooks/payloads.ts';
import { eventually, INCIDENT_CHANNEL, postJenkins, postRaw, releaseIncidentTest, setUpIncidentServe, shownText, sleep } from '../incident-flow/harness.ts';

const LOG = new URL('../../fixtures/logs/go/version-not-found.requires-chain.jenkins.log', import.meta.url);

describe('an alert Slack took just before serve died is not posted twice', { timeout: 120_000 }, () => {
  let slack: SlackApiFake;
  let jenkins: JenkinsFake;
  let serve: ServeHandle | undefined;
  let work: string;
  let store: RedisIncidentStore;
  let redis: Redis;
  let env: Record<string, string>;
  const prefix = uniquePrefix();
  /** The incidents of the GitHub cases: their diagnosis (no GITHUB_TOKEN, so no log) is recorded, and later serves leave them alone. */
  const githubIncidents: number[] = [];

  const alerts = () => slack.messages.filter((m) => m.channel === INCIDENT_CHANNEL && !m.threadTs);
  /** Replicas renew their lease every 2 s / 3: the next serve takes over a killed one's alert within about 2 s. */
  const serves = serveFleet(['--grace-ms', '500', '--lease-ms', '2000']);
  const startServeOnFreePort = (e: Record<string, string>) => serves.start(e);

  before(async () => {
    slack = await startSlackApiFake();
    const console = await readFile(LOG, 'utf8');
    jenkins = await startJenkinsFake({
      jobs: [
        { name: 'payments/main', builds: [{ number: 5120, result: 'FAILURE', console }] },
        { name: 'ledger/main', builds: [{ number: 5121, result: 'FAILURE', console }] },
      ],
    });
    const config = 'incidents:\n  autoDiagnose: true\n  groupWindow: "off"\n';
    ({ work, store, redis, env } = await setUpIncidentServe({ label: 'alert-restart', config, prefix, slack, jenkins }));
  });

  after(async () => {
    const code = await serve?.stop();
    await serves.stopAll();
    await releaseIncidentTest({ redis, prefix, work, fakes: [slack, jenkins] });
    assert.equal(code, 0, 'the last serve exits 0 on SIGTERM');
  });

  it('found by its metadata after the restart: one alert, and it is the incident thread', async () => {
    serve = await startServeOnFreePort(env);
    // Slack stores the alert, but its answer never reaches serve before serve dies.
    slack.fail('chat.postMessage', { hangAfterApplyMs: 60_000, channel: INCIDENT_CHANNEL });
    const body = workflowRun({ id: 9101, runNumber: 1, workflow: 'restart' });
    const reply = await postRaw(serve.url, '/webhooks/github', body, githubHeaders(body));
    assert.equal(reply.body.result, 'opened');
    const id = Number(reply.body.incident);
    githubIncidents.push(id);
    const stored = await eventually('Slack to store the alert', () => alerts()[0]);
    assert.deepEqual(stored.metadata, { event_type: 'buildfix_incident', event_payload: { incident: id, id: stored.metadata?.event_payload?.id } });
    serve.kill();
    await eventually('serve to die', () => serve?.exited);
    assert.equal((await store.get(id))?.threadTs, undefined, 'the ts was never saved');

    serve = await startServeOnFreePort(env);
    const incident = await eventually('the alert to become the incident thread', async () => {
      const i = await store.get(id);
      return i?.threadTs ? i : undefined;
    });
    assert.equal(incident.threadTs, stored.ts);
    await sleep(1000);
    assert.equal(alerts().length, 1, 'not posted again');
    const search = slack.callsTo('conversations.history').find((c) => c.args.channel === INCIDENT_CHANNEL);
    assert.ok(search, 'the channel was searched');
    assert.equal(String(search.args.include_all_metadata), 'true');
    assert.ok((await store.timeline(id)).some((e) => /alert posted in .* \(found after a restart\)/.test(e.text)));
    await serve.stop();
  });

  it('never reached Slack: posted after the restart, once', async () => {
    slack.reset();
    serve = await startServeOnFreePort(env);
    // Slack is failing (transient) when the incident opens; serve dies while it is retrying, before Slack ever stored the alert.
    slack.fail('chat.postMessage', ...Array.from({ length: 20 }, () => ({ error: 'service_unavailable', channel: INCIDENT_CHANNEL })));
    const body = workflowRun({ id: 9102, runNumber: 2, workflow: 'never-posted' });
    const reply = await postRaw(serve.url, '/webhooks/github', body, githubHeaders(body));
    const id = Number(reply.body.incident);
    githubIncidents.push(id);
    await slack.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === INCIDENT_CHANNEL && !c.ok);
    serve.kill();
    await eventually('serve to die', () => serve?.exited);
    slack.clearFailures();
    assert.equal(alerts().length, 0);

    serve = await startServeOnFreePort(env);
    const incident = await eventually('the alert to be posted after the restart', async () => {
      const i = await store.get(id);
      return i?.threadTs ? i : undefined;
    });
    await sleep(1000);
    assert.equal(alerts().length, 1, 'posted once');
    assert.equal(alerts()[0]?.ts, incident.threadTs);
  });
  it('recovered after the restart: the diagnosis the killed serve never ran reads the build log and leads the alert', async () => {
    slack.reset();
    serve = await startServeOnFreePort(env);
    slack.fail('chat.postMessage', ...Array.from({ length: 20 }, () => ({ error: 'service_unavailable', channel: INCIDENT_CHANNEL })));
    const reply = await postJenkins(serve, jenkinsNotification({ number: 5120 }));
    assert.equal(reply.body.result, 'opened');
    const id = Number(reply.body.incident);
    await slack.waitFor((c) => c.method === 'chat.postMessage' && c.args.channel === INCIDENT_CHANNEL && !c.ok);
    serve.kill();
    await eventually('serve to die', () => serve?.exited);
    slack.clearFailures();
    assert.equal(jenkins.requests.filter((r) => /consoleText$/.test(r.path)).length, 0, 'the killed serve never read the log');

    serve = await startServeOnFreePort(env);
    const incident = await eventually('the alert to be posted after the restart', async () => {
      const i = await store.get(id);
      return i?.threadTs ? i : undefined;
    });
    const threadTs = incident.threadTs ?? '';
    const explained = await eventually('the classification in the recovered alert thread', () =>
      slack.thread(INCIDENT_CHANNEL, threadTs).find((m) => m.ts !== threadTs && /Root cause: version-not-found/.test(m.text)),
    );
    assert.match(shownText(explained), /github\.com\/acme\/money/);
    assert.ok(
      jenkins.requests.some((r) => r.method === 'GET' && /payments\/job\/main\/5120\/consoleText$/.test(r.path)),
      'the console log of the build the stored event names was read',
    );
    const led = await eventually('the alert led by the root cause', () => {
      const update = slack
        .okCalls('chat.update')
        .filter((c) => c.args.ts === threadTs)
        .at(-1);
      return update && /^🔴 Root cause: version-not-found/.test(String(update.args.text)) ? update : undefined;
    });
    assert.ok(led);
    assert.equal((await store.get(id))?.rootCause?.category, 'version-not-found');
    await sleep(500);
    assert.equal(alerts().filter((m) => /payments\/main/.test(m.text)).length, 1, 'posted once');
    const replies = slack.thread(INCIDENT_CHANNEL, threadTs).filter((m) => m.ts !== threadTs);
    assert.equal(replies.filter((m) => /Root cause: version-not-found/.test(m.text)).length, 1, 'diagnosed once');
  });
  it('killed while reading the build log: the next serve runs the diagnosis, once, and leaves diagnosed incidents alone', async () => {
    slack.reset();
    // The first serve's read of the console log hangs until it is killed.
    jenkins.addFault({ method: 'GET', path: /\/5121\/consoleText$/, delayMs: 60_000, times: 1 });
    serve = await startServeOnFreePort(env);
    const reply = await postJenkins(serve, jenkinsNotification({ folder: 'ledger', number: 5121 }));
    assert.equal(reply.body.result, 'opened');
    const id = Number(reply.body.incident);
    const alert = await eventually('the alert', () => alerts().find((m) => /ledger\/main #5121/.test(m.text)));
    await eventually('the diagnosis to start reading the log', () => jenkins.requests.some((r) => /\/5121\/consoleText$/.test(r.path)));
    serve.kill();
    await eventually('serve to die', () => serve?.exited);
    const replies = () => slack.thread(INCIDENT_CHANNEL, alert.ts).filter((m) => m.ts !== alert.ts);
    assert.equal(replies().filter((m) => /Root cause/.test(m.text)).length, 0, 'nothing classified before the kill');

    serve = await startServeOnFreePort(env);
    const explained = await eventually('the classification in the thread', () => replies().find((m) => /Root cause: version-not-found/.test(m.text)), 30_000);
    assert.match(shownText(explained), /github\.com\/acme\/money/);
    assert.equal((await eventually('the root cause recorded', async () => (await store.get(id))?.rootCause))?.category, 'version-not-found');
    await sleep(3000);
    assert.equal(replies().filter((m) => /Root cause: version-not-found/.test(m.text)).length, 1, 'diagnosed once');
    assert.equal(alerts().filter((m) => /ledger\/main #5121/.test(m.text)).length, 1, 'the alert was not posted again');
    assert.equal(jenkins.requests.filter((r) => /\/5121\/consoleText$/.test(r.path)).length, 2, 'the log was read again by the new serve');

    // The GitHub incidents' diagnoses ran once (no token: the log could not be read, which is recorded): not again at each start.
    assert.equal(githubIncidents.length, 2);
    for (const gid of githubIncidents) {
      const results = (await store.timeline(gid)).filter((e) => e.kind === 'job-result' && e.data?.classified === false);
      assert.equal(results.length, 1, `incident #${gid}: one record that its log was not classified`);
      const thread = (await store.get(gid))?.threadTs;
      assert.ok(thread);
      assert.equal(slack.okCalls('chat.postMessage').filter((c) => c.args.thread_ts === thread).length, 0, `incident #${gid} was not diagnosed again`);
    }
  });
});
