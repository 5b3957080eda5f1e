/**
 * Pre-flight alerts are never lost between the workers' change stream and
 * Slack (real Redis, the Slack fake): a serve replica that read a change and
 * died before XACK leaves it pending; a live replica takes it over once it
 * has been idle past the bound and posts the alert exactly once. A change
 * whose alert Slack refused stays pending and is retried until it is posted.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { loadConfig } from '../../../src/config/load-config.ts';
import { createLogger } from '../../../src/logger.ts';
import { ALERT_GROUP } from '../../../src/preflight/alert-consumer.ts';
import { createPreflightServices, type PreflightServices } from '../../../src/preflight/services.ts';
import { RedisPreflightStore } from '../../../src/preflight/store.ts';
import type { AgentProblems, PreflightResult } from '../../../src/preflight/types.ts';
import { slackOutboxOnFake } from '../../helpers/slack-outbox-on-fake.ts';
import { startSlackApiFake, type SlackApiFake } from '../../fakes/slack-api.ts';
import { deleteKeys, SHARED_REDIS_URL, uniquePrefix, waitUntil } from '../../helpers/jobs-harness.ts';

const CHANNEL = 'C0RECLAIM';
const IDLE_MS = 800;

function problem(agent: string, module: string): AgentProblems {
  return {
    agent,
    at: new Date().toISOString(),
    findings: [
      {
        key: `version-not-found:${module}`,
        category: 'version-not-found',
        severity: 'error',
        message: `${module} is gone from the proxy`,
        alert: true,
      },
    ],
  };
}

function failedRun(agent: string, repo: string, module: string): PreflightResult {
  const now = new Date().toISOString();
  return {
    v: 1,
    agent,
    check: 'modules',
    repo,
    startedAt: now,
    finishedAt: now,
    durationMs: 5,
    status: 'fail',
    summary: `${module} is gone`,
    findings: problem(agent, module).findings,
  };
}

describe('pre-flight alert stream: pending changes are taken over', () => {
  const prefixValue = uniquePrefix('pfreclaim');
  const prefix = `{${prefixValue}}`;
  const logger = createLogger({ level: 'silent' });
  let slack: SlackApiFake;
  let redis: Redis;
  let store: RedisPreflightStore;
  const replicas: PreflightServices[] = [];

  const startReplica = (name: string): PreflightServices => {
    const config = loadConfig({ REDIS_URL: SHARED_REDIS_URL, REDIS_PREFIX: prefixValue, SLACK_API_URL: slack.apiUrl });
    const services = createPreflightServices(config, logger);
    services.startAlerts(slackOutboxOnFake(slack, logger), CHANNEL, name, { idleMs: IDLE_MS, everyMs: 200 });
    replicas.push(services);
    return services;
  };
  const consumers = async (): Promise<string[]> => {
    const rows = (await redis.xinfo('CONSUMERS', store.keys.changes, ALERT_GROUP).catch(() => [])) as unknown[][];
    return rows.map((r) => String(r[1]));
  };
  const pending = async (): Promise<number> => Number(((await redis.xpending(store.keys.changes, ALERT_GROUP)) as unknown[])[0]);
  const postsAbout = (repo: string) =>
    slack.okCalls('chat.postMessage').filter((c) => c.args.channel === CHANNEL && String(c.args.text).includes(`of ${repo}`));

  before(async () => {
    slack = await startSlackApiFake();
    redis = new Redis(SHARED_REDIS_URL);
    store = new RedisPreflightStore(redis, prefix);
  });

  after(async () => {
    await Promise.all(replicas.map((r) => r.close()));
    redis?.disconnect();
    await deleteKeys(SHARED_REDIS_URL, prefixValue);
    await slack?.close();
  });

  it('a replica that read a change and died before XACK: a live replica posts the alert exactly once', async () => {
    startReplica('replica-live');
    await waitUntil('the live replica to read the stream', async () => ((await consumers()).includes('replica-live') ? true : undefined));
    // A worker records a problem and announces the scope; the other replica reads the entry in the same
    // transaction (so it, not the live one, gets it) and dies: no XACK, no alert.
    const scope = 'modules:one';
    const [, , read] = (await redis
      .multi()
      .hset(store.keys.problems(scope), 'agent-07', JSON.stringify(problem('agent-07', 'example.test/beta@v1.1.0')))
      .xadd(store.keys.changes, '*', 'scope', scope, 'agent', 'agent-07')
      .xreadgroup('GROUP', ALERT_GROUP, 'replica-dead', 'COUNT', 10, 'STREAMS', store.keys.changes, '>')
      .exec()) as [unknown, unknown, [null, Array<[string, Array<[string, string[]]>]>]];
    assert.equal(read[1][0]?.[1].length, 1, 'the replica that dies read the change');
    assert.equal(await pending(), 1);

    const post = await slack.waitFor((c) => c.method === 'chat.postMessage' && c.ok && c.args.channel === CHANNEL, 10_000);
    assert.match(String(post.args.text), /module check of one/);
    await waitUntil('the taken-over entry to be acknowledged', async () => ((await pending()) === 0 ? true : undefined), 5000);
    assert.equal((await store.alert(scope))?.state, 'open');

    // Another replica starting (it brings every scope in line) and more reclaim rounds: still one alert.
    startReplica('replica-next');
    await waitUntil('the next replica to read the stream', async () => ((await consumers()).includes('replica-next') ? true : undefined));
    await new Promise((r) => setTimeout(r, IDLE_MS * 2));
    assert.equal(postsAbout('one').length, 1, 'posted exactly once');
  });

  it('an alert Slack failed to take (transient) is retried, its change pending, and posted once when Slack takes it', async () => {
    slack.fail('chat.postMessage', { error: 'service_unavailable' });
    await store.record(failedRun('agent-03', 'two', 'example.test/alpha@v1.0.0'), 10);
    await slack.waitFor((c) => c.method === 'chat.postMessage' && !c.ok && c.args.channel === CHANNEL, 10_000);
    assert.equal(postsAbout('two').length, 0);
    await waitUntil('the refused alert to be posted on a retry', () => (postsAbout('two').length > 0 ? true : undefined), 10_000);
    await waitUntil('the change to be acknowledged', async () => ((await pending()) === 0 ? true : undefined), 5000);
    await new Promise((r) => setTimeout(r, IDLE_MS * 2));
    assert.equal(postsAbout('two').length, 1, 'posted exactly once');
    assert.equal((await store.alert('modules:two'))?.state, 'open');
  });
});

describe('pre-flight alert stream: consumers of stopped replicas are removed', () => {
  const prefixValue = uniquePrefix('pfprune');
  const logger = createLogger({ level: 'silent' });
  let slack: SlackApiFake;
  let redis: Redis;
  let store: RedisPreflightStore;
  let services: PreflightServices | undefined;

  before(async () => {
    slack = await startSlackApiFake();
    redis = new Redis(SHARED_REDIS_URL);
    store = new RedisPreflightStore(redis, `{${prefixValue}}`);
  });

  after(async () => {
    await services?.close();
    redis?.disconnect();
    await deleteKeys(SHARED_REDIS_URL, prefixValue);
    await slack?.close();
  });

  it('one with nothing pending goes once idle past the bound; one still holding a change stays until it is taken over', async () => {
    const config = loadConfig({ REDIS_URL: SHARED_REDIS_URL, REDIS_PREFIX: prefixValue, SLACK_API_URL: slack.apiUrl });
    services = createPreflightServices(config, logger);
    // Changes are taken over only after a minute here, so the holding consumer keeps its entry for the whole test.
    services.startAlerts(slackOutboxOnFake(slack, logger), CHANNEL, 'replica-live', { idleMs: 60_000, everyMs: 200, pruneIdleMs: 300 });
    const names = async (): Promise<string[]> => {
      const rows = (await redis.xinfo('CONSUMERS', store.keys.changes, ALERT_GROUP).catch(() => [])) as unknown[][];
      return rows.map((r) => String(r[1])).sort();
    };
    await waitUntil('the live replica to join the group', async () => ((await names()).includes('replica-live') ? true : undefined));
    await redis.xgroup('CREATECONSUMER', store.keys.changes, ALERT_GROUP, 'replica-stopped');
    await redis
      .multi()
      .xadd(store.keys.changes, '*', 'scope', 'modules:held', 'agent', 'agent-09')
      .xreadgroup('GROUP', ALERT_GROUP, 'replica-holding', 'COUNT', 10, 'STREAMS', store.keys.changes, '>')
      .exec();
    assert.deepEqual(await names(), ['replica-holding', 'replica-live', 'replica-stopped']);

    await waitUntil('the stopped replica to be removed', async () => (!(await names()).includes('replica-stopped') ? true : undefined), 5000);
    assert.ok((await names()).includes('replica-holding'), 'a consumer holding a pending change is kept');
    const pending = (await redis.xpending(store.keys.changes, ALERT_GROUP)) as unknown[];
    assert.equal(Number(pending[0]), 1, 'its change is still pending, to be taken over');
  });
});
