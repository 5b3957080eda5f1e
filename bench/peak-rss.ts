/**
 * Peak resident memory of `buildfix serve` and of a `buildfix worker` under
 * load: signed slash commands at a fixed rate (open loop, 100/s for 20 s by
 * default) against serve (real Redis, the fake Slack Web API), with the
 * worker running the probe jobs they queue (the job dedup keys are cleared
 * every second so probes keep running). VmHWM (the kernel's high-water mark
 * of RSS, worker threads included) is read from /proc/<pid>/status. Target:
 * under 200 MB each.
 *
 * Two runs: from the TypeScript sources (what `npm start` runs), and
 * bundled as in the Docker image (dist/ from `npm run build`, no src/, with
 * the NODE_OPTIONS the Dockerfile sets).
 *
 *   node_modules/.bin/node bench/peak-rss.ts
 *   BENCH_SECONDS=5 BENCH_RUNS=image node_modules/.bin/node bench/peak-rss.ts   # quick check
 *   BENCH_NODE_OPTIONS=--max-semi-space-size=2 …                             # try other V8 flags for the image run
 *
 * Loopback only; Redis at REDIS_URL (default redis://127.0.0.1:6379) under a
 * unique prefix deleted at the end. Prints a Markdown table; exits 0 (1 if a
 * process died).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { freePort, startGoProxyFake } from '../test/fakes/goproxy-server.ts';
import { startSlackApiFake, type SlackApiFake } from '../test/fakes/slack-api.ts';
import { deletePrefix, uniquePrefix } from '../test/helpers/slack-processes.ts';
import { postSigned, slashCommandBody, TEST_SIGNING_SECRET } from '../test/helpers/slack-sign.ts';
import { buildShippedApp } from './lib/build-app.ts';
import { fmt, percentile } from './lib/stats.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const TARGET_MIB = 200;
const TEXTS = ['probe', 'probe agent-01', 'status', 'hostcheck agent-01', 'diagnose payments', 'help', 'diagnos payments', 'probe'];

interface Proc {
  child: ChildProcess;
  exited: boolean;
  stop(): Promise<number | null>;
}

function startProc(bin: string, args: string[], env: Record<string, string>, ready: RegExp): Promise<Proc> {
  const child = spawn(process.execPath, [bin, ...args], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const proc: Proc = {
    child,
    exited: false,
    async stop() {
      if (proc.exited) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      clearTimeout(timer);
      return code;
    },
  };
  child.once('exit', () => (proc.exited = true));
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${args[0]} not ready:\n${out}`)), 30_000);
    const onData = (d: Buffer): void => {
      if (out.length < 100_000) out += d.toString();
      if (ready.test(out)) {
        clearTimeout(timer);
        resolve(proc);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${args[0]} exited with ${code}:\n${out}`));
    });
  });
}

interface Memory {
  rssKiB: number;
  hwmKiB: number;
}

async function memoryOf(pid: number | undefined): Promise<Memory> {
  if (pid === undefined) return { rssKiB: NaN, hwmKiB: NaN };
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kib = (key: string): number => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN);
    return { rssKiB: kib('VmRSS'), hwmKiB: kib('VmHWM') };
  } catch {
    return { rssKiB: NaN, hwmKiB: NaN };
  }
}

async function clearDedup(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `{${prefix}}:*:de:*`, 'COUNT', 500);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== '0');
}

/** NODE_OPTIONS as the Dockerfile's ENV sets it (empty when it sets none). */
async function imageNodeOptions(): Promise<string> {
  const text = await readFile(join(ROOT, 'Dockerfile'), 'utf8');
  return /^ENV\s+NODE_OPTIONS=("?)([^"\n]*)\1\s*$/m.exec(text)?.[2] ?? '';
}

interface RunResult {
  label: string;
  idle: { serve: Memory; worker: Memory };
  end: { serve: Memory; worker: Memory };
  peak: { serve: number; worker: number };
  sent: number;
  achieved: number;
  latencies: number[];
  non200: number;
  probes: number;
  alive: boolean;
}

