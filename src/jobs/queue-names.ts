/**
 * Queue naming, job ids and buildfix's own Redis keys.
 *
 * A BullMQ worker takes every job of the queues it consumes (it cannot filter
 * by job name), so routing is done with queues:
 *
 *   <prefix>:buildfix-any:…             jobs any worker may run
 *   <prefix>:buildfix-host-<host>:…     jobs only <host>'s worker may run
 *
 * <host> is the routing name (BUILDFIX_HOST, else the hostname) in lower case,
 * letters, digits, ".", "_" and "-" only: queue names never contain ":"
 * (BullMQ refuses them). Every worker consumes its own host queue and the
 * any-host queue. <prefix> is REDIS_PREFIX wrapped in a hash tag ("{buildfix}"
 * by default) so all keys share one Redis Cluster slot.
 *
 * buildfix's own keys, beside BullMQ's:
 *   <prefix>:bf:events            stream of progress and outcome events (all queues)
 *   <prefix>:bf:outcome:<jobId>   a finished job's outcome (JSON, kept 24 h)
 *   <prefix>:bf:workers           sorted set: worker id → last heartbeat (ms)
 *   <prefix>:bf:worker:<id>       a worker's heartbeat record (JSON, expires)
 *   <prefix>:bf:cancel            pub/sub channel: cancel requests ({jobId, by}) for workers
 * No queue is called "bf", so these never collide with BullMQ's keys.
 *
 * Job ids: "<job-name>-<16 hex chars>" for any-host jobs and
 * "<job-name>-<16 hex chars>@<host>" for host jobs, so the queue of any
 * job id is known without a lookup (a chat replica can re-attach by id).
 */
import { randomUUID } from 'node:crypto';
import { hostname as osHostname } from 'node:os';
import { BuildfixError } from '../errors.ts';

export const ANY_QUEUE = 'buildfix-any';
export const HOST_QUEUE_PREFIX = 'buildfix-host-';

const HOST_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** Routing host names are case-insensitive: "Agent-03" and "agent-03" are one host. */
export function normalizeHost(host: string): string {
  const value = host.trim().toLowerCase();
  if (!HOST_NAME.test(value)) {
    throw new BuildfixError('BF_INPUT', `"${host}" is not a host name (letters, digits, . _ - and at most 64 characters)`);
  }
  return value;
}

/** This machine's routing name from os.hostname(), with any odd character replaced. */
export function defaultHostName(configured: string | undefined): string {
  const raw = configured ?? osHostname();
  const cleaned = raw
    .toLowerCase()
    .replace(/[^a-z0-9._-]/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, 64);
  return cleaned || 'localhost';
}

export function hostQueueName(host: string): string {
  return `${HOST_QUEUE_PREFIX}${normalizeHost(host)}`;
}

/** The queue a job for `host` (or for any worker) goes to. */
export function queueForHost(host: string | undefined): string {
  return host === undefined ? ANY_QUEUE : hostQueueName(host);
}

/** The host a queue serves; undefined for the any-host queue or a foreign queue. */
export function hostOfQueue(queue: string): string | undefined {
  return queue.startsWith(HOST_QUEUE_PREFIX) ? queue.slice(HOST_QUEUE_PREFIX.length) : undefined;
}

const RANDOM_LENGTH = 16;

// 64 random bits as hex; randomUUID draws from a cached entropy pool (cheaper than randomBytes per id).
function randomPart(): string {
  return randomUUID().replaceAll('-', '').slice(0, RANDOM_LENGTH);
}

export function newJobId(name: string, host: string | undefined): string {
  return host === undefined ? `${name}-${randomPart()}` : `${name}-${randomPart()}@${normalizeHost(host)}`;
}

const JOB_ID = new RegExp(`^([a-z][a-z0-9-]*)-([a-z0-9]{${RANDOM_LENGTH}})(?:@([a-z0-9][a-z0-9._-]{0,63}))?$`);

export interface ParsedJobId {
  name: string;
  host: string | undefined;
  queue: string;
}

/** Reads the job name and queue back from an id made by newJobId; undefined for other ids. */
export function parseJobId(id: string): ParsedJobId | undefined {
  const m = JOB_ID.exec(id);
  if (!m) return undefined;
  const host = m[3];
  return { name: m[1] ?? '', host, queue: queueForHost(host) };
}

export interface BuildfixKeys {
  events: string;
  workers: string;
  worker(id: string): string;
  outcome(jobId: string): string;
  /** Pub/sub channel of cancel requests (not a key: nothing is stored). */
  cancel: string;
}

export function buildfixKeys(prefix: string): BuildfixKeys {
  return {
    events: `${prefix}:bf:events`,
    workers: `${prefix}:bf:workers`,
    worker: (id) => `${prefix}:bf:worker:${id}`,
    outcome: (jobId) => `${prefix}:bf:outcome:${jobId}`,
    cancel: `${prefix}:bf:cancel`,
  };
}
