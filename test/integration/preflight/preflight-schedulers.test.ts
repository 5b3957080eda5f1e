/**
 * Scheduled pre-flight end to end: two real `buildfix worker` processes on
 * the shared Redis (a unique prefix), BullMQ job schedulers with second-long
 * intervals, one GOPROXY fake changing under them, and the alerter a
 * `buildfix serve` handler runs, posting to the Slack fake. A version
 * removed from the proxy → one alert within an interval, updated in place as
 * the second agent reports it (never posted twice), resolved when the
 * version is back; `buildfix status` shows the last result per agent and
 * repo; a run slower than its interval never overlaps the next.
 */
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { createRouter, PREFLIGHT_RESULTS_SERVICE } from '../../../src/chat/create-router.ts';
import { loadConfig } from '../../../src/config/load-config.ts';
import { createDispatcher } from '../../../src/jobs/create-dispatcher.ts';
import { createLogger } from '../../../src/logger.ts';
import type { PreflightServices } from '../../../src/preflight/services.ts';
import { RedisPreflightStore } from '../../../src/preflight/store.ts';
import type { PreflightResult } from '../../../src/preflight/types.ts';
import { renderSlackMessage } from '../../../src/slack/blocks/render-slack-message.ts';
import { startGoProxyFake, type GoProxyFake } from '../../fakes/goproxy-server.ts';
import type { SlackApiFake } from '../../fakes/slack-api.ts';
import { startTlsServer, type TlsTestServer } from '../../fakes/tls-server.ts';
import {
  createTempFiles,
  deleteKeys,
  runBuildfix,
  SHARED_REDIS_URL,
  sharedRedisEnv,
  spawnWorker,
  uniquePrefix,
  waitUntil,
  type TempFiles,
  type WorkerProcess,
} from '../../helpers/jobs-harness.ts';
import { onlyChecks, preflightExposition, startPreflightAlerter, type PreflightAlerter } from '../../helpers/preflight-harness.ts';

const CHANNEL = 'C0PREFLIGHT';
const INTERVAL_MS = 2000;

async function writeRepo(dir: string, requires: string[]): Promise<string> {
  await mkdir(dir, { recursive: true });
  await writeFile(
    join(dir, 'go.mod'),
    `module example.com/${dir.split('/').at(-1) ?? 'app'}\n\ngo 1.19\n\nrequire (\n${requires.map((r) => `\t${r}\n`).join('')})\n`,
  );
  await writeFile(join(dir, 'go.sum'), '');
  return dir;
}

function goEnv(proxy: GoProxyFake): Record<string, string> {
  return { GOPROXY: proxy.url, GOSUMDB: 'off', GOFLAGS: '-mod=mod', GONOSUMDB: '', GOPRIVATE: '', GONOPROXY: '', GOTOOLCHAIN: 'local' };
}