async function loadRun(
  label: string,
  bin: string,
  extraEnv: Record<string, string>,
  ctx: { redisUrl: string; goproxyUrl: string; slack: SlackApiFake; work: string; rate: number; seconds: number },
): Promise<RunResult> {
  const prefix = uniquePrefix();
  const common = {
    ...extraEnv,
    REDIS_URL: ctx.redisUrl,
    REDIS_PREFIX: prefix,
    BUILDFIX_CONFIG: join(ctx.work, 'buildfix.yaml'),
    GOPROXY: ctx.goproxyUrl,
    GOSUMDB: 'off',
    GOFLAGS: '-mod=mod',
    LOG_LEVEL: 'warn',
  };
  const port = await freePort();
  const worker = await startProc(bin, ['worker', '--host', 'agent-01'], { ...common, LOG_LEVEL: 'info' }, /"msg":"worker ready"/);
  const serve = await startProc(
    bin,
    ['serve', '--listen', '127.0.0.1', '--port', String(port), '--grace-ms', '500'],
    { ...common, SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET, SLACK_API_URL: ctx.slack.apiUrl },
    /buildfix serve listening on/,
  );
  const eventsUrl = `http://127.0.0.1:${port}/slack/events`;
  const redis = new Redis(ctx.redisUrl);
  ctx.slack.reset();
  try {
    await new Promise((r) => setTimeout(r, 1500));
    const idle = { serve: await memoryOf(serve.child.pid), worker: await memoryOf(worker.child.pid) };
    const peak = { serve: 0, worker: 0 };
    const sampler = setInterval(() => {
      void memoryOf(serve.child.pid).then((m) => (peak.serve = Math.max(peak.serve, m.hwmKiB || 0)));
      void memoryOf(worker.child.pid).then((m) => (peak.worker = Math.max(peak.worker, m.hwmKiB || 0)));
    }, 100);
    const dedup = setInterval(() => void clearDedup(redis, prefix).catch(() => {}), 1000);
    process.stderr.write(`${label}: ${ctx.rate} signed slash commands/s for ${ctx.seconds} s against serve, probes running on the worker\n`);
    const agent = new Agent({ keepAlive: true, maxSockets: 256 });
    const total = Math.round(ctx.rate * ctx.seconds);
    const latencies: number[] = [];
    let non200 = 0;
    const inflight: Array<Promise<void>> = [];
    const started = performance.now();
    for (let i = 0; i < total; i++) {
      const wait = started + (i * 1000) / ctx.rate - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const body = slashCommandBody({
        text: TEXTS[i % TEXTS.length] ?? 'status',
        channel_id: `CRSS${i % 50}`,
        user_id: 'U0BENCH01',
        response_url: ctx.slack.responseUrl(),
      });
      inflight.push(
        postSigned(eventsUrl, body, { agent, timeoutMs: 10_000 }).then(
          (res) => {
            latencies.push(res.ms);
            if (res.status !== 200) non200++;
          },
          () => {
            non200++;
          },
        ),
      );
    }
    await Promise.all(inflight);
    const achieved = total / ((performance.now() - started) / 1000);
    // Queued jobs and replies drain after the last ack: memory can peak then.
    await new Promise((r) => setTimeout(r, 5000));
    clearInterval(sampler);
    clearInterval(dedup);
    agent.destroy();
    const end = { serve: await memoryOf(serve.child.pid), worker: await memoryOf(worker.child.pid) };
    peak.serve = Math.max(peak.serve, end.serve.hwmKiB || 0);
    peak.worker = Math.max(peak.worker, end.worker.hwmKiB || 0);
    const probes = ctx.slack.calls.filter((c) => c.method === 'chat.postMessage' && /Network path/i.test(String(c.args.text))).length;
    const alive = !serve.exited && !worker.exited && (await fetch(`http://127.0.0.1:${port}/healthz`)).ok;
    return { label, idle, end, peak, sent: total, achieved, latencies: latencies.sort((a, b) => a - b), non200, probes, alive };
  } finally {
    redis.disconnect();
    await Promise.all([serve.stop(), worker.stop()]);
    await deletePrefix(prefix);
  }
}

