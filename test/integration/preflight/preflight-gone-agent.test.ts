/**
 * An agent that stopped reporting (no live worker heartbeat, no pre-flight
 * result for longer than preflight.agentGoneAfter) no longer keeps its
 * pre-flight alerts open for days: with real Redis and the Slack fake, its
 * problems are dropped; an alert only it kept open is closed as unknown
 * (naming it and when it stopped reporting), one shared with a live agent is
 * edited to say so. A live agent with equally old results is kept.
 */
import assert from 'node:assert/strict';
import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { loadConfig } from '../../../src/config/load-config.ts';
import { buildfixKeys } from '../../../src/jobs/queue-names.ts';
import { writeHeartbeat } from '../../../src/jobs/worker-registry.ts';
import { createLogger } from '../../../src/logger.ts';
import { createPreflightServices, type PreflightServices } from '../../../src/preflight/services.ts';
import { RedisPreflightStore } from '../../../src/preflight/store.ts';
import { slackOutboxOnFake } from '../../helpers/slack-outbox-on-fake.ts';
import { startSlackApiFake, type SlackApiFake } from '../../fakes/slack-api.ts';
import { evictedModuleRun } from '../../helpers/preflight-results.ts';
import { deleteKeys, SHARED_REDIS_URL, uniquePrefix, waitUntil } from '../../helpers/jobs-harness.ts';

const CHANNEL = 'C0GONE';

describe('pre-flight alerts of an agent that stopped reporting', () => {
  const prefixValue = uniquePrefix('pfgone');
  const prefix = `{${prefixValue}}`;
  const logger = createLogger({ level: 'silent' });
  let slack: SlackApiFake;
  let redis: Redis;
  let store: RedisPreflightStore;
  let services: PreflightServices;
  let dir: string;

  before(async () => {
    slack = await startSlackApiFake();
    redis = new Redis(SHARED_REDIS_URL);
    store = new RedisPreflightStore(redis, prefix);
    dir = await mkdtemp(join(tmpdir(), 'bf-gone-'));
  });

  after(async () => {
    await services?.close();
    redis?.disconnect();
    await deleteKeys(SHARED_REDIS_URL, prefixValue);
    await slack?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const rootOf = (repo: string) => slack.messages.find((m) => m.channel === CHANNEL && !m.threadTs && m.text.includes(`of ${repo}`));

  it('closes an alert only the gone agent kept open as unknown, and drops it from a shared one', async () => {
    const stoppedAt = new Date(Date.now() - 10_000);
    // agent-07's worker is gone: its last results are 10 s old and it has no heartbeat.
    await store.record(evictedModuleRun('agent-07', 'one', stoppedAt), 10);
    await store.record(evictedModuleRun('agent-07', 'two', stoppedAt), 10);
    // agent-03's results are as old, but its worker is alive (a long interval): it stays.
    await store.record(evictedModuleRun('agent-03', 'one', stoppedAt), 10);
    const now = new Date().toISOString();
    await writeHeartbeat(
      redis,
      buildfixKeys(prefix),
      {
        id: 'w-03',
        host: 'agent-03',
        version: 'test',
        pid: 1,
        hostname: 'agent-03',
        startedAt: now,
        lastSeen: now,
        concurrency: 1,
        queues: [],
        running: [],
        state: 'running',
      },
      60_000,
    );
    const configPath = join(dir, 'buildfix.yaml');
    await writeFile(configPath, JSON.stringify({ preflight: { agentGoneAfter: '3s' } }));
    const config = loadConfig({ REDIS_URL: SHARED_REDIS_URL, REDIS_PREFIX: prefixValue, SLACK_API_URL: slack.apiUrl, BUILDFIX_CONFIG: configPath });
    services = createPreflightServices(config, logger);
    services.startAlerts(slackOutboxOnFake(slack, logger), CHANNEL, 'replica-gone', { idleMs: 1000, everyMs: 200 });

    const two = await waitUntil(
      'the alert of two to be closed as unknown',
      () => (rootOf('two')?.text.includes('closed as unknown') ? rootOf('two') : undefined),
      10_000,
    );
    assert.equal(two.text, '⚪ Pre-flight: module check of two closed as unknown (agent-07 stopped reporting)');
    const minute = `${stoppedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
    const blocks = JSON.stringify(two.blocks);
    assert.ok(blocks.includes(`\`agent-07\` stopped reporting at ${minute}; its pre-flight alert is closed as unknown`), blocks);
    assert.doesNotMatch(blocks, /healthy again/);
    // The alerter edits the message, then records the state: wait for the record, not just the message.
    await waitUntil('the record of two to be resolved', async () => (await store.alert('modules:two'))?.state === 'resolved', 5000);

    const one = await waitUntil(
      'the alert of one to drop agent-07',
      () => (rootOf('one') && !rootOf('one')?.text.includes('agent-07') ? rootOf('one') : undefined),
      10_000,
    );
    assert.equal(one.text, '🔴 Pre-flight: module check of one will break the next build on agent-03');
    assert.ok(JSON.stringify(one.blocks).includes(`\`agent-07\` stopped reporting at ${minute}: dropped from this alert as unknown`));
    assert.deepEqual(
      (await store.problems('modules:one')).map((p) => p.agent),
      ['agent-03'],
    );
    assert.equal((await store.alert('modules:one'))?.state, 'open');

    // One message per scope, and later rounds change nothing.
    const edits = [one.edits, two.edits];
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(slack.okCalls('chat.postMessage').filter((c) => c.args.channel === CHANNEL).length, 2);
    assert.deepEqual([rootOf('one')?.edits, rootOf('two')?.edits], edits);
  });
});
