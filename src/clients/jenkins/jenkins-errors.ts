/**
 * Jenkins failures as messages a person can act on. Every HTTP-level failure
 * is a JenkinsError (an UpstreamError for service "jenkins") with a `kind` to
 * match on and the request's method + path in the message; the API token and
 * the Authorization header never appear (callers scrub response text).
 * Failures of the operations built on top (a cancelled queue item, a wait
 * that ran out, a job that cannot do what was asked, an agent restart that
 * stopped half-way) have their own classes below.
 */
import { BuildfixError, UpstreamError } from '../../errors.ts';

export type JenkinsErrorKind =
  | 'auth' // 401, or credentials ignored (treated as anonymous)
  | 'permission' // 403: authenticated but lacking a permission
  | 'crumb' // 403: CSRF crumb missing/invalid even after a refresh
  | 'not-found' // 404
  | 'conflict' // 409: job disabled / not buildable
  | 'unreachable' // 5xx, connection refused/reset, DNS
  | 'timeout' // no answer within the deadline
  | 'bad-response' // not the JSON we expected (wrong URL, SSO page, …)
  | 'http'; // any other status

export class JenkinsError extends UpstreamError {
  readonly kind: JenkinsErrorKind;
  readonly method: string;
  /** Path relative to the Jenkins root, without the query, e.g. /job/a/job/b/build. */
  readonly path: string;
  /** For kind "permission": what Jenkins said is missing, e.g. "Job/Build (hudson.model.Item.Build)". */
  readonly permission: string | undefined;
  constructor(
    message: string,
    fields: { kind: JenkinsErrorKind; method: string; path: string; status?: number; url?: string; permission?: string; cause?: unknown },
  ) {
    super('jenkins', message, { status: fields.status, url: fields.url ?? fields.path, cause: fields.cause });
    this.name = 'JenkinsError';
    this.kind = fields.kind;
    this.method = fields.method;
    this.path = fields.path;
    this.permission = fields.permission;
  }
}

/** The queue item left the queue without a build (someone cancelled it, or the job was disabled). */
export class QueuedBuildCancelledError extends BuildfixError {
  readonly job: string;
  readonly queueId: number;
  constructor(job: string, queueId: number) {
    super(
      'BF_UPSTREAM',
      `the queued build was cancelled: queue item ${queueId} for ${job} left the Jenkins queue without starting (cancelled in the queue, or the job was disabled)`,
      {
        details: { job, queueId },
      },
    );
    this.name = 'QueuedBuildCancelledError';
    this.job = job;
    this.queueId = queueId;
  }
}

/** A bounded wait (queue, build, agent) ran out; nothing was stopped. */
export class JenkinsWaitTimeoutError extends BuildfixError {
  readonly waitedMs: number;
  readonly what: string;
  constructor(what: string, message: string, waitedMs: number) {
    super('BF_TIMEOUT', message, { details: { what, waitedMs } });
    this.name = 'JenkinsWaitTimeoutError';
    this.what = what;
    this.waitedMs = waitedMs;
  }
}

export type JenkinsJobProblem =
  | 'folder' // the name is a folder, not a job
  | 'disabled'
  | 'not-parameterized'
  | 'unknown-parameters'
  | 'missing-parameter'
  | 'unsupported-overrides'
  | 'no-wipe-out'
  | 'no-successful-build'
  | 'no-git-data'
  | 'ambiguous-revision';

/** The job cannot do what was asked (checked before anything was changed). */
export class JenkinsJobError extends BuildfixError {
  readonly job: string;
  readonly problem: JenkinsJobProblem;
  constructor(job: string, problem: JenkinsJobProblem, message: string, details: Record<string, unknown> = {}) {
    super('BF_TARGET', message, { details: { job, problem, ...details } });
    this.name = 'JenkinsJobError';
    this.job = job;
    this.problem = problem;
  }
}

