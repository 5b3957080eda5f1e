/** `host-check`: disk and inodes, the go toolchain and go env, git credentials for private hosts. */
import { checkHost } from '../../checks/host-check.ts';
import { privateHostsFromConfig } from '../../engine/diagnose.ts';
import type { HostCheckJobResult } from '../job-results.ts';
import type { JobContext, StepStatus } from '../job-types.ts';
import type { HostCheckPayload } from '../payload-schemas.ts';

export async function runHostCheckJob(payload: HostCheckPayload, ctx: JobContext): Promise<HostCheckJobResult> {
  const checks = await ctx.timed(
    'host',
    'checking disk, go and git credentials',
    () =>
      checkHost({
        workspaceDir: payload.workspaceDir ?? process.cwd(),
        thresholds: ctx.config.thresholds,
        goEnv: ctx.config.goEnv,
        privateHosts: privateHostsFromConfig(ctx.config),
        timeoutMs: 15_000,
        signal: ctx.signal,
      }),
    (results): StepStatus =>
      results.some((r) => r.status === 'fail' || r.status === 'error') ? 'fail' : results.some((r) => r.status === 'warn') ? 'warn' : 'pass',
  );
  for (const c of checks) ctx.progress({ step: c.id, message: c.detail ? `${c.title}: ${c.detail}` : c.title, status: c.status, durationMs: c.durationMs });
  return { ok: !checks.some((c) => c.status === 'fail' || c.status === 'error'), checks };
}
