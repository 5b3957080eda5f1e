/**
 * Where pre-flight results live: Redis (BullMQ mode; keys in keys.ts) or
 * memory (in-process mode, this process only, gone on restart). The same
 * interface for both: the run lock (no overlapping runs), the latest result
 * and a capped history per agent, check and repo, the problems each agent
 * reports per alert scope, and the Slack alert record of each scope.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { DRILL_TTL_SECONDS, preflightKeys, RESULT_TTL_SECONDS, type PreflightKeys } from './keys.ts';
import { scopeOf, type AgentProblems, type PreflightFinding, type PreflightResult } from './types.ts';

/** The Slack message that carries one scope's alert. */
/** A scope's alert in Slack: being posted (its marker known, its ts not yet), then open, then resolved. */
export type AlertRecord = PostingAlert | PostedAlert;

/**
 * An alert being delivered: every attempt, in this serve or (after a restart, or by another replica) the next,
 * carries `marker` in its message metadata, and a later delivery searches the channel for it before posting, so
 * the alert appears once.
 */
export interface PostingAlert {
  state: 'posting';
  channel: string;
  /** The post's marker (message metadata event_payload.id). */
  marker: string;
  /** Epoch ms of the first attempt: the search starts there. */
  since: number;
  openedAt: string;
}

export interface PostedAlert {
  state: 'open' | 'resolved';
  channel: string;
  ts: string;
  openedAt: string;
  resolvedAt?: string;
  /** What the message shows now (problem keys per agent): an unchanged digest needs no edit. */
  digest: string;
  /** Agents whose problems were dropped because they stopped reporting (shown in the message; "closed as unknown" when none is left). */
  gone?: GoneAgent[];
}

/** An agent that stopped reporting: its last pre-flight result, and no live worker since. */
export interface GoneAgent {
  agent: string;
  lastSeen: string;
}

export interface PreflightStore {
  readonly kind: 'redis' | 'memory';
  /** Takes the run lock for ttlMs; undefined when a run of the same check is still going. */
  tryLock(agent: string, check: string, repo: string, ttlMs: number): Promise<string | undefined>;
  unlock(agent: string, check: string, repo: string, token: string): Promise<void>;
  noteSkipped(agent: string, check: string, repo: string): Promise<number>;
  skipped(agent: string): Promise<Record<string, number>>;
  /**
   * Stores the result as the latest and in the capped history, and the
   * agent's alerting findings for the scope; when those changed, the scope
   * is announced to the alerter. Returns whether they changed.
   */
  record(result: PreflightResult, historyLength: number): Promise<{ problemsChanged: boolean }>;
  /** Newest first. */
  history(agent: string, check: string, repo: string, limit?: number): Promise<PreflightResult[]>;
  /** The latest result of every agent, check and repo. */
  latest(): Promise<PreflightResult[]>;
  problems(scope: string): Promise<AgentProblems[]>;
  /** Removes an agent's problems from a scope (an agent gone for good); whether it had any. */
  dropProblems(scope: string, agent: string): Promise<boolean>;
  /** When the agent's latest result of any check finished (undefined: none kept). */
  lastSeen(agent: string): Promise<string | undefined>;
  alert(scope: string): Promise<AlertRecord | undefined>;
  setAlert(scope: string, record: AlertRecord): Promise<void>;
  /** One alerter at a time edits a scope's alert; undefined when another holds it. */
  lockAlert(scope: string, ttlMs: number): Promise<string | undefined>;
  /** Extends a lock this alerter holds by ttlMs; false when it is no longer held (expired, taken). */
  renewAlertLock(scope: string, token: string, ttlMs: number): Promise<boolean>;
  unlockAlert(scope: string, token: string): Promise<void>;
  /** Forgets the scope's alert (one being posted that Slack certainly does not have). */
  clearAlert(scope: string): Promise<void>;
}

function problemsOf(result: PreflightResult): PreflightFinding[] {
  return result.findings.filter((f) => f.alert).sort((a, b) => a.key.localeCompare(b.key));
}

function sameProblems(a: PreflightFinding[], b: PreflightFinding[]): boolean {
  return JSON.stringify(a.map((f) => [f.key, f.message])) === JSON.stringify(b.map((f) => [f.key, f.message]));
}

