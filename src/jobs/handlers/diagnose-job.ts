/** `diagnose`: the engine's full diagnosis of a repo, run on this host. */
import { diagnose } from '../../engine/diagnose.ts';
import type { DiagnoseJobResult } from '../job-results.ts';
import type { JobContext } from '../job-types.ts';
import type { DiagnosePayload } from '../payload-schemas.ts';

export async function runDiagnoseJob(payload: DiagnosePayload, ctx: JobContext): Promise<DiagnoseJobResult> {
  const skip = new Set(payload.skip ?? []);
  const report = await diagnose(payload.repo, {
    config: {
      ...ctx.config,
      concurrency: payload.concurrency ?? ctx.config.concurrency,
      requestTimeoutMs: payload.requestTimeoutMs ?? ctx.config.requestTimeoutMs,
    },
    goEnv: ctx.config.goEnv,
    host: ctx.host,
    signal: ctx.signal,
    parts: { modules: !skip.has('modules'), probe: !skip.has('probe'), host: !skip.has('host'), lint: !skip.has('lint') },
    checkRetractions: !skip.has('retractions'),
    onProgress: ctx.engineProgress,
  });
  return { report };
}
