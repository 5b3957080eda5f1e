/**
 * A queue of async tasks with at most `limit` running; tasks may add more
 * tasks. `idle()` resolves once nothing runs and nothing waits. A task's
 * rejection is kept and rethrown by idle() (tasks should handle their own
 * expected failures).
 */
export class WorkQueue {
  readonly #limit: number;
  readonly #waiting: Array<() => Promise<void>> = [];
  #running = 0;
  #error: unknown = undefined;
  #idle: Array<() => void> = [];

  constructor(limit: number) {
    this.#limit = Math.max(1, limit);
  }

  add(task: () => Promise<void>): void {
    this.#waiting.push(task);
    this.#pump();
  }

  #pump(): void {
    while (this.#running < this.#limit && this.#waiting.length > 0) {
      const task = this.#waiting.shift() as () => Promise<void>;
      this.#running++;
      task()
        .catch((err: unknown) => {
          this.#error ??= err;
        })
        .finally(() => {
          this.#running--;
          this.#pump();
        });
    }
    if (this.#running === 0 && this.#waiting.length === 0) {
      const waiters = this.#idle;
      this.#idle = [];
      for (const w of waiters) w();
    }
  }

  async idle(): Promise<void> {
    if (this.#running > 0 || this.#waiting.length > 0) await new Promise<void>((resolve) => this.#idle.push(resolve));
    if (this.#error !== undefined) {
      const err = this.#error;
      this.#error = undefined;
      throw err;
    }
  }
}
