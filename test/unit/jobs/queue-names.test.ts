import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ANY_QUEUE,
  buildfixKeys,
  defaultHostName,
  hostOfQueue,
  hostQueueName,
  newJobId,
  normalizeHost,
  parseJobId,
  queueForHost,
} from '../../../src/jobs/queue-names.ts';
import { DEFAULT_KEY_PREFIX, hashTagOf, normalizeKeyPrefix } from '../../../src/redis/key-prefix.ts';
import { describeRedisUrl, parseRedisUrl, redisOptionsFromUrl } from '../../../src/redis/redis-options.ts';
import { redisConnectionOptions } from '../../../src/redis/create-redis-connection.ts';

describe('queue naming', () => {
  it('one queue per host plus one for any host, never with ":"', () => {
    assert.equal(ANY_QUEUE, 'buildfix-any');
    assert.equal(hostQueueName('agent-03'), 'buildfix-host-agent-03');
    assert.equal(hostQueueName('Agent-03.corp'), 'buildfix-host-agent-03.corp', 'host names are case-insensitive');
    assert.equal(queueForHost(undefined), ANY_QUEUE);
    assert.equal(queueForHost('b1'), 'buildfix-host-b1');
    assert.equal(hostOfQueue('buildfix-host-b1'), 'b1');
    assert.equal(hostOfQueue(ANY_QUEUE), undefined);
    for (const bad of ['a:b', 'a b', '', '-x', 'x'.repeat(65), 'a/b']) assert.throws(() => hostQueueName(bad), /host name/, bad);
  });

  it('derives a routing name from an odd hostname', () => {
    assert.equal(defaultHostName('Build_Agent 7!'), 'build_agent-7-');
    assert.equal(defaultHostName('agent-03'), 'agent-03');
    assert.equal(normalizeHost(defaultHostName('***')), 'localhost');
  });

  it('job ids name their job and queue', () => {
    const any = newJobId('host-check', undefined);
    assert.match(any, /^host-check-[0-9a-f]{16}$/);
    assert.deepEqual(parseJobId(any), { name: 'host-check', host: undefined, queue: ANY_QUEUE });
    const pinned = newJobId('restart-agent', 'Agent-03');
    assert.match(pinned, /^restart-agent-[0-9a-f]{16}@agent-03$/);
    assert.deepEqual(parseJobId(pinned), { name: 'restart-agent', host: 'agent-03', queue: 'buildfix-host-agent-03' });
    assert.ok(!pinned.includes(':'), 'BullMQ refuses ids with ":"');
    assert.equal(parseJobId('12345'), undefined);
    assert.equal(parseJobId('noop-short'), undefined);
    assert.notEqual(newJobId('noop', undefined), newJobId('noop', undefined));
  });

  it('keeps its own keys beside the queues, under the prefix', () => {
    const k = buildfixKeys('{buildfix}');
    assert.equal(k.events, '{buildfix}:bf:events');
    assert.equal(k.workers, '{buildfix}:bf:workers');
    assert.equal(k.worker('w1'), '{buildfix}:bf:worker:w1');
    assert.equal(k.outcome('noop-1'), '{buildfix}:bf:outcome:noop-1');
  });
});

describe('key prefix', () => {
  it('always carries a Redis Cluster hash tag', () => {
    assert.equal(normalizeKeyPrefix(undefined), DEFAULT_KEY_PREFIX);
    assert.equal(DEFAULT_KEY_PREFIX, '{buildfix}');
    assert.equal(normalizeKeyPrefix(''), '{buildfix}');
    assert.equal(normalizeKeyPrefix('team-a'), '{team-a}');
    assert.equal(normalizeKeyPrefix('{team-a}'), '{team-a}');
    assert.equal(normalizeKeyPrefix('prod:{bf}'), 'prod:{bf}');
    assert.equal(hashTagOf(normalizeKeyPrefix('team-a')), 'team-a');
    assert.throws(() => normalizeKeyPrefix('a b'), /REDIS_PREFIX/);
    assert.throws(() => normalizeKeyPrefix('{}'), /REDIS_PREFIX/);
  });
});

describe('REDIS_URL', () => {
  it('redis:// is plain TCP; rediss:// is TLS with SNI', () => {
    assert.deepEqual(parseRedisUrl('redis://127.0.0.1:6380/2'), { host: '127.0.0.1', port: 6380, db: 2, tls: false });
    const tls = redisOptionsFromUrl('rediss://default:p%40ss@redis.corp');
    assert.deepEqual(tls.tls, { servername: 'redis.corp' });
    assert.deepEqual(redisOptionsFromUrl('rediss://10.0.0.7:6380').tls, {}, 'no SNI for an IP address (RFC 6066)');
    assert.equal(tls.port, 6379);
    assert.equal(tls.username, 'default');
    assert.equal(tls.password, 'p@ss');
    assert.throws(() => parseRedisUrl('http://redis.corp'), /redis:\/\/ or rediss:\/\//);
    assert.throws(() => parseRedisUrl('redis://redis.corp/x'), /database number/);
  });

  it('never shows the password', () => {
    assert.equal(describeRedisUrl('rediss://default:hunter2@redis.corp:6380'), 'rediss://default:***@redis.corp:6380');
    assert.equal(describeRedisUrl('redis://:hunter2@redis.corp'), 'redis://:***@redis.corp');
    assert.equal(describeRedisUrl('redis://redis.corp'), 'redis://redis.corp');
  });

  it('workers wait through outages; producers fail fast', () => {
    const blocking = redisConnectionOptions('redis://r:6379', { role: 'blocking' });
    assert.equal(blocking.maxRetriesPerRequest, null, 'BullMQ requires null on worker connections');
    assert.equal(blocking.enableOfflineQueue, true);
    const producer = redisConnectionOptions('redis://r:6379', { role: 'producer' });
    assert.equal(producer.enableOfflineQueue, false);
    assert.equal(producer.maxRetriesPerRequest, 1);
    assert.equal(typeof producer.retryStrategy, 'function');
  });
});
