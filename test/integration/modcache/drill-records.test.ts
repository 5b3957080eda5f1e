/**
 * Outage drills are recorded (issue 17, item 3): a real `buildfix serve` and
 * a real `buildfix worker` (agent-03) on real Redis, the worker's module
 * cache filled by the real go command. A drill typed in an incident's thread
 * lands in its timeline (start and result) and in the archived report; every
 * drill lands in the agent's pre-flight health history, which `buildfix
 * status` and `status` in Slack show ("last drill … passed, by …"); with one
 * zip evicted the next drill — typed outside any incident — fails on that
 * module and status says so. In-process (`buildfix shell`, no Redis) the
 * drill is kept in memory and its `status` shows it the same way.
 */
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import type { RedisIncidentStore } from '../../../src/incidents/redis-incident-store.ts';
import { cacheFilePath } from '../../../src/modcache/cache-files.ts';
import { RedisPreflightStore } from '../../../src/preflight/store.ts';
import { normalizeKeyPrefix } from '../../../src/redis/key-prefix.ts';
import { freePort } from '../../fakes/goproxy-server.ts';
import { startSlackApiFake, type FakeMessage, type SlackApiFake } from '../../fakes/slack-api.ts';
import { createModcacheFixture, type ModcacheFixture } from '../../helpers/modcache-fixture.ts';
import { runCli } from '../../helpers/run-cli.ts';
import { deletePrefix, REDIS_URL, startServe, startWorkerProcess, uniquePrefix, type ChildHandle, type ServeHandle } from '../../helpers/slack-processes.ts';
import { TEST_SIGNING_SECRET } from '../../helpers/slack-sign.ts';
import {
  ARCHIVE_CHANNEL,
  buttonsOf,
  click,
  eventually,
  INCIDENT_CHANNEL,
  mentionInThread,
  openStore,
  shownText,
  WEBHOOK_ENV,
} from '../incident-flow/harness.ts';

const ANN = 'UANN0001';
const BRAVO = { path: 'example.test/Bravo', version: 'v1.2.0' };
const THREAD = '1790000000.000100';
const TEAM = 'CTEAM';

