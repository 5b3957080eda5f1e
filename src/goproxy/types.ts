/** How the go command walks GOPROXY for one module version, as data. */

export type ProxyEntry =
  { kind: 'url'; url: string; /** true when the separator after it was "|" */ fallThroughOnAnyError: boolean } | { kind: 'direct' } | { kind: 'off' };

/** One attempt at one source in the chain. */
export interface SourceAttempt {
  /** Proxy base URL (credentials masked), "direct" or "off". */
  source: string;
  /** Index of the GOPROXY entry in the chain (absent for a GONOPROXY module going direct); use chain[i] for the unmasked URL. */
  chainIndex?: number;
  /** HTTP status from the proxy, when one answered. */
  status?: number;
  /** not-found: 404/410 (or tag missing in git); error: anything else; ok: found. */
  outcome: 'ok' | 'not-found' | 'error' | 'disabled';
  /** First line of the proxy's body or the error text; never credentials. */
  message?: string;
  durationMs: number;
  /** Which request this was: a proxy's .info or .mod, or git for direct. */
  file?: 'info' | 'mod' | 'git';
  /** The URL requested (proxy file or git repository), credentials masked. */
  url?: string;
  /** Machine-readable cause of a failure: an HttpFailureKind ("timeout", "dns", "tls", "proxy-auth", …) or a git reason ("tag-missing", "auth", …). */
  failure?: string;
  /** Retry-After from a 429/503 answer. */
  retryAfter?: string;
}

export interface VersionLookup {
  module: string;
  version: string;
  /** found: some source had it; not-found: every source said 404/410; error: stopped on an error; disabled: GOPROXY=off. */
  outcome: 'found' | 'not-found' | 'error' | 'disabled';
  /** The source whose answer decided the outcome. */
  decidedBy?: SourceAttempt;
  attempts: SourceAttempt[];
  /** Module path declared by the fetched .mod file, when fetched. */
  declaredPath?: string;
  /** The .mod file body, when fetched (for retract directives of the latest version). */
  modFile?: string;
  /** Whether this module bypassed the proxy (GONOPROXY/GOPRIVATE) and went direct. */
  private: boolean;
  /** Commit time from the .info answer, when fetched. */
  time?: string;
}