describe('scheduled pre-flight: two workers, BullMQ job schedulers, one alert', () => {
  const prefixValue = uniquePrefix('pf');
  const prefix = `{${prefixValue}}`;
  const alpha = `pfa-${prefixValue.slice(-4)}`;
  const beta = `pfb-${prefixValue.slice(-4)}`;
  let files: TempFiles;
  let env: Record<string, string>;
  let workers: WorkerProcess[] = [];
  let proxy: GoProxyFake;
  let alerter: PreflightAlerter;
  let slack: SlackApiFake;
  let services: PreflightServices;
  let redis: Redis;
  let store: RedisPreflightStore;
  const logger = createLogger({ level: 'silent' });

  before(async () => {
    files = await createTempFiles('pf');
    proxy = await startGoProxyFake({
      modules: [
        { path: 'example.test/alpha', versions: [{ version: 'v1.0.0' }, { version: 'v1.1.0' }] },
        { path: 'example.test/beta', versions: [{ version: 'v1.1.0' }, { version: 'v1.2.0' }] },
      ],
    });
    const one = await writeRepo(files.path('one'), ['example.test/alpha v1.0.0', 'example.test/beta v1.1.0']);
    const two = await writeRepo(files.path('two'), ['example.test/alpha v1.0.0']);
    const configPath = await files.writeConfig({
      repos: { one: { url: one }, two: { url: two } },
      agents: { [alpha]: {}, [beta]: {} },
      preflight: onlyChecks({ modules: `${INTERVAL_MS}ms`, jitter: '500ms', proxyCacheTtl: '1s', history: 50 }),
    });
    env = sharedRedisEnv(prefixValue, configPath, { INCIDENT_CHANNEL: CHANNEL, ...goEnv(proxy) });
    // What `buildfix serve`'s handler thread runs: the pre-flight alerter on the Slack outbox.
    alerter = await startPreflightAlerter(env, CHANNEL, logger);
    ({ slack, services, redis, store } = alerter);
    workers = [spawnWorker(alpha, env), spawnWorker(beta, env)];
  });

  after(async () => {
    await Promise.all(workers.map((w) => w.stop(10_000)));
    await alerter?.close();
    await deleteKeys(SHARED_REDIS_URL, prefixValue);
    await proxy?.close();
    await files?.cleanup();
  });

  const latest = async (): Promise<PreflightResult[]> => store.latest();
  const posts = () => slack.okCalls('chat.postMessage').filter((c) => c.args.channel === CHANNEL);
  const alertMessage = () => slack.messages.find((m) => m.channel === CHANNEL && !m.threadTs);

  it('each worker upserts its schedulers on its own host queue', async () => {
    await waitUntil(
      'both workers to set up their schedulers',
      async () => {
        const counts = await Promise.all(
          [alpha, beta].map(async (h) => {
            const q = new Queue(`buildfix-host-${h}`, { connection: redis, prefix });
            try {
              return (await q.getJobSchedulers(0, -1)).map((s) => s.id ?? s.key).sort();
            } finally {
              await q.close();
            }
          }),
        );
        return counts.every((ids) => ids.join(',') === 'preflight:modules:one,preflight:modules:two') ? counts : undefined;
      },
      30_000,
    );
  });

  it('keeps the last result and a bounded history per agent and repo; status shows them', async () => {
    const results = await waitUntil(
      'a healthy module check of both repos from both agents',
      async () => {
        const r = await latest();
        return r.length === 4 && r.every((x) => x.status === 'pass' || x.status === 'warn') ? r : undefined;
      },
      30_000,
    );
    assert.deepEqual(
      results.map((r) => `${r.agent}/${r.check}/${r.repo}`),
      [`${alpha}/modules/one`, `${alpha}/modules/two`, `${beta}/modules/one`, `${beta}/modules/two`],
    );
    for (const r of results) assert.ok(!r.findings.some((f) => f.alert), JSON.stringify(r));
    const { stdout } = await runBuildfix(['status', '--json'], env);
    const status = JSON.parse(stdout) as { preflight: PreflightResult[] };
    assert.deepEqual(status.preflight.map((r) => `${r.agent}/${r.repo}`).sort(), [`${alpha}/one`, `${alpha}/two`, `${beta}/one`, `${beta}/two`]);
    const text = await runBuildfix(['status'], env);
    assert.match(text.stdout, /pre-flight \(last result per agent and repo\):/);
    assert.match(text.stdout, new RegExp(`${alpha}\\s+modules\\s+one`));
    // /buildfix status: the router the Slack handler builds, rendered for Slack.
    const config = loadConfig(env);
    const dispatcher = createDispatcher(config, logger);
    try {
      const router = createRouter({ config, dispatcher, logger, services: { [PREFLIGHT_RESULTS_SERVICE]: () => services.results() } });
      const message = await router.clusterStatus();
      assert.equal(message.kind, 'cluster-status');
      const slackText = JSON.stringify(renderSlackMessage(message, { config }).blocks);
      for (const agent of [alpha, beta]) assert.ok(slackText.includes(agent), slackText);
      assert.match(slackText, /Pre-flight, last result per agent and repo \(4\)/);
    } finally {
      await dispatcher.close();
    }
    // Item 5: the same results as Prometheus gauges, read on scrape.
    const exposition = await preflightExposition(services);
    assert.match(exposition, new RegExp(`buildfix_preflight_status\\{agent="${alpha}",check="modules",repo="one"\\} [01]\n`));
    assert.match(exposition, new RegExp(`buildfix_preflight_last_run_timestamp_seconds\\{agent="${beta}",check="modules",repo="two"\\} \\d`));
    assert.match(exposition, /buildfix_metrics_source_up\{source="preflight"\} 1/);
    const history = await waitUntil('a few rounds of history', async () => {
      const h = await store.history(alpha, 'modules', 'one');
      return h.length >= 2 ? h : undefined;
    });
    assert.ok(Date.parse(history[0]?.startedAt ?? '') > Date.parse(history[1]?.startedAt ?? ''), 'newest first');
  });

  it('a version removed from the proxy: one alert within an interval, updated as agents report it, never repeated', async () => {
    assert.equal(posts().length, 0);
    const removedAt = Date.now();
    proxy.updateVersion('example.test/beta', 'v1.1.0', { fail: { status: 404 }, listed: false });
    const post = await slack.waitFor((c) => c.method === 'chat.postMessage' && c.ok && c.args.channel === CHANNEL, 20_000);
    const delay = post.at - removedAt;
    // A round starts within one interval; its proxy answers are at most proxyCacheTtl old; the run itself takes well under a second.
    assert.ok(delay <= INTERVAL_MS + 1000 + 2000, `alert after ${delay} ms`);
    await waitUntil(
      'the alert to name both agents',
      () => {
        const m = alertMessage();
        return m && m.text.includes(alpha) && m.text.includes(beta) ? m : undefined;
      },
      20_000,
    );
    const m = alertMessage();
    assert.ok(m);
    assert.match(JSON.stringify(m.blocks), /example\.test\/beta/);
    assert.match(m.text, /module check of one/);
    // Rounds keep running; the alert is neither posted again nor edited while nothing changes.
    const edits = m.edits;
    const runsBefore = (await store.history(alpha, 'modules', 'one')).length;
    await waitUntil('two more rounds', async () => ((await store.history(alpha, 'modules', 'one')).length >= runsBefore + 2 ? true : undefined), 20_000);
    assert.equal(posts().length, 1, 'one alert');
    assert.equal(alertMessage()?.edits, edits, 'no edit without a change');
    // Repo "two" does not require beta: no alert for it.
    assert.ok(!slack.messages.some((x) => x.text.includes('module check of two')));
  });

  it('is closed (edited to resolved) when the version is back', async () => {
    proxy.updateVersion('example.test/beta', 'v1.1.0', { fail: undefined, listed: true });
    await waitUntil('the alert to be resolved', () => (alertMessage()?.text.includes('healthy again') ? true : undefined), 20_000);
    assert.equal(posts().length, 1, 'resolving edits the alert, it posts nothing new');
    // The alerter edits the message, then records the state: wait for the record, not just the message.
    await waitUntil('the record to be resolved', async () => ((await store.alert('modules:one'))?.state === 'resolved' ? true : undefined), 5000);
  });
});

