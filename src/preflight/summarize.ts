/**
 * The engine's output → a compact pre-flight result, and the look-ahead
 * findings pre-flight adds: a certificate expiring within the configured
 * days, a volume filling up at its trend, a credential the host says
 * expires soon. Pure functions (unit-tested).
 */
import type { CheckResult, DiagnosisReport, Finding } from '../report/model.ts';
import { maskUrlCredentials } from '../util/redact.ts';
import type { CredentialDiscovery } from './credential-sources.ts';
import type { CredentialState, DiskSample, PreflightFinding, PreflightResult, PreflightStatus, ProxyLatency } from './types.ts';

const MAX_FINDINGS = 20;
const DAY_MS = 86_400_000;

function findingKey(f: Finding): string {
  if (f.key) return f.key;
  if (f.module) return `${f.category}:${f.module}${f.version ? `@${f.version}` : ''}`;
  return `${f.category}:${f.check ?? ''}:${f.message.slice(0, 80)}`;
}

/** Engine findings that matter ahead of the next build: errors alert, warnings are shown. */
export function fromEngineFindings(findings: readonly Finding[]): PreflightFinding[] {
  return findings
    .filter((f) => f.severity === 'error' || f.severity === 'warning')
    .slice(0, MAX_FINDINGS)
    .map((f) => ({ key: findingKey(f), category: f.category, severity: f.severity, message: f.message, alert: f.severity === 'error' }));
}

export function statusOf(findings: readonly PreflightFinding[]): PreflightStatus {
  if (findings.some((f) => f.severity === 'error')) return 'fail';
  if (findings.some((f) => f.alert || f.severity === 'warning')) return 'warn';
  return 'pass';
}

/** The module check's report (the same engine as `diagnose`). */
export function summarizeModules(report: DiagnosisReport): Pick<PreflightResult, 'status' | 'summary' | 'findings'> {
  const findings = fromEngineFindings(report.findings);
  const first = findings.find((f) => f.alert) ?? findings[0];
  const requirements = typeof report.facts.requirements === 'number' ? report.facts.requirements : undefined;
  return {
    status: report.ok ? statusOf(findings) : 'fail',
    summary: first ? first.message : `${requirements ?? 'all'} requirements on the proxy chain`,
    findings,
  };
}

/** "probe:direct:https://proxy.example" → the URL and route. */
function probeId(id: string): { route: string; url: string } | undefined {
  const m = /^probe:(direct|via-proxy):(.+)$/.exec(id);
  return m ? { route: m[1] ?? '', url: m[2] ?? '' } : undefined;
}

/** Days from now until a certificate's validTo ("Mar  1 12:00:00 2027 GMT"); undefined when unreadable. */
export function daysLeft(validTo: string, now: number): number | undefined {
  const at = Date.parse(validTo);
  return Number.isFinite(at) ? Math.floor(((at - now) / DAY_MS) * 10) / 10 : undefined;
}

/**
 * The probe's checks → latency per GOPROXY entry and checksum DB on go's
 * route (through the HTTP proxy when go uses one), failures on that route
 * (alerting: the next build cannot reach it), and certificates expiring
 * within certExpiryDays.
 */
export function summarizeProbe(
  checks: readonly CheckResult[],
  options: { now: number; certExpiryDays: number },
): Pick<PreflightResult, 'status' | 'summary' | 'findings' | 'latency'> {
  const byUrl = new Map<string, CheckResult>();
  for (const c of checks) {
    const id = probeId(c.id);
    if (!id) continue;
    // go's route: through the proxy when there is one (probeEndpoints adds it after the direct one).
    if (!byUrl.has(id.url) || id.route === 'via-proxy') byUrl.set(id.url, c);
  }
  const latency: ProxyLatency[] = [];
  const findings: PreflightFinding[] = [];
  for (const [url, c] of byUrl) {
    const days = c.tls ? daysLeft(c.tls.validTo, options.now) : undefined;
    latency.push({
      url: maskUrlCredentials(url),
      kind: c.title.startsWith('checksum DB') ? 'sumdb' : 'goproxy',
      status: c.status,
      ms: c.durationMs,
      ...(days !== undefined ? { certDaysLeft: days } : {}),
    });
    findings.push(...fromEngineFindings(c.findings));
    if (c.tls && days !== undefined && days <= options.certExpiryDays) {
      const host = new URL(url).host;
      findings.push({
        key: `certificate-expiring:${host}`,
        category: 'certificate-expiring',
        severity: 'warning',
        message:
          days <= 0
            ? `The TLS certificate of ${host} expired (${c.tls.validTo}): every request to it will fail.`
            : `The TLS certificate of ${host} expires in ${days < 1 ? 'less than a day' : `${Math.floor(days)} day${Math.floor(days) === 1 ? '' : 's'}`} (${c.tls.validTo}, issuer ${c.tls.issuer}): builds fail once it does.`,
        alert: true,
      });
    }
  }
  const bad = latency.filter((l) => l.status === 'fail' || l.status === 'error');
  const summary =
    bad.length > 0
      ? `${bad.map((l) => l.url).join(', ')} failing`
      : latency.length === 0
        ? 'no http(s) GOPROXY entry or checksum DB to probe'
        : latency.map((l) => `${new URL(l.url).host} ${l.ms} ms`).join(' · ');
  return { status: statusOf(findings), summary, findings: findings.slice(0, MAX_FINDINGS), latency };
}

