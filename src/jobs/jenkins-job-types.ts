/**
 * The Jenkins jobs: clean rebuild, rollback to the last good revision, a safe
 * agent restart and the explanation of a job's last failed build. Payload
 * schemas, result types, name checks and catalogue entries live together so
 * the job layer merges them with one spread (`...JENKINS_JOBS` in
 * JOB_CATALOGUE). Nothing here loads the Jenkins client: handlers are loaded
 * lazily on the worker that runs them.
 *
 * Every one of them runs on any worker (the worker needs JENKINS_URL,
 * JENKINS_USER and JENKINS_API_TOKEN in its environment). Only the
 * explanation is idempotent: a build trigger or a restart is never run twice
 * automatically (one attempt, a dedup window against double clicks).
 */
import * as z from 'zod';
import type { Classification } from '../classify/classify-log.ts';
import type { AgentStateAfterFailure, RestartStep, RestartStepEvent } from '../clients/jenkins/restart-agent.ts';
import type { BuildResult } from '../clients/jenkins/schema.ts';
import type { Config } from '../config/load-config.ts';
import { BuildfixError } from '../errors.ts';
import { AgentNameSchema } from './payload-schemas.ts';
import { maskUrlCredentials, redactText } from '../util/redact.ts';
import { findAgent } from './validate-names.ts';

const CONTROL = /[\u0000-\u001f\u007f]/;
const noSecrets = (v: string): boolean => redactText(v) === v && maskUrlCredentials(v) === v;

