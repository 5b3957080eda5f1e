/**
 * CI webhook ingestion: GitHub `workflow_run` failure deliveries per second
 * through handleWebhook, with the X-Hub-Signature-256 check (HMAC over the
 * ~22 KB real payload), zod validation, Redis dedup (SET … EX on delivery id
 * + event hash, one Lua call) and the Redis grouping script — and, over
 * loopback HTTP, through the node:http transport in a separate server process.
 *
 *   node_modules/.bin/node bench/webhook-ingest.ts [--deliveries 5000] [--concurrency 32] [--pipelines 20]
 *   node_modules/.bin/node bench/webhook-ingest.ts --url http://127.0.0.1:3000/webhooks/github --secret S
 *
 * With --url the HTTP rows target that server (e.g. `buildfix serve`, whose
 * GITHUB_WEBHOOK_SECRET must be S) instead of the built-in one; the direct
 * rows still run here. Every delivery is unique (new delivery id, new run id)
 * unless the row says "duplicate". Bodies and signatures are made before the
 * clock starts. Loopback Redis (REDIS_URL, default redis://127.0.0.1:6379);
 * keys live under a unique prefix and are deleted at the end. Prints a
 * Markdown table; exits 0.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';
import { Pool } from 'undici';
import { MemoryIncidentStore } from '../src/incidents/memory-incident-store.ts';
import { RedisIncidentStore } from '../src/incidents/redis-incident-store.ts';
import { closeRedisConnection, createRedisConnection } from '../src/redis/create-redis-connection.ts';
import { MemoryDeliveryDedup, RedisDeliveryDedup } from '../src/webhooks/delivery-dedup.ts';
import { handleWebhook, type WebhookDeps } from '../src/webhooks/handle-webhook.ts';
import { signGithubBody } from '../src/webhooks/verify-credentials.ts';
import { createWebhookListener } from '../src/webhooks/webhook-http.ts';
import { percentile } from './lib/stats.ts';

const SELF = fileURLToPath(import.meta.url);
const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
function numArg(name: string, fallback: number): number {
  const v = Number(arg(name));
  return Number.isFinite(v) && v > 0 ? Math.floor(v) : fallback;
}

async function connect(name: string): Promise<Redis> {
  const redis = createRedisConnection(REDIS_URL, { role: 'producer', name });
  const deadline = Date.now() + 5000;
  while (redis.status !== 'ready') {
    if (Date.now() > deadline) throw new Error(`Redis at ${REDIS_URL} is not reachable`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return redis;
}

// ---------------------------------------------------------------------------
// Server process: `bench/webhook-ingest.ts --serve <prefix> <secret>` prints its port.

if (process.argv[2] === '--serve') {
  const [prefix = '{bench}', secret = ''] = process.argv.slice(3);
  const redis = await connect('buildfix-bench-webhook-server');
  const deps: WebhookDeps = {
    secrets: { githubSecret: secret },
    store: new RedisIncidentStore({ redis, prefix }),
    dedup: new RedisDeliveryDedup({ redis, prefix }),
  };
  const server = createServer({ keepAliveTimeout: 60_000 }, createWebhookListener(deps));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  process.stdout.write(`port ${(server.address() as AddressInfo).port}\n`);
  process.once('SIGTERM', () => {
    server.closeAllConnections();
    server.close(() => void closeRedisConnection(redis).finally(() => process.exit(0)));
  });
} else {
  await main();
}

// ---------------------------------------------------------------------------

interface Delivery {
  body: Buffer;
  headers: Record<string, string>;
}

/** Unique failing workflow_run deliveries over `pipelines` workflows, from the real octokit example payload. */
function makeDeliveries(n: number, pipelines: number, secret: string, runBase: number, o: { action?: string; badSignature?: boolean } = {}): Delivery[] {
  const template = JSON.parse(readFileSync(new URL('../test/fixtures/webhooks/github/workflow_run.completed.payload.json', import.meta.url), 'utf8')) as {
    action: string;
    workflow: { name: string };
    workflow_run: { id: number; run_number: number; conclusion: string | null; status: string };
  };
  template.action = o.action ?? 'completed';
  template.workflow_run.conclusion = o.action === 'in_progress' ? null : 'failure';
  template.workflow_run.status = o.action === 'in_progress' ? 'in_progress' : 'completed';
  template.workflow.name = '@@WF@@';
  template.workflow_run.id = 777000000001;
  template.workflow_run.run_number = 777000002;
  const [a = '', rest = ''] = JSON.stringify(template).split('"@@WF@@"');
  const out: Delivery[] = [];
  for (let i = 0; i < n; i++) {
    const run = runBase + i;
    const text = `${a}"CI-${i % pipelines}"${rest}`.replace('777000000001', String(run)).replace('777000002', String(run % 1_000_000));
    const body = Buffer.from(text);
    out.push({
      body,
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'workflow_run',
        'x-github-delivery': randomUUID(),
        'x-hub-signature-256': o.badSignature ? signGithubBody('wrong-secret', body) : signGithubBody(secret, body),
        'user-agent': 'GitHub-Hookshot/bench',
      },
    });
  }
  return out;
}

interface Row {
  path: string;
  scenario: string;
  deliveries: number;
  concurrency: number;
  perSecond: number;
  p50: number;
  p99: number;
  statuses: string;
}

