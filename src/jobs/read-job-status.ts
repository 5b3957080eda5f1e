/**
 * `status` for the BullMQ mode: live workers from their heartbeats and the
 * depth of every queue that matters (the any-host queue, each live worker's
 * host queue and each configured agent's).
 */
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { describeRedisUrl } from '../redis/redis-options.ts';
import type { JobSystemStatus, QueueDepth } from './job-types.ts';
import { ANY_QUEUE, buildfixKeys, hostOfQueue, hostQueueName } from './queue-names.ts';
import { listLiveWorkers } from './worker-registry.ts';

export interface ReadJobStatusOptions {
  redis: Redis;
  redisUrl: string;
  prefix: string;
  /** A Queue object for a queue name (cached by the caller). */
  queue(name: string): Queue;
  /** Hosts whose queues are reported even without a live worker (configured agents). */
  knownHosts: readonly string[];
}

export async function queueDepth(queue: Queue): Promise<QueueDepth> {
  const c = await queue.getJobCounts('wait', 'prioritized', 'active', 'delayed', 'failed', 'completed');
  return {
    queue: queue.name,
    host: hostOfQueue(queue.name),
    waiting: (c.wait ?? 0) + (c.prioritized ?? 0),
    active: c.active ?? 0,
    delayed: c.delayed ?? 0,
    failed: c.failed ?? 0,
    completed: c.completed ?? 0,
  };
}

export async function readJobStatus(options: ReadJobStatusOptions): Promise<JobSystemStatus> {
  const workers = await listLiveWorkers(options.redis, buildfixKeys(options.prefix));
  const names = new Set<string>([ANY_QUEUE]);
  for (const w of workers) for (const q of w.queues) names.add(q);
  for (const h of options.knownHosts) {
    try {
      names.add(hostQueueName(h));
    } catch {
      // a configured agent name that is not a routing name has no queue
    }
  }
  const sorted = [...names].sort((a, b) => (a === ANY_QUEUE ? -1 : b === ANY_QUEUE ? 1 : a.localeCompare(b)));
  const queues = await Promise.all(sorted.map((n) => queueDepth(options.queue(n))));
  return { mode: 'bullmq', redis: { url: describeRedisUrl(options.redisUrl), prefix: options.prefix }, workers, queues };
}
