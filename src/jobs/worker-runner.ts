/**
 * The worker side of the BullMQ mode: consumes this host's queue and the
 * any-host queue, runs each job through executeJob, publishes progress and
 * outcomes on the event stream, announces itself with a heartbeat, and shuts
 * down gracefully: stop taking jobs, let running ones finish within a grace
 * period, then hand idempotent ones back to the queue and fail the others
 * as interrupted, close connections.
 *
 * Crash safety: a kill -9'd worker stops renewing its job locks; after
 * lockDurationMs another worker of the same queue (or the restarted one)
 * finds the job stalled within stalledIntervalMs and runs it again (once;
 * a second stall fails it). Non-idempotent jobs are not re-run: they fail as
 * BF_JOB_INTERRUPTED.
 *
 * Cancel: a dispatcher's cancel request (cancel-channel.ts, heard on a
 * subscriber connection of its own) aborts BullMQ's signal of the job if
 * this worker runs it; executeJob turns that into BF_CANCELLED, not retried.
 */
import { hostname as osHostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { DelayedError, Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { RedisEnvHistory } from '../changes/env-history.ts';
import type { Config } from '../config/load-config.ts';
import type { Logger } from '../logger.ts';
import { closeRedisConnection, createRedisConnection } from '../redis/create-redis-connection.ts';
import { describeRedisUrl } from '../redis/redis-options.ts';
import { syncPreflightSchedulers } from '../preflight/schedulers.ts';
import { closeProxyCache } from '../preflight/run-check.ts';
import { packageVersion } from '../util/package-root.ts';
import { listenForCancels } from './cancel-channel.ts';
import { INLINE_OUTCOME_BYTES, storeOutcome, type OutcomeStub } from './event-channel.ts';
import { BullmqDispatcher } from './bullmq-dispatcher.ts';
import { EnvRecorder } from './env-recorder.ts';
import { syncEnvSnapshotScheduler } from './env-snapshot-schedule.ts';
import { executeJob, preloadHandlers } from './execute-job.ts';
import type { JobOutcome, RunningJob, WorkerInfo } from './job-types.ts';
import { ANY_QUEUE, buildfixKeys, hostQueueName, normalizeHost } from './queue-names.ts';
import { removeWorker, writeHeartbeat } from './worker-registry.ts';

export interface WorkerRunnerOptions {
  config: Config;
  logger: Logger;
  redisUrl: string;
  prefix: string;
  /** Routing host name (BUILDFIX_HOST, else the hostname). */
  host: string;
  /** Jobs run at once per queue (host queue and any-host queue each). Default 2. */
  concurrency?: number;
  /** Job lock; a crashed worker's job is recovered after this (default 10 s). */
  lockDurationMs?: number;
  /** How often stalled jobs are looked for (default 5 s). */
  stalledIntervalMs?: number;
  heartbeatIntervalMs?: number;
  /** How long shutdown waits for running jobs before handing them back (default 25 s). */
  shutdownGraceMs?: number;
  /** Environment snapshots taken at job start are at least this far apart (default 30 s). */
  envSnapshotMinIntervalMs?: number;
  /** Upsert this host's pre-flight job schedulers from config.preflight at start (default true; src/preflight/schedulers.ts). */
  preflightSchedules?: boolean;
}

export interface RunningWorker {
  readonly id: string;
  readonly host: string;
  readonly queues: readonly string[];
  /** Resolves when both queues are consumed and the first heartbeat is written. */
  readonly ready: Promise<void>;
  running(): RunningJob[];
  /** Graceful shutdown; safe to call more than once. */
  close(): Promise<void>;
}

export const WORKER_DEFAULTS = {
  concurrency: 2,
  lockDurationMs: 10_000,
  stalledIntervalMs: 5_000,
  heartbeatIntervalMs: 5_000,
  shutdownGraceMs: 25_000,
} as const;

export function startWorker(options: WorkerRunnerOptions): RunningWorker {
  const host = normalizeHost(options.host);
  const concurrency = options.concurrency ?? WORKER_DEFAULTS.concurrency;
  const heartbeatMs = options.heartbeatIntervalMs ?? WORKER_DEFAULTS.heartbeatIntervalMs;
  const graceMs = options.shutdownGraceMs ?? WORKER_DEFAULTS.shutdownGraceMs;
  const keys = buildfixKeys(options.prefix);
  const id = `${host}#${process.pid}-${randomBytes(3).toString('hex')}`;
  const log = options.logger.child({ worker: id });
  const queues = [hostQueueName(host), ANY_QUEUE];
  const startedAt = new Date().toISOString();
  const runningJobs = new Map<string, RunningJob>();
  const shutdown = new AbortController();
  let state: WorkerInfo['state'] = 'running';

  let lastErrorLog = 0;
  const onRedisError = (err: Error): void => {
    if (Date.now() - lastErrorLog < 10_000) return;
    lastErrorLog = Date.now();
    log.warn({ err: { message: err.message }, redis: describeRedisUrl(options.redisUrl) }, 'Redis connection problem; retrying');
  };
  // One non-blocking connection for both Workers, the event stream and heartbeats;
  // commands wait through a Redis restart instead of failing.
  const client: Redis = createRedisConnection(options.redisUrl, { role: 'blocking', name: `buildfix-worker:${host}`, onError: onRedisError });
  // Pub/sub needs a connection of its own (a subscribed connection runs no other command).
  const subscriber: Redis = createRedisConnection(options.redisUrl, { role: 'blocking', name: `buildfix-worker-cancel:${host}`, onError: onRedisError });

  // This host's environment history: a snapshot at each job (throttled), kept in Redis per agent.
  const envRecorder = new EnvRecorder({
    store: new RedisEnvHistory(client, options.prefix),
    host,
    config: options.config,
    logger: log,
    ...(options.envSnapshotMinIntervalMs !== undefined ? { minIntervalMs: options.envSnapshotMinIntervalMs } : {}),
  });

  const info = (): WorkerInfo => ({
    id,
    host,
    version: packageVersion(),
    pid: process.pid,
    hostname: osHostname(),
    startedAt,
    lastSeen: new Date().toISOString(),
    concurrency,
    queues,
    running: [...runningJobs.values()],
    state,
  });
  const beat = (): Promise<void> =>
    writeHeartbeat(client, keys, info(), heartbeatMs * 3).catch((err: unknown) => {
      log.debug({ err }, 'heartbeat failed');
    });
  let soon: NodeJS.Timeout | undefined;
  // Job start/finish shows up in `status` within ~200 ms without a write per job.
  const beatSoon = (): void => {
    if (soon || state === 'stopping') return;
    soon = setTimeout(() => {
      soon = undefined;
      void beat();
    }, 200);
    soon.unref();
  };

  // BullMQ aborts the signal it passed to the processor when Worker.cancelJob is called (3-argument processor).
  const processor = async (job: Job, token?: string, signal?: AbortSignal): Promise<JobOutcome | OutcomeStub> => {
    const jobId = job.id ?? '';
    runningJobs.set(jobId, { id: jobId, name: job.name, startedAt: new Date().toISOString() });
    beatSoon();
    try {
      const result = await executeJob({
        jobId,
        name: job.name,
        data: job.data,
        attempt: job.attemptsMade + 1,
        workerHost: host,
        config: options.config,
        logger: log,
        shutdownSignal: shutdown.signal,
        ...(signal ? { cancelSignal: signal } : {}),
        interruptedBefore: (job.attemptsStarted ?? 1) > job.attemptsMade + 1,
        openJobs: () => new BullmqDispatcher({ config: options.config, logger: log, redisUrl: options.redisUrl, prefix: options.prefix }),
        envRecorder,
        state: { redis: client, prefix: options.prefix },
        // BullMQ's own progress event is what dispatchers read: one write per step.
        onProgress: (event) => {
          job.updateProgress(event).catch(() => {});
        },
      });
      if (result.handBack && token) {
        await job.moveToDelayed(Date.now(), token);
        log.info({ jobId, name: job.name }, 'handed the job back to the queue (shutdown)');
        throw new DelayedError();
      }
      const outcome = result.outcome;
      if (outcome.ok) {
        // The outcome is the job's return value (BullMQ's "completed" event carries it);
        // a large one is stored under its own key and the event carries a stub.
        if (JSON.stringify(outcome).length <= INLINE_OUTCOME_BYTES) return outcome;
        await storeOutcome(client, keys, outcome);
        return { ok: true, stored: true, jobId };
      }
      const reason = `${outcome.error.code}: ${outcome.error.message}`;
      if (result.retry) {
        job
          .updateProgress({ step: 'retry', message: `attempt ${job.attemptsMade + 1} failed (${outcome.error.message}); it will be retried`, status: 'info' })
          .catch(() => {});
        throw new Error(reason);
      }
      // Details (exit code, stderr tail) live in the stored outcome; sent before
      // BullMQ's failure on the same connection, so it exists when "failed" is read.
      storeOutcome(client, keys, outcome).catch((err: unknown) => log.warn({ err, jobId }, 'could not store the outcome'));
      throw new UnrecoverableError(reason);
    } finally {
      runningJobs.delete(jobId);
      beatSoon();
    }
  };

  const workers = queues.map((queue) => {
    const w = new Worker(queue, processor, {
      connection: client,
      prefix: options.prefix,
      concurrency,
      lockDuration: options.lockDurationMs ?? WORKER_DEFAULTS.lockDurationMs,
      stalledInterval: options.stalledIntervalMs ?? WORKER_DEFAULTS.stalledIntervalMs,
      maxStalledCount: 1,
      autorun: true,
    });
    w.on('error', onRedisError);
    w.on('completed', (job: Job) => log.info({ jobId: job.id, name: job.name }, 'job done'));
    w.on('failed', (job: Job | undefined, err: Error) => {
      if (job?.id && err.name !== 'DelayedError')
        log.info({ jobId: job.id, name: job.name, reason: err.message.slice(0, 200), attemptsMade: job.attemptsMade }, 'job attempt failed');
    });
    w.on('stalled', (jobId: string) => log.warn({ jobId }, 'recovered a stalled job (its worker stopped mid-run)'));
    return w;
  });

  const cancelling = listenForCancels(subscriber, keys, ({ jobId, by }) => {
    if (!runningJobs.has(jobId)) return;
    const hit = workers.map((w) => w.cancelJob(jobId, `cancelled by ${by}`)).some(Boolean);
    log.info({ jobId, by, cancelled: hit }, hit ? 'cancelling the job on request' : 'cancel request for a job BullMQ no longer tracks');
  });
  cancelling.catch((err: unknown) => log.warn({ err }, 'could not subscribe to cancel requests'));

  let heartbeat: NodeJS.Timeout | undefined;
  let preflightQueue: Queue | undefined;
  let isReady = false;
  const ready = (async () => {
    await Promise.all([
      ...workers.map((w) => w.waitUntilReady()),
      cancelling.catch(() => {}),
      preloadHandlers().catch((err: unknown) => log.warn({ err }, 'could not preload job handlers')),
    ]);
    if (options.preflightSchedules ?? true) {
      preflightQueue = new Queue(queues[0] ?? hostQueueName(host), { connection: client, prefix: options.prefix });
      preflightQueue.on('error', () => {});
      await syncPreflightSchedulers(preflightQueue, host, options.config.preflight, Object.keys(options.config.repos)).then(
        ({ upserted, removed }) => {
          if (upserted.length > 0 || removed.length > 0) log.info({ schedulers: upserted.length, removed }, 'pre-flight schedules in place');
        },
        (err: unknown) => log.warn({ err }, 'could not set up the pre-flight schedules'),
      );
      await syncEnvSnapshotScheduler(preflightQueue, host, options.config.envSnapshotEvery).then(
        (done) => {
          if (done === 'upserted') log.info({ everyMs: options.config.envSnapshotEvery }, 'environment snapshot schedule in place');
        },
        (err: unknown) => log.warn({ err }, 'could not set up the environment snapshot schedule'),
      );
    }
    await beat();
    heartbeat = setInterval(() => void beat(), heartbeatMs);
    heartbeat.unref();
    isReady = true;
    log.info({ host, queues, prefix: options.prefix, concurrency, redis: describeRedisUrl(options.redisUrl) }, 'worker ready');
  })();
  ready.catch(() => {});

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      state = 'stopping';
      if (heartbeat) clearInterval(heartbeat);
      if (soon) clearTimeout(soon);
      if (isReady) await withTimeout(beat(), 1000);
      log.info({ running: runningJobs.size, graceMs }, 'shutting down: no new jobs; waiting for running jobs');
      const closed = Promise.allSettled(workers.map((w) => w.close()));
      const grace = setTimeout(() => {
        if (runningJobs.size > 0) log.warn({ running: [...runningJobs.keys()] }, 'grace period over: handing running jobs back');
        shutdown.abort();
      }, graceMs);
      grace.unref();
      // Wait for BullMQ's close while jobs run; once none runs (or none ever could,
      // Redis never answered), give it a few seconds, not the whole grace period.
      await Promise.race([closed, idleFor(() => runningJobs.size, isReady ? 5000 : 2000, graceMs + 10_000)]);
      clearTimeout(grace);
      await envRecorder.flush(2000);
      if (isReady)
        await withTimeout(
          removeWorker(client, keys, id).catch(() => {}),
          1000,
        );
      if (preflightQueue) await withTimeout(preflightQueue.close(), 1000);
      await closeProxyCache(host);
      await Promise.all([closeRedisConnection(client), closeRedisConnection(subscriber)]);
      log.info('worker stopped');
    })();
    return closing;
  };

  return { id, host, queues, ready, running: () => [...runningJobs.values()], close };
}

// Resolves once count() has been 0 for idleMs, or after maxMs.
async function idleFor(count: () => number, idleMs: number, maxMs: number): Promise<void> {
  const end = Date.now() + maxMs;
  let emptySince: number | undefined;
  while (Date.now() < end) {
    if (count() === 0) {
      emptySince ??= Date.now();
      if (Date.now() - emptySince >= idleMs) return;
    } else emptySince = undefined;
    await new Promise((resolve) => setTimeout(resolve, 100).unref());
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  return Promise.race([p, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), ms).unref())]);
}
