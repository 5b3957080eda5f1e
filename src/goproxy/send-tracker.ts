/**
 * Knows when every request a client handed to undici is on the wire (its
 * head written to a socket), from undici's documented diagnostics channel
 * `undici:client:sendHeaders`. The diagnosis uses it to spawn `go` in the
 * idle time after the first wave of module requests has gone out, instead of
 * in the middle of sending them or of reading their answers.
 *
 * Requests are matched by path; bookkeeping runs only while someone waits.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';

const CHANNEL = 'undici:client:sendHeaders';

interface Pending {
  sent: boolean;
}

const NOTHING = (): void => {};

export class SendTracker {
  #pending = new Map<string, Pending[]>();
  #unsent = 0;
  #waiters: Array<() => void> = [];
  #subscribed = false;
  #onSendHeaders = (message: unknown): void => {
    const path = (message as { request?: { path?: unknown } } | undefined)?.request?.path;
    if (typeof path !== 'string') return;
    const first = this.#pending.get(path)?.find((p) => !p.sent);
    if (first) this.#settle(path, first);
  };

  /**
   * Resolves the next time every tracked request has been sent (or has failed
   * before it could be), after at least one was started. Never resolves if no
   * request starts: callers keep a fallback.
   */
  whenAllSent(): Promise<void> {
    if (!this.#subscribed) {
      subscribe(CHANNEL, this.#onSendHeaders);
      this.#subscribed = true;
    }
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Call as a request is handed to undici; call what it returns once the request has settled either way. */
  start(path: string): () => void {
    if (this.#waiters.length === 0) return NOTHING;
    const entry: Pending = { sent: false };
    const list = this.#pending.get(path);
    if (list) list.push(entry);
    else this.#pending.set(path, [entry]);
    this.#unsent++;
    return () => this.#settle(path, entry);
  }

  /** Drops the waiters and the channel subscription (the client is closing). */
  dispose(): void {
    this.#waiters = [];
    this.#pending.clear();
    this.#unsent = 0;
    this.#unsubscribe();
  }

  #settle(path: string, entry: Pending): void {
    if (entry.sent) return;
    entry.sent = true;
    const list = this.#pending.get(path) ?? [];
    list.splice(list.indexOf(entry), 1);
    if (list.length === 0) this.#pending.delete(path);
    this.#unsent--;
    if (this.#unsent > 0) return;
    const waiters = this.#waiters;
    this.#waiters = [];
    this.#unsubscribe();
    for (const resolve of waiters) resolve();
  }

  #unsubscribe(): void {
    if (!this.#subscribed) return;
    unsubscribe(CHANNEL, this.#onSendHeaders);
    this.#subscribed = false;
  }
}
