/**
 * The HTTP client buildfix uses to talk to module proxies and go-get hosts the
 * way the go command on the build agent would: undici keep-alive pools per
 * origin, one overall deadline per request (connect + headers + body), a cap
 * on requests in flight, and routing through the HTTP proxy that Go's own
 * rules pick (proxyForUrl), including http targets sent in absolute form as
 * net/http does. `file://` URLs are read from disk like GOPROXY=file://.
 * Failures become HttpRequestError with a kind a person can act on; URLs in
 * messages never carry credentials.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Agent, ProxyAgent, type AgentOptions, type Dispatcher } from '../util/undici-dispatchers.ts';
import { createCachingLookup } from './dns-cache.ts';
import { lookupAll, type HostsTable } from './hosts-lookup.ts';
import type { GoEnv } from '../config/env.ts';
import { UpstreamError } from '../errors.ts';
import { dispatchGet, RequestCancel, type DispatchGetResult } from './dispatch-get.ts';
import { proxyForUrl } from './proxy-env.ts';
import { SendTracker } from './send-tracker.ts';

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_CONCURRENT = 64;
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export interface HttpClientOptions {
  /** The build agent's variables; decides which HTTP proxy (if any) each request uses. */
  goEnv?: GoEnv;
  /** Deadline for one request: connect + headers + body (default 30 s). */
  timeoutMs?: number;
  /** Requests in flight across all origins (default 64). Extra requests wait their turn. */
  maxConcurrent?: number;
  /** Keep-alive sockets per origin (default: maxConcurrent). */
  connectionsPerOrigin?: number;
  /** Bodies are cut at this many bytes (default 1 MiB); `truncated` says so. */
  maxBodyBytes?: number;
  /** How long an idle keep-alive socket is kept (default 30 s). */
  keepAliveTimeoutMs?: number;
  /** Extra CA certificates (PEM) to trust for https targets, e.g. a corporate root. */
  ca?: string | Buffer | Array<string | Buffer>;
  /**
   * Plain-http targets behind an http proxy: "absolute-form" (GET http://host/path,
   * what Go's net/http sends; default) or "tunnel" (CONNECT, undici's default).
   */
  httpProxyMode?: 'absolute-form' | 'tunnel';
  userAgent?: string;
  /**
   * Static name → IP entries used before DNS, like /etc/hosts (pin a host, or
   * test with names the go command does not treat as loopback). An empty
   * address makes the lookup fail with ENOTFOUND.
   */
  hosts?: HostsTable;
}

export interface HttpGetOptions {
  /** Overrides the client's deadline for this request. */
  timeoutMs?: number;
  signal?: AbortSignal;
  headers?: Record<string, string>;
  maxBodyBytes?: number;
  /** Return the body as `bytes` (and `body` ""): for zips and checksum-DB tiles. */
  binary?: boolean;
}

export interface HttpResponse {
  status: number;
  /** UTF-8 body, at most maxBodyBytes ("" when `binary` was asked for). */
  body: string;
  /** The body's bytes, when the request asked for `binary`. */
  bytes?: Buffer;
  truncated: boolean;
  headers: Record<string, string>;
  durationMs: number;
  /** The final URL (after redirects), credentials masked. */
  url: string;
  /** The HTTP proxy used, credentials masked; undefined for a direct connection or a file. */
  via?: string;
}

export type HttpFailureKind = 'dns' | 'connect-refused' | 'timeout' | 'tls' | 'proxy-auth' | 'proxy' | 'reset' | 'aborted' | 'file' | 'network';

