/**
 * Module-cache readiness as a pre-flight finding. Below 100 % the build
 * still passes while the proxy is up, so the finding is a warning; it
 * alerts (one alert per repo, updated and closed like the others) only when
 * `preflight.readinessAlertBelow` is set and the agent's readiness is below
 * it. The key names the agent: each agent's cache lacks its own modules, and
 * the alert shows each agent's line.
 */
import type { PreflightFinding } from './types.ts';

export interface ReadinessFigures {
  repo: string;
  agent: string;
  /** The agent's GOMODCACHE. */
  modcache: string;
  ready: number;
  total: number;
  percent: number;
  /** "path@version" of the modules not ready. */
  missing: readonly string[];
}

const SHOWN = 5;

/** No finding at 100 %; else one warning, alerting when `alertBelow` (percent) is set and readiness is below it. */
export function readinessFindings(r: ReadinessFigures, alertBelow: number | undefined): PreflightFinding[] {
  if (r.missing.length === 0) return [];
  const n = r.missing.length;
  const list = `${r.missing.slice(0, SHOWN).join(', ')}${n > SHOWN ? `, and ${n - SHOWN} more` : ''}`;
  const alert = alertBelow !== undefined && r.percent < alertBelow;
  return [
    {
      key: `readiness:${r.repo}:${r.agent}`,
      category: 'readiness',
      severity: 'warning',
      message:
        `if the proxy went down now, ${r.repo} would fail on ${n === 1 ? 'this module' : `these ${n} modules`} on ${r.agent}: ${list} ` +
        `(${r.ready}/${r.total} ready in ${r.modcache}, ${r.percent}%${alert ? `, below the ${alertBelow}% alert threshold` : ''})`,
      alert,
    },
  ];
}