/**
 * Least-squares slope of free bytes over time (bytes per ms) for one volume,
 * from samples newest first; undefined with fewer than 3 samples or a span
 * under 10 minutes.
 */
export function freeSpaceSlope(samples: ReadonlyArray<{ at: number; free: number }>): number | undefined {
  if (samples.length < 3) return undefined;
  const t0 = Math.min(...samples.map((s) => s.at));
  const span = Math.max(...samples.map((s) => s.at)) - t0;
  if (span < 10 * 60_000) return undefined;
  const n = samples.length;
  const mx = samples.reduce((a, s) => a + (s.at - t0), 0) / n;
  const my = samples.reduce((a, s) => a + s.free, 0) / n;
  let num = 0;
  let den = 0;
  for (const s of samples) {
    num += (s.at - t0 - mx) * (s.free - my);
    den += (s.at - t0 - mx) ** 2;
  }
  return den === 0 ? undefined : num / den;
}

function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

/**
 * Host checks (disk, go, git credentials) plus the disk trend: with the
 * earlier samples of this agent's history, a volume whose free space falls
 * below minFreeBytes within diskTrendHours at its current rate is an
 * alerting finding, before the threshold itself is crossed.
 */
export function summarizeHost(
  checks: readonly CheckResult[],
  disks: readonly DiskSample[],
  history: readonly PreflightResult[],
  options: { now: number; diskTrendHours: number; minFreeBytes: number },
): Pick<PreflightResult, 'status' | 'summary' | 'findings' | 'disks'> {
  const findings = checks.flatMap((c) => fromEngineFindings(c.findings));
  for (const d of disks) {
    const samples = [
      { at: options.now, free: d.freeBytes },
      ...history.flatMap((r) => {
        const s = r.disks?.find((x) => x.id === d.id);
        return s ? [{ at: Date.parse(r.finishedAt), free: s.freeBytes }] : [];
      }),
    ].filter((s) => Number.isFinite(s.at) && options.now - s.at <= 7 * DAY_MS);
    const slope = freeSpaceSlope(samples);
    if (slope === undefined || slope >= 0 || options.diskTrendHours <= 0) continue;
    const headroom = d.freeBytes - options.minFreeBytes;
    const hours = headroom <= 0 ? 0 : headroom / -slope / 3_600_000;
    if (hours <= options.diskTrendHours) {
      const path = d.id.replace(/^disk:/, '');
      const perHour = formatBytes(-slope * 3_600_000);
      findings.push({
        key: `disk-trend:${d.id}`,
        category: 'disk-trend',
        severity: 'warning',
        message: `${path} is filling up by ${perHour}/h: at this rate its free space (${formatBytes(d.freeBytes)}) falls below ${formatBytes(options.minFreeBytes)} in ${hours < 1 ? 'less than an hour' : `about ${Math.round(hours)} h`}, and builds then fail with "no space left on device".`,
        alert: true,
      });
    }
  }
  const first = findings.find((f) => f.alert) ?? findings[0];
  const disk = disks[0];
  return {
    status: statusOf(findings),
    summary: first ? first.message : disk ? `${formatBytes(disk.freeBytes)} free on ${disk.id.replace(/^disk:/, '')}` : 'host checks pass',
    findings: findings.slice(0, MAX_FINDINGS),
    disks: [...disks],
  };
}

/** GitHub's `github-authentication-token-expiration` header ("2026-12-20 10:00:00 UTC") → epoch ms. */
export function tokenExpiryFromHeaders(headers: Record<string, string | undefined>): number | undefined {
  const raw = headers['github-authentication-token-expiration'];
  if (!raw) return undefined;
  const at = Date.parse(
    raw.replace(
      /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}) ?(UTC|[+-]\d{4})?$/,
      (_m, d: string, t: string, z?: string) => `${d}T${t}${!z || z === 'UTC' ? 'Z' : z}`,
    ),
  );
  return Number.isFinite(at) ? at : undefined;
}

/**
 * GitLab's `expires_at` of a token ("2026-12-09", a date; the token stops
 * working at 00:00 UTC that day) → epoch ms; a full ISO time is taken as
 * is; undefined for anything else (including impossible dates).
 */
export function gitlabTokenExpiry(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
  if (m) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const at = Date.UTC(y, mo - 1, d);
    const back = new Date(at);
    return back.getUTCFullYear() === y && back.getUTCMonth() === mo - 1 && back.getUTCDate() === d ? at : undefined;
  }
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(value.trim())) return undefined;
  const at = Date.parse(value);
  return Number.isFinite(at) ? at : undefined;
}

function whereFrom(source: string | undefined): string {
  return source ? ` (${source})` : '';
}

