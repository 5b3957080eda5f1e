/**
 * The last dependency health result per repo, as numbers: what the gauges
 * expose and the digest lists. Kept in Redis beside the job layer's keys:
 *
 *   <prefix>:bf:health:last   hash  repo → HealthSummary (JSON)
 *
 * One field per configured repo (or target a person asked about), written
 * by whoever ran the report (the dependency-health job on a worker), read
 * by serve's /metrics on scrape.
 */
import type { Redis } from 'ioredis';
import type { HealthReport } from './health-report.ts';

export interface HealthSummary {
  repo: string;
  generatedAt: string;
  status: 'pass' | 'fail';
  partial: boolean;
  direct: number;
  indirect: number;
  outdated: number;
  /** Outdated modules beyond a threshold (majors, minors or days behind). */
  outdatedOverThreshold: number;
  deprecated: number;
  retracted: number;
  /** Distinct vulnerability ids affecting the versions in use. */
  vulnerabilities: number;
}

/** At most this many repos are kept (a flood of ad-hoc targets cannot grow the hash without bound). */
const MAX_REPOS = 500;

export function summarizeHealth(repo: string, r: HealthReport): HealthSummary {
  return {
    repo,
    generatedAt: r.generatedAt,
    status: r.status,
    partial: r.partial,
    direct: r.requirements.direct,
    indirect: r.requirements.indirect,
    outdated: r.outdated.length,
    outdatedOverThreshold: r.outdated.filter((o) => o.exceeds.length > 0).length,
    deprecated: r.deprecated.length,
    retracted: r.retracted.length,
    vulnerabilities: new Set(r.vulnerabilities.map((v) => v.id)).size,
  };
}

export function healthKey(prefix: string): string {
  return `${prefix}:bf:health:last`;
}

export async function saveHealthSummary(redis: Redis, prefix: string, summary: HealthSummary): Promise<void> {
  const key = healthKey(prefix);
  if ((await redis.hexists(key, summary.repo)) === 0 && (await redis.hlen(key)) >= MAX_REPOS) return;
  await redis.hset(key, summary.repo, JSON.stringify(summary));
}

export async function readHealthSummaries(redis: Redis, prefix: string): Promise<HealthSummary[]> {
  const all = await redis.hgetall(healthKey(prefix));
  const out: HealthSummary[] = [];
  for (const value of Object.values(all)) {
    try {
      out.push(JSON.parse(value) as HealthSummary);
    } catch {
      // a damaged field is skipped, never fatal for a scrape
    }
  }
  return out.sort((a, b) => (a.repo < b.repo ? -1 : 1));
}
