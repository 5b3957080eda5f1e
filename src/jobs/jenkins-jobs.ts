/**
 * The Jenkins entries of the job catalogue (rebuild, rollback, restart an
 * agent, explain a failed build). Their payloads, results and name checks are
 * in jenkins-job-types.ts, which the handlers share.
 */
import { defineJob, type JobSpec } from './job-spec.ts';
import {
  checkJenkinsAgent,
  checkJenkinsJob,
  JenkinsExplainPayloadSchema,
  JenkinsRebuildPayloadSchema,
  JenkinsRestartAgentPayloadSchema,
  JenkinsRollbackPayloadSchema,
  type JenkinsExplainJobResult,
  type JenkinsRebuildJobResult,
  type JenkinsRestartAgentJobResult,
  type JenkinsRollbackJobResult,
  type JobsConfig,
} from './jenkins-job-types.ts';
import type { NameCheckContext } from './validate-names.ts';

// The check context is typed with agents and repos only; the dispatchers pass the whole config.
function jobsOf(ctx: NameCheckContext): JobsConfig {
  const config = ctx.config as NameCheckContext['config'] & JobsConfig;
  return { jobs: config.jobs ?? {} };
}

const MINUTE = 60_000;

export const JENKINS_JOBS = {
  'jenkins-rebuild': defineJob<typeof JenkinsRebuildPayloadSchema, JenkinsRebuildJobResult>({
    summary: 'trigger a (clean) Jenkins build, optionally through another GOPROXY, and follow it to its result',
    payload: JenkinsRebuildPayloadSchema,
    routing: 'any',
    idempotent: false,
    // The handler's own bounds (queue + build, BUILD_WAIT) end first, so a long build is reported with its URL, left running.
    options: { attempts: 1, timeoutMs: 30 * MINUTE, dedupWindowMs: 30_000 },
    check: (p, ctx) => checkJenkinsJob(p.job, jobsOf(ctx)),
    load: async () => (await import('./handlers/jenkins-rebuild-job.ts')).runJenkinsRebuildJob,
  }),
  'jenkins-rollback': defineJob<typeof JenkinsRollbackPayloadSchema, JenkinsRollbackJobResult>({
    summary: "rebuild the revision of the job's last successful build",
    payload: JenkinsRollbackPayloadSchema,
    routing: 'any',
    idempotent: false,
    options: { attempts: 1, timeoutMs: 30 * MINUTE, dedupWindowMs: 30_000 },
    check: (p, ctx) => checkJenkinsJob(p.job, jobsOf(ctx)),
    load: async () => (await import('./handlers/jenkins-rollback-job.ts')).runJenkinsRollbackJob,
  }),
  'jenkins-restart-agent': defineJob<typeof JenkinsRestartAgentPayloadSchema, JenkinsRestartAgentJobResult>({
    summary: "drain and restart a Jenkins agent (through its host's worker when one is live, else through Jenkins) and bring it back online",
    payload: JenkinsRestartAgentPayloadSchema,
    routing: 'any',
    idempotent: false,
    // Drain (10 min) + restart (4 min) + disconnect (1 min) + back online (5 min) + Jenkins calls: the inner bounds fire first, so the node is restored.
    options: { attempts: 1, timeoutMs: 25 * MINUTE, dedupWindowMs: 60_000 },
    check: (p, ctx) => checkJenkinsAgent(p.agent, ctx.config),
    load: async () => (await import('./handlers/jenkins-restart-agent-job.ts')).runJenkinsRestartAgentJob,
  }),
  'jenkins-explain': defineJob<typeof JenkinsExplainPayloadSchema, JenkinsExplainJobResult>({
    summary: "classify the log of a job's last failed build (root cause and fix)",
    payload: JenkinsExplainPayloadSchema,
    routing: 'any',
    idempotent: true,
    options: { attempts: 2, backoff: { type: 'exponential', delayMs: 2000 }, timeoutMs: 2 * MINUTE, dedupWindowMs: 15_000 },
    check: (p, ctx) => checkJenkinsJob(p.job, jobsOf(ctx)),
    load: async () => (await import('./handlers/jenkins-explain-job.ts')).runJenkinsExplainJob,
  }),
} satisfies Record<string, JobSpec>;
