/**
 * Orders findings so the most likely root cause comes first. Environment
 * problems (disk, proxy off, a broken corporate proxy) make every later step
 * fail, so they outrank what they cause (lookups that error, missing sums).
 */
import type { Finding, FindingCategory, Severity } from './model.ts';

const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export const CATEGORY_PRIORITY: readonly FindingCategory[] = [
  'disk-full',
  'proxy-disabled',
  'vendor-missing',
  'corporate-proxy',
  'tls-interception',
  'proxy-config',
  'proxy-unreachable',
  'private-module-auth',
  'private-module-routing',
  'git-credentials',
  'toolchain-mismatch',
  'replace-directive',
  'module-path-mismatch',
  'version-not-found',
  'checksum-mismatch',
  'sumdb-unreachable',
  'missing-go-sum',
  'rate-limited',
  'retracted-version',
  'sumdb-disabled',
  'host-environment',
  'unknown',
];

function categoryRank(category: FindingCategory): number {
  const i = CATEGORY_PRIORITY.indexOf(category);
  return i === -1 ? CATEGORY_PRIORITY.length : i;
}

export function rankFindings(findings: readonly Finding[]): Finding[] {
  return findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => SEVERITY_RANK[a.f.severity] - SEVERITY_RANK[b.f.severity] || categoryRank(a.f.category) - categoryRank(b.f.category) || a.i - b.i)
    .map(({ f }) => f);
}
