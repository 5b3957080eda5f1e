/**
 * Bounded polling for Jenkins state (queue items, builds, agents). A poll
 * that hits a transient failure (Jenkins restarting, a proxy blip) is retried
 * a few times before the error is passed on, so a long build wait does not
 * fail because of one bad answer; anything else fails at once.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { isTransient } from './jenkins-errors.ts';

export interface PollOptions {
  intervalMs: number;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  /** Transient failures in a row that are tolerated (default 3). */
  maxConsecutiveErrors?: number;
  /** The error to throw when the time is up (gets the time waited). */
  onTimeout: (waitedMs: number) => Error;
}

/** Calls `check` until it returns a value (not undefined), the time runs out, or a real error occurs. */
export async function pollUntil<T>(check: () => Promise<T | undefined>, opts: PollOptions): Promise<T> {
  const started = performance.now();
  const maxErrors = opts.maxConsecutiveErrors ?? 3;
  let errors = 0;
  for (;;) {
    opts.signal?.throwIfAborted();
    try {
      const value = await check();
      errors = 0;
      if (value !== undefined) return value;
    } catch (err) {
      if (!isTransient(err) || ++errors > maxErrors) throw err;
    }
    const waited = performance.now() - started;
    if (waited >= opts.timeoutMs) throw opts.onTimeout(Math.round(waited));
    await sleep(Math.max(1, Math.min(opts.intervalMs, opts.timeoutMs - waited)), undefined, opts.signal ? { signal: opts.signal } : undefined);
  }
}

/** 1500 → "1.5 s", 90000 → "1 min 30 s": durations in messages people read. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(1))} s`;
  const totalS = Math.round(ms / 1000);
  const h = Math.floor(totalS / 3600);
  const m = Math.floor((totalS % 3600) / 60);
  const s = totalS % 60;
  if (h > 0) return `${h} h${m ? ` ${m} min` : ''}`;
  return `${m} min${s ? ` ${s} s` : ''}`;
}

/** Calls a progress callback; a failing callback (a chat hiccup) never aborts the operation. */
export function notify<E>(callback: ((event: E) => void | Promise<void>) | undefined, event: E): void {
  if (!callback) return;
  try {
    const r = callback(event);
    if (r && typeof (r as Promise<void>).catch === 'function') (r as Promise<void>).catch(() => {});
  } catch {
    // ignored on purpose: see above
  }
}
