/**
 * Queue round trip: enqueue → outcome for a no-op job, through buildfix's own
 * job layer (BullmqDispatcher + `buildfix worker` processes), against raw
 * BullMQ (a bare Queue + Worker + QueueEvents doing nothing) and the
 * in-process dispatcher, in the same run on the same Redis.
 *
 *   node_modules/.bin/node bench/queue-roundtrip.ts [--jobs 2000] [--rounds 5] [--concurrency 16]
 *
 * Figures: round trip p50/p99 (sequential, one job in flight) with 1 and 4
 * workers, and jobs/s with 4 workers (all jobs submitted at once). Workers
 * are separate processes, as in production. Raw and buildfix runs alternate
 * over a few rounds and the medians are reported, so background load on the
 * machine does not favour either side. Loopback Redis only
 * (REDIS_URL, default redis://127.0.0.1:6379); every key is under a unique
 * prefix and deleted at the end. Prints a Markdown table; exits 0.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Queue, QueueEvents, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { loadConfig } from '../src/config/load-config.ts';
import { BullmqDispatcher } from '../src/jobs/bullmq-dispatcher.ts';
import type { Dispatcher } from '../src/jobs/dispatcher.ts';
import { InProcessDispatcher } from '../src/jobs/in-process-dispatcher.ts';
import { createLogger } from '../src/logger.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const NODE = process.execPath;
const SELF = fileURLToPath(import.meta.url);

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

const JOBS = arg('jobs', 2000);
const WARMUP = Math.min(200, JOBS);
const CONCURRENCY = arg('concurrency', 16);
const ROUNDS = arg('rounds', 5);
const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

// ---------------------------------------------------------------------------
// Raw BullMQ worker process: `bench/queue-roundtrip.ts --raw-worker <queue> <prefix> <concurrency>`

if (process.argv[2] === '--raw-worker') {
  const [queue, prefix, conc] = process.argv.slice(3);
  const url = new URL(REDIS_URL);
  const connection = new Redis({ host: url.hostname, port: Number(url.port || 6379), maxRetriesPerRequest: null });
  const worker = new Worker(queue ?? 'raw', async () => ({}), { connection, prefix: prefix ?? 'bench', concurrency: Number(conc) || 1 });
  worker.on('error', () => {});
  await worker.waitUntilReady();
  process.stdout.write('ready\n');
  process.once('SIGTERM', () => {
    void worker.close().then(() => connection.quit().finally(() => process.exit(0)));
  });
} else {
  await main();
}

// ---------------------------------------------------------------------------

interface Figures {
  p50: number;
  p99: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] as number;
}

async function roundTrips(n: number, one: () => Promise<void>): Promise<Figures> {
  for (let i = 0; i < WARMUP; i++) await one();
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await one();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99) };
}

async function throughput(n: number, one: () => Promise<void>, warm = true): Promise<number> {
  if (warm) await Promise.all(Array.from({ length: WARMUP }, one));
  const t0 = performance.now();
  await Promise.all(Array.from({ length: n }, one));
  return n / ((performance.now() - t0) / 1000);
}

async function waitForLine(child: ChildProcess, text: string, timeoutMs: number): Promise<void> {
  let buf = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not print "${text}" within ${timeoutMs} ms`)), timeoutMs);
    child.stdout?.on('data', (d: Buffer) => {
      buf += d.toString();
      if (buf.includes(text)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`worker exited early (${code})`)));
  });
}

async function stopAll(children: ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map(async (c) => {
      if (c.exitCode !== null || c.signalCode !== null) return;
      c.kill('SIGTERM');
      const t = setTimeout(() => c.kill('SIGKILL'), 10_000);
      await once(c, 'exit');
      clearTimeout(t);
    }),
  );
}

interface Side {
  /** One job: submit, then wait for its outcome. */
  one: () => Promise<void>;
  stop: () => Promise<void>;
  pids: number[];
}

// CPU µs used so far: this process, the worker processes (/proc, Linux only), Redis (INFO cpu).
async function cpuNow(side: Side, admin: Redis): Promise<{ producer: number; workers: number; redis: number }> {
  const usage = process.cpuUsage();
  let workers = 0;
  for (const pid of side.pids) {
    try {
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      workers += (Number(f[11]) + Number(f[12])) * 10_000;
    } catch {
      workers = NaN;
    }
  }
  const info = await admin.info('cpu');
  const redis = (Number(/used_cpu_user:([\d.]+)/.exec(info)?.[1]) + Number(/used_cpu_sys:([\d.]+)/.exec(info)?.[1])) * 1e6;
  return { producer: usage.user + usage.system, workers, redis };
}

