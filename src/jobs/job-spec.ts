/** The shape of a job catalogue entry (catalogue.ts, jenkins-jobs.ts). */
import type { z } from 'zod';
import type { JobHandler } from './job-types.ts';
import type { NameCheckContext } from './validate-names.ts';

export interface JobOptions {
  /** Total tries (1 = no retry). Only idempotent jobs retry. */
  attempts: number;
  /** Delay before retry n: exponential = delayMs · 2^(n-1). */
  backoff?: { type: 'exponential' | 'fixed'; delayMs: number };
  /** The run is aborted (signal) and failed with BF_TIMEOUT after this long. */
  timeoutMs: number;
  /** The same job for the same host and payload within this window returns the first job (0 = no dedup). */
  dedupWindowMs: number;
}

export interface JobSpec<P extends z.ZodType = z.ZodType, Res = unknown> {
  summary: string;
  payload: P;
  /**
   * "host": must be addressed to one host (host actions); "any": may be
   * addressed to a host or left for any worker.
   */
  routing: 'host' | 'any';
  /** A host implied by the payload (restart-agent's agent): the job is routed there. */
  hostFromPayload?: (payload: z.output<P>) => string | undefined;
  /** Safe to run twice: retried with backoff, handed back on shutdown, re-run after a crash. */
  idempotent: boolean;
  options: JobOptions;
  /** Name checks against the config; throw a BuildfixError to refuse. Run on submit and on run. */
  check?: (payload: z.output<P>, ctx: NameCheckContext) => void;
  load: () => Promise<JobHandler<z.output<P>, Res>>;
}

/** Keeps an entry's payload and result types for JobPayload<N> / JobResult<N>. */
export function defineJob<P extends z.ZodType, Res>(spec: JobSpec<P, Res>): JobSpec<P, Res> {
  return spec;
}
