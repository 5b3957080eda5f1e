/**
 * How a dispatcher hears about jobs: one blocking XREAD per dispatcher over
 * the BullMQ event streams of every queue it follows (<prefix>:<queue>:events)
 * plus buildfix's control stream (<prefix>:bf:events, used to wake the read
 * when a queue is added). Workers write nothing extra per job: BullMQ's own
 * "progress" events carry our progress, its "completed" event carries the
 * outcome as the job's return value, and a "failed" event points at the
 * stored outcome (<prefix>:bf:outcome:<jobId>) that holds the error details.
 * One reader serves every job of every queue, so a chat replica can follow
 * jobs another process submitted; after a reconnect it resumes from the last
 * ids it saw.
 */
import type { Redis } from 'ioredis';
import type { Logger } from '../logger.ts';
import type { JobOutcome, JobProgress } from './job-types.ts';
import type { BuildfixKeys } from './queue-names.ts';

/** How long a failed or large outcome stays readable under its own key. */
export const OUTCOME_TTL_SECONDS = 24 * 3600;
/** Events kept per queue stream (BullMQ's `streams.events.maxLen`): room for a burst of ~2000 jobs between two reads. */
export const QUEUE_EVENTS_MAXLEN = 10_000;
/** Outcomes larger than this are stored under their key; the job's return value is a stub. */
export const INLINE_OUTCOME_BYTES = 8 * 1024;

/** The return value of a completed job whose outcome was too large to inline. */
export interface OutcomeStub {
  ok: true;
  stored: true;
  jobId: string;
}

export function isOutcomeStub(value: unknown): value is OutcomeStub {
  return typeof value === 'object' && value !== null && (value as { stored?: unknown }).stored === true;
}

export function storeOutcome(redis: Redis, keys: BuildfixKeys, outcome: JobOutcome, ttlSeconds = OUTCOME_TTL_SECONDS): Promise<unknown> {
  return redis.set(keys.outcome(outcome.jobId), JSON.stringify(outcome), 'EX', ttlSeconds);
}

export async function readStoredOutcome(redis: Redis, keys: BuildfixKeys, jobId: string): Promise<JobOutcome | undefined> {
  const raw = await redis.get(keys.outcome(jobId));
  return raw ? (JSON.parse(raw) as JobOutcome) : undefined;
}

export type ChannelEvent =
  | { jobId: string; kind: 'progress'; progress: JobProgress }
  /** `outcome` undefined: a stub; read the stored outcome. */
  | { jobId: string; kind: 'completed'; outcome: JobOutcome | undefined }
  | { jobId: string; kind: 'failed'; reason: string };

function field(fields: string[], name: string): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
}

/** A BullMQ event-stream entry → our event (undefined for events we do not use). */
export function parseQueueEvent(fields: string[]): ChannelEvent | undefined {
  const event = fields[1];
  const jobId = fields[3];
  if (fields[0] !== 'event' || fields[2] !== 'jobId' || jobId === undefined) return undefined;
  if (event === 'progress') {
    const data = JSON.parse(field(fields, 'data') ?? 'null') as unknown;
    if (!data || typeof data !== 'object' || !('step' in data)) return undefined;
    return { jobId, kind: 'progress', progress: data as JobProgress };
  }
  if (event === 'completed') {
    const value = JSON.parse(field(fields, 'returnvalue') ?? 'null') as unknown;
    if (isOutcomeStub(value)) return { jobId, kind: 'completed', outcome: undefined };
    if (value && typeof value === 'object' && 'ok' in value && 'jobId' in value) return { jobId, kind: 'completed', outcome: value as JobOutcome };
    return undefined;
  }
  if (event === 'failed') return { jobId, kind: 'failed', reason: field(fields, 'failedReason') ?? '' };
  return undefined;
}

export interface EventReaderOptions {
  /** A dedicated blocking connection (maxRetriesPerRequest: null); the reader owns it. */
  redis: Redis;
  /** Another connection, used to wake the blocked read when a queue is added. */
  control: Redis;
  prefix: string;
  keys: BuildfixKeys;
  logger: Logger;
  /** Only events for these job ids are parsed. */
  wants(jobId: string): boolean;
  onEvent(event: ChannelEvent): void;
  /**
   * The reader fell so far behind that the stream was trimmed past what it
   * had read: events of that queue may be lost; re-check its jobs.
   */
  onGap?(queue: string): void;
  blockMs?: number;
}

const READ_COUNT = 1000;

