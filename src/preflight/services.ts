/**
 * Pre-flight for a chat process (serve's handler thread, the shell): the
 * results store `status` reads, and the alerter that turns changed scopes
 * into incident-channel alerts. Redis when REDIS_URL is set (own
 * connections), this process's memory otherwise (in-process mode).
 */
import type { Config } from '../config/load-config.ts';
import type { Logger } from '../logger.ts';
import { metrics } from '../metrics/metrics.ts';
import { closeRedisConnection, createRedisConnection } from '../redis/create-redis-connection.ts';
import { normalizeKeyPrefix } from '../redis/key-prefix.ts';
import { PREFLIGHT_DEFAULTS } from '../config/preflight-schema.ts';
import { buildfixKeys, defaultHostName } from '../jobs/queue-names.ts';
import { listLiveWorkers } from '../jobs/worker-registry.ts';
import { consumeAlertChanges, DEFAULT_RECLAIM_EVERY_MS, DEFAULT_RECLAIM_IDLE_MS, type AlertConsumer } from './alert-consumer.ts';
import { sweepGoneAgents } from './gone-agents.ts';
import { alertSettled, PreflightAlerter, type AlertOutbox } from './alerter.ts';
import { MemoryPreflightStore, processMemoryStore, RedisPreflightStore, type PreflightStore } from './store.ts';
import type { PreflightResult } from './types.ts';

export interface PreflightServices {
  store: PreflightStore;
  results(): Promise<PreflightResult[]>;
  /**
   * Posts and edits pre-flight alerts in `channel` (INCIDENT_CHANNEL) from now on; `consumer` names this replica.
   * Redis mode: changes left unacknowledged longer than `reclaim.idleMs` (default 60 s) are taken over, looked for every `reclaim.everyMs` (30 s).
   * Consumers of stopped replicas (nothing pending, idle over `reclaim.pruneIdleMs`, default 1 h) are removed from the group.
   * In-process mode: a scope whose alert could not be brought in line is retried after `reclaim.idleMs`.
   * Both modes: agents that stopped reporting (preflight.agentGoneAfter) are looked for every `reclaim.everyMs` (gone-agents.ts).
   */
  startAlerts(
    outbox: AlertOutbox,
    channel: string | undefined,
    consumer: string,
    reclaim?: { idleMs?: number; everyMs?: number; pruneIdleMs?: number },
  ): PreflightAlerter;
  close(): Promise<void>;
}

export function createPreflightServices(config: Config, logger: Logger): PreflightServices {
  const url = config.env.REDIS_URL;
  const prefix = normalizeKeyPrefix(config.env.REDIS_PREFIX);
  const onError = (): void => {};
  const redis = url ? createRedisConnection(url, { role: 'producer', name: 'buildfix-preflight', onError }) : undefined;
  const store: PreflightStore = redis ? new RedisPreflightStore(redis, prefix) : processMemoryStore();
  let consumer: AlertConsumer | undefined;
  let started: PreflightAlerter | undefined;
  let unsubscribe: (() => void) | undefined;
  let closed = false;
  const retries = new Map<string, NodeJS.Timeout>();
  let goneTimer: NodeJS.Timeout | undefined;
  const goneAfterMs = config.preflight?.agentGoneAfter ?? PREFLIGHT_DEFAULTS.agentGoneAfter;
  // In-process mode: /metrics (serve's main thread) has no Redis to read the results from; each one is relayed to it.
  const unrelay = store instanceof MemoryPreflightStore ? store.onRecord((result) => metrics.preflightResult(result)) : undefined;
  return {
    store,
    results: () => store.latest(),
    startAlerts(outbox, channel, name, reclaim) {
      const alerter = new PreflightAlerter({ store, outbox, channel, logger });
      started = alerter;
      if (redis && store instanceof RedisPreflightStore && url) {
        consumer = consumeAlertChanges({
          redis: createRedisConnection(url, { role: 'blocking', name: 'buildfix-preflight-alerts', onError }),
          keys: store.keys,
          consumer: name,
          alerter,
          logger,
          ...(reclaim?.idleMs !== undefined ? { reclaimIdleMs: reclaim.idleMs } : {}),
          ...(reclaim?.everyMs !== undefined ? { reclaimEveryMs: reclaim.everyMs } : {}),
          ...(reclaim?.pruneIdleMs !== undefined ? { pruneIdleMs: reclaim.pruneIdleMs } : {}),
          gone: {
            store,
            afterMs: goneAfterMs,
            liveAgents: async () => new Set((await listLiveWorkers(redis, buildfixKeys(prefix))).map((w) => w.host)),
          },
        });
      } else if (store.kind === 'memory') {
        // No stream to leave a change pending in: a sync that failed (Slack refused) is retried here until it holds.
        const retryMs = reclaim?.idleMs ?? DEFAULT_RECLAIM_IDLE_MS;
        const syncScope = (scope: string): void => {
          clearTimeout(retries.get(scope));
          retries.delete(scope);
          void alerter.sync(scope).then(
            (action) => {
              if (!alertSettled(action)) retryLater(scope, action);
            },
            (err: unknown) => retryLater(scope, err instanceof Error ? err.message : String(err)),
          );
        };
        const retryLater = (scope: string, why: string): void => {
          if (closed) return;
          logger.warn({ scope, why }, `pre-flight alert not brought in line; retried in ${Math.round(retryMs / 1000)} s`);
          const timer = setTimeout(() => syncScope(scope), retryMs);
          timer.unref();
          retries.set(scope, timer);
        };
        const memory = processMemoryStore();
        unsubscribe = memory.onChange(syncScope);
        // Agents that stopped reporting: the same decision as Redis mode's reclaim round (gone-agents.ts), as often.
        // The one live worker is this process (the in-process dispatcher runs every job on this host).
        if (goneAfterMs > 0) {
          const self = defaultHostName(config.host);
          let sweeping = false;
          goneTimer = setInterval(() => {
            if (sweeping || closed) return;
            sweeping = true;
            void sweepGoneAgents({
              store: memory,
              alerter,
              afterMs: goneAfterMs,
              liveAgents: async () => new Set([self]),
              scopes: () => memory.problemScopes(),
              logger: logger.child({ component: 'preflight-alerts' }),
              stopped: () => closed,
            })
              // A scope another sync held (busy) kept its problems: the next round finds it again, as in Redis mode.
              .catch((err: unknown) => logger.warn({ err }, 'looking for agents that stopped reporting failed; retried next round'))
              .finally(() => (sweeping = false));
          }, reclaim?.everyMs ?? DEFAULT_RECLAIM_EVERY_MS);
          goneTimer.unref();
        }
      }
      return alerter;
    },
    async close() {
      closed = true;
      clearInterval(goneTimer);
      for (const t of retries.values()) clearTimeout(t);
      retries.clear();
      unsubscribe?.();
      unrelay?.();
      // First: a delivery waiting to retry stops (the consumer's close waits for the sync it is in).
      started?.close();
      await consumer?.close();
      if (redis) await closeRedisConnection(redis);
    },
  };
}
