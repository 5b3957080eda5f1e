/**
 * Pre-flight schedules as BullMQ job schedulers (Queue.upsertJobScheduler)
 * on each agent's own host queue: a worker, at start, upserts one scheduler
 * per check (and per configured repo for the repo checks) from the config
 * and removes the pre-flight schedulers the config no longer names. BullMQ
 * creates each next run when the current one starts; the run lock
 * (run-check.ts) keeps a slow run from overlapping the next.
 *
 * Jitter: `every` schedules are aligned to multiples of the interval, so
 * every agent would fire at the same second; each agent's schedule of a
 * check is shifted by a fixed offset in [0, jitter) derived from the agent
 * and check names (BullMQ's `offset`). The repos of one agent share the
 * offset, so one agent's module round runs together and its repos share
 * proxy answers (proxy-cache.ts).
 */
import { createHash } from 'node:crypto';
import type { Queue } from 'bullmq';
import type { PreflightConfig } from '../config/preflight-schema.ts';
import { HOST_SCOPE, PREFLIGHT_CHECKS, REPO_CHECKS, type PreflightCheck } from './types.ts';

export const SCHEDULER_PREFIX = 'preflight:';

export interface PreflightSchedule {
  /** The job scheduler's id in the agent's queue: "preflight:modules:payments", "preflight:probe:-". */
  id: string;
  check: PreflightCheck;
  repo: string | undefined;
  everyMs: number;
  offsetMs: number;
}

/** A fixed offset in [0, min(jitter, every)) from the agent and check names. */
export function jitterOffset(agent: string, check: string, jitterMs: number, everyMs: number): number {
  const span = Math.min(jitterMs, everyMs);
  if (span <= 1) return 0;
  const h = createHash('sha256').update(`${agent}\u0000${check}`).digest().readUInt32BE(0);
  return h % span;
}

/** The schedules an agent runs, from the config (pure). */
export function preflightSchedules(agent: string, preflight: PreflightConfig, repoNames: readonly string[]): PreflightSchedule[] {
  const repos = preflight.repos ?? [...repoNames].sort();
  const out: PreflightSchedule[] = [];
  for (const check of PREFLIGHT_CHECKS) {
    const everyMs = preflight[check];
    if (everyMs <= 0) continue;
    const offsetMs = jitterOffset(agent, check, preflight.jitter, everyMs);
    if (REPO_CHECKS.has(check)) {
      for (const repo of repos) out.push({ id: `${SCHEDULER_PREFIX}${check}:${repo}`, check, repo, everyMs, offsetMs });
    } else out.push({ id: `${SCHEDULER_PREFIX}${check}:${HOST_SCOPE}`, check, repo: undefined, everyMs, offsetMs });
  }
  return out;
}

/** What finished scheduler jobs leave in Redis: a few for `status`/debugging, never an unbounded pile. */
const TEMPLATE_OPTIONS = {
  attempts: 1,
  removeOnComplete: { age: 3600, count: 20 },
  removeOnFail: { age: 24 * 3600, count: 100 },
};

/**
 * Upserts the agent's schedulers on its host queue and removes stale
 * pre-flight ones. Returns the ids kept and removed.
 */
export async function syncPreflightSchedulers(
  queue: Queue,
  agent: string,
  preflight: PreflightConfig | undefined,
  repoNames: readonly string[],
): Promise<{ upserted: string[]; removed: string[] }> {
  const wanted = preflight ? preflightSchedules(agent, preflight, repoNames) : [];
  const upserted: string[] = [];
  for (const s of wanted) {
    await queue.upsertJobScheduler(
      s.id,
      { every: s.everyMs, ...(s.offsetMs > 0 ? { offset: s.offsetMs } : {}) },
      {
        name: 'preflight',
        data: { v: 1, payload: { check: s.check, ...(s.repo !== undefined ? { repo: s.repo } : {}) }, host: agent, submittedAt: Date.now() },
        opts: TEMPLATE_OPTIONS,
      },
    );
    upserted.push(s.id);
  }
  const keep = new Set(upserted);
  const removed: string[] = [];
  const existing = await queue.getJobSchedulers(0, -1);
  for (const s of existing) {
    const id = s.id ?? s.key;
    if (id.startsWith(SCHEDULER_PREFIX) && !keep.has(id)) {
      await queue.removeJobScheduler(id);
      removed.push(id);
    }
  }
  return { upserted, removed };
}
