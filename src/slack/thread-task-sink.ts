/**
 * Runs the handler side in a worker thread: the HTTP thread only verifies,
 * parses, acks and posts the task over, so a busy handler side (rendering,
 * Redis, Web API calls, in-process jobs, garbage collection of its heap)
 * cannot delay the next ack. If the thread dies it is started again; tasks
 * that arrive meanwhile wait in a bounded queue.
 */
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../logger.ts';
import { packageRoot, runningFromSources } from '../util/package-root.ts';
import type { HandlerSideOptions } from './create-handler-side.ts';
import type { SlackTask } from './slack-task.ts';
import type { TaskSink } from './task-sink.ts';

export type ThreadMessage = { type: 'task'; task: SlackTask } | { type: 'close'; graceMs: number };
type ThreadReply = { type: 'ready' } | { type: 'closed' };

const MAX_QUEUED = 1000;
// Sources run as .ts (type stripping); the build bundles the thread as its own entry point (scripts/build.ts).
function threadEntry(): string {
  return runningFromSources() ? join(packageRoot(), 'src/slack/handler-thread.ts') : join(packageRoot(), 'dist/slack/handler-thread.js');
}

export class ThreadTaskSink implements TaskSink {
  readonly #options: HandlerSideOptions;
  readonly #logger: Logger;
  #worker: Worker | undefined;
  #ready = false;
  #queue: SlackTask[] = [];
  #closing = false;
  #closed: (() => void) | undefined;

  constructor(options: HandlerSideOptions, logger: Logger) {
    this.#options = options;
    this.#logger = logger.child({ component: 'slack-thread' });
  }

  /** Starts the thread; resolves once it is ready, rejects if it fails to start (bad config). */
  start(timeoutMs = 20_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const worker = new Worker(threadEntry(), { workerData: this.#options });
      this.#worker = worker;
      const timer = setTimeout(() => reject(new Error(`the Slack handler thread did not start within ${timeoutMs} ms`)), timeoutMs);
      worker.on('message', (m: ThreadReply) => {
        if (m.type === 'ready') {
          clearTimeout(timer);
          this.#ready = true;
          for (const task of this.#queue.splice(0)) worker.postMessage({ type: 'task', task } satisfies ThreadMessage);
          resolve();
        } else if (m.type === 'closed') this.#closed?.();
      });
      worker.on('error', (err) => {
        clearTimeout(timer);
        this.#logger.error({ err }, 'Slack handler thread failed');
        if (!this.#ready) reject(err);
      });
      worker.on('exit', (code) => {
        const wasReady = this.#ready;
        this.#ready = false;
        this.#worker = undefined;
        this.#closed?.();
        if (this.#closing || !wasReady) return;
        this.#logger.error({ code }, 'Slack handler thread exited; starting it again');
        setTimeout(() => void this.start().catch((err: unknown) => this.#logger.error({ err }, 'Slack handler thread did not restart')), 1000).unref();
      });
    });
  }

  handle(task: SlackTask): void {
    if (this.#ready && this.#worker) {
      this.#worker.postMessage({ type: 'task', task } satisfies ThreadMessage);
      return;
    }
    if (this.#queue.length >= MAX_QUEUED) {
      this.#logger.warn({ kind: task.kind }, 'Slack handler thread unavailable and its queue is full; task dropped');
      return;
    }
    this.#queue.push(task);
  }

  async close(graceMs: number): Promise<void> {
    this.#closing = true;
    const worker = this.#worker;
    if (!worker) return;
    const done = new Promise<void>((resolve) => {
      this.#closed = resolve;
    });
    worker.postMessage({ type: 'close', graceMs } satisfies ThreadMessage);
    const timer = setTimeout(() => void worker.terminate(), graceMs + 8000);
    await done;
    clearTimeout(timer);
    await worker.terminate();
  }
}
