/**
 * Remembers deliveries for a day so a retried or re-sent delivery never acts
 * twice. A delivery is claimed under all of its keys at once (its delivery id
 * when the sender gives one, and always the canonical event hash): if any key
 * was seen, it is a duplicate. Redis: one Lua script doing EXISTS then
 * SET … EX on every key (SET NX EX semantics over several keys, atomic).
 * If acting on a claimed delivery fails, the claim is released so the
 * sender's retry is not mistaken for a duplicate.
 *
 *   <prefix>:webhooks:seen:<source>:delivery:<id>    "1", EX 24 h
 *   <prefix>:webhooks:seen:<source>:event:<sha256>   "1", EX 24 h
 */
import type { Redis } from 'ioredis';
import { LuaScript } from '../redis/lua-script.ts';
import { sha256Hex, type CiEvent } from './ci-event.ts';
import { MAX_DELIVERY_ID_LENGTH } from './webhook-limits.ts';

export interface DeliveryDedup {
  readonly kind: 'redis' | 'memory';
  /** true: the keys were new and are now claimed; false: a duplicate. */
  claim(keys: readonly string[], ttlSeconds: number): Promise<boolean>;
  release(keys: readonly string[]): Promise<void>;
}

/** Key suffixes (without prefix) for an event: delivery id first, then the event hash. */
export function dedupKeysFor(event: CiEvent): string[] {
  const keys: string[] = [];
  if (event.deliveryId) {
    const id =
      event.deliveryId.length <= MAX_DELIVERY_ID_LENGTH && /^[\x21-\x7e]+$/.test(event.deliveryId) ? event.deliveryId : `sha256-${sha256Hex(event.deliveryId)}`;
    keys.push(`${event.source}:delivery:${id}`);
  }
  keys.push(`${event.source}:event:${event.eventKey}`);
  return keys;
}

const CLAIM_SCRIPT = new LuaScript(`
for i = 1, #KEYS do
  if redis.call('EXISTS', KEYS[i]) == 1 then return 0 end
end
for i = 1, #KEYS do redis.call('SET', KEYS[i], '1', 'EX', ARGV[1]) end
return 1
`);

export class RedisDeliveryDedup implements DeliveryDedup {
  readonly kind = 'redis' as const;
  private readonly redis: Redis;
  private readonly base: string;

  constructor(options: { redis: Redis; prefix: string }) {
    this.redis = options.redis;
    this.base = `${options.prefix}:webhooks:seen:`;
  }

  async claim(keys: readonly string[], ttlSeconds: number): Promise<boolean> {
    const full = keys.map((k) => this.base + k);
    if (full.length === 1) return (await this.redis.set(full[0] as string, '1', 'EX', ttlSeconds, 'NX')) === 'OK';
    return (await CLAIM_SCRIPT.run(this.redis, full, [ttlSeconds])) === 1;
  }

  async release(keys: readonly string[]): Promise<void> {
    if (keys.length > 0) await this.redis.del(...keys.map((k) => this.base + k));
  }
}

/** In-process mode: the same rule in a Map, with expired entries swept as it grows. */
export class MemoryDeliveryDedup implements DeliveryDedup {
  readonly kind = 'memory' as const;
  private readonly seen = new Map<string, number>();
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(options: { maxEntries?: number; now?: () => number } = {}) {
    this.maxEntries = options.maxEntries ?? 100_000;
    this.now = options.now ?? Date.now;
  }

  async claim(keys: readonly string[], ttlSeconds: number): Promise<boolean> {
    const now = this.now();
    for (const key of keys) {
      const until = this.seen.get(key);
      if (until !== undefined && until > now) return false;
    }
    for (const key of keys) {
      this.seen.delete(key);
      this.seen.set(key, now + ttlSeconds * 1000);
    }
    if (this.seen.size > this.maxEntries) this.sweep(now);
    return true;
  }

  async release(keys: readonly string[]): Promise<void> {
    for (const key of keys) this.seen.delete(key);
  }

  // Expired first; if still full, the oldest claims go (Map keeps insertion order).
  private sweep(now: number): void {
    for (const [key, until] of this.seen) if (until <= now) this.seen.delete(key);
    for (const key of this.seen.keys()) {
      if (this.seen.size <= this.maxEntries) break;
      this.seen.delete(key);
    }
  }
}
