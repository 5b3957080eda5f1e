/**
 * `buildfix status [--json]`: live workers (host, version, running jobs, last seen), queue depths, the last pre-flight
 * result per agent and repo, and the Slack posts buildfix gave up on (alerts nobody saw).
 */
import { Queue } from 'bullmq';
import type { JobSystemStatus, WorkerInfo } from '../../jobs/job-types.ts';
import { readJobStatus } from '../../jobs/read-job-status.ts';
import { closeRedisConnection, createRedisConnection, waitUntilReady } from '../../redis/create-redis-connection.ts';
import { normalizeKeyPrefix } from '../../redis/key-prefix.ts';
import { PREFLIGHT_DEFAULTS } from '../../config/preflight-schema.ts';
import { preflightStatusRows, type StatusOptions } from '../../preflight/render.ts';
import { RedisPreflightStore } from '../../preflight/store.ts';
import type { PreflightResult } from '../../preflight/types.ts';
import { RedisUndeliveredLog, undeliveredStatusLines, type UndeliveredPost } from '../../slack/outbox/undelivered.ts';
import { readUndeliveredFile } from '../../slack/outbox/undelivered-file.ts';
import type { CliContext } from '../cli-context.ts';
import { COMMAND_SPECS } from '../command-specs.ts';
import { parseArgs } from '../parse-args.ts';

function ago(iso: string, now: number): string {
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  return `${Math.round(s / 3600)} h ago`;
}

function table(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => `  ${row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ')}`.trimEnd()).join('\n');
}

function runningText(w: WorkerInfo): string {
  if (w.running.length === 0) return '0';
  const names = w.running.slice(0, 3).map((j) => j.name);
  return `${w.running.length} (${names.join(', ')}${w.running.length > 3 ? ', …' : ''})`;
}

export function renderStatus(
  status: JobSystemStatus,
  now = Date.now(),
  preflight?: readonly PreflightResult[],
  options: StatusOptions = {},
  undelivered: readonly UndeliveredPost[] = [],
): string {
  const lines: string[] = [];
  if (status.redis) lines.push(`Redis ${status.redis.url} · prefix ${status.redis.prefix}`, '');
  lines.push(`workers: ${status.workers.length} live`);
  if (status.workers.length > 0) {
    lines.push(
      table([
        ['HOST', 'VERSION', 'RUNNING', 'LAST SEEN', 'STATE'],
        ...status.workers.map((w) => [w.host, w.version, runningText(w), ago(w.lastSeen, now), w.state]),
      ]),
    );
  }
  lines.push('', 'queues:');
  lines.push(
    table([
      ['QUEUE', 'WAITING', 'ACTIVE', 'DELAYED', 'FAILED', 'COMPLETED'],
      ...status.queues.map((q) => [q.queue, String(q.waiting), String(q.active), String(q.delayed), String(q.failed), String(q.completed)]),
    ]),
  );
  const orphaned = status.queues.filter((q) => q.host !== undefined && q.waiting > 0 && !status.workers.some((w) => w.host === q.host));
  for (const q of orphaned) lines.push(`! ${q.waiting} job(s) wait for host ${q.host}, which has no live worker`);
  if (preflight) {
    lines.push('', preflight.length > 0 ? 'pre-flight (last result per agent and repo):' : 'pre-flight: no results yet');
    if (preflight.length > 0) lines.push(table([['AGENT', 'CHECK', 'REPO', 'STATUS', 'LAST RUN', 'SUMMARY'], ...preflightStatusRows(preflight, now, options)]));
  }
  if (undelivered.length > 0) {
    lines.push('', 'Slack posts NOT delivered (given up on; newest first):');
    lines.push(...undeliveredStatusLines(undelivered, now));
  }
  return `${lines.join('\n')}\n`;
}

/** Undelivered posts shown by status. */
const STATUS_UNDELIVERED = 20;

export async function runStatusCommand(argv: string[], ctx: CliContext): Promise<number> {
  const args = parseArgs(argv, COMMAND_SPECS.status);
  const config = ctx.config();
  const url = config.env.REDIS_URL;
  const json = args.flags.has('json');
  if (!url) {
    // Without Redis, `buildfix serve` keeps the posts it gave up on in a file on this machine (undelivered-file.ts).
    const undelivered = await readUndeliveredFile(ctx.env, STATUS_UNDELIVERED);
    if (json)
      ctx.stdout.write(
        `${JSON.stringify({
          mode: 'in-process',
          workers: [],
          queues: [],
          note: 'REDIS_URL is not set: jobs run in-process; there are no remote workers',
          undeliveredPosts: undelivered,
        })}\n`,
      );
    else {
      const lines = ['jobs run in-process (REDIS_URL is not set): there are no remote workers.'];
      if (undelivered.length > 0) lines.push('', 'Slack posts NOT delivered (given up on; newest first):', ...undeliveredStatusLines(undelivered));
      ctx.stdout.write(`${lines.join('\n')}\n`);
    }
    return 0;
  }
  const prefix = normalizeKeyPrefix(config.env.REDIS_PREFIX);
  const redis = createRedisConnection(url, { role: 'producer', name: 'buildfix-status' });
  const queues = new Map<string, Queue>();
  try {
    await waitUntilReady(redis, url, 5000);
    const status = await readJobStatus({
      redis,
      redisUrl: url,
      prefix,
      knownHosts: Object.keys(config.agents),
      queue: (name) => {
        let q = queues.get(name);
        if (!q) {
          q = new Queue(name, { connection: redis, prefix, skipMetasUpdate: true });
          q.on('error', () => {});
          queues.set(name, q);
        }
        return q;
      },
    });
    const preflight = await new RedisPreflightStore(redis, prefix).latest();
    const undelivered = await new RedisUndeliveredLog(redis, prefix).recent(STATUS_UNDELIVERED);
    ctx.stdout.write(
      json
        ? `${JSON.stringify({ ...status, preflight, undeliveredPosts: undelivered })}\n`
        : renderStatus(
            status,
            Date.now(),
            preflight,
            { drillMaxAgeDays: config.preflight?.drillMaxAgeDays ?? PREFLIGHT_DEFAULTS.drillMaxAgeDays },
            undelivered,
          ),
    );
    return 0;
  } finally {
    await Promise.race([Promise.allSettled([...queues.values()].map((q) => q.close())), new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
    await closeRedisConnection(redis);
  }
}