describe('drills recorded in the timeline and the health history (real serve, worker, Redis, go)', { timeout: 150_000 }, () => {
  let f: ModcacheFixture;
  let slack: SlackApiFake;
  let serve: ServeHandle;
  let worker: ChildHandle;
  let work: string;
  let store: RedisIncidentStore;
  let redis: Redis;
  let cliEnv: Record<string, string>;
  const prefix = uniquePrefix();

  const inThread = (channel: string, ts: string): FakeMessage[] => slack.messages.filter((m) => m.channel === channel && m.threadTs === ts);

  /** Types `drill payments --host agent-03` in the thread, presses the confirmation's Run, waits for the drill's result there. */
  async function drillIn(channel: string, thread: string, expect: RegExp): Promise<FakeMessage> {
    const seen = inThread(channel, thread).length;
    await mentionInThread(serve, channel, thread, 'drill payments --host agent-03', ANN);
    const confirm = await eventually('the confirmation', () =>
      inThread(channel, thread)
        .slice(seen)
        .find((m) => /Run an outage drill for payments/.test(m.text)),
    );
    const run = buttonsOf(confirm).find((b) => b.action_id === 'bf-run');
    assert.ok(run, 'a Run button');
    await click(serve, slack, confirm, run, ANN);
    return eventually('the drill result', () => inThread(channel, thread).find((m) => expect.test(shownText(m))), 60_000);
  }

  before(async () => {
    f = await createModcacheFixture();
    await f.proxy.close(); // the outage: a drill never asks the proxy
    slack = await startSlackApiFake();
    work = await mkdtemp(join(tmpdir(), 'buildfix-drill-records-'));
    const config = join(work, 'buildfix.yaml');
    await writeFile(
      config,
      [
        'repos:',
        '  payments:',
        `    url: ${f.repo}`,
        'agents:',
        '  agent-03: {}',
        'permissions:',
        `  drill: [${ANN}]`,
        'incidents:',
        '  autoDiagnose: false',
        '',
      ].join('\n'),
    );
    ({ store, redis } = await openStore(prefix));
    const common = { REDIS_URL, REDIS_PREFIX: prefix, BUILDFIX_CONFIG: config };
    cliEnv = common;
    worker = await startWorkerProcess('agent-03', { ...common, GOMODCACHE: f.modcache, GOFLAGS: '-modcacherw' });
    serve = await startServe(
      { ...common, SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET, SLACK_API_URL: slack.apiUrl, ...WEBHOOK_ENV },
      await freePort(),
      ['--grace-ms', '500'],
    );
  });

  after(async () => {
    const codes = await Promise.all([serve?.stop(), worker?.stop()]);
    redis?.disconnect();
    await slack?.close();
    await f?.close();
    await deletePrefix(prefix);
    await rm(work, { recursive: true, force: true });
    assert.deepEqual(codes, [0, 0]);
    assert.doesNotMatch(serve?.output() ?? '', /"level":(50|60)/, 'serve logged no error');
  });

  it('a drill in an incident thread: its start and result are in the timeline and in the archived report', async () => {
    await mentionInThread(serve, TEAM, THREAD, 'incident open proxy outage drill', ANN);
    const incident = await eventually('the incident', () => store.findByThread(TEAM, THREAD));
    await drillIn(TEAM, THREAD, /Drill passed: .* builds with the proxy down \(module cache 5\/5 ready, 100%\)/);
    const timeline = await eventually('the drill in the timeline', async () => {
      const t = await store.timeline(incident.id);
      return t.some((e) => e.kind === 'job-result' && e.text.startsWith('drill ')) ? t : undefined;
    });
    const start = timeline.find((e) => e.kind === 'command' && e.text === 'drill payments --host agent-03');
    assert.ok(start, 'the drill start is an entry');
    assert.equal(start.by, ANN);
    const result = timeline.find((e) => e.kind === 'job-result');
    assert.match(result?.text ?? '', /^drill payments on agent-03: drill passed, the build survives a proxy outage \(module cache 5\/5 ready, 100%\) \(\d/);
    assert.deepEqual(result?.data?.drill, { passed: true, failed: [] });
    assert.ok(
      timeline.some((e) => e.kind === 'job-progress' && /^drill ✓ go mod download with GOPROXY=off/.test(e.text)),
      'the drill step is a milestone',
    );

    await mentionInThread(serve, TEAM, THREAD, 'incident resolve the cache carries payments through an outage', ANN);
    const archive = await eventually('the archive message', () => slack.messages.find((m) => m.channel === ARCHIVE_CHANNEL && m.threadTs === undefined));
    const upload = await eventually('the uploaded report', () => slack.uploads[0]);
    for (const text of [shownText(archive), upload.content]) {
      assert.ok(text.includes('drill payments --host agent-03'), 'the report names the drill');
      assert.match(text, /drill passed, the build survives a proxy outage/);
    }
  });

  it('every drill is in the health history: status shows the last one; evicted module → the next drill fails on it, with no incident', async () => {
    const passed = await runCli(['status'], cliEnv);
    assert.equal(passed.exitCode, 0, passed.stderr);
    assert.match(
      passed.stdout,
      /agent-03 +drill +payments +✓ pass +\d+ s ago +last drill \d+ s ago: passed: the build survives a proxy outage \(5\/5 modules in the cache\), by UANN0001 \(\d/,
    );

    const zip = cacheFilePath(f.modcache, BRAVO, 'zip');
    await copyFile(zip, `${zip}.keep`);
    await rm(zip);
    try {
      // In a channel thread that is no incident's: the drill runs and is recorded all the same.
      await drillIn(TEAM, '1790000000.000200', /Drill FAILED: with the proxy down, .* would fail on 1 module/);
    } finally {
      await copyFile(`${zip}.keep`, zip);
      await rm(`${zip}.keep`);
    }
    const failed = await runCli(['status'], cliEnv);
    assert.match(
      failed.stdout,
      /agent-03 +drill +payments +✗ fail +\d+ s ago +last drill \d+ s ago: failed on 1 module: example\.test\/Bravo@v1\.2\.0, by UANN0001/,
    );
    const json = (await runCli(['status', '--json'], cliEnv)).json<{ preflight: Array<{ check: string; drill?: { failed: string[] }; by?: string }> }>();
    assert.deepEqual(
      json.preflight.filter((r) => r.check === 'drill').map((r) => [r.by, r.drill?.failed]),
      [[ANN, ['example.test/Bravo@v1.2.0']]],
    );
    const history = await new RedisPreflightStore(redis, normalizeKeyPrefix(prefix)).history('agent-03', 'drill', 'payments');
    assert.deepEqual(
      history.map((r) => r.status),
      ['fail', 'pass'],
      'both drills, newest first',
    );
    assert.deepEqual(
      (await store.listOpen()).map((i) => [i.title, i.status, i.createdBy]),
      [],
      'the failed drill opened no incident',
    );

    // `status` in Slack shows it too, escaped.
    await mentionInThread(serve, TEAM, '1790000000.000300', 'status', ANN);
    const status = await eventually('the status in Slack', () => inThread(TEAM, '1790000000.000300').find((m) => /buildfix status/.test(m.text)));
    assert.match(
      shownText(status),
      /`agent-03` drill `payments` ✗ fail · \d+ s ago · last drill \d+ s ago: failed on 1 module: example\.test\/Bravo@v1\.2\.0, by UANN0001/,
    );
    assert.equal(inThread(INCIDENT_CHANNEL, THREAD).length, 0);
  });

  it('in-process (buildfix shell, no Redis): the drill is kept in memory and status shows it', async () => {
    const r = await runCli(
      ['shell'],
      { BUILDFIX_CONFIG: join(work, 'buildfix.yaml'), GOMODCACHE: f.modcache, GOFLAGS: '-modcacherw' },
      { input: 'drill payments\ny\nstatus\n' },
    );
    assert.equal(r.exitCode, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /Drill passed/);
    assert.match(
      r.stdout,
      /\S+ {2}drill {2}payments {2}✓ pass {2}\d+ s ago {2}last drill \d+ s ago: passed: the build survives a proxy outage \(5\/5 modules in the cache\), by local:\S+/,
    );
  });
});

describe('scheduled drills (preflight.drill): a BullMQ job scheduler on the worker runs the same drill and records it', { timeout: 90_000 }, () => {
  let f: ModcacheFixture;
  let worker: ChildHandle;
  let work: string;
  let redis: Redis;
  const prefix = uniquePrefix();

  before(async () => {
    f = await createModcacheFixture();
    await f.proxy.close();
    work = await mkdtemp(join(tmpdir(), 'buildfix-drill-schedule-'));
    await writeFile(
      join(work, 'buildfix.yaml'),
      [
        'repos:',
        '  payments:',
        `    url: ${f.repo}`,
        'preflight:',
        '  modules: "off"',
        '  probe: "off"',
        '  readiness: "off"',
        '  host: "off"',
        '  credentials: "off"',
        '  drill: 1500ms',
        '  jitter: 100ms',
        '  proxyCacheTtl: 100ms',
        '',
      ].join('\n'),
    );
    ({ redis } = await openStore(prefix));
    worker = await startWorkerProcess('agent-05', {
      REDIS_URL,
      REDIS_PREFIX: prefix,
      BUILDFIX_CONFIG: join(work, 'buildfix.yaml'),
      GOMODCACHE: f.modcache,
      GOFLAGS: '-modcacherw',
    });
  });

  after(async () => {
    const code = await worker?.stop();
    redis?.disconnect();
    await f?.close();
    await deletePrefix(prefix);
    await rm(work, { recursive: true, force: true });
    assert.equal(code, 0);
  });

  it('the scheduled drill lands in the history with no requester; evicting a module makes the next one fail on it', async () => {
    const store = new RedisPreflightStore(redis, normalizeKeyPrefix(prefix));
    const first = await eventually('a scheduled drill', async () => (await store.history('agent-05', 'drill', 'payments'))[0], 20_000);
    assert.equal(first.status, 'pass', first.summary);
    assert.equal(first.by, undefined, 'the schedule ran it');
    assert.deepEqual([first.drill?.ready, first.drill?.total], [5, 5]);
    const zip = cacheFilePath(f.modcache, BRAVO, 'zip');
    await rm(zip);
    const failed = await eventually(
      'a failing scheduled drill',
      async () => (await store.history('agent-05', 'drill', 'payments')).find((r) => r.status === 'fail'),
      20_000,
    );
    assert.deepEqual(failed.drill?.failed, ['example.test/Bravo@v1.2.0']);
    const status = await runCli(['status'], { REDIS_URL, REDIS_PREFIX: prefix, BUILDFIX_CONFIG: join(work, 'buildfix.yaml') });
    assert.match(status.stdout, /agent-05 +drill +payments +✗ fail +.*last drill .*: failed on 1 module: example\.test\/Bravo@v1\.2\.0, scheduled/);
  });
});
