/**
 * CI webhooks (POST /webhooks/{jenkins,github,gitlab}) on the Slack app's own
 * HTTP server, without making Slack's acks wait for them:
 *
 *   HTTP thread     reads the body (capped: 413 past MAX_WEBHOOK_BODY_BYTES,
 *                   before reading a byte when Content-Length says so) and
 *                   hands bytes + headers over a BroadcastChannel named after
 *                   the replica;
 *   handler side    (the thread that owns the incident store and the Slack
 *                   client) authenticates, parses, deduplicates and stores
 *                   (src/webhooks/handle-webhook.ts), answers, and only then
 *                   acts on the outcome (the alert).
 *
 * No answer in time (the handler side is restarting or swamped) → 503, so the
 * sender retries; retried deliveries are deduplicated.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BroadcastChannel } from 'node:worker_threads';
import type { Logger } from '../logger.ts';
import type { CiEventSource } from '../webhooks/ci-event.ts';
import { handleWebhook, type HeaderBag, type WebhookDeps, type WebhookOutcome } from '../webhooks/handle-webhook.ts';
import { readLimitedBody, WEBHOOK_PATHS } from '../webhooks/webhook-http.ts';
import { MAX_WEBHOOK_BODY_BYTES } from '../webhooks/webhook-limits.ts';

export const WEBHOOK_PATH_PREFIX = '/webhooks/';
/** GitHub gives up after 10 s: answer 503 before that. */
const DEFAULT_TIMEOUT_MS = 8000;

interface BridgeRequest {
  type: 'webhook-request';
  id: string;
  source: CiEventSource;
  body: Uint8Array;
  headers: HeaderBag;
  query: Record<string, string>;
}

interface BridgeResponse {
  type: 'webhook-response';
  id: string;
  status: number;
  body: Record<string, unknown>;
}

type BridgeMessage = BridgeRequest | BridgeResponse;

/** One channel per replica: two apps in one process never answer each other's webhooks. */
export function webhookChannelName(replicaId: string): string {
  return `buildfix:webhooks:${replicaId}`;
}

export function isWebhookPath(url: string | undefined): boolean {
  const path = (url ?? '/').split('?')[0] ?? '/';
  return path === '/webhooks' || path.startsWith(WEBHOOK_PATH_PREFIX);
}

// Node's BroadcastChannel has unref(); @types/node does not declare it.
function unref(channel: BroadcastChannel): void {
  (channel as unknown as { unref?: () => void }).unref?.();
}

function send(res: ServerResponse, status: number, body: Record<string, unknown>, close = false): void {
  const text = JSON.stringify(body);
  const headers: Record<string, string | number> = {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  };
  if (close) headers.connection = 'close';
  res.writeHead(status, headers);
  res.end(text);
}

export interface WebhookForwarderOptions {
  replicaId: string;
  logger: Logger;
  timeoutMs?: number;
  maxBodyBytes?: number;
}

/** The HTTP thread's half. */
export class WebhookForwarder {
  readonly #channel: BroadcastChannel;
  readonly #log: Logger;
  readonly #timeoutMs: number;
  readonly #maxBodyBytes: number;
  readonly #pending = new Map<string, (answer: BridgeResponse | undefined) => void>();
  readonly #idPrefix = randomBytes(4).toString('hex');
  #seq = 0;
  #closed = false;

  constructor(options: WebhookForwarderOptions) {
    this.#log = options.logger.child({ component: 'webhooks-http' });
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#maxBodyBytes = options.maxBodyBytes ?? MAX_WEBHOOK_BODY_BYTES;
    this.#channel = new BroadcastChannel(webhookChannelName(options.replicaId));
    this.#channel.onmessage = (event) => {
      const m = event.data as BridgeMessage;
      if (m?.type !== 'webhook-response') return;
      const resolve = this.#pending.get(m.id);
      this.#pending.delete(m.id);
      resolve?.(m);
    };
    unref(this.#channel);
  }

