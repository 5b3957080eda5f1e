/**
 * Jobs and builds: read a job's definition, trigger a build (with or without
 * parameters), follow it from the queue to its result, and read its log.
 *
 * Triggering follows Jenkins' own protocol: POST /build or /buildWithParameters
 * answers 201 (or 303 for an identical queued item) with Location
 * <root>/queue/item/<id>/; the queue item gets `executable.number` when a
 * build starts, or `cancelled: true` when it leaves without one; the build is
 * done when `building` is false. We take only the item id from Location and
 * poll it on our configured base URL: Jenkins' configured root URL may point
 * elsewhere (a public name, another scheme), and our credentials must not
 * follow it there.
 */
import type { JenkinsTransport } from './jenkins-transport.ts';
import { JenkinsError, JenkinsJobError, JenkinsWaitTimeoutError, QueuedBuildCancelledError } from './jenkins-errors.ts';
import { buildPath, jobPath, normalizeJobName } from './job-path.ts';
import { BUILD_RESULTS, BuildJson, JobBuildsJson, JobJson, QueueItemJson, TREE, type BuildResult } from './schema.ts';
import { formatDuration, notify, pollUntil } from './wait.ts';

export const DEFAULT_QUEUE_TIMEOUT_MS = 10 * 60_000;
export const DEFAULT_BUILD_TIMEOUT_MS = 60 * 60_000;
export const DEFAULT_CONSOLE_MAX_BYTES = 5 * 1024 * 1024;

export type BuildParams = Record<string, string | number | boolean>;

export interface JobParameter {
  name: string;
  /** Jenkins' type name: BooleanParameterDefinition, StringParameterDefinition, ChoiceParameterDefinition, … */
  type: string;
  defaultValue?: unknown;
  choices?: string[];
}

export interface BuildRef {
  number: number;
  url: string;
}

export interface JobInfo {
  /** Full name, e.g. team/payments/main. */
  name: string;
  url: string;
  className: string;
  isFolder: boolean;
  /** Pipeline jobs have no "Wipe Out Current Workspace" action. */
  isPipeline: boolean;
  buildable: boolean;
  inQueue: boolean;
  parameters: JobParameter[];
  lastBuild: BuildRef | null;
  lastSuccessfulBuild: BuildRef | null;
  lastFailedBuild: BuildRef | null;
  lastCompletedBuild: BuildRef | null;
}

export interface BuildInfo {
  job: string;
  number: number;
  url: string;
  building: boolean;
  /** Only meaningful when building is false. */
  result: BuildResult | null;
  durationMs: number;
  timestamp: number | undefined;
  queueId: number | undefined;
  displayName: string | undefined;
}

export interface QueuedBuild {
  job: string;
  queueId: number;
  /** Absolute URL of the queue item on our base URL. */
  queueUrl: string;
  /** True when Jenkins pointed us at an identical item that was already queued. */
  existing: boolean;
  /** The parameters sent (after validation). */
  params: Record<string, string>;
}

export type BuildProgress =
  | { phase: 'queued'; job: string; queueId: number; why?: string }
  | { phase: 'started'; job: string; queueId: number; number: number; url: string }
  | { phase: 'finished'; job: string; queueId: number | undefined; number: number; url: string; result: BuildResult; durationMs: number };

export interface WaitOptions {
  /** Poll interval (default: the client's pollIntervalMs). */
  pollIntervalMs?: number;
  /** How long to wait before a JenkinsWaitTimeoutError. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Progress events; errors thrown by the callback are ignored. */
  onProgress?: (event: BuildProgress) => void | Promise<void>;
}

export interface TriggerOptions {
  onProgress?: (event: BuildProgress) => void | Promise<void>;
  /** Return once the build has started, or (default) once it has finished. */
  until?: 'started' | 'finished';
  /** Longest wait in the queue (default 10 min). */
  queueTimeoutMs?: number;
  /** Longest wait for the build to finish (default 60 min). */
  buildTimeoutMs?: number;
  pollIntervalMs?: number;
  signal?: AbortSignal;
  /** Use the Jenkins quiet period instead of starting at once (default false: delay=0sec). */
  quietPeriod?: boolean;
  /** A JobInfo read just before, to save a request. */
  jobInfo?: JobInfo;
}