/** Stream ids "ms-seq" compared numerically. */
export function compareStreamIds(a: string, b: string): number {
  const [am = 0, as = 0] = a.split('-').map(Number);
  const [bm = 0, bs = 0] = b.split('-').map(Number);
  return am !== bm ? am - bm : as - bs;
}

export class EventReader {
  /** Resolves once the control stream is positioned and the loop runs. */
  readonly ready: Promise<void>;
  private readonly options: EventReaderOptions;
  /** Stream key → last id read. */
  private readonly streams = new Map<string, string>();
  private readonly watching = new Map<string, Promise<void>>();
  private closed = false;
  private loop: Promise<void> | undefined;

  constructor(options: EventReaderOptions) {
    this.options = options;
    this.ready = this.position(options.keys.events).then(() => {
      this.loop = this.run();
    });
    this.ready.catch(() => {});
  }

  /** Follows a queue's events from now on; resolves once positioned (no event after that is missed). */
  watchQueue(queue: string): Promise<void> {
    let p = this.watching.get(queue);
    if (!p) {
      p = this.ready.then(async () => {
        await this.position(`${this.options.prefix}:${queue}:events`);
        await this.wake();
      });
      p.catch(() => this.watching.delete(queue));
      this.watching.set(queue, p);
    }
    return p;
  }

  private async position(stream: string): Promise<void> {
    if (this.streams.has(stream)) return;
    // The reader's own connection may be blocked in XREAD: ask on the control connection.
    const conn = this.loop === undefined ? this.options.redis : this.options.control;
    const last = (await conn.xrevrange(stream, '+', '-', 'COUNT', 1)) as Array<[string, string[]]>;
    if (!this.streams.has(stream)) this.streams.set(stream, last[0]?.[0] ?? '0-0');
  }

  // A blocked XREAD only sees new streams when it returns: poke the control stream.
  private async wake(): Promise<void> {
    if (this.loop === undefined) return;
    await this.options.control.xadd(this.options.keys.events, 'MAXLEN', '~', 100, '*', 'wake', '1');
  }

  private async run(): Promise<void> {
    const { redis, logger } = this.options;
    const blockMs = this.options.blockMs ?? 5000;
    let lastError = 0;
    const behind = new Set<string>();
    while (!this.closed) {
      if (behind.size > 0) await this.checkGaps(behind);
      const keys = [...this.streams.keys()];
      const ids = keys.map((k) => this.streams.get(k) as string);
      let reply: Array<[string, Array<[string, string[]]>]> | null;
      try {
        reply = (await redis.xread('COUNT', READ_COUNT, 'BLOCK', blockMs, 'STREAMS', ...keys, ...ids)) as typeof reply;
      } catch (err) {
        if (this.closed) break;
        if (Date.now() - lastError > 10_000)
          logger.warn({ err: { message: err instanceof Error ? err.message : String(err) } }, 'job event stream read failed; retrying');
        lastError = Date.now();
        await new Promise((resolve) => setTimeout(resolve, 500));
        continue;
      }
      if (!reply) continue;
      for (const [stream, entries] of reply) {
        if (entries.length >= READ_COUNT) behind.add(stream);
        for (const [id, fields] of entries) {
          this.streams.set(stream, id);
          const jobId = fields[2] === 'jobId' ? fields[3] : undefined;
          if (jobId === undefined || !this.options.wants(jobId)) continue;
          let event: ChannelEvent | undefined;
          try {
            event = parseQueueEvent(fields);
          } catch (err) {
            logger.warn({ err, jobId }, 'unreadable job event');
          }
          if (event) this.options.onEvent(event);
        }
      }
    }
  }

  // A full read means more is waiting; if the stream's first entry is already past
  // what we read, entries were trimmed unread.
  private async checkGaps(behind: Set<string>): Promise<void> {
    const streams = [...behind];
    behind.clear();
    for (const stream of streams) {
      if (stream === this.options.keys.events) continue;
      try {
        const info = (await this.options.redis.xinfo('STREAM', stream)) as unknown[];
        const i = info.indexOf('first-entry');
        const first = i >= 0 ? (info[i + 1] as [string, string[]] | null) : null;
        const last = this.streams.get(stream) ?? '0-0';
        if (first && compareStreamIds(first[0], last) > 0) {
          this.options.logger.warn({ stream }, 'job events were trimmed before they were read; re-checking those jobs');
          const queue = stream.slice(this.options.prefix.length + 1, -':events'.length);
          this.options.onGap?.(queue);
        }
      } catch {
        // the next full read checks again
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.options.redis.disconnect(false);
    await this.loop?.catch(() => {});
  }
}
