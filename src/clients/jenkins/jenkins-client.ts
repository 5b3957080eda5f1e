/**
 * The Jenkins REST client: HTTP Basic with user + API token, the CSRF crumb
 * on POSTs (fetched from /crumbIssuer/api/json, cached, refreshed once when
 * Jenkins says it is missing or stale; none when the issuer is absent), one
 * deadline per call, and every failure mapped to a JenkinsError whose message
 * names the method and path and never carries the token.
 *
 * The operations (builds, clean build, rollback, agents) live in their own
 * files as functions taking this client; the methods here delegate to them so
 * callers can write `jenkins.triggerBuild('team/payments/main')`.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, type Dispatcher } from '../../util/undici-dispatchers.ts';
import type { z } from 'zod';
import { ConfigError } from '../../errors.ts';
import { redactText, registerSecret } from '../../util/redact.ts';
import { cleanBuild, type CleanBuildOptions, type CleanBuildResult } from './clean-build.ts';
import {
  getBuild,
  getConsoleText,
  getJob,
  lastBuild,
  lastFailedBuild,
  lastSuccessfulBuild,
  queueBuild,
  streamProgressiveText,
  triggerBuild,
  waitForBuild,
  waitForQueueItem,
  type BuildInfo,
  type BuildParams,
  type BuildRun,
  type ConsoleTextOptions,
  type JobInfo,
  type ProgressiveTextOptions,
  type QueuedBuild,
  type TriggerOptions,
  type WaitOptions,
} from './builds.ts';
import { describeHttpStatus, describeRequestFailure, errorCode, isCrumbRejection, JenkinsError, type HttpFailureContext } from './jenkins-errors.ts';
import { getNode, listNodes, type JenkinsNode } from './nodes.ts';
import { restartAgent, type RestartAgentOptions, type RestartAgentResult } from './restart-agent.ts';
import { rollback, type RollbackOptions, type RollbackResult } from './rollback.ts';
import { CrumbResponse, WhoAmI } from './schema.ts';
import type { JenkinsRequestOptions, JenkinsResponse, JenkinsTransport, QueryValue } from './jenkins-transport.ts';

export type { JenkinsRequestOptions, JenkinsResponse, JenkinsTransport, QueryValue } from './jenkins-transport.ts';

export const DEFAULT_JENKINS_TIMEOUT_MS = 30_000;
export const DEFAULT_POLL_INTERVAL_MS = 2_000;
const DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024;

export interface JenkinsClientOptions {
  /** Jenkins root URL, e.g. https://ci.example.com/ or https://ci.example.com/jenkins/. */
  baseUrl: string;
  user: string;
  apiToken: string;
  /** Deadline for each HTTP call: connect + headers + body (default 30 s). */
  timeoutMs?: number;
  /** undici dispatcher to use (a Pool, Agent, ProxyAgent or MockAgent); not closed by close(). */
  dispatcher?: Dispatcher;
  /**
   * CSRF crumb policy: "auto" (default) fetches the crumb before the first POST
   * and sends it with every POST; "on-demand" fetches it only after a POST was
   * refused for lack of one (API-token requests normally skip the check); "off" never.
   */
  crumb?: 'auto' | 'on-demand' | 'off';
  /** Default interval for queue/build/agent polling (default 2 s). */
  pollIntervalMs?: number;
  userAgent?: string;
}

interface Crumb {
  field: string;
  value: string;
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

// Reads at most `cap` bytes, keeping the start or the end of the stream.
async function readBody(body: AsyncIterable<unknown>, cap: number, keep: 'head' | 'tail'): Promise<{ data: Buffer; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  for await (const chunk of body) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    chunks.push(buf);
    size += buf.length;
    if (size > cap) {
      truncated = true;
      if (keep === 'head') break;
      // Drop whole chunks from the front while the rest still covers the cap.
      while (chunks.length > 1 && size - (chunks[0] as Buffer).length >= cap) size -= (chunks.shift() as Buffer).length;
    }
  }
  const all = Buffer.concat(chunks);
  if (all.length <= cap) return { data: all, truncated };
  return { data: keep === 'head' ? all.subarray(0, cap) : all.subarray(all.length - cap), truncated: true };
}

/** The path as named in messages: no query (tree selectors and offline messages are noise there). */
function shownPath(target: string): string {
  return target.split('?')[0] as string;
}

/** A marker for our own deadline, so it is never confused with the caller's abort. */
class Deadline extends Error {}

