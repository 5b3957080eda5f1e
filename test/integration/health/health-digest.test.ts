/**
 * The weekly digest and the per-repo gauges with real Redis and a real
 * BullMQ job scheduler: a digest scheduled every second (cron with seconds)
 * posts one message to the configured channel through the Slack outbox
 * (Slack fake) with each repo's headline and the vulnerable version's OSV
 * id; unset, the scheduler is removed. The summaries a report leaves in
 * Redis become gauges per repo on scrape; an unreadable source says so.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { loadConfig, type Config } from '../../../src/config/load-config.ts';
import { GoProxyClient } from '../../../src/goproxy/goproxy-client.ts';
import { HEALTH_DIGEST_QUEUE, HEALTH_DIGEST_SCHEDULER, startHealthDigest } from '../../../src/health/health-digest.ts';
import { registerHealthGauges } from '../../../src/health/health-gauges.ts';
import { buildHealthReport } from '../../../src/health/health-report.ts';
import { readHealthSummaries, saveHealthSummary, summarizeHealth } from '../../../src/health/health-summary.ts';
import { VulnDbClient } from '../../../src/health/vulndb-client.ts';
import { createDispatcher } from '../../../src/jobs/create-dispatcher.ts';
import { createLogger } from '../../../src/logger.ts';
import { SlackOutbox } from '../../../src/slack/outbox/slack-outbox.ts';
import { SlackApi } from '../../../src/slack/slack-api.ts';
import { startGoProxyFake, type GoProxyFake } from '../../fakes/goproxy-server.ts';
import { startSlackApiFake, type SlackApiFake } from '../../fakes/slack-api.ts';
import { startVulnDbFake, type VulnDbFake } from '../../fakes/vulndb-server.ts';
import { deleteKeys, SHARED_REDIS_URL, uniquePrefix } from '../../helpers/jobs-harness.ts';
import { HEALTH_MODULES, HEALTH_OSV, writeHealthProject, type HealthProject } from './health-fixture.ts';

const logger = createLogger({ level: 'silent' });

describe('health digest (BullMQ job scheduler) and gauges', { timeout: 60_000 }, () => {
  let proxy: GoProxyFake;
  let vulndb: VulnDbFake;
  let slack: SlackApiFake;
  let project: HealthProject;
  let prefix: string;
  let configFile: string;

  const config = (digest: string): Config =>
    loadConfig(
      { BUILDFIX_CONFIG: configFile, GOPROXY: proxy.url, GOSUMDB: 'off', HOME: project.dir, LOG_LEVEL: 'silent' },
      {
        readFile: () => `repos:\n  payments:\n    url: ${project.dir}\nhealth:\n  vulndbUrl: ${vulndb.url}\n${digest}`,
      },
    );

  before(async () => {
    proxy = await startGoProxyFake({ modules: HEALTH_MODULES });
    vulndb = await startVulnDbFake({ entries: HEALTH_OSV });
    slack = await startSlackApiFake();
    project = await writeHealthProject();
    configFile = join(project.dir, 'digest.yaml');
    await writeFile(configFile, '');
    prefix = uniquePrefix('health');
  });
  after(async () => {
    await Promise.all([proxy.close(), vulndb.close(), slack.close()]);
    await project.cleanup();
    await deleteKeys(SHARED_REDIS_URL, prefix);
  });

  it('posts the digest to the configured channel on the cron schedule; unset, the schedule is removed', async () => {
    const cfg = config("  digest:\n    channel: C0DIGEST\n    cron: '*/2 * * * * *'\n");
    const dispatcher = createDispatcher(cfg, logger);
    const api = new SlackApi({ token: 'xoxb-test-token', apiUrl: slack.apiUrl, logger });
    const outbox = new SlackOutbox({ api, logger, textBudget: 11_000, progressEditsPerMinute: 30 });
    const digest = startHealthDigest({ config: cfg, redisUrl: SHARED_REDIS_URL, prefix, dispatcher, outbox, logger });
    const queue = new Queue(HEALTH_DIGEST_QUEUE, { connection: { url: SHARED_REDIS_URL }, prefix });
    try {
      await digest.ready;
      const schedulers = await queue.getJobSchedulers(0, -1);
      assert.deepEqual(
        schedulers.map((s) => [s.id ?? s.key, s.pattern, s.tz]),
        [[HEALTH_DIGEST_SCHEDULER, '*/2 * * * * *', 'UTC']],
      );
      const posted = await slack.waitFor((c) => c.method === 'chat.postMessage' && c.ok && c.args.channel === 'C0DIGEST', 20_000);
      assert.match(String(posted.args.text), /^Weekly dependency health: 1 repo, 1 over thresholds/);
      const blocks = JSON.stringify(posted.args.blocks);
      assert.match(blocks, /payments — over thresholds/);
      assert.match(blocks, /GO-2099-0001 example\.test\/vuln v1\.4\.0 \(fixed in v1\.4\.2\)/);
      assert.match(blocks, /deprecated: 1 deprecated module/);
    } finally {
      await digest.close();
      await dispatcher.close?.();
    }
    // The same replica restarted without health.digest: the schedule goes away.
    const off = startHealthDigest({
      config: config(''),
      redisUrl: SHARED_REDIS_URL,
      prefix,
      dispatcher: createDispatcher(config(''), logger),
      outbox: { post: () => Promise.resolve({}) },
      logger,
    });
    await off.ready;
    await off.close();
    assert.deepEqual(await queue.getJobSchedulers(0, -1), []);
    await queue.close();
  });

  it('a report summary in Redis becomes gauges per repo on scrape', async () => {
    const client = new GoProxyClient({ timeoutMs: 5000 });
    const redis = new Redis(SHARED_REDIS_URL);
    try {
      const report = await buildHealthReport(project.dir, {
        goEnv: { GOPROXY: proxy.url },
        client,
        vulndb: new VulnDbClient({ url: vulndb.url, http: client.http }),
      });
      await saveHealthSummary(redis, prefix, summarizeHealth('payments', report));
      assert.equal((await readHealthSummaries(redis, prefix)).length, 1);
      const registry = new Registry();
      registerHealthGauges(registry, () => readHealthSummaries(redis, prefix));
      const text = await registry.metrics();
      assert.match(text, /buildfix_health_vulnerabilities\{repo="payments"\} 1/);
      assert.match(text, /buildfix_health_deprecated_modules\{repo="payments"\} 1/);
      assert.match(text, /buildfix_health_retracted_versions\{repo="payments"\} 1/);
      assert.match(text, /buildfix_health_indirect_requirements\{repo="payments"\} 1/);
      assert.match(text, /buildfix_health_direct_requirements\{repo="payments"\} 4/);
      assert.match(text, /buildfix_health_over_threshold\{repo="payments"\} 1/);
      assert.match(text, /buildfix_health_source_up 1/);

      const broken = new Registry();
      registerHealthGauges(broken, () => Promise.reject(new Error('redis down')));
      const down = await broken.metrics();
      assert.match(down, /buildfix_health_source_up 0/);
      assert.doesNotMatch(down, /repo="payments"/);
    } finally {
      await client.close();
      redis.disconnect();
    }
  });
});
