/** Terminal text for `buildfix cache status` and `buildfix drill`. */
import type { ModcacheDrillJobResult, ReadinessSummary } from '../jobs/job-results.ts';
import type { DrillResult } from './drill.ts';
import type { ModcacheReadiness } from './readiness.ts';

const LIST_MAX = 50;

export function renderReadiness(r: ModcacheReadiness, origin: string): string {
  const lines = [`module cache ${r.modcache} for ${origin}: ${r.ready}/${r.total} modules ready (${r.percent}%)`];
  if (r.wouldPass) lines.push('if the proxy went down now, this build would still pass (go mod download from the cache alone).');
  else {
    lines.push(`if the proxy went down now, this build would fail on ${r.missing.length} module${r.missing.length === 1 ? '' : 's'}:`);
    for (const m of r.missing.slice(0, LIST_MAX)) lines.push(`  ${m.path}@${m.version}  ${m.problems.join('; ')}`);
    if (r.missing.length > LIST_MAX) lines.push(`  … and ${r.missing.length - LIST_MAX} more (--json lists all)`);
  }
  const notes = r.modules.filter((m) => m.notes.length > 0);
  for (const m of notes.slice(0, 10)) lines.push(`note: ${m.path}@${m.version}: ${m.notes.join('; ')}`);
  return `${lines.join('\n')}\n`;
}

export function renderDrill(d: DrillResult, origin: string, modcache: string): string {
  const lines: string[] = [];
  if (d.passed) lines.push(`drill passed: go mod download of ${origin} succeeds with GOPROXY=off from ${modcache} (${d.durationMs} ms)`);
  else {
    lines.push(
      `drill FAILED: go mod download of ${origin} with GOPROXY=off from ${modcache} would fail${d.failures.length > 0 ? ` on ${d.failures.length} module${d.failures.length === 1 ? '' : 's'}:` : ':'}`,
    );
    for (const f of d.failures.slice(0, LIST_MAX)) lines.push(`  ${f.path}${f.version ? `@${f.version}` : ''}: ${f.message}`);
    for (const e of d.otherErrors.slice(0, 10)) lines.push(`  ${e}`);
  }
  lines.push(`(a temporary copy of the repository and of the cache's download area was used; nothing of the agent's was changed)`);
  return `${lines.join('\n')}\n`;
}

/** The chat job's result as a headline and plain lines (the Slack side escapes them). */
export function drillSummaryLines(r: ModcacheDrillJobResult, max = 15): { headline: string; lines: string[] } {
  const headline = r.drill.passed
    ? `Drill passed: ${r.repo} builds with the proxy down (module cache ${r.readiness.ready}/${r.readiness.total} ready, ${r.readiness.percent}%)`
    : `Drill FAILED: with the proxy down, ${r.repo} would fail${r.drill.failures.length > 0 ? ` on ${r.drill.failures.length} module${r.drill.failures.length === 1 ? '' : 's'}` : ''} (module cache ${r.readiness.ready}/${r.readiness.total} ready, ${r.readiness.percent}%)`;
  const lines = [
    ...r.drill.failures.slice(0, max).map((f) => `${f.path}${f.version ? `@${f.version}` : ''}: ${f.message}`),
    ...(r.drill.failures.length > max ? [`… and ${r.drill.failures.length - max} more`] : []),
    ...r.drill.otherErrors.slice(0, 5),
  ];
  if (r.drill.passed && r.readiness.missing.length > 0)
    lines.push(
      `readiness lists ${r.readiness.missing.length} module(s) go did not need offline: ${r.readiness.missing
        .slice(0, 5)
        .map((m) => `${m.path}@${m.version}`)
        .join(', ')}`,
    );
  lines.push(`module cache ${r.modcache} (read only; go ran in temporary copies)`);
  return { headline, lines };
}

/** What a cache warm-up fetched and where readiness ended, as plain lines ([] when it was not measured). */
export function warmSummaryLines(before: ReadinessSummary | undefined, after: ReadinessSummary | undefined, max = 15): string[] {
  if (!before) return [];
  const lines: string[] = [];
  if (before.missing.length === 0) lines.push(`nothing was missing (${before.ready}/${before.total} modules already in the cache)`);
  else {
    lines.push(
      `filled ${before.missing.length} missing module${before.missing.length === 1 ? '' : 's'}: ${before.missing.slice(0, max).join(', ')}${before.missing.length > max ? `, … ${before.missing.length - max} more` : ''}`,
    );
  }
  if (after)
    lines.push(
      `readiness ${before.percent}% → ${after.percent}% (${after.ready}/${after.total})${after.missing.length > 0 ? `; still missing: ${after.missing.slice(0, max).join(', ')}` : ''}`,
    );
  return lines;
}
