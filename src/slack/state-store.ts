/**
 * What the Slack front must share between `serve` replicas behind one load
 * balancer, so nothing that matters lives in one process's memory:
 * - claims: "this delivery / this click / this result was handled" (SET NX
 *   with a TTL), which deduplicates Slack's redeliveries and double clicks
 *   and makes every result post exactly-once;
 * - pending replies: which job's result belongs in which thread, owned by a
 *   replica that renews a lease; when a replica dies, another one adopts its
 *   jobs and posts their results;
 * - work in flight: "replica X is posting this now", so a replica that starts
 *   meanwhile waits for X instead of doing it too, and takes over only when
 *   X's lease lapses.
 * Redis when REDIS_URL is set; in memory otherwise (one process, no replicas).
 */
import type { Redis } from 'ioredis';
import type { Logger } from '../logger.ts';
import { closeRedisConnection, createRedisConnection } from '../redis/create-redis-connection.ts';

export interface PendingReply {
  jobId: string;
  channel: string;
  /** The thread the result goes in. */
  threadTs: string;
  /** The status message to edit. */
  statusTs: string;
  /** The command as typed (re-parsed to render the result). */
  commandText: string;
  title: string;
  requestedBy?: string;
  /** The replica that follows the job. */
  owner: string;
  /** When it was recorded (ms). */
  at: number;
}

/** One reply per job and thread: two threads following one deduplicated job each get the result. */
export function replyKey(r: Pick<PendingReply, 'jobId' | 'channel' | 'threadTs'>): string {
  return `${r.jobId}|${r.channel}|${r.threadTs}`;
}

export interface SlackStateStore {
  readonly kind: 'redis' | 'memory';
  /** True for the first caller with this key within ttl; false for every later one. */
  claim(key: string, ttlSeconds: number): Promise<boolean>;
  trackReply(reply: PendingReply): Promise<void>;
  /** Forgets a pending reply by replyKey(). */
  finishReply(key: string): Promise<void>;
  /** Pending replies whose owner's lease has expired (the owner died). */
  orphans(limit: number): Promise<PendingReply[]>;
  /** Takes over an orphan; false when another replica was first or the owner is alive. */
  adopt(reply: PendingReply, owner: string): Promise<boolean>;
  renewLease(owner: string, ttlMs: number): Promise<void>;
  releaseLease(owner: string): Promise<void>;
  /**
   * Takes the work named `key` for replica `owner` (until cleared, at most ttl): true when nobody held it or its
   * holder's lease has lapsed (it died); false while a live replica holds it, `owner` itself included.
   */
  takeInFlight(key: string, owner: string, ttlSeconds: number): Promise<boolean>;
  /** The replica doing that work while its lease is current; undefined when nobody is, or when its owner died. */
  inFlightOwner(key: string): Promise<string | undefined>;
  /** Forgets the mark, if `owner` still holds it. */
  clearInFlight(key: string, owner: string): Promise<void>;
  close(): Promise<void>;
}

/** Pending replies older than this are dropped (outcomes are kept 24 h). */
const PENDING_MAX_AGE_MS = 24 * 3600 * 1000;

export class MemoryStateStore implements SlackStateStore {
  readonly kind = 'memory' as const;
  #claims = new Map<string, number>();
  #inFlight = new Map<string, { owner: string; until: number }>();
  #pending = new Map<string, PendingReply>();
  #leases = new Map<string, number>();

