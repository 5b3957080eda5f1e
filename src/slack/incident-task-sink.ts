/**
 * The handler side's sink with incidents attached: it starts the webhook
 * receiver with the sink and, on close, stops taking webhooks first, lets
 * running handlers (alerts, automatic diagnoses) finish as the sink does,
 * then closes the alert helper and the incident store's Redis connection.
 */
import type { Redis } from 'ioredis';
import { closeRedisConnection } from '../redis/create-redis-connection.ts';
import type { SlackIncidentAlerts } from './incident-alerts.ts';
import { InlineTaskSink, type InlineTaskSinkOptions } from './task-sink.ts';
import type { WebhookReceiver } from './webhook-bridge.ts';

export interface IncidentTaskSinkOptions extends InlineTaskSinkOptions {
  webhooks: WebhookReceiver;
  alerts: SlackIncidentAlerts;
  /** The incident store's connection (owned here). */
  redis?: Redis;
}

export class IncidentTaskSink extends InlineTaskSink {
  readonly #webhooks: WebhookReceiver;
  readonly #alerts: SlackIncidentAlerts;
  readonly #redis: Redis | undefined;
  /** Replicas' lease: alert recovery rounds run as often. */
  readonly #leaseMs: number;

  constructor(options: IncidentTaskSinkOptions) {
    super(options);
    this.#webhooks = options.webhooks;
    this.#alerts = options.alerts;
    this.#redis = options.redis;
    this.#leaseMs = options.leaseMs ?? 30_000;
  }

  override start(): void {
    super.start();
    this.#webhooks.start();
    // Alerts a stopped serve (or replica) was posting: found in the channel by their metadata, or posted now; at start, then every lease.
    this.#alerts.startAlertRecovery(this.#leaseMs);
  }

  override async close(graceMs: number): Promise<void> {
    this.#webhooks.close();
    // An alert another replica is posting is its own business: waiting for it must not hold the drain.
    this.#alerts.stopWaiting();
    await super.close(graceMs);
    await this.#alerts.close();
    if (this.#redis) await closeRedisConnection(this.#redis);
  }
}
