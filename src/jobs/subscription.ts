/**
 * One subscriber's view of one job: progress events until the outcome, the
 * outcome exactly once (whichever source delivers it first), then silence.
 */
import type { JobListener, Subscription } from './dispatcher.ts';
import type { JobOutcome, JobProgress } from './job-types.ts';

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
