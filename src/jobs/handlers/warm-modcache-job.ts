/** `warm-modcache`: `go mod download` in a checkout of the repo on the agent (the playbook's pre-cache step). */
import { resolveTarget } from '../../engine/resolve-target.ts';
import { runCommand } from '../../exec/run-command.ts';
import type { WarmModcacheJobResult } from '../job-results.ts';
import type { JobContext } from '../job-types.ts';
import type { WarmModcachePayload } from '../payload-schemas.ts';
import { combinedTail } from './output-tail.ts';

export async function runWarmModcacheJob(payload: WarmModcachePayload, ctx: JobContext): Promise<WarmModcacheJobResult> {
  const target = await ctx.timed('checkout', `locating ${payload.repo}`, () => resolveTarget(payload.repo, ctx.config, { signal: ctx.signal }));
  try {
    const run = await ctx.timed('download', `go mod download in ${target.origin}`, () =>
      runCommand(['go', 'mod', 'download'], { cwd: target.dir, timeoutMs: 14 * 60_000, signal: ctx.signal, env: { GIT_TERMINAL_PROMPT: '0' } }),
    );
    return { repo: target.origin, command: run.command, exitCode: run.exitCode, durationMs: run.durationMs, outputTail: combinedTail(run) };
  } finally {
    await target.cleanup();
  }
}
