/** `dependency-health`: the dependency health report of a repo from this host (src/health), lists bounded for the job result. */
import { saveHealthSummary, summarizeHealth } from '../../health/health-summary.ts';
import { runHealthReport } from '../../health/run-health-report.ts';
import { metrics } from '../../metrics/metrics.ts';
import type { DependencyHealthJobResult } from '../job-results.ts';
import type { JobContext } from '../job-types.ts';
import type { DependencyHealthPayload } from '../payload-schemas.ts';

/** Rows kept per list in the job result (the counts stay exact in the findings). */
const MAX_ROWS = 200;

export async function runDependencyHealthJob(payload: DependencyHealthPayload, ctx: JobContext): Promise<DependencyHealthJobResult> {
  const report = await ctx.timed(
    'health',
    `dependency health of ${payload.repo}`,
    () =>
      runHealthReport(payload.repo, ctx.config, {
        signal: ctx.signal,
        onStage: (message) => ctx.progress({ step: 'checkout', status: 'info', message }),
      }),
    (r) => (r.status === 'fail' ? 'fail' : r.partial ? 'warn' : 'pass'),
  );
  // The gauges (serve's /metrics) and the digest read the last result per repo from Redis;
  // in-process mode relays it to this process's /metrics instead.
  const summary = summarizeHealth(payload.repo, report);
  if (ctx.state)
    await saveHealthSummary(ctx.state.redis, ctx.state.prefix, summary).catch((err: unknown) => ctx.logger.warn({ err }, 'could not store the health summary'));
  else metrics.healthSummary(summary);
  return {
    report: {
      ...report,
      outdated: report.outdated.slice(0, MAX_ROWS),
      deprecated: report.deprecated.slice(0, MAX_ROWS),
      retracted: report.retracted.slice(0, MAX_ROWS),
      vulnerabilities: report.vulnerabilities.slice(0, MAX_ROWS),
    },
  };
}
