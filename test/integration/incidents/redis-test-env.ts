/** Real Redis for the incident and webhook tests: a unique key prefix per test, removed afterwards. */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { createRedisConnection } from '../../../src/redis/create-redis-connection.ts';

export const TEST_REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

/** "{bftest-1a2b3c4d}": a hash-tagged prefix no other test uses. */
export function testPrefix(): string {
  return `{bftest-${randomUUID().slice(0, 12)}}`;
}

export async function connectTestRedis(name = 'buildfix-test'): Promise<Redis> {
  const redis = createRedisConnection(TEST_REDIS_URL, { role: 'producer', name });
  const deadline = Date.now() + 5000;
  while (redis.status !== 'ready') {
    if (Date.now() > deadline) {
      redis.disconnect();
      throw new Error(`Redis at ${TEST_REDIS_URL} is not reachable (the tests need a real Redis)`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return redis;
}

/** Every key under the prefix (SCAN, never KEYS). */
export async function keysUnder(redis: Redis, prefix: string): Promise<string[]> {
  const out: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    out.push(...keys);
  } while (cursor !== '0');
  return out.sort();
}

export async function deleteUnder(redis: Redis, prefix: string): Promise<void> {
  const keys = await keysUnder(redis, prefix);
  for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
}
