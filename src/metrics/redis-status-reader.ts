/**
 * What /healthz and /metrics read from Redis in a process that has no
 * dispatcher of its own (serve's HTTP thread, where the dispatcher lives in
 * the handler thread): PING with a short deadline, live workers from their
 * heartbeats, queue depths. One fail-fast "producer" connection, made on
 * first use, so a Redis outage answers at once instead of hanging a probe.
 */
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { JobSystemStatus, WorkerInfo } from '../jobs/job-types.ts';
import { buildfixKeys } from '../jobs/queue-names.ts';
import { readJobStatus } from '../jobs/read-job-status.ts';
import { listLiveWorkers } from '../jobs/worker-registry.ts';
import { closeRedisConnection, createRedisConnection } from '../redis/create-redis-connection.ts';
import { redactText } from '../util/redact.ts';

export interface RedisStatusReaderOptions {
  redisUrl: string;
  /** normalizeKeyPrefix(REDIS_PREFIX). */
  prefix: string;
  /** Configured agents: their queues are reported even without a live worker. */
  knownHosts?: readonly string[];
}

export type PingResult = { up: true; latencyMs: number } | { up: false; error: string };

export class RedisStatusReader {
  readonly #o: RedisStatusReaderOptions;
  #client: Redis | undefined;
  readonly #queues = new Map<string, Queue>();
  #closed = false;

  constructor(options: RedisStatusReaderOptions) {
    this.#o = options;
  }

  get #redis(): Redis {
    // Connection errors surface through ping(); the listener only keeps ioredis from crashing the process.
    this.#client ??= createRedisConnection(this.#o.redisUrl, { role: 'producer', name: 'buildfix-status', connectTimeoutMs: 2000, onError: () => {} });
    return this.#client;
  }

  /** Resolves once connected, rejects after timeoutMs. */
  async #ready(timeoutMs: number): Promise<Redis> {
    const redis = this.#redis;
    if (redis.status === 'ready') return redis;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        redis.off('ready', onReady);
        reject(new Error(`Redis is not connected (${redis.status}) after ${timeoutMs} ms`));
      }, timeoutMs);
      timer.unref();
      const onReady = (): void => {
        clearTimeout(timer);
        resolve();
      };
      redis.once('ready', onReady);
    });
    return redis;
  }

  /** PING within timeoutMs (connecting counts against it). Never throws. */
  async ping(timeoutMs = 1000): Promise<PingResult> {
    if (this.#closed) return { up: false, error: 'closed' };
    const started = performance.now();
    try {
      const redis = await this.#ready(timeoutMs);
      const left = Math.max(50, timeoutMs - (performance.now() - started));
      let timer: NodeJS.Timeout | undefined;
      const answer = await Promise.race([
        redis.ping(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no PONG within ${timeoutMs} ms`)), left);
          timer.unref();
        }),
      ]).finally(() => clearTimeout(timer));
      if (answer !== 'PONG') return { up: false, error: `unexpected answer to PING: ${String(answer).slice(0, 40)}` };
      return { up: true, latencyMs: Math.round((performance.now() - started) * 10) / 10 };
    } catch (err) {
      return { up: false, error: redactText(err instanceof Error ? err.message : String(err)) };
    }
  }

  /** The connection, once ready (for other read-only views such as the incident store). */
  connection(timeoutMs = 1000): Promise<Redis> {
    return this.#ready(timeoutMs);
  }

  /** Workers with a live heartbeat record. */
  async workers(timeoutMs = 1000): Promise<WorkerInfo[]> {
    return listLiveWorkers(await this.#ready(timeoutMs), buildfixKeys(this.#o.prefix));
  }

  #queue(name: string): Queue {
    let q = this.#queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: this.#redis, prefix: this.#o.prefix });
      q.on('error', () => {});
      this.#queues.set(name, q);
    }
    return q;
  }

  /** Live workers and queue depths, as `buildfix status` shows them. */
  async jobStatus(timeoutMs = 2000): Promise<JobSystemStatus> {
    const redis = await this.#ready(timeoutMs);
    return readJobStatus({ redis, redisUrl: this.#o.redisUrl, prefix: this.#o.prefix, queue: (n) => this.#queue(n), knownHosts: this.#o.knownHosts ?? [] });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    // Queues share the connection: closing them must not wait on a dead Redis.
    for (const q of this.#queues.values()) void q.close().catch(() => {});
    this.#queues.clear();
    if (this.#client) await closeRedisConnection(this.#client);
  }
}
