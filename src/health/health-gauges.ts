/**
 * Prometheus gauges per repo from the last dependency health results,
 * refreshed on scrape (prom-client `collect`) from a source such as the
 * Redis summaries (health-summary.ts). Repo label values go through the
 * LabelGuard (safe characters, a bounded number of distinct values). A
 * source that fails leaves the gauges empty for that scrape and sets
 * buildfix_health_source_up to 0; a source that answers (even with no
 * summary yet) sets it to 1, from the first scrape on.
 */
import { Gauge, type Registry } from 'prom-client';
import { LabelGuard } from '../metrics/label-guard.ts';
import type { HealthSummary } from './health-summary.ts';

export type HealthSummarySource = () => Promise<HealthSummary[]>;

const COUNTS = [
  ['buildfix_health_direct_requirements', 'Direct requirements of the repo (last health report)', (s: HealthSummary) => s.direct],
  ['buildfix_health_indirect_requirements', 'Indirect requirements: the rest of the build list (last health report)', (s: HealthSummary) => s.indirect],
  ['buildfix_health_outdated_modules', 'Modules behind their latest release (last health report)', (s: HealthSummary) => s.outdated],
  [
    'buildfix_health_outdated_over_threshold',
    'Modules behind beyond the health thresholds (majors, minors or days)',
    (s: HealthSummary) => s.outdatedOverThreshold,
  ],
  ['buildfix_health_deprecated_modules', 'Deprecated modules in the build list (last health report)', (s: HealthSummary) => s.deprecated],
  ['buildfix_health_retracted_versions', 'Retracted versions in use (last health report)', (s: HealthSummary) => s.retracted],
  ['buildfix_health_vulnerabilities', 'Known vulnerabilities (distinct ids) affecting the versions in use', (s: HealthSummary) => s.vulnerabilities],
  ['buildfix_health_over_threshold', '1 when the last health report exceeds a threshold, else 0', (s: HealthSummary) => (s.status === 'fail' ? 1 : 0)],
  ['buildfix_health_partial', '1 when the last health report was partial (a source could not be read)', (s: HealthSummary) => (s.partial ? 1 : 0)],
  [
    'buildfix_health_report_timestamp_seconds',
    'When the last health report of the repo was made (Unix seconds)',
    (s: HealthSummary) => Date.parse(s.generatedAt) / 1000,
  ],
] as const;

export interface HealthGaugesOptions {
  /** Distinct repo label values before "other" (default 100). */
  labelLimit?: number;
  /** Budget of one read during a scrape (default 2000 ms). */
  timeoutMs?: number;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`health summaries did not answer within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([p, limit]).finally(() => clearTimeout(timer));
}

/** Registers the per-repo health gauges on `registry`; they read `source` once per scrape. */
export function registerHealthGauges(registry: Registry, source: HealthSummarySource, options: HealthGaugesOptions = {}): void {
  const labels = new LabelGuard(options.labelLimit ?? 100);
  const timeoutMs = options.timeoutMs ?? 2000;
  let pending: Promise<HealthSummary[] | undefined> | undefined;
  // Reads the source itself, like the per-repo gauges: without its own collect() it showed the previous
  // scrape's read, so the first scrape said 0 (prom-client's initial value) although nothing had failed.
  const up: Gauge = new Gauge({
    name: 'buildfix_health_source_up',
    help: '1 when the health summaries could be read during this scrape (also before any report exists), else 0',
    registers: [registry],
    async collect() {
      await read();
    },
  });
  // One read per scrape, shared by every gauge's collect().
  const read = (): Promise<HealthSummary[] | undefined> => {
    pending ??= withTimeout(source(), timeoutMs)
      .then(
        (s) => {
          up.set(1);
          return s;
        },
        () => {
          up.set(0);
          return undefined;
        },
      )
      .finally(() => setTimeout(() => (pending = undefined), 0).unref());
    return pending;
  };
  for (const [name, help, value] of COUNTS) {
    const gauge: Gauge<'repo'> = new Gauge({
      name,
      help,
      labelNames: ['repo'] as const,
      registers: [registry],
      async collect() {
        const summaries = await read();
        gauge.reset();
        for (const s of summaries ?? []) {
          const v = value(s);
          if (Number.isFinite(v)) gauge.set({ repo: labels.value('health', 'repo', s.repo) }, v);
        }
      },
    });
  }
}
