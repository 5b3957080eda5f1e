/**
 * Turns what a person typed (a configured repo name, a local checkout, a git
 * URL or owner/repo) into a directory holding go.mod. Remote targets are
 * cloned shallowly into a temp dir that cleanup() always removes.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BuildfixError, CommandFailedError } from '../errors.ts';
import { runCommand } from '../exec/run-command.ts';
import { maskUrlCredentials } from '../util/redact.ts';
import { describeCloneFailure } from './git-clone-error.ts';

export interface TargetSource {
  repoUrlTemplate: string;
  repos: Record<string, { url: string }>;
}

export type TargetKind = 'repo-name' | 'path' | 'git-url' | 'owner-repo';

export interface ResolvedTarget {
  /** What the person typed. */
  input: string;
  kind: TargetKind;
  /** Directory holding go.mod (and go.sum when present). */
  dir: string;
  /** Where it came from, credentials masked: "/srv/payments" or "https://git…/payments.git". */
  origin: string;
  cloned: boolean;
  cloneMs: number;
  cleanup(): Promise<void>;
}

const GIT_URL = /^(?:(?:https?|ssh|git|file):\/\/\S+|[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:\S+)$/;
const OWNER_REPO = /^[A-Za-z0-9][A-Za-z0-9_.-]*\/[A-Za-z0-9][A-Za-z0-9_.-]*$/;

export function isGitUrl(value: string): boolean {
  return GIT_URL.test(value) && !/[\s;|&`$<>]/.test(value);
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

async function hasGoMod(dir: string): Promise<boolean> {
  try {
    return (await stat(join(dir, 'go.mod'))).isFile();
  } catch {
    return false;
  }
}

/** Classifies the input without touching the network. */
export async function classifyTarget(input: string, source: TargetSource): Promise<{ kind: TargetKind; location: string }> {
  const text = input.trim();
  if (text === '') throw new BuildfixError('BF_TARGET', 'no target given: pass a repo name, a path to a checkout, a git URL or owner/repo');
  const configured = source.repos[text];
  if (configured) {
    return { kind: 'repo-name', location: configured.url };
  }
  if (isGitUrl(text)) return { kind: 'git-url', location: text };
  if (text.startsWith('.') || text.startsWith('/') || text.startsWith('~') || (await isDirectory(text))) {
    return { kind: 'path', location: text };
  }
  if (OWNER_REPO.test(text)) return { kind: 'owner-repo', location: source.repoUrlTemplate.replaceAll('{repo}', text) };
  const known = Object.keys(source.repos);
  throw new BuildfixError(
    'BF_TARGET',
    `"${text}" is not a configured repo, an existing directory, a git URL or owner/repo` + (known.length > 0 ? ` (configured repos: ${known.join(', ')})` : ''),
  );
}

export interface ResolveOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Parent directory for clones (default: the OS temp dir). */
  tempRoot?: string;
}

export async function resolveTarget(input: string, source: TargetSource, options: ResolveOptions = {}): Promise<ResolvedTarget> {
  const { kind, location } = await classifyTarget(input, source);
  const isLocal = kind === 'path' || (kind === 'repo-name' && !isGitUrl(location));
  if (isLocal) {
    const dir = resolve(location.replace(/^~(?=\/|$)/, process.env.HOME ?? '~'));
    if (!(await isDirectory(dir))) throw new BuildfixError('BF_TARGET', `${dir}: no such directory`);
    if (!(await hasGoMod(dir))) throw new BuildfixError('BF_TARGET', `${dir}: no go.mod here — point buildfix at the module root of a Go repository`);
    return { input, kind, dir, origin: dir, cloned: false, cloneMs: 0, cleanup: async () => {} };
  }

  const tempDir = await mkdtemp(join(options.tempRoot ?? tmpdir(), 'buildfix-clone-'));
  const cleanup = async (): Promise<void> => {
    await rm(tempDir, { recursive: true, force: true });
  };
  const origin = maskUrlCredentials(location);
  const started = performance.now();
  try {
    await runCommand(['git', 'clone', '--depth', '1', '--quiet', '--no-tags', '--', location, join(tempDir, 'repo')], {
      timeoutMs: options.timeoutMs ?? 120_000,
      signal: options.signal,
      env: { GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: 'true', GCM_INTERACTIVE: 'never' },
    });
  } catch (err) {
    await cleanup();
    if (options.signal?.aborted) throw err;
    // git's own words about the cause (DNS, auth, not found), without its generic trailer.
    const failure = err instanceof CommandFailedError ? describeCloneFailure(err.stderrTail) : undefined;
    const detail = failure?.detail || (err instanceof Error ? err.message : '');
    throw new BuildfixError('BF_TARGET', `cannot clone ${origin}${detail ? `: ${detail}` : ''}${failure ? ` (${failure.hint})` : ''}`, {
      cause: err,
      ...(failure ? { details: { cloneFailure: failure.kind } } : {}),
    });
  }
  const dir = join(tempDir, 'repo');
  if (!(await hasGoMod(dir))) {
    await cleanup();
    throw new BuildfixError('BF_TARGET', `${origin}: no go.mod at the repository root`);
  }
  return { input, kind, dir, origin, cloned: true, cloneMs: Math.round(performance.now() - started), cleanup };
}
