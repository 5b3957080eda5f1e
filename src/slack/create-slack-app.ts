/**
 * The Slack app in HTTP mode: one node:http server in front of Bolt's
 * HTTPReceiver. Slash commands, interactivity and events all arrive at
 * POST /slack/events and are verified with the signing secret (v0 HMAC; a
 * stale, future-dated or bad signature gets 401 and nothing runs); GET
 * /healthz answers load balancers. This side only verifies, parses and
 * acks: `authorize` never calls Slack, and everything after the ack goes to
 * a TaskSink (in production a handler thread), so every ack depends on this
 * thread alone and start-up never waits for auth.test. CI webhooks
 * (POST /webhooks/{jenkins,github,gitlab}) share the server: their bodies
 * are read here and handed to the handler side (webhook-bridge.ts).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver } from '@slack/bolt';
import type { Logger } from '../logger.ts';
import { registerListeners } from './listeners/register.ts';
import { toSlackLogger } from './slack-logger.ts';
import type { TaskSink } from './task-sink.ts';
import { isWebhookPath, WebhookForwarder } from './webhook-bridge.ts';

export const SLACK_EVENTS_PATH = '/slack/events';
export const HEALTH_PATH = '/healthz';
/** Bolt rejects timestamps older than this; we also reject ones this far in the future. */
const MAX_CLOCK_SKEW_S = 5 * 60;

export interface SlackAppOptions {
  signingSecret: string;
  botToken: string;
  sink: TaskSink;
  logger: Logger;
  replicaId: string;
  /** Extra facts for /healthz (job mode, state store). */
  health?: Record<string, string>;
  /** GET /healthz with Redis and worker checks (replaces the simple one) and GET /metrics. */
  observability?: { healthHandler: (req: IncomingMessage, res: ServerResponse) => void; metricsHandler: (req: IncomingMessage, res: ServerResponse) => void };
  /** Clock for the future-timestamp check (tests). */
  now?: () => number;
}

export interface SlackApp {
  readonly app: App;
  readonly server: Server;
  listen(port: number, host?: string): Promise<AddressInfo>;
  /** Graceful: /healthz 503, stop taking requests, then the sink's own graceful close. */
  close(graceMs: number): Promise<void>;
}

function noBody(res: ServerResponse, status: number): void {
  res.writeHead(status);
  res.end();
}

export function createSlackApp(options: SlackAppOptions): SlackApp {
  const logger = options.logger.child({ component: 'slack-http' });
  const boltLogger = toSlackLogger(options.logger, 'bolt');
  const now = options.now ?? Date.now;
  let closing = false;

  const health = (_req: IncomingMessage, res: ServerResponse): void => {
    res.writeHead(closing ? 503 : 200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify({ ok: !closing, replica: options.replicaId, ...options.health }));
  };

  const receiver = new HTTPReceiver({
    signingSecret: options.signingSecret,
    endpoints: [SLACK_EVENTS_PATH],
    customRoutes: [
      { path: HEALTH_PATH, method: ['GET', 'HEAD'], handler: options.observability?.healthHandler ?? health },
      ...(options.observability ? [{ path: '/metrics', method: ['GET', 'HEAD'], handler: options.observability.metricsHandler }] : []),
    ],
    logger: boltLogger,
    processBeforeResponse: false,
  });
  const app = new App({
    receiver,
    logger: boltLogger,
    // Never calls Slack (no auth.test before an ack); the handler side learns the bot's identity itself.
    authorize: async () => ({ botToken: options.botToken }),
  });
  registerListeners(app, (task) => options.sink.handle(task), options.logger);
  const webhooks = new WebhookForwarder({ replicaId: options.replicaId, logger: options.logger });

  const server = createServer((req, res) => {
    if (isWebhookPath(req.url)) {
      webhooks.handle(req, res);
      return;
    }
    // Bolt only rejects stale timestamps; a request dated far in the future is a replay-in-waiting.
    const ts = Number(req.headers['x-slack-request-timestamp']);
    if (req.method === 'POST' && Number.isFinite(ts) && ts - now() / 1000 > MAX_CLOCK_SKEW_S) {
      logger.warn({ ts }, 'request timestamp is in the future; refused');
      req.resume();
      noBody(res, 401);
      return;
    }
    if (closing) res.setHeader('connection', 'close');
    try {
      receiver.requestListener(req, res);
    } catch {
      if (!res.headersSent) noBody(res, 404);
    }
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 15_000;
  server.keepAliveTimeout = 65_000;

  return {
    app,
    server,
    async listen(port: number, host?: string): Promise<AddressInfo> {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      return server.address() as AddressInfo;
    },
    async close(graceMs: number): Promise<void> {
      if (closing) return;
      closing = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      webhooks.close();
      await options.sink.close(graceMs);
      server.closeAllConnections();
      await closed;
    },
  };
}
