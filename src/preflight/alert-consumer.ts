/**
 * Redis mode's change feed for pre-flight alerts: serve replicas read the
 * workers' stream of changed scopes as one consumer group
 * (`preflight-alerts`), each entry delivered to one replica. An entry is
 * acknowledged only once its scope's alert shows what the agents report;
 * one whose sync failed (Slack refused, another replica held the scope's
 * lock) stays pending.
 *
 * Pending entries are never left behind: at start and every `reclaimEveryMs`
 * this consumer takes over (XAUTOCLAIM) the entries that any consumer of the
 * group — a replica that died between reading and XACK, or this one after a
 * failed sync — has held longer than `reclaimIdleMs`, and handles them again.
 * Handling is idempotent (the alerter compares the scope's problems with the
 * alert record under the scope's lock: a scope already in line is
 * `unchanged`, and an alert whose delivery did not finish is searched for by
 * its marker before it is posted), so a retaken entry never posts a second
 * alert. Entries
 * trimmed from the stream (MAXLEN) before anyone handled them are reported
 * by XAUTOCLAIM as deleted; their scope is unknown, so every scope with
 * problems or an alert is brought in line instead.
 */
import type { Redis } from 'ioredis';
import type { Logger } from '../logger.ts';
import { LuaScript } from '../redis/lua-script.ts';
import { alertSettled, type PreflightAlerter } from './alerter.ts';
import { sweepGoneAgents } from './gone-agents.ts';
import type { PreflightKeys } from './keys.ts';
import type { PreflightStore } from './store.ts';

export const ALERT_GROUP = 'preflight-alerts';
/** A pending entry idle this long belongs to a consumer that is gone or failed: taken over. */
export const DEFAULT_RECLAIM_IDLE_MS = 60_000;
export const DEFAULT_RECLAIM_EVERY_MS = 30_000;
/** A consumer with nothing pending and idle this long is a replica that stopped: removed from the group. */
export const DEFAULT_PRUNE_IDLE_MS = 3_600_000;

/**
 * Removes the group's consumers (other than the caller) that hold no pending
 * entry and have been idle longer than ARGV[3]; atomic, so an entry read in
 * between is never dropped with its consumer. A live replica removed this way
 * is recreated by its next XREADGROUP. Returns the names removed.
 */
const PRUNE_CONSUMERS = new LuaScript(`
local rows = redis.call('XINFO', 'CONSUMERS', KEYS[1], ARGV[1])
local removed = {}
for _, row in ipairs(rows) do
  local f = {}
  for i = 1, #row, 2 do f[row[i]] = row[i + 1] end
  if f['name'] ~= ARGV[2] and tonumber(f['pending']) == 0 and tonumber(f['idle']) > tonumber(ARGV[3]) then
    redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], f['name'])
    removed[#removed + 1] = f['name']
  end
end
return removed
`);

export interface AlertConsumer {
  /** Resolves once the consumer group exists. */
  ready: Promise<void>;
  close(): Promise<void>;
}

export interface AlertConsumerOptions {
  /** A blocking connection owned here (closed by close()). */
  redis: Redis;
  keys: PreflightKeys;
  /** This replica's consumer name in the group. */
  consumer: string;
  alerter: PreflightAlerter;
  logger: Logger;
  reclaimIdleMs?: number;
  reclaimEveryMs?: number;
  /** Consumers with nothing pending idle longer than this are removed from the group (default 1 h). */
  pruneIdleMs?: number;
  /**
   * Agents that stopped reporting (no live worker, no result for `afterMs`): their problems are
   * dropped and their alerts say so, checked with each reclaim round. Absent or afterMs 0: never.
   */
  gone?: { store: PreflightStore; afterMs: number; liveAgents: () => Promise<ReadonlySet<string>> };
}

type StreamEntry = [id: string, fields: string[] | null];

function scopeField(fields: readonly string[]): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === 'scope' && fields[i + 1]) return fields[i + 1];
  return undefined;
}

