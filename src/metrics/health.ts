/**
 * GET /healthz: whether this process can do its job. With REDIS_URL it
 * PINGs Redis (short deadline) and lists the workers whose heartbeats are
 * live; Redis not answering → 503, so a load balancer or compose stops
 * sending work here. Without REDIS_URL (jobs in-process) there is nothing
 * external to check: 200, and the body says so. Shutting down → 503.
 * Concurrent probes share one check.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WorkerInfo } from '../jobs/job-types.ts';
import type { RedisStatusReader } from './redis-status-reader.ts';

export interface HealthOptions {
  /** Undefined: in-process mode (no REDIS_URL). */
  reader?: RedisStatusReader | undefined;
  /** PING deadline (default 1000 ms). */
  pingTimeoutMs?: number;
  /** True while the process shuts down (then 503, so it is drained). */
  isClosing?: () => boolean;
  /** Extra facts for the body (replica id, state store …); never secrets. */
  facts?: Record<string, string>;
  now?: () => number;
}

export interface SeenWorker {
  host: string;
  id: string;
  state: WorkerInfo['state'];
  version: string;
  lastSeen: string;
  /** Seconds since its last heartbeat. */
  ageSeconds: number;
  running: number;
}

export interface HealthReport {
  ok: boolean;
  status: 'ok' | 'redis-down' | 'shutting-down';
  mode: 'bullmq' | 'in-process';
  redis: { configured: true; up: true; latencyMs: number } | { configured: true; up: false; error: string } | { configured: false; note: string };
  workers: SeenWorker[];
  /** Why workers could not be listed (Redis up but the read failed). */
  workersError?: string;
  [fact: string]: unknown;
}

export const IN_PROCESS_NOTE = 'REDIS_URL is not set: jobs run inside this process, there is no Redis to check and no separate worker';

function seen(w: WorkerInfo, now: number): SeenWorker {
  const at = Date.parse(w.lastSeen);
  return {
    host: w.host,
    id: w.id,
    state: w.state,
    version: w.version,
    lastSeen: w.lastSeen,
    ageSeconds: Number.isFinite(at) ? Math.max(0, Math.round((now - at) / 100) / 10) : -1,
    running: w.running.length,
  };
}

/** One health check: the HTTP status and the JSON body. */
export async function checkHealth(options: HealthOptions): Promise<{ status: 200 | 503; body: HealthReport }> {
  const now = options.now ?? Date.now;
  const closing = options.isClosing?.() ?? false;
  const facts = options.facts ?? {};
  if (!options.reader) {
    const body: HealthReport = {
      ...facts,
      ok: !closing,
      status: closing ? 'shutting-down' : 'ok',
      mode: 'in-process',
      redis: { configured: false, note: IN_PROCESS_NOTE },
      workers: [],
    };
    return { status: closing ? 503 : 200, body };
  }
  const ping = await options.reader.ping(options.pingTimeoutMs ?? 1000);
  if (!ping.up) {
    const body: HealthReport = {
      ...facts,
      ok: false,
      status: closing ? 'shutting-down' : 'redis-down',
      mode: 'bullmq',
      redis: { configured: true, up: false, error: ping.error },
      workers: [],
    };
    return { status: 503, body };
  }
  let workers: SeenWorker[] = [];
  let workersError: string | undefined;
  try {
    workers = (await options.reader.workers(options.pingTimeoutMs ?? 1000)).map((w) => seen(w, now()));
  } catch (err) {
    workersError = err instanceof Error ? err.message : String(err);
  }
  const body: HealthReport = {
    ...facts,
    ok: !closing,
    status: closing ? 'shutting-down' : 'ok',
    mode: 'bullmq',
    redis: { configured: true, up: true, latencyMs: ping.latencyMs },
    workers,
    ...(workersError ? { workersError } : {}),
  };
  return { status: closing ? 503 : 200, body };
}

/** A node:http / Bolt customRoutes handler for GET|HEAD /healthz. */
export function createHealthHandler(options: HealthOptions): (req: IncomingMessage, res: ServerResponse) => void {
  let inflight: Promise<{ status: 200 | 503; body: HealthReport }> | undefined;
  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'application/json' });
      res.end('{"ok":false,"error":"use GET"}');
      req.resume();
      return;
    }
    inflight ??= checkHealth(options).finally(() => {
      inflight = undefined;
    });
    inflight.then(
      ({ status, body }) => {
        const text = JSON.stringify(body);
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text) });
        res.end(req.method === 'HEAD' ? undefined : text);
      },
      () => {
        if (!res.headersSent) res.writeHead(503, { 'content-type': 'application/json' });
        res.end('{"ok":false,"status":"error"}');
      },
    );
  };
}
