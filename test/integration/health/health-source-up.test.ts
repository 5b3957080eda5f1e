/**
 * buildfix_health_source_up on a real `buildfix serve` (Redis mode) from its
 * very first scrape: 1 while the health summaries in Redis can be read, also
 * before any dependency-health report exists (an alert on `== 0` or
 * `absent(...)` must not fire on a fresh replica); still 1 with the per-repo
 * gauges once a summary is there; 0 from the first scrape when Redis does not
 * answer. (In-process mode: health-chat.test.ts.)
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import { saveHealthSummary, type HealthSummary } from '../../../src/health/health-summary.ts';
import { normalizeKeyPrefix } from '../../../src/redis/key-prefix.ts';
import { freePort } from '../../fakes/goproxy-server.ts';
import { startSlackApiFake, type SlackApiFake } from '../../fakes/slack-api.ts';
import { startServe, type ServeHandle } from '../../helpers/slack-processes.ts';
import { TEST_SIGNING_SECRET } from '../../helpers/slack-sign.ts';
import { connectTestRedis, deleteUnder, testPrefix, TEST_REDIS_URL } from '../incidents/redis-test-env.ts';

/** The value of an unlabelled series, or undefined when the scrape does not have it. */
function sample(text: string, name: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

async function scrape(url: string): Promise<string> {
  const res = await fetch(`${url}/metrics`);
  assert.equal(res.status, 200);
  return res.text();
}

describe('buildfix_health_source_up on a Redis-mode serve', () => {
  let dir: string;
  let slack: SlackApiFake;
  let base: Record<string, string>;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bf-health-up-'));
    await writeFile(join(dir, 'chat.yaml'), 'repos: {}\n');
    slack = await startSlackApiFake();
    base = {
      HOME: dir,
      BUILDFIX_CONFIG: join(dir, 'chat.yaml'),
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
    };
  });
  after(async () => {
    await slack?.close();
    await rm(dir, { recursive: true, force: true });
  });

  describe('Redis answers', () => {
    let serve: ServeHandle;
    let redis: Redis;
    let prefix: string;
    before(async () => {
      prefix = testPrefix();
      redis = await connectTestRedis();
      serve = await startServe({ ...base, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix }, await freePort(), ['--grace-ms', '500']);
    });
    after(async () => {
      const code = await serve?.stop();
      await deleteUnder(redis, normalizeKeyPrefix(prefix));
      redis?.disconnect();
      assert.equal(code, 0);
    });

    it('the first scrape, before any health report, says 1 and has no per-repo gauges', async () => {
      const text = await scrape(serve.url);
      assert.equal(sample(text, 'buildfix_health_source_up'), 1);
      assert.doesNotMatch(text, /^buildfix_health_\w+\{repo=/m);
    });

    it('once a summary is in Redis: still 1, and the repo gauges are there', async () => {
      const summary: HealthSummary = {
        repo: 'payments',
        generatedAt: new Date().toISOString(),
        status: 'fail',
        partial: false,
        direct: 4,
        indirect: 1,
        outdated: 4,
        outdatedOverThreshold: 2,
        deprecated: 1,
        retracted: 1,
        vulnerabilities: 1,
      };
      await saveHealthSummary(redis, normalizeKeyPrefix(prefix), summary);
      const text = await scrape(serve.url);
      assert.equal(sample(text, 'buildfix_health_source_up'), 1);
      assert.equal(sample(text, 'buildfix_health_vulnerabilities{repo="payments"}'), 1);
      assert.equal(sample(text, 'buildfix_health_over_threshold{repo="payments"}'), 1);
    });
  });

  describe('Redis does not answer', () => {
    let serve: ServeHandle;
    before(async () => {
      const closed = await freePort();
      serve = await startServe({ ...base, REDIS_URL: `redis://127.0.0.1:${closed}`, REDIS_PREFIX: testPrefix() }, await freePort(), ['--grace-ms', '500']);
    });
    after(async () => {
      // The scrape is what this test is about (serve-shutdown-redis-down.test.ts times the exit with Redis away).
      await serve?.stop(3000);
    });

    it('the first scrape already says 0', async () => {
      const text = await scrape(serve.url);
      assert.equal(sample(text, 'buildfix_health_source_up'), 0);
      assert.doesNotMatch(text, /^buildfix_health_\w+\{repo=/m);
    });
  });
});
