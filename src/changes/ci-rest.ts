/** One JSON GET against a CI's REST API (GitHub, GitLab) with a deadline, answering a reason a person can act on instead of throwing. */
import type { z } from 'zod';
import { UpstreamError } from '../errors.ts';
import { redactText } from '../util/redact.ts';

export interface LastGreenOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

export const DEFAULT_TIMEOUT_MS = 15_000;

export async function getJson(
  url: URL,
  headers: Record<string, string>,
  what: string,
  opts: LastGreenOptions,
): Promise<{ ok: true; value: unknown } | { ok: false; reason: string }> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const signal = AbortSignal.any([AbortSignal.timeout(timeoutMs), ...(opts.signal ? [opts.signal] : [])]);
  let res: Response;
  try {
    res = await fetch(url, { headers, redirect: 'error', signal });
  } catch (err) {
    const name = (err as { name?: string }).name;
    return {
      ok: false,
      reason:
        name === 'TimeoutError'
          ? `${what} timed out after ${Math.round(timeoutMs / 1000)} s (${url.host})`
          : `${url.host} is unreachable while reading ${what}`,
    };
  }
  if (!res.ok) {
    await res.body?.cancel().catch(() => {});
    const why = res.status === 401 || res.status === 403 ? `the token cannot read ${what} (HTTP ${res.status})` : `${what} failed with HTTP ${res.status}`;
    return { ok: false, reason: why };
  }
  try {
    return { ok: true, value: await res.json() };
  } catch {
    return { ok: false, reason: `${what} answered with invalid JSON` };
  }
}

/**
 * getJson for callers that throw: the answer validated with `schema`, or an UpstreamError of `service` carrying the
 * reason (redacted) when it could not be read or came back in another shape.
 */
export async function getValidJson<T>(
  url: URL,
  headers: Record<string, string>,
  what: string,
  service: string,
  schema: z.ZodType<T>,
  opts: LastGreenOptions,
): Promise<T> {
  const got = await getJson(url, headers, what, opts);
  if (!got.ok) throw new UpstreamError(service, redactText(got.reason), { url: `${url.origin}${url.pathname}` });
  const parsed = schema.safeParse(got.value);
  if (!parsed.success) throw new UpstreamError(service, `${what} came back in an unexpected shape`, { url: `${url.origin}${url.pathname}` });
  return parsed.data;
}

/** What one GitHub workflow's history is read with: the repository's API base, the workflow and branch. */
export interface GithubTarget {
  /** https://api.github.com/repos/<owner>/<repo> (or GitHub Enterprise Server's /api/v3/repos/…). */
  api: URL;
  workflow: string;
  branch: string;
  /** The failing run's id, never taken as the green one. */
  excludeRunId?: string;
}

/** What one GitLab ref's history is read with: the project's API base and the ref. */
export interface GitlabTarget {
  /** https://gitlab.example/api/v4/projects/<id>. */
  api: URL;
  ref: string;
  /** For messages: "g/p" or the configured repo name. */
  label: string;
}

export const githubHeaders = (token: string): Record<string, string> => ({
  accept: 'application/vnd.github+json',
  'user-agent': 'buildfix',
  'x-github-api-version': '2022-11-28',
  authorization: `Bearer ${token}`,
});
export const gitlabHeaders = (token: string): Record<string, string> => ({ accept: 'application/json', 'user-agent': 'buildfix', 'private-token': token });

export function isoTime(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}
