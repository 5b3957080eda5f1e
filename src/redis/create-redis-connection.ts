/**
 * The one place buildfix creates ioredis clients. Roles differ in how they
 * behave while Redis is away:
 * - "blocking": workers, event readers and the worker's publisher. Commands
 *   wait for the reconnect (`maxRetriesPerRequest: null`, as BullMQ requires)
 *   so a Redis restart delays work instead of losing it.
 * - "producer": the chat side submitting jobs. Fails fast (no offline queue,
 *   one retry) so a user hears "Redis is unreachable" at once, not a hang.
 */
import { Redis, type RedisOptions } from 'ioredis';
import { BuildfixError } from '../errors.ts';
import { redactText } from '../util/redact.ts';
import { describeRedisUrl, redisOptionsFromUrl } from './redis-options.ts';

/** The last connection error of each client, so "not reachable" can say why. */
const lastErrors = new WeakMap<Redis, Error>();

const TLS_TRUST_CODES =
  /^(SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT(_LOCALLY)?|CERT_UNTRUSTED)$/;

/** Why a client cannot connect, in words a person can act on (TLS trust problems say how to fix them). */
export function describeRedisError(err: Error): string {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  const message = redactText(err.message);
  if (TLS_TRUST_CODES.test(code))
    return `TLS: ${message} (${code}); if Redis's certificate comes from a private CA, point NODE_EXTRA_CA_CERTS at that CA's PEM file`;
  if (/CERT|TLS|SSL/.test(code)) return `TLS: ${message} (${code})`;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `the host name does not resolve (${code})`;
  if (/NOAUTH|WRONGPASS|invalid (username-)?password/i.test(message)) return `authentication failed: ${message}`;
  return message;
}

/** The last connection error seen on this client, described (undefined when there was none). */
export function lastRedisError(client: Redis): string | undefined {
  const err = lastErrors.get(client);
  return err ? describeRedisError(err) : undefined;
}

/** Waits until the client is ready; otherwise a BF_UPSTREAM error naming the URL (password masked) and the reason. */
export async function waitUntilReady(client: Redis, url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (client.status !== 'ready') {
    if (Date.now() > deadline || client.status === 'end') {
      throw new BuildfixError('BF_UPSTREAM', `Redis at ${describeRedisUrl(url)} is not reachable (${lastRedisError(client) ?? client.status})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export type RedisRole = 'blocking' | 'producer';

export interface CreateRedisConnectionOptions {
  role: RedisRole;
  /** CLIENT SETNAME, shown by `redis-cli client list`. */
  name?: string;
  /** Called for connection errors (ioredis emits them on every failed reconnect). */
  onError?: (err: Error) => void;
  /** Give up connecting after this long per attempt (default 5 s). */
  connectTimeoutMs?: number;
}

// Reconnect quickly at first, then every 2 s at most, forever.
function retryDelay(times: number): number {
  return Math.min(100 * 2 ** Math.min(times, 5), 2000);
}

export function redisConnectionOptions(url: string, options: CreateRedisConnectionOptions): RedisOptions {
  const base = redisOptionsFromUrl(url);
  const common: RedisOptions = {
    ...base,
    connectTimeout: options.connectTimeoutMs ?? 5000,
    retryStrategy: retryDelay,
    ...(options.name ? { connectionName: options.name } : {}),
  };
  if (options.role === 'blocking') {
    return { ...common, maxRetriesPerRequest: null, enableOfflineQueue: true, enableReadyCheck: true };
  }
  return { ...common, maxRetriesPerRequest: 1, enableOfflineQueue: false, enableReadyCheck: true };
}

export function createRedisConnection(url: string, options: CreateRedisConnectionOptions): Redis {
  const client = new Redis(redisConnectionOptions(url, options));
  // An ioredis client without an 'error' listener crashes the process on the first refused reconnect.
  client.on('error', (err: Error) => {
    lastErrors.set(client, err);
    options.onError?.(err);
  });
  client.on('ready', () => lastErrors.delete(client));
  return client;
}

/** Closes a client politely (QUIT) when connected, else drops it at once. */
export async function closeRedisConnection(client: Redis): Promise<void> {
  if (client.status === 'end') return;
  if (client.status === 'ready') {
    try {
      await Promise.race([client.quit(), new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
    } catch {
      // fall through to disconnect
    }
  }
  client.disconnect(false);
}
