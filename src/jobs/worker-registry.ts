/**
 * Worker heartbeats: each worker writes its record (host, version, running
 * jobs) under <prefix>:bf:worker:<id> with an expiry of a few heartbeat
 * intervals and scores its id in <prefix>:bf:workers. A worker is live while
 * its record exists; a kill -9'd worker disappears after the expiry.
 */
import type { Redis } from 'ioredis';
import type { WorkerInfo } from './job-types.ts';
import type { BuildfixKeys } from './queue-names.ts';

/** Ids not seen for this long are dropped from the sorted set. */
const FORGET_AFTER_MS = 3600_000;

// One command (not MULTI: an ioredis pipeline on a BullMQ connection copies
// every Lua command BullMQ defined, which costs more than the heartbeat).
const HEARTBEAT_LUA = `
redis.call('SET', KEYS[1], ARGV[1], 'PX', tonumber(ARGV[2]))
redis.call('ZADD', KEYS[2], tonumber(ARGV[3]), ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', tonumber(ARGV[3]) - tonumber(ARGV[5]))
return 1
`;

type HeartbeatCommand = (workerKey: string, workersKey: string, json: string, ttlMs: number, now: number, id: string, forgetMs: number) => Promise<unknown>;

const defined = new WeakSet<Redis>();

export async function writeHeartbeat(redis: Redis, keys: BuildfixKeys, info: WorkerInfo, ttlMs: number): Promise<void> {
  if (!defined.has(redis)) {
    redis.defineCommand('bfHeartbeat', { numberOfKeys: 2, lua: HEARTBEAT_LUA });
    defined.add(redis);
  }
  const command = (redis as unknown as { bfHeartbeat: HeartbeatCommand }).bfHeartbeat.bind(redis);
  await command(keys.worker(info.id), keys.workers, JSON.stringify(info), ttlMs, Date.now(), info.id, FORGET_AFTER_MS);
}

export async function removeWorker(redis: Redis, keys: BuildfixKeys, id: string): Promise<void> {
  await Promise.all([redis.del(keys.worker(id)), redis.zrem(keys.workers, id)]);
}

/** Live workers, sorted by host then id. */
export async function listLiveWorkers(redis: Redis, keys: BuildfixKeys): Promise<WorkerInfo[]> {
  const ids = await redis.zrangebyscore(keys.workers, Date.now() - FORGET_AFTER_MS, '+inf');
  if (ids.length === 0) return [];
  const records = await redis.mget(...ids.map((id) => keys.worker(id)));
  const out: WorkerInfo[] = [];
  for (const raw of records) {
    if (!raw) continue;
    try {
      out.push(JSON.parse(raw) as WorkerInfo);
    } catch {
      // a torn record is skipped; the next heartbeat rewrites it
    }
  }
  return out.sort((a, b) => (a.host === b.host ? a.id.localeCompare(b.id) : a.host.localeCompare(b.host)));
}
