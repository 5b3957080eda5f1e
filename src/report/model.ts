/**
 * The diagnosis report as data. Renderers (terminal, JSON, Slack Block Kit)
 * read this model and nothing else, so new front ends need no engine change.
 */

/** Root-cause categories shared by the log classifier and the live checks. */
export const CATEGORIES = [
  'proxy-unreachable',
  'corporate-proxy',
  'tls-interception',
  'version-not-found',
  'module-path-mismatch',
  'private-module-auth',
  'checksum-mismatch',
  'sumdb-unreachable',
  'missing-go-sum',
  'proxy-disabled',
  'toolchain-mismatch',
  'disk-full',
  'rate-limited',
  'replace-directive',
  'vendor-inconsistent',
  'invalid-go-mod',
  'toolchain-unavailable',
  'vanity-import',
  'proxy-server-error',
  'registry-auth',
  'proxy-config',
  'unknown',
] as const;
export type Category = (typeof CATEGORIES)[number];

/**
 * Extra finding kinds that only live checks can produce (the classifier
 * never emits them): they describe configuration risks rather than a
 * failure seen in a log.
 */
export const CHECK_CATEGORIES = [
  'retracted-version',
  'private-module-routing',
  'vendor-missing',
  'sumdb-disabled',
  'git-credentials',
  'host-environment',
  'excluded-version',
  'invalid-module-zip',
] as const;
export type CheckCategory = (typeof CHECK_CATEGORIES)[number];

export type FindingCategory = Category | CheckCategory;

/** error: breaks the build now; warning: will break it or weakens it; info: context. */
export type Severity = 'error' | 'warning' | 'info';

export interface Finding {
  category: FindingCategory;
  severity: Severity;
  /** One sentence a person can read at 02:10. */
  message: string;
  module?: string;
  version?: string;
  /** The line(s) or wire facts that prove it (proxy URL + status, log line…). */
  evidence?: string;
  /** What to do, from the playbook. */
  fix?: string;
  /** Where in a file, when known: "go.mod:14". */
  location?: string;
  /** Which check produced it. */
  check?: string;
  /**
   * Stable identity ("version-not-found:example.com/a@v1.2.0"): a later stage
   * of the same diagnosis (module graph, --deep) replaces the finding with the
   * same key instead of adding a second one.
   */
  key?: string;
  /** How the module is reached from the main module: ["app", "a@v1.1.0", "c@v1.1.0"]. */
  chain?: string[];
}

/** How far a diagnosis has got: first pass (one request per requirement), full module graph, --deep (zips, checksum DB). */
export type ReportStage = 'first-pass' | 'graph' | 'deep';

export type CheckStatus = 'pass' | 'fail' | 'warn' | 'skip' | 'error';

export interface CheckResult {
  /** Stable id: "modules", "probe:https://proxy.golang.org", "disk:/work" … */
  id: string;
  /** Human title: "proxy.golang.org reachable". */
  title: string;
  status: CheckStatus;
  durationMs: number;
  /** Short human detail: "38 ms, HTTP 200" or the error. */
  detail?: string;
  findings: Finding[];
  /** The network probe's trusted TLS certificate of the endpoint (validTo as Node prints it, e.g. "Mar  1 12:00:00 2027 GMT"). */
  tls?: { validTo: string; subject: string; issuer: string };
}

export interface DiagnosisReport {
  target: string;
  host: string;
  startedAt: string;
  durationMs: number;
  /** True when no finding has severity "error". */
  ok: boolean;
  /** Findings ranked: most likely root cause first. */
  findings: Finding[];
  checks: CheckResult[];
  /** Summary facts: module counts, go version, GOPROXY in effect. */
  facts: Record<string, string | number | boolean>;
  /** The last stage that contributed to this report (absent: first pass only). */
  stage?: ReportStage;
  /** What changed since the last green build (diagnoses given a green revision). */
  sinceGreen?: SinceGreen;
  /** Agent or code: whose change broke the build, with the evidence. */
  origin?: OriginVerdict;
}

