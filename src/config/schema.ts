/**
 * The configuration file's shape (BUILDFIX_CONFIG, YAML). Later features
 * extend it; keys are never renamed.
 */
import * as z from 'zod';
import { parseDuration, PreflightConfigSchema } from './preflight-schema.ts';

/** "1h", "30m" (1 s … 7 d). */
const EnvSnapshotInterval = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const ms = parseDuration(v);
  if (ms === undefined || ms < 1000 || ms > 7 * 86_400_000) {
    ctx.addIssue({ code: 'custom', message: 'must be a duration like "1h" or "30m" (1s … 7d)' });
    return z.NEVER;
  }
  return ms;
});

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const JOB_NAME = /^[A-Za-z0-9][A-Za-z0-9._ -]*(\/[A-Za-z0-9][A-Za-z0-9._ -]*)*$/;
const PARAM = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

const ApiUrl = z.string().regex(/^https?:\/\/[^\s@]+$/, 'must be an http(s) API base URL without credentials');

export const RepoConfigSchema = z.strictObject({
  url: z.string().min(1, 'must be a git URL or a local path'),
  job: z.string().regex(JOB_NAME, 'must be a Jenkins job full name like team/payments/main').optional(),
  /** GitHub Actions builds it: the last green run and the runners come from this workflow (GITHUB_TOKEN). */
  github: z
    .strictObject({
      repo: z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'must be owner/repo'),
      workflow: z.string().min(1).max(200),
      branch: z.string().min(1).max(200).default('main'),
      /** Default https://api.github.com; GitHub Enterprise Server: https://<host>/api/v3. */
      api: ApiUrl.default('https://api.github.com'),
    })
    .optional(),
  /** GitLab CI builds it: the last green pipeline and the runners come from this project (GITLAB_TOKEN). */
  gitlab: z
    .strictObject({
      project: z.union([z.number().int().positive(), z.string().regex(/^[A-Za-z0-9_.\/-]+$/, 'must be a project id or group/project')]),
      ref: z.string().min(1).max(200).default('main'),
      /** Default https://gitlab.com/api/v4. */
      api: ApiUrl.default('https://gitlab.com/api/v4'),
    })
    .optional(),
});

export const AgentConfigSchema = z.strictObject({
  node: z.string().min(1).optional(),
  restart: z
    .array(z.string().min(1, 'argv entries must not be empty'))
    .min(1, 'must be an argv array like ["systemctl", "restart", "jenkins-agent"]')
    .optional(),
});

export const JobConfigSchema = z.strictObject({
  cleanParam: z.string().regex(PARAM, 'must be a Jenkins parameter name').optional(),
  revisionParam: z.string().regex(PARAM, 'must be a Jenkins parameter name').optional(),
  goflagsParam: z.string().regex(PARAM, 'must be a Jenkins parameter name').optional(),
  goproxyParam: z.string().regex(PARAM, 'must be a Jenkins parameter name').optional(),
});

const PrincipalList = z.array(z.string().regex(/^(\*|[UWS][A-Z0-9]{2,})$/, 'must be a Slack user id (U…/W…), user-group id (S…) or "*"'));

export const PermissionsSchema = z.strictObject({
  restart: PrincipalList.default([]),
  rebuild: PrincipalList.default([]),
  rollback: PrincipalList.default([]),
  cache: PrincipalList.default([]),
  /** `/buildfix drill`: runs go mod download offline on an agent (temporary copies only). */
  drill: PrincipalList.default([]),
});

export const ThresholdsSchema = z.strictObject({
  /** Fail when a volume has less free space than this percentage. */
  minFreePercent: z.number().min(0).max(100).default(10),
  /** Fail when a volume has fewer free bytes than this. */
  minFreeBytes: z
    .number()
    .int()
    .min(0)
    .default(2 * 1024 ** 3),
  /** Fail when a volume has less free inodes than this percentage. */
  minFreeInodesPercent: z.number().min(0).max(100).default(5),
});

/** Seconds between build-follower rounds; the message names the key the user wrote. */
const followSeconds = (key: string) => z.number().int().min(0).max(3600, `incidents.verify.${key} is at most 3600`);

