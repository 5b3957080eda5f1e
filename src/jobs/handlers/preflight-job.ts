/** `preflight`: one scheduled pre-flight check on this host (src/preflight), results kept in Redis (in memory in-process). */
import { PreflightConfigSchema } from '../../config/preflight-schema.ts';
import { runPreflightCheck } from '../../preflight/run-check.ts';
import { processMemoryStore, RedisPreflightStore } from '../../preflight/store.ts';
import { PREFLIGHT_TIMEOUT_MS } from '../../preflight/types.ts';
import type { PreflightJobResult } from '../job-results.ts';
import type { JobContext } from '../job-types.ts';
import type { PreflightPayload } from '../payload-schemas.ts';

export async function runPreflightJob(payload: PreflightPayload, ctx: JobContext): Promise<PreflightJobResult> {
  const preflight = ctx.config.preflight ?? PreflightConfigSchema.parse({});
  const store = ctx.state ? new RedisPreflightStore(ctx.state.redis, ctx.state.prefix) : processMemoryStore();
  const result = await runPreflightCheck({
    check: payload.check,
    repo: payload.repo,
    agent: ctx.host,
    config: ctx.config,
    preflight,
    store,
    lockMs: PREFLIGHT_TIMEOUT_MS + 30_000,
    signal: ctx.signal,
    onProgress: ctx.engineProgress,
    logger: ctx.logger,
  });
  ctx.progress({
    step: 'preflight',
    message: `${payload.check}${payload.repo ? ` ${payload.repo}` : ''}: ${result.summary}`,
    status: result.status === 'skipped' ? 'skip' : result.status,
  });
  return result;
}
