/**
 * In-process mode (no REDIS_URL): there are no workers and no BullMQ job
 * schedulers, so the process that runs the jobs schedules pre-flight itself,
 * as close to the BullMQ schedules as it can: the same schedules (interval
 * per check, per repo), the same slots (multiples of the interval plus the
 * same jitter offset), the same `preflight` job through the in-process
 * dispatcher. One timer per schedule, armed for the next slot only after the
 * previous run finished: a slow run makes slots pass, never overlap (the run
 * lock in the memory store guards as well). Results live in this process's
 * memory (store.ts) and are gone on restart.
 */
import type { Config } from '../config/load-config.ts';
import type { Dispatcher } from '../jobs/dispatcher.ts';
import type { Logger } from '../logger.ts';
import { preflightSchedules, type PreflightSchedule } from './schedulers.ts';
import { PREFLIGHT_TIMEOUT_MS } from './types.ts';

export interface LocalPreflight {
  close(): void;
}

/** The next slot after `now`: a multiple of the interval plus the offset (as BullMQ computes `every` with `offset`). */
export function nextSlot(now: number, everyMs: number, offsetMs: number): number {
  return Math.floor((now - offsetMs) / everyMs) * everyMs + everyMs + offsetMs;
}

/** The longest delay one setTimeout can wait (2^31 - 1 ms, about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

export function startLocalPreflight(options: { config: Config; dispatcher: Dispatcher; host: string; logger: Logger }): LocalPreflight {
  const { config, dispatcher, logger } = options;
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;
  const schedules = config.preflight ? preflightSchedules(options.host, config.preflight, Object.keys(config.repos)) : [];
  const arm = (s: PreflightSchedule): void => {
    if (closed) return;
    const wait = Math.max(0, nextSlot(Date.now(), s.everyMs, s.offsetMs) - Date.now());
    if (wait > MAX_TIMER_MS) {
      // A monthly drill's slot is beyond what one timer can wait (Node fires longer ones at once): wait in parts.
      const hop = setTimeout(() => {
        timers.delete(hop);
        arm(s);
      }, MAX_TIMER_MS);
      hop.unref();
      timers.add(hop);
      return;
    }
    const timer = setTimeout(() => {
      timers.delete(timer);
      void (async () => {
        try {
          const handle = await dispatcher.submit(
            'preflight',
            { check: s.check, ...(s.repo !== undefined ? { repo: s.repo } : {}) },
            { dedup: false, host: options.host },
          );
          await dispatcher.waitFor(handle.id, { timeoutMs: PREFLIGHT_TIMEOUT_MS + 60_000 });
        } catch (err) {
          if (!closed) logger.warn({ err, schedule: s.id }, 'pre-flight run failed');
        } finally {
          arm(s);
        }
      })();
    }, wait);
    timer.unref();
    timers.add(timer);
  };
  for (const s of schedules) arm(s);
  if (schedules.length > 0)
    logger.info({ schedules: schedules.length }, 'pre-flight scheduled in this process (in-process mode: no workers, results in memory)');
  return {
    close() {
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
}
