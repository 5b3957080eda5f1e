/**
 * The weekly dependency health digest: a BullMQ job scheduler
 * (Queue.upsertJobScheduler with the cron pattern and time zone of
 * `health.digest`) on its own queue; when it fires, one chat process's
 * Worker runs the dependency-health job of every digest repo through the
 * dispatcher (on the workers, like /buildfix health), then posts one
 * message to `health.digest.channel`. Every serve replica upserts the same
 * scheduler id, so there is one schedule and each run is taken by one
 * replica; without `health.digest` the scheduler is removed. Needs REDIS_URL.
 */
import { Queue, Worker } from 'bullmq';
import type { Config } from '../config/load-config.ts';
import type { Dispatcher } from '../jobs/dispatcher.ts';
import type { DependencyHealthJobResult } from '../jobs/job-results.ts';
import type { Logger } from '../logger.ts';
import { closeRedisConnection, createRedisConnection } from '../redis/create-redis-connection.ts';
import { codeBlock, section } from '../slack/blocks/block-kit.ts';
import type { SlackMessage } from '../slack/blocks/slack-message.ts';
import { mapLimit } from '../util/map-limit.ts';
import type { HealthReport } from './health-report.ts';
import { healthHeadline } from './render-health.ts';

export const HEALTH_DIGEST_QUEUE = 'buildfix-health-digest';
export const HEALTH_DIGEST_SCHEDULER = 'health:digest';

type DigestPost = { channel: string; message: SlackMessage };
type DigestPosted = Promise<{ posted?: { ts: string } | undefined; error?: unknown }>;

/** The SlackOutbox: the digest goes through deliver() when there is one (retried, and reported when given up on), else post(). */
export interface DigestPoster {
  post(p: DigestPost): DigestPosted;
  /** SlackOutbox.deliver: transient failures retried until slack.postGiveUpAfter; a give-up is logged at error, counted and listed by status. */
  deliver?(p: DigestPost, label: { what: string }): DigestPosted;
}

export interface HealthDigestOptions {
  config: Pick<Config, 'health' | 'repos'>;
  redisUrl: string;
  /** normalizeKeyPrefix(REDIS_PREFIX). */
  prefix: string;
  dispatcher: Pick<Dispatcher, 'submit' | 'waitFor'>;
  outbox: DigestPoster;
  logger: Logger;
  /** How long one repo's report may take (default 15 min). */
  repoTimeoutMs?: number;
}

export interface HealthDigest {
  /** Resolves once the scheduler is in place (or removed). */
  ready: Promise<void>;
  close(): Promise<void>;
}

export type DigestEntry = { repo: string; report: HealthReport } | { repo: string; error: string };

/** The digest message: one headline per repo, the threshold findings of those over them, and what could not be checked. */
export function renderHealthDigest(entries: readonly DigestEntry[]): SlackMessage {
  const over = entries.filter((e) => 'report' in e && e.report.status === 'fail').length;
  const failed = entries.filter((e) => 'error' in e).length;
  const title = `Weekly dependency health: ${entries.length} repo${entries.length === 1 ? '' : 's'}, ${over} over thresholds${failed > 0 ? `, ${failed} not checked` : ''}`;
  const lines: string[] = [];
  for (const e of entries) {
    if ('error' in e) {
      lines.push(`✗ ${e.repo}: not checked: ${e.error}`);
      continue;
    }
    const r = e.report;
    lines.push(`${r.status === 'fail' ? '✗' : r.partial ? '!' : '✓'} ${e.repo} — ${healthHeadline(r).replace(/^[^:]*: /, '')}`);
    for (const f of r.findings) lines.push(`    ${f.class}: ${f.message}`);
    for (const v of r.vulnerabilities.slice(0, 5)) lines.push(`    ${v.id} ${v.path} ${v.version}${v.fixed ? ` (fixed in ${v.fixed})` : ''}`);
    for (const g of r.gaps.slice(0, 3)) lines.push(`    not checked: ${g.message}`);
  }
  return {
    text: title,
    blocks: [section(`*${title}*`), section(codeBlock(lines.join('\n')))],
    overflowUnit: 'repos',
  };
}

