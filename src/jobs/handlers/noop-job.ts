/** `noop`: does nothing, optionally after a wait; used by tests and the queue benchmark. */
import { setTimeout as sleep } from 'node:timers/promises';
import type { NoopJobResult } from '../job-results.ts';
import type { JobContext } from '../job-types.ts';
import type { NoopPayload } from '../payload-schemas.ts';

export async function runNoopJob(payload: NoopPayload, ctx: JobContext): Promise<NoopJobResult> {
  const delayMs = payload.delayMs ?? 0;
  if (delayMs > 0) await ctx.timed('sleep', `sleeping ${delayMs} ms`, () => sleep(delayMs, undefined, { signal: ctx.signal }));
  return { sleptMs: delayMs };
}
