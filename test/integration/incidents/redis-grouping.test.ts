/**
 * Grouping CI failures by cause in RedisIncidentStore on a real Redis: the
 * shared contract, failures of one cause racing in from several connections
 * (serve replicas) at once, and a new store (a restarted serve) continuing
 * the same incident.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import { RedisIncidentStore } from '../../../src/incidents/redis-incident-store.ts';
import { closeRedisConnection } from '../../../src/redis/create-redis-connection.ts';
import { causedFailure, describeGroupingContract, MISSING_LEDGER } from '../../unit/incidents/grouping-contract.ts';
import { testClock } from '../../unit/incidents/store-contract.ts';
import { connectTestRedis, deleteUnder, testPrefix } from './redis-test-env.ts';

describeGroupingContract('RedisIncidentStore', async () => {
  const redis = await connectTestRedis();
  const prefix = testPrefix();
  const clock = testClock();
  return {
    store: new RedisIncidentStore({ redis, prefix, now: clock.now }),
    clock,
    close: async () => {
      await deleteUnder(redis, prefix);
      await closeRedisConnection(redis);
    },
  };
});

describe('RedisIncidentStore grouping by cause across connections', { timeout: 30_000 }, () => {
  const connections: Redis[] = [];
  const prefix = testPrefix();
  before(async () => {
    for (let i = 0; i < 4; i++) connections.push(await connectTestRedis(`buildfix-test-grouping-${i}`));
  });
  after(async () => {
    const [first] = connections;
    if (first) await deleteUnder(first, prefix);
    await Promise.all(connections.map((c) => closeRedisConnection(c)));
  });

  it('30 failures of 6 pipelines in 3 repos, sent at once through 4 connections: one incident, count 30', async () => {
    const stores = connections.map((redis) => new RedisIncidentStore({ redis, prefix }));
    const pipelines = [
      'jenkins:payments/main',
      'jenkins:payments/release',
      'github:o/r:CI:main',
      'github:o/r:CI:release',
      'gitlab:g/p:main',
      'gitlab:g/p:release',
    ];
    const repoOf = (p: string): string => (p.startsWith('jenkins:') ? 'acme/payments' : p.startsWith('github:') ? 'o/r' : 'g/p');
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => {
        const pipeline = pipelines[i % 6] ?? '';
        return stores[i % stores.length]?.recordCiFailure(causedFailure(200 + i, { pipeline, repo: repoOf(pipeline) }));
      }),
    );
    assert.equal(results.filter((r) => r?.kind === 'opened').length, 1, 'exactly one opened');
    const ids = new Set(results.map((r) => r?.incident.id));
    assert.equal(ids.size, 1, 'one incident');
    const [id] = [...ids];
    const incident = await stores[0]?.get(id ?? 0);
    assert.equal(incident?.failureCount, 30);
    assert.equal(incident?.blast?.pipelines.length, 6);
    assert.deepEqual([...(incident?.blast?.repos ?? [])].sort(), ['acme/payments', 'g/p', 'o/r']);
    assert.deepEqual(
      (await stores[1]?.timeline(id ?? 0))?.filter((e) => e.kind === 'ci-event').map((e) => e.data?.failureCount),
      Array.from({ length: 30 }, (_, i) => i + 1),
      'each failure in the timeline with its running count',
    );

    // A restarted serve is a new store on a new connection: the next failure joins the same incident.
    const restarted = await connectTestRedis('buildfix-test-grouping-restarted');
    try {
      const next = await new RedisIncidentStore({ redis: restarted, prefix }).recordCiFailure(
        causedFailure(300, { pipeline: 'jenkins:ledger/main', repo: 'acme/ledger' }),
      );
      assert.equal(next.kind, 'grouped');
      assert.equal(next.incident.id, id);
      assert.equal(next.incident.blast?.repos.length, 4);
      assert.deepEqual(next.incident.cause, MISSING_LEDGER);
    } finally {
      await closeRedisConnection(restarted);
    }
  });
});
