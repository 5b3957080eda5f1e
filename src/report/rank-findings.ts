/**
 * Orders findings so the most likely root cause comes first. Environment
 * problems (disk, proxy off, a broken corporate proxy) make every later step
 * fail, so they outrank what they cause (lookups that error, missing sums).
 */
import type { Finding, FindingCategory, Severity } from './model.ts';

const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export const CATEGORY_PRIORITY: readonly FindingCategory[] = [
  'invalid-go-mod',
  'disk-full',
  'proxy-disabled',
  'vendor-missing',
  'vendor-inconsistent',
  'proxy-config',
  'corporate-proxy',
  'tls-interception',
  'proxy-unreachable',
  'proxy-server-error',
  'registry-auth',
  'private-module-auth',
  'vanity-import',
  'private-module-routing',
  'git-credentials',
  'toolchain-unavailable',
  'toolchain-mismatch',
  'replace-directive',
  'module-path-mismatch',
  'excluded-version',
  'version-not-found',
  'invalid-module-zip',
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
