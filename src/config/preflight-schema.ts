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
  modules: 15 * 60_000,
  probe: 5 * 60_000,
  readiness: 6 * 3_600_000,
  host: 15 * 60_000,
  jitter: 60_000,
  proxyCacheTtl: 5 * 60_000,
  history: 96,
  certExpiryDays: 14,
  diskTrendHours: 24,
} as const;

export const PreflightConfigSchema = z
  .strictObject({
    /** The module check (the engine's `modules` part and module graph) of each configured repo. */
    modules: Interval.default(PREFLIGHT_DEFAULTS.modules),
    /** The network probe of this host's GOPROXY chain and checksum DB (TLS, latency). */
    probe: Interval.default(PREFLIGHT_DEFAULTS.probe),
    /** Module-cache readiness of each configured repo against this host's GOMODCACHE. */
    readiness: Interval.default(PREFLIGHT_DEFAULTS.readiness),
    /** Host checks: disk and inodes (with their trend), go, git credentials. */
    host: Interval.default(PREFLIGHT_DEFAULTS.host),
    /** Each schedule is shifted by a fixed offset in [0, jitter) derived from agent and check, so agents do not hit the proxy together. */
    jitter: Duration('at most 1h', 3_600_000).default(PREFLIGHT_DEFAULTS.jitter),
    /** How long a worker reuses a proxy answer across its repos' module checks; shorter than the modules interval. */
    proxyCacheTtl: Duration('at most 1h', 3_600_000).default(PREFLIGHT_DEFAULTS.proxyCacheTtl),
    /** Results kept per agent, check and repo (a capped list in Redis). */
    history: z.number().int().min(1).max(10_000).default(PREFLIGHT_DEFAULTS.history),
    /** A proxy or checksum DB certificate expiring within this many days is a finding. */
    certExpiryDays: z.number().int().min(0).max(365).default(PREFLIGHT_DEFAULTS.certExpiryDays),
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
    if (p.modules > 0 && p.proxyCacheTtl >= p.modules) {
      ctx.addIssue({ code: 'custom', path: ['proxyCacheTtl'], message: 'must be shorter than the modules interval (each round must ask the proxy again)' });
    }
  });
export type PreflightConfig = z.output<typeof PreflightConfigSchema>;
