/**
 * node:http transport for handleWebhook: reads the body with a hard cap
 * (Content-Length over the cap is refused before reading a byte; a chunked
 * body is cut off as soon as it passes the cap), answers, and only then
 * hands the outcome to `onOutcome` so a slow Slack post never delays the
 * sender's 2xx (GitHub gives up after 10 s).
 *
 * Usable as Bolt customRoutes handlers (`handleWebhookHttp('github', req, res, deps)`)
 * or as a whole request listener for POST /webhooks/{jenkins,github,gitlab}.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CiEventSource } from './ci-event.ts';
import { handleWebhook, type WebhookDeps, type WebhookOutcome } from './handle-webhook.ts';
import { redactDeep } from '../util/redact.ts';
import { MAX_WEBHOOK_BODY_BYTES } from './webhook-limits.ts';

export const WEBHOOK_PATHS: Readonly<Record<string, CiEventSource>> = {
  '/webhooks/jenkins': 'jenkins',
  '/webhooks/github': 'github',
  '/webhooks/gitlab': 'gitlab',
};

export type ReadBodyResult = { ok: true; body: Buffer } | { ok: false; status: 400 | 413; error: string };

/** Reads at most `limit` bytes; stops reading (pauses the request) once the cap is passed. */
export function readLimitedBody(req: IncomingMessage, limit = MAX_WEBHOOK_BODY_BYTES): Promise<ReadBodyResult> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve({ ok: false, status: 413, error: `body larger than ${limit} bytes` });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (result: ReadBodyResult): void => {
      if (done) return;
      done = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      resolve(result);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        req.pause();
        finish({ ok: false, status: 413, error: `body larger than ${limit} bytes` });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => finish({ ok: true, body: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size) });
    const onError = (): void => finish({ ok: false, status: 400, error: 'the request body could not be read' });
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

function queryOf(url: string | undefined): Record<string, string> {
  const q = url?.indexOf('?') ?? -1;
  if (!url || q === -1) return {};
  return Object.fromEntries(new URLSearchParams(url.slice(q + 1)));
}

// Every answer goes through here: what it quotes from the payload (pipeline key, reasons, parse errors) is redacted.
function send(res: ServerResponse, status: number, body: unknown, close = false): void {
  const text = JSON.stringify(redactDeep(body));
  const headers: Record<string, string | number> = { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) };
  if (close) headers.connection = 'close';
  res.writeHead(status, headers);
  res.end(text);
}

export interface WebhookHttpOptions {
  /** Called after the response is sent, for every outcome (opened, grouped, recovered, duplicate, ignored). */
  onOutcome?: (outcome: WebhookOutcome) => void | Promise<void>;
}

/** Handles one webhook request for a known source (e.g. from a Bolt custom route). */
export async function handleWebhookHttp(
  source: CiEventSource,
  req: IncomingMessage,
  res: ServerResponse,
  deps: WebhookDeps,
  options: WebhookHttpOptions = {},
): Promise<void> {
  if (req.method !== 'POST') {
    res.setHeader('allow', 'POST');
    send(res, 405, { ok: false, error: 'use POST' });
    req.resume();
    return;
  }
  const read = await readLimitedBody(req, deps.maxBodyBytes ?? MAX_WEBHOOK_BODY_BYTES);
  if (!read.ok) {
    // Close the connection: the rest of an oversized body is never read.
    send(res, read.status, { ok: false, error: read.error }, true);
    res.once('finish', () => req.destroy());
    return;
  }
  const result = await handleWebhook(source, { rawBody: read.body, headers: req.headers, query: queryOf(req.url) }, deps);
  send(res, result.status, result.body);
  if (result.outcome && options.onOutcome) {
    try {
      await options.onOutcome(result.outcome);
    } catch (err) {
      deps.logger?.error({ err, source }, 'acting on a webhook outcome failed');
    }
  }
}

/** A request listener serving POST /webhooks/{jenkins,github,gitlab}; 404 for other paths. */
export function createWebhookListener(deps: WebhookDeps, options: WebhookHttpOptions = {}): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const source = WEBHOOK_PATHS[path.replace(/\/+$/, '')];
    if (!source) {
      send(res, 404, { ok: false, error: 'not found' });
      req.resume();
      return;
    }
    handleWebhookHttp(source, req, res, deps, options).catch((err: unknown) => {
      deps.logger?.error({ err, source }, 'webhook request failed');
      if (!res.headersSent) send(res, 500, { ok: false, error: 'internal error' });
    });
  };
}
