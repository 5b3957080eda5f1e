/** `diagnose`: the engine's full diagnosis of a repo, run on this host. */
import { lastGreenForRepo } from '../../changes/last-green.ts';
import { decideOrigin } from '../../changes/origin-verdict.ts';
import { diagnose, type DiagnoseOptions } from '../../engine/diagnose.ts';
import { diagnoseSinceGreen } from '../../engine/diagnose-since-green.ts';
import { verdictLine } from '../../render/terminal-report.ts';
import type { DiagnosisReport } from '../../report/model.ts';
import type { DiagnoseJobResult } from '../job-results.ts';
import type { JobContext } from '../job-types.ts';
import type { DiagnosePayload } from '../payload-schemas.ts';

/** The engine on this host with the job's overrides; shared by the `diagnose` and `modules` jobs. */
export function runEngine(
  payload: { repo: string; concurrency?: number | undefined; requestTimeoutMs?: number | undefined },
  ctx: JobContext,
  what: Pick<DiagnoseOptions, 'parts' | 'checkRetractions' | 'deep'>,
): Promise<DiagnosisReport> {
  return diagnose(payload.repo, { ...engineOptions(payload, ctx), ...what });
}

function engineOptions(payload: { concurrency?: number | undefined; requestTimeoutMs?: number | undefined }, ctx: JobContext): DiagnoseOptions {
  return {
    config: {
      ...ctx.config,
      concurrency: payload.concurrency ?? ctx.config.concurrency,
      requestTimeoutMs: payload.requestTimeoutMs ?? ctx.config.requestTimeoutMs,
    },
    goEnv: ctx.config.goEnv,
    host: ctx.host,
    signal: ctx.signal,
    onProgress: ctx.engineProgress,
    // The first pass's verdict goes out as a step of the job (the Slack thread's status message shows it) while the graph refines it.
    onFirstVerdict: (first) =>
      ctx.engineProgress({
        check: 'verdict',
        phase: 'done',
        message: `${verdictLine(first)} · checking the module graph…`,
        status: first.ok ? 'pass' : 'fail',
      }),
  };
}

export async function runDiagnoseJob(payload: DiagnosePayload, ctx: JobContext): Promise<DiagnoseJobResult> {
  const skip = new Set(payload.skip ?? []);
  const what = {
    parts: { modules: !skip.has('modules'), probe: !skip.has('probe'), host: !skip.has('host'), lint: !skip.has('lint'), graph: !skip.has('graph') },
    checkRetractions: !skip.has('retractions'),
    ...(payload.deep ? { deep: true } : {}),
  };
  if (payload.since === undefined && !payload.sinceGreen) return { report: await runEngine(payload, ctx, what) };
  // Agent or code: the green revision is given, or this worker asks the repo's Jenkins job for its last successful build.
  let green = payload.since !== undefined ? { sha: payload.since, source: payload.sinceLabel ?? 'given' } : undefined;
  let noGreenReason: string | undefined;
  if (payload.sinceGreen) {
    ctx.progress({ step: 'since-green', message: 'finding the last green build', status: 'running' });
    const found = await lastGreenForRepo(payload.repo, ctx.config, { signal: ctx.signal });
    if (found.ok) green = found.green;
    else noGreenReason = found.reason;
  }
  if (!green) {
    const report = await runEngine(payload, ctx, what);
    return { report: { ...report, origin: decideOrigin({ failing: report, ...(noGreenReason ? { noGreenReason } : {}) }) } };
  }
  const report = await diagnoseSinceGreen(payload.repo, {
    ...engineOptions(payload, ctx),
    ...what,
    green: green.sha,
    greenSource: green.source,
    ...(payload.failing ? { failing: payload.failing } : {}),
  });
  return { report };
}
