/**
 * Failed-job logs from GitHub Actions and GitLab CI, read with an API token
 * (GITHUB_TOKEN / GITLAB_TOKEN):
 *
 * - GitHub: the workflow run's jobs_url lists its jobs; the failed ones
 *   (failure, timed_out; at most 3) are read from
 *   <api base>/repos/{owner}/{repo}/actions/jobs/{id}/logs, which redirects
 *   to a short-lived plain-text URL on another host. The token goes only to
 *   the API origin (the one of jobs_url), never to a redirect target on
 *   another origin.
 * - GitLab: the failed jobs of the Pipeline Hook (at most 3) are read from
 *   the job trace API (<instance>/api/v4/projects/<id>/jobs/<id>/trace) with
 *   PRIVATE-TOKEN.
 *
 * Every request has a timeout; each log keeps its last bytes (the failure is
 * at the end). Failures become notes for the reader, never with the token.
 */
import { redactText } from '../util/redact.ts';
import type { CiEvent } from '../webhooks/ci-event.ts';

export interface LogSourceOptions {
  /** Bytes kept from the end of each job's log. */
  maxBytes: number;
  /** Per request (headers and body); default 15 s. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface LogSourceResult {
  /** The failed jobs' logs, one header line per job; absent when none could be read. */
  text?: string;
  /** What the text is ("o/r CI #77 on main: logs of failed jobs build, test"). */
  origin: string;
  /** What could not be read, and why. */
  note?: string;
}

const MAX_JOBS = 3;
const MAX_REDIRECTS = 3;
const DEFAULT_TIMEOUT_MS = 15_000;
const GITHUB_FAILED = new Set(['failure', 'timed_out']);

/** A failure worth a note; `message` is written for the reader and never carries a token. */
class LogReadError extends Error {}

function describeStatus(status: number, what: string, variable: string): string {
  if (status === 401 || status === 403)
    return `${variable} cannot read ${what} (HTTP ${status}): check that the token is valid and may read this project's CI logs`;
  if (status === 404) return `${what} was not found (HTTP 404): the job or its log is gone, or ${variable} cannot see the project`;
  if (status === 410) return `${what} has expired (HTTP 410)`;
  return `reading ${what} failed with HTTP ${status}`;
}

function describeFetchError(err: unknown, what: string, host: string, timeoutMs: number): string {
  const e = err as { name?: string; cause?: { code?: string; name?: string } } | undefined;
  if (e?.name === 'TimeoutError' || e?.cause?.name === 'TimeoutError') return `reading ${what} timed out after ${Math.round(timeoutMs / 1000)} s (${host})`;
  if (e?.name === 'AbortError') return `reading ${what} was cancelled`;
  const code = e?.cause?.code;
  return `${host} is unreachable while reading ${what}${code ? ` (${code})` : ''}`;
}

function hostOf(url: URL): string {
  return url.host;
}

interface GetOptions {
  headers: Record<string, string>;
  /** Headers that are sent only to `url`'s origin (credentials). */
  authHeaders: Record<string, string>;
  what: string;
  variable: string;
  opts: LogSourceOptions;
}

/** GET with manual redirects: credentials only on the first origin. Throws LogReadError. */
async function get(url: URL, o: GetOptions): Promise<Response> {
  const timeoutMs = o.opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const origin = url.origin;
  let current = url;
  for (let hop = 0; ; hop++) {
    const signals = [AbortSignal.timeout(timeoutMs), ...(o.opts.signal ? [o.opts.signal] : [])];
    const headers = current.origin === origin ? { ...o.headers, ...o.authHeaders } : { ...o.headers };
    let res: Response;
    try {
      res = await fetch(current, { headers, redirect: 'manual', signal: AbortSignal.any(signals) });
    } catch (err) {
      throw new LogReadError(describeFetchError(err, o.what, hostOf(current), timeoutMs));
    }
    if (res.status >= 300 && res.status < 400 && res.headers.get('location')) {
      await res.body?.cancel().catch(() => {});
      if (hop >= MAX_REDIRECTS) throw new LogReadError(`reading ${o.what} was redirected too many times`);
      let next: URL;
      try {
        next = new URL(res.headers.get('location') ?? '', current);
      } catch {
        throw new LogReadError(`reading ${o.what} was redirected to an invalid URL`);
      }
      if (next.protocol !== 'https:' && next.protocol !== 'http:') throw new LogReadError(`reading ${o.what} was redirected to a non-HTTP URL`);
      current = next;
      continue;
    }
    if (!res.ok) {
      await res.body?.cancel().catch(() => {});
      // A redirect target's own refusal is not the token's fault.
      if (current.origin !== origin && (res.status === 401 || res.status === 403))
        throw new LogReadError(`${hostOf(current)} refused the log download of ${o.what} (HTTP ${res.status}); the link may have expired`);
      throw new LogReadError(describeStatus(res.status, o.what, o.variable));
    }
    return res;
  }
}

