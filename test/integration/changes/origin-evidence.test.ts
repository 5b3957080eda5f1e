/**
 * Agent or code with the evidence from outside the checkout, on real worker
 * processes, real Redis, real git history and the Jenkins fake:
 * - the same revision built green on agent-01 and red on agent-03 → `agent`,
 *   naming agent-01's build;
 * - agent-02's environment changed since its last green build (GOPROXY, a
 *   credential in it) → `environment/upstream` naming the variable, the
 *   credential masked: the snapshot recorded at a job before the green build
 *   against the one of the worker restarted with the new environment;
 * - the same from the terminal shell (BullMQ mode).
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { RedisEnvHistory } from '../../../src/changes/env-history.ts';
import { loadConfig } from '../../../src/config/load-config.ts';
import { BullmqDispatcher } from '../../../src/jobs/bullmq-dispatcher.ts';
import type { DiagnoseJobResult } from '../../../src/jobs/job-results.ts';
import { createLogger } from '../../../src/logger.ts';
import { startGoProxyFake, type GoProxyFake } from '../../fakes/goproxy-server.ts';
import { startJenkinsFake, type JenkinsFake } from '../../fakes/jenkins-server.ts';
import { goModWith, makeHistory, type History } from '../../helpers/git-history.ts';
import {
  createTempFiles,
  deleteKeys,
  SHARED_REDIS_URL,
  spawnWorker,
  uniquePrefix,
  waitUntil,
  type TempFiles,
  type WorkerProcess,
} from '../../helpers/jobs-harness.ts';
import { runCli } from '../../helpers/run-cli.ts';

const SECRET = 's3cretTOKEN99';

describe('agent or code: other agents and the environment across time (workers, Redis, Jenkins)', () => {
  const prefixValue = uniquePrefix('origin');
  const prefix = `{${prefixValue}}`;
  const tag = prefixValue.slice(-4);
  const agent02 = `agent-02-${tag}`;
  const agent03 = `agent-03-${tag}`;
  let root: string;
  let files: TempFiles;
  let good: GoProxyFake;
  let bad: GoProxyFake;
  let jenkins: JenkinsFake;
  let history: History;
  let configPath: string;
  let baseEnv: Record<string, string>;
  const workers: WorkerProcess[] = [];
  let dispatcher: BullmqDispatcher;
  let redis: Redis;

  const goEnv = (proxy: string, name: string): Record<string, string> => ({
    GOPROXY: proxy,
    GOSUMDB: 'off',
    GOFLAGS: '-mod=mod',
    GOTOOLCHAIN: 'local',
    GOPRIVATE: '',
    GONOPROXY: '',
    GONOSUMDB: '',
    HOME: join(root, 'home'),
    GOMODCACHE: join(root, `cache-${name}`),
    GOPATH: join(root, `gopath-${name}`),
  });

  async function startWorkerFor(host: string, proxy: string): Promise<WorkerProcess> {
    const w = spawnWorker(host, { ...baseEnv, ...goEnv(proxy, host) });
    workers.push(w);
    await waitUntil(`${host}'s worker`, async () => (await dispatcher.status()).workers.some((x) => x.host === host && x.pid === w.child.pid), 20_000);
    return w;
  }

  async function diagnoseOn(host: string, repo: string): Promise<DiagnoseJobResult> {
    const handle = await dispatcher.submit('diagnose', { repo, sinceGreen: true, skip: ['host', 'probe'] }, { host, dedup: false });
    const outcome = await dispatcher.waitFor(handle.id, { timeoutMs: 90_000 });
    assert.ok(outcome.ok, JSON.stringify(outcome));
    return outcome.result as DiagnoseJobResult;
  }

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'buildfix-origin-'));
    await mkdir(join(root, 'home'), { recursive: true });
    files = await createTempFiles('origin');
    good = await startGoProxyFake({ modules: [{ path: 'example.com/util', versions: [{ version: 'v1.1.0' }] }] });
    bad = await startGoProxyFake({ modules: [] });
    history = await makeHistory(root, 'svc', [
      { author: 'bob', subject: 'green build', files: { 'go.mod': goModWith(['example.com/util v1.1.0']), 'README.md': 'svc\n' } },
      { author: 'carol', subject: 'docs: setup', files: { 'README.md': 'svc service\n' } },
    ]);
    redis = new Redis(SHARED_REDIS_URL);
  });

  after(async () => {
    await dispatcher?.close();
    await Promise.all(workers.map((w) => w.stop(5000)));
    redis?.disconnect();
    await deleteKeys(SHARED_REDIS_URL, prefixValue);
    await Promise.all([good?.close(), bad?.close(), jenkins?.close()]);
    await files?.cleanup();
    await rm(root, { recursive: true, force: true });
  });

  it('records snapshots per agent in Redis; environment changed since green → environment/upstream; same revision green elsewhere → agent', async () => {
    const [greenSha, redSha] = history.shas as [string, string];
    // Jenkins is created once the first snapshot exists, so the green build of billing is after it.
    const remote = `file://${history.bare}`;
    const jenkinsPlaceholder = 'http://127.0.0.1:9/';
    const thresholds = { minFreePercent: 0, minFreeBytes: 0, minFreeInodesPercent: 0 };
    configPath = await files.writeConfig({
      repos: { billing: { url: remote, job: 'billing/main' }, payments: { url: remote, job: 'payments/main' } },
      thresholds,
    });
    baseEnv = { REDIS_URL: SHARED_REDIS_URL, REDIS_PREFIX: prefixValue, BUILDFIX_CONFIG: configPath };
    dispatcher = new BullmqDispatcher({
      config: loadConfig(baseEnv),
      logger: createLogger({ level: 'silent' }),
      redisUrl: SHARED_REDIS_URL,
      prefix,
      pollIntervalMs: 500,
    });

    // agent-02 before: the good proxy; a job records its snapshot.
    const first = await startWorkerFor(agent02, good.url);
    const snapJob = await dispatcher.submit('env-snapshot', {}, { host: agent02, dedup: false });
    assert.ok((await dispatcher.waitFor(snapJob.id, { timeoutMs: 30_000 })).ok);
    const store = new RedisEnvHistory(redis, prefix);
    const before = await store.list(agent02);
    assert.equal(before.length, 1);
    assert.equal(before[0]?.facts.variables.GOPROXY, good.url);
    await first.stop(10_000);

    await new Promise((r) => setTimeout(r, 1000));
    const greenAt = Date.now() - 200;
    jenkins = await startJenkinsFake({
      jobs: [
        {
          name: 'billing/main',
          builds: [
            { number: 51, result: 'SUCCESS', builtOn: agent02, durationMs: 1, timestamp: greenAt, git: [{ sha: greenSha, remoteUrls: [remote] }] },
            { number: 52, result: 'FAILURE', builtOn: agent02, durationMs: 1, timestamp: greenAt + 100, git: [{ sha: redSha, remoteUrls: [remote] }] },
          ],
        },
        {
          name: 'payments/main',
          builds: [
            { number: 41, result: 'SUCCESS', builtOn: 'agent-01', durationMs: 1, timestamp: greenAt - 120_000, git: [{ sha: greenSha, remoteUrls: [remote] }] },
            { number: 42, result: 'FAILURE', builtOn: agent03, durationMs: 1, timestamp: greenAt - 60_000, git: [{ sha: redSha, remoteUrls: [remote] }] },
            { number: 43, result: 'SUCCESS', builtOn: 'agent-01', durationMs: 1, timestamp: greenAt, git: [{ sha: redSha, remoteUrls: [remote] }] },
          ],
        },
      ],
    });
    assert.notEqual(jenkins.url, jenkinsPlaceholder);
    Object.assign(baseEnv, { JENKINS_URL: jenkins.url, JENKINS_USER: jenkins.user, JENKINS_API_TOKEN: jenkins.token });

    // agent-02 after: restarted with another proxy (a credential in its URL).
    const badWithCredential = bad.url.replace('http://', `http://deploy:${SECRET}@`);
    await startWorkerFor(agent02, badWithCredential);
    const env = await diagnoseOn(agent02, 'billing');
    const origin = env.report.origin;
    assert.equal(origin?.verdict, 'environment/upstream', JSON.stringify(origin));
    const masked = bad.url.replace('http://', 'http://deploy:***@');
    assert.ok(origin?.summary.includes(`GOPROXY changed from ${good.url} to ${masked} at `), origin?.summary);
    assert.ok(
      origin?.reasons[0]?.startsWith(`${agent02}'s environment changed since the last green build: GOPROXY changed from ${good.url} to ${masked}`),
      origin?.reasons[0],
    );
    assert.equal(origin?.environment?.changes[0]?.key, 'GOPROXY');
    const leaks = JSON.stringify(env).match(new RegExp(`.{0,120}${SECRET}.{0,40}`, 'g'));
    assert.equal(leaks, null, 'the credential never leaves the worker');
    assert.ok(!JSON.stringify(await store.list(agent02)).includes(SECRET), 'nor reaches Redis');
    assert.equal((await store.list(agent02)).length, 2, 'one entry per environment');

    // agent-03 fails the revision agent-01 built green.
    await startWorkerFor(agent03, bad.url);
    const agent = await diagnoseOn(agent03, 'payments');
    const o = agent.report.origin;
    assert.equal(o?.verdict, 'agent', JSON.stringify(o));
    assert.match(o?.summary ?? '', /built green on agent-01 \(Jenkins build #43 of payments\/main\)/);
    assert.match(
      o?.reasons[1] ?? o?.reasons[0] ?? '',
      /the same revision built green on agent-01 \(Jenkins build #43 of payments\/main\), and failed on agent-03/,
    );
    assert.equal(o?.greenElsewhere?.sameRevision, true);
    assert.equal(o?.greenElsewhere?.revision, redSha);
    // The Jenkins history was read with one tree request for the builds and their nodes.
    assert.ok(jenkins.requests.some((r) => r.path === '/job/payments/job/main/api/json' && (r.query.tree ?? '').includes('builtOn')));

    // The shell (BullMQ mode) shows the same, the verdict and its reasons at the top of the answer.
    const shell = await runCli(
      ['shell'],
      { ...baseEnv, ...goEnv(good.url, 'shell') },
      {
        input: `diagnose payments --since-green --host ${agent03}\nenvdiff ${agent02} --since ${new Date(greenAt).toISOString()}\nenvdiff ${agent02} --since billing/main#51\n`,
        timeoutMs: 120_000,
      },
    );
    assert.match(shell.stdout, /Agent or code: agent — Agent: .*built green on agent-01 \(Jenkins build #43 of payments\/main\)/, shell.stdout + shell.stderr);
    // envdiff across time: the agent's snapshot at a time, or at a Jenkins build, against now.
    const changed = `GOPROXY changed from ${good.url} to ${masked} at `;
    assert.equal(shell.stdout.split(changed).length - 1, 2, shell.stdout);
    assert.match(shell.stdout, new RegExp(`${agent02} since Jenkins build #51 of billing/main \\(`));
    assert.ok(shell.stdout.includes(`≠ GOPROXY: ${agent02}@`), shell.stdout);
    assert.ok(!shell.stdout.includes(SECRET));
  });

  it('envSnapshotEvery: an idle worker records its snapshot on a BullMQ job scheduler', async () => {
    const host = `agent-09-${tag}`;
    const config = await files.writeConfig({ envSnapshotEvery: '1s' });
    const w = spawnWorker(host, { ...baseEnv, BUILDFIX_CONFIG: config, ...goEnv(good.url, host) });
    workers.push(w);
    const store = new RedisEnvHistory(redis, prefix);
    const first = await waitUntil('a scheduled snapshot', async () => (await store.list(host))[0], 20_000);
    await waitUntil('the next one', async () => ((await store.list(host))[0]?.lastSeen ?? '') > first.lastSeen, 20_000);
    const { Queue } = await import('bullmq');
    const queue = new Queue(`buildfix-host-${host}`, { connection: { url: SHARED_REDIS_URL }, prefix });
    try {
      const schedulers = await queue.getJobSchedulers();
      assert.deepEqual(
        schedulers.map((x) => [x.key, x.every]),
        [[`env-snapshot:${host}`, 1000]],
      );
    } finally {
      await queue.close();
    }
  });
});