async function drive(path: string, scenario: string, items: readonly Delivery[], concurrency: number, send: (d: Delivery) => Promise<number>): Promise<Row> {
  const latencies = new Float64Array(items.length);
  const statuses = new Map<number, number>();
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const k = next++;
        const s = performance.now();
        const status = await send(items[k] as Delivery);
        latencies[k] = performance.now() - s;
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const sorted = [...latencies].sort((x, y) => x - y);
  return {
    path,
    scenario,
    deliveries: items.length,
    concurrency,
    perSecond: items.length / seconds,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    statuses: [...statuses.entries()].map(([k, v]) => `${k}×${v}`).join(' '),
  };
}

async function waitForPort(child: ChildProcess, timeoutMs: number): Promise<number> {
  let buf = '';
  return new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the webhook server did not start')), timeoutMs);
    child.stdout?.on('data', (d: Buffer) => {
      buf += d.toString();
      const m = /port (\d+)/.exec(buf);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code) => reject(new Error(`the webhook server exited (${code})`)));
  });
}

async function deleteUnder(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [nextCursor, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = nextCursor;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
}

async function main(): Promise<void> {
  const N = numArg('deliveries', 5000);
  const C = numArg('concurrency', 32);
  const P = numArg('pipelines', 20);
  const WARMUP = Math.min(500, N);
  const targetUrl = arg('url');
  const secret = arg('secret') ?? `bench-secret-${randomUUID()}`;
  const prefix = `{bench-webhooks-${randomUUID().slice(0, 8)}}`;
  const redis = await connect('buildfix-bench-webhook');
  const rows: Row[] = [];
  let server: ChildProcess | undefined;
  try {
    const deps: WebhookDeps = {
      secrets: { githubSecret: secret },
      store: new RedisIncidentStore({ redis, prefix }),
      dedup: new RedisDeliveryDedup({ redis, prefix }),
    };
    const direct = (d: WebhookDeps) => async (x: Delivery) => (await handleWebhook('github', { rawBody: x.body, headers: x.headers }, d)).status;

    // Warm up JIT, script cache and connection.
    await drive('direct', 'warm-up', makeDeliveries(WARMUP, P, secret, 1_000_000), C, direct(deps));

    const fresh = makeDeliveries(N, P, secret, 2_000_000);
    rows.push(await drive('direct (Redis)', 'new failures: verify + dedup + group', fresh, C, direct(deps)));
    rows.push(await drive('direct (Redis)', 'same deliveries again: duplicate', fresh, C, direct(deps)));
    rows.push(
      await drive('direct', 'in_progress runs: verify + parse, ignored', makeDeliveries(N, P, secret, 3_000_000, { action: 'in_progress' }), C, direct(deps)),
    );
    rows.push(await drive('direct', 'bad signature: 401', makeDeliveries(N, P, secret, 4_000_000, { badSignature: true }), C, direct(deps)));
    const groupedTotal = (await deps.store.listOpen()).reduce((sum, i) => sum + i.failureCount, 0);

    const memoryDeps: WebhookDeps = { secrets: { githubSecret: secret }, store: new MemoryIncidentStore(), dedup: new MemoryDeliveryDedup() };
    rows.push(await drive('direct (in-process)', 'new failures: verify + dedup + group', makeDeliveries(N, P, secret, 5_000_000), C, direct(memoryDeps)));

    let url = targetUrl;
    if (!url) {
      server = spawn(process.execPath, [SELF, '--serve', prefix, secret], { stdio: ['ignore', 'pipe', 'inherit'], env: process.env });
      url = `http://127.0.0.1:${await waitForPort(server, 10_000)}/webhooks/github`;
    }
    const target = new URL(url);
    const pool = new Pool(target.origin, { connections: C, pipelining: 1 });
    const http = async (x: Delivery): Promise<number> => {
      const res = await pool.request({ path: `${target.pathname}${target.search}`, method: 'POST', headers: x.headers, body: x.body });
      await res.body.dump();
      return res.statusCode;
    };
    const label = targetUrl ? `HTTP ${target.host}` : 'HTTP loopback (Redis)';
    try {
      await drive(label, 'warm-up', makeDeliveries(WARMUP, P, secret, 6_000_000), C, http);
      const overHttp = makeDeliveries(N, P, secret, 7_000_000);
      rows.push(await drive(label, 'new failures: verify + dedup + group', overHttp, C, http));
      rows.push(await drive(label, 'same deliveries again: duplicate', overHttp, C, http));
    } finally {
      await pool.close();
    }

    const out: string[] = [];
    out.push(
      `GitHub workflow_run failure deliveries (${fresh[0]?.body.length ?? 0} B body, HMAC-SHA256 verified), ${P} pipelines, concurrency ${C}, ${cpus().length} CPUs, Node ${process.version}, Redis on loopback.`,
      '',
    );
    out.push('| path | scenario | deliveries | deliveries/s | p50 ms | p99 ms | statuses |', '|---|---|---:|---:|---:|---:|---|');
    for (const r of rows)
      out.push(`| ${r.path} | ${r.scenario} | ${r.deliveries} | ${Math.round(r.perSecond)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.statuses} |`);
    out.push(
      '',
      `Check: the ${N} new failures (plus ${WARMUP} warm-up) grouped into ${P} open incidents whose counters sum to ${groupedTotal} (expected ${N + WARMUP}); the duplicate rows added nothing.`,
    );
    process.stdout.write(`${out.join('\n')}\n`);
  } finally {
    if (server && server.exitCode === null) {
      server.kill('SIGTERM');
      await once(server, 'exit').catch(() => {});
    }
    await deleteUnder(redis, prefix);
    await closeRedisConnection(redis);
  }
}