/** The last `maxBytes` of a body, from its first whole line when cut. */
async function readTail(res: Response, maxBytes: number, what: string, host: string, timeoutMs: number): Promise<string> {
  if (!res.body) return '';
  const chunks: Buffer[] = [];
  let size = 0;
  let cut = false;
  try {
    for await (const chunk of res.body) {
      const buf = Buffer.from(chunk as Uint8Array);
      chunks.push(buf);
      size += buf.length;
      while (chunks.length > 1 && size - (chunks[0]?.length ?? 0) >= maxBytes) {
        size -= chunks.shift()?.length ?? 0;
        cut = true;
      }
    }
  } catch (err) {
    throw new LogReadError(describeFetchError(err, what, host, timeoutMs));
  }
  let all = Buffer.concat(chunks);
  if (all.length > maxBytes) {
    all = all.subarray(all.length - maxBytes);
    cut = true;
  }
  let text = all.toString('utf8');
  if (cut) {
    const nl = text.indexOf('\n');
    if (nl >= 0 && nl < text.length - 1) text = text.slice(nl + 1);
  }
  return text;
}

function errorText(err: unknown): string {
  return redactText(err instanceof LogReadError ? err.message : `unexpected error: ${err instanceof Error ? err.message : String(err)}`);
}

interface JobLog {
  name: string;
  text?: string;
  problem?: string;
}

function combine(event: CiEvent, ci: string, logs: JobLog[], extraNote?: string): LogSourceResult {
  const read = logs.filter((l) => l.text !== undefined);
  const problems = logs.filter((l) => l.problem).map((l) => `job ${l.name}: ${l.problem}`);
  if (extraNote) problems.push(extraNote);
  const result: LogSourceResult = {
    origin: `${event.label}: ${ci} log${read.length === 1 ? '' : 's'} of failed job${read.length === 1 ? '' : 's'} ${read.map((l) => l.name).join(', ')}`,
  };
  if (read.length > 0) result.text = read.map((l) => `===== job ${l.name} =====\n${l.text ?? ''}`).join('\n');
  if (problems.length > 0) result.note = `could not read every failed job's log from ${ci}: ${problems.join('; ')}`;
  return result;
}

interface GithubJob {
  id: number;
  name: string;
  conclusion: string | null;
}

function parseGithubJobs(value: unknown): GithubJob[] | undefined {
  const jobs = (value as { jobs?: unknown } | null)?.jobs;
  if (!Array.isArray(jobs)) return undefined;
  const out: GithubJob[] = [];
  for (const j of jobs) {
    const job = j as { id?: unknown; name?: unknown; conclusion?: unknown };
    if (typeof job.id !== 'number' || !Number.isSafeInteger(job.id)) continue;
    out.push({
      id: job.id,
      name: typeof job.name === 'string' ? job.name.slice(0, 300) : `job ${job.id}`,
      conclusion: typeof job.conclusion === 'string' ? job.conclusion : null,
    });
  }
  return out;
}