describe('scheduled pre-flight: a run slower than its interval', () => {
  const prefixValue = uniquePrefix('pfslow');
  const prefix = `{${prefixValue}}`;
  const host = `pfs-${prefixValue.slice(-4)}`;
  let files: TempFiles;
  let worker: WorkerProcess | undefined;
  let proxy: GoProxyFake;
  let redis: Redis;

  before(async () => {
    files = await createTempFiles('pfslow');
    // Every answer takes 1.5 s: each run lasts longer than the 700 ms interval.
    proxy = await startGoProxyFake({ modules: [{ path: 'example.test/alpha', versions: [{ version: 'v1.0.0' }] }], delayMs: 1500 });
    const one = await writeRepo(files.path('one'), ['example.test/alpha v1.0.0']);
    const configPath = await files.writeConfig({
      repos: { one: { url: one } },
      agents: { [host]: {} },
      preflight: onlyChecks({ modules: '700ms', proxyCacheTtl: '200ms' }),
    });
    worker = spawnWorker(host, sharedRedisEnv(prefixValue, configPath, goEnv(proxy)), ['--concurrency', '4']);
    redis = new Redis(SHARED_REDIS_URL);
  });

  after(async () => {
    await worker?.stop(10_000);
    redis?.disconnect();
    await deleteKeys(SHARED_REDIS_URL, prefixValue);
    await proxy?.close();
    await files?.cleanup();
  });

  it('never overlaps: the next run is skipped (and counted) while one is still going', async () => {
    const store = new RedisPreflightStore(redis, prefix);
    const history = await waitUntil(
      'three finished slow runs',
      async () => {
        const h = await store.history(host, 'modules', 'one');
        return h.length >= 3 ? h : undefined;
      },
      60_000,
    );
    const runs = history.map((r) => ({ start: Date.parse(r.startedAt), end: Date.parse(r.finishedAt) })).sort((a, b) => a.start - b.start);
    for (const r of runs) assert.ok(r.end - r.start > 700, `a run took ${r.end - r.start} ms, longer than the interval`);
    for (let i = 1; i < runs.length; i++) {
      const prev = runs[i - 1];
      const cur = runs[i];
      assert.ok(prev && cur && cur.start >= prev.end, `run ${i} started ${prev && cur ? prev.end - cur.start : '?'} ms before the previous one ended`);
    }
    const skipped = await store.skipped(host);
    assert.ok((skipped['modules:one'] ?? 0) >= 1, `skipped: ${JSON.stringify(skipped)}`);
    // Never more than one request in flight from this agent's repo at once: the runs did not overlap on the wire either.
    assert.ok(proxy.maxInFlight <= 2, `max in flight ${proxy.maxInFlight}`);
  });
});