/** A request that produced no HTTP status: DNS, refused, timeout, TLS, proxy, … */
export class HttpRequestError extends UpstreamError {
  readonly kind: HttpFailureKind;
  /** The undici or system error code (UND_ERR_CONNECT_TIMEOUT, ECONNREFUSED, ENOTFOUND, …). */
  readonly undiciCode: string | undefined;
  /** For timeouts: what we were waiting for. */
  readonly phase: 'connect' | 'headers' | 'body' | undefined;
  readonly durationMs: number;
  /** The proxy the request went through, credentials masked. */
  readonly via: string | undefined;
  constructor(
    message: string,
    fields: {
      kind: HttpFailureKind;
      url: string;
      undiciCode?: string;
      phase?: 'connect' | 'headers' | 'body';
      durationMs: number;
      via?: string;
      status?: number;
      cause?: unknown;
    },
  ) {
    super('goproxy', message, { url: fields.url, status: fields.status, cause: fields.cause });
    this.name = 'HttpRequestError';
    this.kind = fields.kind;
    this.undiciCode = fields.undiciCode;
    this.phase = fields.phase;
    this.durationMs = fields.durationMs;
    this.via = fields.via;
  }
}

/**
 * URL text safe to show, otherwise unchanged: a password becomes ***, and so
 * does a lone user name (often a token, as in https://TOKEN@host).
 */
export function redactUrl(url: URL | string): string {
  const text = String(url);
  if (!text.includes('@')) return text;
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)@/i, (_m, scheme: string, userinfo: string) => {
    const colon = userinfo.indexOf(':');
    return colon >= 0 ? `${scheme}${userinfo.slice(0, colon)}:***@` : `${scheme}***@`;
  });
}

/** A counting semaphore: at most `limit` holders, FIFO waiters. */
class Semaphore {
  readonly limit: number;
  active = 0;
  maxActive = 0;
  #waiters: Array<() => void> = [];
  constructor(limit: number) {
    this.limit = limit;
  }
  async acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw signal.reason ?? new Error('aborted');
    if (this.active < this.limit) {
      this.active++;
      this.maxActive = Math.max(this.maxActive, this.active);
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const grant = (): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = (): void => {
        const i = this.#waiters.indexOf(grant);
        if (i >= 0) this.#waiters.splice(i, 1);
        reject(signal?.reason ?? new Error('aborted'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiters.push(grant);
    });
    // The releaser handed its slot over: `active` is unchanged.
  }
  release(): void {
    const next = this.#waiters.shift();
    if (next) next();
    else this.active--;
  }
  get queued(): number {
    return this.#waiters.length;
  }
}

/** Marker for our own deadline, so it is never confused with the caller's abort. */
class DeadlineExceeded extends Error {
  constructor(ms: number) {
    super(`deadline of ${ms} ms exceeded`);
    this.name = 'DeadlineExceeded';
  }
}

function errorCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let depth = 0; depth < 4 && e && typeof e === 'object'; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

const BREAKER_WINDOW_MS = 15_000;
const BREAKING_KINDS = new Set<HttpFailureKind>(['dns', 'connect-refused', 'tls', 'proxy', 'proxy-auth', 'timeout']);

const TLS_CODE = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|EPROTO|HOSTNAME_MISMATCH/;

export interface HttpClientStats {
  inFlight: number;
  queued: number;
  /** The most requests that were ever in flight at once. */
  maxInFlight: number;
  /** Proxy agents created (one per distinct proxy URL). */
  proxyAgents: number;
}

export class HttpClient {
  readonly timeoutMs: number;
  readonly maxConcurrent: number;
  readonly maxBodyBytes: number;
  /** When this client's requests are all on the wire (see SendTracker). */
  readonly sends = new SendTracker();
  #goEnv: GoEnv;
  #direct: Agent;
  #proxies = new Map<string, ProxyAgent>();
  #semaphore: Semaphore;
  #options: HttpClientOptions;
  #closed = false;
  /** One DNS answer (or failure) shared by every connection to a host. */
  #lookup: ReturnType<typeof createCachingLookup>;
  /** Origins whose last request failed in transport: later requests fail fast instead of waiting again. */
  #broken = new Map<string, { error: HttpRequestError; at: number; timeouts: number }>();

