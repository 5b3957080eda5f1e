/**
 * A client for the checksum database (GOSUMDB) as the go command reaches it
 * (cmd/go/internal/modfetch/sumdb.go, golang.org/x/mod/sumdb/client.go):
 *
 * - GOSUMDB "off" disables it; GONOSUMDB (default GOPRIVATE) exempts modules.
 * - GOSUMDB "<key> <url>" talks to <url> directly; otherwise each GOPROXY
 *   entry is asked for `<proxy>/sumdb/<name>/supported` in turn: 200 → use
 *   `<proxy>/sumdb/<name>`, 404/410 (or any error after "|") → next entry,
 *   `direct`/`off`/end of list → `https://<name>`, any other error → the
 *   database is unavailable.
 * - `/lookup/<module>@<version>` answers "<id>\n<record>\n<signed tree note>".
 *   The note must carry a valid ed25519 signature by the GOSUMDB key, and the
 *   record is proved to be leaf <id> of that signed tree through the log's
 *   hash tiles (`/tile/8/…`), exactly the check the go command makes. Not
 *   done: consistency between tree heads of different answers (go keeps the
 *   last tree it saw in $GOPATH/pkg/sumdb; a one-shot diagnosis has none).
 */
import type { GoEnv } from '../config/env.ts';
import { UpstreamError } from '../errors.ts';
import { escapePath, escapeVersion } from '../goproxy/escape-path.ts';
import { HttpRequestError, redactUrl, type HttpClient } from '../goproxy/http-client.ts';
import { createPrivacyRules, type PrivacyRules } from '../goproxy/module-patterns.ts';
import { parseGoproxy, parseGoSumDb, type GoSumDb } from '../goproxy/parse-goproxy.ts';
import { openNote, parseVerifierKey, type NoteVerifier } from './note.ts';
import { parseRecord, parseTree, readHashes, recordHash, storedHashIndex, tilePath, type Tile, type Tree } from './tlog.ts';

export const SUMDB_TILE_HEIGHT = 8;

export type SumDbErrorKind =
  /** GOSUMDB=off or the module is exempt (GONOSUMDB/GOPRIVATE). */
  | 'disabled'
  /** The database answered 404/410 for this module@version. */
  | 'not-found'
  /** Any other HTTP status. */
  | 'http'
  /** No HTTP answer (DNS, refused, timeout, TLS, proxy). */
  | 'transport'
  /** Signature, record or tile check failed: the answer cannot be trusted. */
  | 'verify';

/** The checksum database could not give a trustworthy answer; `kind` says why. */
export class SumDbError extends UpstreamError {
  readonly kind: SumDbErrorKind;
  constructor(kind: SumDbErrorKind, message: string, options: { status?: number; url?: string; cause?: unknown } = {}) {
    super('sumdb', message, options);
    this.name = 'SumDbError';
    this.kind = kind;
  }
}

/** Where the database is reached. */
export interface SumDbEndpoint {
  /** Base URL (credentials masked in `shown`). */
  url: string;
  shown: string;
  /** explicit: GOSUMDB named the URL; proxy: a GOPROXY entry serves /sumdb/<name>; direct: https://<name>. */
  via: 'explicit' | 'proxy' | 'direct';
}

/** A verified answer for one module version. */
export interface SumDbLookup {
  module: string;
  version: string;
  /** The database's name (GOSUMDB key name), e.g. "sum.golang.org". */
  db: string;
  /** h1: hash of the module zip, as the database records it. */
  zipHash?: string;
  /** h1: hash of the version's go.mod. */
  modHash?: string;
  /** Leaf index of the record in the log. */
  recordId: number;
  /** The signed tree the record was proved against. */
  tree: { size: number; hash: string };
  /** The lookup URL (credentials masked). */
  url: string;
  via: SumDbEndpoint['via'];
  durationMs: number;
}

