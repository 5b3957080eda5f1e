/** Picks the dispatcher: BullMQ when REDIS_URL is set, in-process otherwise. */
import { MemoryEnvHistory } from '../changes/env-history.ts';
import type { Config } from '../config/load-config.ts';
import type { Logger } from '../logger.ts';
import { normalizeKeyPrefix } from '../redis/key-prefix.ts';
import { BullmqDispatcher } from './bullmq-dispatcher.ts';
import type { Dispatcher } from './dispatcher.ts';
import { InProcessDispatcher } from './in-process-dispatcher.ts';

export interface CreateDispatcherOptions {
  /** In-process only: jobs at once (default 4). */
  concurrency?: number;
}

/** One history per process: a handler's own dispatcher (openJobs) sees the same snapshots. */
const embeddedEnvHistory = new MemoryEnvHistory();

export function createDispatcher(config: Config, logger: Logger, options: CreateDispatcherOptions = {}): Dispatcher {
  const url = config.env.REDIS_URL;
  if (url) return new BullmqDispatcher({ config, logger, redisUrl: url, prefix: normalizeKeyPrefix(config.env.REDIS_PREFIX) });
  // A handler that hands a step to another worker gets a dispatcher of its own (restart-agent).
  const openJobs = (): Dispatcher => createDispatcher(config, logger);
  return new InProcessDispatcher({
    config,
    logger,
    openJobs,
    // The embedded mode keeps this host's environment history in memory (a snapshot at each job).
    envHistory: embeddedEnvHistory,
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
  });
}
