/**
 * The `preflight:` section of the configuration file: scheduled pre-flight
 * checks every worker runs for its own host (src/preflight). Absent: no
 * pre-flight schedules. Durations are "500ms", "30s", "15m", "6h", "1d"
 * or milliseconds; "off" (or 0) turns one check off.
 */
import * as z from 'zod';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "15m" → 900000; "off"/0 → 0; undefined when it is not a duration. */
export function parseDuration(raw: string | number): number | undefined {
  if (typeof raw === 'number') return Number.isInteger(raw) && raw >= 0 ? raw : undefined;
  const text = raw.trim();
  if (text === 'off' || text === '0') return 0;
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/.exec(text);
  if (!m) return undefined;
  const ms = Number(m[1]) * (UNIT_MS[m[2] ?? 'ms'] ?? 1);
  return Number.isFinite(ms) ? Math.round(ms) : undefined;
}

const MIN_INTERVAL_MS = 200;
const MAX_INTERVAL_MS = 7 * 86_400_000;

/** An interval: at least 200 ms (tests), at most 7 days; 0 = off. */
const Interval = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const ms = parseDuration(v);
  if (ms === undefined || (ms !== 0 && (ms < MIN_INTERVAL_MS || ms > MAX_INTERVAL_MS))) {
    ctx.addIssue({ code: 'custom', message: 'must be a duration like "15m", "5m", "6h", "30s" (200ms … 7d) or "off"' });
    return z.NEVER;
  }
  return ms;
});

const MAX_DRILL_INTERVAL_MS = 366 * 86_400_000;

/** The drill's interval: like the others, but up to a year (the playbook asks for monthly drills); default off. */
const DrillInterval = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const ms = parseDuration(v);
  if (ms === undefined || (ms !== 0 && (ms < MIN_INTERVAL_MS || ms > MAX_DRILL_INTERVAL_MS))) {
    ctx.addIssue({ code: 'custom', message: 'must be a duration like "30d", "7d" or "12h" (200ms … 366d) or "off"' });
    return z.NEVER;
  }
  return ms;
});

const Duration = (what: string, maxMs: number) =>
  z.union([z.string(), z.number()]).transform((v, ctx) => {
    const ms = parseDuration(v);
    if (ms === undefined || ms > maxMs) {
      ctx.addIssue({ code: 'custom', message: `must be a duration like "30s" or "5m" (${what})` });
      return z.NEVER;
    }
    return ms;
  });

export const PREFLIGHT_DEFAULTS = {
  agentGoneAfter: 3_600_000,
  modules: 15 * 60_000,
  probe: 5 * 60_000,
  readiness: 6 * 3_600_000,
  host: 15 * 60_000,
  credentials: 3_600_000,
  drill: 0,
  drillMaxAgeDays: 31,
  jitter: 60_000,
  proxyCacheTtl: 5 * 60_000,
  history: 96,
  certExpiryDays: 14,
  credentialExpiryDays: 14,
  diskTrendHours: 24,
} as const;

export const CREDENTIAL_KINDS = ['github', 'gitlab'] as const;
export type CredentialKind = (typeof CREDENTIAL_KINDS)[number];

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Where a host's token is asked about its expiry: GitHub's REST API base, or GitLab's /api/v4. */
export function defaultCredentialApi(host: string, kind: CredentialKind): string {
  if (kind === 'github') return host === 'github.com' ? 'https://api.github.com' : `https://${host}/api/v3`;
  return `https://${host}/api/v4`;
}

/**
 * One private module host whose token pre-flight asks about: the netrc
 * machine (or GOPROXY URL host) the token belongs to, the kind of API, and
 * its base URL. The token is sent there, so it must be https (plain http
 * only on loopback, for tests and local proxies).
 */
const CredentialHostSchema = z
  .strictObject({
    /** The host go and git send the token to: the netrc `machine` name (no scheme, no port, no path). */
    host: z
      .string()
      .regex(/^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/i, 'must be a host name like github.com or gitlab.corp.example (no scheme, port or path)')
      .transform((h) => h.toLowerCase()),
    /** github or gitlab; may be left out for github.com and gitlab.com. */
    kind: z.enum(CREDENTIAL_KINDS).optional(),
    /** The API base URL (default: https://api.github.com for github.com, https://<host>/api/v3 for GitHub Enterprise, https://<host>/api/v4 for GitLab). */
    api: z
      .string()
      .refine((v) => {
        try {
          const u = new URL(v);
          return !u.username && !u.password && !u.search && !u.hash && (u.protocol === 'https:' || (u.protocol === 'http:' && LOOPBACK.has(u.hostname)));
        } catch {
          return false;
        }
      }, 'must be an https API base URL without credentials, like https://api.github.com or https://gitlab.corp.example/api/v4 (the token is sent to it; plain http only on 127.0.0.1/localhost)')
      .optional(),
  })
  .transform((t, ctx) => {
    const kind = t.kind ?? (t.host === 'github.com' ? 'github' : t.host === 'gitlab.com' ? 'gitlab' : undefined);
    if (!kind) {
      ctx.addIssue({ code: 'custom', path: ['kind'], message: `is required for ${t.host}: github or gitlab (which API says when its token expires)` });
      return z.NEVER;
    }
    return { host: t.host, kind, api: (t.api ?? defaultCredentialApi(t.host, kind)).replace(/\/+$/, '') };
  });
