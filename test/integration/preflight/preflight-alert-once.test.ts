/**
 * A pre-flight alert appears once in the incident channel whatever Slack answers (a real `buildfix serve` and a
 * real `buildfix worker` on the shared Redis, a GOPROXY fake the worker's module checks read, the strict Slack
 * fake). The alert goes through the outbox's deliver with one marker per alert, kept in Redis:
 * - Slack takes the post but answers internal_error: the channel is searched for the marker, the message found is
 *   the alert (kept, edited later), nothing is posted again;
 * - Slack takes the post, the answer is lost (HTTP 500) and the channel cannot be searched for a while: nothing is
 *   posted until the search says Slack has it;
 * - Slack does not take it (service_unavailable three times): posted once when Slack recovers;
 * - serve dies (kill -9) while Slack holds the answer to a post it took: the next serve resumes the delivery with
 *   the stored marker, finds the message and does not post it again;
 * - serve stopped (SIGTERM) while Slack keeps failing: not reported as undelivered, and the next serve posts it
 *   once, with the same marker.
 */
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { RedisPreflightStore } from '../../../src/preflight/store.ts';
import { startGoProxyFake, type GoProxyFake } from '../../fakes/goproxy-server.ts';
import { startSlackApiFake, type FakeMessage, type SlackApiFake } from '../../fakes/slack-api.ts';
import {
  createTempFiles,
  deleteKeys,
  SHARED_REDIS_URL,
  sharedRedisEnv,
  spawnWorker,
  uniquePrefix,
  waitUntil,
  type TempFiles,
  type WorkerProcess,
} from '../../helpers/jobs-harness.ts';
import { onlyChecks } from '../../helpers/preflight-harness.ts';
import { slackEnv, startServeOnFreePort, type ServeHandle } from '../../helpers/slack-processes.ts';

const CHANNEL = 'C0PFONCE';
const REPOS = ['one', 'two', 'three', 'four', 'five'] as const;
type Repo = (typeof REPOS)[number];
const moduleOf = (repo: Repo): string => `example.test/mod${repo}`;

async function writeRepo(dir: string, requires: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'go.mod'), `module example.com/${dir.split('/').at(-1) ?? 'app'}\n\ngo 1.19\n\nrequire ${requires}\n`);
  await writeFile(join(dir, 'go.sum'), '');
  return dir;
}