/** One commit that changed a dependency file since the last green build. */
export interface ChangeCommit {
  sha: string;
  shortSha: string;
  author: string;
  subject: string;
  date: string;
  files: string[];
}

/** One go.mod change since green, attributed to its commit when git can tell. */
export interface GoModLineChange {
  file: string;
  /** Line in the failing revision's go.mod (absent for a removal). */
  line?: number;
  kind: 'require' | 'replace' | 'exclude' | 'go' | 'toolchain';
  subject: string;
  before?: string;
  after?: string;
  commit?: { sha: string; shortSha: string; author: string; subject: string };
  /** The line that undoes it; absent when the fix is deleting the line. */
  revert?: string;
  /** `go.mod:14 example.com/ledger v1.9.8 → v1.9.9 in 9f3c2e1 by ann, "bump ledger"`. */
  text: string;
}

export interface SinceGreen {
  /** Full shas: the last green revision and the failing one. */
  green: string;
  failing: string;
  /** Where the green revision came from: "--since", "Jenkins build #41", … */
  source: string;
  /** False when green is not an ancestor of the failing revision (rewritten branch). */
  linear: boolean;
  files: Array<{ path: string; status: string; kind: string }>;
  commits: ChangeCommit[];
  goMod: GoModLineChange[];
  /** The change that introduced what the root cause names, when one did. */
  blamed?: GoModLineChange;
}

/** Whether a go.mod change is the one blamed (reports cross process boundaries as JSON, so not by identity). */
export function isBlamed(change: GoModLineChange, blamed: GoModLineChange | undefined): boolean {
  return blamed !== undefined && change.file === blamed.file && change.line === blamed.line && change.kind === blamed.kind && change.subject === blamed.subject;
}

export interface OriginVerdict {
  verdict: 'code' | 'agent' | 'environment/upstream' | 'unknown';
  /** One line for the top of the thread. */
  summary: string;
  /** The evidence, one fact per entry. */
  reasons: string[];
  /** The agent's environment now against its snapshot at the last green build, when compared. */
  environment?: EnvChange;
  /** The same job (or revision) built green on another agent, when a CI system tells. */
  greenElsewhere?: GreenElsewhere;
}

/** One variable of an agent's environment that differs from its snapshot at the last green build. */
export interface EnvKeyChange {
  /** "GOPROXY", "go version", "git insteadOf", "netrc". */
  key: string;
  /** Masked values; "(unset)" when absent. */
  from: string;
  to: string;
  /** When the new value was first recorded (ISO). */
  at: string;
}

/** An agent's environment across time: its snapshot when the last green build ran against the newest one. */
export interface EnvChange {
  agent: string;
  /** The time compared with: the last green build's (ISO). */
  at: string;
  /** The snapshot in effect then: first recorded and last confirmed (ISO). */
  baseline?: { since: string; lastSeen: string };
  /** The newest snapshot: first recorded and last confirmed (ISO). */
  current?: { since: string; lastSeen: string };
  changes: EnvKeyChange[];
  /** Why there was nothing to compare, when there was not. */
  note?: string;
}

/** A green build of the same job on another agent than the failing one. */
export interface GreenElsewhere {
  /** The other agent (Jenkins node, GitHub runner name, GitLab runner description). */
  agent: string;
  /** The agent the failing build ran on. */
  failingAgent?: string;
  /** "Jenkins build #43 of payments/main". */
  build: string;
  url?: string;
  /** The revision it built (full sha), when the CI says. */
  revision?: string;
  /** True when it built the failing build's revision. */
  sameRevision: boolean;
  /** When it ran (ISO), when the CI says. */
  at?: string;
}

/** Progress from a running diagnosis: drives the TTY spinner, job progress, chat status edits. */
export interface ProgressEvent {
  check: string;
  phase: 'start' | 'done' | 'info';
  message: string;
  status?: CheckStatus;
  durationMs?: number;
}

export type ProgressListener = (event: ProgressEvent) => void;
