/** RedisIncidentStore on a real Redis: the shared contract, restarts, key layout, races across connections. */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import { createIncidentStore } from '../../../src/incidents/create-incident-store.ts';
import { LuaScript } from '../../../src/redis/lua-script.ts';
import { RedisIncidentStore } from '../../../src/incidents/redis-incident-store.ts';
import { closeRedisConnection } from '../../../src/redis/create-redis-connection.ts';
import { describeIncidentStoreContract, failure, testClock } from '../../unit/incidents/store-contract.ts';
import { connectTestRedis, deleteUnder, keysUnder, testPrefix } from './redis-test-env.ts';

describeIncidentStoreContract('RedisIncidentStore', async () => {
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

describe('RedisIncidentStore on real Redis', { timeout: 30_000 }, () => {
  let redis: Redis;
  before(async () => {
    redis = await connectTestRedis();
  });
  after(async () => closeRedisConnection(redis));

  it('restart: a new store on a new connection sees the incident, its roles and its timeline intact', async () => {
    const prefix = testPrefix();
    const first = await connectTestRedis('buildfix-test-first');
    try {
      const store = new RedisIncidentStore({ redis: first, prefix });
      const { incident } = await store.recordCiFailure(failure(4812));
      await store.attachThread(incident.id, 'C-INC', '1767233400.000100');
      await store.setRole(incident.id, 'commander', 'U-ANN', 'U-ANN');
      await store.setRole(incident.id, 'communicator', 'U-BOB', 'U-ANN');
      await store.appendTimeline(incident.id, { by: 'U-ANN', kind: 'command', text: '@buildfix diagnose payments', data: { jobId: 'diagnose-x' } });
      await store.appendTimeline(incident.id, { by: 'buildfix', kind: 'job-progress', text: 'probing proxy.golang.org' });
      await store.setStatus(incident.id, 'identified', 'U-ANN', 'ledger v1.9.9 missing');
      await store.recordCiFailure(failure(4813));
      const before = { incident: await store.get(incident.id), timeline: await store.timeline(incident.id) };
      await closeRedisConnection(first);

      const second = await connectTestRedis('buildfix-test-second');
      try {
        const restarted = new RedisIncidentStore({ redis: second, prefix });
        const after = await restarted.get(incident.id);
        assert.deepEqual(after, before.incident);
        assert.deepEqual(after?.roles, { commander: 'U-ANN', communicator: 'U-BOB' });
        assert.equal(after?.failureCount, 2);
        assert.deepEqual(await restarted.timeline(incident.id), before.timeline);
        assert.equal(before.timeline.length, 7);
        assert.equal((await restarted.findByThread('C-INC', '1767233400.000100'))?.id, incident.id);
        // Grouping continues across the restart, and ids keep increasing.
        assert.equal((await restarted.recordCiFailure(failure(4814))).kind, 'grouped');
        assert.equal((await restarted.open({ title: 'next', by: 'U1' })).id, incident.id + 1);
      } finally {
        await closeRedisConnection(second);
      }
    } finally {
      await deleteUnder(redis, prefix);
      if (first.status !== 'end') first.disconnect();
    }
  });

  it('keeps every key under <prefix>:incidents: with the documented layout', async () => {
    const prefix = testPrefix();
    try {
      const store = new RedisIncidentStore({ redis, prefix });
      const { incident } = await store.recordCiFailure(failure(1));
      await store.attachThread(incident.id, 'C1', '111.222');
      const keys = await keysUnder(redis, prefix);
      assert.deepEqual(keys, [
        `${prefix}:incidents:1`,
        `${prefix}:incidents:1:timeline`,
        `${prefix}:incidents:open`,
        `${prefix}:incidents:pipeline:jenkins:payments/main`,
        `${prefix}:incidents:seq`,
        `${prefix}:incidents:thread:C1:111.222`,
      ]);
      assert.equal(await redis.type(`${prefix}:incidents:1`), 'hash');
      assert.equal(await redis.type(`${prefix}:incidents:1:timeline`), 'list');
      assert.equal(await redis.type(`${prefix}:incidents:open`), 'zset');
      assert.equal(await redis.ttl(`${prefix}:incidents:1`), -1, 'incidents never expire');
      await store.resolve(incident.id, { by: 'U1' });
      const after = await keysUnder(redis, prefix);
      assert.ok(!after.includes(`${prefix}:incidents:pipeline:jenkins:payments/main`), 'resolve frees the pipeline key');
      assert.ok(after.includes(`${prefix}:incidents:thread:C1:111.222`), 'resolve keeps the thread key');
    } finally {
      await deleteUnder(redis, prefix);
    }
  });

  it('ten failures racing from ten connections open one incident with a count of ten', async () => {
    const prefix = testPrefix();
    const conns = await Promise.all(Array.from({ length: 10 }, (_v, i) => connectTestRedis(`buildfix-test-race-${i}`)));
    try {
      const stores = conns.map((c) => new RedisIncidentStore({ redis: c, prefix }));
      const results = await Promise.all(stores.map((s, i) => s.recordCiFailure(failure(200 + i))));
      assert.equal(new Set(results.map((r) => r.incident.id)).size, 1);
      assert.equal(results.filter((r) => r.kind === 'opened').length, 1);
      const id = results[0]?.incident.id ?? 0;
      assert.equal((await stores[0]?.get(id))?.failureCount, 10);
      assert.equal((await stores[0]?.timeline(id))?.length, 10);
      assert.equal(await redis.get(`${prefix}:incidents:seq`), '1');
    } finally {
      await Promise.all(conns.map((c) => closeRedisConnection(c)));
      await deleteUnder(redis, prefix);
    }
  });

  it('a status change racing a resolve never lands on the resolved incident', async () => {
    const prefix = testPrefix();
    try {
      const store = new RedisIncidentStore({ redis, prefix });
      for (let round = 0; round < 20; round++) {
        const { id } = await store.open({ title: `r${round}`, by: 'U1' });
        await Promise.allSettled([store.setStatus(id, 'mitigated', 'U2'), store.resolve(id, { by: 'U1' })]);
        assert.equal((await store.get(id))?.status, 'resolved', 'resolve always wins the end state');
        const kinds = (await store.timeline(id)).map((e) => e.kind);
        assert.ok(!kinds.slice(kinds.indexOf('resolve')).includes('status'), `no status change after the resolve: ${kinds.join(', ')}`);
      }
    } finally {
      await deleteUnder(redis, prefix);
    }
  });

  it('a script Redis has not cached yet runs through the EVAL fallback, then by EVALSHA', async () => {
    const script = new LuaScript(`return 'fresh-${randomUUID()}'`);
    assert.deepEqual(await redis.script('EXISTS', script.sha), [0]);
    assert.match(String(await script.run(redis, [], [])), /^fresh-/);
    assert.deepEqual(await redis.script('EXISTS', script.sha), [1]);
    assert.match(String(await script.run(redis, [], [])), /^fresh-/);
  });

  it('createIncidentStore with a connection is the Redis store, without a notice', () => {
    const created = createIncidentStore({ redis, prefix: testPrefix() });
    assert.equal(created.store.kind, 'redis');
    assert.equal(created.notice, undefined);
  });
});
