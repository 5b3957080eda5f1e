/**
 * The shapes every job shares, whichever dispatcher runs it: progress events,
 * typed outcomes, the envelope stored as BullMQ job data, and what a handler
 * receives. Pure types plus small zod schemas; no Redis, no engine code, so
 * the chat side can import this freely.
 */
import type { Redis } from 'ioredis';
import * as z from 'zod';
import type { EnvHistoryEntry } from '../changes/env-history.ts';
import type { Config } from '../config/load-config.ts';
import type { ErrorCode } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { ProgressListener } from '../report/model.ts';
import { redactText } from '../util/redact.ts';

/** running → one of the check statuses; info is a note without a verdict. */
export type StepStatus = 'running' | 'pass' | 'fail' | 'warn' | 'skip' | 'error' | 'info';

/** One progress event: "probing proxy.golang.org… 120 ms ✓". */
export interface JobProgress {
  step: string;
  message: string;
  status?: StepStatus;
  durationMs?: number;
}

/** A finished step as recorded in the outcome (timings of the whole job). */
export interface JobStep {
  step: string;
  message: string;
  status: StepStatus;
  durationMs?: number;
}

/** Error codes a job outcome can carry: the program's codes plus the job layer's own. */
export type JobErrorCode =
  | ErrorCode
  /** A non-idempotent job (restart, clear cache) was cut off mid-run: not re-run automatically. */
  | 'BF_JOB_INTERRUPTED'
  /** The job is gone from Redis (removed, or Redis lost its data) and left no outcome. */
  | 'BF_JOB_LOST';

export interface JobError {
  code: JobErrorCode;
  /** One line a person can act on; never a stack trace, secrets redacted. */
  message: string;
  /** Structured facts: exitCode, stderrTail, command … (redacted). */
  details?: Record<string, unknown>;
}

interface OutcomeBase {
  jobId: string;
  name: string;
  durationMs: number;
  /** Attempts made, including this one. */
  attempts: number;
  /** Steps with their timings, in the order they finished. */
  steps: JobStep[];
  finishedAt: string;
}

export interface JobSuccess<R = unknown> extends OutcomeBase {
  ok: true;
  result: R;
  /** The host whose worker ran the job. */
  host: string;
}

export interface JobFailure extends OutcomeBase {
  ok: false;
  error: JobError;
  /** The host whose worker ran (or refused) the job; absent when no worker saw it. */
  host?: string;
}

export type JobOutcome<R = unknown> = JobSuccess<R> | JobFailure;

/**
 * Opaque routing data the chat side attaches to a job (Slack channel and
 * thread) and reads back later. Small, flat, and never a secret.
 */
export const ReplyToSchema = z
  .record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'replyTo keys are identifiers'), z.union([z.string().max(512), z.number(), z.boolean(), z.null()]))
  .refine((v) => Object.keys(v).length <= 16, 'replyTo holds at most 16 keys')
  .refine((v) => !Object.keys(v).some((k) => /token|secret|password|passwd|auth|cookie|key$/i.test(k)), 'replyTo must not carry credentials')
  .refine((v) => Object.values(v).every((x) => typeof x !== 'string' || redactText(x) === x), 'replyTo must not carry credentials');
export type ReplyTo = z.infer<typeof ReplyToSchema>;

/** Who asked, recorded with the job (a Slack user id or a CLI user name). */
export const RequestedBySchema = z.string().regex(/^[A-Za-z0-9@._:-]{1,64}$/, 'requestedBy is an id like U012ABCDEF');

/**
 * What is stored as BullMQ job data (and passed around in-process): the
 * validated payload plus routing and reply metadata. Version 1.
 */
export const JobEnvelopeSchema = z.object({
  v: z.literal(1),
  payload: z.unknown(),
  host: z.string().optional(),
  replyTo: ReplyToSchema.optional(),
  requestedBy: RequestedBySchema.optional(),
  submittedAt: z.number().int().nonnegative(),
});
export type JobEnvelope = z.infer<typeof JobEnvelopeSchema>;

