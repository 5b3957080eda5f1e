/**
 * GET /metrics and GET /healthz (src/metrics) over real HTTP on 127.0.0.1
 * against real Redis: counters and the job-duration histogram, bounded
 * labels for hostile values, calls relayed from a worker thread (where
 * serve's handler side runs), queue depths / worker heartbeats / open
 * incidents read on scrape, 503 when Redis does not answer, 200 in
 * in-process mode saying so.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { RedisIncidentStore } from '../../../src/incidents/redis-incident-store.ts';
import type { WorkerInfo } from '../../../src/jobs/job-types.ts';
import { ANY_QUEUE, buildfixKeys, hostQueueName } from '../../../src/jobs/queue-names.ts';
import { writeHeartbeat } from '../../../src/jobs/worker-registry.ts';
import { BuildfixMetrics } from '../../../src/metrics/buildfix-metrics.ts';
import { createObservability } from '../../../src/metrics/observability.ts';
import { metrics, processMetrics, closeMetricsRelay } from '../../../src/metrics/metrics.ts';
import { serveMetrics } from '../../../src/metrics/metrics-http.ts';
import { webhookVerdict } from '../../../src/metrics/webhook-verdict.ts';
import { freePort } from '../../fakes/goproxy-server.ts';
import { connectTestRedis, deleteUnder, testPrefix, TEST_REDIS_URL } from '../incidents/redis-test-env.ts';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

async function listen(routes: Record<string, Handler>): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const h = routes[(req.url ?? '/').split('?')[0] ?? '/'];
    if (h) return h(req, res);
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** The value of one series line, e.g. sample(text, 'buildfix_commands_total{command="diagnose",outcome="ok"}'). */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('metrics registry', () => {
  it('counts commands, webhook verdicts and API errors, and observes job durations by type and host', async () => {
    const m = new BuildfixMetrics({ defaultMetrics: false });
    m.commandFinished('diagnose', 'ok');
    m.commandFinished('diagnose', 'ok');
    m.commandFinished('restart', 'refused');
    m.webhookDelivery('github', webhookVerdict(200, { result: 'opened' }));
    m.webhookDelivery('gitlab', webhookVerdict(401));
    m.slackApiError('chat.postMessage', 'rate-limited');
    m.jenkinsApiError('GET /job/x/api/json', 'timeout');
    m.jobOutcome({
      ok: true,
      jobId: 'probe-1',
      name: 'probe',
      host: 'agent-01',
      durationMs: 1500,
      attempts: 1,
      steps: [],
      finishedAt: new Date().toISOString(),
      result: {},
    });
    m.jobOutcome({
      ok: false,
      jobId: 'diagnose-1',
      name: 'diagnose',
      host: 'agent-02',
      durationMs: 301_000,
      attempts: 1,
      steps: [],
      finishedAt: new Date().toISOString(),
      error: { code: 'BF_TIMEOUT', message: 'x' },
    });
    const text = await m.render();
    assert.equal(sample(text, 'buildfix_commands_total{command="diagnose",outcome="ok"}'), 2);
    assert.equal(sample(text, 'buildfix_commands_total{command="restart",outcome="refused"}'), 1);
    assert.equal(sample(text, 'buildfix_webhook_deliveries_total{source="github",verdict="opened"}'), 1);
    assert.equal(sample(text, 'buildfix_webhook_deliveries_total{source="gitlab",verdict="unauthorized"}'), 1);
    assert.equal(sample(text, 'buildfix_slack_api_errors_total{method="chat.postMessage",kind="rate-limited"}'), 1);
    assert.equal(sample(text, 'buildfix_jenkins_api_errors_total{operation="other",kind="timeout"}'), 1, 'a label with spaces becomes "other"');
    assert.equal(sample(text, 'buildfix_job_duration_seconds_bucket{le="2.5",job="probe",host="agent-01",outcome="ok"}'), 1);
    assert.equal(sample(text, 'buildfix_job_duration_seconds_bucket{le="1",job="probe",host="agent-01",outcome="ok"}'), 0);
    assert.equal(sample(text, 'buildfix_job_duration_seconds_sum{job="diagnose",host="agent-02",outcome="BF_TIMEOUT"}'), 301);
    assert.match(text, /# TYPE buildfix_job_duration_seconds histogram/);
  });

  it('keeps hostile or unbounded label values out of the exposition', async () => {
    const m = new BuildfixMetrics({ defaultMetrics: false, labelLimit: 5 });
    for (const bad of ['agent-01; rm -rf /', '$(reboot)', '`id`', 'x"} 1\nbuildfix_fake 9', '\u202Eevil', 'a'.repeat(200), '']) m.commandFinished(bad, 'ok');
    for (let i = 0; i < 20; i++) m.jobFinished('noop', `host-${i}`, 10, 'ok');
    const text = await m.render();
    assert.equal(sample(text, 'buildfix_commands_total{command="other",outcome="ok"}'), 6);
    assert.equal(sample(text, 'buildfix_commands_total{command="none",outcome="ok"}'), 1);
    assert.doesNotMatch(text, /rm -rf|reboot|buildfix_fake|\u202E/);
    const hosts = new Set([...text.matchAll(/buildfix_job_duration_seconds_count\{job="noop",host="([^"]+)"/g)].map((x) => x[1]));
    assert.equal(hosts.size, 6, `5 hosts and "other": ${[...hosts].join(',')}`);
    assert.ok(hosts.has('other'));
  });

  it('receives calls made in a worker thread (serve runs its handler side in one)', async () => {
    const registry = processMetrics({ defaultMetrics: false });
    const moduleUrl = new URL('../../../src/metrics/metrics.ts', import.meta.url).href;
    const code = `import { metrics } from ${JSON.stringify(moduleUrl)};
metrics.commandFinished('probe', 'ok');
metrics.slackApiError('chat.update', 'http');
metrics.jobFinished('probe', 'agent-09', 250, 'ok');`;
    const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(code)}`));
    await new Promise<void>((resolve, reject) => {
      worker.once('exit', () => resolve());
      worker.once('error', reject);
    });
    metrics.commandFinished('probe', 'ok');
    let text = '';
    for (let i = 0; i < 50; i++) {
      text = await registry.render();
      // The thread's three calls arrive as three messages: wait for the last one, not the first.
      if (
        sample(text, 'buildfix_commands_total{command="probe",outcome="ok"}') === 2 &&
        sample(text, 'buildfix_job_duration_seconds_count{job="probe",host="agent-09",outcome="ok"}') === 1
      )
        break;
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(sample(text, 'buildfix_commands_total{command="probe",outcome="ok"}'), 2, 'one from the thread, one from here');
    assert.equal(sample(text, 'buildfix_slack_api_errors_total{method="chat.update",kind="http"}'), 1);
    assert.equal(sample(text, 'buildfix_job_duration_seconds_count{job="probe",host="agent-09",outcome="ok"}'), 1);
    closeMetricsRelay();
  });
});

describe('GET /metrics and GET /healthz with real Redis', () => {
  let redis: Redis;
  const prefix = testPrefix();

  before(async () => {
    redis = await connectTestRedis('buildfix-metrics-test');
  });
  after(async () => {
    await deleteUnder(redis, prefix);
    redis.disconnect();
  });

  it('reads queue depths, worker heartbeats and open incidents on scrape, and lists the workers seen', async () => {
    const info: WorkerInfo = {
      id: 'agent-07#123-abc',
      host: 'agent-07',
      version: '0.1.0',
      pid: 123,
      hostname: 'agent-07.example',
      startedAt: new Date().toISOString(),
      lastSeen: new Date(Date.now() - 2000).toISOString(),
      concurrency: 2,
      queues: [hostQueueName('agent-07'), ANY_QUEUE],
      running: [],
      state: 'running',
    };
    await writeHeartbeat(redis, buildfixKeys(prefix), info, 15_000);
    const queue = new Queue(ANY_QUEUE, { connection: redis, prefix });
    await queue.add('noop', { v: 1 });
    await queue.add('noop', { v: 1 }, { delay: 60_000 });
    await new RedisIncidentStore({ redis, prefix }).open({ title: 'payments/main is red', by: 'ci' });

    const m = new BuildfixMetrics({ defaultMetrics: false });
    const obs = createObservability({ redisUrl: TEST_REDIS_URL, prefix, knownHosts: ['agent-08'], metrics: m, facts: { replica: 'test-replica' } });
    const { server, url } = await listen({ '/metrics': obs.metricsHandler, '/healthz': obs.healthHandler });
    try {
      const res = await fetch(`${url}/metrics`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
      const text = await res.text();
      assert.equal(sample(text, 'buildfix_queue_jobs{queue="buildfix-any",host="any",state="waiting"}'), 1);
      assert.equal(sample(text, 'buildfix_queue_jobs{queue="buildfix-any",host="any",state="delayed"}'), 1);
      assert.equal(
        sample(text, 'buildfix_queue_jobs{queue="buildfix-host-agent-08",host="agent-08",state="waiting"}'),
        0,
        'a configured agent without a worker is reported',
      );
      assert.equal(sample(text, 'buildfix_workers_live{host="agent-07"}'), 1);
      const age = sample(text, 'buildfix_worker_heartbeat_age_seconds{host="agent-07"}') ?? -1;
      assert.ok(age >= 1.5 && age < 30, `heartbeat age ${age}`);
      assert.equal(sample(text, 'buildfix_open_incidents'), 1);
      assert.equal(sample(text, 'buildfix_metrics_source_up{source="jobs"}'), 1);

      const health = await fetch(`${url}/healthz`);
      assert.equal(health.status, 200);
      const body = (await health.json()) as {
        ok: boolean;
        mode: string;
        replica: string;
        redis: { up: boolean; latencyMs: number };
        workers: Array<{ host: string; ageSeconds: number; state: string }>;
      };
      assert.equal(body.ok, true);
      assert.equal(body.mode, 'bullmq');
      assert.equal(body.replica, 'test-replica');
      assert.equal(body.redis.up, true);
      assert.deepEqual(
        body.workers.map((w) => [w.host, w.state]),
        [['agent-07', 'running']],
      );
      assert.ok((body.workers[0]?.ageSeconds ?? -1) >= 1.5);
      const head = await fetch(`${url}/healthz`, { method: 'HEAD' });
      assert.equal(head.status, 200);
      const post = await fetch(`${url}/metrics`, { method: 'POST' });
      assert.equal(post.status, 405);
    } finally {
      await close(server);
      await queue.close();
      await obs.close();
    }
  });

  it('answers 503 quickly when Redis does not answer, while /metrics still renders', async () => {
    const deadPort = await freePort();
    const m = new BuildfixMetrics({ defaultMetrics: false, sourceTimeoutMs: 500 });
    const obs = createObservability({ redisUrl: `redis://:sup3r-s3cret-pw@127.0.0.1:${deadPort}`, prefix, metrics: m, pingTimeoutMs: 500 });
    const { server, url } = await listen({ '/metrics': obs.metricsHandler, '/healthz': obs.healthHandler });
    try {
      const started = Date.now();
      const [a, b] = await Promise.all([fetch(`${url}/healthz`), fetch(`${url}/healthz`)]);
      assert.ok(Date.now() - started < 2500, `took ${Date.now() - started} ms`);
      assert.equal(a.status, 503);
      assert.equal(b.status, 503);
      const body = (await a.json()) as { ok: boolean; status: string; redis: { up: boolean; error: string } };
      await b.text();
      assert.equal(body.ok, false);
      assert.equal(body.status, 'redis-down');
      assert.equal(body.redis.up, false);
      assert.doesNotMatch(JSON.stringify(body), /sup3r-s3cret-pw/);
      const res = await fetch(`${url}/metrics`);
      assert.equal(res.status, 200);
      const text = await res.text();
      assert.equal(sample(text, 'buildfix_metrics_source_up{source="jobs"}'), 0);
      assert.equal(sample(text, 'buildfix_metrics_source_up{source="incidents"}'), 0);
    } finally {
      await close(server);
      await obs.close();
    }
  });

  it('in-process mode (no REDIS_URL): 200, saying there is no Redis to check; 503 while shutting down', async () => {
    let closing = false;
    const obs = createObservability({ prefix, metrics: new BuildfixMetrics({ defaultMetrics: false }), isClosing: () => closing });
    const { server, url } = await listen({ '/healthz': obs.healthHandler });
    try {
      const res = await fetch(`${url}/healthz`);
      assert.equal(res.status, 200);
      const body = (await res.json()) as { ok: boolean; mode: string; redis: { configured: boolean; note: string } };
      assert.equal(body.mode, 'in-process');
      assert.equal(body.redis.configured, false);
      assert.match(body.redis.note, /REDIS_URL is not set/);
      closing = true;
      assert.equal((await fetch(`${url}/healthz`)).status, 503);
    } finally {
      await close(server);
    }
  });

  it('serveMetrics: a worker host can expose /metrics (with process metrics) and /healthz on a port of its own', async () => {
    const m = new BuildfixMetrics();
    m.jobFinished('host-check', 'agent-03', 800, 'ok');
    const obs = createObservability({ redisUrl: TEST_REDIS_URL, prefix, metrics: m });
    const srv = await serveMetrics({ port: 0, host: '127.0.0.1', metrics: m, health: obs.healthHandler });
    try {
      const text = await (await fetch(`http://127.0.0.1:${srv.address.port}/metrics`)).text();
      assert.equal(sample(text, 'buildfix_job_duration_seconds_count{job="host-check",host="agent-03",outcome="ok"}'), 1);
      assert.match(text, /^buildfix_process_resident_memory_bytes \d+/m);
      assert.equal((await fetch(`http://127.0.0.1:${srv.address.port}/healthz`)).status, 200);
      assert.equal((await fetch(`http://127.0.0.1:${srv.address.port}/nope`)).status, 404);
    } finally {
      await srv.close();
      await obs.close();
    }
  });
});
