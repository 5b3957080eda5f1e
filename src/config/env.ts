/**
 * Environment variables buildfix reads. Everything else in the program takes
 * the parsed Config; nothing outside src/config reads process.env.
 */
import * as z from 'zod';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v));

const optionalUrl = (what: string) => optionalString.refine((v) => v === undefined || /^https?:\/\/[^/\s]+/.test(v), `must be an http(s) URL (${what})`);

export const EnvSchema = z.object({
  BUILDFIX_CONFIG: optionalString,
  REDIS_URL: optionalString.refine((v) => v === undefined || /^rediss?:\/\/.+/.test(v), 'must start with redis:// or rediss://'),
  /** Key prefix for every buildfix key in Redis; wrapped in a {hash tag} for Redis Cluster (default {buildfix}). */
  REDIS_PREFIX: optionalString.refine(
    (v) => v === undefined || /^[A-Za-z0-9._-]{1,64}$/.test(v) || /^[A-Za-z0-9._:-]*\{[A-Za-z0-9._-]{1,64}\}[A-Za-z0-9._:-]*$/.test(v),
    'must be letters, digits, . _ - (e.g. buildfix-prod), optionally with one {hash tag}',
  ),
  BUILDFIX_HOST: optionalString.refine((v) => v === undefined || /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(v), 'must be a host name (letters, digits, . _ -)'),
  PORT: optionalString
    .refine((v) => v === undefined || (/^\d+$/.test(v) && Number(v) > 0 && Number(v) < 65536), 'must be a TCP port 1-65535')
    .transform((v) => (v === undefined ? 3000 : Number(v))),
  LOG_LEVEL: optionalString
    .refine((v) => v === undefined || (LOG_LEVELS as readonly string[]).includes(v), `must be one of ${LOG_LEVELS.join(', ')}`)
    .transform((v) => (v ?? 'info') as (typeof LOG_LEVELS)[number]),
  SLACK_BOT_TOKEN: optionalString.refine((v) => v === undefined || v.startsWith('xoxb-'), 'must be a bot token starting with xoxb-'),
  SLACK_SIGNING_SECRET: optionalString,
  SLACK_API_URL: optionalUrl('Slack Web API base URL'),
  INCIDENT_CHANNEL: optionalString,
  ARCHIVE_CHANNEL: optionalString,
  JENKINS_URL: optionalUrl('Jenkins root URL'),
  JENKINS_USER: optionalString,
  JENKINS_API_TOKEN: optionalString,
  JENKINS_WEBHOOK_TOKEN: optionalString,
  GITHUB_WEBHOOK_SECRET: optionalString,
  GITLAB_WEBHOOK_TOKEN: optionalString,
  /** GitHub API token that can read Actions logs of the watched repos (fine-grained: Actions read); unset: GitHub logs are not read. */
  GITHUB_TOKEN: optionalString,
  /** GitLab API token that can read job traces (read_api); unset: GitLab logs are not read. */
  GITLAB_TOKEN: optionalString,
});
export type EnvConfig = z.output<typeof EnvSchema>;

/** The go command's own variables: read as the host's build would see them. */
export const GO_ENV_KEYS = [
  'GOPROXY',
  'GOPRIVATE',
  'GONOPROXY',
  'GONOSUMDB',
  'GOSUMDB',
  'GOFLAGS',
  'GOMODCACHE',
  'GOPATH',
  'GOINSECURE',
  'GOTOOLCHAIN',
  'GOVCS',
  'GOWORK',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
] as const;
export type GoEnvKey = (typeof GO_ENV_KEYS)[number];
export type GoEnv = Partial<Record<GoEnvKey, string>>;

export function pickGoEnv(env: NodeJS.ProcessEnv): GoEnv {
  const out: GoEnv = {};
  for (const key of GO_ENV_KEYS) {
    const value = env[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}