function parseJson<T>(text: string | null | undefined): T | undefined {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

// Deletes the key only while it still holds our token.
const UNLOCK = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;
// Extends the key's expiry only while it still holds our token.
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;

export class RedisPreflightStore implements PreflightStore {
  readonly kind = 'redis' as const;
  readonly keys: PreflightKeys;
  readonly #redis: Redis;

  constructor(redis: Redis, prefix: string) {
    this.#redis = redis;
    this.keys = preflightKeys(prefix);
  }

  async tryLock(agent: string, check: string, repo: string, ttlMs: number): Promise<string | undefined> {
    const token = randomUUID();
    const ok = await this.#redis.set(this.keys.lock(agent, check, repo), token, 'PX', Math.max(1000, Math.round(ttlMs)), 'NX');
    return ok === 'OK' ? token : undefined;
  }

  async unlock(agent: string, check: string, repo: string, token: string): Promise<void> {
    await this.#redis.eval(UNLOCK, 1, this.keys.lock(agent, check, repo), token);
  }

  async noteSkipped(agent: string, check: string, repo: string): Promise<number> {
    const key = this.keys.skipped(agent);
    const [[, n]] = (await this.#redis.multi().hincrby(key, `${check}:${repo}`, 1).expire(key, RESULT_TTL_SECONDS).exec()) as [[unknown, number]];
    return n;
  }

  async skipped(agent: string): Promise<Record<string, number>> {
    const raw = await this.#redis.hgetall(this.keys.skipped(agent));
    return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Number(v)]));
  }

  async record(result: PreflightResult, historyLength: number): Promise<{ problemsChanged: boolean }> {
    const json = JSON.stringify(result);
    const field = scopeOf(result.check, result.repo);
    const history = this.keys.history(result.agent, result.check, result.repo);
    // Drills are monthly: their own hash, kept long enough for status to say one is overdue.
    const drill = result.check === 'drill';
    const last = drill ? this.keys.lastDrill(result.agent) : this.keys.last(result.agent);
    const ttl = drill ? DRILL_TTL_SECONDS : RESULT_TTL_SECONDS;
    const problemsKey = this.keys.problems(field);
    await this.#redis
      .multi()
      .hset(last, field, json)
      .expire(last, ttl)
      .lpush(history, json)
      .ltrim(history, 0, historyLength - 1)
      .expire(history, ttl)
      .sadd(this.keys.agents, result.agent)
      .exec();
    // One run per agent and scope at a time (the run lock): read-compare-write needs no transaction.
    const before = parseJson<AgentProblems>(await this.#redis.hget(problemsKey, result.agent))?.findings ?? [];
    const now = problemsOf(result);
    if (sameProblems(before, now)) return { problemsChanged: false };
    const tx = this.#redis.multi();
    if (now.length > 0)
      tx.hset(problemsKey, result.agent, JSON.stringify({ agent: result.agent, at: result.finishedAt, findings: now } satisfies AgentProblems));
    else tx.hdel(problemsKey, result.agent);
    tx.xadd(this.keys.changes, 'MAXLEN', '~', '1000', '*', 'scope', field, 'agent', result.agent);
    await tx.exec();
    return { problemsChanged: true };
  }

  async history(agent: string, check: string, repo: string, limit = 1000): Promise<PreflightResult[]> {
    const rows = await this.#redis.lrange(this.keys.history(agent, check, repo), 0, limit - 1);
    return rows.map((r) => parseJson<PreflightResult>(r)).filter((r): r is PreflightResult => r !== undefined);
  }

  async latest(): Promise<PreflightResult[]> {
    const agents = (await this.#redis.smembers(this.keys.agents)).sort();
    if (agents.length === 0) return [];
    const pipe = this.#redis.pipeline();
    for (const a of agents) pipe.hgetall(this.keys.last(a)).hgetall(this.keys.lastDrill(a));
    const rows = (await pipe.exec()) ?? [];
    const out: PreflightResult[] = [];
    for (const [err, value] of rows) {
      if (err || !value) continue;
      for (const text of Object.values(value as Record<string, string>)) {
        const r = parseJson<PreflightResult>(text);
        if (r) out.push(r);
      }
    }
    return sortResults(out);
  }

  async problems(scope: string): Promise<AgentProblems[]> {
    const raw = await this.#redis.hgetall(this.keys.problems(scope));
    return Object.values(raw)
      .map((t) => parseJson<AgentProblems>(t))
      .filter((p): p is AgentProblems => p !== undefined && p.findings.length > 0)
      .sort((a, b) => a.agent.localeCompare(b.agent));
  }

  async dropProblems(scope: string, agent: string): Promise<boolean> {
    return (await this.#redis.hdel(this.keys.problems(scope), agent)) > 0;
  }

  async lastSeen(agent: string): Promise<string | undefined> {
    const rows = Object.values(await this.#redis.hgetall(this.keys.last(agent)));
    return latestFinish(rows.map((t) => parseJson<PreflightResult>(t)));
  }

  async alert(scope: string): Promise<AlertRecord | undefined> {
    return parseJson<AlertRecord>(await this.#redis.get(this.keys.alert(scope)));
  }

  async setAlert(scope: string, record: AlertRecord): Promise<void> {
    // A resolved alert is kept for a week (status shows it); an open one until resolved.
    if (record.state === 'resolved') await this.#redis.set(this.keys.alert(scope), JSON.stringify(record), 'EX', RESULT_TTL_SECONDS);
    else await this.#redis.set(this.keys.alert(scope), JSON.stringify(record));
  }

  async lockAlert(scope: string, ttlMs: number): Promise<string | undefined> {
    const token = randomUUID();
    const ok = await this.#redis.set(this.keys.alertLock(scope), token, 'PX', ttlMs, 'NX');
    return ok === 'OK' ? token : undefined;
  }

  async renewAlertLock(scope: string, token: string, ttlMs: number): Promise<boolean> {
    return Number(await this.#redis.eval(RENEW, 1, this.keys.alertLock(scope), token, Math.round(ttlMs))) === 1;
  }

  async unlockAlert(scope: string, token: string): Promise<void> {
    await this.#redis.eval(UNLOCK, 1, this.keys.alertLock(scope), token);
  }

  async clearAlert(scope: string): Promise<void> {
    await this.#redis.del(this.keys.alert(scope));
  }
}

/**
 * When the latest regular result finished: a drill (its own hash in Redis, kept 400 days) is not a
 * sign that the agent reports, in either store.
 */
function latestFinish(results: ReadonlyArray<PreflightResult | undefined>): string | undefined {
  let best: string | undefined;
  for (const r of results)
    if (r && r.check !== 'drill' && Number.isFinite(Date.parse(r.finishedAt)) && (!best || Date.parse(r.finishedAt) > Date.parse(best))) best = r.finishedAt;
  return best;
}

export function sortResults(results: PreflightResult[]): PreflightResult[] {
  return results.sort((a, b) => a.agent.localeCompare(b.agent) || a.check.localeCompare(b.check) || a.repo.localeCompare(b.repo));
}

/** In-process mode: the same behaviour in this process's memory; `onChange` stands in for the Redis stream. */
export class MemoryPreflightStore implements PreflightStore {
  readonly kind = 'memory' as const;
  readonly #locks = new Map<string, { token: string; until: number }>();
  readonly #skipped = new Map<string, Map<string, number>>();
  readonly #last = new Map<string, PreflightResult>();
  readonly #history = new Map<string, PreflightResult[]>();
  readonly #problems = new Map<string, Map<string, AgentProblems>>();
  readonly #alerts = new Map<string, AlertRecord>();
  readonly #listeners = new Set<(scope: string) => void>();
  readonly #recordListeners = new Set<(result: PreflightResult) => void>();

  onChange(listener: (scope: string) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Called with every result recorded (in-process mode feeds /metrics with them). */
  onRecord(listener: (result: PreflightResult) => void): () => void {
    this.#recordListeners.add(listener);
    return () => this.#recordListeners.delete(listener);
  }

  #take(key: string, ttlMs: number): string | undefined {
    const held = this.#locks.get(key);
    if (held && held.until > Date.now()) return undefined;
    const token = randomUUID();
    this.#locks.set(key, { token, until: Date.now() + ttlMs });
    return token;
  }

  #release(key: string, token: string): void {
    if (this.#locks.get(key)?.token === token) this.#locks.delete(key);
  }

  async tryLock(agent: string, check: string, repo: string, ttlMs: number): Promise<string | undefined> {
    return this.#take(`run:${agent}:${check}:${repo}`, ttlMs);
  }

  async unlock(agent: string, check: string, repo: string, token: string): Promise<void> {
    this.#release(`run:${agent}:${check}:${repo}`, token);
  }

  async noteSkipped(agent: string, check: string, repo: string): Promise<number> {
    let m = this.#skipped.get(agent);
    if (!m) this.#skipped.set(agent, (m = new Map()));
    const n = (m.get(`${check}:${repo}`) ?? 0) + 1;
    m.set(`${check}:${repo}`, n);
    return n;
  }

  async skipped(agent: string): Promise<Record<string, number>> {
    return Object.fromEntries(this.#skipped.get(agent) ?? []);
  }

  async record(result: PreflightResult, historyLength: number): Promise<{ problemsChanged: boolean }> {
    const scope = scopeOf(result.check, result.repo);
    const id = `${result.agent}\u0000${scope}`;
    this.#last.set(id, result);
    const list = this.#history.get(id) ?? [];
    list.unshift(result);
    list.length = Math.min(list.length, historyLength);
    this.#history.set(id, list);
    for (const l of this.#recordListeners) l(result);
    let byAgent = this.#problems.get(scope);
    if (!byAgent) this.#problems.set(scope, (byAgent = new Map()));
    const before = byAgent.get(result.agent)?.findings ?? [];
    const now = problemsOf(result);
    if (sameProblems(before, now)) return { problemsChanged: false };
    if (now.length > 0) byAgent.set(result.agent, { agent: result.agent, at: result.finishedAt, findings: now });
    else byAgent.delete(result.agent);
    for (const l of this.#listeners) l(scope);
    return { problemsChanged: true };
  }

  async history(agent: string, check: string, repo: string, limit = 1000): Promise<PreflightResult[]> {
    return (this.#history.get(`${agent}\u0000${scopeOf(check as PreflightResult['check'], repo)}`) ?? []).slice(0, limit);
  }

  async latest(): Promise<PreflightResult[]> {
    return sortResults([...this.#last.values()]);
  }

  async problems(scope: string): Promise<AgentProblems[]> {
    return [...(this.#problems.get(scope)?.values() ?? [])].sort((a, b) => a.agent.localeCompare(b.agent));
  }

  async dropProblems(scope: string, agent: string): Promise<boolean> {
    return this.#problems.get(scope)?.delete(agent) ?? false;
  }

  /** Scopes some agent reports problems in (Redis mode SCANs for their hashes). */
  async problemScopes(): Promise<string[]> {
    return [...this.#problems]
      .filter(([, byAgent]) => byAgent.size > 0)
      .map(([scope]) => scope)
      .sort();
  }

  async lastSeen(agent: string): Promise<string | undefined> {
    return latestFinish([...this.#last.values()].filter((r) => r.agent === agent));
  }

  async alert(scope: string): Promise<AlertRecord | undefined> {
    return this.#alerts.get(scope);
  }

  async setAlert(scope: string, record: AlertRecord): Promise<void> {
    this.#alerts.set(scope, record);
  }

  async lockAlert(scope: string, ttlMs: number): Promise<string | undefined> {
    return this.#take(`alert:${scope}`, ttlMs);
  }

  async renewAlertLock(scope: string, token: string, ttlMs: number): Promise<boolean> {
    const held = this.#locks.get(`alert:${scope}`);
    if (held?.token !== token || held.until <= Date.now()) return false;
    held.until = Date.now() + ttlMs;
    return true;
  }

  async unlockAlert(scope: string, token: string): Promise<void> {
    this.#release(`alert:${scope}`, token);
  }

  async clearAlert(scope: string): Promise<void> {
    this.#alerts.delete(scope);
  }
}

let memoryStore: MemoryPreflightStore | undefined;

/** The in-process mode's one store (the scheduler, the job handler, status and the alerter share it). */
export function processMemoryStore(): MemoryPreflightStore {
  memoryStore ??= new MemoryPreflightStore();
  return memoryStore;
}