/** A credential the host says expires within `days`: an alerting finding naming the host, its source and the date, never the token. */
export function credentialExpiryFinding(host: string, expiresAt: number, now: number, days: number, source?: string): PreflightFinding | undefined {
  const left = (expiresAt - now) / DAY_MS;
  if (left > days) return undefined;
  return {
    key: `credential-expiring:${host}`,
    category: 'credential-expiring',
    severity: 'warning',
    message:
      left <= 0
        ? `The token this agent uses for ${host}${whereFrom(source)} has expired (${new Date(expiresAt).toISOString()}): fetching private modules from ${host} fails.`
        : `The token this agent uses for ${host}${whereFrom(source)} expires in ${left < 1 ? 'less than a day' : `${Math.floor(left)} day${Math.floor(left) === 1 ? '' : 's'}`} (${new Date(expiresAt).toISOString()}, as ${host} reports it): renew it before private module fetches fail.`,
    alert: true,
  };
}

/** A token its host answers 401 for: the next private fetch fails (alerting, an error). */
export function credentialRejectedFinding(host: string, source: string): PreflightFinding {
  return {
    key: `credential-rejected:${host}`,
    category: 'credential-rejected',
    severity: 'error',
    message: `The token this agent uses for ${host} is rejected (401): private module fetches from ${host} fail. Replace it in ${source}.`,
    alert: true,
  };
}

/**
 * A token whose host could not be asked, or whose answer says nothing about
 * it: expiry and validity are unknown. Not an alert (nothing says the next
 * build breaks), but a warning: the check is blind for this host until it
 * can ask again.
 */
export function credentialCheckFailedFinding(c: Pick<CredentialState, 'host' | 'source' | 'api' | 'reason' | 'hint'>): PreflightFinding {
  const why = c.reason ?? `${c.host} did not answer`;
  const hint = c.hint ?? `check that this agent reaches ${c.api} (DNS, HTTPS_PROXY/NO_PROXY, firewall, TLS roots)`;
  return {
    key: `credential-check-failed:${c.host}`,
    category: 'credential-check-failed',
    severity: 'warning',
    message: `Could not check the token this agent uses for ${c.host} (${c.source}): ${why}. Whether it still works and when it expires are unknown; ${hint}.`,
    alert: false,
  };
}

function dayOf(iso: string): string {
  return iso.slice(0, 10);
}

/**
 * The credentials check: per token asked about, what its host said; findings
 * for a token expiring within `days` (alerting), rejected (alerting, an
 * error), or that could not be checked (credential-check-failed, a warning
 * shown only); and plainly "nothing to
 * check" when this agent has no token for the hosts.
 */
export function summarizeCredentials(
  discovery: Pick<CredentialDiscovery, 'missing' | 'unchecked' | 'netrc' | 'defaults'>,
  states: readonly CredentialState[],
  options: { now: number; days: number },
): Pick<PreflightResult, 'status' | 'summary' | 'findings' | 'credentials'> {
  const findings: PreflightFinding[] = [];
  const parts: string[] = [];
  for (const c of states) {
    switch (c.state) {
      case 'expires': {
        const at = Date.parse(c.expiresAt ?? '');
        const f = Number.isFinite(at) ? credentialExpiryFinding(c.host, at, options.now, options.days, c.source) : undefined;
        if (f) findings.push(f);
        const left = Math.floor((at - options.now) / DAY_MS);
        parts.push(`${c.host}: ${left < 0 ? 'expired' : 'expires'} ${dayOf(c.expiresAt ?? '')}${left >= 0 ? ` (in ${left} day${left === 1 ? '' : 's'})` : ''}`);
        break;
      }
      case 'no-expiry':
        parts.push(`${c.host}: valid, no expiry reported`);
        break;
      case 'rejected':
        findings.push(credentialRejectedFinding(c.host, c.source));
        parts.push(`${c.host}: rejected (${c.httpStatus ?? 401})`);
        break;
      case 'error':
        findings.push(credentialCheckFailedFinding(c));
        parts.push(`${c.host}: could not check (${c.reason ?? 'no answer'})`);
        break;
    }
  }
  const netrc = `${discovery.netrc.label}${discovery.netrc.present ? '' : ' (no such file)'}`;
  if (states.length === 0) {
    const hosts = discovery.missing.join(', ') || 'the configured hosts';
    parts.push(`nothing to check: no token for ${hosts} in ${netrc} or in a GOPROXY URL`);
  } else if (discovery.missing.length > 0 && !discovery.defaults) {
    parts.push(`no token for ${discovery.missing.join(', ')} in ${netrc} or in a GOPROXY URL`);
  }
  if (discovery.unchecked.length > 0) {
    parts.push(`not asked (add to preflight.credentialHosts with its kind): ${discovery.unchecked.map((u) => u.host).join(', ')}`);
  }
  return {
    status: statusOf(findings),
    // Short enough for a status row: host, state and date of each token.
    summary: parts.join(' · '),
    findings: findings.slice(0, MAX_FINDINGS),
    credentials: [...states],
  };
}
