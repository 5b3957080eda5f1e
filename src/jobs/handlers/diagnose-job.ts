/** `diagnose`: the engine's full diagnosis of a repo, run on this host. */
import { describeEnvChange, envChangeSince } from '../../changes/env-change.ts';
import type { GreenElsewhereResult } from '../../changes/green-elsewhere.ts';
import { lastGreenForRepo, type LastGreen } from '../../changes/last-green.ts';
import { decideOrigin } from '../../changes/origin-verdict.ts';
import { diagnose, type DiagnoseOptions } from '../../engine/diagnose.ts';
import { userMessage } from '../../errors.ts';
import { diagnoseSinceGreen } from '../../engine/diagnose-since-green.ts';
import { verdictLine } from '../../render/terminal-report.ts';
import type { DiagnosisReport, EnvChange } from '../../report/model.ts';
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

/** The agent's environment snapshot at `at` against now (this host: a fresh snapshot), when the runner keeps a history. */
async function environmentSince(ctx: JobContext, agent: string, at: string): Promise<EnvChange | undefined> {
  const history = ctx.envHistory;
  if (!history) return undefined;
  const host = agent.toLowerCase();
  try {
    const current = host === history.host ? await history.current(true) : undefined;
    const change = envChangeSince(host, await history.list(host), new Date(at), current);
    ctx.progress({
      step: 'environment',
      message: describeEnvChange(change),
      status: change.changes.length > 0 ? 'warn' : change.note ? 'info' : 'pass',
    });
    return change;
  } catch (err) {
    ctx.progress({ step: 'environment', message: `the environment history could not be read: ${userMessage(err)}`, status: 'info' });
    return undefined;
  }
}

export async function runDiagnoseJob(payload: DiagnosePayload, ctx: JobContext): Promise<DiagnoseJobResult> {
  const skip = new Set(payload.skip ?? []);
  const what = {
    parts: { modules: !skip.has('modules'), probe: !skip.has('probe'), host: !skip.has('host'), lint: !skip.has('lint'), graph: !skip.has('graph') },
    checkRetractions: !skip.has('retractions'),
    ...(payload.deep ? { deep: true } : {}),
  };
  if (payload.since === undefined && !payload.sinceGreen) return { report: await runEngine(payload, ctx, what) };
  // Agent or code: the green revision is given, or this worker asks the repo's CI for its last successful build.
  const agent = payload.agent ?? ctx.host;
  let green: LastGreen | undefined =
    payload.since !== undefined
      ? { sha: payload.since, source: payload.sinceLabel ?? 'given', ...(payload.greenAt ? { at: payload.greenAt } : {}) }
      : undefined;
  let elsewhere: GreenElsewhereResult | undefined = payload.greenElsewhere
    ? { found: payload.greenElsewhere }
    : payload.greenElsewhereNote
      ? { note: payload.greenElsewhereNote }
      : undefined;
  let noGreenReason: string | undefined;
  if (payload.sinceGreen) {
    ctx.progress({ step: 'since-green', message: 'finding the last green build', status: 'running' });
    const node = ctx.config.agents[agent]?.node ?? agent;
    const found = await lastGreenForRepo(payload.repo, ctx.config, {
      signal: ctx.signal,
      elsewhere: { agent: node, ...(payload.failing ? { failingSha: payload.failing } : {}) },
    });
    if (found.ok) green = found.green;
    else noGreenReason = found.reason;
    elsewhere ??= found.elsewhere;
    if (found.elsewhere)
      ctx.progress({
        step: 'other-agents',
        message: found.elsewhere.found ? `${found.elsewhere.found.build} was green on ${found.elsewhere.found.agent}` : found.elsewhere.note,
        status: found.elsewhere.found ? 'warn' : 'info',
      });
  }
  // The environment compared is the failing build's agent's: named by the alert, or this host when a person chose it (--since-green / --host).
  const compareEnv = payload.agent !== undefined || payload.greenAt === undefined;
  const environment = green?.at && compareEnv ? await environmentSince(ctx, agent, green.at) : undefined;
  // The checks below run on this host: the verdict names it, and the agent the build failed on when the alert said.
  const evidence = {
    ranOn: ctx.host,
    ...(payload.agent !== undefined ? { failingAgent: payload.agent } : {}),
    ...(elsewhere?.found ? { greenElsewhere: elsewhere.found } : elsewhere?.note ? { greenElsewhereNote: elsewhere.note } : {}),
    ...(environment ? { environment } : {}),
  };
  if (!green) {
    const report = await runEngine(payload, ctx, what);
    return { report: { ...report, origin: decideOrigin({ failing: report, ...(noGreenReason ? { noGreenReason } : {}), ...evidence }) } };
  }
  const report = await diagnoseSinceGreen(payload.repo, {
    ...engineOptions(payload, ctx),
    ...what,
    green: green.sha,
    greenSource: green.source,
    ...(payload.failing ? { failing: payload.failing } : {}),
    evidence,
  });
  return { report };
}