/** The failed jobs' logs of a GitHub workflow run (event.jobsUrl). */
export async function fetchGithubJobLogs(event: CiEvent, token: string, opts: LogSourceOptions): Promise<LogSourceResult> {
  const origin = `${event.label}`;
  if (!event.jobsUrl) return { origin, note: `the GitHub ${event.eventType} event names no workflow jobs, so there is no log to read` };
  let jobsUrl: URL;
  try {
    jobsUrl = new URL(event.jobsUrl);
  } catch {
    return { origin, note: 'the GitHub event carries an invalid jobs_url, so the logs cannot be read' };
  }
  if (!/^https?:$/.test(jobsUrl.protocol)) return { origin, note: 'the GitHub event carries a non-HTTP jobs_url, so the logs cannot be read' };
  // The API base: everything before /repos/ (the origin on github.com, /api/v3 on GitHub Enterprise Server).
  const repoAt = jobsUrl.pathname.indexOf('/repos/');
  const apiBase = `${jobsUrl.origin}${repoAt > 0 ? jobsUrl.pathname.slice(0, repoAt) : ''}`;
  const headers = { accept: 'application/vnd.github+json', 'user-agent': 'buildfix', 'x-github-api-version': '2022-11-28' };
  const authHeaders = { authorization: `Bearer ${token}` };
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  let jobs: GithubJob[] | undefined;
  try {
    const listUrl = new URL(jobsUrl);
    listUrl.searchParams.set('per_page', '100');
    const res = await get(listUrl, { headers, authHeaders, what: `the jobs of ${event.label}`, variable: 'GITHUB_TOKEN', opts });
    let body: unknown;
    try {
      body = await res.json();
    } catch {
      throw new LogReadError(`the job list of ${event.label} is not JSON`);
    }
    jobs = parseGithubJobs(body);
    if (!jobs) throw new LogReadError(`the job list of ${event.label} has no "jobs" array`);
  } catch (err) {
    return { origin, note: `could not read the job list from GitHub: ${errorText(err)}` };
  }
  const failed = jobs.filter((j) => j.conclusion !== null && GITHUB_FAILED.has(j.conclusion));
  if (failed.length === 0) return { origin, note: `GitHub lists no failed job (failure or timed_out) in ${event.label}, so there is no job log to read` };
  const picked = failed.slice(0, MAX_JOBS);
  const logs = await Promise.all(
    picked.map(async (job): Promise<JobLog> => {
      const what = `the log of job ${job.name}`;
      const url = new URL(`${apiBase}/repos/${event.job.split('/').map(encodeURIComponent).join('/')}/actions/jobs/${job.id}/logs`);
      try {
        const res = await get(url, { headers, authHeaders, what, variable: 'GITHUB_TOKEN', opts });
        return { name: job.name, text: await readTail(res, opts.maxBytes, what, url.host, timeoutMs) };
      } catch (err) {
        return { name: job.name, problem: errorText(err) };
      }
    }),
  );
  const skipped = failed.length > picked.length ? `${failed.length - picked.length} more failed job(s) not read (only the first ${MAX_JOBS} are)` : undefined;
  return combine(event, 'GitHub', logs, skipped);
}

/** The failed jobs' traces of a GitLab pipeline (event.failedJobs[].logUrl, built from the project's web_url origin). */
export async function fetchGitlabJobTraces(event: CiEvent, token: string, opts: LogSourceOptions): Promise<LogSourceResult> {
  const origin = `${event.label}`;
  const jobs = (event.failedJobs ?? []).filter((j) => j.logUrl);
  if (jobs.length === 0) return { origin, note: 'the GitLab Pipeline Hook lists no failed job with a trace to read' };
  const headers = { accept: 'text/plain', 'user-agent': 'buildfix' };
  const authHeaders = { 'private-token': token };
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const picked = jobs.slice(0, MAX_JOBS);
  const logs = await Promise.all(
    picked.map(async (job): Promise<JobLog> => {
      const what = `the trace of job ${job.name}`;
      let url: URL;
      try {
        url = new URL(job.logUrl ?? '');
        if (!/^https?:$/.test(url.protocol)) throw new Error('not http');
      } catch {
        return { name: job.name, problem: 'the trace URL is invalid' };
      }
      try {
        const res = await get(url, { headers, authHeaders, what, variable: 'GITLAB_TOKEN', opts });
        return { name: job.name, text: await readTail(res, opts.maxBytes, what, url.host, timeoutMs) };
      } catch (err) {
        return { name: job.name, problem: errorText(err) };
      }
    }),
  );
  const skipped = jobs.length > picked.length ? `${jobs.length - picked.length} more failed job(s) not read (only the first ${MAX_JOBS} are)` : undefined;
  return combine(event, 'GitLab', logs, skipped);
}