// A bare BullMQ Queue + QueueEvents here, `workers` bare Worker processes doing nothing.
async function startRaw(workers: number, prefix: string): Promise<Side> {
  const queueName = `raw-${workers}`;
  const url = new URL(REDIS_URL);
  const conn = (): Redis => new Redis({ host: url.hostname, port: Number(url.port || 6379), maxRetriesPerRequest: null });
  const children = Array.from({ length: workers }, () =>
    spawn(NODE, [SELF, '--raw-worker', queueName, prefix, String(CONCURRENCY)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], env: process.env }),
  );
  await Promise.all(children.map((c) => waitForLine(c, 'ready', 20_000)));
  const producer = conn();
  const queue = new Queue(queueName, { connection: producer, prefix });
  const eventsConnection = conn();
  const events = new QueueEvents(queueName, { connection: eventsConnection, prefix });
  await events.waitUntilReady();
  // One shared QueueEvents and a map of waiters: the fastest raw pattern.
  const pending = new Map<string, () => void>();
  events.on('completed', ({ jobId }) => {
    pending.get(jobId)?.();
    pending.delete(jobId);
  });
  const submit = async (timeoutMs: number): Promise<boolean> => {
    const id = randomUUID();
    let timer: NodeJS.Timeout | undefined;
    const done = new Promise<boolean>((resolve) => {
      pending.set(id, () => resolve(true));
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    await queue.add('noop', {}, { jobId: id });
    const ok = await done;
    clearTimeout(timer);
    pending.delete(id);
    return ok;
  };
  // QueueEvents reads from "$" once its first XREAD is in; until then completions are missed. Probe until one is seen.
  for (let i = 0; !(await submit(500)); i++) if (i > 20) throw new Error('raw QueueEvents never saw a completion');
  return {
    pids: children.map((c) => c.pid ?? 0),
    one: async () => {
      if (!(await submit(30_000))) throw new Error('raw BullMQ: no completion event within 30 s');
    },
    stop: async () => {
      await events.close();
      await queue.close();
      await producer.quit();
      await eventsConnection.quit();
      await stopAll(children);
    },
  };
}

// buildfix's BullmqDispatcher here, `workers` real `buildfix worker` processes.
async function startBuildfix(workers: number, prefix: string): Promise<Side> {
  const env = { ...process.env, REDIS_URL, REDIS_PREFIX: prefix, LOG_LEVEL: 'warn', BUILDFIX_CONFIG: '' };
  const hosts = Array.from({ length: workers }, (_, i) => `bench-${workers}-${i}`);
  const children = hosts.map((h) =>
    spawn(NODE, ['bin/buildfix.js', 'worker', '--host', h, '--concurrency', String(CONCURRENCY)], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'], env }),
  );
  const config = loadConfig({ REDIS_URL, REDIS_PREFIX: prefix, BUILDFIX_HOST: 'bench-producer' });
  const dispatcher = new BullmqDispatcher({ config, logger: createLogger({ level: 'warn' }), redisUrl: REDIS_URL, prefix: `{${prefix}}` });
  const deadline = Date.now() + 30_000;
  for (;;) {
    const live = (await dispatcher.status()).workers.filter((w) => hosts.includes(w.host));
    if (live.length === workers) break;
    if (Date.now() > deadline) throw new Error('buildfix workers did not come up');
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    pids: children.map((c) => c.pid ?? 0),
    one: dispatchOne(dispatcher),
    stop: async () => {
      await dispatcher.close();
      await stopAll(children);
    },
  };
}

interface Measured {
  rt: Figures[];
  jps: number[];
  /** CPU µs per job during the throughput runs: [producer, workers, redis]. */
  cpu: Array<[number, number, number]>;
}

async function measureThroughput(side: Side, admin: Redis, into: Measured): Promise<void> {
  await Promise.all(Array.from({ length: WARMUP }, side.one));
  const before = await cpuNow(side, admin);
  into.jps.push(await throughput(JOBS, side.one, false));
  const after = await cpuNow(side, admin);
  into.cpu.push([(after.producer - before.producer) / JOBS, (after.workers - before.workers) / JOBS, (after.redis - before.redis) / JOBS]);
}

// Both sides' workers stay up; measurements alternate raw/buildfix so background load hits both alike.
async function compare(workers: number, prefix: string, withThroughput: boolean): Promise<{ raw: Measured; bf: Measured }> {
  const raw = await startRaw(workers, `${prefix}-raw`);
  const bf = await startBuildfix(workers, `${prefix}-bf`);
  const out = { raw: { rt: [], jps: [], cpu: [] } as Measured, bf: { rt: [], jps: [], cpu: [] } as Measured };
  const url = new URL(REDIS_URL);
  const admin = new Redis({ host: url.hostname, port: Number(url.port || 6379) });
  try {
    for (let r = 0; r < ROUNDS; r++) {
      out.raw.rt.push(await roundTrips(JOBS, raw.one));
      out.bf.rt.push(await roundTrips(JOBS, bf.one));
      if (withThroughput) {
        await measureThroughput(raw, admin, out.raw);
        await measureThroughput(bf, admin, out.bf);
      }
      const last = (m: Measured): string => `${ms((m.rt.at(-1) as Figures).p50)}${withThroughput ? `, ${(m.jps.at(-1) ?? 0).toFixed(0)} jobs/s` : ''}`;
      process.stderr.write(`${workers} worker(s), round ${r + 1}: raw ${last(out.raw)} · buildfix ${last(out.bf)}\n`);
    }
  } finally {
    await raw.stop();
    await bf.stop();
    await admin.quit();
  }
  return out;
}

function dispatchOne(dispatcher: Dispatcher): () => Promise<void> {
  return async () => {
    const h = await dispatcher.submit('noop', {});
    const o = await dispatcher.waitFor(h.id);
    if (!o.ok) throw new Error(`noop failed: ${o.error.message}`);
  };
}

async function inProcessFigures(): Promise<{ rt: Figures; jps: number }> {
  const config = loadConfig({ BUILDFIX_HOST: 'bench-inprocess' });
  const dispatcher = new InProcessDispatcher({ config, logger: createLogger({ level: 'warn' }), concurrency: 4 * CONCURRENCY });
  try {
    const one = dispatchOne(dispatcher);
    const rt = await roundTrips(JOBS, one);
    const jps = await throughput(JOBS, one);
    return { rt, jps };
  } finally {
    await dispatcher.close();
  }
}

async function deletePrefix(prefix: string): Promise<void> {
  const url = new URL(REDIS_URL);
  const redis = new Redis({ host: url.hostname, port: Number(url.port || 6379) });
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `*${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
  await redis.quit();
}

function ms(v: number): string {
  return `${v.toFixed(2)} ms`;
}

function ratio(a: number, b: number): string {
  return `${(a / b).toFixed(2)}×`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] as number;
}

async function main(): Promise<void> {
  const host = new URL(REDIS_URL).hostname;
  if (!['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host)) {
    process.stderr.write(`refusing to benchmark against non-loopback Redis ${host}\n`);
    process.exitCode = 2;
    return;
  }
  const prefix = `bfbench-${randomUUID().slice(0, 8)}`;
  try {
    process.stderr.write(`queue round trip: ${JOBS} no-op jobs per figure, ${ROUNDS} alternating rounds (medians), worker concurrency ${CONCURRENCY}\n`);
    const one = await compare(1, `${prefix}-1`, false);
    const four = await compare(4, `${prefix}-4`, true);
    const inproc = await inProcessFigures();
    const p = (m: Measured, k: keyof Figures): number => median(m.rt.map((f) => f[k]));
    const raw1p50 = p(one.raw, 'p50');
    const bf1p50 = p(one.bf, 'p50');
    const raw1p99 = p(one.raw, 'p99');
    const bf1p99 = p(one.bf, 'p99');
    const raw4p50 = p(four.raw, 'p50');
    const bf4p50 = p(four.bf, 'p50');
    const raw4p99 = p(four.raw, 'p99');
    const bf4p99 = p(four.bf, 'p99');
    const rawJps = median(four.raw.jps);
    const bfJps = median(four.bf.jps);
    const rows: string[][] = [
      ['round trip p50, 1 worker', ms(raw1p50), ms(bf1p50), ratio(bf1p50, raw1p50), ms(inproc.rt.p50)],
      ['round trip p99, 1 worker', ms(raw1p99), ms(bf1p99), ratio(bf1p99, raw1p99), ms(inproc.rt.p99)],
      ['round trip p50, 4 workers', ms(raw4p50), ms(bf4p50), ratio(bf4p50, raw4p50), '—'],
      ['round trip p99, 4 workers', ms(raw4p99), ms(bf4p99), ratio(bf4p99, raw4p99), '—'],
      ['jobs/s, 4 workers', rawJps.toFixed(0), bfJps.toFixed(0), `${ratio(rawJps, bfJps)} (raw ÷ buildfix)`, inproc.jps.toFixed(0)],
    ];
    const out = [
      `| figure (${JOBS} no-op jobs, median of ${ROUNDS} rounds) | raw BullMQ | buildfix over BullMQ | cost ratio | buildfix in-process |`,
      '|---|---:|---:|---:|---:|',
      ...rows.map((r) => `| ${r.join(' | ')} |`),
    ];
    const cpu = (m: Measured, i: number): string => median(m.cpu.map((c) => c[i] as number)).toFixed(0);
    out.push(
      '',
      `CPU per job during the 4-worker throughput runs (µs, median): producer ${cpu(four.raw, 0)} raw / ${cpu(four.bf, 0)} buildfix · workers ${cpu(four.raw, 1)} / ${cpu(four.bf, 1)} · Redis ${cpu(four.raw, 2)} / ${cpu(four.bf, 2)}.`,
    );
    process.stdout.write(`${out.join('\n')}\n`);
  } finally {
    await deletePrefix(prefix);
  }
}
