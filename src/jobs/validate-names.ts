/**
 * Agent and repo names are checked against the configuration before a job is
 * queued and again on the worker before anything runs: a name that is not
 * known is refused, never handed to a process.
 */
import type { Config } from '../config/load-config.ts';
import { BuildfixError } from '../errors.ts';
import { normalizeHost } from './queue-names.ts';

export type NamesConfig = Pick<Config, 'agents' | 'repos'>;

export interface NameCheckContext {
  config: NamesConfig;
  /**
   * The host the job will run on when it is known here: the worker's own host
   * on the run side, this machine for the in-process dispatcher; undefined
   * when a BullMQ producer submits for a remote worker.
   */
  localHost: string | undefined;
}

/** The configured spelling of an agent name (config keys are matched case-insensitively). */
export function findAgent(config: Pick<Config, 'agents'>, agent: string): string | undefined {
  const wanted = agent.toLowerCase();
  return Object.keys(config.agents).find((name) => name.toLowerCase() === wanted);
}

/**
 * With agents configured, only those may be acted on. With none configured,
 * a worker acts only on its own host.
 */
export function checkAgent(agent: string, ctx: NameCheckContext): void {
  const configured = Object.keys(ctx.config.agents);
  if (configured.length > 0) {
    if (findAgent(ctx.config, agent) === undefined) {
      throw new BuildfixError('BF_PERMISSION', `refused: "${agent}" is not a configured agent (configured agents: ${configured.join(', ')})`, {
        details: { agent },
      });
    }
  } else if (ctx.localHost !== undefined && normalizeHost(agent) !== ctx.localHost) {
    throw new BuildfixError('BF_PERMISSION', `refused: no agents are configured, so only this host ("${ctx.localHost}") may be acted on, not "${agent}"`, {
      details: { agent },
    });
  }
  if (ctx.localHost !== undefined && normalizeHost(agent) !== ctx.localHost) {
    throw new BuildfixError('BF_PERMISSION', `refused: "${agent}" is not this host ("${ctx.localHost}"); host actions run only on the agent's own worker`, {
      details: { agent },
    });
  }
}

// Kept in step with engine/resolve-target.ts (a test compares them); copied so
// the chat side does not load the process-running engine modules.
const GIT_URL = /^(?:(?:https?|ssh|git|file):\/\/\S+|[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:\S+)$/;
const OWNER_REPO = /^[A-Za-z0-9][A-Za-z0-9_.-]*\/[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const SHELL_META = /[\s;|&`$<>]/;

export type RepoRefKind = 'repo-name' | 'path' | 'git-url' | 'owner-repo';

/** What kind of repo reference this is, without touching the disk; undefined when it is none. */
export function classifyRepoRef(repo: string, config: Pick<Config, 'repos'>): RepoRefKind | undefined {
  const text = repo.trim();
  if (text === '') return undefined;
  if (Object.hasOwn(config.repos, text)) return 'repo-name';
  if (GIT_URL.test(text) && !SHELL_META.test(text)) return 'git-url';
  if (text.startsWith('.') || text.startsWith('/') || text.startsWith('~')) return 'path';
  if (OWNER_REPO.test(text)) return 'owner-repo';
  return undefined;
}

export function checkRepo(repo: string, ctx: { config: Pick<Config, 'repos'> }): RepoRefKind {
  const kind = classifyRepoRef(repo, ctx.config);
  if (kind === undefined) {
    const known = Object.keys(ctx.config.repos);
    throw new BuildfixError(
      'BF_INPUT',
      `refused: "${repo}" is not a configured repo, a path, a git URL or owner/repo` + (known.length > 0 ? ` (configured repos: ${known.join(', ')})` : ''),
      { details: { repo } },
    );
  }
  return kind;
}
