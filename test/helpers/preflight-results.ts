/**
 * A pre-flight result the gone-agent tests record for an agent: the modules check failing on one
 * evicted module (an alerting finding), finished at `finishedAt`.
 */
import type { PreflightResult } from '../../src/preflight/types.ts';

export function evictedModuleRun(agent: string, repo: string, finishedAt: Date): PreflightResult {
  const at = finishedAt.toISOString();
  return {
    v: 1,
    agent,
    check: 'modules',
    repo,
    startedAt: at,
    finishedAt: at,
    durationMs: 5,
    status: 'fail',
    summary: 'example.test/beta@v1.1.0 is gone',
    findings: [
      {
        key: 'version-not-found:example.test/beta@v1.1.0',
        category: 'version-not-found',
        severity: 'error',
        message: 'example.test/beta@v1.1.0 is gone from the proxy',
        alert: true,
      },
    ],
  };
}
