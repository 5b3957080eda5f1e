/**
 * The worker side of the environment history: a snapshot of this host's
 * Go/proxy environment is taken when a job starts (at most once per
 * minIntervalMs; a handler that compares across time asks for a fresh one)
 * and recorded in the history store. Snapshot failures are logged, never a
 * job's failure. The snapshot code is loaded on first use, so the chat side
 * that only submits never loads it.
 */
import { homedir } from 'node:os';
import type { EnvHistoryEntry, EnvHistoryStore } from '../changes/env-history.ts';
import type { Config } from '../config/load-config.ts';
import type { Logger } from '../logger.ts';
import type { EnvHistoryAccess } from './job-types.ts';

export interface EnvRecorderOptions {
  store: EnvHistoryStore;
  /** The routing host name the history is kept under. */
  host: string;
  config: Pick<Config, 'goEnv'>;
  logger: Logger;
  /** Snapshots at job start are at least this far apart (default 30 s). */
  minIntervalMs?: number;
  /** HOME whose git config and netrc are looked at (default: this process's). */
  home?: string;
}

export class EnvRecorder {
  readonly host: string;
  readonly store: EnvHistoryStore;
  readonly #options: EnvRecorderOptions;
  #last: { startedAt: number; entry: Promise<EnvHistoryEntry | undefined> } | undefined;
  readonly #pending = new Set<Promise<unknown>>();

  constructor(options: EnvRecorderOptions) {
    this.host = options.host;
    this.store = options.store;
    this.#options = options;
  }

  /** The snapshot for a job starting now: a recent one, or a new one (fresh: always new). */
  snapshot(fresh = false): Promise<EnvHistoryEntry | undefined> {
    const now = Date.now();
    const min = this.#options.minIntervalMs ?? 30_000;
    if (!fresh && this.#last && now - this.#last.startedAt < min) return this.#last.entry;
    const entry = this.#take();
    this.#last = { startedAt: now, entry };
    const tracked = entry.finally(() => this.#pending.delete(tracked));
    this.#pending.add(tracked);
    return entry;
  }

  async #take(): Promise<EnvHistoryEntry | undefined> {
    try {
      const [{ readGoEnvironment, snapshotEnvironment }, { effectiveGoEnv }] = await Promise.all([
        import('../checks/host-check.ts'),
        import('../engine/diagnose.ts'),
      ]);
      const goEnv = this.#options.config.goEnv;
      const goInfo = await readGoEnvironment({ goEnv, timeoutMs: 15_000 });
      const snap = await snapshotEnvironment(effectiveGoEnv(goEnv, goInfo.env), { goInfo, home: this.#options.home ?? process.env.HOME ?? homedir() });
      return await this.store.record(this.host, snap);
    } catch (err) {
      this.#options.logger.warn({ err }, 'could not record the environment snapshot');
      return undefined;
    }
  }

  /** What a job's handler sees (ctx.envHistory). */
  access(): EnvHistoryAccess {
    const first = this.snapshot();
    return {
      host: this.host,
      current: (fresh = false) => (fresh ? this.snapshot(true) : first),
      list: (host) => this.store.list(host),
    };
  }

  /** Waits (at most maxMs) for snapshots still being taken. */
  async flush(maxMs = 5000): Promise<void> {
    if (this.#pending.size === 0) return;
    await Promise.race([Promise.allSettled([...this.#pending]), new Promise((resolve) => setTimeout(resolve, maxMs).unref())]);
  }
}