/** Runs the reports of the digest's repos through the dispatcher and returns them in repo order. */
export async function collectDigest(options: Pick<HealthDigestOptions, 'config' | 'dispatcher' | 'repoTimeoutMs'>): Promise<DigestEntry[]> {
  const repos = options.config.health.digest?.repos ?? Object.keys(options.config.repos).sort();
  return mapLimit(repos, 4, async (repo): Promise<DigestEntry> => {
    try {
      const handle = await options.dispatcher.submit('dependency-health', { repo }, { requestedBy: 'health-digest' });
      const outcome = await options.dispatcher.waitFor(handle.id, { timeoutMs: options.repoTimeoutMs ?? 15 * 60_000 });
      if (!outcome.ok) return { repo, error: outcome.error.message };
      return { repo, report: (outcome.result as DependencyHealthJobResult).report };
    } catch (err) {
      return { repo, error: err instanceof Error ? err.message : String(err) };
    }
  });
}

/** Puts the digest's scheduler in place (or removes it) and starts the Worker that posts the digest. */
export function startHealthDigest(options: HealthDigestOptions): HealthDigest {
  const onError = (): void => {};
  const connection = createRedisConnection(options.redisUrl, { role: 'blocking', name: 'buildfix-health-digest', onError });
  const queue = new Queue(HEALTH_DIGEST_QUEUE, { connection, prefix: options.prefix });
  queue.on('error', () => {});
  const digest = options.config.health.digest;
  const log = options.logger.child({ component: 'health-digest' });
  let worker: Worker | undefined;
  let workerConnection: ReturnType<typeof createRedisConnection> | undefined;
  let closing = false;
  const ready = (async () => {
    if (!digest) {
      await queue.removeJobScheduler(HEALTH_DIGEST_SCHEDULER);
      return;
    }
    await queue.upsertJobScheduler(
      HEALTH_DIGEST_SCHEDULER,
      { pattern: digest.cron, tz: digest.timezone },
      { name: 'health-digest', data: {}, opts: { attempts: 1, removeOnComplete: { count: 20 }, removeOnFail: { count: 50 } } },
    );
    if (closing) return;
    workerConnection = createRedisConnection(options.redisUrl, { role: 'blocking', name: 'buildfix-health-digest-worker', onError });
    worker = new Worker(
      HEALTH_DIGEST_QUEUE,
      async () => {
        const entries = await collectDigest(options);
        const post = { channel: digest.channel, message: renderHealthDigest(entries) };
        const result = options.outbox.deliver ? await options.outbox.deliver(post, { what: 'health digest' }) : await options.outbox.post(post);
        if (!result.posted) throw new Error(`could not post the digest to ${digest.channel}: ${String(result.error)}`);
        log.info({ repos: entries.length, channel: digest.channel }, 'health digest posted');
        return { repos: entries.length, ts: result.posted.ts };
      },
      { connection: workerConnection, prefix: options.prefix, concurrency: 1 },
    );
    worker.on('error', (err) => log.warn({ err }, 'health digest worker error'));
    worker.on('failed', (_job, err) => log.warn({ err }, 'health digest failed'));
    log.info({ cron: digest.cron, timezone: digest.timezone, channel: digest.channel }, 'health digest scheduled');
  })();
  ready.catch((err: unknown) => log.warn({ err }, 'could not set up the health digest schedule'));
  return {
    ready,
    async close() {
      closing = true;
      // With Redis away, the scheduler's set-up waits for Redis's return: a shutdown does not.
      if (connection.status === 'ready') await ready.catch(() => undefined);
      await worker?.close();
      if (workerConnection) await closeRedisConnection(workerConnection);
      await queue.close();
      await closeRedisConnection(connection);
    },
  };
}
