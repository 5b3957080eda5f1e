import type * as YamlNamespace from 'yaml';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { hostname } from 'node:os';
import type { z } from 'zod';
import { ConfigError } from '../errors.ts';
import { EnvSchema, pickGoEnv, type EnvConfig, type GoEnv } from './env.ts';
import { FileConfigSchema, type FileConfig } from './schema.ts';

export interface Config extends FileConfig {
  env: EnvConfig;
  /** The go command's variables as this process sees them. */
  goEnv: GoEnv;
  /** This machine's name for job routing: BUILDFIX_HOST, else the hostname. */
  host: string;
  /** Where the file config came from, if anywhere. */
  configPath: string | undefined;
}

type YamlModule = typeof YamlNamespace;
let yamlModule: YamlModule | undefined;

// The YAML parser loads only when BUILDFIX_CONFIG names a file: most one-shot runs have none.
function loadYaml(): YamlModule {
  yamlModule ??= createRequire(import.meta.url)('yaml') as YamlModule;
  return yamlModule;
}

function describeIssues(prefix: string, issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    const key = prefix ? (path ? `${prefix}.${path}` : prefix) : path || '(root)';
    return `${key}: ${issue.message}`;
  });
}

export interface LoadConfigOptions {
  readFile?: (path: string) => string;
}

/**
 * Parses the environment and the optional YAML file once, at start. Every bad
 * key is reported in one ConfigError (never the first one only).
 */
export function loadConfig(env: NodeJS.ProcessEnv, options: LoadConfigOptions = {}): Config {
  const readFile = options.readFile ?? ((p: string) => readFileSync(p, 'utf8'));
  const problems: string[] = [];

  const envResult = EnvSchema.safeParse(env);
  if (!envResult.success) problems.push(...describeIssues('', envResult.error.issues));

  let raw: unknown = {};
  const configPath = env.BUILDFIX_CONFIG?.trim() || undefined;
  if (configPath) {
    const { parse: parseYaml, YAMLParseError } = loadYaml();
    try {
      raw = parseYaml(readFile(configPath)) ?? {};
    } catch (err) {
      if (err instanceof YAMLParseError) {
        const line = err.linePos?.[0]?.line;
        problems.push(`BUILDFIX_CONFIG: ${configPath}${line ? `:${line}` : ''} is not valid YAML (${err.message.split('\n')[0]})`);
      } else {
        const code = (err as NodeJS.ErrnoException).code;
        problems.push(`BUILDFIX_CONFIG: cannot read ${configPath}${code ? ` (${code})` : ''}`);
      }
    }
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push(`BUILDFIX_CONFIG: ${configPath} must hold a YAML mapping`);
    raw = {};
  }
  const fileResult = FileConfigSchema.safeParse(raw);
  if (!fileResult.success) problems.push(...describeIssues('', fileResult.error.issues).map((p) => `${configPath}: ${p}`));

  if (envResult.success && fileResult.success) {
    for (const [name, repo] of Object.entries(fileResult.data.repos)) {
      if (repo.job && Object.keys(fileResult.data.jobs).length > 0 && !(repo.job in fileResult.data.jobs)) {
        problems.push(`${configPath}: repos.${name}.job: "${repo.job}" is not listed under jobs`);
      }
    }
    const knownRepos = Object.keys(fileResult.data.repos).sort();
    const unknownRepo = (key: string, name: string): string =>
      `${configPath}: ${key}: "${name}" is not listed under repos (${knownRepos.length > 0 ? `known: ${knownRepos.join(', ')}` : 'none are configured'})`;
    for (const name of fileResult.data.preflight?.repos ?? []) {
      if (!Object.hasOwn(fileResult.data.repos, name)) problems.push(unknownRepo('preflight.repos', name));
    }
    for (const name of fileResult.data.health.digest?.repos ?? []) {
      if (!Object.hasOwn(fileResult.data.repos, name)) problems.push(unknownRepo('health.digest.repos', name));
    }
    const e = envResult.data;
    if (e.SLACK_BOT_TOKEN && !e.SLACK_SIGNING_SECRET) problems.push('SLACK_SIGNING_SECRET: required when SLACK_BOT_TOKEN is set');
    if (e.SLACK_SIGNING_SECRET && !e.SLACK_BOT_TOKEN) problems.push('SLACK_BOT_TOKEN: required when SLACK_SIGNING_SECRET is set');
    if (e.JENKINS_URL && (!e.JENKINS_USER || !e.JENKINS_API_TOKEN)) problems.push('JENKINS_USER / JENKINS_API_TOKEN: required when JENKINS_URL is set');
  }

  if (problems.length > 0 || !envResult.success || !fileResult.success) throw new ConfigError(problems);

  return Object.freeze({
    ...fileResult.data,
    env: envResult.data,
    goEnv: pickGoEnv(env),
    host: envResult.data.BUILDFIX_HOST ?? hostname(),
    configPath,
  });
}
