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

export async function writeHeartbeat(redis: Redis, keys: BuildfixKeys, info: WorkerInfo, ttlMs: number): Promise<void> {
  const now = Date.now();
  await redis
    .multi()
    .set(keys.worker(info.id), JSON.stringify(info), 'PX', ttlMs)
    .zadd(keys.workers, now, info.id)
    .zremrangebyscore(keys.workers, '-inf', now - FORGET_AFTER_MS)
    .exec();
}

export async function removeWorker(redis: Redis, keys: BuildfixKeys, id: string): Promise<void> {
  await redis.multi().del(keys.worker(id)).zrem(keys.workers, id).exec();
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
