/**
 * A router plugin that feeds job durations into the metrics: every job
 * outcome the chat side receives is observed once, in the process (or
 * thread) that waited for it; thread-side calls reach the registry through
 * the relay in metrics.ts.
 */
import type { RouterPlugin } from '../chat/router-plugin.ts';
import { metrics } from './metrics.ts';

export function metricsRouterPlugin(): RouterPlugin {
  return {
    observer: {
      onJobOutcome(_command, outcome) {
        metrics.jobOutcome(outcome);
      },
    },
  };
}
