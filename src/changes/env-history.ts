/**
 * Each agent's Go/proxy environment across time: workers record a snapshot
 * (go version, the go/proxy variables masked, git insteadOf rewrites, netrc
 * presence — never a secret) at each job and on a schedule. Only changes are
 * kept: a snapshot equal to the newest one moves its lastSeen forward, a
 * different one starts a new entry. At most ENV_HISTORY_KEEP entries per
 * agent, newest first; in Redis (one list per agent, updated by one Lua
 * script so two jobs of one worker cannot interleave) or in memory for the
 * embedded mode.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { EnvironmentSnapshot } from '../checks/host-check.ts';
import { LuaScript } from '../redis/lua-script.ts';

/** Entries kept per agent (changes, not samples). */
export const ENV_HISTORY_KEEP = 50;
/** An agent not seen for this long loses its history (Redis key TTL). */
const TTL_MS = 90 * 24 * 3600_000;

/** What is compared across time: the snapshot without its host. */
export type EnvFacts = Omit<EnvironmentSnapshot, 'host'>;

export interface EnvHistoryEntry {
  /** When this environment was first recorded (ISO). */
  since: string;
  /** When it was last confirmed unchanged (ISO). */
  lastSeen: string;
  /** sha256 of the canonical facts. */
  hash: string;
  facts: EnvFacts;
}

export interface EnvHistoryStore {
  /** Records a snapshot taken at `at`; returns the entry it now belongs to. */
  record(host: string, snapshot: EnvironmentSnapshot | EnvFacts, at?: Date): Promise<EnvHistoryEntry>;
  /** The host's entries, newest first. */
  list(host: string): Promise<EnvHistoryEntry[]>;
}

export function factsOf(snapshot: EnvironmentSnapshot | EnvFacts): EnvFacts {
  const variables = Object.fromEntries(Object.entries(snapshot.variables).sort(([a], [b]) => a.localeCompare(b)));
  return {
    ...(snapshot.goVersion !== undefined ? { goVersion: snapshot.goVersion } : {}),
    variables,
    ...(snapshot.gitInsteadOf !== undefined ? { gitInsteadOf: [...snapshot.gitInsteadOf].sort() } : {}),
    ...(snapshot.netrc !== undefined ? { netrc: snapshot.netrc } : {}),
  };
}

export function factsHash(facts: EnvFacts): string {
  return createHash('sha256').update(JSON.stringify(facts)).digest('hex').slice(0, 32);
}

const HOST = /^[a-z0-9][a-z0-9._-]{0,63}$/;
function checkHost(host: string): string {
  const h = host.toLowerCase();
  if (!HOST.test(h)) throw new Error(`not an agent name: ${JSON.stringify(host)}`);
  return h;
}

export class MemoryEnvHistory implements EnvHistoryStore {
  readonly #lists = new Map<string, EnvHistoryEntry[]>();

  async record(host: string, snapshot: EnvironmentSnapshot | EnvFacts, at = new Date()): Promise<EnvHistoryEntry> {
    const h = checkHost(host);
    const facts = factsOf(snapshot);
    const hash = factsHash(facts);
    const list = this.#lists.get(h) ?? [];
    const head = list[0];
    const now = at.toISOString();
    if (head && head.hash === hash) {
      if (now > head.lastSeen) head.lastSeen = now;
      return { ...head };
    }
    const entry: EnvHistoryEntry = { since: now, lastSeen: now, hash, facts };
    list.unshift(entry);
    list.length = Math.min(list.length, ENV_HISTORY_KEEP);
    this.#lists.set(h, list);
    return { ...entry };
  }

  async list(host: string): Promise<EnvHistoryEntry[]> {
    return (this.#lists.get(checkHost(host)) ?? []).map((e) => ({ ...e }));
  }
}

// An entry is stored as "<hash> <since> <lastSeen> <facts JSON>": the script compares and
// rewrites the head without decoding JSON (cjson would turn [] into {}).
const RECORD = new LuaScript(`
local head = redis.call('LINDEX', KEYS[1], 0)
if head then
  local hash, since, seen, rest = string.match(head, '^(%S+) (%S+) (%S+) (.*)$')
  if hash == ARGV[1] then
    if ARGV[2] > seen then
      redis.call('LSET', KEYS[1], 0, hash .. ' ' .. since .. ' ' .. ARGV[2] .. ' ' .. rest)
      seen = ARGV[2]
    end
    redis.call('PEXPIRE', KEYS[1], ARGV[5])
    return {0, since, seen}
  end
end
redis.call('LPUSH', KEYS[1], ARGV[1] .. ' ' .. ARGV[2] .. ' ' .. ARGV[2] .. ' ' .. ARGV[3])
redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[4]) - 1)
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return {1, ARGV[2], ARGV[2]}
`);

export function envHistoryKey(prefix: string, host: string): string {
  return `${prefix}:bf:envhist:${checkHost(host)}`;
}

function parseEntry(raw: string): EnvHistoryEntry | undefined {
  const m = /^(\S+) (\S+) (\S+) (.*)$/s.exec(raw);
  if (!m) return undefined;
  try {
    return { hash: m[1] as string, since: m[2] as string, lastSeen: m[3] as string, facts: JSON.parse(m[4] as string) as EnvFacts };
  } catch {
    return undefined;
  }
}

export class RedisEnvHistory implements EnvHistoryStore {
  readonly #redis: Redis;
  readonly #prefix: string;

  constructor(redis: Redis, prefix: string) {
    this.#redis = redis;
    this.#prefix = prefix;
  }

  async record(host: string, snapshot: EnvironmentSnapshot | EnvFacts, at = new Date()): Promise<EnvHistoryEntry> {
    const facts = factsOf(snapshot);
    const hash = factsHash(facts);
    const now = at.toISOString();
    const res = (await RECORD.run(this.#redis, [envHistoryKey(this.#prefix, host)], [hash, now, JSON.stringify(facts), ENV_HISTORY_KEEP, TTL_MS])) as [
      number,
      string,
      string,
    ];
    return { hash, since: res[1], lastSeen: res[2], facts };
  }

  async list(host: string): Promise<EnvHistoryEntry[]> {
    const raw = await this.#redis.lrange(envHistoryKey(this.#prefix, host), 0, ENV_HISTORY_KEEP - 1);
    return raw.map(parseEntry).filter((e): e is EnvHistoryEntry => e !== undefined);
  }
}
