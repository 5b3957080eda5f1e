/**
 * Catalogue options → BullMQ job options. Retention is bounded for every job:
 * finished jobs are pruned by age and count (BullMQ prunes when later jobs
 * finish), outcomes stay readable for 24 h under their own key.
 */
import type { JobsOptions } from 'bullmq';
import type { JobSpec } from './catalogue.ts';

export const RETENTION = {
  /** Completed jobs: the last 1000, at most a day. */
  removeOnComplete: { age: 24 * 3600, count: 1000 },
  /** Failed jobs: the last 5000, at most a week (they are looked at later). */
  removeOnFail: { age: 7 * 24 * 3600, count: 5000 },
} as const;

export interface BullmqOptionsInput {
  spec: Pick<JobSpec, 'idempotent' | 'options'>;
  jobId: string;
  dedupKey: string | undefined;
  dedupWindowMs: number;
}

export function bullmqJobOptions(input: BullmqOptionsInput): JobsOptions {
  const o = input.spec.options;
  const retried = input.spec.idempotent && o.attempts > 1;
  const out: JobsOptions = {
    jobId: input.jobId,
    attempts: retried ? o.attempts : 1,
    removeOnComplete: { ...RETENTION.removeOnComplete },
    removeOnFail: { ...RETENTION.removeOnFail },
  };
  if (retried && o.backoff) out.backoff = { type: o.backoff.type, delay: o.backoff.delayMs };
  if (input.dedupKey !== undefined && input.dedupWindowMs > 0) out.deduplication = { id: input.dedupKey, ttl: input.dedupWindowMs };
  return out;
}
