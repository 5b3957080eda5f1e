/**
 * Slack ack latency: signed slash commands at a fixed rate (open loop, 100
 * requests/s for 30 s by default) against `buildfix serve` (real Redis, a
 * real worker, the fake Slack Web API) and against a bare Bolt app whose one
 * command only acks, on the same machine in the same run. Then the latency
 * from `/buildfix probe` to its first thread reply through the worker.
 *
 *   node_modules/.bin/node bench/slack-ack.ts
 *   BENCH_SECONDS=5 BENCH_RATE=100 BENCH_PROBES=5 node_modules/.bin/node bench/slack-ack.ts   # quick check
 *
 * Loopback only (127.0.0.1): Redis at REDIS_URL (default
 * redis://127.0.0.1:6379) under a unique prefix deleted at the end. Prints a
 * Markdown table; exits 0.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { freePort, startGoProxyFake } from '../test/fakes/goproxy-server.ts';
import { startSlackApiFake } from '../test/fakes/slack-api.ts';
import { deletePrefix, startServe, startWorkerProcess, uniquePrefix } from '../test/helpers/slack-processes.ts';
import { postSigned, slashCommandBody, TEST_SIGNING_SECRET } from '../test/helpers/slack-sign.ts';
import { fmt, percentile } from './lib/stats.ts';

const SELF = fileURLToPath(import.meta.url);

// ---------------------------------------------------------------------------

interface AckRun {
  latencies: number[];
  statuses: Map<number, number>;
  errors: number;
  achievedRate: number;
}

// A mix of what people type: jobs (deduplicated by the job layer), status, help, a typo, a refused action.
const TEXTS = process.env.BENCH_TEXTS
  ? process.env.BENCH_TEXTS.split(',')
  : ['status', 'probe', 'diagnose payments', 'modules payments', 'hostcheck agent-01', 'help', 'diagnos payments', 'restart agent-01'];

/**
 * Open loop: request i is sent at start + i/rate whatever earlier ones are
 * doing, to every target at the same moment (one target: the usual
 * sequential run; two: both face the same machine load at the same time).
 */
async function ackLoad(urls: string[], rate: number, seconds: number, responseUrl: () => string, measure: boolean): Promise<AckRun[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const total = Math.round(rate * seconds);
  const runs = urls.map(() => ({ latencies: [] as number[], statuses: new Map<number, number>(), errors: 0 }));
  const inflight: Array<Promise<void>> = [];
  const started = performance.now();
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const text = TEXTS[i % TEXTS.length] ?? 'status';
    urls.forEach((url, u) => {
      const run = runs[u];
      if (!run) return;
      const body = slashCommandBody({ text, user_id: 'U0BENCH01', response_url: responseUrl() });
      inflight.push(
        postSigned(url, body, { agent, timeoutMs: 10_000 }).then(
          (res) => {
            run.statuses.set(res.status, (run.statuses.get(res.status) ?? 0) + 1);
            if (measure) run.latencies.push(res.ms);
          },
          () => {
            run.errors++;
          },
        ),
      );
    });
  }
  await Promise.all(inflight);
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  return runs.map((r) => ({ ...r, latencies: r.latencies.sort((a, b) => a - b), achievedRate: total / elapsed }));
}

async function clearDedup(prefix: string): Promise<void> {
  // The probe job dedups identical requests for 15 s; the benchmark wants a fresh run each time.
  const redis = new Redis(process.env.REDIS_URL || 'redis://127.0.0.1:6379');
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `{${prefix}}:*:de:*`, 'COUNT', 500);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== '0');
  redis.disconnect();
}