/** What a handler gets besides its payload. */
export interface JobContext {
  jobId: string;
  name: string;
  /** This worker's host name (routing name, lower case). */
  host: string;
  /** 1 for the first try. */
  attempt: number;
  /** Who asked for the job (the envelope's requestedBy: a Slack user id, a terminal user); absent for scheduled runs. */
  requestedBy?: string;
  config: Config;
  logger: Logger;
  /** Aborted on the job's timeout and on a worker shutdown that cannot wait. */
  signal: AbortSignal;
  /** Report a step. */
  progress(event: JobProgress): void;
  /** The engine's progress events (diagnose, probe) as job progress. */
  engineProgress: ProgressListener;
  /** Run fn as one step: "start" then "done" with its duration and status. */
  timed<T>(step: string, message: string, fn: () => Promise<T>, verdict?: (value: T) => StepStatus): Promise<T>;
  /** Opens the job system this job runs in (the caller closes it). */
  openJobs(): HandlerJobAccess;
  /** The hosts' environment history (absent when the runner keeps none). */
  envHistory?: EnvHistoryAccess;
  /** The worker's Redis connection and key prefix (BullMQ mode), for handlers that keep state between runs (pre-flight); absent in-process. */
  state?: JobStateAccess;
}

/** The environment history as a handler sees it: this host's snapshot for this job, and any host's recorded ones. */
export interface EnvHistoryAccess {
  /** The host the snapshots are recorded under. */
  host: string;
  /** This host's snapshot taken when the job started (fresh: a new one now), as recorded; undefined when it could not be taken. */
  current(fresh?: boolean): Promise<EnvHistoryEntry | undefined>;
  /** A host's recorded snapshots, newest first. */
  list(host: string): Promise<EnvHistoryEntry[]>;
}

/** Redis as a handler may use it: the worker's shared (non-blocking) connection and buildfix's key prefix. */
export interface JobStateAccess {
  redis: Redis;
  prefix: string;
}

/**
 * The job system as a handler sees it: enough to hand a step to another
 * host's worker (restart-agent through the agent host's worker). The runner
 * provides it, so handlers never build a dispatcher (the catalogue loads the
 * handlers; a handler importing a dispatcher would be an import cycle).
 * Payloads are validated against the catalogue by submit.
 */
export interface HandlerJobAccess {
  status(): Promise<JobSystemStatus>;
  submit(name: string, payload: unknown, options?: { dedup?: boolean }): Promise<{ id: string }>;
  waitFor(jobId: string, options?: { timeoutMs?: number; onProgress?: (event: JobProgress) => void }): Promise<JobOutcome>;
  close(): Promise<void>;
}

export type JobHandler<P, R> = (payload: P, ctx: JobContext) => Promise<R>;

/** Where a job is in its life, as a dispatcher sees it. */
export type JobState = 'waiting' | 'delayed' | 'active' | 'completed' | 'failed' | 'unknown';

/** A job looked up by id (re-attaching after a chat restart). */
export interface JobSnapshot {
  id: string;
  name: string;
  /** The host it is addressed to; undefined for "any worker". */
  host: string | undefined;
  state: JobState;
  submittedAt: string;
  replyTo?: ReplyTo;
  requestedBy?: string;
  /** The latest progress event, while it runs. */
  progress?: JobProgress;
  /** Present once it finished. */
  outcome?: JobOutcome;
}

export interface RunningJob {
  id: string;
  name: string;
  startedAt: string;
}

/** A worker as it announces itself in its heartbeat. */
export interface WorkerInfo {
  id: string;
  host: string;
  version: string;
  pid: number;
  /** The machine's own hostname (may differ from the routing host). */
  hostname: string;
  startedAt: string;
  lastSeen: string;
  concurrency: number;
  queues: string[];
  running: RunningJob[];
  state: 'running' | 'stopping';
}

export interface QueueDepth {
  queue: string;
  /** The host a host queue serves; undefined for the any-host queue. */
  host: string | undefined;
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  completed: number;
}

export interface JobSystemStatus {
  mode: 'bullmq' | 'in-process';
  /** Masked Redis URL and key prefix (bullmq mode). */
  redis?: { url: string; prefix: string };
  workers: WorkerInfo[];
  queues: QueueDepth[];
}