  async claim(key: string, ttlSeconds: number): Promise<boolean> {
    const now = Date.now();
    const until = this.#claims.get(key);
    if (until !== undefined && until > now) return false;
    this.#claims.set(key, now + ttlSeconds * 1000);
    if (this.#claims.size > 50_000) for (const [k, t] of this.#claims) if (t <= now) this.#claims.delete(k);
    return true;
  }

  async trackReply(reply: PendingReply): Promise<void> {
    this.#pending.set(replyKey(reply), reply);
  }

  async finishReply(key: string): Promise<void> {
    this.#pending.delete(key);
  }

  async orphans(limit: number): Promise<PendingReply[]> {
    const now = Date.now();
    return [...this.#pending.values()].filter((r) => (this.#leases.get(r.owner) ?? 0) <= now && now - r.at < PENDING_MAX_AGE_MS).slice(0, limit);
  }

  async adopt(reply: PendingReply, owner: string): Promise<boolean> {
    const current = this.#pending.get(replyKey(reply));
    if (!current || current.owner !== reply.owner || (this.#leases.get(reply.owner) ?? 0) > Date.now()) return false;
    this.#pending.set(replyKey(reply), { ...current, owner });
    return true;
  }

  async renewLease(owner: string, ttlMs: number): Promise<void> {
    this.#leases.set(owner, Date.now() + ttlMs);
  }

  async releaseLease(owner: string): Promise<void> {
    this.#leases.delete(owner);
  }

  // One process, no replicas: the owner of a mark is this process, alive while the mark lasts.
  async takeInFlight(key: string, owner: string, ttlSeconds: number): Promise<boolean> {
    if ((await this.inFlightOwner(key)) !== undefined) return false;
    this.#inFlight.set(key, { owner, until: Date.now() + ttlSeconds * 1000 });
    return true;
  }

  async inFlightOwner(key: string): Promise<string | undefined> {
    const mark = this.#inFlight.get(key);
    return mark && mark.until > Date.now() ? mark.owner : undefined;
  }

  async clearInFlight(key: string, owner: string): Promise<void> {
    if (this.#inFlight.get(key)?.owner === owner) this.#inFlight.delete(key);
  }

  async close(): Promise<void> {}
}

// Moves a pending reply to a new owner only if its owner is still the one we saw and its lease is gone.
const ADOPT_SCRIPT = `
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if not cur then return 0 end
local rec = cjson.decode(cur)
if rec.owner ~= ARGV[2] then return 0 end
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
return 1
`;

// Sets a work-in-flight mark to ARGV[2] only if it still holds ARGV[1] ('' = absent).
const TAKE_IN_FLIGHT_SCRIPT = `
local cur = redis.call('GET', KEYS[1])
if (cur or '') ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'EX', tonumber(ARGV[3]))
return 1
`;

// Deletes a work-in-flight mark only if the given replica still holds it.
const CLEAR_IN_FLIGHT_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

export interface RedisStateStoreOptions {
  redisUrl: string;
  /** The buildfix key prefix with its hash tag (normalizeKeyPrefix), so every key shares one cluster slot. */
  prefix: string;
  logger: Logger;
}

export class RedisStateStore implements SlackStateStore {
  readonly kind = 'redis' as const;
  readonly redis: Redis;
  readonly #prefix: string;
  readonly #logger: Logger;

  constructor(options: RedisStateStoreOptions) {
    this.#prefix = `${options.prefix}:slack`;
    this.#logger = options.logger.child({ component: 'slack-state' });
    let lastLogged = 0;
    this.redis = createRedisConnection(options.redisUrl, {
      role: 'producer',
      name: 'buildfix-slack',
      onError: (err) => {
        if (Date.now() - lastLogged < 10_000) return;
        lastLogged = Date.now();
        this.#logger.warn({ err: { message: err.message } }, 'Redis connection problem (Slack state)');
      },
    });
  }

  // The producer connection has no offline queue: wait (briefly) for it instead of failing the first commands.
  async #ready(timeoutMs = 2000): Promise<void> {
    if (this.redis.status === 'ready') return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.redis.off('ready', done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.redis.once('ready', done);
    });
  }

  key(...parts: string[]): string {
    return [this.#prefix, ...parts].join(':');
  }

  /**
   * When Redis cannot answer, the claim is granted (and logged): handling a
   * delivery twice is better than dropping someone's command in silence.
   */
  async claim(key: string, ttlSeconds: number): Promise<boolean> {
    try {
      await this.#ready();
      return (await this.redis.set(this.key('claim', key), '1', 'EX', Math.max(1, Math.round(ttlSeconds)), 'NX')) === 'OK';
    } catch (err) {
      this.#logger.warn({ err, key }, 'Redis claim failed; handling the delivery anyway');
      return true;
    }
  }

  async trackReply(reply: PendingReply): Promise<void> {
    try {
      await this.#ready();
      await this.redis.hset(this.key('pending'), replyKey(reply), JSON.stringify(reply));
    } catch (err) {
      this.#logger.warn({ err, jobId: reply.jobId }, 'could not record the pending reply; another replica cannot take it over');
    }
  }

  async finishReply(key: string): Promise<void> {
    await this.#ready();
    await this.redis.hdel(this.key('pending'), key).catch(() => undefined);
  }

  async orphans(limit: number): Promise<PendingReply[]> {
    await this.#ready();
    const out: PendingReply[] = [];
    const now = Date.now();
    let cursor = '0';
    do {
      const [next, flat] = await this.redis.hscan(this.key('pending'), cursor, 'COUNT', 200);
      cursor = next;
      const records: PendingReply[] = [];
      for (let i = 1; i < flat.length; i += 2) {
        try {
          records.push(JSON.parse(flat[i] ?? '') as PendingReply);
        } catch {
          await this.redis.hdel(this.key('pending'), flat[i - 1] ?? '');
        }
      }
      const owners = [...new Set(records.map((r) => r.owner))];
      const alive = owners.length ? await this.redis.mget(...owners.map((o) => this.key('replica', o))) : [];
      const aliveSet = new Set(owners.filter((_, i) => alive[i] !== null));
      for (const r of records) {
        if (now - r.at > PENDING_MAX_AGE_MS) await this.redis.hdel(this.key('pending'), replyKey(r));
        else if (!aliveSet.has(r.owner)) out.push(r);
        if (out.length >= limit) return out;
      }
    } while (cursor !== '0');
    return out;
  }

  async adopt(reply: PendingReply, owner: string): Promise<boolean> {
    const next = JSON.stringify({ ...reply, owner });
    const result = await this.redis.eval(ADOPT_SCRIPT, 2, this.key('pending'), this.key('replica', reply.owner), replyKey(reply), reply.owner, next);
    return result === 1;
  }

  async renewLease(owner: string, ttlMs: number): Promise<void> {
    await this.#ready();
    await this.redis.set(this.key('replica', owner), String(Date.now()), 'PX', ttlMs);
  }

  async releaseLease(owner: string): Promise<void> {
    await this.redis.del(this.key('replica', owner)).catch(() => undefined);
  }

  async takeInFlight(key: string, owner: string, ttlSeconds: number): Promise<boolean> {
    await this.#ready();
    const mark = this.key('inflight', key);
    const held = await this.redis.get(mark);
    if (held !== null && (await this.redis.exists(this.key('replica', held))) === 1) return false;
    // Set only if the mark is still what was read (another replica may have taken it meanwhile).
    const taken = await this.redis.eval(TAKE_IN_FLIGHT_SCRIPT, 1, mark, held ?? '', owner, String(Math.max(1, Math.round(ttlSeconds))));
    return taken === 1;
  }

  async inFlightOwner(key: string): Promise<string | undefined> {
    await this.#ready();
    const owner = await this.redis.get(this.key('inflight', key));
    if (owner === null) return undefined;
    return (await this.redis.exists(this.key('replica', owner))) === 1 ? owner : undefined;
  }

  async clearInFlight(key: string, owner: string): Promise<void> {
    await this.redis.eval(CLEAR_IN_FLIGHT_SCRIPT, 1, this.key('inflight', key), owner);
  }

  async close(): Promise<void> {
    await closeRedisConnection(this.redis);
  }
}
