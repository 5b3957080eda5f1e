/**
 * Picks the incident store for this process: Redis when a connection is
 * given (REDIS_URL), else memory, with the notice to show once at start.
 */
import type { Redis } from 'ioredis';
import { DEFAULT_KEY_PREFIX } from '../redis/key-prefix.ts';
import { MEMORY_INCIDENTS_NOTICE, type IncidentStore } from './incident-store.ts';
import { MemoryIncidentStore } from './memory-incident-store.ts';
import { RedisIncidentStore } from './redis-incident-store.ts';

export interface CreateIncidentStoreOptions {
  /** A "producer" connection (src/redis/create-redis-connection.ts); the caller closes it. */
  redis?: Redis;
  /** normalizeKeyPrefix(REDIS_PREFIX); defaults to "{buildfix}". */
  prefix?: string;
  now?: () => Date;
}

export interface CreatedIncidentStore {
  store: IncidentStore;
  /** Say this at start when set (memory mode). */
  notice?: string;
}

export function createIncidentStore(options: CreateIncidentStoreOptions): CreatedIncidentStore {
  const clock = options.now ? { now: options.now } : {};
  if (options.redis) return { store: new RedisIncidentStore({ redis: options.redis, prefix: options.prefix ?? DEFAULT_KEY_PREFIX, ...clock }) };
  return { store: new MemoryIncidentStore(clock), notice: MEMORY_INCIDENTS_NOTICE };
}
