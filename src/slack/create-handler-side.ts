/**
 * Builds everything that runs after an ack, from the environment alone (so
 * it can be built inside the handler thread): config, logger, the job
 * dispatcher, the shared state store, the Slack API client, incidents
 * (store, alerts, CI webhooks: slack-incidents.ts), the command router and
 * the SlackFront, wrapped in an InlineTaskSink that owns them.
 */
import { createRouter, PREFLIGHT_RESULTS_SERVICE, UNDELIVERED_POSTS_SERVICE } from '../chat/create-router.ts';
import { loadConfig } from '../config/load-config.ts';
import { ConfigError } from '../errors.ts';
import { createDispatcher } from '../jobs/create-dispatcher.ts';
import { createLogger } from '../logger.ts';
import { defaultHostName } from '../jobs/queue-names.ts';
import { startLocalPreflight } from '../preflight/local-schedule.ts';
import { createPreflightServices } from '../preflight/services.ts';
import { startHealthDigest } from '../health/health-digest.ts';
import { normalizeKeyPrefix } from '../redis/key-prefix.ts';
import { registerSecret } from '../util/redact.ts';
import { SlackOutbox } from './outbox/slack-outbox.ts';
import { RedisUndeliveredLog, undeliveredStatusLines } from './outbox/undelivered.ts';
import { FileUndeliveredLog, undeliveredFilePath } from './outbox/undelivered-file.ts';
import { SlackApi } from './slack-api.ts';
import { SlackFront } from './slack-front.ts';
import { createSlackIncidents } from './slack-incidents.ts';
import { MemoryStateStore, RedisStateStore, type SlackStateStore } from './state-store.ts';
import type { InlineTaskSink } from './task-sink.ts';
import { UserGroupResolver } from './user-groups.ts';

export interface HandlerSideOptions {
  env: Record<string, string | undefined>;
  logLevel: string;
  replicaId: string;
  leaseMs?: number;
  updateIntervalMs?: number;
}

/** Undelivered posts `/buildfix status` lists (as many as the CLI's). */
const STATUS_UNDELIVERED = 20;

export function createHandlerSide(options: HandlerSideOptions): InlineTaskSink {
  const config = loadConfig(options.env);
  for (const secret of [
    config.env.SLACK_BOT_TOKEN,
    config.env.SLACK_SIGNING_SECRET,
    config.env.JENKINS_API_TOKEN,
    config.env.JENKINS_WEBHOOK_TOKEN,
    config.env.GITHUB_WEBHOOK_SECRET,
    config.env.GITLAB_WEBHOOK_TOKEN,
    config.env.GITHUB_TOKEN,
    config.env.GITLAB_TOKEN,
  ])
    registerSecret(secret);
  const token = config.env.SLACK_BOT_TOKEN;
  if (!token) throw new ConfigError(['SLACK_BOT_TOKEN: required for the Slack app']);
  const logger = createLogger({ level: options.logLevel });
  const dispatcher = createDispatcher(config, logger);
  const store: SlackStateStore = config.env.REDIS_URL
    ? new RedisStateStore({ redisUrl: config.env.REDIS_URL, prefix: normalizeKeyPrefix(config.env.REDIS_PREFIX), logger })
    : new MemoryStateStore();
  const api = new SlackApi({ token, apiUrl: config.env.SLACK_API_URL, logger });
  const outbox = new SlackOutbox({
    api,
    logger,
    textBudget: config.slack.textBudget,
    progressEditsPerMinute: config.slack.progressEditsPerMinute,
    giveUpAfterMs: config.slack.postGiveUpAfter,
    // Posts given up on, for `buildfix status` and `/buildfix status`: in Redis (shared by the replicas), else in a file on this machine.
    undelivered:
      store instanceof RedisStateStore
        ? new RedisUndeliveredLog(store.redis, normalizeKeyPrefix(config.env.REDIS_PREFIX))
        : new FileUndeliveredLog(undeliveredFilePath(options.env)),
  });
  const incidents = createSlackIncidents({ config, api, outbox, logger, replicaId: options.replicaId });
  // Pre-flight: `status` shows the agents' latest results; their findings become alerts in INCIDENT_CHANNEL.
  const preflight = createPreflightServices(config, logger);
  if (config.preflight) preflight.startAlerts(outbox, config.env.INCIDENT_CHANNEL, options.replicaId);
  // The weekly dependency health digest (a BullMQ job scheduler; removed when health.digest is unset).
  const healthDigest = config.env.REDIS_URL
    ? startHealthDigest({ config, redisUrl: config.env.REDIS_URL, prefix: normalizeKeyPrefix(config.env.REDIS_PREFIX), dispatcher, outbox, logger })
    : undefined;
  // In-process mode: no workers, so this process schedules pre-flight itself (src/preflight/local-schedule.ts).
  const localPreflight =
    !config.env.REDIS_URL && config.preflight ? startLocalPreflight({ config, dispatcher, host: defaultHostName(config.host), logger }) : undefined;
  const router = createRouter({
    config,
    dispatcher,
    logger,
    services: {
      slackApi: api,
      ...incidents.services,
      [PREFLIGHT_RESULTS_SERVICE]: () => preflight.results(),
      // `/buildfix status` lists the posts given up on, as `buildfix status` does (in-process mode: this process's, in memory).
      [UNDELIVERED_POSTS_SERVICE]: async () => undeliveredStatusLines(await outbox.undelivered.recent(STATUS_UNDELIVERED)),
    },
  });
  const front = new SlackFront({
    config,
    router,
    api,
    outbox,
    store,
    groups: new UserGroupResolver(api, config, logger),
    logger: logger.child({ component: 'slack', replica: options.replicaId }),
    replicaId: options.replicaId,
    ...(options.updateIntervalMs !== undefined ? { updateIntervalMs: options.updateIntervalMs } : {}),
  });
  return incidents.sink({
    front,
    dispatcher,
    owns: true,
    onClose: async () => {
      await healthDigest?.close();
      localPreflight?.close();
      await preflight.close();
    },
    ...(options.leaseMs !== undefined ? { leaseMs: options.leaseMs } : {}),
  });
}
