/**
 * HTTP for metrics: the GET /metrics handler (Prometheus text format) and a
 * tiny standalone server with /metrics and /healthz for processes that have
 * no HTTP server of their own (`buildfix worker` on an agent host).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BuildfixMetrics } from './buildfix-metrics.ts';
import { processMetrics } from './metrics.ts';

export const METRICS_PATH = '/metrics';

/** A node:http / Bolt customRoutes handler for GET|HEAD /metrics. */
export function createMetricsHandler(target: BuildfixMetrics = processMetrics()): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' });
      res.end('use GET\n');
      req.resume();
      return;
    }
    target.render().then(
      (text) => {
        res.writeHead(200, { 'content-type': target.contentType, 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text) });
        res.end(req.method === 'HEAD' ? undefined : text);
      },
      () => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('metrics could not be rendered\n');
      },
    );
  };
}

export interface MetricsServerOptions {
  port: number;
  /** Interface to bind (default 0.0.0.0: Prometheus scrapes from elsewhere). */
  host?: string;
  metrics?: BuildfixMetrics;
  /** GET /healthz handler (createHealthHandler); 404 when absent. */
  health?: (req: IncomingMessage, res: ServerResponse) => void;
}

export interface MetricsServer {
  server: Server;
  address: AddressInfo;
  close(): Promise<void>;
}

/** Serves /metrics (and /healthz when given) on its own port. */
export async function serveMetrics(options: MetricsServerOptions): Promise<MetricsServer> {
  const metricsHandler = createMetricsHandler(options.metrics);
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === METRICS_PATH) return metricsHandler(req, res);
    if (path === '/healthz' && options.health) return options.health(req, res);
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found\n');
    req.resume();
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 15_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    server,
    address: server.address() as AddressInfo,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
