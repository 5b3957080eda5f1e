/**
 * `modcache-drill`: module-cache readiness, then the offline `go mod
 * download` drill, on this host (src/modcache). Every result — passed,
 * failed, or could not run — is recorded in the pre-flight health history
 * of this agent and repo (check "drill"; Redis, or memory in-process), with
 * who asked for it: `status` shows the last drill and when one is due.
 */
import { PreflightConfigSchema } from '../../config/preflight-schema.ts';
import { isCancelled, userMessage } from '../../errors.ts';
import { drillOnHost } from '../../modcache/host-drill.ts';
import { drillErrorResult, drillPreflightResult } from '../../preflight/drill-result.ts';
import { processMemoryStore, RedisPreflightStore } from '../../preflight/store.ts';
import type { PreflightResult } from '../../preflight/types.ts';
import { redactText } from '../../util/redact.ts';
import { classifyRepoRef } from '../validate-names.ts';
import type { ModcacheDrillJobResult } from '../job-results.ts';
import type { JobContext } from '../job-types.ts';
import type { ModcacheDrillPayload } from '../payload-schemas.ts';

async function record(ctx: JobContext, result: PreflightResult): Promise<void> {
  const store = ctx.state ? new RedisPreflightStore(ctx.state.redis, ctx.state.prefix) : processMemoryStore();
  const history = (ctx.config.preflight ?? PreflightConfigSchema.parse({})).history;
  try {
    await store.record(result, history);
  } catch (err) {
    // The drill's answer matters more than its record: say so, and go on.
    ctx.logger.warn({ err }, 'could not record the drill in the health history');
    ctx.progress({ step: 'record', message: `not recorded in the health history: ${userMessage(err)}`, status: 'warn' });
  }
}

export async function runModcacheDrillJob(payload: ModcacheDrillPayload, ctx: JobContext): Promise<ModcacheDrillJobResult> {
  const startedAt = new Date();
  const t0 = performance.now();
  // Filed under the configured repo's name; a path or URL (terminal) under itself, credentials masked.
  const repo = classifyRepoRef(payload.repo, ctx.config) === 'repo-name' ? payload.repo.trim() : redactText(payload.repo.trim());
  const base = { agent: ctx.host, repo, by: ctx.requestedBy, startedAt };
  let facts;
  try {
    facts = await drillOnHost(payload.repo, ctx.config, { signal: ctx.signal, step: (step, message, fn, verdict) => ctx.timed(step, message, fn, verdict) });
  } catch (err) {
    if (!isCancelled(err) && !ctx.signal.aborted)
      await record(ctx, drillErrorResult({ ...base, durationMs: Math.round(performance.now() - t0), error: userMessage(err) }));
    throw err;
  }
  const { origin, modcache, readiness, drill } = facts;
  await record(ctx, drillPreflightResult({ ...base, durationMs: Math.round(performance.now() - t0), facts }));
  return {
    repo: origin,
    modcache,
    readiness: {
      ready: readiness.ready,
      total: readiness.total,
      percent: readiness.percent,
      missing: readiness.missing.slice(0, 200).map((m) => ({ path: m.path, version: m.version, problems: m.problems })),
    },
    drill: { passed: drill.passed, failures: drill.failures.slice(0, 200), otherErrors: drill.otherErrors, durationMs: drill.durationMs },
  };
}