export class JenkinsClient implements JenkinsTransport {
  readonly baseUrl: string;
  readonly user: string;
  readonly timeoutMs: number;
  readonly pollIntervalMs: number;
  /** Jenkins root without credentials, for messages: https://ci.example.com/jenkins. */
  readonly origin: string;
  #root: URL;
  #authHeader: string;
  #secrets: string[];
  #dispatcher: Dispatcher;
  #ownDispatcher: Agent | undefined;
  #crumbMode: 'auto' | 'on-demand' | 'off';
  #crumb: Crumb | null | undefined;
  #crumbFetch: Promise<Crumb | null> | undefined;
  #cookies = new Map<string, string>();
  #userAgent: string;

  constructor(options: JenkinsClientOptions) {
    const problems: string[] = [];
    let root: URL | undefined;
    try {
      root = new URL(options.baseUrl);
      if (root.protocol !== 'http:' && root.protocol !== 'https:') problems.push('JENKINS_URL: must be an http(s) URL');
    } catch {
      problems.push('JENKINS_URL: not a valid URL');
    }
    if (!options.user) problems.push('JENKINS_USER: required');
    if (!options.apiToken) problems.push('JENKINS_API_TOKEN: required');
    const timeoutMs = options.timeoutMs ?? DEFAULT_JENKINS_TIMEOUT_MS;
    if (!(timeoutMs > 0)) problems.push(`Jenkins timeoutMs: must be positive, got ${String(options.timeoutMs)}`);
    if (problems.length > 0 || !root) throw new ConfigError(problems);
    registerSecret(options.apiToken);
    root.username = '';
    root.password = '';
    root.search = '';
    root.hash = '';
    if (!root.pathname.endsWith('/')) root.pathname += '/';
    this.#root = root;
    this.baseUrl = root.href;
    this.origin = root.href.replace(/\/$/, '');
    this.user = options.user;
    this.timeoutMs = timeoutMs;
    this.pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
    const basic = Buffer.from(`${options.user}:${options.apiToken}`).toString('base64');
    this.#authHeader = `Basic ${basic}`;
    this.#secrets = [options.apiToken, basic];
    this.#crumbMode = options.crumb ?? 'auto';
    this.#userAgent = options.userAgent ?? 'buildfix';
    if (options.dispatcher) {
      this.#dispatcher = options.dispatcher;
    } else {
      this.#ownDispatcher = new Agent({ connect: { timeout: timeoutMs }, keepAliveTimeout: 10_000, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
      this.#dispatcher = this.#ownDispatcher;
    }
  }

