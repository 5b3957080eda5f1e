/** `modules`: the module check only (every requirement on the proxy chain), from this host. */
import { diagnose } from '../../engine/diagnose.ts';
import type { ModulesJobResult } from '../job-results.ts';
import type { JobContext } from '../job-types.ts';
import type { ModulesPayload } from '../payload-schemas.ts';

export async function runModulesJob(payload: ModulesPayload, ctx: JobContext): Promise<ModulesJobResult> {
  const report = await diagnose(payload.repo, {
    config: {
      ...ctx.config,
      concurrency: payload.concurrency ?? ctx.config.concurrency,
      requestTimeoutMs: payload.requestTimeoutMs ?? ctx.config.requestTimeoutMs,
    },
    goEnv: ctx.config.goEnv,
    host: ctx.host,
    signal: ctx.signal,
    parts: { modules: true, probe: false, host: false, lint: false },
    checkRetractions: payload.checkRetractions ?? true,
    onProgress: ctx.engineProgress,
  });
  return { report };
}