/** A Jenkins job's full name, folders joined with "/" (the config file's own rule for jobs.<name>). */
export const JenkinsJobNameSchema = z
  .string()
  .max(512, 'job is longer than 512 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9._ -]*(\/[A-Za-z0-9][A-Za-z0-9._ -]*)*$/, 'job must be a Jenkins full name like team/payments/main');

const PlainText = (max: number, what: string, min = 0) =>
  z
    .string()
    .min(min, `${what} is empty`)
    .max(max, `${what} is longer than ${max} characters`)
    .refine((v) => !CONTROL.test(v) && noSecrets(v), `${what} must be plain text without credentials`);

/** GOPROXY / GOFLAGS values passed to a build: no control characters, no credentials. */
const GoOverrideValue = (spaces: boolean) =>
  z
    .string()
    .min(1)
    .max(1024)
    .refine(
      (v) => !CONTROL.test(v) && (spaces || !/\s/.test(v)),
      spaces ? 'must not contain control characters' : 'must not contain spaces or control characters',
    )
    .refine(noSecrets, 'must not carry credentials');

export const JenkinsRebuildPayloadSchema = z.strictObject({
  job: JenkinsJobNameSchema,
  /** Wipe the workspace first (or set the job's clean parameter, jobs.<job>.cleanParam). */
  clean: z.boolean(),
  /** Passed as the job's GOPROXY / GOFLAGS parameters (jobs.<job>.goproxyParam / goflagsParam); refused when the job cannot take them. */
  overrides: z.strictObject({ GOPROXY: GoOverrideValue(false).optional(), GOFLAGS: GoOverrideValue(true).optional() }).optional(),
});
export type JenkinsRebuildPayload = z.infer<typeof JenkinsRebuildPayloadSchema>;

export const JenkinsRollbackPayloadSchema = z.strictObject({
  job: JenkinsJobNameSchema,
});
export type JenkinsRollbackPayload = z.infer<typeof JenkinsRollbackPayloadSchema>;

export const JenkinsRestartAgentPayloadSchema = z.strictObject({
  /** The agent as the config names it (agents.<name>; its Jenkins node is agents.<name>.node, default the name). */
  agent: AgentNameSchema,
  /** Restart without waiting for running builds. */
  force: z.boolean(),
  /** Who asked: shown in the offline message Jenkins displays. */
  requestedBy: PlainText(100, 'requestedBy', 1),
  /** Why: shown in the offline message. */
  reason: PlainText(200, 'reason'),
});
export type JenkinsRestartAgentPayload = z.infer<typeof JenkinsRestartAgentPayloadSchema>;

export const JenkinsExplainPayloadSchema = z.strictObject({
  job: JenkinsJobNameSchema,
  /** A build number; default the job's last failed build. */
  build: z.number().int().positive().optional(),
});
export type JenkinsExplainPayload = z.infer<typeof JenkinsExplainPayloadSchema>;

// ---- results ----

/** A build buildfix triggered and followed to its end. */
export interface JenkinsBuildSummary {
  job: string;
  number: number;
  url: string;
  queueId: number;
  result: BuildResult | null;
  durationMs: number | null;
}

/** A failed build's log, classified (present when the build ended in FAILURE). */
export interface BuildLogDiagnosis {
  classification?: Classification;
  /** Why there is no classification (the log could not be read). */
  unavailable?: string;
}

export interface JenkinsRebuildJobResult {
  job: string;
  clean: boolean;
  /** How the workspace was cleaned; absent for a plain rebuild. */
  cleanMethod?: 'parameter' | 'wipe-out';
  /** Parameter name → value sent for each GOPROXY/GOFLAGS override. */
  appliedOverrides: Record<string, string>;
  /** What was done instead of what, and why. */
  notes: string[];
  build: JenkinsBuildSummary;
  log?: BuildLogDiagnosis;
}

export interface JenkinsRollbackJobResult {
  job: string;
  /** The last successful build whose revision was rebuilt. */
  from: { number: number; url: string };
  sha: string;
  shortSha: string;
  branch?: string;
  /** "rolled back to #41 (1a2b3c4)". */
  summary: string;
  build: JenkinsBuildSummary;
  log?: BuildLogDiagnosis;
}

/** The restart command the agent's own worker ran (restart through the worker). */
export interface WorkerRestartRun {
  host: string;
  jobId: string;
  command: string;
  exitCode: number;
  outputTail: string;
}

export interface JenkinsRestartAgentJobResult {
  agent: string;
  /** The Jenkins node name. */
  node: string;
  via: 'worker' | 'jenkins';
  /** Finished steps in order, each with its time. */
  steps: RestartStepEvent[];
  durationMs: number;
  summary: string;
  /** The node's state at the end. */
  final: { connected: boolean | null; temporarilyOffline: boolean; offline: boolean; offlineCauseReason: string };
  worker?: WorkerRestartRun;
}

export interface JenkinsExplainJobResult {
  job: string;
  /** The build whose log was read; null when the job has no failed build. */
  build: { number: number; url: string; result: BuildResult | null } | null;
  classification?: Classification;
  /** Bytes of log read (the tail, for huge logs). */
  logBytes: number;
}

/** Details an agent restart failure carries (outcome.error.details). */
export interface JenkinsRestartFailureDetails {
  node: string;
  step: RestartStep;
  state: AgentStateAfterFailure;
}

// ---- name checks ----

export type JobsConfig = Partial<Pick<Config, 'jobs'>>;

/**
 * With jobs configured, only those may be built; with none, any well-formed
 * Jenkins job name (Jenkins itself answers 404 for an unknown one).
 */
export function checkJenkinsJob(job: string, config: JobsConfig): void {
  const configured = Object.keys(config.jobs ?? {});
  if (configured.length > 0 && !Object.hasOwn(config.jobs ?? {}, job)) {
    throw new BuildfixError('BF_PERMISSION', `refused: "${job}" is not a configured Jenkins job (configured jobs: ${configured.join(', ')})`, {
      details: { job },
    });
  }
}

/** With agents configured, only those may be restarted; with none, any agent name Jenkins knows. */
export function checkJenkinsAgent(agent: string, config: Pick<Config, 'agents'>): void {
  const configured = Object.keys(config.agents);
  if (configured.length > 0 && findAgent(config, agent) === undefined) {
    throw new BuildfixError('BF_PERMISSION', `refused: "${agent}" is not a configured agent (configured agents: ${configured.join(', ')})`, {
      details: { agent },
    });
  }
}

/** The Jenkins node behind an agent name: agents.<name>.node, else the name as configured. */
export function jenkinsNodeFor(agent: string, config: Pick<Config, 'agents'>): { agent: string; node: string } {
  const configured = findAgent(config, agent);
  if (configured === undefined) return { agent, node: agent };
  return { agent: configured, node: config.agents[configured]?.node ?? configured };
}

const MINUTE = 60_000;

/**
 * How long a triggered build is followed: in the queue, then running. Within
 * the job's 30 min timeout (the job layer's bound for every job); a build
 * still queued or running after that is reported with its URL and left alone.
 */
export const BUILD_WAIT = { queueTimeoutMs: 5 * MINUTE, buildTimeoutMs: 23 * MINUTE } as const;