/** Verification after a fix (docs/operations.md, "Verify after fix"). */
export const VerifyConfigSchema = z
  .strictObject({
    /** Successful builds each affected pipeline needs after a fix before it counts as verified. */
    greenBuilds: z.number().int().min(1, 'incidents.verify.greenBuilds must be at least 1').max(20, 'incidents.verify.greenBuilds is at most 20').default(1),
    /** Resolve a verified incident by itself (and archive it) instead of offering Resolve in the thread. */
    autoResolve: z.boolean().default(false),
    /**
     * `serve` asks the CI's API this often (seconds) for the recent builds of the pipelines of every fix being
     * verified (Jenkins with the Jenkins API set, GitHub with GITHUB_TOKEN, GitLab with GITLAB_TOKEN), so a fix
     * verifies even when no CI webhook arrives; 0: off.
     */
    followBuildsSeconds: followSeconds('followBuildsSeconds').optional(),
    /** The earlier name of followBuildsSeconds (when it followed Jenkins only); still read, not shown in the examples. */
    followJenkinsSeconds: followSeconds('followJenkinsSeconds').optional().meta({ deprecated: true }),
  })
  .transform(({ followJenkinsSeconds, followBuildsSeconds, ...rest }) => ({
    ...rest,
    followBuildsSeconds: followBuildsSeconds ?? followJenkinsSeconds ?? 60,
  }));
export const DEFAULT_VERIFY_CONFIG = { greenBuilds: 1, autoResolve: false, followBuildsSeconds: 60 } as const;

export const IncidentsConfigSchema = z.strictObject({
  /** On a CI failure alert: fetch the build's log, classify it and run the diagnosis of its repo, in the alert's thread. */
  autoDiagnose: z.boolean().default(true),
  /** A diagnosis that finds a problem opens an incident (or joins the open one). Unset: on in Slack, off in \`buildfix shell\`. */
  autoOpen: z.boolean().optional(),
  /**
   * CI failures with the same classified cause (category plus the module@version, proxy host or agent it names)
   * join one incident across pipelines and repos while each comes within this long of the cause's last failure:
   * "90s", "30m", "2h", "1d", or "off" (one incident per pipeline). Unset: 30m.
   */
  groupWindow: z
    .string()
    .regex(/^(?:off|[1-9]\d{0,5}(?:s|m|h|d))$/, 'must be a duration like "30m", "90s", "2h", "1d", or "off"')
    .refine((v) => v === 'off' || groupWindowSeconds(v) <= 7 * 86_400, 'must be at most 7 days (7d)')
    .optional(),
  verify: VerifyConfigSchema.default({ ...DEFAULT_VERIFY_CONFIG }),
});

function groupWindowSeconds(v: string): number {
  const n = Number(v.slice(0, -1));
  return n * ({ s: 1, m: 60, h: 3600, d: 86_400 }[v.slice(-1)] ?? 1);
}

/** slack.postGiveUpAfter's default: 30 minutes. */
export const DEFAULT_POST_GIVE_UP_AFTER_MS = 30 * 60_000;

/** What buildfix keeps within when it talks to Slack (docs/slack.md, "Limits buildfix keeps"). */
export const SlackConfigSchema = z.strictObject({
  /**
   * Characters a message's blocks may take, measured on the JSON that is sent.
   * Slack refuses blocks with more than about 12,000 characters of text
   * (msg_blocks_too_long, seen at 11.3k); what does not fit is summarised and attached as a file.
   */
  textBudget: z.number().int().min(2000).max(12_000).default(11_000),
  /**
   * chat.update calls per minute this process allows itself for progress edits, across
   * the workspace (Slack's Tier 3: about 50 per minute, shared with alert edits). A progress
   * edit over the budget is skipped, not queued; final states and alert edits always go.
   */
  progressEditsPerMinute: z.number().int().min(1).max(50).default(30),
  /**
   * How long an alert whose post keeps failing transiently (Slack 5xx, service_unavailable, timeouts,
   * long rate limits) is retried before buildfix gives up on it and reports it as not delivered
   * (docs/slack.md, "Posts that fail"). A permanent refusal (not_in_channel, invalid_auth …) gives up at once.
   */
  postGiveUpAfter: z
    .union([z.string(), z.number()])
    .transform((v, ctx) => {
      const ms = parseDuration(v);
      if (ms === undefined || ms < 1000 || ms > 86_400_000) {
        ctx.addIssue({ code: 'custom', message: 'must be a duration like "30m" or "2h" (1s … 1d)' });
        return z.NEVER;
      }
      return ms;
    })
    .default(DEFAULT_POST_GIVE_UP_AFTER_MS),
});

const CRON = /^\s*\S+(\s+\S+){4,5}\s*$/;

