/** `modcache-drill`: module-cache readiness, then the offline `go mod download` drill, on this host (src/modcache). */
import { resolveTarget } from '../../engine/resolve-target.ts';
import { agentModcache } from '../../modcache/agent-modcache.ts';
import { runModcacheDrill } from '../../modcache/drill.ts';
import { checkModcacheReadiness } from '../../modcache/readiness.ts';
import type { ModcacheDrillJobResult } from '../job-results.ts';
import type { JobContext } from '../job-types.ts';
import type { ModcacheDrillPayload } from '../payload-schemas.ts';

export async function runModcacheDrillJob(payload: ModcacheDrillPayload, ctx: JobContext): Promise<ModcacheDrillJobResult> {
  const target = await ctx.timed('checkout', `locating ${payload.repo}`, () => resolveTarget(payload.repo, ctx.config, { signal: ctx.signal }));
  try {
    const modcache = await agentModcache(undefined, ctx.config.goEnv, { signal: ctx.signal });
    const readiness = await ctx.timed('readiness', `checking ${modcache}`, () =>
      checkModcacheReadiness(target.dir, modcache, { signal: ctx.signal, goEnv: ctx.config.goEnv }),
    );
    const drill = await ctx.timed('drill', 'go mod download with GOPROXY=off', () =>
      runModcacheDrill(target.dir, modcache, { goEnv: ctx.config.goEnv, timeoutMs: 8 * 60_000, signal: ctx.signal }),
    );
    return {
      repo: target.origin,
      modcache,
      readiness: {
        ready: readiness.ready,
        total: readiness.total,
        percent: readiness.percent,
        missing: readiness.missing.slice(0, 200).map((m) => ({ path: m.path, version: m.version, problems: m.problems })),
      },
      drill: { passed: drill.passed, failures: drill.failures.slice(0, 200), otherErrors: drill.otherErrors, durationMs: drill.durationMs },
    };
  } finally {
    await target.cleanup();
  }
}
