/**
 * A client for a Go vulnerability database in the layout govulncheck reads
 * (https://go.dev/security/vuln/database#api): `index/db.json`
 * (`{"modified": …}`), `index/modules.json` (`[{"path", "vulns": [{"id",
 * "modified", "fixed"?}]}]`) and `ID/<id>.json` (one OSV entry). The base
 * URL is configurable (https://vuln.go.dev by default; http(s) or file://).
 * Requests go through the GOPROXY client's HttpClient, with its timeouts and
 * the agent's HTTP proxy settings; any failure is a VulnDbError that says
 * which file and why, so the report can say it is partial.
 */
import * as z from 'zod';
import { UpstreamError } from '../errors.ts';
import { HttpRequestError, redactUrl, type HttpClient } from '../goproxy/http-client.ts';
import type { OsvRange } from './osv-affects.ts';

export const DEFAULT_VULNDB_URL = 'https://vuln.go.dev';

/** Index and entries can be large (modules.json of the public database is a few MB). */
const MAX_INDEX_BYTES = 64 * 1024 * 1024;
const MAX_ENTRY_BYTES = 4 * 1024 * 1024;

export const VulnDbModulesIndexSchema = z.array(
  z.looseObject({
    path: z.string(),
    vulns: z.array(z.looseObject({ id: z.string(), modified: z.string().optional(), fixed: z.string().optional() })).default([]),
  }),
);
export type VulnDbModulesIndex = z.infer<typeof VulnDbModulesIndexSchema>;

const OsvRangeSchema = z.looseObject({
  type: z.string(),
  events: z.array(z.looseObject({ introduced: z.string().optional(), fixed: z.string().optional(), last_affected: z.string().optional() })).default([]),
});

export const OsvEntrySchema = z.looseObject({
  id: z.string(),
  modified: z.string().optional(),
  published: z.string().optional(),
  withdrawn: z.string().optional(),
  aliases: z.array(z.string()).default([]),
  summary: z.string().optional(),
  details: z.string().optional(),
  affected: z
    .array(
      z.looseObject({
        package: z.looseObject({ name: z.string(), ecosystem: z.string().optional() }),
        ranges: z.array(OsvRangeSchema).optional(),
      }),
    )
    .default([]),
  database_specific: z.looseObject({ url: z.string().optional() }).optional(),
});
export type OsvEntry = z.infer<typeof OsvEntrySchema> & { affected: Array<{ package: { name: string }; ranges?: OsvRange[] }> };

/** The vulnerability database could not be read: `file` is the path asked for, `reason` go-like words for why. */
export class VulnDbError extends UpstreamError {
  readonly file: string;
  readonly reason: string;
  constructor(base: string, file: string, reason: string, options: { status?: number; cause?: unknown } = {}) {
    super('vulndb', `vulnerability database ${redactUrl(base)}: ${file}: ${reason}`, {
      url: `${redactUrl(base).replace(/\/+$/, '')}/${file}`,
      ...(options.status !== undefined ? { status: options.status } : {}),
      cause: options.cause,
    });
    this.name = 'VulnDbError';
    this.file = file;
    this.reason = reason;
  }
}

export interface VulnDbClientOptions {
  /** Base URL of the database (default https://vuln.go.dev). */
  url?: string;
  /** Shared HTTP client (the GOPROXY client's: same proxy settings and concurrency cap). */
  http: HttpClient;
  /** Deadline per request (default: the HttpClient's). */
  timeoutMs?: number;
}

export class VulnDbClient {
  readonly url: string;
  readonly #http: HttpClient;
  readonly #timeoutMs: number | undefined;
  readonly #entries = new Map<string, Promise<OsvEntry>>();

  constructor(options: VulnDbClientOptions) {
    this.url = (options.url ?? DEFAULT_VULNDB_URL).replace(/\/+$/, '');
    this.#http = options.http;
    this.#timeoutMs = options.timeoutMs;
  }

  async #json(file: string, maxBodyBytes: number, signal: AbortSignal | undefined): Promise<unknown> {
    let res;
    try {
      res = await this.#http.get(`${this.url}/${file}`, {
        maxBodyBytes,
        headers: { accept: 'application/json' },
        ...(this.#timeoutMs !== undefined ? { timeoutMs: this.#timeoutMs } : {}),
        ...(signal ? { signal } : {}),
      });
    } catch (err) {
      if (err instanceof HttpRequestError)
        throw new VulnDbError(this.url, file, err.kind === 'timeout' ? `timed out (${err.message})` : err.message, { cause: err });
      throw err;
    }
    if (res.status !== 200) throw new VulnDbError(this.url, file, `HTTP ${res.status}`, { status: res.status });
    if (res.truncated) throw new VulnDbError(this.url, file, `larger than ${maxBodyBytes} bytes`);
    try {
      return JSON.parse(res.body) as unknown;
    } catch {
      throw new VulnDbError(this.url, file, 'not JSON');
    }
  }

  /** `index/modules.json`: every module with vulnerabilities, and their ids. */
  async modules(signal?: AbortSignal): Promise<VulnDbModulesIndex> {
    const parsed = VulnDbModulesIndexSchema.safeParse(await this.#json('index/modules.json', MAX_INDEX_BYTES, signal));
    if (!parsed.success) throw new VulnDbError(this.url, 'index/modules.json', `unexpected shape (${parsed.error.issues[0]?.message ?? 'invalid'})`);
    return parsed.data;
  }

  /** `ID/<id>.json`: one OSV entry (remembered for the client's lifetime). */
  entry(id: string, signal?: AbortSignal): Promise<OsvEntry> {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(id)) return Promise.reject(new VulnDbError(this.url, `ID/${id.slice(0, 40)}.json`, 'invalid id'));
    let p = this.#entries.get(id);
    if (!p) {
      const file = `ID/${id}.json`;
      p = this.#json(file, MAX_ENTRY_BYTES, signal).then((json) => {
        const parsed = OsvEntrySchema.safeParse(json);
        if (!parsed.success) throw new VulnDbError(this.url, file, `not an OSV entry (${parsed.error.issues[0]?.message ?? 'invalid'})`);
        if (parsed.data.id !== id) throw new VulnDbError(this.url, file, `entry has id ${parsed.data.id}`);
        return parsed.data as OsvEntry;
      });
      p.catch(() => this.#entries.delete(id));
      this.#entries.set(id, p);
    }
    return p;
  }
}
