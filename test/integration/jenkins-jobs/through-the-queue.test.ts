/**
 * The Jenkins jobs end to end through the queue: real Redis (a unique key
 * prefix), real `buildfix worker` processes whose environment points at the
 * Jenkins fake, the BullMQ dispatcher and the chat router in this process.
 * Clean rebuild, rebuild through another GOPROXY, a failed build explained,
 * rollback, and agent restarts through the agent's own worker and through
 * Jenkins, with their progress events and their failures (the node is never
 * left offline silently).
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { Redis } from 'ioredis';
import { after, before, describe, it } from 'node:test';
import type { ChatMessage } from '../../../src/chat/chat-surface.ts';
import { createRouter } from '../../../src/chat/create-router.ts';
import type { CommandRouter } from '../../../src/chat/command-router.ts';
import type { Command } from '../../../src/chat/parse-command.ts';
import { loadConfig, type Config } from '../../../src/config/load-config.ts';
import { BullmqDispatcher } from '../../../src/jobs/bullmq-dispatcher.ts';
import type { JenkinsRebuildJobResult, JenkinsRestartAgentJobResult, JenkinsRollbackJobResult } from '../../../src/jobs/jenkins-job-types.ts';
import type { JobOutcome, JobProgress } from '../../../src/jobs/job-types.ts';
import { createLogger } from '../../../src/logger.ts';
import { renderChatMessage } from '../../../src/render/terminal-chat.ts';
import { renderResult } from '../../../src/slack/blocks/result-blocks.ts';
import { startJenkinsFake, type JenkinsFake } from '../../fakes/jenkins-server.ts';
import {
  createTempDir,
  deleteKeys,
  REDIS_URL,
  RecordingSurface,
  restartArgv,
  spawnWorker,
  uniquePrefix,
  waitUntil,
  type TempDir,
  type WorkerProcess,
} from './harness.ts';

const GOOD_SHA = '4f2c9e1a7b3d5e6f8091a2b3c4d5e6f708192a3b';
/** A configured mirror's password: it must reach the Jenkins build and nothing else. */
const MIRROR_PASSWORD = 'mirror-pass-7Qz91';
const FAILING_LOG = new URL('../../fixtures/logs/go/proxy-unreachable.dns.jenkins.log', import.meta.url);
const ANN = { userId: 'U0ANN', label: 'ann' };

function okResult<R>(outcome: JobOutcome): R {
  assert.ok(outcome.ok, `expected success, got ${JSON.stringify(outcome)}`);
  return outcome.result as R;
}

// The POSTs an agent got, in order: "toggleOffline", "doDisconnect", …
function nodePosts(fake: JenkinsFake, node: string): string[] {
  return fake.requestsTo('POST', new RegExp(`^/computer/${node}/`)).map((r) => r.path.split('/').pop() ?? '');
}

// The finished restart steps of an outcome as "step:status".
function restartSteps(outcome: JobOutcome): string[] {
  const names = new Set(['mark-offline', 'drain', 'restart', 'wait-online', 'mark-online', 'restore']);
  return outcome.steps.filter((s) => names.has(s.step)).map((s) => `${s.step}:${s.status}`);
}

