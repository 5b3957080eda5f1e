/**
 * chat.update for every message this process edits, one scheduler for the
 * workspace (chat.update is a Tier 3 method, about 50 per minute, shared by
 * every job's status message and every incident alert):
 *
 * - Per message only the latest state is pending: a newer edit replaces the
 *   one not yet sent, and one edit per message is in flight at a time.
 * - After a 429 nothing is sent until Retry-After has passed; then each
 *   message gets its latest state, once. Nothing is sent in a burst of stale
 *   states.
 * - A caller never waits out a rate limit: while chat.update is limited,
 *   submit() resolves at once with the edit left pending. So a job's answer
 *   (posted with chat.postMessage, a separate limit) never waits behind
 *   progress edits.
 * - Progress edits have a budget (config slack.progressEditsPerMinute,
 *   counted over every chat.update of the last minute): one that would
 *   exceed it is skipped, not queued. Final states (done, failed), alerts and
 *   answered confirmations always go.
 */
import type { Logger } from '../../logger.ts';
import { isSlackCallError } from '../slack-errors.ts';

export type EditKind = 'progress' | 'final';

interface Pending {
  send: () => Promise<void>;
  kind: EditKind;
  settle: () => void;
}

interface Slot {
  pending?: Pending;
  inFlight: boolean;
}

export interface EditSchedulerOptions {
  logger: Logger;
  /** Progress edits allowed per minute (all chat.update calls of this process count against it). */
  progressEditsPerMinute: number;
  /** ms until chat.update may be called again (SlackApi.rateLimitedFor). */
  rateLimitedFor: () => number;
}

const WINDOW_MS = 60_000;

export class EditScheduler {
  readonly #log: Logger;
  readonly #budget: number;
  readonly #rateLimitedFor: () => number;
  readonly #slots = new Map<string, Slot>();
  /** When chat.update calls were sent, for the budget. */
  #sent: number[] = [];
  #timer: NodeJS.Timeout | undefined;
  #skipped = 0;

  constructor(options: EditSchedulerOptions) {
    this.#log = options.logger.child({ component: 'edit-scheduler' });
    this.#budget = options.progressEditsPerMinute;
    this.#rateLimitedFor = options.rateLimitedFor;
  }

  /** Progress edits skipped for the budget so far. */
  get skipped(): number {
    return this.#skipped;
  }

  /** Edits waiting to be sent (latest state per message). */
  get pending(): number {
    let n = 0;
    for (const slot of this.#slots.values()) if (slot.pending) n++;
    return n;
  }

  #recentSends(): number {
    const since = Date.now() - WINDOW_MS;
    this.#sent = this.#sent.filter((t) => t > since);
    return this.#sent.length;
  }

  /**
   * Schedules an edit of message `key`. Resolves once it was sent, replaced by
   * a newer state, skipped for the budget, or left pending behind a rate
   * limit; it never rejects (a failed edit is logged).
   */
  submit(key: string, kind: EditKind, send: () => Promise<void>): Promise<void> {
    if (kind === 'progress' && this.#recentSends() >= this.#budget) {
      this.#skipped++;
      this.#log.debug({ key, budget: this.#budget }, 'progress edit skipped: chat.update budget for this minute used up');
      return Promise.resolve();
    }
    const slot = this.#slots.get(key) ?? { inFlight: false };
    this.#slots.set(key, slot);
    return new Promise<void>((resolve) => {
      slot.pending?.settle();
      slot.pending = { send, kind, settle: resolve };
      if (this.#rateLimitedFor() > 0) {
        // Rate limited: the edit waits here, the caller does not.
        resolve();
        this.#armTimer();
        return;
      }
      void this.#pump(key, slot);
    });
  }

  async #pump(key: string, slot: Slot): Promise<void> {
    while (slot.pending && !slot.inFlight) {
      if (this.#rateLimitedFor() > 0) {
        slot.pending.settle();
        this.#armTimer();
        return;
      }
      const edit = slot.pending;
      slot.pending = undefined;
      slot.inFlight = true;
      this.#sent.push(Date.now());
      try {
        await edit.send();
        edit.settle();
      } catch (err) {
        if (isSlackCallError(err) && err.failure.kind === 'rate-limited') {
          // Keep the latest state: this one unless a newer one arrived meanwhile; send it once the wait is over.
          if (slot.pending) edit.settle();
          else slot.pending = edit;
          slot.pending.settle();
          this.#log.info(
            { key, retryAfterMs: this.#rateLimitedFor() },
            'chat.update rate-limited: the latest state of each message is sent once Retry-After has passed',
          );
          this.#armTimer();
        } else {
          this.#log.warn({ err, key }, 'message edit failed');
          edit.settle();
        }
      } finally {
        slot.inFlight = false;
      }
    }
    if (!slot.pending && !slot.inFlight) this.#slots.delete(key);
  }

  #armTimer(): void {
    if (this.#timer) return;
    const wait = Math.max(this.#rateLimitedFor(), 10);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (this.#rateLimitedFor() > 0) return this.#armTimer();
      for (const [key, slot] of this.#slots) void this.#pump(key, slot);
    }, wait);
    this.#timer.unref();
  }

  /** Sends what is pending now, if chat.update is not limited; resolves when done or after timeoutMs (shutdown). */
  async flush(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.pending > 0 || [...this.#slots.values()].some((s) => s.inFlight)) {
      if (Date.now() > deadline || this.#rateLimitedFor() > deadline - Date.now()) return;
      for (const [key, slot] of this.#slots) void this.#pump(key, slot);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  close(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