  /** Serves one /webhooks/* request; never throws. */
  handle(req: IncomingMessage, res: ServerResponse): void {
    this.#handle(req, res).catch((err: unknown) => {
      this.#log.error({ err }, 'webhook request failed');
      if (!res.headersSent) send(res, 500, { ok: false, error: 'internal error' });
    });
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const [path = '/', rawQuery = ''] = (req.url ?? '/').split('?', 2);
    const source = WEBHOOK_PATHS[path.replace(/\/+$/, '')];
    if (!source) {
      req.resume();
      send(res, 404, { ok: false, error: `no webhook here: use ${Object.keys(WEBHOOK_PATHS).join(', ')}` });
      return;
    }
    if (req.method !== 'POST') {
      req.resume();
      res.setHeader('allow', 'POST');
      send(res, 405, { ok: false, error: 'use POST' });
      return;
    }
    if (this.#closed) {
      req.resume();
      send(res, 503, { ok: false, error: 'buildfix is shutting down; retry the delivery' }, true);
      return;
    }
    const read = await readLimitedBody(req, this.#maxBodyBytes);
    if (!read.ok) {
      // The rest of an oversized body is never read: close the connection.
      send(res, read.status, { ok: false, error: read.error }, true);
      res.once('finish', () => req.destroy());
      return;
    }
    const id = `${this.#idPrefix}-${++this.#seq}`;
    const answer = new Promise<BridgeResponse | undefined>((resolve) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        resolve(undefined);
      }, this.#timeoutMs);
      this.#pending.set(id, (a) => {
        clearTimeout(timer);
        resolve(a);
      });
    });
    const message: BridgeRequest = {
      type: 'webhook-request',
      id,
      source,
      body: read.body,
      headers: req.headers,
      query: Object.fromEntries(new URLSearchParams(rawQuery)),
    };
    this.#channel.postMessage(message);
    const reply = await answer;
    if (!reply) {
      this.#log.warn({ source }, 'the handler side did not answer a webhook in time: 503');
      send(res, 503, { ok: false, error: 'buildfix is busy or restarting; retry the delivery' });
      return;
    }
    send(res, reply.status, reply.body);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const resolve of this.#pending.values()) resolve(undefined);
    this.#pending.clear();
    this.#channel.close();
  }
}

export interface WebhookReceiverOptions {
  replicaId: string;
  deps: WebhookDeps;
  logger: Logger;
  /** Runs after the sender has its answer (alerts, automatic diagnosis). */
  onOutcome: (outcome: WebhookOutcome) => void;
  /** Awaited before each request (e.g. the store's Redis connection becoming ready). */
  beforeHandle?: () => Promise<void>;
}

/** The handler side's half. */
export class WebhookReceiver {
  readonly #o: WebhookReceiverOptions;
  readonly #log: Logger;
  #channel: BroadcastChannel | undefined;

  constructor(options: WebhookReceiverOptions) {
    this.#o = options;
    this.#log = options.logger.child({ component: 'webhooks' });
  }

  start(): void {
    if (this.#channel) return;
    const channel = new BroadcastChannel(webhookChannelName(this.#o.replicaId));
    channel.onmessage = (event) => {
      const m = event.data as BridgeMessage;
      if (m?.type === 'webhook-request') void this.#serve(channel, m);
    };
    unref(channel);
    this.#channel = channel;
  }

  async #serve(channel: BroadcastChannel, m: BridgeRequest): Promise<void> {
    let reply: BridgeResponse;
    let outcome: WebhookOutcome | undefined;
    try {
      await this.#o.beforeHandle?.();
      const body = Buffer.from(m.body.buffer, m.body.byteOffset, m.body.byteLength);
      const result = await handleWebhook(m.source, { rawBody: body, headers: m.headers, query: m.query }, this.#o.deps);
      reply = { type: 'webhook-response', id: m.id, status: result.status, body: result.body };
      outcome = result.outcome;
    } catch (err) {
      this.#log.error({ err, source: m.source }, 'webhook handling failed');
      reply = { type: 'webhook-response', id: m.id, status: 500, body: { ok: false, error: 'internal error' } };
    }
    try {
      channel.postMessage(reply);
    } catch {
      return; // closed meanwhile: the HTTP side answers 503
    }
    if (outcome && outcome.kind !== 'duplicate' && outcome.kind !== 'ignored') this.#o.onOutcome(outcome);
  }

  close(): void {
    this.#channel?.close();
    this.#channel = undefined;
  }
}
