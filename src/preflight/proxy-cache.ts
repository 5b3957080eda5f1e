/**
 * The answer cache a worker's pre-flight module checks share: the 50 repos
 * of one agent mostly require the same module versions, so each distinct
 * proxy file (`.info`, `.mod`, `@v/list`, `@latest` of one module version on
 * one GOPROXY entry) is asked for once per round. An answer (whatever its
 * status, and a transport failure) is reused for `ttlMs` — shorter than the
 * modules interval, so every round asks the proxy again; requests in flight
 * are shared (two repos asking at once make one request). Zips are never
 * cached (the module check does not fetch them). One cache per agent and
 * process; each run gets a view of its own that counts the requests it sent.
 */
import { GoProxyClient, type ProxyFile, type ProxyResponse } from '../goproxy/goproxy-client.ts';
import type { HttpClient, HttpGetOptions } from '../goproxy/http-client.ts';

interface Entry {
  at: number;
  answer: Promise<ProxyResponse>;
}

export class ProxyAnswerCache {
  readonly ttlMs: number;
  readonly http: HttpClient;
  readonly #entries = new Map<string, Entry>();
  /** Requests sent through this cache since it was made. */
  sent = 0;
  /** Answers served from the cache (or a shared request in flight). */
  hits = 0;

  constructor(http: HttpClient, ttlMs: number) {
    this.http = http;
    this.ttlMs = ttlMs;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The answer for one file: cached while fresh, else fetched once (concurrent askers share it). */
  get(key: string, fetch: () => Promise<ProxyResponse>, onSent: () => void): Promise<ProxyResponse> {
    const now = Date.now();
    const hit = this.#entries.get(key);
    if (hit && now - hit.at < this.ttlMs) {
      this.hits++;
      return hit.answer;
    }
    if (this.#entries.size > 50_000) this.#sweep(now);
    this.sent++;
    onSent();
    const answer = fetch();
    const entry = { at: now, answer };
    this.#entries.set(key, entry);
    // A cancelled request says nothing about the proxy: the next asker tries again.
    answer.catch((err: unknown) => {
      if ((err as { kind?: unknown } | undefined)?.kind === 'aborted' && this.#entries.get(key) === entry) this.#entries.delete(key);
    });
    return answer;
  }

  #sweep(now: number): void {
    for (const [k, e] of this.#entries) if (now - e.at >= this.ttlMs) this.#entries.delete(k);
  }

  clear(): void {
    this.#entries.clear();
  }
}

/** A GoProxyClient whose protocol requests go through a shared ProxyAnswerCache; counts what it sent itself. */
export class CachingGoProxyClient extends GoProxyClient {
  readonly cache: ProxyAnswerCache;
  /** Requests this client sent (cache misses). */
  sent = 0;

  constructor(cache: ProxyAnswerCache) {
    super({ http: cache.http });
    this.cache = cache;
  }

  override fetch(base: string, module: string, file: ProxyFile, options: HttpGetOptions = {}): Promise<ProxyResponse> {
    if (file.kind === 'zip' || options.binary) return super.fetch(base, module, file, options);
    const key = `${base}\u0000${module}\u0000${file.kind}\u0000${'version' in file ? file.version : ''}`;
    return this.cache.get(
      key,
      () => super.fetch(base, module, file, options),
      () => this.sent++,
    );
  }
}
