/**
 * The dependency-health job through BullMQ (real Redis, a worker runner in
 * this process): the outcome carries the report, and the worker leaves the
 * repo's summary in Redis, which serve's gauges read on scrape.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { loadConfig } from '../../../src/config/load-config.ts';
import { registerHealthGauges } from '../../../src/health/health-gauges.ts';
import { readHealthSummaries } from '../../../src/health/health-summary.ts';
import { BullmqDispatcher } from '../../../src/jobs/bullmq-dispatcher.ts';
import type { DependencyHealthJobResult } from '../../../src/jobs/job-results.ts';
import { startWorker, type RunningWorker } from '../../../src/jobs/worker-runner.ts';
import { createLogger } from '../../../src/logger.ts';
import { normalizeKeyPrefix } from '../../../src/redis/key-prefix.ts';
import { startGoProxyFake, type GoProxyFake } from '../../fakes/goproxy-server.ts';
import { startVulnDbFake, type VulnDbFake } from '../../fakes/vulndb-server.ts';
import { deleteKeys, SHARED_REDIS_URL, uniquePrefix } from '../../helpers/jobs-harness.ts';
import { HEALTH_MODULES, HEALTH_OSV, writeHealthProject, type HealthProject } from './health-fixture.ts';

const logger = createLogger({ level: 'silent' });

describe('dependency-health job on a BullMQ worker', { timeout: 60_000 }, () => {
  let proxy: GoProxyFake;
  let vulndb: VulnDbFake;
  let project: HealthProject;
  let worker: RunningWorker;
  let dispatcher: BullmqDispatcher;
  const prefixValue = uniquePrefix('hw');
  const prefix = normalizeKeyPrefix(prefixValue);

  before(async () => {
    proxy = await startGoProxyFake({ modules: HEALTH_MODULES });
    vulndb = await startVulnDbFake({ entries: HEALTH_OSV });
    project = await writeHealthProject();
    const config = loadConfig(
      { BUILDFIX_CONFIG: 'inline.yaml', BUILDFIX_HOST: 'hw-agent', REDIS_URL: SHARED_REDIS_URL, REDIS_PREFIX: prefixValue, GOPROXY: proxy.url, GOSUMDB: 'off' },
      { readFile: () => `repos:\n  payments:\n    url: ${project.dir}\nhealth:\n  vulndbUrl: ${vulndb.url}\n` },
    );
    worker = startWorker({ config, logger, redisUrl: SHARED_REDIS_URL, prefix, host: 'hw-agent', heartbeatIntervalMs: 500 });
    await worker.ready;
    dispatcher = new BullmqDispatcher({ config, logger, redisUrl: SHARED_REDIS_URL, prefix, pollIntervalMs: 500 });
  });
  after(async () => {
    await dispatcher?.close();
    await worker?.close();
    await Promise.all([proxy.close(), vulndb.close()]);
    await project.cleanup();
    await deleteKeys(SHARED_REDIS_URL, prefixValue);
  });

  it('runs the report, stores the summary, and the gauges show it', async () => {
    const handle = await dispatcher.submit('dependency-health', { repo: 'payments' });
    const outcome = await dispatcher.waitFor(handle.id, { timeoutMs: 30_000 });
    assert.ok(outcome.ok, JSON.stringify(outcome));
    const report = (outcome.result as DependencyHealthJobResult).report;
    assert.deepEqual(
      report.vulnerabilities.map((v) => v.id),
      ['GO-2099-0001'],
    );
    const redis = new Redis(SHARED_REDIS_URL);
    try {
      const summaries = await readHealthSummaries(redis, prefix);
      assert.deepEqual(
        summaries.map((s) => [s.repo, s.status, s.vulnerabilities, s.deprecated, s.retracted, s.direct, s.indirect]),
        [['payments', 'fail', 1, 1, 1, 4, 1]],
      );
      const registry = new Registry();
      registerHealthGauges(registry, () => readHealthSummaries(redis, prefix));
      assert.match(await registry.metrics(), /buildfix_health_vulnerabilities\{repo="payments"\} 1/);
    } finally {
      redis.disconnect();
    }
  });
});
