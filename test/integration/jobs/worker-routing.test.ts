/**
 * Real `buildfix worker` processes for two hosts on the shared Redis: each
 * host's jobs run on that host only, any-host jobs run somewhere, the agent
 * restart command runs with its exit code reported, `buildfix status` shows
 * both workers, and SIGTERM stops a worker cleanly with exit code 0.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../../src/config/load-config.ts';
import { BullmqDispatcher } from '../../../src/jobs/bullmq-dispatcher.ts';
import type { JobSystemStatus } from '../../../src/jobs/job-types.ts';
import { createLogger } from '../../../src/logger.ts';
import {
  createTempFiles,
  deleteKeys,
  runBuildfix,
  SHARED_REDIS_URL,
  sharedRedisEnv,
  spawnWorker,
  uniquePrefix,
  waitUntil,
  type TempFiles,
  type WorkerProcess,
} from '../../helpers/jobs-harness.ts';

describe('buildfix worker processes: routing by host', () => {
  const prefixValue = uniquePrefix('route');
  const prefix = `{${prefixValue}}`;
  const alpha = `alpha-${prefixValue.slice(-4)}`;
  const beta = `beta-${prefixValue.slice(-4)}`;
  let files: TempFiles;
  let env: Record<string, string>;
  let workers: WorkerProcess[] = [];
  let dispatcher: BullmqDispatcher;

  before(async () => {
    files = await createTempFiles('route');
    const script = await files.writeRestartScript('fake-restart.sh');
    const configPath = await files.writeConfig({ agents: { [alpha]: { restart: [script, '0'] }, [beta]: { restart: [script, '3'] } } });
    env = sharedRedisEnv(prefixValue, configPath);
    workers = [spawnWorker(alpha, env), spawnWorker(beta, env)];
    dispatcher = new BullmqDispatcher({
      config: loadConfig(env),
      logger: createLogger({ level: 'silent' }),
      redisUrl: SHARED_REDIS_URL,
      prefix,
      pollIntervalMs: 1000,
    });
    await waitUntil(
      'both workers to announce themselves',
      async () => {
        const hosts = (await dispatcher.status()).workers.map((w) => w.host);
        return hosts.includes(alpha) && hosts.includes(beta);
      },
      20_000,
    );
  });

  after(async () => {
    await dispatcher?.close();
    await Promise.all(workers.map((w) => w.stop(5000)));
    await deleteKeys(SHARED_REDIS_URL, prefixValue);
    await files?.cleanup();
  });

  it("runs each host's jobs on that host only", async () => {
    const submitted = [];
    for (let i = 0; i < 4; i++) {
      for (const host of [alpha, beta]) submitted.push({ host, handle: await dispatcher.submit('env-snapshot', {}, { host, dedup: false }) });
    }
    for (const { host, handle } of submitted) {
      assert.equal(handle.queue, `buildfix-host-${host}`);
      const outcome = await dispatcher.waitFor(handle.id, { timeoutMs: 20_000 });
      assert.ok(outcome.ok, JSON.stringify(outcome));
      assert.equal(outcome.host, host);
      assert.equal((outcome.result as { host: string }).host, host);
    }
  });

  it('runs any-host jobs on some worker', async () => {
    const handles = await Promise.all(Array.from({ length: 6 }, () => dispatcher.submit('noop', { delayMs: 50 })));
    const hosts = new Set<string>();
    for (const h of handles) {
      const o = await dispatcher.waitFor(h.id, { timeoutMs: 20_000 });
      assert.ok(o.ok);
      hosts.add(o.host);
    }
    for (const h of hosts) assert.ok([alpha, beta].includes(h));
  });

  it("runs the agent's restart command on that agent; a non-zero exit fails with its code and stderr", async () => {
    const ok = await dispatcher.waitFor((await dispatcher.submit('restart-agent', { agent: alpha, reason: 'routing test' }, { requestedBy: 'U1' })).id, {
      timeoutMs: 20_000,
    });
    assert.ok(ok.ok, JSON.stringify(ok));
    assert.equal(ok.host, alpha);
    const result = ok.result as { exitCode: number; outputTail: string; command: string };
    assert.equal(result.exitCode, 0);
    assert.match(result.outputTail, /restarting agent: 0/);
    assert.match(result.command, /fake-restart\.sh 0$/);

    const failed = await dispatcher.waitFor((await dispatcher.submit('restart-agent', { agent: beta })).id, { timeoutMs: 20_000 });
    assert.equal(failed.ok, false);
    if (!failed.ok) {
      assert.equal(failed.host, beta);
      assert.equal(failed.error.code, 'BF_COMMAND_FAILED');
      assert.match(failed.error.message, /exited with code 3/);
      assert.equal(failed.error.details?.exitCode, 3);
      assert.match(String(failed.error.details?.stderrTail), /exit code will be 3/);
      assert.equal(failed.attempts, 1, 'a restart is never retried');
    }
  });

  it('refuses a restart of an agent that is not configured, before queueing', async () => {
    await assert.rejects(
      dispatcher.submit('restart-agent', { agent: 'gamma' }),
      (e: Error & { code?: string }) => e.code === 'BF_PERMISSION' && /not a configured agent/.test(e.message),
    );
    const depths = (await dispatcher.status()).queues.map((q) => q.queue);
    assert.ok(!depths.includes('buildfix-host-gamma'));
  });

  it('`buildfix status` lists both workers and the queue depths', async () => {
    const { stdout } = await runBuildfix(['status', '--json'], env);
    const status = JSON.parse(stdout) as JobSystemStatus;
    for (const host of [alpha, beta]) {
      const w = status.workers.find((x) => x.host === host);
      assert.ok(w, `${host} in ${stdout}`);
      assert.match(w.version, /^\d+\.\d+\.\d+/);
      assert.ok(Array.isArray(w.running));
      assert.ok(Date.now() - Date.parse(w.lastSeen) < 15_000);
    }
    assert.ok(status.queues.some((q) => q.queue === `buildfix-host-${alpha}` && q.completed >= 4));
    const text = (await runBuildfix(['status'], env)).stdout;
    assert.match(text, /workers: 2 live/);
    assert.match(text, new RegExp(`${alpha}\\s+\\d+\\.\\d+\\.\\d+\\s+0\\s+\\d+ s ago`));
    assert.match(text, /buildfix-any/);
    const without = (await runBuildfix(['status'])).stdout;
    assert.match(without, /jobs run in-process \(REDIS_URL is not set\): there are no remote workers/);
  });

  it('stops on SIGTERM: finishes the running job, leaves the registry, exits 0', async () => {
    const [a] = workers;
    assert.ok(a);
    const handle = await dispatcher.submit('noop', { delayMs: 1500 }, { host: alpha });
    await waitUntil('the job to start on alpha', async () => (await dispatcher.getJob(handle.id))?.state === 'active', 10_000, 50);
    const outcomeP = dispatcher.waitFor(handle.id, { timeoutMs: 20_000 });
    const code = await a.stop();
    assert.equal(code, 0, a.logs().slice(-2000));
    const outcome = await outcomeP;
    assert.ok(outcome.ok, 'the running job was finished before the worker exited');
    assert.equal(outcome.host, alpha);
    assert.match(a.logs(), /worker stopped/);
    const status = await dispatcher.status();
    assert.equal(
      status.workers.find((w) => w.host === alpha),
      undefined,
      'it removed itself from the registry',
    );
  });
});