  constructor(options: HttpClientOptions = {}) {
    const maxConcurrent = options.maxConcurrent ?? DEFAULT_MAX_CONCURRENT;
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!Number.isInteger(maxConcurrent) || maxConcurrent < 1) throw new TypeError(`maxConcurrent must be a positive integer, got ${String(maxConcurrent)}`);
    if (!(timeoutMs > 0)) throw new TypeError(`timeoutMs must be positive, got ${String(timeoutMs)}`);
    this.timeoutMs = timeoutMs;
    this.maxConcurrent = maxConcurrent;
    this.maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.#goEnv = options.goEnv ?? {};
    this.#options = options;
    this.#semaphore = new Semaphore(maxConcurrent);
    const hosts = options.hosts;
    this.#lookup = createCachingLookup({
      timeoutMs,
      ...(hosts ? { resolve: (h: string) => lookupAll(h, hosts) } : {}),
    });
    this.#direct = new Agent(this.#agentOptions());
  }

  #agentOptions(): AgentOptions {
    return {
      connections: this.#options.connectionsPerOrigin ?? this.maxConcurrent,
      keepAliveTimeout: this.#options.keepAliveTimeoutMs ?? 30_000,
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
      connect: this.#connectOptions(),
    };
  }

  // Socket options for every connection we open (to origins and to proxies).
  #connectOptions(): Record<string, unknown> & { timeout: number } {
    return {
      timeout: this.timeoutMs,
      ...(this.#options.ca ? { ca: this.#options.ca } : {}),
      lookup: this.#lookup,
    };
  }

  // One ProxyAgent per proxy URL (credentials included in the key, never shown).
  #proxyAgent(proxy: URL): ProxyAgent {
    const key = proxy.href;
    let agent = this.#proxies.get(key);
    if (!agent) {
      agent = new ProxyAgent({
        ...this.#agentOptions(),
        uri: key,
        proxyTunnel: this.#options.httpProxyMode === 'tunnel',
        requestTls: this.#connectOptions(),
        proxyTls: this.#connectOptions(),
      });
      this.#proxies.set(key, agent);
    }
    return agent;
  }

  stats(): HttpClientStats {
    return { inFlight: this.#semaphore.active, queued: this.#semaphore.queued, maxInFlight: this.#semaphore.maxActive, proxyAgents: this.#proxies.size };
  }

  /** GET a URL (http, https or file); follows up to 10 redirects like Go's http.Client. A URL object is used as given, not copied. */
  async get(target: string | URL, options: HttpGetOptions = {}): Promise<HttpResponse> {
    if (this.#closed) throw new TypeError('HttpClient is closed');
    let url: URL;
    try {
      url = target instanceof URL ? target : new URL(target);
    } catch {
      throw new HttpRequestError(`invalid URL ${redactUrl(String(target))}`, { kind: 'network', url: redactUrl(String(target)), durationMs: 0 });
    }
    if (url.protocol === 'file:') return this.#getFile(url, options);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new HttpRequestError(`unsupported URL scheme ${url.protocol} in ${redactUrl(url)}`, { kind: 'network', url: redactUrl(url), durationMs: 0 });
    }
    const broken = this.#broken.get(url.origin);
    if (broken && broken.timeouts !== 1 && broken.timeouts !== 2 && Date.now() - broken.at < BREAKER_WINDOW_MS) {
      const e = broken.error;
      throw new HttpRequestError(`${e.message} (failed ${Date.now() - broken.at} ms ago; not retried)`, {
        kind: e.kind,
        url: redactUrl(url),
        durationMs: 0,
        ...(e.via ? { via: e.via } : {}),
        cause: e,
      });
    }
    try {
      await this.#semaphore.acquire(options.signal);
    } catch (err) {
      throw new HttpRequestError(`GET ${redactUrl(url)}: cancelled while waiting for a free request slot`, {
        kind: 'aborted',
        url: redactUrl(url),
        durationMs: 0,
        cause: err,
      });
    }
    try {
      const response = await this.#getHttp(url, options);
      this.#broken.delete(url.origin);
      return response;
    } catch (err) {
      if (err instanceof HttpRequestError && BREAKING_KINDS.has(err.kind)) {
        // Timeouts can be one slow answer: trip only after three in a row. The rest fail fast at once.
        const prev = this.#broken.get(url.origin);
        const timeouts = err.kind === 'timeout' ? (prev?.timeouts ?? 0) + 1 : 0;
        this.#broken.set(url.origin, { error: err, at: Date.now(), timeouts });
      }
      throw err;
    } finally {
      this.#semaphore.release();
    }
  }

  async #getHttp(start: URL, options: HttpGetOptions): Promise<HttpResponse> {
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const maxBody = options.maxBodyBytes ?? this.maxBodyBytes;
    const started = performance.now();
    // Our deadline and the caller's abort both end the request; the reason tells them apart.
    const cancel = new RequestCancel();
    const timer = setTimeout(() => cancel.cancel(new DeadlineExceeded(timeoutMs)), timeoutMs);
    const callerSignal = options.signal;
    const onCallerAbort = (): void => cancel.cancel(callerSignal?.reason);
    if (callerSignal?.aborted) onCallerAbort();
    else callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
    let url = start;
    let phase: 'connect' | 'headers' | 'body' = 'headers';
    let via: string | undefined;
    try {
      for (let redirects = 0; ; redirects++) {
        const route = this.#route(url, started);
        via = route.via;
        const callerHeaders = url.host === start.host ? options.headers : headersForRedirect(options.headers, start, url);
        const headers: Record<string, string> = { 'user-agent': this.#options.userAgent ?? 'Go-http-client/1.1', ...callerHeaders };
        if (url.username || url.password) {
          headers.authorization = `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`;
        }
        let bare = url;
        if (url.username || url.password) {
          bare = new URL(url.href);
          bare.username = '';
          bare.password = '';
        }
        phase = 'headers';
        const path = `${bare.pathname}${bare.search}`;
        const settled = this.sends.start(path);
        let res: DispatchGetResult;
        try {
          res = await dispatchGet(route.dispatcher, {
            origin: bare.origin,
            path,
            headers,
            cancel,
            timeoutMs,
            maxBodyBytes: maxBody,
            ...(options.binary ? { binary: true } : {}),
            onHead: () => {
              phase = 'body';
              settled();
            },
          });
        } finally {
          settled();
        }
        if (res.status >= 300 && res.status < 400 && res.status !== 304 && res.headers.location && redirects < 10) {
          const next = new URL(res.headers.location, bare);
          // Go's client keeps basic auth only for the same host.
          if (next.host === url.host && !next.username) {
            next.username = url.username;
            next.password = url.password;
          }
          url = next;
          continue;
        }
        if (res.status === 407 && via) {
          throw new HttpRequestError(`GET ${redactUrl(url)}: proxy ${via} requires authentication (407 Proxy Authentication Required)`, {
            kind: 'proxy-auth',
            url: redactUrl(url),
            status: 407,
            durationMs: Math.round(performance.now() - started),
            via,
          });
        }
        return {
          status: res.status,
          body: res.body,
          ...(res.bytes ? { bytes: res.bytes } : {}),
          truncated: res.truncated,
          headers: res.headers,
          durationMs: Math.round(performance.now() - started),
          url: redactUrl(url),
          ...(via ? { via } : {}),
        };
      }
    } catch (err) {
      if (err instanceof HttpRequestError) throw err;
      throw this.#describe(err, { url, via, phase, started, timeoutMs, timedOut: cancel.reason instanceof DeadlineExceeded, callerSignal });
    } finally {
      clearTimeout(timer);
      callerSignal?.removeEventListener('abort', onCallerAbort);
    }
  }

  // Picks the dispatcher for one URL with Go's proxy rules.
  #route(url: URL, started: number): { dispatcher: Dispatcher; via: string | undefined } {
    const decision = proxyForUrl(url, this.#goEnv);
    if (decision.proxy) return { dispatcher: this.#proxyAgent(decision.proxy), via: redactUrl(decision.proxy) };
    if (decision.reason === 'HTTPS_PROXY' || decision.reason === 'HTTP_PROXY') {
      throw new HttpRequestError(`GET ${redactUrl(url)}: invalid proxy address in ${decision.reason}`, {
        kind: 'proxy',
        url: redactUrl(url),
        durationMs: Math.round(performance.now() - started),
      });
    }
    return { dispatcher: this.#direct, via: undefined };
  }

  // Turns whatever undici threw into an HttpRequestError with a kind and a readable message.
  #describe(
    err: unknown,
    ctx: {
      url: URL;
      via: string | undefined;
      phase: 'connect' | 'headers' | 'body';
      started: number;
      timeoutMs: number;
      timedOut: boolean;
      callerSignal: AbortSignal | undefined;
    },
  ): HttpRequestError {
    const durationMs = Math.round(performance.now() - ctx.started);
    const code = errorCode(err);
    const text = errorText(err);
    const where = `GET ${redactUrl(ctx.url)}`;
    const viaText = ctx.via ? ` via proxy ${ctx.via}` : '';
    const base = { url: redactUrl(ctx.url), durationMs, via: ctx.via, cause: err, ...(code ? { undiciCode: code } : {}) };
    if (
      err instanceof DeadlineExceeded ||
      ctx.timedOut ||
      code === 'UND_ERR_CONNECT_TIMEOUT' ||
      code === 'UND_ERR_HEADERS_TIMEOUT' ||
      code === 'UND_ERR_BODY_TIMEOUT'
    ) {
      const phase = code === 'UND_ERR_CONNECT_TIMEOUT' ? 'connect' : code === 'UND_ERR_BODY_TIMEOUT' ? 'body' : ctx.phase;
      const waiting = phase === 'connect' ? 'connecting' : phase === 'headers' ? 'waiting for a response' : 'reading the response body';
      return new HttpRequestError(`${where}: timed out after ${durationMs} ms ${waiting}${viaText} (limit ${ctx.timeoutMs} ms)`, {
        ...base,
        kind: 'timeout',
        phase,
      });
    }
    if (ctx.callerSignal?.aborted) return new HttpRequestError(`${where}: cancelled`, { ...base, kind: 'aborted' });
    const proxyStatus = /Proxy response \((\d{3})\)/.exec(text)?.[1] ?? (/Proxy Authentication Required \((\d{3})\)/.exec(text) ? '407' : undefined);
    if (proxyStatus === '407') {
      return new HttpRequestError(`${where}: proxy ${ctx.via ?? ''} requires authentication (407 Proxy Authentication Required)`, {
        ...base,
        kind: 'proxy-auth',
        status: 407,
      });
    }
    if (proxyStatus) {
      return new HttpRequestError(`${where}: proxy ${ctx.via ?? ''} refused the tunnel with HTTP ${proxyStatus}`, {
        ...base,
        kind: 'proxy',
        status: Number(proxyStatus),
      });
    }
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NODATA' || code === 'EAI_NONAME' || code === 'EAI_FAIL') {
      const host = ctx.via ? new URL(ctx.via).hostname : ctx.url.hostname;
      const what = ctx.via ? 'proxy host' : 'host';
      return new HttpRequestError(`${where}: DNS lookup of ${what} ${host} failed (${code})${viaText}`, { ...base, kind: 'dns' });
    }
    if (code === 'ECONNREFUSED') {
      const msg = ctx.via ? `${where}: connection to proxy ${ctx.via} refused (ECONNREFUSED)` : `${where}: connection refused (ECONNREFUSED)`;
      return new HttpRequestError(msg, { ...base, kind: ctx.via ? 'proxy' : 'connect-refused' });
    }
    if (code === 'UND_ERR_PRX_TLS' || (code && TLS_CODE.test(code)) || /certificate|SSL routines|TLS/i.test(text)) {
      return new HttpRequestError(`${where}: TLS handshake failed: ${text}${code ? ` (${code})` : ''}${viaText}`, { ...base, kind: 'tls' });
    }
    if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE') {
      return new HttpRequestError(`${where}: connection closed unexpectedly (${code})${viaText}`, { ...base, kind: 'reset' });
    }
    return new HttpRequestError(`${where}: ${text}${code ? ` (${code})` : ''}${viaText}`, { ...base, kind: 'network' });
  }

  // file:// URLs: GOPROXY=file:///dir. Missing → 404 and unreadable → 403, as Go's web package does.
  async #getFile(url: URL, options: HttpGetOptions): Promise<HttpResponse> {
    const started = performance.now();
    const maxBody = options.maxBodyBytes ?? this.maxBodyBytes;
    let path: string;
    try {
      path = fileURLToPath(url);
    } catch (err) {
      throw new HttpRequestError(`invalid file URL ${redactUrl(url)}: ${errorText(err)}`, { kind: 'file', url: redactUrl(url), durationMs: 0, cause: err });
    }
    const done = (status: number, body: string | Buffer, truncated = false): HttpResponse => ({
      status,
      ...(typeof body !== 'string' && options.binary ? { body: '', bytes: body } : { body: body.toString('utf8') }),
      truncated,
      headers: {},
      durationMs: Math.round(performance.now() - started),
      url: url.href,
    });
    try {
      const data = await readFile(path, options.signal ? { signal: options.signal } : {});
      const truncated = data.length > maxBody;
      return done(200, data.subarray(0, maxBody), truncated);
    } catch (err) {
      const code = errorCode(err);
      if (code === 'ENOENT' || code === 'ENOTDIR') return done(404, `open ${path}: no such file or directory`);
      if (code === 'EACCES' || code === 'EPERM') return done(403, `open ${path}: permission denied`);
      throw new HttpRequestError(`read ${url.href}: ${errorText(err)}`, {
        kind: 'file',
        url: url.href,
        durationMs: Math.round(performance.now() - started),
        cause: err,
        ...(code ? { undiciCode: code } : {}),
      });
    }
  }

  /** Closes every pooled connection. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.sends.dispose();
    await Promise.all([this.#direct.close(), ...[...this.#proxies.values()].map((p) => p.close())]);
  }
}

/** Convenience factory, so callers need not `new`. */
export function createHttpClient(options: HttpClientOptions = {}): HttpClient {
  return new HttpClient(options);
}

/** Headers that carry credentials: kept across a redirect only to the same host or one of its subdomains, as Go's client does. */
const SENSITIVE_HEADERS = new Set(['authorization', 'www-authenticate', 'cookie', 'cookie2']);

/** host:port with the scheme's default port filled in (Go's canonicalAddr). */
function canonicalAddr(url: URL): string {
  const port = url.port || (url.protocol === 'https:' ? '443' : url.protocol === 'http:' ? '80' : '');
  return `${url.hostname.toLowerCase()}:${port}`;
}

/** A caller's headers for a redirected request: credentials dropped when the redirect leaves the first request's host (Go: shouldCopyHeaderOnRedirect). */
export function headersForRedirect(headers: Record<string, string> | undefined, initial: URL, dest: URL): Record<string, string> | undefined {
  if (!headers) return headers;
  const from = canonicalAddr(initial);
  const to = canonicalAddr(dest);
  if (to === from || to.endsWith(`.${from}`)) return headers;
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !SENSITIVE_HEADERS.has(name.toLowerCase())));
}
