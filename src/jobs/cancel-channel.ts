/**
 * Cancel requests for jobs on BullMQ workers: a dispatcher publishes
 * {jobId, by} on the prefix's cancel channel (Redis pub/sub, nothing stored);
 * every worker subscribes on a connection of its own and aborts the job if
 * it is running it. A request for a job no worker runs is simply dropped.
 */
import type { Redis } from 'ioredis';
import * as z from 'zod';
import type { BuildfixKeys } from './queue-names.ts';

const CancelRequestSchema = z.object({ jobId: z.string().min(1).max(200), by: z.string().max(200) });
export type CancelRequest = z.infer<typeof CancelRequestSchema>;

/** Publishes a cancel request; resolves with how many workers heard it. */
export function publishCancel(redis: Redis, keys: BuildfixKeys, request: CancelRequest): Promise<number> {
  return redis.publish(keys.cancel, JSON.stringify(request));
}

/** A message from the cancel channel, or undefined when it is not a cancel request. */
export function parseCancelRequest(message: string): CancelRequest | undefined {
  try {
    const parsed = CancelRequestSchema.safeParse(JSON.parse(message));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Subscribes `subscriber` (a connection used for nothing else; ioredis
 * re-subscribes after a reconnect) and calls onCancel for every request.
 * Resolves once subscribed.
 */
export async function listenForCancels(subscriber: Redis, keys: BuildfixKeys, onCancel: (request: CancelRequest) => void): Promise<void> {
  subscriber.on('message', (channel: string, message: string) => {
    if (channel !== keys.cancel) return;
    const request = parseCancelRequest(message);
    if (request) onCancel(request);
  });
  await subscriber.subscribe(keys.cancel);
}