export interface SumDbClientOptions {
  /** GOSUMDB, GONOSUMDB, GOPRIVATE, GOPROXY as the host's go sees them. */
  goEnv: GoEnv;
  /** Shared HTTP client (routing through HTTP proxies, concurrency cap, deadlines). */
  http: HttpClient;
  /** Per-request deadline (default: the HTTP client's). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Parses the lines of a record for module@version. */
export function recordHashes(text: string, module: string, version: string): { zipHash?: string; modHash?: string } {
  const out: { zipHash?: string; modHash?: string } = {};
  for (const line of text.split('\n')) {
    const f = line.split(' ');
    if (f.length !== 3 || f[0] !== module) continue;
    if (f[1] === version) out.zipHash = f[2]!;
    else if (f[1] === `${version}/go.mod`) out.modHash = f[2]!;
  }
  return out;
}

function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

export class SumDbClient {
  /** The database in effect; undefined when GOSUMDB=off. */
  readonly db: GoSumDb | undefined;
  readonly #http: HttpClient;
  readonly #goEnv: GoEnv;
  readonly #privacy: PrivacyRules;
  readonly #verifier: NoteVerifier | undefined;
  readonly #timeoutMs: number | undefined;
  readonly #signal: AbortSignal | undefined;
  #base: Promise<SumDbEndpoint> | undefined;
  readonly #lookups = new Map<string, Promise<SumDbLookup>>();
  readonly #tiles = new Map<string, Promise<Buffer>>();

  /** Throws GoEnvValueError (BF_CONFIG) for a GOSUMDB value the go command rejects. */
  constructor(options: SumDbClientOptions) {
    this.#http = options.http;
    this.#goEnv = options.goEnv;
    this.#timeoutMs = options.timeoutMs;
    this.#signal = options.signal;
    this.db = parseGoSumDb(options.goEnv.GOSUMDB);
    this.#verifier = this.db ? parseVerifierKey(this.db.key) : undefined;
    this.#privacy = createPrivacyRules(options.goEnv);
  }

  /** go's useSumDB: true when the go command would consult the database for this module. */
  covers(modulePath: string): boolean {
    return this.db !== undefined && !this.#privacy.bypassSumDb(modulePath);
  }

  /** How the database is reached (asked once, like the go command's initBase). */
  endpoint(): Promise<SumDbEndpoint> {
    this.#base ??= this.#findBase();
    return this.#base;
  }

  async #findBase(): Promise<SumDbEndpoint> {
    const db = this.#requireDb();
    if (db.explicitUrl) return { url: db.url, shown: redactUrl(db.url), via: 'explicit' };
    for (const entry of parseGoproxy(this.#goEnv.GOPROXY)) {
      if (entry.kind !== 'url') break;
      const supported = joinUrl(entry.url, `sumdb/${db.name}/supported`);
      let status: number;
      try {
        status = (await this.#http.get(supported, this.#getOptions())).status;
      } catch (err) {
        if (entry.fallThroughOnAnyError) continue;
        throw new SumDbError('transport', `checksum database ${db.name}: ${err instanceof Error ? err.message : String(err)}`, {
          url: redactUrl(supported),
          cause: err,
        });
      }
      if (status === 200) {
        const url = joinUrl(entry.url, `sumdb/${db.name}`);
        return { url, shown: redactUrl(url), via: 'proxy' };
      }
      if (status === 404 || status === 410 || entry.fallThroughOnAnyError) continue;
      throw new SumDbError('http', `checksum database ${db.name}: ${redactUrl(supported)}: HTTP ${status}`, { status, url: redactUrl(supported) });
    }
    return { url: db.url, shown: redactUrl(db.url), via: 'direct' };
  }

  #requireDb(): GoSumDb {
    if (!this.db) throw new SumDbError('disabled', 'GOSUMDB=off: the checksum database is not consulted');
    return this.db;
  }