const mib = (kib: number): string => (Number.isFinite(kib) ? `${(kib / 1024).toFixed(0)} MB` : 'n/a');
const verdict = (kib: number): string => (kib / 1024 < TARGET_MIB ? `✓ under ${TARGET_MIB} MB` : `✗ over ${TARGET_MIB} MB`);

async function main(): Promise<number> {
  const seconds = Number(process.env.BENCH_SECONDS) || 20;
  const rate = Number(process.env.BENCH_RATE) || 100;
  const which = (process.env.BENCH_RUNS ?? 'sources,image').split(',');
  const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
  const goproxy = await startGoProxyFake({ modules: [{ path: 'example.com/ledger', versions: [{ version: 'v1.9.8' }] }] });
  const slack = await startSlackApiFake();
  const work = await mkdtemp(join(tmpdir(), 'buildfix-bench-rss-'));
  await writeFile(join(work, 'go.mod'), 'module example.com/payments\n\ngo 1.19\n\nrequire example.com/ledger v1.9.8\n');
  await writeFile(join(work, 'buildfix.yaml'), `repos:\n  payments:\n    url: ${work}\nagents:\n  agent-01: {}\n`);
  const ctx = { redisUrl, goproxyUrl: goproxy.url, slack, work, rate, seconds };
  const results: RunResult[] = [];
  try {
    if (which.includes('sources')) results.push(await loadRun('from the sources (`npm start`)', join(ROOT, 'bin/buildfix.js'), {}, ctx));
    if (which.includes('image')) {
      const nodeOptions = process.env.BENCH_NODE_OPTIONS ?? (await imageNodeOptions());
      const bin = await buildShippedApp(work);
      results.push(
        await loadRun(
          `bundled (npm run build), as in the Docker image${nodeOptions ? ` (NODE_OPTIONS=${nodeOptions})` : ''}`,
          bin,
          { NODE_ENV: 'production', ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}) },
          ctx,
        ),
      );
    }
  } finally {
    await Promise.all([slack.close(), goproxy.close()]);
    await rm(work, { recursive: true, force: true });
  }
  const out = [
    `### Peak memory under load (${rate} signed slash commands/s for ${seconds} s, loopback, ${new Date().toISOString().slice(0, 10)})`,
    '',
    '| run | process | RSS idle | RSS after load | peak RSS (VmHWM) | target |',
    '|---|---|---:|---:|---:|---|',
  ];
  for (const r of results) {
    out.push(
      `| ${r.label} | \`buildfix serve\` (HTTP thread + handler thread) | ${mib(r.idle.serve.rssKiB)} | ${mib(r.end.serve.rssKiB)} | **${mib(r.peak.serve)}** | ${verdict(r.peak.serve)} |`,
    );
    out.push(
      `| ${r.label} | \`buildfix worker\` (probe, host-check, diagnose jobs) | ${mib(r.idle.worker.rssKiB)} | ${mib(r.end.worker.rssKiB)} | **${mib(r.peak.worker)}** | ${verdict(r.peak.worker)} |`,
    );
  }
  out.push('');
  for (const r of results) {
    out.push(
      `- ${r.label}: ${r.sent} commands at ${r.achieved.toFixed(0)}/s, ack p50 ${fmt(percentile(r.latencies, 50))}, p99 ${fmt(percentile(r.latencies, 99))}, ${r.non200} not 200; ${r.probes} probe results posted; both processes alive afterwards: ${r.alive ? 'yes' : 'NO'}.`,
    );
  }
  out.push(
    `- Commands cycle through ${TEXTS.map((t) => `\`${t}\``).join(', ')}; probe dedup keys are cleared every second so the worker keeps running probes. Idle = 1.5 s after start.`,
    '',
  );
  process.stdout.write(`${out.join('\n')}\n`);
  return results.every((r) => r.alive) ? 0 : 1;
}

process.exit(await main());
