/**
 * An outage drill as a pre-flight result (check "drill"): what the health
 * history, `status` and the gauges keep of it — pass, or the modules that
 * would fail, with who ran it. Pure.
 */
import { HOST_SCOPE, type DrillRecord, type PreflightFinding, type PreflightResult } from './types.ts';

/** What a drill found (the job's result and src/modcache/host-drill.ts both have this shape). */
export interface DrillFacts {
  modcache: string;
  readiness: { ready: number; total: number };
  drill: { passed: boolean; failures: ReadonlyArray<{ path: string; version: string }>; otherErrors: readonly string[] };
}

const FAILED_KEPT = 50;

function moduleOf(f: { path: string; version: string }): string {
  return f.version ? `${f.path}@${f.version}` : f.path;
}

/** Status, one-line summary, finding and record of a drill. */
export function summarizeDrill(repo: string, facts: DrillFacts): Pick<PreflightResult, 'status' | 'summary' | 'findings' | 'drill'> {
  const failed = facts.drill.failures.map(moduleOf);
  const drill: DrillRecord = {
    passed: facts.drill.passed,
    failed: failed.slice(0, FAILED_KEPT),
    failedCount: failed.length,
    otherErrors: facts.drill.otherErrors.slice(0, 5),
    modcache: facts.modcache,
    ready: facts.readiness.ready,
    total: facts.readiness.total,
  };
  if (facts.drill.passed) {
    return {
      status: 'pass',
      summary: `passed: the build survives a proxy outage (${facts.readiness.ready}/${facts.readiness.total} modules in the cache)`,
      findings: [],
      drill,
    };
  }
  const what =
    failed.length > 0
      ? `failed on ${failed.length} module${failed.length === 1 ? '' : 's'}: ${failed.slice(0, 5).join(', ')}${failed.length > 5 ? ', …' : ''}`
      : `failed: ${facts.drill.otherErrors[0] ?? 'go mod download failed with GOPROXY=off'}`;
  const finding: PreflightFinding = {
    key: `drill:${repo}`,
    category: 'drill',
    severity: 'error',
    message: `with the proxy down, go mod download of ${repo} ${what}`,
    // A proxy outage is not the next build: shown and measured, not alerted (as readiness).
    alert: false,
  };
  return { status: 'fail', summary: what, findings: [finding], drill };
}

interface DrillRun {
  agent: string;
  repo: string;
  /** Who asked for it; absent: the schedule. */
  by?: string | undefined;
  startedAt: Date;
  durationMs: number;
}

/** What every drill record carries, whatever its outcome. */
function drillRecord(run: DrillRun, outcome: Pick<PreflightResult, 'status' | 'summary' | 'findings' | 'drill'>): PreflightResult {
  return {
    v: 1,
    agent: run.agent,
    check: 'drill',
    repo: run.repo || HOST_SCOPE,
    startedAt: run.startedAt.toISOString(),
    finishedAt: new Date(run.startedAt.getTime() + run.durationMs).toISOString(),
    durationMs: run.durationMs,
    ...outcome,
    ...(run.by ? { by: run.by } : {}),
  };
}

/** A whole drill result for the history: on `agent`, asked for by `by` (absent: the schedule). */
export function drillPreflightResult(input: DrillRun & { facts: DrillFacts }): PreflightResult {
  return drillRecord(input, summarizeDrill(input.repo, input.facts));
}

/** A drill that could not run (the repo could not be fetched, no module cache …). */
export function drillErrorResult(input: DrillRun & { error: string }): PreflightResult {
  return drillRecord(input, { status: 'error', summary: `could not run: ${input.error.split('\n')[0] ?? ''}`, findings: [] });
}
