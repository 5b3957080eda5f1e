/** The fix verification kept with the incident in real Redis: survives a new connection, and concurrent writers never lose a build. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import { FixVerifier, type VerificationOutput } from '../../../src/incidents/fix-verification.ts';
import { startVerification } from '../../../src/incidents/fix-verification-state.ts';
import type { Incident } from '../../../src/incidents/incident-types.ts';
import { RedisIncidentStore } from '../../../src/incidents/redis-incident-store.ts';
import { createLogger } from '../../../src/logger.ts';
import { closeRedisConnection } from '../../../src/redis/create-redis-connection.ts';
import { connectTestRedis, deleteUnder, testPrefix } from './redis-test-env.ts';

const AT = '2026-01-06T00:40:00.000Z';

describe('fix verification in Redis', { timeout: 30_000 }, () => {
  let redis: Redis;
  let other: Redis;
  const prefix = testPrefix();
  before(async () => {
    redis = await connectTestRedis();
    other = await connectTestRedis('buildfix-test-other');
  });
  after(async () => {
    await deleteUnder(redis, prefix);
    await closeRedisConnection(redis);
    await closeRedisConnection(other);
  });

  it('is stored with the incident, read back by a new connection; a stale revision is refused', async () => {
    const store = new RedisIncidentStore({ redis, prefix });
    const { incident } = await store.recordCiFailure({
      pipelineKey: 'jenkins:payments/main',
      title: 'payments/main #4812 failed',
      source: { ci: 'jenkins', job: 'payments/main' },
      text: 'payments/main #4812 FAILURE',
    });
    const v = startVerification(undefined, {
      trigger: { kind: 'restart', text: 'restart agent-03', by: 'U1', agent: 'agent-03' },
      at: AT,
      greenBuilds: 2,
      autoResolve: false,
      pipelines: ['jenkins:payments/main'],
      checks: [],
    });
    const saved = await store.saveVerification(incident.id, v, 0, [{ by: 'buildfix', kind: 'verify', text: 'verification #1 started' }]);
    assert.deepEqual(saved?.verification, v);
    assert.equal(await store.saveVerification(incident.id, v, 0), undefined);
    const fresh = new RedisIncidentStore({ redis: other, prefix });
    assert.deepEqual((await fresh.get(incident.id))?.verification, v);
    assert.equal((await fresh.timeline(incident.id)).at(-1)?.kind, 'verify');

    // Two replicas record builds at the same moment: both are counted (compare-and-set, retried).
    const said: string[] = [];
    const output: VerificationOutput = {
      say: async (_i: Incident, text: string) => void said.push(text),
      offerResolve: async (_i: Incident, text: string) => void said.push(`OFFER ${text}`),
      resolved: async () => undefined,
    };
    const logger = createLogger({ level: 'silent' });
    const config = { repos: {}, incidents: { verify: { greenBuilds: 2, autoResolve: false } } };
    const a = new FixVerifier({ store, config, logger });
    const b = new FixVerifier({ store: fresh, config, logger });
    const current = (await store.get(incident.id)) as Incident;
    const build = (n: number) => ({
      pipeline: 'jenkins:payments/main',
      label: `payments/main #${n}`,
      number: n,
      ok: true,
      status: 'SUCCESS',
      at: new Date().toISOString(),
      via: 'webhook' as const,
    });
    const [ra, rb] = await Promise.all([a.recordBuild(current, build(4813), output), b.recordBuild(current, build(4814), output)]);
    assert.deepEqual([ra, rb], [true, true]);
    const after = await store.get(incident.id);
    assert.deepEqual(after?.verification?.builds.map((x) => x.number).sort(), [4813, 4814]);
    assert.equal(after?.verification?.state, 'verified');
    assert.equal(after?.verification?.resolution, 'offered');
    assert.equal(said.filter((s) => s.startsWith('OFFER')).length, 1, 'Resolve is offered once');
  });
});
