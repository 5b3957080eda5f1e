/**
 * `warm-modcache`: `go mod download` in a checkout of the repo on the agent
 * (the playbook's pre-cache step). go fetches only what the module cache
 * lacks, so this fills exactly the modules readiness reports missing; the
 * result carries readiness before and after as the proof.
 */
import type { GoEnv } from '../../config/env.ts';
import { resolveTarget } from '../../engine/resolve-target.ts';
import { runCommand } from '../../exec/run-command.ts';
import { agentModcache } from '../../modcache/agent-modcache.ts';
import { checkModcacheReadiness } from '../../modcache/readiness.ts';
import type { ReadinessSummary, WarmModcacheJobResult } from '../job-results.ts';
import type { JobContext } from '../job-types.ts';
import type { WarmModcachePayload } from '../payload-schemas.ts';
import { combinedTail } from './output-tail.ts';

async function measure(dir: string, modcache: string | undefined, signal: AbortSignal, goEnv: GoEnv): Promise<ReadinessSummary | undefined> {
  if (modcache === undefined) return undefined;
  try {
    const r = await checkModcacheReadiness(dir, modcache, { signal, goEnv });
    return { ready: r.ready, total: r.total, percent: r.percent, missing: r.missing.slice(0, 200).map((m) => `${m.path}@${m.version}`) };
  } catch {
    // Readiness is a bonus here: a go.mod it cannot read is go's to report.
    return undefined;
  }
}

export async function runWarmModcacheJob(payload: WarmModcachePayload, ctx: JobContext): Promise<WarmModcacheJobResult> {
  const target = await ctx.timed('checkout', `locating ${payload.repo}`, () => resolveTarget(payload.repo, ctx.config, { signal: ctx.signal }));
  try {
    const modcache = await agentModcache(undefined, ctx.config.goEnv, { signal: ctx.signal }).catch(() => undefined);
    const before = await measure(target.dir, modcache, ctx.signal, ctx.config.goEnv);
    const run = await ctx.timed(
      'download',
      `go mod download in ${target.origin}${before ? ` (${before.missing.length} module${before.missing.length === 1 ? '' : 's'} missing)` : ''}`,
      () => runCommand(['go', 'mod', 'download'], { cwd: target.dir, timeoutMs: 14 * 60_000, signal: ctx.signal, env: { GIT_TERMINAL_PROMPT: '0' } }),
    );
    const after = before ? await measure(target.dir, modcache, ctx.signal, ctx.config.goEnv) : undefined;
    return {
      repo: target.origin,
      command: run.command,
      exitCode: run.exitCode,
      durationMs: run.durationMs,
      outputTail: combinedTail(run),
      ...(before ? { readinessBefore: before } : {}),
      ...(after ? { readinessAfter: after } : {}),
    };
  } finally {
    await target.cleanup();
  }
}
