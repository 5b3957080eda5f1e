/**
 * The environment snapshot on a schedule (besides the one at each job): a
 * BullMQ job scheduler on the agent's own host queue runs the env-snapshot
 * job every `envSnapshotEvery`, so an idle agent's history still shows when
 * its GOPROXY changed. One scheduler per agent ("env-snapshot:<agent>"),
 * upserted by its worker at start and removed when the setting is gone.
 */
import type { Queue } from 'bullmq';

export const ENV_SNAPSHOT_SCHEDULER_PREFIX = 'env-snapshot:';

export async function syncEnvSnapshotScheduler(queue: Queue, agent: string, everyMs: number | undefined): Promise<'upserted' | 'removed'> {
  const id = `${ENV_SNAPSHOT_SCHEDULER_PREFIX}${agent}`;
  if (!everyMs) {
    await queue.removeJobScheduler(id);
    return 'removed';
  }
  await queue.upsertJobScheduler(
    id,
    { every: everyMs },
    {
      name: 'env-snapshot',
      data: { v: 1, payload: {}, host: agent, submittedAt: Date.now() },
      opts: { attempts: 1, removeOnComplete: { age: 3600, count: 5 }, removeOnFail: { age: 24 * 3600, count: 20 } },
    },
  );
  return 'upserted';
}