export interface BuildRun {
  job: string;
  queueId: number;
  number: number;
  url: string;
  building: boolean;
  /** null while building (until: 'started'). */
  result: BuildResult | null;
  durationMs: number | null;
}

function toBuildRef(ref: { number: number; url?: string | undefined } | null | undefined, client: JenkinsTransport, job: string): BuildRef | null {
  if (!ref) return null;
  return { number: ref.number, url: ref.url || client.urlFor(`${buildPath(job, ref.number)}/`) };
}

function toResult(value: string | null | undefined): BuildResult | null {
  return value && (BUILD_RESULTS as readonly string[]).includes(value) ? (value as BuildResult) : null;
}

/** What a build is called in messages: build #42 of 'team/payments/main'. */
export function describeBuild(job: string, build: number | string): string {
  return typeof build === 'number' ? `build #${build} of job '${job}'` : `${build} of job '${job}'`;
}

/** The job's definition: folder or job, buildable, declared parameters, permalinks. */
export async function getJob(client: JenkinsTransport, job: string, opts: { signal?: AbortSignal } = {}): Promise<JobInfo> {
  const name = normalizeJobName(job);
  const json = await client.getJson(`${jobPath(name)}/api/json`, JobJson, { query: { tree: TREE.job }, subject: `job '${name}'`, ...opts });
  const className = json._class ?? '';
  // Folders have child jobs and no `buildable`; multibranch projects have both but are still containers.
  const isFolder = json.jobs !== undefined && (json.buildable === undefined || /Folder|MultiBranchProject/.test(className));
  const parameters: JobParameter[] = [];
  for (const prop of json.property ?? []) {
    for (const def of prop.parameterDefinitions ?? []) {
      parameters.push({
        name: def.name,
        type: def.type ?? def._class?.split('.').pop() ?? 'ParameterDefinition',
        ...(def.defaultParameterValue && 'value' in def.defaultParameterValue ? { defaultValue: def.defaultParameterValue.value } : {}),
        ...(def.choices ? { choices: def.choices } : {}),
      });
    }
  }
  return {
    name,
    url: json.url || client.urlFor(`${jobPath(name)}/`),
    className,
    isFolder,
    isPipeline: /WorkflowJob$/.test(className),
    buildable: json.buildable ?? false,
    inQueue: json.inQueue ?? false,
    parameters,
    lastBuild: toBuildRef(json.lastBuild, client, name),
    lastSuccessfulBuild: toBuildRef(json.lastSuccessfulBuild, client, name),
    lastFailedBuild: toBuildRef(json.lastFailedBuild, client, name),
    lastCompletedBuild: toBuildRef(json.lastCompletedBuild, client, name),
  };
}

/** One build by number or permalink (lastBuild, lastSuccessfulBuild, …). */
export async function getBuild(client: JenkinsTransport, job: string, build: number | string, opts: { signal?: AbortSignal } = {}): Promise<BuildInfo> {
  const name = normalizeJobName(job);
  const json = await client.getJson(`${buildPath(name, build)}/api/json`, BuildJson, {
    query: { tree: TREE.build },
    subject: describeBuild(name, build),
    ...opts,
  });
  return toBuildInfo(client, name, json);
}

/** The job's newest builds (at most `limit`, newest first), in one request. */
export async function recentBuilds(client: JenkinsTransport, job: string, limit: number, opts: { signal?: AbortSignal } = {}): Promise<BuildInfo[]> {
  const name = normalizeJobName(job);
  const n = Math.max(1, Math.min(100, Math.floor(limit)));
  const json = await client.getJson(`${jobPath(name)}/api/json`, JobBuildsJson, {
    query: { tree: `builds[${TREE.build}]{0,${n}}` },
    subject: `builds of job '${name}'`,
    ...opts,
  });
  return (json.builds ?? []).map((b) => toBuildInfo(client, name, b));
}