/** Which permission ids mean what, in the words of Jenkins' own UI. */
const PERMISSION_TITLES: Record<string, string> = {
  'hudson.model.Hudson.Read': 'Overall/Read',
  'hudson.model.Hudson.Administer': 'Overall/Administer',
  'hudson.model.Item.Read': 'Job/Read',
  'hudson.model.Item.Build': 'Job/Build',
  'hudson.model.Item.Cancel': 'Job/Cancel',
  'hudson.model.Item.Workspace': 'Job/Workspace',
  'hudson.model.Item.WipeOut': 'Job/WipeOut',
  'hudson.model.Item.Configure': 'Job/Configure',
  'hudson.model.Computer.Connect': 'Agent/Connect',
  'hudson.model.Computer.Disconnect': 'Agent/Disconnect',
  'hudson.model.Computer.Configure': 'Agent/Configure',
  'hudson.model.Computer.Build': 'Agent/Build',
};

/**
 * The permission a 403 names: the X-Required-Permission header (an id such as
 * hudson.model.Item.Build) and/or the body's "X is missing the Job/Build permission".
 */
export function parseMissingPermission(body: string, headers: Record<string, string | undefined>): { title?: string; id?: string; who?: string } | undefined {
  const id = headers['x-required-permission']?.trim() || undefined;
  const m = /([^\s<>"]+) is missing the ([A-Za-z][\w ./-]*?) permission/.exec(body);
  const title = m?.[2] ?? (id ? PERMISSION_TITLES[id] : undefined);
  const who = m?.[1] ?? (headers['x-you-are-authenticated-as']?.trim() || undefined);
  if (!id && !title) return undefined;
  return { ...(title ? { title } : {}), ...(id ? { id } : {}), ...(who ? { who } : {}) };
}

/** True when a 403 is the CSRF filter talking, not the authorization strategy. */
export function isCrumbRejection(status: number, body: string): boolean {
  return status === 403 && /crumb/i.test(body);
}

/** Readable text from an error page: tags dropped, whitespace collapsed, cut to `max`. */
export function errorPageText(body: string, max = 240): string {
  const text = body
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export interface HttpFailureContext {
  method: string;
  /** Path relative to the Jenkins root (no query). */
  path: string;
  /** What the request was about, for 404s: "job 'team/payments/main'", "agent 'agent-01'". */
  subject?: string;
  /** Replaces the default 404 sentence (e.g. "job x has no Wipe Out Workspace action"). */
  notFound?: string;
  /** The configured user (never the token). */
  user: string;
  /** Jenkins root, credentials stripped, for "unreachable" messages. */
  origin: string;
  /** Removes secrets from text taken from the response. */
  scrub: (text: string) => string;
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** Turns an unexpected HTTP status into a JenkinsError with an actionable sentence. */
export function describeHttpStatus(status: number, body: string, headers: Record<string, string | undefined>, ctx: HttpFailureContext): JenkinsError {
  const where = `${ctx.method} ${ctx.path}`;
  const statusText = `${status}${STATUS_TEXT[status] ? ` ${STATUS_TEXT[status]}` : ''}`;
  const base = { method: ctx.method, path: ctx.path, status };
  const page = ctx.scrub(errorPageText(body));
  if (status === 401) {
    return new JenkinsError(
      `Jenkins rejected the credentials of user '${ctx.user}' (${statusText} on ${where}): check JENKINS_USER / JENKINS_API_TOKEN (the token is made under the user's Security settings)`,
      {
        ...base,
        kind: 'auth',
      },
    );
  }
  if (status === 403) {
    if (isCrumbRejection(status, body)) {
      return new JenkinsError(
        `Jenkins rejected the CSRF crumb for ${where} (${statusText}: No valid crumb was included in the request), even after fetching a new one; if Jenkins sits behind a proxy that changes the client IP or drops cookies, fix that or use an API token`,
        {
          ...base,
          kind: 'crumb',
        },
      );
    }
    const perm = parseMissingPermission(body, headers);
    if (perm?.who === 'anonymous') {
      return new JenkinsError(
        `Jenkins treated ${where} as anonymous (${statusText}): the credentials were not accepted; check JENKINS_USER / JENKINS_API_TOKEN`,
        { ...base, kind: 'auth' },
      );
    }
    if (perm) {
      const name = perm.title && perm.id ? `${perm.title} (${perm.id})` : (perm.title ?? perm.id ?? '');
      return new JenkinsError(`Jenkins user '${ctx.user}' lacks the ${name} permission needed for ${where} (${statusText}); ask a Jenkins admin to grant it`, {
        ...base,
        kind: 'permission',
        permission: name,
      });
    }
    return new JenkinsError(
      `Jenkins user '${ctx.user}' is not allowed to ${where} (${statusText}${page ? `: ${page}` : ''}); ask a Jenkins admin for the needed permission`,
      {
        ...base,
        kind: 'permission',
      },
    );
  }
  if (status === 404) {
    const sentence = ctx.notFound ?? (ctx.subject ? `Jenkins has no ${ctx.subject}` : 'Jenkins has nothing at this address');
    const hint = ctx.subject?.startsWith('job') ? `; check the name (folders separated by "/") and that user '${ctx.user}' can see it` : '';
    return new JenkinsError(`${sentence} (${statusText} on ${where})${hint}`, { ...base, kind: 'not-found' });
  }
  if (status === 409) {
    return new JenkinsError(`Jenkins refused ${where} (${statusText}): the ${ctx.subject ?? 'job'} is disabled or not buildable${page ? ` (${page})` : ''}`, {
      ...base,
      kind: 'conflict',
    });
  }
  if (status >= 500) {
    const plain = (headers['content-type'] ?? '').startsWith('text/plain') && page ? ` (${page})` : '';
    return new JenkinsError(
      `Jenkins at ${ctx.origin} is unreachable or failing: ${statusText} on ${where}${plain}; check that Jenkins (or the proxy in front of it) is up`,
      {
        ...base,
        kind: 'unreachable',
      },
    );
  }
  return new JenkinsError(`Jenkins answered ${statusText} to ${where}${page ? `: ${page}` : ''}`, { ...base, kind: 'http' });
}

/** The first `code` on an error or its causes (ECONNREFUSED, UND_ERR_SOCKET, …). */
export function errorCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let depth = 0; depth < 4 && e && typeof e === 'object'; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Turns a request that got no HTTP status (refused, reset, DNS, timeout) into a JenkinsError. */
export function describeRequestFailure(err: unknown, ctx: HttpFailureContext & { timedOut: boolean; timeoutMs: number; durationMs: number }): JenkinsError {
  const where = `${ctx.method} ${ctx.path}`;
  const code = errorCode(err);
  const base = { method: ctx.method, path: ctx.path, cause: err };
  if (ctx.timedOut || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') {
    return new JenkinsError(`Jenkins at ${ctx.origin} did not answer ${where} within ${ctx.timeoutMs} ms: Jenkins unreachable or overloaded`, {
      ...base,
      kind: 'timeout',
    });
  }
  if (code === 'ECONNREFUSED') {
    return new JenkinsError(`Jenkins at ${ctx.origin} is unreachable: connection refused for ${where}; check JENKINS_URL and that Jenkins is running`, {
      ...base,
      kind: 'unreachable',
    });
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME' || code === 'EAI_FAIL') {
    return new JenkinsError(`Jenkins at ${ctx.origin} is unreachable: DNS lookup failed (${code}) for ${where}; check JENKINS_URL`, {
      ...base,
      kind: 'unreachable',
    });
  }
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE' || code === 'UND_ERR_CLOSED') {
    return new JenkinsError(
      `Jenkins at ${ctx.origin} is unreachable: the connection was closed during ${where} (${code}); check Jenkins and any proxy in front of it`,
      {
        ...base,
        kind: 'unreachable',
      },
    );
  }
  const text = err instanceof Error ? ctx.scrub(err.message) : 'unknown error';
  return new JenkinsError(`Jenkins at ${ctx.origin} is unreachable: ${where} failed: ${text}${code ? ` (${code})` : ''}`, { ...base, kind: 'unreachable' });
}

/** Errors worth another try inside a polling loop: Jenkins blipped, the answer may come next time. */
export function isTransient(err: unknown): boolean {
  return err instanceof JenkinsError && (err.kind === 'unreachable' || err.kind === 'timeout');
}
