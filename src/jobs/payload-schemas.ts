/**
 * Payload schemas, one per job, validated on submit (chat side) and again on
 * run (worker side): strict objects, so an unknown key is an error, and no
 * transforms, so a parsed payload parses again unchanged on the worker.
 * Secrets never belong in a payload; values that look like credentials are
 * refused.
 */
import * as z from 'zod';
import { GIT_REVISION } from '../changes/git-history.ts';
import { PREFLIGHT_CHECKS } from '../preflight/types.ts';
import { maskUrlCredentials, redactText } from '../util/redact.ts';

const CONTROL = /[\u0000-\u001f\u007f]/;

const noSecrets = (v: string): boolean => redactText(v) === v && maskUrlCredentials(v) === v;

/** A configured repo name, a path to a checkout on the worker's host, a git URL or owner/repo. */
export const RepoRefSchema = z
  .string()
  .min(1, 'repo is empty')
  .max(512, 'repo is longer than 512 characters')
  .refine((v) => !CONTROL.test(v), 'repo contains control characters')
  .refine((v) => !v.startsWith('-'), 'repo must not start with "-"')
  .refine(noSecrets, 'repo must not carry credentials (configure them on the agent, e.g. in ~/.netrc)');

/** An agent (build host) name as the config file spells them. */
export const AgentNameSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'agent names are letters, digits, . _ - (at most 64)');

/** A GOPROXY / GOSUMDB value to probe instead of the host's own. */
const GoEnvValueSchema = z
  .string()
  .min(1)
  .max(1024)
  .refine((v) => !/[\s\u0000-\u001f\u007f]/.test(v), 'must not contain spaces or control characters')
  .refine(noSecrets, 'must not carry credentials');

const Concurrency = z.number().int().min(1).max(512);
const RequestTimeout = z.number().int().min(100).max(120_000);

export const DIAGNOSE_SKIPPABLE = ['modules', 'probe', 'host', 'lint', 'retractions', 'graph'] as const;

/** A git revision (sha, branch, tag): never an option, no ranges. */
const RevisionSchema = z.string().regex(GIT_REVISION, 'must be a git revision (a commit sha, branch or tag)');

/** An ISO 8601 UTC time as Date.toISOString writes it. */
const IsoTime = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/, 'must be an ISO 8601 UTC time like 2026-12-06T01:12:00.000Z');

/** A short text for the report: no control characters, no credentials. */
const Label = z
  .string()
  .min(1)
  .max(300)
  .refine((v) => !CONTROL.test(v), 'contains control characters')
  .refine(noSecrets, 'must not carry credentials');

const GreenElsewhereSchema = z.strictObject({
  agent: Label,
  failingAgent: Label.optional(),
  build: Label,
  url: Label.optional(),
  revision: z
    .string()
    .regex(/^[0-9a-f]{7,64}$/i, 'must be a commit sha')
    .optional(),
  sameRevision: z.boolean(),
  at: IsoTime.optional(),
});

export const DiagnosePayloadSchema = z.strictObject({
  repo: RepoRefSchema,
  /** Agent or code: compare with this last green revision. */
  since: RevisionSchema.optional(),
  /** Agent or code against the repo's Jenkins job's last successful build (found by the worker). */
  sinceGreen: z.boolean().optional(),
  /** Where `since` came from ("GitHub run #76 of CI on main"), shown in the report. */
  sinceLabel: z
    .string()
    .min(1)
    .max(200)
    .refine((v) => !CONTROL.test(v), 'sinceLabel contains control characters')
    .optional(),
  /** The failing build's commit (default: what the clone checks out). */
  failing: RevisionSchema.optional(),
  /** When the last green build ran: the agent's environment snapshot of that time is compared with now. */
  greenAt: IsoTime.optional(),
  /** The agent the failing build ran on, whose environment history is compared (default: the worker's host). */
  agent: AgentNameSchema.optional(),
  /** The same job (or revision) built green on another agent, as the CI told the chat side (GitHub/GitLab alerts). */
  greenElsewhere: GreenElsewhereSchema.optional(),
  /** Why the CI could not tell whether another agent built it green. */
  greenElsewhereNote: Label.optional(),
  skip: z.array(z.enum(DIAGNOSE_SKIPPABLE)).max(DIAGNOSE_SKIPPABLE.length).optional(),
  /** --deep: download the module zips, check them against go's zip rules and hashes, ask the checksum DB. */
  deep: z.boolean().optional(),
  concurrency: Concurrency.optional(),
  requestTimeoutMs: RequestTimeout.optional(),
});
export type DiagnosePayload = z.infer<typeof DiagnosePayloadSchema>;