export function toBuildInfo(client: JenkinsTransport, job: string, json: BuildJson): BuildInfo {
  return {
    job,
    number: json.number,
    url: json.url || client.urlFor(`${buildPath(job, json.number)}/`),
    building: json.building,
    result: json.building ? null : toResult(json.result),
    durationMs: json.duration ?? 0,
    timestamp: json.timestamp,
    queueId: json.queueId,
    displayName: json.fullDisplayName ?? json.displayName,
  };
}

// A permalink via the job's JSON, so "no such build" (null) and "no such job" (404) stay distinct.
async function permalink(client: JenkinsTransport, job: string, which: 'lastBuild' | 'lastSuccessfulBuild' | 'lastFailedBuild'): Promise<BuildInfo | null> {
  const info = await getJob(client, job);
  const ref = info[which];
  return ref ? getBuild(client, info.name, ref.number) : null;
}

/** The most recent build, or null when the job never ran. */
export function lastBuild(client: JenkinsTransport, job: string): Promise<BuildInfo | null> {
  return permalink(client, job, 'lastBuild');
}

/** The most recent SUCCESS build, or null. */
export function lastSuccessfulBuild(client: JenkinsTransport, job: string): Promise<BuildInfo | null> {
  return permalink(client, job, 'lastSuccessfulBuild');
}

/** The most recent FAILURE build, or null. */
export function lastFailedBuild(client: JenkinsTransport, job: string): Promise<BuildInfo | null> {
  return permalink(client, job, 'lastFailedBuild');
}

function paramText(value: string | number | boolean): string {
  return typeof value === 'boolean' ? (value ? 'true' : 'false') : String(value);
}

/** Refuses what Jenkins would reject or silently ignore: folders, disabled jobs, undeclared parameters. */
export function checkBuildable(info: JobInfo, params: BuildParams | undefined): void {
  if (info.isFolder) {
    throw new JenkinsJobError(info.name, 'folder', `'${info.name}' is a folder, not a job: name a job inside it, like ${info.name}/main`);
  }
  if (!info.buildable) {
    throw new JenkinsJobError(info.name, 'disabled', `job '${info.name}' is disabled (not buildable); enable it in Jenkins first`);
  }
  const names = Object.keys(params ?? {});
  if (names.length === 0) return;
  if (info.parameters.length === 0) {
    throw new JenkinsJobError(
      info.name,
      'not-parameterized',
      `job '${info.name}' takes no parameters, but ${names.join(', ')} ${names.length === 1 ? 'was' : 'were'} given`,
      { given: names },
    );
  }
  const declared = new Set(info.parameters.map((p) => p.name));
  const unknown = names.filter((n) => !declared.has(n));
  if (unknown.length > 0) {
    throw new JenkinsJobError(
      info.name,
      'unknown-parameters',
      `job '${info.name}' does not declare ${unknown.join(', ')} (it declares ${[...declared].join(', ')}); Jenkins would ignore ${unknown.length === 1 ? 'it' : 'them'}`,
      { unknown, declared: [...declared] },
    );
  }
}

