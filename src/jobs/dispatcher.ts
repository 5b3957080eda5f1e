/**
 * What the chat front (and the CLI) uses to run jobs, whatever runs them:
 * BullMQ workers on the build hosts when REDIS_URL is set, this process
 * otherwise. Both implementations validate the same way, run the same
 * handlers and deliver the same progress events and outcome shapes.
 */
import type { JobName, JobPayloadInput, JobResult } from './catalogue.ts';
import type { JobOutcome, JobProgress, JobSnapshot, JobSystemStatus, ReplyTo } from './job-types.ts';

export interface SubmitOptions {
  /** Run on this host's worker. Host actions take it from the payload (agent). Omitted: any worker. */
  host?: string;
  /** Opaque reply routing for the chat side (channel, thread); stored with the job. */
  replyTo?: ReplyTo;
  /** Who asked (a Slack user id); recorded with the job. */
  requestedBy?: string;
  /** false: run even if the same job ran within its dedup window. Default true. */
  dedup?: boolean;
}

export interface JobHandle<N extends JobName = JobName> {
  id: string;
  name: N;
  /** The host it is addressed to; undefined for any worker. */
  host: string | undefined;
  queue: string;
  /** True when an identical job within the dedup window was found: `id` is that job's. */
  deduplicated: boolean;
}

/** A typed outcome for a known job name (narrow on `name`). */
export type OutcomeOf<N extends JobName> = JobOutcome<JobResult<N>> & { name: N };

export interface JobListener {
  onProgress?(event: JobProgress): void;
  onOutcome?(outcome: JobOutcome): void;
}

export interface Subscription {
  /** Resolves once with the job's outcome (also for jobs that finished before subscribing). */
  readonly outcome: Promise<JobOutcome>;
  unsubscribe(): void;
}

export interface Dispatcher {
  readonly kind: 'bullmq' | 'in-process';
  /** Validates (schema and config names) and queues a job. Throws BuildfixError on refusal. */
  submit<N extends JobName>(name: N, payload: JobPayloadInput<N>, options?: SubmitOptions): Promise<JobHandle<N>>;
  /** Progress and the outcome of any job by id, also jobs another process submitted. */
  subscribe(jobId: string, listener?: JobListener): Subscription;
  /** The outcome of a job by id; rejects with BF_TIMEOUT after timeoutMs. */
  waitFor(jobId: string, options?: { timeoutMs?: number; onProgress?: (event: JobProgress) => void }): Promise<JobOutcome>;
  /** A job's state, reply routing and latest progress, or undefined for an unknown id. */
  getJob(jobId: string): Promise<JobSnapshot | undefined>;
  /** Live workers and queue depths. */
  status(): Promise<JobSystemStatus>;
  /**
   * Stops a job (Ctrl-C in the shell): in-process, a waiting job never
   * starts and a running one has its signal aborted; with BullMQ, a waiting
   * job is removed from its queue and the worker running a running one
   * aborts it. Either way it ends with BF_CANCELLED, not retried.
   * In-process: false when the job is unknown or finished. BullMQ: true when
   * the job was removed or at least one worker heard the request. `by` names
   * who cancelled (in the outcome or the worker's log).
   */
  cancel?(jobId: string, by?: string): Promise<boolean>;
  close(): Promise<void>;
}
