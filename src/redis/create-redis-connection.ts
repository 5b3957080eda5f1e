/**
 * The one place buildfix creates ioredis clients. Roles differ in how they
 * behave while Redis is away:
 * - "blocking": workers, event readers and the worker's publisher. Commands
 *   wait for the reconnect (`maxRetriesPerRequest: null`, as BullMQ requires)
 *   so a Redis restart delays work instead of losing it.
 * - "producer": the chat side submitting jobs. Fails fast (no offline queue,
 *   one retry) so a user hears "Redis is unreachable" at once, not a hang.
 */
import { Redis, type RedisOptions } from 'ioredis';
import { redisOptionsFromUrl } from './redis-options.ts';

export type RedisRole = 'blocking' | 'producer';

export interface CreateRedisConnectionOptions {
  role: RedisRole;
  /** CLIENT SETNAME, shown by `redis-cli client list`. */
  name?: string;
  /** Called for connection errors (ioredis emits them on every failed reconnect). */
  onError?: (err: Error) => void;
  /** Give up connecting after this long per attempt (default 5 s). */
  connectTimeoutMs?: number;
}

// Reconnect quickly at first, then every 2 s at most, forever.
function retryDelay(times: number): number {
  return Math.min(100 * 2 ** Math.min(times, 5), 2000);
}

export function redisConnectionOptions(url: string, options: CreateRedisConnectionOptions): RedisOptions {
  const base = redisOptionsFromUrl(url);
  const common: RedisOptions = {
    ...base,
    connectTimeout: options.connectTimeoutMs ?? 5000,
    retryStrategy: retryDelay,
    ...(options.name ? { connectionName: options.name } : {}),
  };
  if (options.role === 'blocking') {
    return { ...common, maxRetriesPerRequest: null, enableOfflineQueue: true, enableReadyCheck: true };
  }
  return { ...common, maxRetriesPerRequest: 1, enableOfflineQueue: false, enableReadyCheck: true };
}

export function createRedisConnection(url: string, options: CreateRedisConnectionOptions): Redis {
  const client = new Redis(redisConnectionOptions(url, options));
  // An ioredis client without an 'error' listener crashes the process on the first refused reconnect.
  client.on('error', options.onError ?? (() => {}));
  return client;
}

/** Closes a client politely (QUIT) when connected, else drops it at once. */
export async function closeRedisConnection(client: Redis): Promise<void> {
  if (client.status === 'end') return;
  if (client.status === 'ready') {
    try {
      await Promise.race([client.quit(), new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
    } catch {
      // fall through to disconnect
    }
  }
  client.disconnect(false);
}
