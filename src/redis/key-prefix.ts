/**
 * The key prefix every buildfix Redis key starts with (BullMQ's `prefix`
 * option and our own registry/event keys). It always carries a Redis Cluster
 * hash tag — `{buildfix}` by default — so every key of every buildfix queue
 * hashes to one slot and BullMQ's multi-key Lua scripts work on a cluster.
 */
import { ConfigError } from '../errors.ts';

export const DEFAULT_KEY_PREFIX = '{buildfix}';

const PLAIN = /^[A-Za-z0-9._-]{1,64}$/;
const TAGGED = /^[A-Za-z0-9._:-]*\{[A-Za-z0-9._-]{1,64}\}[A-Za-z0-9._:-]*$/;

/** "team-a" → "{team-a}"; a prefix that already has a hash tag is kept. */
export function normalizeKeyPrefix(raw: string | undefined): string {
  const value = raw?.trim();
  if (!value) return DEFAULT_KEY_PREFIX;
  if (TAGGED.test(value) && value.length <= 80) return value;
  if (PLAIN.test(value)) return `{${value}}`;
  throw new ConfigError([
    `REDIS_PREFIX: "${value}" is not a usable key prefix: use letters, digits, . _ - (it is wrapped in a {hash tag} for Redis Cluster), or give one explicit {tag}`,
  ]);
}

/** The hash tag inside a prefix: "{buildfix}" → "buildfix". */
export function hashTagOf(prefix: string): string | undefined {
  return /\{([^{}]+)\}/.exec(prefix)?.[1];
}