async function main(): Promise<void> {
  const seconds = Number(process.env.BENCH_SECONDS) || 30;
  const rate = Number(process.env.BENCH_RATE) || 100;
  const probes = Number(process.env.BENCH_PROBES) || 10;
  const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
  const prefix = uniquePrefix();
  const goproxy = await startGoProxyFake({ modules: [{ path: 'example.com/ledger', versions: [{ version: 'v1.9.8' }] }] });
  const slack = await startSlackApiFake();
  const work = await mkdtemp(join(tmpdir(), 'buildfix-bench-slack-'));
  await writeFile(join(work, 'go.mod'), 'module example.com/payments\n\ngo 1.19\n\nrequire example.com/ledger v1.9.8\n');
  await writeFile(join(work, 'buildfix.yaml'), `repos:\n  payments:\n    url: ${work}\nagents:\n  agent-01: {}\n`);
  const common = {
    REDIS_URL: redisUrl,
    REDIS_PREFIX: prefix,
    BUILDFIX_CONFIG: join(work, 'buildfix.yaml'),
    GOPROXY: goproxy.url,
    GOSUMDB: 'off',
    GOFLAGS: '-mod=mod',
    LOG_LEVEL: 'warn',
  };
  const worker = await startWorkerProcess('agent-01', { ...common, LOG_LEVEL: 'info' });
  const fakeChild = spawn(process.execPath, [SELF, '--fake-slack'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const fakeOrigin = await new Promise<string>((resolve, reject) => {
    fakeChild.stdout.on('data', (d: Buffer) => {
      const m = /fake slack (\S+)/.exec(d.toString());
      if (m?.[1]) resolve(m[1]);
    });
    fakeChild.once('exit', (code) => reject(new Error(`fake Slack exited with ${code}`)));
  });
  const serveEnv = { ...common, SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET };
  let serve = await startServe({ ...serveEnv, SLACK_API_URL: `${fakeOrigin}/api/` }, await freePort(), ['--grace-ms', '500']);
  const barePort = await freePort();
  const bare = spawn(process.execPath, [SELF, '--bare', String(barePort), `${fakeOrigin}/api/`], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    bare.stdout.on('data', (d: Buffer) => /listening/.test(d.toString()) && resolve());
    bare.once('exit', (code) => reject(new Error(`bare Bolt app exited with ${code}`)));
  });
  const bareUrl = `http://127.0.0.1:${barePort}/slack/events`;
  let responses = 0;
  const respond = (): string => `${fakeOrigin}/response/r${++responses}`;

  try {
    process.stderr.write(`ack load: ${rate} req/s for ${seconds} s against each (after a 3 s warm-up)\n`);
    await ackLoad([bareUrl], rate, 3, respond, false);
    await ackLoad([serve.eventsUrl], rate, 3, respond, false);
    const [bareRun] = await ackLoad([bareUrl], rate, seconds, respond, true);
    const [serveRun] = await ackLoad([serve.eventsUrl], rate, seconds, respond, true);
    const [bareBoth, serveBoth] = await ackLoad([bareUrl, serve.eventsUrl], rate, seconds, respond, true);
    if (!bareRun || !serveRun || !bareBoth || !serveBoth) throw new Error('no runs');
    const alive = !serve.exited && (await fetch(`${serve.url}/healthz`)).ok;
    // The probe timings read the Web API calls, so this part uses an in-process fake and a fresh serve.
    await serve.stop();
    serve = await startServe({ ...serveEnv, SLACK_API_URL: slack.apiUrl }, await freePort(), ['--grace-ms', '500']);

    // First thread reply for a probe, one at a time, through the worker.
    await new Promise((r) => setTimeout(r, 2000));
    const firstVisible: number[] = [];
    const firstReply: number[] = [];
    for (let i = 0; i < probes; i++) {
      await clearDedup(prefix);
      const channel = `CPROBE${i}`;
      const t0 = performance.now();
      const res = await postSigned(
        serve.eventsUrl,
        slashCommandBody({ text: 'probe', channel_id: channel, user_id: 'U0BENCH01', response_url: slack.responseUrl() }),
      );
      if (res.status !== 200) throw new Error(`probe ack ${res.status}`);
      const root = await slack.waitFor((c) => c.method === 'chat.postMessage' && c.ok && c.args.channel === channel && c.args.thread_ts === undefined, 15_000);
      firstVisible.push(root.at - (performance.timeOrigin + t0));
      const rootTs = slack.messages.find((m) => m.channel === channel && m.threadTs === undefined)?.ts;
      const reply = await slack.waitFor((c) => c.method === 'chat.postMessage' && c.ok && c.args.channel === channel && c.args.thread_ts === rootTs, 60_000);
      firstReply.push(reply.at - (performance.timeOrigin + t0));
    }
    firstVisible.sort((x, y) => x - y);
    firstReply.sort((x, y) => x - y);

    const row = (run: string, name: string, r: AckRun): string => {
      const non200 = [...r.statuses].filter(([s]) => s !== 200).reduce((n, [, c]) => n + c, 0) + r.errors;
      return `| ${run} | ${name} | ${r.latencies.length} | ${r.achievedRate.toFixed(0)}/s | ${fmt(percentile(r.latencies, 50))} | ${fmt(percentile(r.latencies, 99))} | ${fmt(r.latencies.at(-1) ?? NaN)} | ${non200} |`;
    };
    const ratio = (a: AckRun, b: AckRun): string => (percentile(a.latencies, 99) / percentile(b.latencies, 99)).toFixed(2);
    const out = [
      `### Slack ack latency (${rate} signed slash commands/s for ${seconds} s per run, loopback, ${new Date().toISOString().slice(0, 10)})`,
      '',
      '| run | target | requests | rate | p50 | p99 | max | non-200 |',
      '|---|---|---:|---:|---:|---:|---:|---:|',
      row('one at a time', 'bare Bolt 5.1 app (ack only)', bareRun),
      row('one at a time', '`buildfix serve`', serveRun),
      row('both at once', 'bare Bolt 5.1 app (ack only)', bareBoth),
      row('both at once', '`buildfix serve`', serveBoth),
      '',
      `p99 serve / bare: **${ratio(serveRun, bareRun)}×** one at a time (the bare app then has the machine to itself), **${ratio(serveBoth, bareBoth)}×** under the same load at the same moments (target ≤ 1.2×). Serve alive afterwards: ${alive ? 'yes' : 'NO'}.`,
      '`buildfix serve` here: real Redis, a real worker, the fake Slack Web API in its own process; commands cycle through ' +
        TEXTS.map((t) => `\`${t}\``).join(', ') +
        '.',
      '',
      `### \`/buildfix probe\` through a real worker (${probes} runs, sequential)`,
      '',
      '| step | p50 | max |',
      '|---|---:|---:|',
      `| command sent → first visible message (status, thread root) | ${fmt(percentile(firstVisible, 50))} | ${fmt(firstVisible.at(-1) ?? NaN)} |`,
      `| command sent → first thread reply (the probe result) | ${fmt(percentile(firstReply, 50))} | ${fmt(firstReply.at(-1) ?? NaN)} |`,
      '',
    ];
    process.stdout.write(`${out.join('\n')}\n`);
  } finally {
    bare.kill('SIGTERM');
    fakeChild.kill('SIGTERM');
    await Promise.all([serve.stop(), worker.stop()]);
    await Promise.all([slack.close(), goproxy.close()]);
    await deletePrefix(prefix);
    await rm(work, { recursive: true, force: true });
  }
  process.exit(0);
}

// ---------------------------------------------------------------------------
// The bare Bolt app: `bench/slack-ack.ts --bare <port> <slackApiUrl>`

if (process.argv[2] === '--fake-slack') {
  // The fake Slack that serve talks to during the ack load runs in its own process, so its work never delays the load generator's clock.
  const fake = await startSlackApiFake();
  process.stdout.write(`fake slack ${fake.origin}\n`);
  process.once('SIGTERM', () => void fake.close().finally(() => process.exit(0)));
} else if (process.argv[2] === '--bare') {
  const { App, LogLevel } = await import('@slack/bolt');
  const port = Number(process.argv[3]);
  const app = new App({
    signingSecret: TEST_SIGNING_SECRET,
    token: 'xoxb-test-token',
    botId: 'BBOT',
    botUserId: 'UBOT',
    logLevel: LogLevel.ERROR,
    clientOptions: { slackApiUrl: process.argv[4] ?? 'http://127.0.0.1:9/api/', retryConfig: { retries: 0 } },
  });
  app.command(/^\/.+/, async ({ ack }) => {
    await ack();
  });
  await app.start({ port, host: '127.0.0.1' });
  process.stdout.write('bare bolt listening\n');
  process.once('SIGTERM', () => void app.stop().finally(() => process.exit(0)));
} else {
  await main();
}
