/**
 * The job catalogue: every job buildfix can run, in one place. An entry gives
 * the payload schema, the result type, routing, retry/timeout/dedup options
 * and a lazy loader for its handler (so the chat side, which only submits,
 * never loads engine or process-running code). To add a job (Jenkins
 * rebuild, rollback …): write its schema, its result type and a handler file
 * under handlers/, then add one entry here; both dispatchers, the worker and
 * the types pick it up from this table.
 */
import type { z } from 'zod';
import { BuildfixError } from '../errors.ts';
import { PREFLIGHT_TIMEOUT_MS } from '../preflight/types.ts';
import type * as R from './job-results.ts';
import { JENKINS_JOBS } from './jenkins-jobs.ts';
import { defineJob, type JobSpec } from './job-spec.ts';
import * as S from './payload-schemas.ts';
import { checkAgent, checkRepo } from './validate-names.ts';

export { defineJob, type JobOptions, type JobSpec } from './job-spec.ts';

const MINUTE = 60_000;

export const JOB_CATALOGUE = {
  diagnose: defineJob<typeof S.DiagnosePayloadSchema, R.DiagnoseJobResult>({
    summary: "the engine's full diagnosis of a repo, as seen from that host",
    payload: S.DiagnosePayloadSchema,
    routing: 'any',
    idempotent: true,
    options: { attempts: 3, backoff: { type: 'exponential', delayMs: 2000 }, timeoutMs: 5 * MINUTE, dedupWindowMs: 30_000 },
    check: (p, ctx) => void checkRepo(p.repo, ctx),
    load: async () => (await import('./handlers/diagnose-job.ts')).runDiagnoseJob,
  }),
  modules: defineJob<typeof S.ModulesPayloadSchema, R.ModulesJobResult>({
    summary: 'the module check only: every requirement exists on the proxy chain',
    payload: S.ModulesPayloadSchema,
    routing: 'any',
    idempotent: true,
    options: { attempts: 3, backoff: { type: 'exponential', delayMs: 2000 }, timeoutMs: 5 * MINUTE, dedupWindowMs: 30_000 },
    check: (p, ctx) => void checkRepo(p.repo, ctx),
    load: async () => (await import('./handlers/modules-job.ts')).runModulesJob,
  }),
  probe: defineJob<typeof S.ProbePayloadSchema, R.ProbeJobResult>({
    summary: "network/proxy probe of the host's GOPROXY chain and checksum DB",
    payload: S.ProbePayloadSchema,
    routing: 'any',
    idempotent: true,
    options: { attempts: 3, backoff: { type: 'exponential', delayMs: 1000 }, timeoutMs: 2 * MINUTE, dedupWindowMs: 15_000 },
    load: async () => (await import('./handlers/probe-job.ts')).runProbeJob,
  }),
  'host-check': defineJob<typeof S.HostCheckPayloadSchema, R.HostCheckJobResult>({
    summary: 'disk and inodes, go toolchain and go env, git credentials of the host',
    payload: S.HostCheckPayloadSchema,
    routing: 'any',
    idempotent: true,
    options: { attempts: 3, backoff: { type: 'exponential', delayMs: 1000 }, timeoutMs: 1 * MINUTE, dedupWindowMs: 15_000 },
    load: async () => (await import('./handlers/host-check-job.ts')).runHostCheckJob,
  }),
  'env-snapshot': defineJob<typeof S.EnvSnapshotPayloadSchema, R.EnvSnapshotJobResult>({
    summary: 'go version, GOPROXY/GOFLAGS/GOPRIVATE/proxy variables (masked), lockfiles: for comparing agents',
    payload: S.EnvSnapshotPayloadSchema,
    routing: 'any',
    idempotent: true,
    options: { attempts: 3, backoff: { type: 'exponential', delayMs: 1000 }, timeoutMs: 30_000, dedupWindowMs: 10_000 },
    check: (p, ctx) => void (p.repo === undefined ? undefined : checkRepo(p.repo, ctx)),
    load: async () => (await import('./handlers/env-snapshot-job.ts')).runEnvSnapshotJob,
  }),
  'env-history': defineJob<typeof S.EnvHistoryPayloadSchema, R.EnvHistoryJobResult>({
    summary: "an agent's Go/proxy environment at a time (or a build's) against now, from its recorded snapshots: envdiff --since",
    payload: S.EnvHistoryPayloadSchema,
    routing: 'any',
    idempotent: true,
    options: { attempts: 2, backoff: { type: 'fixed', delayMs: 1000 }, timeoutMs: 60_000, dedupWindowMs: 5_000 },
    load: async () => (await import('./handlers/env-history-job.ts')).runEnvHistoryJob,
  }),
  'restart-agent': defineJob<typeof S.RestartAgentPayloadSchema, R.RestartAgentJobResult>({
    summary: "run the agent's configured restart command (default: systemctl restart jenkins-agent)",
    payload: S.RestartAgentPayloadSchema,
    routing: 'host',
    hostFromPayload: (p) => p.agent,
    idempotent: false,
    options: { attempts: 1, timeoutMs: 3 * MINUTE, dedupWindowMs: 60_000 },
    check: (p, ctx) => checkAgent(p.agent, ctx),
    load: async () => (await import('./handlers/restart-agent-job.ts')).runRestartAgentJob,
  }),
  'clear-modcache': defineJob<typeof S.ClearModcachePayloadSchema, R.ClearModcacheJobResult>({
    summary: 'go clean -modcache on the agent',
    payload: S.ClearModcachePayloadSchema,
    routing: 'host',
    hostFromPayload: (p) => p.agent,
    idempotent: false,
    options: { attempts: 1, timeoutMs: 10 * MINUTE, dedupWindowMs: 60_000 },
    check: (p, ctx) => checkAgent(p.agent, ctx),
    load: async () => (await import('./handlers/clear-modcache-job.ts')).runClearModcacheJob,
  }),
  'warm-modcache': defineJob<typeof S.WarmModcachePayloadSchema, R.WarmModcacheJobResult>({
    summary: 'go mod download in a checkout of a repo on the agent (pre-cache modules)',
    payload: S.WarmModcachePayloadSchema,
    routing: 'host',
    hostFromPayload: (p) => p.agent,
    idempotent: true,
    options: { attempts: 2, backoff: { type: 'exponential', delayMs: 5000 }, timeoutMs: 15 * MINUTE, dedupWindowMs: 60_000 },
    check: (p, ctx) => {
      checkAgent(p.agent, ctx);
      checkRepo(p.repo, ctx);
    },
    load: async () => (await import('./handlers/warm-modcache-job.ts')).runWarmModcacheJob,
  }),
  'modcache-drill': defineJob<typeof S.ModcacheDrillPayloadSchema, R.ModcacheDrillJobResult>({
    summary: "outage drill: module-cache readiness, then the real go mod download with GOPROXY=off from the host's module cache (read only)",
    payload: S.ModcacheDrillPayloadSchema,
    routing: 'any',
    idempotent: true,
    options: { attempts: 1, timeoutMs: 10 * MINUTE, dedupWindowMs: 30_000 },
    check: (p, ctx) => void checkRepo(p.repo, ctx),
    load: async () => (await import('./handlers/modcache-drill-job.ts')).runModcacheDrillJob,
  }),
  'dependency-health': defineJob<typeof S.DependencyHealthPayloadSchema, R.DependencyHealthJobResult>({
    summary: 'dependency health report: requirement counts, outdated, deprecated and retracted modules, known vulnerabilities',
    payload: S.DependencyHealthPayloadSchema,
    routing: 'any',
    idempotent: true,
    options: { attempts: 2, backoff: { type: 'exponential', delayMs: 5000 }, timeoutMs: 10 * MINUTE, dedupWindowMs: 30_000 },
    check: (p, ctx) => void checkRepo(p.repo, ctx),
    load: async () => (await import('./handlers/dependency-health-job.ts')).runDependencyHealthJob,
  }),
  preflight: defineJob<typeof S.PreflightPayloadSchema, R.PreflightJobResult>({
    summary: 'one scheduled pre-flight check on this host (module check of a repo, probe, cache readiness, host), stored with its history',
    payload: S.PreflightPayloadSchema,
    routing: 'host',
    idempotent: true,
    // A scheduled check is not retried: the next round runs it again.
    options: { attempts: 1, timeoutMs: PREFLIGHT_TIMEOUT_MS, dedupWindowMs: 30_000 },
    check: (p, ctx) => {
      if (p.repo !== undefined && !Object.hasOwn(ctx.config.repos, p.repo)) {
        throw new BuildfixError('BF_INPUT', `refused: pre-flight runs only for configured repos, and "${p.repo}" is not one`, { details: { repo: p.repo } });
      }
    },
    load: async () => (await import('./handlers/preflight-job.ts')).runPreflightJob,
  }),
  noop: defineJob<typeof S.NoopPayloadSchema, R.NoopJobResult>({
    summary: 'does nothing (optionally waits): tests and the queue benchmark',
    payload: S.NoopPayloadSchema,
    routing: 'any',
    idempotent: true,
    options: { attempts: 1, timeoutMs: 65_000, dedupWindowMs: 0 },
    load: async () => (await import('./handlers/noop-job.ts')).runNoopJob,
  }),
  // Jenkins: clean rebuild, rollback, safe agent restart, build-log explanation (src/jobs/jenkins-jobs.ts).
  ...JENKINS_JOBS,
} satisfies Record<string, JobSpec>;

export type JobCatalogue = typeof JOB_CATALOGUE;
export type JobName = keyof JobCatalogue;
/** The payload a handler receives (defaults applied). */
export type JobPayload<N extends JobName> = z.output<JobCatalogue[N]['payload']>;
/** What a caller may pass to submit. */
export type JobPayloadInput<N extends JobName> = z.input<JobCatalogue[N]['payload']>;
export type JobResult<N extends JobName> = JobCatalogue[N] extends JobSpec<z.ZodType, infer Res> ? Res : never;

export const JOB_NAMES = Object.keys(JOB_CATALOGUE) as JobName[];

export function isJobName(name: string): name is JobName {
  return Object.hasOwn(JOB_CATALOGUE, name);
}

/** The spec of a job by name, untyped (for code that routes any job). */
export function getJobSpec(name: string): JobSpec | undefined {
  return isJobName(name) ? (JOB_CATALOGUE[name] as unknown as JobSpec) : undefined;
}
