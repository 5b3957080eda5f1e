/**
 * Posts buildfix gave up on: kept so `buildfix status` (and anyone reading
 * Redis) sees what Slack never showed, next to the error log line and the
 * buildfix_slack_posts_failed_total counter. Redis when REDIS_URL is set (a
 * capped list under the key prefix, newest first, kept 30 days); a file on the
 * machine otherwise (undelivered-file.ts); in memory for tests and fallbacks.
 */
import type { Redis } from 'ioredis';

export interface UndeliveredPost {
  /** ISO time buildfix gave up. */
  at: string;
  channel: string;
  /** What it was, for a person: "alert of incident #12", "pre-flight alert for payments/go-proxy". */
  what: string;
  /** Slack's error code or the transient failure's name (slackFailureReason). */
  reason: string;
  /** true: Slack's answer means retrying cannot help; false: transient failures until the retry bound. */
  permanent: boolean;
  /** What a person must do (postFailureAction). */
  action: string;
  attempts: number;
  incident?: number;
  /** The start of the message's fallback text (already masked by the time it gets here). */
  text: string;
}

export interface UndeliveredLog {
  record(post: UndeliveredPost): Promise<void>;
  /** Newest first. */
  recent(limit?: number): Promise<UndeliveredPost[]>;
}

/** Entries kept (the newest). */
export const UNDELIVERED_KEEP = 200;
const TTL_SECONDS = 30 * 86_400;

export function undeliveredKey(prefix: string): string {
  return `${prefix}:slack:undelivered`;
}

function parse(raw: string): UndeliveredPost | undefined {
  try {
    const v = JSON.parse(raw) as Partial<UndeliveredPost>;
    return typeof v.at === 'string' && typeof v.channel === 'string' && typeof v.reason === 'string' ? (v as UndeliveredPost) : undefined;
  } catch {
    return undefined;
  }
}

export class RedisUndeliveredLog implements UndeliveredLog {
  readonly #redis: Redis;
  readonly #key: string;
  constructor(redis: Redis, prefix: string) {
    this.#redis = redis;
    this.#key = undeliveredKey(prefix);
  }

  async record(post: UndeliveredPost): Promise<void> {
    await this.#redis
      .multi()
      .lpush(this.#key, JSON.stringify(post))
      .ltrim(this.#key, 0, UNDELIVERED_KEEP - 1)
      .expire(this.#key, TTL_SECONDS)
      .exec();
  }

  async recent(limit = 20): Promise<UndeliveredPost[]> {
    const rows = await this.#redis.lrange(this.#key, 0, Math.max(0, limit - 1));
    return rows.map(parse).filter((p): p is UndeliveredPost => p !== undefined);
  }
}

export class MemoryUndeliveredLog implements UndeliveredLog {
  readonly #posts: UndeliveredPost[] = [];
  record(post: UndeliveredPost): Promise<void> {
    this.#posts.unshift(post);
    this.#posts.length = Math.min(this.#posts.length, UNDELIVERED_KEEP);
    return Promise.resolve();
  }
  recent(limit = 20): Promise<UndeliveredPost[]> {
    return Promise.resolve(this.#posts.slice(0, limit));
  }
}

/** Lines for `buildfix status`: one per undelivered post, newest first. */
export function undeliveredStatusLines(posts: readonly UndeliveredPost[], now = Date.now()): string[] {
  return posts.map((p) => {
    const min = Math.max(0, Math.round((now - Date.parse(p.at)) / 60_000));
    const age = min < 60 ? `${min} min ago` : min < 2880 ? `${Math.round(min / 60)} h ago` : `${Math.round(min / 1440)} d ago`;
    return `  ! ${age}: ${p.what} to ${p.channel} not delivered: ${p.reason}${p.permanent ? '' : ` (gave up after ${p.attempts} attempts)`} — ${p.action}`;
  });
}