describe('pre-flight alerts: exactly once in the channel, whatever Slack answers', { timeout: 300_000 }, () => {
  const prefixValue = uniquePrefix('pfonce');
  const agent = `pfo-${prefixValue.slice(-4)}`;
  let files: TempFiles;
  let proxy: GoProxyFake;
  let slack: SlackApiFake;
  let serve: ServeHandle | undefined;
  let worker: WorkerProcess;
  let redis: Redis;
  let store: RedisPreflightStore;
  let serveEnv: Record<string, string>;

  const alertsAbout = (repo: Repo): FakeMessage[] =>
    slack.messages.filter((m) => m.channel === CHANNEL && !m.threadTs && m.text.includes(`module check of ${repo}`));
  const postCallsAbout = (repo: Repo) =>
    slack.callsTo('chat.postMessage').filter((c) => c.args.channel === CHANNEL && String(c.args.text).includes(`module check of ${repo}`));
  const markerOf = (args: Record<string, unknown>): string | undefined => (args.metadata as { event_payload?: { id?: string } } | undefined)?.event_payload?.id;
  /** The module disappears from the proxy: the worker's next module check of `repo` reports it, and serve alerts. */
  const breakRepo = (repo: Repo): void => proxy.updateVersion(moduleOf(repo), 'v1.0.0', { fail: { status: 404 }, listed: false });
  /** The scope's record points at the one message in the channel. */
  const settledOn = (repo: Repo, timeoutMs = 15_000) =>
    waitUntil(
      `the alert of ${repo} to be open on its message`,
      async () => {
        const record = await store.alert(`modules:${repo}`);
        const [message] = alertsAbout(repo);
        return record?.state === 'open' && message && record.ts === message.ts ? message : undefined;
      },
      timeoutMs,
    );

  before(async () => {
    files = await createTempFiles('pfonce');
    slack = await startSlackApiFake();
    proxy = await startGoProxyFake({ modules: REPOS.map((r) => ({ path: moduleOf(r), versions: [{ version: 'v1.0.0' }] })) });
    const repos: Record<string, { url: string }> = {};
    for (const r of REPOS) repos[r] = { url: await writeRepo(files.path(r), `${moduleOf(r)} v1.0.0`) };
    const configPath = await files.writeConfig({
      repos,
      agents: { [agent]: {} },
      preflight: onlyChecks({ modules: '2s', proxyCacheTtl: '1s' }),
      // Short pauses between attempts (half a second, doubling), given up on after 8 s.
      slack: { postGiveUpAfter: '8s' },
    });
    const goEnv = { GOPROXY: proxy.url, GOSUMDB: 'off', GOFLAGS: '-mod=mod', GONOSUMDB: '', GOPRIVATE: '', GONOPROXY: '', GOTOOLCHAIN: 'local' };
    const env = sharedRedisEnv(prefixValue, configPath, { INCIDENT_CHANNEL: CHANNEL });
    serveEnv = { ...env, ...slackEnv(slack) };
    redis = new Redis(SHARED_REDIS_URL);
    store = new RedisPreflightStore(redis, `{${prefixValue}}`);
    serve = await startServeOnFreePort(serveEnv);
    worker = spawnWorker(agent, { ...env, ...goEnv });
    await waitUntil(
      'the worker to check every repo',
      async () => {
        const healthy = (await store.latest()).filter((r) => r.check === 'modules' && (r.status === 'pass' || r.status === 'warn'));
        return healthy.length === REPOS.length ? true : undefined;
      },
      30_000,
    );
  });

  after(async () => {
    await worker?.stop(10_000);
    const code = await serve?.stop();
    redis?.disconnect();
    await deleteKeys(SHARED_REDIS_URL, prefixValue);
    await slack?.close();
    await proxy?.close();
    await files?.cleanup();
    assert.equal(code, 0, 'serve exits 0 on SIGTERM');
  });

  it('Slack took the post but answered internal_error: found by its marker, not posted again', async () => {
    slack.fail('chat.postMessage', { error: 'internal_error', applied: true, channel: CHANNEL });
    breakRepo('one');
    const message = await settledOn('one');
    // Rounds go on (every 2 s): nothing more is posted.
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal(alertsAbout('one').length, 1, 'the alert is in the channel once');
    assert.equal(postCallsAbout('one').length, 1, 'chat.postMessage was not called again');
    assert.equal(message.metadata?.event_type, 'buildfix_preflight_alert');
    assert.equal(message.metadata?.event_payload?.scope, 'modules:one');
    const searched = slack.okCalls('conversations.history').filter((c) => c.args.channel === CHANNEL);
    assert.ok(searched.length >= 1, 'the channel was searched for the marker');
    assert.match(serve?.output() ?? '', /pre-flight alert for modules:one: Slack had taken it although its answer was lost; not posting it again/);
    assert.doesNotMatch(serve?.output() ?? '', /NOT delivered/);
  });

  it('Slack took the post, the answer was lost and the channel could not be searched at first: nothing posted until the search finds it', async () => {
    slack.fail('chat.postMessage', { status: 500, applied: true, channel: CHANNEL });
    slack.fail('conversations.history', ...Array.from({ length: 6 }, () => ({ status: 500 as const, channel: CHANNEL })));
    breakRepo('two');
    await settledOn('two');
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal(alertsAbout('two').length, 1, 'the alert is in the channel once');
    assert.equal(postCallsAbout('two').length, 1, 'chat.postMessage was not called again');
    assert.match(serve?.output() ?? '', /pre-flight alert for modules:two: Slack had taken it although its answer was lost/);
  });

  it('Slack did not take it (service_unavailable three times): posted once when Slack recovers', async () => {
    slack.fail('chat.postMessage', ...Array.from({ length: 3 }, () => ({ error: 'service_unavailable', channel: CHANNEL })));
    breakRepo('three');
    await settledOn('three');
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal(alertsAbout('three').length, 1, 'posted once');
    const calls = postCallsAbout('three');
    assert.equal(calls.length, 4, 'three refusals, then the post');
    assert.equal(new Set(calls.map((c) => markerOf(c.args))).size, 1, 'every attempt carries the alert’s one marker');
    assert.doesNotMatch(serve?.output() ?? '', /NOT delivered/);
  });

  it('serve killed while Slack holds back the answer to a post it took: the next serve finds it by the stored marker', async () => {
    const first = serve;
    assert.ok(first);
    slack.fail('chat.postMessage', { hangAfterApplyMs: 120_000, channel: CHANNEL });
    breakRepo('four');
    await waitUntil('Slack to take the alert of four', () => (alertsAbout('four').length === 1 ? true : undefined), 15_000);
    const pending = await store.alert('modules:four');
    assert.equal(pending?.state, 'posting', 'the marker is stored before the first attempt');
    assert.equal(pending?.state === 'posting' ? pending.marker : undefined, alertsAbout('four')[0]?.metadata?.event_payload?.id);
    first.kill();
    serve = undefined;
    await first.stop();
    // The dead serve's hold on the scope runs out (30 s, no longer renewed); the next serve brings every scope in line at start.
    await waitUntil(
      'the dead serve’s alert lock to expire',
      async () => ((await redis.exists(store.keys.alertLock('modules:four'))) === 0 ? true : undefined),
      40_000,
    );
    serve = await startServeOnFreePort(serveEnv);
    const message = await settledOn('four', 20_000);
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal(alertsAbout('four').length, 1, 'the alert is in the channel once');
    assert.equal(postCallsAbout('four').length, 1, 'the next serve did not post it again');
    // What the message shows is brought in line with what the agents report now (it was rendered by the dead serve).
    assert.ok((slack.messages.find((m) => m.ts === message.ts)?.edits ?? 0) >= 1, 'edited by the next serve');
    assert.match(serve.output(), /Slack had taken it although its answer was lost; not posting it again/);
    // The earlier alerts are left as they were: no scope is posted again by the restart.
    for (const repo of ['one', 'two', 'three'] as const) assert.equal(alertsAbout(repo).length, 1, `one alert of ${repo}`);
  });

  it('serve stopped while Slack keeps failing: the next serve delivers it once, with the same marker', async () => {
    slack.fail('chat.postMessage', ...Array.from({ length: 40 }, () => ({ error: 'service_unavailable', channel: CHANNEL })));
    breakRepo('five');
    await waitUntil('two refused attempts', () => (postCallsAbout('five').length >= 2 ? true : undefined), 15_000);
    const stopping = serve;
    assert.ok(stopping);
    serve = undefined;
    assert.equal(await stopping.stop(), 0);
    assert.match(stopping.output(), /pre-flight alert for modules:five not posted yet and buildfix is stopping: it is delivered after the restart/);
    assert.doesNotMatch(stopping.output(), /NOT delivered/);
    assert.equal((await store.alert('modules:five'))?.state, 'posting', 'its marker stays in Redis');
    slack.clearFailures('chat.postMessage');
    serve = await startServeOnFreePort(serveEnv);
    await settledOn('five');
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal(alertsAbout('five').length, 1, 'posted once');
    assert.equal(new Set(postCallsAbout('five').map((c) => markerOf(c.args))).size, 1, 'both serves sent the one marker');
    assert.doesNotMatch(serve.output(), /NOT delivered/);
  });
});
