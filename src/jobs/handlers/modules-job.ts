/** `modules`: the module check only (every requirement on the proxy chain), from this host. */
import type { ModulesJobResult } from '../job-results.ts';
import type { JobContext } from '../job-types.ts';
import type { ModulesPayload } from '../payload-schemas.ts';
import { runEngine } from './diagnose-job.ts';

export async function runModulesJob(payload: ModulesPayload, ctx: JobContext): Promise<ModulesJobResult> {
  const report = await runEngine(payload, ctx, {
    parts: { modules: true, probe: false, host: false, lint: false },
    checkRetractions: payload.checkRetractions ?? true,
  });
  return { report };
}
