/**
 * "Replica X is doing this now" marks (SlackStateStore.takeInFlight) on real Redis and in memory: the owner is
 * reported while its replica lease is current, not once the lease lapses; only the owner clears its mark.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createLogger } from '../../../src/logger.ts';
import { normalizeKeyPrefix } from '../../../src/redis/key-prefix.ts';
import { MemoryStateStore, RedisStateStore } from '../../../src/slack/state-store.ts';
import { deletePrefix, REDIS_URL, uniquePrefix } from '../../helpers/slack-processes.ts';

describe('work-in-flight marks', () => {
  const prefix = uniquePrefix();
  const redisStore = new RedisStateStore({ redisUrl: REDIS_URL, prefix: normalizeKeyPrefix(prefix), logger: createLogger({ level: 'silent' }) });

  after(async () => {
    await redisStore.close();
    await deletePrefix(prefix);
  });

  it('Redis: the owner while its lease lives; nobody once it lapses or is released', async () => {
    await redisStore.renewLease('replica-a', 10_000);
    await redisStore.takeInFlight('alert-posting:1', 'replica-a', 60);
    assert.equal(await redisStore.inFlightOwner('alert-posting:1'), 'replica-a');
    assert.equal(await redisStore.inFlightOwner('alert-posting:2'), undefined, 'nothing marked');
    await redisStore.releaseLease('replica-a');
    assert.equal(await redisStore.inFlightOwner('alert-posting:1'), undefined, 'its replica stopped');

    await redisStore.renewLease('replica-b', 300);
    await redisStore.takeInFlight('alert-posting:3', 'replica-b', 60);
    assert.equal(await redisStore.inFlightOwner('alert-posting:3'), 'replica-b');
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(await redisStore.inFlightOwner('alert-posting:3'), undefined, 'its lease lapsed (the replica died)');
  });

  it("Redis: another replica cannot take work a live replica holds, and takes it once that replica's lease lapses", async () => {
    await redisStore.renewLease('replica-e', 300);
    await redisStore.renewLease('replica-f', 10_000);
    assert.equal(await redisStore.takeInFlight('alert-posting:5', 'replica-e', 60), true);
    assert.equal(await redisStore.takeInFlight('alert-posting:5', 'replica-f', 60), false, 'replica-e is alive');
    assert.equal(await redisStore.takeInFlight('alert-posting:5', 'replica-e', 60), false, 'not twice by its holder either');
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(await redisStore.takeInFlight('alert-posting:5', 'replica-f', 60), true, 'replica-e died');
    assert.equal(await redisStore.inFlightOwner('alert-posting:5'), 'replica-f');
    const both = await Promise.all([redisStore.takeInFlight('alert-posting:6', 'replica-e', 60), redisStore.takeInFlight('alert-posting:6', 'replica-f', 60)]);
    assert.equal(both.filter(Boolean).length, 1, 'two replicas at once: one takes it');
    await redisStore.releaseLease('replica-f');
  });

  it('Redis: only the owner clears its mark', async () => {
    await redisStore.renewLease('replica-c', 10_000);
    await redisStore.takeInFlight('alert-posting:4', 'replica-c', 60);
    await redisStore.clearInFlight('alert-posting:4', 'replica-d');
    assert.equal(await redisStore.inFlightOwner('alert-posting:4'), 'replica-c');
    await redisStore.clearInFlight('alert-posting:4', 'replica-c');
    assert.equal(await redisStore.inFlightOwner('alert-posting:4'), undefined);
    await redisStore.releaseLease('replica-c');
  });

  it('memory: one process, the mark lasts until cleared or its ttl', async () => {
    const store = new MemoryStateStore();
    await store.takeInFlight('alert-posting:1', 'me', 60);
    assert.equal(await store.inFlightOwner('alert-posting:1'), 'me');
    assert.equal(await store.takeInFlight('alert-posting:1', 'someone-else', 60), false);
    await store.clearInFlight('alert-posting:1', 'someone-else');
    assert.equal(await store.inFlightOwner('alert-posting:1'), 'me');
    await store.clearInFlight('alert-posting:1', 'me');
    assert.equal(await store.inFlightOwner('alert-posting:1'), undefined);
    await store.takeInFlight('alert-posting:2', 'me', 0.05);
    await new Promise((r) => setTimeout(r, 80));
    assert.equal(await store.inFlightOwner('alert-posting:2'), undefined, 'expired');
  });
});