describe('Jenkins jobs through the queue (real Redis, real workers, Jenkins fake)', () => {
  const prefixValue = uniquePrefix('queue');
  let fake: JenkinsFake;
  let tmp: TempDir;
  let config: Config;
  let dispatcher: BullmqDispatcher;
  let router: CommandRouter;
  let workers: WorkerProcess[] = [];

  before(async () => {
    const failingLog = (await readFile(FAILING_LOG, 'utf8')).split('\n');
    fake = await startJenkinsFake({
      jobs: [
        {
          name: 'team/payments/main',
          params: [
            { name: 'GOPROXY', type: 'string' },
            { name: 'GOFLAGS', type: 'string' },
          ],
        },
        { name: 'team/api/pipeline', kind: 'pipeline', params: [{ name: 'CLEAN_WORKSPACE', type: 'boolean' }] },
        { name: 'team/payments/broken', plan: { result: 'FAILURE', console: failingLog } },
        {
          name: 'team/payments/release',
          params: [{ name: 'REVISION', type: 'string' }],
          builds: [
            { number: 40, result: 'SUCCESS', git: [{ sha: GOOD_SHA, remoteUrls: ['https://git.example.test/payments.git'], branch: 'origin/main' }] },
            {
              number: 41,
              result: 'FAILURE',
              git: [{ sha: 'bad0000000000000000000000000000000000bad', remoteUrls: ['https://git.example.test/payments.git'] }],
            },
          ],
        },
      ],
      nodes: [{ name: 'agent-01' }, { name: 'agent-02', launchMs: 300 }, { name: 'agent-03', launchFails: true }, { name: 'agent-04' }, { name: 'agent-05' }],
    });
    tmp = await createTempDir('queue');
    const configPath = await tmp.writeConfig({
      jobs: {
        'team/payments/main': { goproxyParam: 'GOPROXY', goflagsParam: 'GOFLAGS' },
        'team/api/pipeline': { cleanParam: 'CLEAN_WORKSPACE' },
        'team/payments/broken': {},
        'team/payments/release': { revisionParam: 'REVISION' },
      },
      agents: {
        'ci-runner': {},
        'agent-01': { restart: restartArgv(tmp.path('agent-01.marker'), 0, 1) },
        'agent-02': {},
        'agent-03': {},
        'agent-04': {},
        'agent-05': { restart: restartArgv(tmp.path('agent-05.marker'), 7, 0) },
      },
      permissions: { restart: [ANN.userId], rebuild: [ANN.userId], rollback: [ANN.userId] },
      mirrors: ['https://goproxy.io', `https://bot:${MIRROR_PASSWORD}@goproxy.corp.test`],
    });
    const env = {
      REDIS_URL,
      REDIS_PREFIX: prefixValue,
      BUILDFIX_CONFIG: configPath,
      JENKINS_URL: fake.url,
      JENKINS_USER: fake.user,
      JENKINS_API_TOKEN: fake.token,
    };
    // ci-runner takes any job; agent-01 and agent-05 have their own live workers, agent-02..04 have none.
    workers = ['ci-runner', 'agent-01', 'agent-05'].map((host) => spawnWorker(host, env));
    config = loadConfig(env);
    dispatcher = new BullmqDispatcher({
      config,
      logger: createLogger({ level: 'silent' }),
      redisUrl: REDIS_URL,
      prefix: `{${prefixValue}}`,
      pollIntervalMs: 1000,
    });
    router = createRouter({ config, dispatcher, logger: createLogger({ level: 'silent' }) });
    await waitUntil(
      'the three workers to announce themselves',
      async () => {
        const hosts = (await dispatcher.status()).workers.map((w) => w.host);
        return ['ci-runner', 'agent-01', 'agent-05'].every((h) => hosts.includes(h));
      },
      30_000,
      200,
    );
  });

  after(async () => {
    await dispatcher?.close();
    await Promise.all(workers.map((w) => w.stop()));
    await fake?.close();
    await deleteKeys(prefixValue);
    await tmp?.cleanup();
  });

  async function run(
    name: 'jenkins-rebuild' | 'jenkins-rollback' | 'jenkins-restart-agent',
    payload: Record<string, unknown>,
  ): Promise<{ outcome: JobOutcome; events: JobProgress[] }> {
    const events: JobProgress[] = [];
    const handle = await dispatcher.submit(name, payload as never, { requestedBy: ANN.userId });
    const outcome = await dispatcher.waitFor(handle.id, { timeoutMs: 60_000, onProgress: (e) => events.push(e) });
    return { outcome, events };
  }

  it('clean rebuild of a freestyle job: wipes the workspace, then queued → started #N → finished SUCCESS with duration and URL', async () => {
    const payload = { job: 'team/payments/main', clean: true };
    // A double click: the second submit follows the first job instead of building twice.
    const [first, second] = await Promise.all([dispatcher.submit('jenkins-rebuild', payload), dispatcher.submit('jenkins-rebuild', payload)]);
    assert.equal(second.id, first.id);
    const events: JobProgress[] = [];
    const outcome = await dispatcher.waitFor(first.id, { timeoutMs: 60_000, onProgress: (e) => events.push(e) });
    const r = okResult<JenkinsRebuildJobResult>(outcome);
    assert.equal(outcome.attempts, 1);
    assert.equal(r.cleanMethod, 'wipe-out');
    assert.equal(r.build.result, 'SUCCESS');
    assert.equal(r.build.number, 1);
    assert.equal(r.log, undefined, 'a successful build is not classified');
    assert.equal(fake.job('team/payments/main').wipeOuts, 1);
    assert.equal(fake.requestsTo('POST', '/job/team/job/payments/job/main/buildWithParameters').length, 1, 'built exactly once');
    const wipe = fake.requestsTo('POST', '/job/team/job/payments/job/main/doWipeOutWorkspace')[0];
    const build = fake.requestsTo('POST', '/job/team/job/payments/job/main/buildWithParameters')[0];
    assert.ok(wipe && build && wipe.at <= build.at, 'the workspace is wiped before the build');

    const url = `${fake.url}job/team/job/payments/job/main/1/`;
    const phases = events.filter((e) => ['queued', 'started', 'finished'].includes(e.step));
    assert.deepEqual(
      phases.map((e) => e.step),
      ['queued', 'started', 'finished'],
    );
    assert.match(phases[0]?.message ?? '', /^team\/payments\/main: queued in Jenkins \(queue item \d+/);
    assert.equal(phases[1]?.message, `team/payments/main: started #1 ${url}`);
    assert.match(
      phases[2]?.message ?? '',
      new RegExp(`^team/payments/main: #1 finished SUCCESS in \\d+(\\.\\d+)? (ms|s): ${url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`),
    );
    assert.equal(phases[2]?.status, 'pass');
    assert.equal(typeof phases[2]?.durationMs, 'number');
    assert.deepEqual(
      outcome.steps.map((s) => s.step).filter((s) => ['queued', 'started', 'finished'].includes(s)),
      ['queued', 'started', 'finished'],
    );
  });

  it('clean rebuild of a Pipeline job sets its clean parameter instead of wiping', async () => {
    const { outcome } = await run('jenkins-rebuild', { job: 'team/api/pipeline', clean: true });
    const r = okResult<JenkinsRebuildJobResult>(outcome);
    assert.equal(r.cleanMethod, 'parameter');
    assert.equal(fake.job('team/api/pipeline').wipeOuts, 0);
    assert.equal(fake.job('team/api/pipeline').builds.at(-1)?.params.CLEAN_WORKSPACE, 'true');
  });

  it("rebuild through the chat router with a remediation button's GOPROXY: passed as the job's GOPROXY parameter, result posted", async () => {
    const surface = new RecordingSurface();
    const command = Object.assign<Command, { goproxy: string }>(
      { kind: 'rebuild', job: 'team/payments/main', clean: false },
      { goproxy: 'https://goproxy.io,direct' },
    );
    await router.dispatch(command, ANN, surface, { confirmed: true });
    assert.deepEqual(surface.whispered, []);
    const [result] = surface.results();
    assert.ok(result);
    const r = okResult<JenkinsRebuildJobResult>(result.outcome);
    assert.deepEqual(r.appliedOverrides, { GOPROXY: 'https://goproxy.io,direct' });
    assert.equal(fake.job('team/payments/main').builds.at(-1)?.params.GOPROXY, 'https://goproxy.io,direct');
    const status = surface.posted[0] as Extract<ChatMessage, { kind: 'status' }>;
    assert.equal(status.title, 'rebuild team/payments/main with GOPROXY=https://goproxy.io,direct');
    const final = surface.updates.at(-1) as Extract<ChatMessage, { kind: 'status' }>;
    assert.equal(final.state, 'done');
    assert.deepEqual(
      final.lines.map((l) => l.step).filter((s) => ['queued', 'started', 'finished'].includes(s)),
      ['queued', 'started', 'finished'],
    );

    const text = renderChatMessage(result, { color: false });
    assert.match(text, /✓ team\/payments\/main #2 SUCCESS in .* rebuild \(from (ci-runner|agent-01|agent-05),/);
    assert.match(text, /parameters: GOPROXY=https:\/\/goproxy\.io,direct/);
    const slack = renderResult(result.command, result.outcome, ANN.userId, { config });
    assert.match(slack.text, /^Rebuild of team\/payments\/main: #2 SUCCESS$/);
    assert.match(JSON.stringify(slack.blocks), /GOPROXY=https:\/\/goproxy.io,direct/);
  });

  it('a credentialed mirror: the button and every message show it masked, the build gets the configured URL, Redis never holds the password', async () => {
    const surface = new RecordingSurface();
    const masked = 'https://bot:***@goproxy.corp.test,direct';
    await router.dispatch(
      Object.assign<Command, { goproxy: string }>({ kind: 'rebuild', job: 'team/payments/main', clean: false }, { goproxy: masked }),
      ANN,
      surface,
      {
        confirmed: true,
      },
    );
    assert.deepEqual(surface.whispered, []);
    const [result] = surface.results();
    assert.ok(result);
    const r = okResult<JenkinsRebuildJobResult>(result.outcome);
    assert.equal(fake.job('team/payments/main').builds.at(-1)?.params.GOPROXY, `https://bot:${MIRROR_PASSWORD}@goproxy.corp.test,direct`);
    assert.deepEqual(r.appliedOverrides, { GOPROXY: masked });
    const status = surface.posted[0] as Extract<ChatMessage, { kind: 'status' }>;
    assert.equal(status.title, `rebuild team/payments/main with GOPROXY=${masked}`);
    const shown = JSON.stringify([
      surface.posted,
      surface.updates,
      renderChatMessage(result, { color: false }),
      renderResult(result.command, result.outcome, ANN.userId, { config }),
    ]);
    assert.ok(!shown.includes(MIRROR_PASSWORD), 'no message shows the password');
    const redis = new Redis(REDIS_URL);
    try {
      const leaks: string[] = [];
      for await (const keys of redis.scanStream({ match: `*${prefixValue}*`, count: 500 })) {
        for (const key of keys as string[]) {
          const type = await redis.type(key);
          const dump = type === 'hash' ? JSON.stringify(await redis.hgetall(key)) : type === 'string' ? await redis.get(key) : '';
          if (dump?.includes(MIRROR_PASSWORD)) leaks.push(key);
        }
      }
      assert.deepEqual(leaks, [], 'no job record in Redis holds the password');
    } finally {
      redis.disconnect();
    }
  });

  it('refuses a GOPROXY the config does not know, before anything runs', async () => {
    const surface = new RecordingSurface();
    const before = fake.job('team/payments/main').builds.length;
    await router.dispatch(
      Object.assign<Command, { goproxy: string }>(
        { kind: 'rebuild', job: 'team/payments/main', clean: false },
        { goproxy: 'https://goproxy.evil.test,direct' },
      ),
      ANN,
      surface,
      { confirmed: true },
    );
    const texts = surface.whispered.map((m) => (m.kind === 'text' ? m.text : ''));
    assert.match(texts[0] ?? '', /GOPROXY entry "https:\/\/goproxy\.evil\.test" is not one buildfix knows: .*mirrors:/);
    assert.deepEqual(surface.posted, [], 'no job was queued');
    assert.equal(fake.job('team/payments/main').builds.length, before, 'nothing was triggered');
  });

  it('refuses, before anything runs, an override the job cannot take and a job that is not configured', async () => {
    const surface = new RecordingSurface();
    await router.dispatch(
      Object.assign<Command, { goproxy: string }>({ kind: 'rebuild', job: 'team/payments/broken', clean: false }, { goproxy: 'direct' }),
      ANN,
      surface,
      { confirmed: true },
    );
    await router.dispatch({ kind: 'rebuild', job: 'team/nope', clean: true }, ANN, surface, { confirmed: true });
    await router.dispatch({ kind: 'rollback', job: 'team/payments/main' }, ANN, surface, { confirmed: true });
    const texts = surface.whispered.map((m) => (m.kind === 'text' ? m.text : ''));
    assert.match(texts[0] ?? '', /cannot rebuild team\/payments\/broken through GOPROXY=direct: set jobs\.team\/payments\/broken\.goproxyParam/);
    assert.match(texts[1] ?? '', /"team\/nope" is not a configured Jenkins job\. Known jobs: team\/payments\/main, team\/api\/pipeline/);
    assert.match(texts[2] ?? '', /rollback of team\/payments\/main needs the job's revision parameter: set jobs\.team\/payments\/main\.revisionParam/);
    assert.deepEqual(surface.posted, [], 'no job was queued');
    await assert.rejects(
      dispatcher.submit('jenkins-rebuild', { job: 'team/nope', clean: false }),
      (e: Error & { code?: string }) => e.code === 'BF_PERMISSION' && /not a configured Jenkins job/.test(e.message),
    );
    await assert.rejects(dispatcher.submit('jenkins-rebuild', { job: '../etc', clean: false }), (e: Error & { code?: string }) => e.code === 'BF_INPUT');
  });

  it('a build that fails: its console log goes through the classifier and the root cause is in the result', async () => {
    const { outcome, events } = await run('jenkins-rebuild', { job: 'team/payments/broken', clean: false });
    const r = okResult<JenkinsRebuildJobResult>(outcome);
    assert.equal(r.build.result, 'FAILURE');
    assert.equal(r.log?.classification?.category, 'proxy-unreachable');
    assert.match(r.log?.classification?.evidence.join('\n') ?? '', /lookup proxy\.golang\.org .* no such host/);
    assert.equal(events.find((e) => e.step === 'finished')?.status, 'fail');
    assert.match(events.find((e) => e.step === 'classify')?.message ?? '', /root cause proxy-unreachable/);
  });

  it('rollback through the chat router: rebuilds the last successful revision, "rolled back to #40 (4f2c9e1)"', async () => {
    const surface = new RecordingSurface();
    await router.dispatch({ kind: 'rollback', job: 'team/payments/release' }, ANN, surface, { confirmed: true });
    const [result] = surface.results();
    assert.ok(result, JSON.stringify(surface.whispered));
    const r = okResult<JenkinsRollbackJobResult>(result.outcome);
    assert.equal(r.summary, 'rolled back to #40 (4f2c9e1)');
    assert.equal(r.sha, GOOD_SHA);
    assert.equal(r.branch, 'origin/main');
    assert.equal(r.build.number, 42);
    assert.equal(r.build.result, 'SUCCESS');
    assert.equal(fake.job('team/payments/release').builds.at(-1)?.params.REVISION, GOOD_SHA);
    const final = surface.updates.at(-1) as Extract<ChatMessage, { kind: 'status' }>;
    assert.deepEqual(
      final.lines.map((l) => l.step).filter((s) => s !== 'trigger'),
      ['queued', 'started', 'finished', 'revision'],
    );
    assert.match(renderChatMessage(result, { color: false }), /team\/payments\/release #42 SUCCESS .* rolled back to #40 \(4f2c9e1\) on origin\/main/);
  });

  it("restart through the agent host's live worker: its restart command runs there; steps with their times; back online", async () => {
    // When the fixture runs, the agent's channel drops for 1.5 s, as a real restart would.
    const dropped = waitUntil('the restart fixture to run on agent-01', async () => (await tmp.markerLines('agent-01.marker')).length > 0, 60_000).then(() =>
      fake.simulateAgentRestart('agent-01', 1500),
    );
    const { outcome, events } = await run('jenkins-restart-agent', {
      agent: 'agent-01',
      force: false,
      requestedBy: 'ann (U0ANN)',
      reason: 'go mod download keeps failing',
    });
    await dropped;
    const r = okResult<JenkinsRestartAgentJobResult>(outcome);
    assert.equal(r.via, 'worker');
    assert.equal(r.worker?.host, 'agent-01');
    assert.equal(r.worker?.exitCode, 0);
    assert.match(r.worker?.command ?? '', /record-restart\.sh .*agent-01\.marker 0 1$/);
    assert.deepEqual(await tmp.markerLines('agent-01.marker'), ['restart ran: exit=0'], 'the restart command ran once');
    assert.deepEqual(restartSteps(outcome), ['mark-offline:pass', 'drain:pass', 'restart:pass', 'wait-online:pass', 'mark-online:pass']);
    assert.ok(outcome.steps.filter((s) => s.step !== 'route').every((s) => typeof s.durationMs === 'number' || s.status === 'info'));
    assert.ok((outcome.steps.find((s) => s.step === 'wait-online')?.durationMs ?? 0) >= 300, 'waited for the agent to reconnect');
    assert.match(events.find((e) => e.step === 'route')?.message ?? '', /a buildfix worker is live on agent-01/);
    assert.ok(
      events.some((e) => e.step === 'worker:restart' && /^agent-01: restarting agent-01/.test(e.message)),
      "the worker job's progress is forwarded",
    );
    assert.deepEqual(nodePosts(fake, 'agent-01'), ['toggleOffline', 'toggleOffline'], 'no Jenkins disconnect/launch: the worker restarted it');
    assert.equal(
      fake.requestsTo('POST', '/computer/agent-01/toggleOffline')[0]?.params.offlineMessage,
      'buildfix: restart requested by ann (U0ANN): go mod download keeps failing',
    );
    const node = fake.node('agent-01');
    assert.equal(node.connected, true);
    assert.equal(node.temporarilyOffline, false);
    assert.deepEqual(r.final, { connected: true, temporarilyOffline: false, offline: false, offlineCauseReason: '' });
  });

  it('restart through Jenkins when no worker is live for the host (chat router): disconnect, launch, back online', async () => {
    const surface = new RecordingSurface();
    await router.dispatch({ kind: 'restart', agent: 'agent-02', force: false }, ANN, surface, { confirmed: true });
    const [result] = surface.results();
    assert.ok(result, JSON.stringify(surface.whispered));
    const r = okResult<JenkinsRestartAgentJobResult>(result.outcome);
    assert.equal(r.via, 'jenkins');
    assert.equal(r.worker, undefined);
    assert.deepEqual(nodePosts(fake, 'agent-02'), ['toggleOffline', 'doDisconnect', 'launchSlaveAgent', 'toggleOffline']);
    assert.equal(fake.node('agent-02').launches, 1);
    assert.equal(fake.node('agent-02').temporarilyOffline, false);
    assert.match(
      fake.requestsTo('POST', '/computer/agent-02/toggleOffline')[0]?.params.offlineMessage ?? '',
      /^buildfix: restart requested by ann \(U0ANN\): /,
    );
    const final = surface.updates.at(-1) as Extract<ChatMessage, { kind: 'status' }>;
    assert.equal(final.state, 'done');
    assert.deepEqual(
      final.lines.filter((l) => l.status !== 'running' && l.step !== 'route').map((l) => l.step),
      ['mark-offline', 'drain', 'restart', 'wait-online', 'mark-online'],
    );
    assert.match(final.lines.find((l) => l.step === 'route')?.message ?? '', /no live buildfix worker on agent-02: restarting agent-02 through Jenkins/);
    const text = renderChatMessage(result, { color: false });
    assert.match(text, /✓ agent-02 restarted in .* \(through Jenkins\)/);
    assert.match(text, /mark-offline .*marked temporarily offline/);
    assert.match(text, /now: online/);
    assert.match(JSON.stringify(renderResult(result.command, result.outcome, ANN.userId, { config }).blocks), /agent-02 restarted in/);
  });

  it("a restart command that fails on the host's worker: the node is put back online and the error says so", async () => {
    const { outcome } = await run('jenkins-restart-agent', { agent: 'agent-05', force: true, requestedBy: 'ann', reason: 'test a failing restart' });
    assert.equal(outcome.ok, false);
    if (outcome.ok) return;
    assert.equal(outcome.attempts, 1, 'a restart is never retried');
    assert.equal(outcome.error.code, 'BF_COMMAND_FAILED');
    assert.match(
      outcome.error.message,
      /^restarting agent-05 failed while restarting it: the restart command on agent-05's worker failed: .*exit(ed with)? code 7.*agent-05 was put back online\.$/s,
    );
    assert.equal(outcome.error.details?.state, 'online');
    assert.equal(outcome.error.details?.step, 'restart');
    assert.deepEqual(restartSteps(outcome), ['mark-offline:pass', 'drain:skip', 'restart:error', 'restore:pass']);
    assert.deepEqual(await tmp.markerLines('agent-05.marker'), ['restart ran: exit=7']);
    assert.equal(fake.node('agent-05').temporarilyOffline, false);
    assert.deepEqual(nodePosts(fake, 'agent-05'), ['toggleOffline', 'toggleOffline']);
  });

  it('Jenkins cannot launch the agent: the mark is cleared and the error says it is disconnected', async () => {
    const { outcome } = await run('jenkins-restart-agent', { agent: 'agent-03', force: false, requestedBy: 'ann', reason: 'launch will fail' });
    assert.equal(outcome.ok, false);
    if (outcome.ok) return;
    assert.match(outcome.error.message, /Jenkins failed to launch agent-03/);
    assert.match(outcome.error.message, /agent-03 was put back online \(no longer marked temporarily offline\), but it is disconnected/);
    assert.equal(outcome.error.details?.state, 'online-disconnected');
    assert.equal(outcome.error.details?.step, 'wait-online');
    assert.equal(fake.node('agent-03').temporarilyOffline, false);
  });

  it('Jenkins goes away while the agent restarts: the wait gives up, the node is restored once Jenkins answers, the error says its state', async () => {
    // Three reads pass (before, after the mark, after the disconnect); then four 503s in a row while waiting for it to come back.
    fake.addFault({ method: 'GET', path: '/computer/agent-04/api/json', status: 503, skip: 3, times: 4 });
    const { outcome } = await run('jenkins-restart-agent', { agent: 'agent-04', force: false, requestedBy: 'ann', reason: 'jenkins blips' });
    assert.equal(outcome.ok, false);
    if (outcome.ok) return;
    assert.equal(outcome.error.code, 'BF_UPSTREAM');
    assert.match(
      outcome.error.message,
      /^restarting agent-04 failed while waiting for it to come back online: Jenkins at http:\/\/127\.0\.0\.1:\d+ is unreachable or failing: 503 Service Unavailable on GET \/computer\/agent-04\/api\/json/,
    );
    assert.match(outcome.error.message, /agent-04 was put back online\.$/);
    assert.equal(outcome.error.details?.state, 'online');
    assert.equal(fake.node('agent-04').temporarilyOffline, false);
    assert.ok(!outcome.error.message.includes(fake.token));
  });
});

describe('Jenkins jobs when Jenkins is down or not configured on the worker', () => {
  const prefixValue = uniquePrefix('down');
  let tmp: TempDir;
  let dispatcher: BullmqDispatcher;
  let worker: WorkerProcess | undefined;
  let env: Record<string, string>;

  before(async () => {
    tmp = await createTempDir('down');
    const configPath = await tmp.writeConfig({ agents: { 'agent-01': {} } });
    // A port nothing listens on: connection refused.
    const dead = await startJenkinsFake();
    const deadUrl = dead.url;
    await dead.close();
    env = {
      REDIS_URL,
      REDIS_PREFIX: prefixValue,
      BUILDFIX_CONFIG: configPath,
      JENKINS_URL: deadUrl,
      JENKINS_USER: 'buildfix',
      JENKINS_API_TOKEN: '11deadjenkinstoken0123456789ab',
    };
    dispatcher = new BullmqDispatcher({
      config: loadConfig(env),
      logger: createLogger({ level: 'silent' }),
      redisUrl: REDIS_URL,
      prefix: `{${prefixValue}}`,
      pollIntervalMs: 1000,
    });
  });

  after(async () => {
    await dispatcher?.close();
    await worker?.stop();
    await deleteKeys(prefixValue);
    await tmp?.cleanup();
  });

  async function startOnly(host: string, workerEnv: Record<string, string>): Promise<void> {
    await worker?.stop();
    worker = spawnWorker(host, workerEnv);
    await waitUntil(
      `worker ${host} to announce itself`,
      async () => (await dispatcher.status()).workers.some((w) => w.host === host && w.pid === worker?.child.pid),
      30_000,
      200,
    );
  }

  it('Jenkins down: rebuild and restart fail at once with an error naming Jenkins, the path and what to check, never the token', async () => {
    await startOnly('ci-runner', env);
    const rebuild = await dispatcher.waitFor((await dispatcher.submit('jenkins-rebuild', { job: 'team/payments/main', clean: true })).id, {
      timeoutMs: 30_000,
    });
    assert.equal(rebuild.ok, false);
    if (!rebuild.ok) {
      assert.equal(rebuild.error.code, 'BF_UPSTREAM');
      assert.match(
        rebuild.error.message,
        /^Jenkins at http:\/\/127\.0\.0\.1:\d+ is unreachable: connection refused for GET \/job\/team\/job\/payments\/job\/main\/api\/json; check JENKINS_URL and that Jenkins is running$/,
      );
      assert.equal(rebuild.attempts, 1, 'a build trigger is never retried automatically');
      assert.ok(!JSON.stringify(rebuild).includes(env.JENKINS_API_TOKEN as string));
    }
    const restart = await dispatcher.waitFor(
      (await dispatcher.submit('jenkins-restart-agent', { agent: 'agent-01', force: false, requestedBy: 'ann', reason: 'jenkins is down' })).id,
      { timeoutMs: 30_000 },
    );
    assert.equal(restart.ok, false);
    if (!restart.ok) {
      assert.match(restart.error.message, /Jenkins at http:\/\/127\.0\.0\.1:\d+ is unreachable: connection refused for GET \/computer\/agent-01\/api\/json/);
      assert.deepEqual(restartSteps(restart), [], 'nothing was changed');
    }
  });

  it('a worker without JENKINS_* says so and what to set', async () => {
    const withoutJenkins = Object.fromEntries(Object.entries(env).filter(([k]) => !k.startsWith('JENKINS_')));
    await startOnly('ci-nojenkins', withoutJenkins);
    const o = await dispatcher.waitFor((await dispatcher.submit('jenkins-rollback', { job: 'team/payments/main' })).id, { timeoutMs: 30_000 });
    assert.equal(o.ok, false);
    if (!o.ok) {
      assert.equal(o.error.code, 'BF_CONFIG');
      assert.match(o.error.message, /^Jenkins is not configured on the worker of ci-nojenkins: set JENKINS_URL, JENKINS_USER and JENKINS_API_TOKEN/);
    }
  });
});
