/**
 * Incidents for the Slack handler side, in one place: the incident store
 * (Redis when REDIS_URL is set, on a connection of its own; memory otherwise,
 * said at start), the alerts/announcer, the router services that expose them
 * to the `incident` plugin, and the task sink that also serves CI webhooks
 * handed over from the HTTP thread (src/slack/webhook-bridge.ts).
 */
import type { Redis } from 'ioredis';
import { INCIDENT_ANNOUNCER_SERVICE, INCIDENT_STORE_SERVICE } from '../chat/extensions/incident-commands.ts';
import type { Config } from '../config/load-config.ts';
import { groupWindowMs } from '../incidents/cause-key.ts';
import { createIncidentStore } from '../incidents/create-incident-store.ts';
import { createCauseFinder, type CauseFinder } from '../incidents/incident-grouping.ts';
import type { IncidentStore } from '../incidents/incident-store.ts';
import type { Logger } from '../logger.ts';
import { createRedisConnection } from '../redis/create-redis-connection.ts';
import { normalizeKeyPrefix } from '../redis/key-prefix.ts';
import { createWebhookDeps } from '../webhooks/create-webhook-deps.ts';
import { SlackIncidentAlerts } from './incident-alerts.ts';
import { IncidentTaskSink } from './incident-task-sink.ts';
import type { SlackOutbox } from './outbox/slack-outbox.ts';
import type { SlackApi } from './slack-api.ts';
import type { InlineTaskSink, InlineTaskSinkOptions } from './task-sink.ts';
import { WebhookReceiver } from './webhook-bridge.ts';

export interface SlackIncidentsOptions {
  config: Config;
  api: SlackApi;
  outbox: SlackOutbox;
  logger: Logger;
  replicaId: string;
}

export interface SlackIncidents {
  store: IncidentStore;
  alerts: SlackIncidentAlerts;
  /** Entries for RouterDeps.services. */
  services: Record<string, unknown>;
  /** The handler side's sink, serving webhooks too; it owns the store's connection. */
  sink(options: InlineTaskSinkOptions): InlineTaskSink;
}

export function createSlackIncidents(options: SlackIncidentsOptions): SlackIncidents {
  const { config, api, outbox, logger } = options;
  const prefix = normalizeKeyPrefix(config.env.REDIS_PREFIX);
  let lastWarning = 0;
  const redis = config.env.REDIS_URL
    ? createRedisConnection(config.env.REDIS_URL, {
        role: 'producer',
        name: 'buildfix-incidents',
        onError: (err) => {
          if (Date.now() - lastWarning < 10_000) return;
          lastWarning = Date.now();
          logger.warn({ err: { message: err.message } }, 'Redis connection problem (incidents)');
        },
      })
    : undefined;
  const created = createIncidentStore(redis ? { redis, prefix } : {});
  if (created.notice) logger.warn(created.notice);
  const store = redis ? waitingForConnection(created.store, redis) : created.store;
  const alerts = new SlackIncidentAlerts({ api, outbox, config, store, logger });
  return {
    store,
    alerts,
    services: { [INCIDENT_STORE_SERVICE]: store, [INCIDENT_ANNOUNCER_SERVICE]: alerts },
    sink(sinkOptions) {
      const front = sinkOptions.front;
      alerts.bindFront(front);
      const webhooks = new WebhookReceiver({
        replicaId: options.replicaId,
        deps: createWebhookDeps({ env: config.env, store, ...(redis ? { redis } : {}), prefix, logger, ...causeFinderFor(config, alerts) }),
        logger,
        // The sender has its answer already; the alert runs like any other handler (drained on shutdown).
        onOutcome: (outcome) => front.background(`ci-${outcome.kind}`, () => alerts.onWebhookOutcome(outcome)),
        // Delivery dedup uses the connection directly.
        ...(redis ? { beforeHandle: () => waitReady(redis, 2000) } : {}),
      });
      return new IncidentTaskSink({ ...sinkOptions, webhooks, alerts, ...(redis ? { redis } : {}) });
    },
  };
}

/** Grouping by cause unless incidents.groupWindow is "off"; logs are read with the alerts' Jenkins client and the CI tokens. */
function causeFinderFor(config: Config, alerts: SlackIncidentAlerts): { findCause?: CauseFinder } {
  const windowMs = groupWindowMs(config.incidents.groupWindow);
  if (windowMs <= 0) return {};
  const { GITHUB_TOKEN: githubToken, GITLAB_TOKEN: gitlabToken } = config.env;
  return {
    findCause: createCauseFinder({
      windowMs,
      logSources: () => {
        const jenkins = alerts.jenkinsClient();
        return { ...(jenkins ? { jenkins } : {}), ...(githubToken ? { githubToken } : {}), ...(gitlabToken ? { gitlabToken } : {}) };
      },
    }),
  };
}

/**
 * The producer connection queues nothing while it (re)connects: a command or
 * webhook right after start would fail at once. Every store call first waits
 * briefly for the connection instead (then fails as before if it is down).
 */
function waitingForConnection(store: IncidentStore, redis: Redis): IncidentStore {
  return new Proxy(store, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        await waitReady(redis, 2000);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

async function waitReady(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      redis.off('ready', done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    redis.once('ready', done);
  });
}
