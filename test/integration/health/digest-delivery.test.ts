/**
 * The weekly health digest goes through the outbox's retrying path (real
 * Redis, a real BullMQ job scheduler firing every 2 s, the real SlackApi and
 * SlackOutbox against the strict Slack fake, the GOPROXY and vulndb fakes):
 * - Slack answers the first chat.postMessage internal_error: the channel is
 *   searched for the digest's marker, then it is posted once;
 * - Slack refuses the channel for good (channel_not_found): tried once, then
 *   counted (buildfix_slack_posts_failed_total) and recorded in Redis, where
 *   the CLI's `buildfix status` lists it.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { loadConfig, type Config } from '../../../src/config/load-config.ts';
import { startHealthDigest } from '../../../src/health/health-digest.ts';
import { createDispatcher } from '../../../src/jobs/create-dispatcher.ts';
import { createLogger } from '../../../src/logger.ts';
import { processMetrics, renderMetrics } from '../../../src/metrics/metrics.ts';
import { normalizeKeyPrefix } from '../../../src/redis/key-prefix.ts';
import { SlackOutbox } from '../../../src/slack/outbox/slack-outbox.ts';
import { RedisUndeliveredLog } from '../../../src/slack/outbox/undelivered.ts';
import { SlackApi } from '../../../src/slack/slack-api.ts';
import { startGoProxyFake, type GoProxyFake } from '../../fakes/goproxy-server.ts';
import { startSlackApiFake, type SlackApiFake } from '../../fakes/slack-api.ts';
import { startVulnDbFake, type VulnDbFake } from '../../fakes/vulndb-server.ts';
import { deleteKeys, SHARED_REDIS_URL, uniquePrefix } from '../../helpers/jobs-harness.ts';
import { runCli } from '../../helpers/run-cli.ts';
import { HEALTH_MODULES, HEALTH_OSV, writeHealthProject, type HealthProject } from './health-fixture.ts';

const logger = createLogger({ level: 'silent' });

describe('health digest: retried on transient Slack failures, reported when given up on', { timeout: 90_000 }, () => {
  let proxy: GoProxyFake;
  let vulndb: VulnDbFake;
  let slack: SlackApiFake;
  let project: HealthProject;
  let prefix: string;
  let configFile: string;
  let redis: Redis;

  const config = (channel: string): Config =>
    loadConfig(
      { BUILDFIX_CONFIG: configFile, GOPROXY: proxy.url, GOSUMDB: 'off', HOME: project.dir, LOG_LEVEL: 'silent' },
      {
        readFile: () =>
          `repos:\n  payments:\n    url: ${project.dir}\nhealth:\n  vulndbUrl: ${vulndb.url}\n  digest:\n    channel: ${channel}\n    cron: '*/2 * * * * *'\nslack:\n  postGiveUpAfter: 8s\n`,
      },
    );

  /** One digest run against `channel`, until `done` says so; the scheduler is then removed. */
  const runDigest = async (channel: string, done: () => boolean): Promise<void> => {
    const cfg = config(channel);
    const dispatcher = createDispatcher(cfg, logger);
    const api = new SlackApi({ token: 'xoxb-test-token', apiUrl: slack.apiUrl, logger });
    const outbox = new SlackOutbox({
      api,
      logger,
      textBudget: 11_000,
      giveUpAfterMs: cfg.slack.postGiveUpAfter,
      undelivered: new RedisUndeliveredLog(redis, normalizeKeyPrefix(prefix)),
    });
    const digest = startHealthDigest({ config: cfg, redisUrl: SHARED_REDIS_URL, prefix: normalizeKeyPrefix(prefix), dispatcher, outbox, logger });
    try {
      await digest.ready;
      const deadline = Date.now() + 30_000;
      while (!done()) {
        if (Date.now() > deadline)
          throw new Error(`the digest run did not finish; calls: ${slack.calls.map((c) => `${c.method}${c.ok ? '' : `!${c.error ?? c.status}`}`).join(', ')}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      await digest.close();
      await dispatcher.close?.();
      outbox.close();
    }
  };
  const postsTo = (channel: string) => slack.callsTo('chat.postMessage').filter((c) => c.args.channel === channel);
  const markerOf = (c: { args: Record<string, unknown> }): string | undefined => (c.args.metadata as { event_payload?: { id?: string } }).event_payload?.id;

  before(async () => {
    processMetrics();
    proxy = await startGoProxyFake({ modules: HEALTH_MODULES });
    vulndb = await startVulnDbFake({ entries: HEALTH_OSV });
    slack = await startSlackApiFake();
    project = await writeHealthProject();
    configFile = join(project.dir, 'digest.yaml');
    await writeFile(configFile, '');
    prefix = uniquePrefix('digest-delivery');
    redis = new Redis(SHARED_REDIS_URL);
  });
  after(async () => {
    redis.disconnect();
    await Promise.all([proxy.close(), vulndb.close(), slack.close()]);
    await project.cleanup();
    await deleteKeys(SHARED_REDIS_URL, prefix);
  });

  it('internal_error on the first post: searched for, then posted once', async () => {
    slack.fail('chat.postMessage', { error: 'internal_error', channel: 'C0DIGEST' });
    await runDigest('C0DIGEST', () => postsTo('C0DIGEST').some((c) => c.ok));
    const [refused, ...rest] = postsTo('C0DIGEST');
    assert.equal(refused?.error, 'internal_error');
    const posted = rest.find((c) => c.ok);
    assert.ok(posted);
    assert.match(String(posted.args.text), /^Weekly dependency health: 1 repo/);
    // The retry is the same post (same marker), sent after a search found nothing; never a second copy of it.
    assert.equal(markerOf(posted), markerOf(refused));
    const search = slack.okCalls('conversations.history').find((c) => c.args.channel === 'C0DIGEST');
    assert.ok(search && search.at <= posted.at, 'the channel was searched before the post was sent again');
    const copies = slack.messages.filter((m) => m.channel === 'C0DIGEST' && m.metadata?.event_payload?.id === markerOf(posted));
    assert.equal(copies.length, 1);
  });

  it('channel_not_found: tried once, counted, listed by buildfix status', async () => {
    slack.reset();
    slack.fail('chat.postMessage', { error: 'channel_not_found', channel: 'C0GONE' });
    const log = new RedisUndeliveredLog(redis, normalizeKeyPrefix(prefix));
    await runDigest('C0GONE', () => postsTo('C0GONE').length > 0);
    const entry = await (async () => {
      for (let i = 0; i < 50; i++) {
        const [e] = await log.recent(5);
        if (e) return e;
        await new Promise((r) => setTimeout(r, 100));
      }
      return undefined;
    })();
    assert.ok(entry, 'recorded as undelivered');
    assert.deepEqual([entry.what, entry.channel, entry.reason, entry.permanent, entry.attempts], ['health digest', 'C0GONE', 'channel_not_found', true, 1]);
    assert.equal(postsTo('C0GONE').length, 1, 'not retried');
    assert.match(await renderMetrics(), /buildfix_slack_posts_failed_total\{reason="channel_not_found"\} 1/);
    const cli = await runCli(['status'], { REDIS_URL: SHARED_REDIS_URL, REDIS_PREFIX: prefix });
    assert.equal(cli.exitCode, 0, cli.stderr);
    assert.match(cli.stdout, /! \d+ min ago: health digest to C0GONE not delivered: channel_not_found — invite the bot to <#C0GONE>/);
  });
});