export type CredentialHost = z.output<typeof CredentialHostSchema>;

/** Checked when preflight.credentialHosts is not set, when this agent has a token for them. */
export const DEFAULT_CREDENTIAL_HOSTS: readonly CredentialHost[] = [
  { host: 'github.com', kind: 'github', api: 'https://api.github.com' },
  { host: 'gitlab.com', kind: 'gitlab', api: 'https://gitlab.com/api/v4' },
];

export const PreflightConfigSchema = z
  .strictObject({
    /** The module check (the engine's `modules` part and module graph) of each configured repo. */
    modules: Interval.default(PREFLIGHT_DEFAULTS.modules),
    /** The network probe of this host's GOPROXY chain and checksum DB (TLS, latency). */
    probe: Interval.default(PREFLIGHT_DEFAULTS.probe),
    /** Module-cache readiness of each configured repo against this host's GOMODCACHE. */
    readiness: Interval.default(PREFLIGHT_DEFAULTS.readiness),
    /**
     * Readiness below this percentage alerts ("if the proxy went down now, <repo> would fail on these N modules on <agent>"),
     * deduplicated, updated and closed like the other pre-flight alerts; 100 alerts on any missing module. Unset: readiness is measured, never alerted.
     */
    readinessAlertBelow: z.number().min(1).max(100).optional(),
    /** Host checks: disk and inodes (with their trend), go, git credentials. */
    host: Interval.default(PREFLIGHT_DEFAULTS.host),
    /** The tokens this agent's go/git use for private module hosts (netrc, GOPROXY URLs): does the host say they expire soon, or reject them? */
    credentials: Interval.default(PREFLIGHT_DEFAULTS.credentials),
    /**
     * The outage drill of each configured repo (GOPROXY=off from this host's module cache, in temporary copies):
     * off by default, since it takes the build's module sources in temporary disk space for a moment.
     */
    drill: DrillInterval.default(PREFLIGHT_DEFAULTS.drill),
    /** A drill older than this many days (or none at all) shows as due in `status`; 0: never due. */
    drillMaxAgeDays: z.number().int().min(0).max(3650).default(PREFLIGHT_DEFAULTS.drillMaxAgeDays),
    /** Each schedule is shifted by a fixed offset in [0, jitter) derived from agent and check, so agents do not hit the proxy together. */
    jitter: Duration('at most 1h', 3_600_000).default(PREFLIGHT_DEFAULTS.jitter),
    /** How long a worker reuses a proxy answer across its repos' module checks; shorter than the modules interval. */
    proxyCacheTtl: Duration('at most 1h', 3_600_000).default(PREFLIGHT_DEFAULTS.proxyCacheTtl),
    /** An agent with no live worker and no result for this long is gone: its open pre-flight problems are dropped, its alerts closed as unknown (0: never). */
    agentGoneAfter: Duration('at most 7d', 7 * 86_400_000).default(PREFLIGHT_DEFAULTS.agentGoneAfter),
    /** Results kept per agent, check and repo (a capped list in Redis). */
    history: z.number().int().min(1).max(10_000).default(PREFLIGHT_DEFAULTS.history),
    /** A proxy or checksum DB certificate expiring within this many days is a finding. */
    certExpiryDays: z.number().int().min(0).max(365).default(PREFLIGHT_DEFAULTS.certExpiryDays),
    /** A token its host says expires within this many days is a finding (alerting). */
    credentialExpiryDays: z.number().int().min(0).max(365).default(PREFLIGHT_DEFAULTS.credentialExpiryDays),
    /** The hosts whose tokens the credentials check asks about (default: github.com and gitlab.com, when this agent has a token for them). */
    credentialHosts: z
      .array(CredentialHostSchema)
      .max(50)
      .refine((list) => new Set(list.map((t) => t.host)).size === list.length, 'names a host twice')
      .optional(),
    /** A volume whose free space, at its trend over the history, runs out within this many hours is a finding. */
    diskTrendHours: z
      .number()
      .min(0)
      .max(24 * 60)
      .default(PREFLIGHT_DEFAULTS.diskTrendHours),
    /** Repos to check (names under repos:); default: every configured repo. */
    repos: z.array(z.string().min(1)).optional(),
    /** Where the Jenkins workspaces live on the agents (host check's disk check); default: the worker's directory. */
    workspaceDir: z
      .string()
      .refine((v) => v.startsWith('/'), 'must be an absolute path')
      .optional(),
  })
  .superRefine((p, ctx) => {
    if (p.readinessAlertBelow !== undefined && p.readiness === 0) {
      ctx.addIssue({ code: 'custom', path: ['readinessAlertBelow'], message: 'needs the readiness check (readiness is "off": nothing would be measured)' });
    }
    if (p.modules > 0 && p.proxyCacheTtl >= p.modules) {
      ctx.addIssue({ code: 'custom', path: ['proxyCacheTtl'], message: 'must be shorter than the modules interval (each round must ask the proxy again)' });
    }
  });
export type PreflightConfig = z.output<typeof PreflightConfigSchema>;