export const ModulesPayloadSchema = z.strictObject({
  repo: RepoRefSchema,
  checkRetractions: z.boolean().optional(),
  concurrency: Concurrency.optional(),
  requestTimeoutMs: RequestTimeout.optional(),
});
export type ModulesPayload = z.infer<typeof ModulesPayloadSchema>;

export const ProbePayloadSchema = z.strictObject({
  goproxy: GoEnvValueSchema.optional(),
  gosumdb: GoEnvValueSchema.optional(),
  timeoutMs: z.number().int().min(100).max(60_000).optional(),
});
export type ProbePayload = z.infer<typeof ProbePayloadSchema>;

export const HostCheckPayloadSchema = z.strictObject({
  /** Where builds run on that host (the Jenkins workspace root); default: the worker's directory. */
  workspaceDir: z
    .string()
    .max(1024)
    .refine((v) => v.startsWith('/') && !CONTROL.test(v), 'workspaceDir must be an absolute path')
    .optional(),
});
export type HostCheckPayload = z.infer<typeof HostCheckPayloadSchema>;

export const RestartAgentPayloadSchema = z.strictObject({
  agent: AgentNameSchema,
  /** Shown in logs and progress; free text, short. */
  reason: z
    .string()
    .max(200)
    .refine((v) => !CONTROL.test(v) && noSecrets(v), 'reason must be plain text')
    .optional(),
});
export type RestartAgentPayload = z.infer<typeof RestartAgentPayloadSchema>;

export const ClearModcachePayloadSchema = z.strictObject({
  agent: AgentNameSchema,
});
export type ClearModcachePayload = z.infer<typeof ClearModcachePayloadSchema>;

export const WarmModcachePayloadSchema = z.strictObject({
  agent: AgentNameSchema,
  repo: RepoRefSchema,
});
export type WarmModcachePayload = z.infer<typeof WarmModcachePayloadSchema>;

export const ModcacheDrillPayloadSchema = z.strictObject({
  repo: RepoRefSchema,
});
export type ModcacheDrillPayload = z.infer<typeof ModcacheDrillPayloadSchema>;

export const DependencyHealthPayloadSchema = z.strictObject({
  repo: RepoRefSchema,
});
export type DependencyHealthPayload = z.infer<typeof DependencyHealthPayloadSchema>;

export const EnvSnapshotPayloadSchema = z.strictObject({
  /** A checkout on that host whose lockfiles (go.sum, vendor/modules.txt, go.work.sum) are reported. */
  repo: RepoRefSchema.optional(),
});
export type EnvSnapshotPayload = z.infer<typeof EnvSnapshotPayloadSchema>;

/** A scheduled pre-flight run (src/preflight): one check, for one configured repo when the check is per repo. */
export const PreflightPayloadSchema = z.strictObject({
  check: z.enum(PREFLIGHT_CHECKS),
  repo: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'repo must be a configured repo name')
    .optional(),
});
export type PreflightPayload = z.infer<typeof PreflightPayloadSchema>;

/** When to compare an agent's environment with: an ISO time, HH:MM (UTC, the latest past one), 90m/6h/2d ago, a Jenkins build (job#41) or a repo's last green build (green:<repo>). */
export const ENV_SINCE =
  /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?Z|\d{1,2}:\d{2}|\d{1,4}[mhd]|[A-Za-z0-9][A-Za-z0-9._ /-]{0,200}#\d{1,9}|green:[A-Za-z0-9][A-Za-z0-9._-]{0,63})$/;

export const EnvHistoryPayloadSchema = z.strictObject({
  /** Whose history: the agent (its worker takes a fresh snapshot when it runs the job). */
  agent: AgentNameSchema,
  since: z.string().regex(ENV_SINCE, 'must be a time (2026-12-06T01:00Z, 01:00 UTC, 90m, 6h, 2d), a Jenkins build (job#41) or green:<repo>'),
});
export type EnvHistoryPayload = z.infer<typeof EnvHistoryPayloadSchema>;

export const NoopPayloadSchema = z.strictObject({
  delayMs: z.number().int().min(0).max(60_000).optional(),
});
export type NoopPayload = z.infer<typeof NoopPayloadSchema>;

/** "repo: too long; delayMs: must be ≤ 60000": every problem, one line. */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.map(String).join('.');
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
}
