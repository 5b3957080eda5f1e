/**
 * Faults with real worker processes: a worker kill -9'd mid-job (stalled-job
 * recovery by the other worker of that host), and a Redis restart while a
 * worker is idle and while jobs are queued (on a private redis-server with an
 * append-only file, like production; the shared Redis is never touched).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../../src/config/load-config.ts';
import { BuildfixError } from '../../../src/errors.ts';
import { BullmqDispatcher } from '../../../src/jobs/bullmq-dispatcher.ts';
import type { JobProgress } from '../../../src/jobs/job-types.ts';
import { createLogger } from '../../../src/logger.ts';
import {
  deleteKeys,
  SHARED_REDIS_URL,
  spawnWorker,
  startOwnRedis,
  uniquePrefix,
  waitUntil,
  type OwnRedis,
  type WorkerProcess,
} from '../../helpers/jobs-harness.ts';

const logger = createLogger({ level: 'silent' });

describe('a worker killed with SIGKILL in the middle of a job', () => {
  const prefixValue = uniquePrefix('kill');
  const prefix = `{${prefixValue}}`;
  const host = `kilo-${prefixValue.slice(-4)}`;
  const env = { REDIS_URL: SHARED_REDIS_URL, REDIS_PREFIX: prefixValue, BUILDFIX_CONFIG: '' };
  let workers: WorkerProcess[] = [];
  let dispatcher: BullmqDispatcher;

  before(async () => {
    // Two workers for the same host, as after a restart or on a two-process agent.
    workers = [spawnWorker(host, env), spawnWorker(host, env)];
    dispatcher = new BullmqDispatcher({ config: loadConfig(env), logger, redisUrl: SHARED_REDIS_URL, prefix, pollIntervalMs: 1000 });
    await waitUntil('both workers', async () => (await dispatcher.status()).workers.filter((w) => w.host === host).length === 2, 20_000);
  });

  after(async () => {
    await dispatcher?.close();
    await Promise.all(workers.map((w) => w.stop(5000)));
    await deleteKeys(SHARED_REDIS_URL, prefixValue);
  });

  it('is picked up again by stalled-job recovery and completes; nothing is lost', { timeout: 45_000 }, async () => {
    const progress: JobProgress[] = [];
    const long = await dispatcher.submit('noop', { delayMs: 3000 }, { host });
    const outcomeP = dispatcher.waitFor(long.id, { timeoutMs: 40_000, onProgress: (e) => progress.push(e) });
    // Find the worker process that holds it.
    const holder = await waitUntil(
      'the job to be running on a worker',
      async () => {
        const w = (await dispatcher.status()).workers.find((x) => x.running.some((j) => j.id === long.id));
        return w ? workers.find((p) => p.child.pid === w.pid) : undefined;
      },
      10_000,
      50,
    );
    const killedAt = Date.now();
    await holder.kill9();
    // More work queued behind it must not be lost either.
    const more = await Promise.all([1, 2, 3].map(() => dispatcher.submit('noop', { delayMs: 10 }, { host })));
    const outcome = await outcomeP;
    assert.ok(outcome.ok, JSON.stringify(outcome));
    const survivor = workers.find((w) => w !== holder);
    assert.equal(outcome.host, host);
    assert.ok(Date.now() - killedAt < 30_000, `recovered in ${Date.now() - killedAt} ms`);
    assert.equal(progress.filter((e) => e.status === 'running').length, 2, 'the job started twice: once on each worker');
    assert.match(survivor?.logs() ?? '', /recovered a stalled job/);
    for (const h of more) assert.ok((await dispatcher.waitFor(h.id, { timeoutMs: 20_000 })).ok);
    // What the worker reads to refuse re-running a restart or cache wipe after such a crash.
    const job = await dispatcher.queue(`buildfix-host-${host}`).getJob(long.id);
    assert.equal(job?.attemptsStarted, 2);
    assert.equal(job?.attemptsMade, 1, 'one finished attempt: the stall did not count as a failure');
  });
});

describe('Redis restarts under a worker', () => {
  const prefixValue = uniquePrefix('restart');
  const prefix = `{${prefixValue}}`;
  const host = `romeo-${prefixValue.slice(-4)}`;
  let redis: OwnRedis;
  let worker: WorkerProcess;
  let dispatcher: BullmqDispatcher;

  before(async () => {
    redis = await startOwnRedis({ persist: true });
    const env = { REDIS_URL: redis.url, REDIS_PREFIX: prefixValue, BUILDFIX_CONFIG: '' };
    worker = spawnWorker(host, env, ['--concurrency', '1']);
    dispatcher = new BullmqDispatcher({ config: loadConfig(env), logger, redisUrl: redis.url, prefix, pollIntervalMs: 1000, connectWaitMs: 500 });
    await waitUntil('the worker', async () => (await dispatcher.status()).workers.some((w) => w.host === host), 20_000);
  });

  after(async () => {
    await dispatcher?.close();
    await worker?.stop(5000);
    await redis?.destroy();
  });

  it('while the worker is idle: it reconnects and the next job runs', { timeout: 40_000 }, async () => {
    await redis.stop('SIGKILL');
    await new Promise((r) => setTimeout(r, 500));
    await redis.start();
    const handle = await waitUntil('a submit to succeed after the restart', () => dispatcher.submit('noop', {}, { host }), 10_000, 200);
    const outcome = await dispatcher.waitFor(handle.id, { timeoutMs: 25_000 });
    assert.ok(outcome.ok, JSON.stringify(outcome));
    assert.equal(worker.child.exitCode, null, 'the worker process stayed up');
  });

  it('while jobs are queued: the worker reconnects and they run; submits fail fast while Redis is down', { timeout: 40_000 }, async () => {
    const first = await dispatcher.submit('noop', { delayMs: 2000 }, { host });
    const queued = await dispatcher.submit('noop', { delayMs: 10 }, { host });
    const outcomes = Promise.all([dispatcher.waitFor(first.id, { timeoutMs: 35_000 }), dispatcher.waitFor(queued.id, { timeoutMs: 35_000 })]);
    await waitUntil('the first job to start', async () => (await dispatcher.getJob(first.id))?.state === 'active', 10_000, 50);
    assert.equal((await dispatcher.getJob(queued.id))?.state, 'waiting', 'the second job is queued behind it (concurrency 1)');
    await redis.stop('SIGKILL');
    try {
      const t0 = Date.now();
      await assert.rejects(
        dispatcher.submit('noop', {}, { host }),
        (err: unknown) => err instanceof BuildfixError && err.code === 'BF_UPSTREAM' && /not reachable/.test(err.message),
      );
      assert.ok(Date.now() - t0 < 3000, 'the producer fails fast');
      await new Promise((r) => setTimeout(r, 1000));
    } finally {
      await redis.start();
    }
    const [a, b] = await outcomes;
    assert.ok(a.ok, JSON.stringify(a));
    assert.ok(b.ok, JSON.stringify(b));
    assert.equal(worker.child.exitCode, null);
  });

  it('a worker stopped with SIGTERM afterwards still exits 0', async () => {
    assert.equal(await worker.stop(), 0, worker.logs().slice(-2000));
  });
});
