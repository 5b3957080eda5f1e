/**
 * The embedded dispatcher (REDIS_URL unset): jobs run in this process with
 * the same validation, handlers, retries, timeouts, dedup window, progress
 * events and outcome shapes as on BullMQ workers. Jobs live only as long as
 * the process; there are no remote workers, so a job for another host is
 * refused at submit.
 */
import { hostname as osHostname } from 'node:os';
import type { Config } from '../config/load-config.ts';
import { BuildfixError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { packageVersion } from '../util/package-root.ts';
import { getJobSpec, type JobName, type JobPayloadInput, type JobSpec } from './catalogue.ts';
import type { Dispatcher, JobHandle, JobListener, SubmitOptions, Subscription } from './dispatcher.ts';
import type { EnvHistoryStore } from '../changes/env-history.ts';
import { EnvRecorder } from './env-recorder.ts';
import { backoffDelayMs, executeJob } from './execute-job.ts';
import type { HandlerJobAccess, JobEnvelope, JobOutcome, JobProgress, JobSnapshot, JobState, JobSystemStatus } from './job-types.ts';
import { prepareSubmission } from './prepare-submission.ts';
import { defaultHostName } from './queue-names.ts';
import { createSubscription, lostOutcome, waitForOutcome, type SubscriptionControl } from './subscription.ts';

export interface InProcessDispatcherOptions {
  config: Config;
  logger: Logger;
  /** Jobs running at once (default 4). */
  concurrency?: number;
  /** Finished jobs kept for getJob/subscribe (default 1000). */
  retainFinished?: number;
  /** The job system handed to handlers that need one (ctx.openJobs). */
  openJobs?: () => HandlerJobAccess;
  /** Keep this host's environment history (a snapshot at each job) in this store (the embedded mode: memory). */
  envHistory?: EnvHistoryStore;
}

interface Entry {
  id: string;
  name: string;
  envelope: JobEnvelope;
  state: JobState;
  attempt: number;
  progress?: JobProgress;
  outcome?: JobOutcome;
  startedAt?: number;
  watchers: Set<SubscriptionControl>;
  /** Aborted by cancel(). */
  cancel?: AbortController;
}

export class InProcessDispatcher implements Dispatcher {
  readonly kind = 'in-process' as const;
  readonly host: string;
  private readonly config: Config;
  private readonly logger: Logger;
  private readonly concurrency: number;
  private readonly retainFinished: number;
  private readonly openJobs: (() => HandlerJobAccess) | undefined;
  private readonly envRecorder: EnvRecorder | undefined;
  private readonly jobs = new Map<string, Entry>();
  private readonly finishedOrder: string[] = [];
  private readonly waiting: Entry[] = [];
  private readonly dedup = new Map<string, { jobId: string; until: number }>();
  private readonly shutdown = new AbortController();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly startedAt = new Date().toISOString();
  private running = 0;
  private closed = false;

  constructor(options: InProcessDispatcherOptions) {
    this.config = options.config;
    this.logger = options.logger;
    this.concurrency = Math.max(1, options.concurrency ?? 4);
    this.retainFinished = options.retainFinished ?? 1000;
    this.openJobs = options.openJobs;
    this.host = defaultHostName(options.config.host);
    this.envRecorder = options.envHistory
      ? new EnvRecorder({ store: options.envHistory, host: this.host, config: options.config, logger: options.logger })
      : undefined;
  }

  async submit<N extends JobName>(name: N, payload: JobPayloadInput<N>, options: SubmitOptions = {}): Promise<JobHandle<N>> {
    if (this.closed) throw new BuildfixError('BF_INTERNAL', 'the job dispatcher is closed');
    const prepared = prepareSubmission(name, payload, options, { config: this.config, localHost: this.host });
    if (prepared.host !== undefined && prepared.host !== this.host) {
      throw new BuildfixError('BF_INPUT', `jobs run in-process on "${this.host}" (REDIS_URL is not set): there is no worker for "${prepared.host}"`);
    }
    const now = Date.now();
    if (prepared.dedupKey !== undefined) {
      const hit = this.dedup.get(prepared.dedupKey);
      if (hit && hit.until > now && this.jobs.has(hit.jobId)) {
        return { id: hit.jobId, name, host: prepared.host, queue: prepared.queue, deduplicated: true };
      }
      this.dedup.set(prepared.dedupKey, { jobId: prepared.jobId, until: now + prepared.dedupWindowMs });
      this.pruneDedup(now);
    }
    const entry: Entry = { id: prepared.jobId, name, envelope: prepared.envelope, state: 'waiting', attempt: 0, watchers: new Set() };
    this.jobs.set(entry.id, entry);
    this.waiting.push(entry);
    queueMicrotask(() => this.pump());
    return { id: entry.id, name, host: prepared.host, queue: prepared.queue, deduplicated: false };
  }

  subscribe(jobId: string, listener: JobListener = {}): Subscription {
    const entry = this.jobs.get(jobId);
    const { subscription, control } = createSubscription(listener, () => entry?.watchers.delete(control));
    if (!entry) {
      queueMicrotask(() => control.deliverOutcome(lostOutcome(jobId)));
    } else if (entry.outcome) {
      // A late subscriber gets the last step reported, then the outcome (as with BullMQ).
      const { outcome, progress } = entry;
      queueMicrotask(() => {
        if (progress) control.deliverProgress(progress);
        control.deliverOutcome(outcome);
      });
    } else {
      entry.watchers.add(control);
      if (entry.progress) {
        const progress = entry.progress;
        queueMicrotask(() => control.deliverProgress(progress));
      }
    }
    return subscription;
  }

  async waitFor(jobId: string, options: { timeoutMs?: number; onProgress?: (event: JobProgress) => void } = {}): Promise<JobOutcome> {
    return waitForOutcome(this, jobId, options);
  }

  async getJob(jobId: string): Promise<JobSnapshot | undefined> {
    const e = this.jobs.get(jobId);
    if (!e) return undefined;
    const snap: JobSnapshot = { id: e.id, name: e.name, host: e.envelope.host, state: e.state, submittedAt: new Date(e.envelope.submittedAt).toISOString() };
    if (e.envelope.replyTo) snap.replyTo = e.envelope.replyTo;
    if (e.envelope.requestedBy) snap.requestedBy = e.envelope.requestedBy;
    if (e.progress) snap.progress = e.progress;
    if (e.outcome) snap.outcome = e.outcome;
    return snap;
  }

  async status(): Promise<JobSystemStatus> {
    const running = [...this.jobs.values()].filter((e) => e.state === 'active');
    const count = (s: JobState): number => [...this.jobs.values()].filter((e) => e.state === s).length;
    return {
      mode: 'in-process',
      workers: [
        {
          id: `in-process:${process.pid}`,
          host: this.host,
          version: packageVersion(),
          pid: process.pid,
          hostname: osHostname(),
          startedAt: this.startedAt,
          lastSeen: new Date().toISOString(),
          concurrency: this.concurrency,
          queues: ['in-process'],
          running: running.map((e) => ({ id: e.id, name: e.name, startedAt: new Date(e.startedAt ?? Date.now()).toISOString() })),
          state: this.closed ? 'stopping' : 'running',
        },
      ],
      queues: [
        {
          queue: 'in-process',
          host: undefined,
          waiting: count('waiting'),
          active: count('active'),
          delayed: count('delayed'),
          failed: count('failed'),
          completed: count('completed'),
        },
      ],
    };
  }

  async cancel(jobId: string): Promise<boolean> {
    const entry = this.jobs.get(jobId);
    if (!entry || entry.outcome) return false;
    const waitingAt = this.waiting.indexOf(entry);
    if (waitingAt !== -1) {
      this.waiting.splice(waitingAt, 1);
      this.finish(entry, {
        ...lostOutcome(entry.id),
        name: entry.name,
        error: { code: 'BF_CANCELLED', message: `${entry.name} was cancelled before it started` },
      });
      return true;
    }
    entry.cancel ??= new AbortController();
    entry.cancel.abort();
    return true;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.shutdown.abort();
    for (const e of this.waiting.splice(0)) {
      this.finish(e, {
        ...lostOutcome(e.id),
        name: e.name,
        error: { code: 'BF_JOB_INTERRUPTED', message: `${e.name} did not run: the process shut down first` },
      });
    }
    await Promise.race([Promise.allSettled([...this.inFlight]), new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
    await this.envRecorder?.flush(2000);
  }

  // Starts waiting jobs while there is room.
  private pump(): void {
    while (!this.closed && this.running < this.concurrency && this.waiting.length > 0) {
      const entry = this.waiting.shift() as Entry;
      this.running++;
      const p = this.run(entry)
        .catch((err: unknown) => this.logger.error({ err, jobId: entry.id }, 'in-process job crashed'))
        .finally(() => {
          this.running--;
          this.inFlight.delete(p);
          this.pump();
        });
      this.inFlight.add(p);
    }
  }

  private async run(entry: Entry): Promise<void> {
    for (;;) {
      entry.attempt++;
      entry.state = 'active';
      entry.startedAt = Date.now();
      const result = await executeJob({
        jobId: entry.id,
        name: entry.name,
        data: entry.envelope,
        attempt: entry.attempt,
        workerHost: this.host,
        config: this.config,
        logger: this.logger,
        shutdownSignal: this.shutdown.signal,
        cancelSignal: (entry.cancel ??= new AbortController()).signal,
        ...(this.openJobs ? { openJobs: this.openJobs } : {}),
        ...(this.envRecorder ? { envRecorder: this.envRecorder } : {}),
        onProgress: (event) => {
          entry.progress = event;
          for (const w of entry.watchers) w.deliverProgress(event);
        },
      });
      if (result.retry && !this.closed && !entry.cancel?.signal.aborted) {
        const delay = backoffDelayMs(specOf(entry.name), entry.attempt);
        const message = result.outcome.ok ? '' : result.outcome.error.message;
        const event: JobProgress = { step: 'retry', message: `attempt ${entry.attempt} failed (${message}); retrying in ${delay} ms`, status: 'info' };
        entry.progress = event;
        for (const w of entry.watchers) w.deliverProgress(event);
        entry.state = 'delayed';
        await sleepUnlessAborted(delay, this.shutdown.signal);
        if (!this.closed) continue;
      }
      const outcome =
        result.handBack && !result.outcome.ok
          ? {
              ...result.outcome,
              error: { code: 'BF_JOB_INTERRUPTED' as const, message: `${entry.name} was interrupted: the process shut down before it finished` },
            }
          : result.outcome;
      this.finish(entry, outcome);
      return;
    }
  }

  private finish(entry: Entry, outcome: JobOutcome): void {
    entry.outcome = outcome;
    entry.state = outcome.ok ? 'completed' : 'failed';
    for (const w of entry.watchers) w.deliverOutcome(outcome);
    entry.watchers.clear();
    this.finishedOrder.push(entry.id);
    while (this.finishedOrder.length > this.retainFinished) {
      const old = this.finishedOrder.shift();
      if (old !== undefined) this.jobs.delete(old);
    }
  }

  private pruneDedup(now: number): void {
    if (this.dedup.size < 1000) return;
    for (const [k, v] of this.dedup) if (v.until <= now) this.dedup.delete(k);
  }
}

function specOf(name: string): Pick<JobSpec, 'options'> {
  return getJobSpec(name) ?? { options: { attempts: 1, timeoutMs: 0, dedupWindowMs: 0 } };
}

function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