export function consumeAlertChanges(options: AlertConsumerOptions): AlertConsumer {
  const { redis, keys, alerter, consumer } = options;
  const log = options.logger.child({ component: 'preflight-alerts', consumer });
  const idleMs = options.reclaimIdleMs ?? DEFAULT_RECLAIM_IDLE_MS;
  const everyMs = options.reclaimEveryMs ?? DEFAULT_RECLAIM_EVERY_MS;
  const pruneIdleMs = options.pruneIdleMs ?? DEFAULT_PRUNE_IDLE_MS;
  let stopped = false;
  const ready = redis.xgroup('CREATE', keys.changes, ALERT_GROUP, '$', 'MKSTREAM').then(
    () => undefined,
    (err: unknown) => {
      if (!String(err).includes('BUSYGROUP')) throw err;
    },
  );
  ready.catch(() => {});

  /** Syncs each scope of the batch once; acknowledges the entries of the scopes now in line. */
  const handle = async (entries: readonly StreamEntry[]): Promise<void> => {
    const byScope = new Map<string, string[]>();
    const done: string[] = [];
    for (const [id, fields] of entries) {
      const scope = fields ? scopeField(fields) : undefined;
      if (!scope) {
        // Nothing to act on (no scope field): acknowledged, not retried forever.
        log.warn({ id }, 'pre-flight change entry without a scope; acknowledged and skipped');
        done.push(id);
        continue;
      }
      byScope.set(scope, [...(byScope.get(scope) ?? []), id]);
    }
    // Scopes side by side: an alert whose delivery is retrying (up to slack.postGiveUpAfter) holds up no other scope of the batch.
    await Promise.all(
      [...byScope].map(async ([scope, ids]) => {
        if (stopped) return;
        try {
          const action = await alerter.sync(scope);
          if (alertSettled(action)) done.push(...ids);
          else log.warn({ scope, action }, `pre-flight alert not brought in line (${action}); retried once pending for ${idleMs} ms`);
        } catch (err) {
          log.warn({ err, scope }, `pre-flight alert sync failed; retried once pending for ${idleMs} ms`);
        }
      }),
    );
    if (done.length > 0) await redis.xack(keys.changes, ALERT_GROUP, ...done);
  };

  /** Takes over and handles every entry pending longer than idleMs (any consumer's). */
  const reclaim = async (): Promise<void> => {
    let start = '0-0';
    let trimmed = 0;
    let taken = 0;
    for (let page = 0; page < 100 && !stopped; page++) {
      const [next, claimed, deleted] = (await redis.xautoclaim(keys.changes, ALERT_GROUP, consumer, idleMs, start, 'COUNT', 100)) as [
        string,
        StreamEntry[],
        string[] | undefined,
      ];
      // Redis 7 drops trimmed entries from the pending list and names them; 6.2 returns them with no fields.
      const gone = claimed.filter(([, fields]) => !fields).map(([id]) => id);
      if (gone.length > 0) await redis.xack(keys.changes, ALERT_GROUP, ...gone);
      trimmed += gone.length + (deleted?.length ?? 0);
      const live = claimed.filter(([, fields]) => fields);
      taken += live.length;
      if (live.length > 0) await handle(live);
      start = next;
      if (start === '0-0') break;
    }
    if (taken > 0) log.info({ entries: taken }, 'took over pre-flight changes left unacknowledged (a replica stopped or a sync failed) and handled them');
    if (trimmed > 0) {
      log.warn({ entries: trimmed }, 'pending pre-flight changes were trimmed from the stream before they were handled; bringing every alert in line');
      await resync(redis, keys, alerter);
    }
  };

  /** Removes the consumers of replicas that stopped (nothing pending, idle past the bound), so the group does not grow with every restart. */
  const pruneConsumers = async (): Promise<void> => {
    const removed = (await PRUNE_CONSUMERS.run(redis, [keys.changes], [ALERT_GROUP, consumer, pruneIdleMs])) as string[];
    if (removed.length > 0) log.info({ consumers: removed }, 'removed the alert-stream consumers of replicas that stopped');
  };

  /** Drops the problems of agents gone longer than the bound; their alerts say so (gone-agents.ts). */
  const sweepGone = async (): Promise<void> => {
    const gone = options.gone;
    if (!gone) return;
    await sweepGoneAgents({
      store: gone.store,
      alerter,
      afterMs: gone.afterMs,
      liveAgents: gone.liveAgents,
      scopes: () => scanScopes(redis, keys, 'problems'),
      logger: log,
      stopped: () => stopped,
    });
  };

  const loop = (async () => {
    await ready.catch(() => undefined);
    // Problems that appeared while no serve ran, and alerts left open then: brought in line once at start.
    await resync(redis, keys, alerter).catch((err: unknown) => log.warn({ err }, 'pre-flight alert resync failed'));
    let nextReclaim = 0;
    // This consumer's own pending entries first (a restart under the same name), then new ones.
    let cursor = '0';
    while (!stopped) {
      try {
        if (Date.now() >= nextReclaim) {
          nextReclaim = Date.now() + everyMs;
          await reclaim();
          await sweepGone().catch((err: unknown) => log.warn({ err }, 'looking for agents that stopped reporting failed; retried next round'));
          await pruneConsumers().catch((err: unknown) => log.debug({ err }, 'removing stopped consumers failed; retried next round'));
        }
        const block = Math.max(10, Math.min(1000, nextReclaim - Date.now()));
        const reply = (await redis.xreadgroup('GROUP', ALERT_GROUP, consumer, 'COUNT', 100, 'BLOCK', block, 'STREAMS', keys.changes, cursor)) as Array<
          [string, StreamEntry[]]
        > | null;
        const entries = reply?.[0]?.[1] ?? [];
        if (cursor !== '>') {
          // Past the last pending entry read (one left pending again is not re-read in a tight loop; reclaim retries it).
          const last = entries.at(-1);
          cursor = last ? last[0] : '>';
        }
        if (entries.length > 0) await handle(entries);
      } catch (err) {
        if (stopped) break;
        log.debug({ err }, 'reading pre-flight changes failed; retrying in 1 s');
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  })();
  return {
    ready,
    async close() {
      stopped = true;
      redis.disconnect();
      await loop;
    },
  };
}

/** Scopes with a problems hash (or an alert record) (SCAN, so it never blocks Redis). */
async function scanScopes(redis: Redis, keys: PreflightKeys, ...kinds: Array<'problems' | 'alert'>): Promise<string[]> {
  const scopes = new Set<string>();
  for (const kind of kinds) {
    const marker = keys[kind]('');
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', keys[kind]('*'), 'COUNT', 500);
      cursor = next;
      for (const k of found) scopes.add(k.slice(marker.length));
    } while (cursor !== '0');
  }
  return [...scopes].sort();
}

/** Syncs every scope that has problems or an alert record. */
async function resync(redis: Redis, keys: PreflightKeys, alerter: PreflightAlerter): Promise<void> {
  for (const scope of await scanScopes(redis, keys, 'problems', 'alert')) await alerter.sync(scope);
}