  #getOptions(binary = false): { timeoutMs?: number; signal?: AbortSignal; binary?: boolean; maxBodyBytes?: number } {
    return {
      ...(this.#timeoutMs !== undefined ? { timeoutMs: this.#timeoutMs } : {}),
      ...(this.#signal ? { signal: this.#signal } : {}),
      ...(binary ? { binary: true } : {}),
    };
  }

  /**
   * The database's verified hashes for module@version. Throws SumDbError:
   * disabled (not consulted for this module), not-found, http, transport, verify.
   */
  lookup(module: string, version: string): Promise<SumDbLookup> {
    const key = `${module}@${version}`;
    let p = this.#lookups.get(key);
    if (!p) {
      p = this.#lookup(module, version);
      this.#lookups.set(key, p);
    }
    return p;
  }

  async #lookup(module: string, version: string): Promise<SumDbLookup> {
    const db = this.#requireDb();
    if (!this.covers(module))
      throw new SumDbError('disabled', `${module} matches GONOSUMDB/GOPRIVATE (${this.#privacy.noSumDb}): the checksum database is not consulted for it`);
    const started = performance.now();
    const base = await this.endpoint();
    const url = joinUrl(base.url, `lookup/${escapePath(module)}@${escapeVersion(version)}`);
    const res = await this.#get(url, false);
    if (res.status !== 200) {
      const first = res.body
        .split('\n')
        .find((l) => l.trim() !== '')
        ?.trim()
        .slice(0, 300);
      const kind = res.status === 404 || res.status === 410 ? 'not-found' : 'http';
      throw new SumDbError(kind, `${db.name}: lookup ${module}@${version}: HTTP ${res.status}${first ? `: ${first}` : ''}`, {
        status: res.status,
        url: redactUrl(url),
      });
    }
    const verifyError = (reason: string, cause?: unknown): SumDbError =>
      new SumDbError('verify', `${db.name}: lookup ${module}@${version} cannot be trusted: ${reason}`, { url: redactUrl(url), ...(cause ? { cause } : {}) });
    let id: number;
    let text: Buffer;
    let tree: Tree;
    try {
      const record = parseRecord(Buffer.from(res.body, 'utf8'));
      id = record.id;
      text = record.text;
      const note = openNote(record.rest, [this.#verifier!]);
      tree = parseTree(note.text);
    } catch (err) {
      throw verifyError(err instanceof Error ? err.message : String(err), err);
    }
    if (id >= tree.n) throw verifyError(`cannot validate record ${id} in tree of size ${tree.n}`);
    let leaf: Buffer;
    try {
      [leaf] = (await readHashes(tree, SUMDB_TILE_HEIGHT, [storedHashIndex(0, id)], (tiles) => Promise.all(tiles.map((t) => this.#tile(base.url, t))))) as [
        Buffer,
      ];
    } catch (err) {
      if (err instanceof SumDbError) throw err;
      throw verifyError(err instanceof Error ? err.message : String(err), err);
    }
    if (!leaf.equals(recordHash(text))) throw verifyError('cannot authenticate record data in server response');
    return {
      module,
      version,
      db: db.name,
      ...recordHashes(text.toString('utf8'), module, version),
      recordId: id,
      tree: { size: tree.n, hash: tree.hash.toString('base64') },
      url: redactUrl(url),
      via: base.via,
      durationMs: Math.round(performance.now() - started),
    };
  }

  async #get(url: string, binary: boolean): Promise<{ status: number; body: string; bytes?: Buffer }> {
    try {
      return await this.#http.get(url, this.#getOptions(binary));
    } catch (err) {
      if (err instanceof HttpRequestError)
        throw new SumDbError('transport', `${this.db?.name ?? 'sumdb'}: ${err.message}`, { url: redactUrl(url), cause: err });
      throw err;
    }
  }

  // Tiles are immutable: each is fetched once per client.
  #tile(base: string, tile: Tile): Promise<Buffer> {
    const path = tilePath(tile);
    let p = this.#tiles.get(path);
    if (!p) {
      p = (async () => {
        const url = joinUrl(base, path);
        const res = await this.#get(url, true);
        if (res.status !== 200)
          throw new SumDbError(
            res.status === 404 || res.status === 410 ? 'not-found' : 'http',
            `${this.db?.name ?? 'sumdb'}: ${redactUrl(url)}: HTTP ${res.status}`,
            { status: res.status, url: redactUrl(url) },
          );
        return res.bytes ?? Buffer.alloc(0);
      })();
      this.#tiles.set(path, p);
      p.catch(() => this.#tiles.delete(path));
    }
    return p;
  }
}
