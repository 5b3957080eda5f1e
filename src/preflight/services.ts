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
import { buildfixKeys } from '../jobs/queue-names.ts';
import { listLiveWorkers } from '../jobs/worker-registry.ts';
import { consumeAlertChanges, type AlertConsumer } from './alert-consumer.ts';
import { PreflightAlerter, type AlertOutbox } from './alerter.ts';
import { MemoryPreflightStore, processMemoryStore, RedisPreflightStore, type PreflightStore } from './store.ts';
import type { PreflightResult } from './types.ts';

export interface PreflightServices {
  store: PreflightStore;
  results(): Promise<PreflightResult[]>;
  /**
   * Posts and edits pre-flight alerts in `channel` (INCIDENT_CHANNEL) from now on; `consumer` names this replica.
   * Redis mode: changes left unacknowledged longer than `reclaim.idleMs` (default 60 s) are taken over, looked for every `reclaim.everyMs` (30 s).
   */
  startAlerts(outbox: AlertOutbox, channel: string | undefined, consumer: string, reclaim?: { idleMs?: number; everyMs?: number }): PreflightAlerter;
  close(): Promise<void>;
}

export function createPreflightServices(config: Config, logger: Logger): PreflightServices {
  const url = config.env.REDIS_URL;
  const prefix = normalizeKeyPrefix(config.env.REDIS_PREFIX);
  const onError = (): void => {};
  const redis = url ? createRedisConnection(url, { role: 'producer', name: 'buildfix-preflight', onError }) : undefined;
  const store: PreflightStore = redis ? new RedisPreflightStore(redis, prefix) : processMemoryStore();
  let consumer: AlertConsumer | undefined;
  let unsubscribe: (() => void) | undefined;
  // In-process mode: /metrics (serve's main thread) has no Redis to read the results from; each one is relayed to it.
  const unrelay = store instanceof MemoryPreflightStore ? store.onRecord((result) => metrics.preflightResult(result)) : undefined;
  return {
    store,
    results: () => store.latest(),
    startAlerts(outbox, channel, name, reclaim) {
      const alerter = new PreflightAlerter({ store, outbox, channel, logger });
      if (redis && store instanceof RedisPreflightStore && url) {
        consumer = consumeAlertChanges({
          redis: createRedisConnection(url, { role: 'blocking', name: 'buildfix-preflight-alerts', onError }),
          keys: store.keys,
          consumer: name,
          alerter,
          logger,
          ...(reclaim?.idleMs !== undefined ? { reclaimIdleMs: reclaim.idleMs } : {}),
          ...(reclaim?.everyMs !== undefined ? { reclaimEveryMs: reclaim.everyMs } : {}),
          gone: {
            store,
            afterMs: config.preflight?.agentGoneAfter ?? PREFLIGHT_DEFAULTS.agentGoneAfter,
            liveAgents: async () => new Set((await listLiveWorkers(redis, buildfixKeys(prefix))).map((w) => w.host)),
          },
        });
      } else if (store.kind === 'memory') {
        const memory = processMemoryStore();
        unsubscribe = memory.onChange((scope) => {
          void alerter.sync(scope).catch((err: unknown) => logger.warn({ err, scope }, 'pre-flight alert sync failed'));
        });
      }
      return alerter;
    },
    async close() {
      unsubscribe?.();
      unrelay?.();
      await consumer?.close();
      if (redis) await closeRedisConnection(redis);
    },
  };
}
