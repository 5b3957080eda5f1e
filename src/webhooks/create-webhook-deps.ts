/**
 * Webhook dependencies for this process: Redis-backed dedup when a
 * connection is given (REDIS_URL), else in-memory. The incident store comes
 * from src/incidents/create-incident-store.ts so both use one connection.
 */
import type { Redis } from 'ioredis';
import type { EnvConfig } from '../config/env.ts';
import type { CauseFinder } from '../incidents/incident-grouping.ts';
import type { IncidentStore } from '../incidents/incident-store.ts';
import type { Logger } from '../logger.ts';
import { DEFAULT_KEY_PREFIX } from '../redis/key-prefix.ts';
import { MemoryDeliveryDedup, RedisDeliveryDedup } from './delivery-dedup.ts';
import { webhookSecretsFromEnv, type WebhookDeps } from './handle-webhook.ts';

export interface CreateWebhookDepsOptions {
  env: Pick<EnvConfig, 'JENKINS_WEBHOOK_TOKEN' | 'GITHUB_WEBHOOK_SECRET' | 'GITLAB_WEBHOOK_TOKEN'>;
  store: IncidentStore;
  redis?: Redis;
  prefix?: string;
  logger?: Logger;
  maxBodyBytes?: number;
  /** Groups CI failures by cause (src/incidents/incident-grouping.ts). */
  findCause?: CauseFinder;
}

export function createWebhookDeps(options: CreateWebhookDepsOptions): WebhookDeps {
  const dedup = options.redis ? new RedisDeliveryDedup({ redis: options.redis, prefix: options.prefix ?? DEFAULT_KEY_PREFIX }) : new MemoryDeliveryDedup();
  const deps: WebhookDeps = { secrets: webhookSecretsFromEnv(options.env), store: options.store, dedup };
  if (options.logger) deps.logger = options.logger;
  if (options.maxBodyBytes !== undefined) deps.maxBodyBytes = options.maxBodyBytes;
  if (options.findCause) deps.findCause = options.findCause;
  return deps;
}
