/**
 * One call to wire /metrics and /healthz into a process: the Redis status
 * reader (when REDIS_URL is set) feeds queue depths, worker heartbeats and
 * open incidents into the process registry on every scrape, and answers
 * the health check. serve mounts both handlers; a worker may serve them on
 * a port of its own (serveMetrics).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { IncidentStore } from '../incidents/incident-store.ts';
import { RedisIncidentStore } from '../incidents/redis-incident-store.ts';
import { RedisPreflightStore } from '../preflight/store.ts';
import type { BuildfixMetrics } from './buildfix-metrics.ts';
import { createHealthHandler } from './health.ts';
import { createMetricsHandler } from './metrics-http.ts';
import { processMetrics } from './metrics.ts';
import { RedisStatusReader } from './redis-status-reader.ts';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface ObservabilityOptions {
  /** REDIS_URL; absent: in-process mode (healthz 200 saying so, no queue gauges). */
  redisUrl?: string | undefined;
  /** normalizeKeyPrefix(REDIS_PREFIX). */
  prefix: string;
  /** Configured agent names (their queues are reported even with no live worker). */
  knownHosts?: readonly string[];
  isClosing?: () => boolean;
  /** Extra facts for /healthz (replica id …). */
  facts?: Record<string, string>;
  pingTimeoutMs?: number;
  /** An incident store readable from this thread; with Redis one is made on the reader's connection. */
  incidents?: Pick<IncidentStore, 'listOpen'>;
  /** Default: this process's registry (processMetrics()). */
  metrics?: BuildfixMetrics;
}

export interface Observability {
  metricsHandler: Handler;
  healthHandler: Handler;
  reader: RedisStatusReader | undefined;
  close(): Promise<void>;
}

export function createObservability(options: ObservabilityOptions): Observability {
  const target = options.metrics ?? processMetrics();
  const reader = options.redisUrl
    ? new RedisStatusReader({ redisUrl: options.redisUrl, prefix: options.prefix, knownHosts: options.knownHosts ?? [] })
    : undefined;
  let incidents = options.incidents;
  if (reader) {
    target.setSources({
      jobStatus: () => reader.jobStatus(),
      openIncidents: async () => {
        incidents ??= new RedisIncidentStore({ redis: await reader.connection(2000), prefix: options.prefix });
        return (await incidents.listOpen()).length;
      },
      preflightResults: async () => new RedisPreflightStore(await reader.connection(2000), options.prefix).latest(),
    });
  } else if (incidents) {
    const store = incidents;
    target.setSources({ openIncidents: async () => (await store.listOpen()).length });
  }
  return {
    metricsHandler: createMetricsHandler(target),
    healthHandler: createHealthHandler({
      reader,
      ...(options.pingTimeoutMs !== undefined ? { pingTimeoutMs: options.pingTimeoutMs } : {}),
      ...(options.isClosing ? { isClosing: options.isClosing } : {}),
      ...(options.facts ? { facts: options.facts } : {}),
    }),
    reader,
    close: async () => {
      await reader?.close();
    },
  };
}