/** Puts a build in the queue and returns the queue item (does not wait). */
export async function queueBuild(
  client: JenkinsTransport,
  job: string,
  params?: BuildParams,
  opts: { signal?: AbortSignal; jobInfo?: JobInfo; quietPeriod?: boolean } = {},
): Promise<QueuedBuild> {
  const name = normalizeJobName(job);
  const info = opts.jobInfo ?? (await getJob(client, name, opts.signal ? { signal: opts.signal } : {}));
  checkBuildable(info, params);
  const form: Record<string, string> = {};
  for (const [k, v] of Object.entries(params ?? {})) form[k] = paramText(v);
  const parameterized = info.parameters.length > 0;
  const path = `${jobPath(name)}/${parameterized ? 'buildWithParameters' : 'build'}`;
  const res = await client.post(path, {
    ...(opts.quietPeriod ? {} : { query: { delay: '0sec' } }),
    ...(parameterized ? { form } : {}),
    subject: `job '${name}'`,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  const location = res.headers.location ?? '';
  const id = /\/queue\/item\/(\d+)\/?$/.exec(new URL(location || '/', client.baseUrl).pathname)?.[1];
  if (!id) {
    const shown = res.path.split('?')[0] as string;
    throw new JenkinsError(`Jenkins accepted POST ${shown} (${res.status}) but did not say which queue item it created (Location: ${location || 'none'})`, {
      kind: 'bad-response',
      method: 'POST',
      path: shown,
      status: res.status,
    });
  }
  const queueId = Number(id);
  return { job: name, queueId, queueUrl: client.urlFor(`/queue/item/${queueId}/`), existing: res.status === 303, params: form };
}

/** Polls the queue item until a build has its number; cancelled items and time limits become typed errors. */
export async function waitForQueueItem(client: JenkinsTransport, queued: QueuedBuild, opts: WaitOptions = {}): Promise<{ number: number; url: string }> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_QUEUE_TIMEOUT_MS;
  let lastWhy: string | undefined | null = null;
  return pollUntil(
    async () => {
      const item = await client.getJson(`/queue/item/${queued.queueId}/api/json`, QueueItemJson, {
        subject: `queue item ${queued.queueId}`,
        notFound: `queue item ${queued.queueId} for job '${queued.job}' is gone (Jenkins forgets items about 5 minutes after they leave the queue); look at the job's recent builds`,
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
      const why = item.why ?? undefined;
      // "queued" is always reported once, even when the build started before the first look.
      if (why !== lastWhy && (lastWhy === null || why !== undefined)) {
        lastWhy = why;
        notify(opts.onProgress, { phase: 'queued', job: queued.job, queueId: queued.queueId, ...(why ? { why } : {}) });
      }
      if (item.cancelled) throw new QueuedBuildCancelledError(queued.job, queued.queueId);
      if (item.executable && typeof item.executable.number === 'number') {
        const number = item.executable.number;
        return { number, url: item.executable.url || client.urlFor(`${buildPath(queued.job, number)}/`) };
      }
      return undefined;
    },
    {
      intervalMs: opts.pollIntervalMs ?? client.pollIntervalMs,
      timeoutMs,
      signal: opts.signal,
      onTimeout: (waited) =>
        new JenkinsWaitTimeoutError(
          'queue',
          `the build of '${queued.job}' was still waiting in the Jenkins queue after ${formatDuration(waited)} (queue item ${queued.queueId}${lastWhy ? `: ${lastWhy}` : ''}); it was left in the queue`,
          waited,
        ),
    },
  );
}

/** Polls a build until `building` is false and reports `finished`. */
export async function waitForBuild(client: JenkinsTransport, job: string, number: number, opts: WaitOptions & { queueId?: number } = {}): Promise<BuildRun> {
  const name = normalizeJobName(job);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_BUILD_TIMEOUT_MS;
  let url = client.urlFor(`${buildPath(name, number)}/`);
  const info = await pollUntil(
    async () => {
      const b = await getBuild(client, name, number, opts.signal ? { signal: opts.signal } : {});
      url = b.url;
      return !b.building && b.result ? b : undefined;
    },
    {
      intervalMs: opts.pollIntervalMs ?? client.pollIntervalMs,
      timeoutMs,
      signal: opts.signal,
      onTimeout: (waited) =>
        new JenkinsWaitTimeoutError(
          'build',
          `${describeBuild(name, number)} was still running after ${formatDuration(waited)}; it was left running: ${url}`,
          waited,
        ),
    },
  );
  const result = info.result as BuildResult;
  notify(opts.onProgress, { phase: 'finished', job: name, queueId: opts.queueId ?? info.queueId, number, url: info.url, result, durationMs: info.durationMs });
  return { job: name, queueId: opts.queueId ?? info.queueId ?? -1, number, url: info.url, building: false, result, durationMs: info.durationMs };
}

/**
 * Trigger → queued → started → finished, reporting each phase through
 * onProgress. Returns at "started" or "finished" (default) as asked.
 */
export async function triggerBuild(client: JenkinsTransport, job: string, params?: BuildParams, opts: TriggerOptions = {}): Promise<BuildRun> {
  const signal = opts.signal ? { signal: opts.signal } : {};
  const queued = await queueBuild(client, job, params, {
    ...signal,
    ...(opts.jobInfo ? { jobInfo: opts.jobInfo } : {}),
    ...(opts.quietPeriod ? { quietPeriod: true } : {}),
  });
  return followQueuedBuild(client, queued, opts);
}

/** The waiting half of triggerBuild, for callers that queued the build themselves. */
export async function followQueuedBuild(client: JenkinsTransport, queued: QueuedBuild, opts: TriggerOptions = {}): Promise<BuildRun> {
  const common = { ...(opts.pollIntervalMs ? { pollIntervalMs: opts.pollIntervalMs } : {}), ...(opts.signal ? { signal: opts.signal } : {}) };
  const started = await waitForQueueItem(client, queued, {
    ...common,
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    timeoutMs: opts.queueTimeoutMs ?? DEFAULT_QUEUE_TIMEOUT_MS,
  });
  notify(opts.onProgress, { phase: 'started', job: queued.job, queueId: queued.queueId, number: started.number, url: started.url });
  if (opts.until === 'started') {
    return { job: queued.job, queueId: queued.queueId, number: started.number, url: started.url, building: true, result: null, durationMs: null };
  }
  return waitForBuild(client, queued.job, started.number, {
    ...common,
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    queueId: queued.queueId,
    timeoutMs: opts.buildTimeoutMs ?? DEFAULT_BUILD_TIMEOUT_MS,
  });
}

export interface ConsoleTextOptions {
  /** Keep at most this many bytes from the end of the log (default 5 MiB). */
  maxBytes?: number;
  signal?: AbortSignal;
}

/** The whole console log as text (the tail when it is larger than maxBytes). */
export async function getConsoleText(client: JenkinsTransport, job: string, number: number | string, opts: ConsoleTextOptions = {}): Promise<string> {
  const name = normalizeJobName(job);
  const maxBytes = opts.maxBytes ?? DEFAULT_CONSOLE_MAX_BYTES;
  const res = await client.get(`${buildPath(name, number)}/consoleText`, {
    subject: describeBuild(name, number),
    maxBodyBytes: maxBytes,
    keep: 'tail',
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  const text = res.body.toString('utf8');
  return res.truncated ? `[buildfix: log cut, showing its last ${maxBytes} bytes]\n${text}` : text;
}

export interface ProgressiveTextOptions {
  /** Byte offset to start from (default 0). */
  start?: number;
  pollIntervalMs?: number;
  /** Give up after this long (default 60 min) with a JenkinsWaitTimeoutError. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * Follows a running build's log: GET logText/progressiveText?start=N returns
 * the text from byte N, X-Text-Size is the next offset, and X-More-Data: true
 * is sent while the log can still grow. Returns the final size.
 */
export async function streamProgressiveText(
  client: JenkinsTransport,
  job: string,
  number: number | string,
  onChunk: (text: string) => void | Promise<void>,
  opts: ProgressiveTextOptions = {},
): Promise<{ size: number }> {
  const name = normalizeJobName(job);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_BUILD_TIMEOUT_MS;
  const decoder = new TextDecoder('utf-8');
  let offset = opts.start ?? 0;
  return pollUntil(
    async () => {
      const res = await client.get(`${buildPath(name, number)}/logText/progressiveText`, {
        query: { start: offset },
        subject: describeBuild(name, number),
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
      const more = (res.headers['x-more-data'] ?? '').toLowerCase() === 'true';
      const text = decoder.decode(res.body, { stream: more });
      if (text) await onChunk(text);
      const size = Number(res.headers['x-text-size']);
      offset = Number.isFinite(size) && size >= 0 ? size : offset + res.body.length;
      return more ? undefined : { size: offset };
    },
    {
      intervalMs: opts.pollIntervalMs ?? client.pollIntervalMs,
      timeoutMs,
      signal: opts.signal,
      onTimeout: (waited) =>
        new JenkinsWaitTimeoutError(
          'log',
          `the log of ${describeBuild(name, number)} was still growing after ${formatDuration(waited)}; stopped following it at byte ${offset}`,
          waited,
        ),
    },
  );
}
