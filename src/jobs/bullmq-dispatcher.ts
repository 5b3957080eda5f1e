/**
 * The Redis-backed dispatcher (REDIS_URL set): jobs go to BullMQ queues
 * (one per host plus one for any host) and run on `buildfix worker`
 * processes. Progress and outcomes of any job come from the shared event
 * stream (one blocking reader per dispatcher), with a stored-outcome and
 * job-state check for late subscribers and a slow poll as a safety net for
 * events lost to a Redis outage or a worker crash.
 */
import { Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../config/load-config.ts';
import { BuildfixError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { closeRedisConnection, createRedisConnection, lastRedisError } from '../redis/create-redis-connection.ts';
import { describeRedisUrl } from '../redis/redis-options.ts';
import { publishCancel } from './cancel-channel.ts';
import type { JobName, JobPayloadInput } from './catalogue.ts';
import type { Dispatcher, JobHandle, JobListener, SubmitOptions, Subscription } from './dispatcher.ts';
import { EventReader, isOutcomeStub, QUEUE_EVENTS_MAXLEN, readStoredOutcome, storeOutcome, type ChannelEvent } from './event-channel.ts';
import { bullmqJobOptions } from './job-options.ts';
import {
  JobEnvelopeSchema,
  type JobErrorCode,
  type JobFailure,
  type JobOutcome,
  type JobProgress,
  type JobSnapshot,
  type JobState,
  type JobSystemStatus,
} from './job-types.ts';
import { prepareSubmission } from './prepare-submission.ts';
import { buildfixKeys, parseJobId, type BuildfixKeys } from './queue-names.ts';
import { readJobStatus } from './read-job-status.ts';
import { createSubscription, lostOutcome, waitForOutcome, type SubscriptionControl } from './subscription.ts';

export interface BullmqDispatcherOptions {
  config: Config;
  logger: Logger;
  redisUrl: string;
  /** Key prefix with its hash tag (normalizeKeyPrefix). */
  prefix: string;
  /** How often a subscriber re-checks a job's state in case an event was lost (default 5 s). */
  pollIntervalMs?: number;
  /** How long submit waits for Redis before failing (default 3 s). */
  connectWaitMs?: number;
}

interface FreshJob {
  at: number;
  progress: JobProgress[];
  outcome?: JobOutcome;
  /** Finished with a stored outcome (failure, or too large to inline): look it up on subscribe. */
  finishedElsewhere?: boolean;
}

interface Watch {
  control: SubscriptionControl;
  timer: NodeJS.Timeout | undefined;
  /** Whether this subscriber has had any progress event yet. */
  sawProgress: boolean;
}

function deliverProgress(watch: Watch, event: JobProgress): void {
  watch.sawProgress = true;
  watch.control.deliverProgress(event);
}

/** The progress event BullMQ keeps on the job (the latest one the worker reported). */
function storedProgress(job: Job): JobProgress | undefined {
  const p = job.progress as unknown;
  return p && typeof p === 'object' && 'step' in p ? (p as JobProgress) : undefined;
}

/** A stored BullMQ failedReason "BF_CODE: message" → {code, message}. */
export function parseFailedReason(reason: string | undefined): { code: JobErrorCode; message: string } {
  const text = reason ?? 'the job failed';
  const m = /^(BF_[A-Z_]+): ([\s\S]*)$/.exec(text);
  if (m) return { code: m[1] as JobErrorCode, message: m[2] ?? '' };
  if (/stalled more than allowable limit/.test(text))
    return { code: 'BF_JOB_INTERRUPTED', message: 'the job was interrupted repeatedly (its workers stopped mid-run) and was given up' };
  return { code: 'BF_INTERNAL', message: text };
}

// A finished BullMQ job → the outcome, when no stored outcome exists.
function outcomeFromJob(job: Job): JobOutcome | undefined {
  if (!job.finishedOn || !job.id) return undefined;
  const rv = job.returnvalue as unknown;
  if (isOutcomeStub(rv)) return undefined;
  if (rv && typeof rv === 'object' && (rv as { ok?: unknown }).ok === true) return rv as JobOutcome;
  if (job.failedReason === undefined || job.failedReason === '') return undefined;
  const error = parseFailedReason(job.failedReason);
  // The host the job was routed to, as the worker's own outcome carries it (whichever path delivers the outcome).
  const host = (job.data as { host?: unknown } | undefined)?.host;
  const failed: JobFailure = {
    ok: false,
    jobId: job.id,
    name: job.name,
    ...(typeof host === 'string' && host !== '' ? { host } : {}),
    error,
    durationMs: job.processedOn ? Math.max(0, job.finishedOn - job.processedOn) : 0,
    attempts: Math.max(1, job.attemptsMade),
    steps: [],
    finishedAt: new Date(job.finishedOn).toISOString(),
  };
  return failed;
}

export class BullmqDispatcher implements Dispatcher {
  readonly kind = 'bullmq' as const;
  readonly prefix: string;
  private readonly config: Config;
  private readonly logger: Logger;
  private readonly redisUrl: string;
  private readonly keys: BuildfixKeys;
  private readonly producer: Redis;
  private readonly reader: EventReader;
  private readonly queues = new Map<string, Queue>();
  private readonly watches = new Map<string, Set<Watch>>();
  /**
   * Ids this process is submitting or just submitted, with events that
   * arrived before anyone subscribed: no earlier events can exist, so a
   * subscriber needs no initial lookup and misses nothing.
   */
  private readonly fresh = new Map<string, FreshJob>();
  private readonly pollIntervalMs: number;
  private readonly connectWaitMs: number;
  private closed = false;

  constructor(options: BullmqDispatcherOptions) {
    this.config = options.config;
    this.logger = options.logger;
    this.redisUrl = options.redisUrl;
    this.prefix = options.prefix;
    this.keys = buildfixKeys(options.prefix);
    this.pollIntervalMs = options.pollIntervalMs ?? 5000;
    this.connectWaitMs = options.connectWaitMs ?? 3000;
    let lastLogged = 0;
    const onError = (err: Error): void => {
      if (Date.now() - lastLogged < 10_000) return;
      lastLogged = Date.now();
      this.logger.warn({ err: { message: err.message }, redis: describeRedisUrl(this.redisUrl) }, 'Redis connection problem');
    };
    this.producer = createRedisConnection(options.redisUrl, { role: 'producer', name: 'buildfix-producer', onError });
    this.reader = new EventReader({
      redis: createRedisConnection(options.redisUrl, { role: 'blocking', name: 'buildfix-events', onError }),
      control: this.producer,
      prefix: this.prefix,
      keys: this.keys,
      logger: options.logger,
      wants: (jobId) => this.watches.has(jobId) || this.fresh.has(jobId),
      onEvent: (event) => this.route(event),
      onGap: (queue) => this.recheckQueue(queue),
    });
    this.reader.ready.then(
      () => {
        this.readerReady = true;
      },
      () => {},
    );
  }

  /** The (cached) BullMQ Queue for a queue name, sharing the producer connection. */
  queue(name: string): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: this.producer, prefix: this.prefix, streams: { events: { maxLen: QUEUE_EVENTS_MAXLEN } } });
      q.on('error', () => {});
      this.queues.set(name, q);
    }
    return q;
  }

  async submit<N extends JobName>(name: N, payload: JobPayloadInput<N>, options: SubmitOptions = {}): Promise<JobHandle<N>> {
    if (this.closed) throw new BuildfixError('BF_INTERNAL', 'the job dispatcher is closed');
    const prepared = prepareSubmission(name, payload, options, { config: this.config, localHost: undefined });
    if (!this.connected()) await this.whenConnected();
    if (!this.watchedQueues.has(prepared.queue)) await this.watch(prepared.queue);
    // Marked before the add: the outcome event may arrive before add() returns.
    this.markFresh(prepared.jobId);
    let job: Job;
    try {
      job = await this.queue(prepared.queue).add(name, prepared.envelope, bullmqJobOptions(prepared));
    } catch (err) {
      this.fresh.delete(prepared.jobId);
      const reason = err instanceof Error ? err.message : String(err);
      const down = this.producer.status !== 'ready' || /writeable|Connection is closed|ECONNREFUSED|ECONNRESET|ETIMEDOUT/i.test(reason);
      throw new BuildfixError(
        'BF_UPSTREAM',
        down
          ? `Redis at ${describeRedisUrl(this.redisUrl)} is not reachable (${reason}): nothing was queued`
          : `could not queue ${name}: Redis at ${describeRedisUrl(this.redisUrl)} failed (${reason})`,
        { cause: err },
      );
    }
    const id = job.id ?? prepared.jobId;
    const deduplicated = id !== prepared.jobId;
    if (deduplicated) this.fresh.delete(prepared.jobId);
    return { id, name, host: prepared.host, queue: prepared.queue, deduplicated };
  }

  subscribe(jobId: string, listener: JobListener = {}): Subscription {
    const watch: Watch = { control: undefined as unknown as SubscriptionControl, timer: undefined, sawProgress: false };
    const { subscription, control } = createSubscription(listener, () => this.unwatch(jobId, watch));
    watch.control = control;
    if (this.closed) {
      control.fail(new BuildfixError('BF_INTERNAL', 'the job dispatcher is closed'));
      return subscription;
    }
    let set = this.watches.get(jobId);
    if (!set) {
      set = new Set();
      this.watches.set(jobId, set);
    }
    set.add(watch);
    const fresh = this.fresh.get(jobId);
    if (fresh) {
      this.fresh.delete(jobId);
      for (const p of fresh.progress) deliverProgress(watch, p);
      if (fresh.outcome) {
        control.deliverOutcome(fresh.outcome);
        return subscription;
      }
      if (fresh.finishedElsewhere) void this.check(jobId, watch, false);
    } else {
      const parsed = parseJobId(jobId);
      const positioned = parsed ? this.reader.watchQueue(parsed.queue) : this.reader.ready;
      void positioned.then(
        () => this.check(jobId, watch, true),
        () => {},
      );
    }
    if (!control.done) {
      watch.timer = setInterval(() => void this.check(jobId, watch, false), this.pollIntervalMs);
      watch.timer.unref();
    }
    return subscription;
  }

  waitFor(jobId: string, options: { timeoutMs?: number; onProgress?: (event: JobProgress) => void } = {}): Promise<JobOutcome> {
    return waitForOutcome(this, jobId, options);
  }

  async getJob(jobId: string): Promise<JobSnapshot | undefined> {
    const parsed = parseJobId(jobId);
    const job = parsed ? await Job.fromId(this.queue(parsed.queue), jobId) : undefined;
    const stored = await readStoredOutcome(this.producer, this.keys, jobId);
    if (!job) {
      if (!stored) return undefined;
      return { id: jobId, name: stored.name, host: parsed?.host, state: stored.ok ? 'completed' : 'failed', submittedAt: stored.finishedAt, outcome: stored };
    }
    const envelope = JobEnvelopeSchema.safeParse(job.data);
    const state = (await job.getState()) as string;
    const known: JobState[] = ['waiting', 'delayed', 'active', 'completed', 'failed'];
    const snap: JobSnapshot = {
      id: jobId,
      name: job.name,
      host: parsed?.host,
      state: state === 'prioritized' || state === 'waiting-children' ? 'waiting' : known.includes(state as JobState) ? (state as JobState) : 'unknown',
      submittedAt: new Date(envelope.success ? envelope.data.submittedAt : job.timestamp).toISOString(),
    };
    if (envelope.success && envelope.data.replyTo) snap.replyTo = envelope.data.replyTo;
    if (envelope.success && envelope.data.requestedBy) snap.requestedBy = envelope.data.requestedBy;
    if (job.progress && typeof job.progress === 'object' && 'step' in job.progress) snap.progress = job.progress as JobProgress;
    const outcome = stored ?? outcomeFromJob(job);
    if (outcome) snap.outcome = outcome;
    return snap;
  }

  async status(): Promise<JobSystemStatus> {
    await this.whenConnected();
    return readJobStatus({
      redis: this.producer,
      redisUrl: this.redisUrl,
      prefix: this.prefix,
      queue: (n) => this.queue(n),
      knownHosts: Object.keys(this.config.agents),
    });
  }

  /**
   * Cancels a job: one still waiting in its queue is removed and recorded as
   * BF_CANCELLED; for a running one the workers are asked (pub/sub on the
   * prefix's cancel channel) and the one running it aborts it, ending it as
   * BF_CANCELLED. True when the job was removed or at least one worker heard
   * the request.
   */
  async cancel(jobId: string, by = 'the requester'): Promise<boolean> {
    if (this.closed) return false;
    await this.whenConnected();
    try {
      if (await this.removeWaiting(jobId, by)) return true;
      return (await publishCancel(this.producer, this.keys, { jobId, by })) > 0;
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new BuildfixError('BF_UPSTREAM', `could not ask the workers to cancel ${jobId}: Redis at ${describeRedisUrl(this.redisUrl)} failed (${reason})`, {
        cause: err,
      });
    }
  }

  // A job not taken by a worker yet: remove it (0 when a worker locked it meanwhile) and store its outcome.
  private async removeWaiting(jobId: string, by: string): Promise<boolean> {
    const parsed = parseJobId(jobId);
    if (!parsed) return false;
    const queue = this.queue(parsed.queue);
    const job = await Job.fromId(queue, jobId);
    if (!job) return false;
    const state = (await job.getState()) as string;
    if (state !== 'waiting' && state !== 'delayed' && state !== 'prioritized') return false;
    if ((await queue.remove(jobId)) !== 1) return false;
    const outcome: JobFailure = {
      ...lostOutcome(jobId),
      name: job.name,
      ...(parsed.host ? { host: parsed.host } : {}),
      error: { code: 'BF_CANCELLED', message: `${job.name} was cancelled by ${by} before it started` },
    };
    await storeOutcome(this.producer, this.keys, outcome);
    const fresh = this.fresh.get(jobId);
    if (fresh) fresh.outcome = outcome;
    for (const w of [...(this.watches.get(jobId) ?? [])]) w.control.deliverOutcome(outcome);
    return true;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const [, set] of this.watches) {
      for (const w of set) w.control.fail(new BuildfixError('BF_INTERNAL', 'the job dispatcher was closed before the job finished'));
    }
    this.watches.clear();
    await this.reader.close();
    // BullMQ's Queue.close() waits for Redis; with Redis away, do not hang the caller's shutdown.
    await Promise.race([Promise.allSettled([...this.queues.values()].map((q) => q.close())), new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
    await closeRedisConnection(this.producer);
  }

  private readerReady = false;

  private connected(): boolean {
    return this.readerReady && this.producer.status === 'ready';
  }

  // Fail fast when Redis is away, rather than queueing the user's request in memory.
  private async whenConnected(): Promise<void> {
    const deadline = Date.now() + this.connectWaitMs;
    while (this.producer.status !== 'ready') {
      if (this.producer.status === 'end' || Date.now() >= deadline) {
        throw new BuildfixError(
          'BF_UPSTREAM',
          `Redis at ${describeRedisUrl(this.redisUrl)} is not reachable (${lastRedisError(this.producer) ?? this.producer.status}): nothing was queued`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    if (this.readerReady) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.reader.ready,
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new BuildfixError('BF_UPSTREAM', `Redis at ${describeRedisUrl(this.redisUrl)} did not answer the event reader`)),
          this.connectWaitMs,
        );
      }),
    ]).finally(() => clearTimeout(timer));
  }

  private readonly watchedQueues = new Set<string>();

  // Follow a queue's event stream before the first job goes in (once per queue).
  private async watch(queue: string): Promise<void> {
    if (this.watchedQueues.has(queue)) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.reader.watchQueue(queue),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new BuildfixError('BF_UPSTREAM', `Redis at ${describeRedisUrl(this.redisUrl)} did not answer in time: nothing was queued`)),
          this.connectWaitMs,
        );
      }),
    ]).finally(() => clearTimeout(timer));
    this.watchedQueues.add(queue);
  }

  private markFresh(id: string): void {
    const now = Date.now();
    this.fresh.set(id, { at: now, progress: [] });
    // Submitted but never subscribed: forget after a minute.
    if (this.fresh.size > 1000) {
      for (const [k, f] of this.fresh) {
        if (now - f.at < 60_000) break;
        this.fresh.delete(k);
      }
    }
  }

  private unwatch(jobId: string, watch: Watch): void {
    if (watch.timer) clearInterval(watch.timer);
    const set = this.watches.get(jobId);
    if (!set) return;
    set.delete(watch);
    if (set.size === 0) this.watches.delete(jobId);
  }

  // Events of this queue were lost (the reader fell behind): look every followed job up.
  private recheckQueue(queue: string): void {
    for (const [jobId, set] of this.watches) {
      if (parseJobId(jobId)?.queue !== queue) continue;
      for (const w of set) void this.check(jobId, w, false);
    }
    for (const [jobId, fresh] of this.fresh) {
      if (parseJobId(jobId)?.queue === queue && !fresh.outcome) fresh.finishedElsewhere = true;
    }
  }

  private route(event: ChannelEvent): void {
    const set = this.watches.get(event.jobId);
    if (!set) {
      const fresh = this.fresh.get(event.jobId);
      if (!fresh) return;
      if (event.kind === 'progress') {
        if (fresh.progress.length < 100) fresh.progress.push(event.progress);
      } else if (event.kind === 'completed' && event.outcome) fresh.outcome = event.outcome;
      else fresh.finishedElsewhere = true;
      return;
    }
    if (event.kind === 'progress') {
      for (const w of set) deliverProgress(w, event.progress);
      return;
    }
    if (event.kind === 'completed' && event.outcome) {
      const outcome = event.outcome;
      for (const w of [...set]) w.control.deliverOutcome(outcome);
      return;
    }
    // A failure (details in the stored outcome) or a large outcome stored by reference.
    for (const w of [...set]) void this.check(event.jobId, w, false);
  }

  // Looks for a finished job's outcome (stored outcome, then BullMQ state).
  private async check(jobId: string, watch: Watch, initial: boolean): Promise<void> {
    if (watch.control.done || this.closed) return;
    try {
      const stored = await readStoredOutcome(this.producer, this.keys, jobId);
      if (stored) return watch.control.deliverOutcome(stored);
      const parsed = parseJobId(jobId);
      if (!parsed) return;
      const job = await Job.fromId(this.queue(parsed.queue), jobId);
      if (!job) {
        const late = await readStoredOutcome(this.producer, this.keys, jobId);
        return watch.control.deliverOutcome(
          late ?? lostOutcome(jobId, `job ${jobId} does not exist in Redis (it was never queued, was removed, or Redis lost its data) and left no outcome`),
        );
      }
      const outcome = outcomeFromJob(job);
      // A subscriber that came late (another chat process following the job) gets the latest step the
      // worker reported before the outcome, even when the job finished before its reader was in place.
      const last = storedProgress(job);
      if (last && !watch.sawProgress && (initial || outcome)) deliverProgress(watch, last);
      if (outcome) return watch.control.deliverOutcome(outcome);
    } catch (err) {
      // Redis away: the next poll tries again.
      this.logger.debug({ err, jobId }, 'job state check failed');
    }
  }
}
