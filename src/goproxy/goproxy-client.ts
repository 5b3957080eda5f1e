/**
 * A client for the GOPROXY protocol (protocols.md §5.1): `@v/list`, `.info`,
 * `.mod`, `.zip` and `@latest` under a proxy base URL, with the go command's
 * case-encoding and its reading of statuses (404/410 = not found, anything
 * else = a real error). Works for http(s) and file:// bases alike.
 */
import * as z from 'zod';
import { UpstreamError } from '../errors.ts';
import { compareModuleVersions, isPseudoVersion, isValidModuleVersion } from '../gomod/go-version.ts';
import { escapePath, escapeVersion } from './escape-path.ts';
import { HttpClient, redactUrl, type HttpClientOptions, type HttpGetOptions, type HttpResponse } from './http-client.ts';

/** One file of the protocol for one module. */
export type ProxyFile = { kind: 'list' } | { kind: 'latest' } | { kind: 'info' | 'mod' | 'zip'; version: string };

export interface GoProxyClientOptions extends HttpClientOptions {
  /** Requests in flight (alias of maxConcurrent; default 64). */
  concurrency?: number;
  /** Share an existing HttpClient; close() then leaves it open. */
  http?: HttpClient;
}

/** The proxy's answer to one request, whatever the status. */
export interface ProxyResponse extends HttpResponse {
  /** 404 or 410: the go command treats these as "not found" and may fall through. */
  notFound: boolean;
  /** First non-empty line of the body (the proxy's own words), at most 300 characters. */
  message: string | undefined;
  /** Retry-After header, for 429/503. */
  retryAfter?: string;
}

export const RevInfoSchema = z
  .object({
    Version: z.string(),
    Time: z.string().optional(),
    Origin: z.unknown().optional(),
  })
  .passthrough();
export type RevInfo = z.infer<typeof RevInfoSchema>;

/** A proxy answered with a non-200 status or an unusable body. */
export class GoProxyError extends UpstreamError {
  /** 404/410: the version (or module) does not exist on this proxy. */
  readonly notFound: boolean;
  /** The proxy's message (first body line) or our reason for rejecting the body. */
  readonly detail: string | undefined;
  readonly durationMs: number;
  readonly retryAfter: string | undefined;
  constructor(
    message: string,
    fields: { url: string; status?: number; notFound: boolean; detail?: string; durationMs: number; retryAfter?: string; cause?: unknown },
  ) {
    super('goproxy', message, { url: fields.url, status: fields.status, cause: fields.cause });
    this.name = 'GoProxyError';
    this.notFound = fields.notFound;
    this.detail = fields.detail;
    this.durationMs = fields.durationMs;
    this.retryAfter = fields.retryAfter;
  }
}

/** First non-empty line of a body, trimmed; what `go` prints after the status. */
export function firstLine(body: string): string | undefined {
  for (const raw of body.split('\n')) {
    const line = raw.trim();
    if (line !== '') return line.length > 300 ? `${line.slice(0, 300)}…` : line;
  }
  return undefined;
}

/** `<base>/<escaped module>/@v/<escaped version>.info` and friends; throws on an invalid path or version. */
export function proxyFileUrl(base: string, module: string, file: ProxyFile): string {
  return proxyFileURL(base, module, file).href;
}

/** proxyFileUrl as a URL object (what HttpClient.get takes without parsing it again). */
export function proxyFileURL(base: string, module: string, file: ProxyFile): URL {
  const url = new URL(base);
  const prefix = url.pathname.replace(/\/+$/, '');
  let rel: string;
  switch (file.kind) {
    case 'list':
      rel = '@v/list';
      break;
    case 'latest':
      rel = '@latest';
      break;
    default:
      rel = `@v/${escapeVersion(file.version)}.${file.kind}`;
  }
  url.pathname = `${prefix}/${escapePath(module)}/${rel}`;
  return url;
}

/** Parses @v/list as the go command does: first field of each line, valid non-pseudo versions, semver order. */
export function parseVersionList(body: string): string[] {
  const seen = new Set<string>();
  for (const line of body.split('\n')) {
    const v = line.trim().split(/\s+/)[0];
    if (v && isValidModuleVersion(v) && !isPseudoVersion(v)) seen.add(v);
  }
  return [...seen].sort(compareModuleVersions);
}