  /** Removes the token (plain or inside the Basic header) and known secret shapes from text. */
  scrub(text: string): string {
    let out = text;
    for (const s of this.#secrets) if (s && out.includes(s)) out = out.split(s).join('***');
    return redactText(out);
  }

  /** Absolute URL of a Jenkins path, for links shown to people (`/job/x/42/` → https://ci/job/x/42/). */
  urlFor(path: string): string {
    return new URL(path.replace(/^\/+/, ''), this.#root).href;
  }

  #context(method: string, target: string, opts: JenkinsRequestOptions): HttpFailureContext {
    return {
      method,
      path: shownPath(target),
      user: this.user,
      origin: this.origin,
      scrub: (t) => this.scrub(t),
      ...(opts.subject ? { subject: opts.subject } : {}),
      ...(opts.notFound ? { notFound: opts.notFound } : {}),
    };
  }

  // Path + query relative to the root, as shown in messages and sent on the wire.
  #target(path: string, query: Record<string, QueryValue> | undefined): string {
    const clean = path.startsWith('/') ? path : `/${path}`;
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) params.append(k, String(v));
    const qs = params.toString();
    return qs ? `${clean}${clean.includes('?') ? '&' : '?'}${qs}` : clean;
  }

  // One HTTP exchange under one deadline; no status checking.
  async #send(method: 'GET' | 'POST', target: string, opts: JenkinsRequestOptions, crumb: Crumb | null): Promise<JenkinsResponse> {
    const timeoutMs = opts.timeoutMs ?? this.timeoutMs;
    const started = performance.now();
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(new Deadline()), timeoutMs);
    const signal = opts.signal ? AbortSignal.any([deadline.signal, opts.signal]) : deadline.signal;
    const headers: Record<string, string> = {
      authorization: this.#authHeader,
      accept: 'application/json, text/plain;q=0.9, */*;q=0.5',
      'user-agent': this.#userAgent,
    };
    if (crumb) headers[crumb.field] = crumb.value;
    if (this.#cookies.size > 0) headers.cookie = [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let body: string | undefined;
    if (method === 'POST' && opts.form) {
      body = new URLSearchParams(opts.form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    } else if (method === 'POST') {
      body = '';
    }
    const rootPath = this.#root.pathname.replace(/\/$/, '');
    try {
      const res = await this.#dispatcher.request({
        origin: this.#root.origin,
        path: `${rootPath}${target}`,
        method,
        headers,
        ...(body !== undefined ? { body } : {}),
        signal,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      const { data, truncated } = await readBody(res.body, opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES, opts.keep ?? 'head');
      return { status: res.statusCode, headers: flattenHeaders(res.headers), body: data, truncated, path: target };
    } catch (err) {
      if (opts.signal?.aborted && !deadline.signal.aborted) throw opts.signal.reason ?? err;
      throw describeRequestFailure(err, {
        ...this.#context(method, target, opts),
        timedOut: deadline.signal.aborted,
        timeoutMs,
        durationMs: Math.round(performance.now() - started),
      });
    } finally {
      clearTimeout(timer);
    }
  }

  #check(res: JenkinsResponse, method: string, opts: JenkinsRequestOptions): JenkinsResponse {
    const accept = opts.accept ?? ((s: number) => s >= 200 && s < (method === 'POST' ? 400 : 300));
    if (accept(res.status)) return res;
    throw describeHttpStatus(res.status, res.body.toString('utf8'), res.headers, this.#context(method, res.path, opts));
  }

  /** GET a Jenkins path; throws JenkinsError unless the status is accepted. One retry when a kept-alive socket was reset. */
  async get(path: string, opts: JenkinsRequestOptions = {}): Promise<JenkinsResponse> {
    const target = this.#target(path, opts.query);
    let res: JenkinsResponse;
    try {
      res = await this.#send('GET', target, opts, null);
    } catch (err) {
      const code = err instanceof JenkinsError ? errorCode(err.cause) : undefined;
      if (!(err instanceof JenkinsError && err.kind === 'unreachable' && (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET'))) throw err;
      await sleep(50, undefined, opts.signal ? { signal: opts.signal } : undefined);
      res = await this.#send('GET', target, opts, null);
    }
    return this.#check(res, 'GET', opts);
  }

  /** GET JSON and validate it; a non-JSON page (SSO login, proxy error) becomes a clear "bad-response" error. */
  async getJson<S extends z.ZodType>(path: string, schema: S, opts: JenkinsRequestOptions = {}): Promise<z.output<S>> {
    const res = await this.get(path.endsWith('/api/json') ? path : `${path.replace(/\/$/, '')}/api/json`, opts);
    let data: unknown;
    try {
      data = JSON.parse(res.body.toString('utf8'));
    } catch (err) {
      const type = res.headers['content-type'] ?? 'no content type';
      throw new JenkinsError(
        `Jenkins answered GET ${shownPath(res.path)} with ${type}, not JSON: is JENKINS_URL (${this.origin}) the Jenkins root and not a login or proxy page?`,
        {
          kind: 'bad-response',
          method: 'GET',
          path: shownPath(res.path),
          status: res.status,
          cause: err,
        },
      );
    }
    const parsed = schema.safeParse(data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid';
      throw new JenkinsError(`unexpected JSON from Jenkins for GET ${shownPath(res.path)} (${where})`, {
        kind: 'bad-response',
        method: 'GET',
        path: shownPath(res.path),
        status: res.status,
        cause: parsed.error,
      });
    }
    return parsed.data;
  }

  /**
   * POST with the crumb when Jenkins uses one. A 403 that says the crumb is
   * missing or invalid refreshes it and retries once (the request was refused
   * before it did anything, so the retry is safe).
   */
  async post(path: string, opts: JenkinsRequestOptions = {}): Promise<JenkinsResponse> {
    const target = this.#target(path, opts.query);
    let crumb = this.#crumbMode === 'auto' ? await this.#getCrumb(false, opts) : this.#crumbMode === 'on-demand' ? (this.#crumb ?? null) : null;
    let res = await this.#send('POST', target, opts, crumb);
    if (this.#crumbMode !== 'off' && isCrumbRejection(res.status, res.body.toString('utf8'))) {
      crumb = await this.#getCrumb(true, opts);
      if (crumb) res = await this.#send('POST', target, opts, crumb);
    }
    return this.#check(res, 'POST', opts);
  }

  // The cached crumb, or a fresh one; null when Jenkins has no crumb issuer (CSRF protection off).
  async #getCrumb(refresh: boolean, opts: JenkinsRequestOptions): Promise<Crumb | null> {
    if (!refresh && this.#crumb !== undefined) return this.#crumb;
    if (this.#crumbFetch) return this.#crumbFetch;
    this.#crumbFetch = (async () => {
      const ctxOpts: JenkinsRequestOptions = { ...(opts.signal ? { signal: opts.signal } : {}), subject: 'crumb issuer' };
      const res = await this.#send('GET', '/crumbIssuer/api/json', ctxOpts, null);
      if (res.status === 404) return null;
      this.#check(res, 'GET', ctxOpts);
      const parsed = CrumbResponse.safeParse(JSON.parse(res.body.toString('utf8') || 'null'));
      if (!parsed.success) {
        throw new JenkinsError(`unexpected answer from Jenkins for GET /crumbIssuer/api/json (no crumb / crumbRequestField)`, {
          kind: 'bad-response',
          method: 'GET',
          path: res.path,
          status: res.status,
        });
      }
      // The default issuer ties the crumb to the HTTP session: keep its cookie.
      for (const line of (res.headers['set-cookie'] ?? '').split(/,(?=\s*[^;,=\s]+=)/)) {
        const pair = line.split(';')[0]?.trim();
        const eq = pair ? pair.indexOf('=') : -1;
        if (pair && eq > 0) this.#cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
      }
      return { field: parsed.data.crumbRequestField, value: parsed.data.crumb };
    })();
    try {
      const crumb = await this.#crumbFetch;
      this.#crumb = crumb;
      return crumb;
    } catch (err) {
      if (err instanceof SyntaxError) {
        throw new JenkinsError('Jenkins answered GET /crumbIssuer/api/json with something that is not JSON', {
          kind: 'bad-response',
          method: 'GET',
          path: '/crumbIssuer/api/json',
          cause: err,
        });
      }
      throw err;
    } finally {
      this.#crumbFetch = undefined;
    }
  }

  /** Who Jenkins thinks we are: a cheap credentials check. */
  async whoAmI(opts: { signal?: AbortSignal } = {}): Promise<WhoAmI> {
    return this.getJson('/whoAmI/api/json', WhoAmI, opts);
  }

  // ---- builds (builds.ts) ----
  getJob(job: string, opts?: { signal?: AbortSignal }): Promise<JobInfo> {
    return getJob(this, job, opts);
  }
  getBuild(job: string, build: number | string, opts?: { signal?: AbortSignal }): Promise<BuildInfo> {
    return getBuild(this, job, build, opts);
  }
  lastBuild(job: string): Promise<BuildInfo | null> {
    return lastBuild(this, job);
  }
  lastSuccessfulBuild(job: string): Promise<BuildInfo | null> {
    return lastSuccessfulBuild(this, job);
  }
  lastFailedBuild(job: string): Promise<BuildInfo | null> {
    return lastFailedBuild(this, job);
  }
  queueBuild(job: string, params?: BuildParams, opts?: { signal?: AbortSignal; jobInfo?: JobInfo; quietPeriod?: boolean }): Promise<QueuedBuild> {
    return queueBuild(this, job, params, opts);
  }
  waitForQueueItem(queued: QueuedBuild, opts?: WaitOptions): Promise<{ number: number; url: string }> {
    return waitForQueueItem(this, queued, opts);
  }
  waitForBuild(job: string, number: number, opts?: WaitOptions & { queueId?: number }): Promise<BuildRun> {
    return waitForBuild(this, job, number, opts);
  }
  triggerBuild(job: string, params?: BuildParams, opts?: TriggerOptions): Promise<BuildRun> {
    return triggerBuild(this, job, params, opts);
  }
  getConsoleText(job: string, number: number | string, opts?: ConsoleTextOptions): Promise<string> {
    return getConsoleText(this, job, number, opts);
  }
  streamProgressiveText(
    job: string,
    number: number | string,
    onChunk: (text: string) => void | Promise<void>,
    opts?: ProgressiveTextOptions,
  ): Promise<{ size: number }> {
    return streamProgressiveText(this, job, number, onChunk, opts);
  }

  // ---- remediation ----
  cleanBuild(job: string, opts?: CleanBuildOptions): Promise<CleanBuildResult> {
    return cleanBuild(this, job, opts);
  }
  rollback(job: string, opts: RollbackOptions): Promise<RollbackResult> {
    return rollback(this, job, opts);
  }

  // ---- agents (nodes.ts, restart-agent.ts) ----
  listNodes(opts?: { signal?: AbortSignal }): Promise<JenkinsNode[]> {
    return listNodes(this, opts);
  }
  getNode(name: string, opts?: { signal?: AbortSignal }): Promise<JenkinsNode> {
    return getNode(this, name, opts);
  }
  restartAgent(name: string, opts: RestartAgentOptions): Promise<RestartAgentResult> {
    return restartAgent(this, name, opts);
  }

  /** Closes the client's own connection pool (a dispatcher passed in is left open). */
  async close(): Promise<void> {
    await this.#ownDispatcher?.close();
  }
}

/** Convenience factory, so callers need not `new`. */
export function createJenkinsClient(options: JenkinsClientOptions): JenkinsClient {
  return new JenkinsClient(options);
}