/** The dependency health report (`buildfix health`, /buildfix health, the weekly digest): what is checked and what counts as a finding. */
export const HealthConfigSchema = z.strictObject({
  /** A Go vulnerability database in govulncheck's layout (index/modules.json, ID/<id>.json). */
  vulndbUrl: z
    .string()
    .regex(/^(https?:\/\/[^\s]+|file:\/\/\/[^\s]*)$/, 'must be an http(s) or file:/// URL like https://vuln.go.dev')
    .default('https://vuln.go.dev'),
  /** Per-request timeout for the vulnerability database, ms (default: requestTimeoutMs). */
  vulndbTimeoutMs: z.number().int().min(100).max(120_000).optional(),
  /** Direct requirements above this are a finding (unset: no limit). */
  maxDirect: z.number().int().min(0).optional(),
  /** Indirect requirements (the rest of the build list) above this are a finding. */
  maxIndirect: z.number().int().min(0).default(200),
  /** A module more major versions behind its newest than this is a finding (0: any newer major). */
  maxMajorsBehind: z.number().int().min(0).default(0),
  /** A module more minor versions behind (within its major) than this is a finding. */
  maxMinorsBehind: z.number().int().min(0).default(5),
  /** A module outdated (a newer release out) for longer than this many days is a finding. */
  maxBehindDays: z.number().int().min(1).default(365),
  maxDeprecated: z.number().int().min(0).default(0),
  maxRetracted: z.number().int().min(0).default(0),
  maxVulnerabilities: z.number().int().min(0).default(0),
  /** The weekly digest: every configured repo's report, posted to one channel (needs REDIS_URL and Slack). */
  digest: z
    .strictObject({
      channel: z.string().regex(/^(?:[CG][A-Z0-9]{2,}|#?[a-z0-9][a-z0-9._-]{0,79})$/, 'must be a Slack channel id (C…) or name'),
      /** Cron pattern (minute hour day-of-month month day-of-week, optional seconds first); default Mondays 09:00. */
      cron: z.string().regex(CRON, 'must be a cron pattern like "0 9 * * 1"').default('0 9 * * 1'),
      timezone: z.string().min(1).default('UTC'),
      /** Repos to report (default: every configured repo). */
      repos: z.array(z.string().regex(NAME, 'repo names are letters, digits, . _ -')).optional(),
    })
    .optional(),
});

export const FileConfigSchema = z.strictObject({
  repoUrlTemplate: z
    .string()
    .refine((v) => v.includes('{repo}'), 'must contain {repo}, e.g. "https://github.com/{repo}.git"')
    .default('https://github.com/{repo}.git'),
  repos: z.record(z.string().regex(NAME, 'repo names are letters, digits, . _ -'), RepoConfigSchema).default({}),
  agents: z.record(z.string().regex(NAME, 'agent names are letters, digits, . _ -'), AgentConfigSchema).default({}),
  jobs: z.record(z.string().regex(JOB_NAME, 'job names are Jenkins full names like team/payments/main'), JobConfigSchema).default({}),
  permissions: PermissionsSchema.default({ restart: [], rebuild: [], rollback: [], cache: [], drill: [] }),
  thresholds: ThresholdsSchema.default({ minFreePercent: 10, minFreeBytes: 2 * 1024 ** 3, minFreeInodesPercent: 5 }),
  /** Parallel requests to each module proxy. */
  concurrency: z.number().int().min(1).max(512).default(64),
  /** Per-request timeout for GOPROXY / probe requests, in ms. */
  requestTimeoutMs: z.number().int().min(100).max(120_000).default(10_000),
  incidents: IncidentsConfigSchema.default({ autoDiagnose: true, verify: { ...DEFAULT_VERIFY_CONFIG } }),
  /**
   * Module mirrors fixes may suggest besides the official proxy and direct
   * (never for private modules). Without it, fixes name only
   * https://proxy.golang.org and direct.
   */
  mirrors: z.array(z.string().regex(/^https?:\/\/[^\s,|]+$/, 'must be a mirror base URL like https://goproxy.corp.example (no commas or |)')).default([]),
  slack: SlackConfigSchema.default({ textBudget: 11_000, progressEditsPerMinute: 30, postGiveUpAfter: DEFAULT_POST_GIVE_UP_AFTER_MS }),
  health: HealthConfigSchema.default({
    vulndbUrl: 'https://vuln.go.dev',
    maxIndirect: 200,
    maxMajorsBehind: 0,
    maxMinorsBehind: 5,
    maxBehindDays: 365,
    maxDeprecated: 0,
    maxRetracted: 0,
    maxVulnerabilities: 0,
  }),
  /** Scheduled pre-flight checks on every worker (src/preflight, docs/operations.md); absent: none. */
  preflight: PreflightConfigSchema.optional(),
  /** Each worker also records its environment snapshot on this schedule ("1h"), besides at each job; absent: at jobs only. */
  envSnapshotEvery: EnvSnapshotInterval.optional(),
});
export type FileConfig = z.infer<typeof FileConfigSchema>;
