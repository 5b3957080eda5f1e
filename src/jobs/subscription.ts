/**
 * One subscriber's view of one job: progress events until the outcome, the
 * outcome exactly once (whichever source delivers it first), then silence.
 */
import { BuildfixError } from '../errors.ts';
import type { Dispatcher, JobListener, Subscription } from './dispatcher.ts';
import type { JobFailure, JobOutcome, JobProgress } from './job-types.ts';
import { parseJobId } from './queue-names.ts';

export interface SubscriptionControl {
  readonly done: boolean;
  deliverProgress(event: JobProgress): void;
  deliverOutcome(outcome: JobOutcome): void;
  fail(err: unknown): void;
}

export function createSubscription(listener: JobListener, onEnd: () => void): { subscription: Subscription; control: SubscriptionControl } {
  let done = false;
  let resolveOutcome: (o: JobOutcome) => void = () => {};
  let rejectOutcome: (err: unknown) => void = () => {};
  const outcome = new Promise<JobOutcome>((resolve, reject) => {
    resolveOutcome = resolve;
    rejectOutcome = reject;
  });
  // Nobody has to await `outcome`; a rejection on close must not crash the process.
  outcome.catch(() => {});
  const end = (): void => {
    if (done) return;
    done = true;
    onEnd();
  };
  const control: SubscriptionControl = {
    get done() {
      return done;
    },
    deliverProgress(event) {
      if (done) return;
      try {
        listener.onProgress?.(event);
      } catch {
        // a listener's bug must not stop other listeners or the dispatcher
      }
    },
    deliverOutcome(o) {
      if (done) return;
      end();
      try {
        listener.onOutcome?.(o);
      } catch {
        // see above
      }
      resolveOutcome(o);
    },
    fail(err) {
      if (done) return;
      end();
      rejectOutcome(err);
    },
  };
  return { subscription: { outcome, unsubscribe: end }, control };
}

/** The outcome for an id nobody knows (never submitted here, or already forgotten). */
export function lostOutcome(jobId: string, message?: string): JobFailure {
  return {
    ok: false,
    jobId,
    name: parseJobId(jobId)?.name ?? jobId,
    error: { code: 'BF_JOB_LOST', message: message ?? `no job "${jobId}" is known here (finished in-process jobs are kept only while the process runs)` },
    durationMs: 0,
    attempts: 0,
    steps: [],
    finishedAt: new Date().toISOString(),
  };
}

/** waitFor on top of subscribe, shared by both dispatchers. */
export function waitForOutcome(
  dispatcher: Pick<Dispatcher, 'subscribe'>,
  jobId: string,
  options: { timeoutMs?: number; onProgress?: (event: JobProgress) => void },
): Promise<JobOutcome> {
  const sub = dispatcher.subscribe(jobId, options.onProgress ? { onProgress: options.onProgress } : {});
  if (options.timeoutMs === undefined) return sub.outcome;
  const timeoutMs = options.timeoutMs;
  return new Promise<JobOutcome>((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.unsubscribe();
      reject(new BuildfixError('BF_TIMEOUT', `no outcome for job ${jobId} after ${timeoutMs} ms (it may still be queued: is a worker for its host running?)`));
    }, timeoutMs);
    sub.outcome.then(
      (o) => {
        clearTimeout(timer);
        resolve(o);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}