/** Parses a .info body; returns the reason when it is unusable (bad JSON, wrong version). */
export function parseRevInfo(body: string, requested: string | undefined): { info: RevInfo } | { problem: string } {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { problem: `invalid response from proxy: not JSON: ${firstLine(body) ?? '(empty body)'}` };
  }
  const parsed = RevInfoSchema.safeParse(json);
  if (!parsed.success) return { problem: 'invalid response from proxy: .info has no "Version" string' };
  // proxy.go Stat: for a canonical request the proxy must return exactly that version.
  if (requested !== undefined && isValidModuleVersion(requested) && parsed.data.Version !== requested) {
    return { problem: `proxy returned info for version ${parsed.data.Version} instead of requested version ${requested}` };
  }
  return { info: parsed.data };
}

/** The `module` directive of a go.mod text, or undefined when there is none. */
export function declaredModulePath(goMod: string): string | undefined {
  for (const raw of goMod.split('\n')) {
    const line = raw.replace(/\/\/.*$/, '').trim();
    const m = /^module\s+(?:"((?:[^"\\]|\\.)*)"|`([^`]*)`|(\S+))\s*$/.exec(line);
    if (m) return m[1] ?? m[2] ?? m[3];
  }
  return undefined;
}

export class GoProxyClient {
  readonly http: HttpClient;
  #ownsHttp: boolean;

  constructor(options: GoProxyClientOptions = {}) {
    const { http, concurrency, ...httpOptions } = options;
    this.#ownsHttp = http === undefined;
    this.http =
      http ??
      new HttpClient({ ...httpOptions, ...(concurrency !== undefined && httpOptions.maxConcurrent === undefined ? { maxConcurrent: concurrency } : {}) });
  }

  /** One raw request: any HTTP status is returned; only transport failures throw (HttpRequestError). */
  async fetch(base: string, module: string, file: ProxyFile, options: HttpGetOptions = {}): Promise<ProxyResponse> {
    const res = await this.http.get(proxyFileURL(base, module, file), options);
    const retryAfter = res.headers['retry-after'];
    return {
      ...res,
      notFound: res.status === 404 || res.status === 410,
      message: res.status === 200 ? undefined : firstLine(res.body),
      ...(retryAfter !== undefined ? { retryAfter } : {}),
    };
  }

  // 200 or a GoProxyError that says what the proxy answered.
  async #ok(base: string, module: string, file: ProxyFile, options: HttpGetOptions): Promise<ProxyResponse> {
    const res = await this.fetch(base, module, file, options);
    if (res.status === 200) return res;
    const what = file.kind === 'list' || file.kind === 'latest' ? `${module} ${file.kind}` : `${module}@${file.version} .${file.kind}`;
    throw new GoProxyError(`${redactUrl(base)}: ${what}: ${res.status}${res.message ? ` ${res.message}` : ''}`, {
      url: res.url,
      status: res.status,
      notFound: res.notFound,
      ...(res.message ? { detail: res.message } : {}),
      durationMs: res.durationMs,
      ...(res.retryAfter ? { retryAfter: res.retryAfter } : {}),
    });
  }

  /** Published versions (no pseudo-versions), oldest first. */
  async list(base: string, module: string, options: HttpGetOptions = {}): Promise<string[]> {
    const res = await this.#ok(base, module, { kind: 'list' }, options);
    return parseVersionList(res.body);
  }

  /** The .info of one version; rejects a body that names another version. */
  async info(base: string, module: string, version: string, options: HttpGetOptions = {}): Promise<RevInfo> {
    const res = await this.#ok(base, module, { kind: 'info', version }, options);
    return this.#revInfo(res, version);
  }

  /** The go.mod text of one version. */
  async mod(base: string, module: string, version: string, options: HttpGetOptions = {}): Promise<string> {
    const res = await this.#ok(base, module, { kind: 'mod', version }, options);
    if (res.truncated)
      throw new GoProxyError(`${redactUrl(base)}: ${module}@${version} .mod is larger than ${this.http.maxBodyBytes} bytes`, {
        url: res.url,
        status: res.status,
        notFound: false,
        durationMs: res.durationMs,
      });
    return res.body;
  }

  /** `@latest` (optional in the protocol; the go command uses it only when the list has no release). */
  async latest(base: string, module: string, options: HttpGetOptions = {}): Promise<RevInfo> {
    const res = await this.#ok(base, module, { kind: 'latest' }, options);
    return this.#revInfo(res, undefined);
  }

  #revInfo(res: ProxyResponse, requested: string | undefined): RevInfo {
    const parsed = parseRevInfo(res.body, requested);
    if ('problem' in parsed)
      throw new GoProxyError(`${res.url}: ${parsed.problem}`, {
        url: res.url,
        status: res.status,
        notFound: false,
        detail: parsed.problem,
        durationMs: res.durationMs,
      });
    return parsed.info;
  }

  async close(): Promise<void> {
    if (this.#ownsHttp) await this.http.close();
  }
}
