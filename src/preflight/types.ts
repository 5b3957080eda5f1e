/**
 * What a pre-flight run leaves behind: one compact result per agent, check
 * and repo (kept in Redis with a bounded history), and the problems that
 * alert. Pure types; no Redis, no engine code (the chat side renders them).
 */
import type { CheckStatus, FindingCategory, Severity } from '../report/model.ts';

export const PREFLIGHT_CHECKS = ['modules', 'probe', 'readiness', 'host', 'credentials', 'drill'] as const;
export type PreflightCheck = (typeof PREFLIGHT_CHECKS)[number];

/** Checks that run once per configured repo; the others once per agent. */
export const REPO_CHECKS: ReadonlySet<PreflightCheck> = new Set<PreflightCheck>(['modules', 'readiness', 'drill']);

/** A pre-flight run is cut off after this long (its run lock lasts a little longer). */
export const PREFLIGHT_TIMEOUT_MS = 10 * 60_000;

/** Where a host-level check's result is filed in place of a repo name. */
export const HOST_SCOPE = '-';

export type PreflightStatus = CheckStatus | 'skipped';

/** Extra finding kinds pre-flight adds to the engine's (they look ahead: the next build, not this one). */
export type PreflightCategory =
  | FindingCategory
  | 'certificate-expiring'
  | 'disk-trend'
  | 'credential-expiring'
  | 'credential-rejected'
  /** The token's host could not be asked (unreachable, an unexpected answer, a token its API cannot report on): expiry and validity unknown. */
  | 'credential-check-failed'
  | 'readiness'
  | 'drill';

export interface PreflightFinding {
  /** Stable identity across runs ("version-not-found:example.com/a@v1.2.0"): the alert's dedup key. */
  key: string;
  category: PreflightCategory;
  severity: Severity;
  message: string;
  /** Breaks the next build (error now, or a warning that will become one): posts or keeps an alert. */
  alert: boolean;
}

export interface ProxyLatency {
  /** The GOPROXY entry or checksum DB base URL (credentials masked). */
  url: string;
  kind: 'goproxy' | 'sumdb';
  status: CheckStatus;
  ms: number;
  /** Days until the presented certificate expires (https, trusted). */
  certDaysLeft?: number;
}

export interface DiskSample {
  /** The volume's path as the host check names it ("disk:/work"). */
  id: string;
  freeBytes: number;
  totalBytes: number;
}

/**
 * What the credentials check learnt about one token this agent's go/git
 * would send: the host, where the token came from, and what its host said.
 * Never the token (nor its login).
 */
export interface CredentialState {
  /** The host the token belongs to (netrc machine, GOPROXY URL host). */
  host: string;
  /** Where it came from: "~/.netrc machine github.com", "$NETRC (/etc/buildfix/netrc) machine gitlab.corp", "GOPROXY entry https://proxy.corp/go". */
  source: string;
  kind: 'github' | 'gitlab';
  /** The API asked (no credentials). */
  api: string;
  /**
   * expires: the host reported an expiry (expiresAt); no-expiry: it reported none;
   * rejected: 401 (the token no longer works); error: it could not be asked, or
   * its answer says nothing about this token (reason): the finding is
   * credential-check-failed.
   */
  state: 'expires' | 'no-expiry' | 'rejected' | 'error';
  /** ISO time the host says the token expires. */
  expiresAt?: string;
  /** HTTP status of a rejection or failure. */
  httpStatus?: number;
  reason?: string;
  /** For state "error": what to check about it ("check that this agent reaches https://gitlab.corp …"). */
  hint?: string;
}

/**
 * An outage drill's result (src/modcache/drill.ts): whether `go mod download`
 * passed with GOPROXY=off from the agent's module cache alone, and the
 * modules it would fail on.
 */
export interface DrillRecord {
  passed: boolean;
  /** "path@version" of the modules go could not get offline (at most 50). */
  failed: string[];
  /** How many modules failed (failed may list fewer). */
  failedCount: number;
  /** go's errors that name no module (at most 5 lines). */
  otherErrors: string[];
  /** The agent's GOMODCACHE the drill read. */
  modcache: string;
  /** Module-cache readiness measured just before the drill. */
  ready: number;
  total: number;
}

export interface PreflightResult {
  v: 1;
  agent: string;
  check: PreflightCheck;
  /** The repo name for repo checks, HOST_SCOPE otherwise. */
  repo: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  status: PreflightStatus;
  /** One line for status listings. */
  summary: string;
  findings: PreflightFinding[];
  latency?: ProxyLatency[];
  readiness?: { ready: number; total: number; percent: number; missing: string[] };
  disks?: DiskSample[];
  /** The credentials check: one entry per token asked about (never the token). */
  credentials?: CredentialState[];
  /** Proxy requests this run sent (the rest came from the worker's shared answer cache). */
  proxyRequests?: number;
  /** Who asked for this run (a Slack user id or a terminal user); absent when the schedule ran it. */
  by?: string;
  /** The outage drill's result (check "drill"). */
  drill?: DrillRecord;
}

/** The problems one agent reports for one alert scope (check + repo). */
export interface AgentProblems {
  agent: string;
  at: string;
  findings: PreflightFinding[];
}

/** "modules:payments", "probe:-". */
export function scopeOf(check: PreflightCheck, repo: string): string {
  return `${check}:${repo}`;
}

export function parseScope(scope: string): { check: PreflightCheck; repo: string } | undefined {
  const i = scope.indexOf(':');
  const check = scope.slice(0, i) as PreflightCheck;
  if (i < 0 || !(PREFLIGHT_CHECKS as readonly string[]).includes(check)) return undefined;
  return { check, repo: scope.slice(i + 1) };
}