describe('scheduled pre-flight: the probe and a certificate close to expiry', () => {
  const prefixValue = uniquePrefix('pfcert');
  const prefix = `{${prefixValue}}`;
  const host = `pfc-${prefixValue.slice(-4)}`;
  let files: TempFiles;
  let worker: WorkerProcess | undefined;
  let tls: TlsTestServer;
  let redis: Redis;

  before(async () => {
    files = await createTempFiles('pfcert');
    // A GOPROXY whose certificate, from a test CA the agent trusts (SSL_CERT_FILE), expires in two days.
    tls = await startTlsServer();
    const configPath = await files.writeConfig({
      agents: { [host]: {} },
      preflight: onlyChecks({ probe: '1s', proxyCacheTtl: '200ms', certExpiryDays: 14 }),
    });
    worker = spawnWorker(host, sharedRedisEnv(prefixValue, configPath, { GOPROXY: tls.url, GOSUMDB: 'off', SSL_CERT_FILE: tls.ca.certPath }));
    redis = new Redis(SHARED_REDIS_URL);
  });

  after(async () => {
    await worker?.stop(10_000);
    redis?.disconnect();
    await deleteKeys(SHARED_REDIS_URL, prefixValue);
    await tls?.close();
    await files?.cleanup();
  });

  it('reports the latency per GOPROXY entry and an alerting finding for the certificate', async () => {
    const store = new RedisPreflightStore(redis, prefix);
    const result = await waitUntil('a probe result', async () => (await store.latest()).find((r) => r.agent === host && r.check === 'probe'), 30_000);
    assert.equal(result.repo, '-');
    assert.equal(result.latency?.length, 1, JSON.stringify(result));
    const entry = result.latency?.[0];
    assert.equal(entry?.url, tls.url);
    assert.equal(entry?.status, 'pass');
    assert.ok(entry?.certDaysLeft !== undefined && entry.certDaysLeft > 0 && entry.certDaysLeft <= 2, JSON.stringify(entry));
    const cert = result.findings.find((f) => f.category === 'certificate-expiring');
    assert.ok(cert?.alert, JSON.stringify(result.findings));
    assert.match(cert.message, /expires in (1 day|less than a day)/);
    assert.equal(result.status, 'warn');
    // The finding is what the alerter reads for the scope.
    const problems = await store.problems('probe:-');
    assert.deepEqual(
      problems.map((p) => [p.agent, p.findings.map((f) => f.key)]),
      [[host, [`certificate-expiring:127.0.0.1:${tls.port}`]]],
    );
  });
});
