/**
 * The git questions "what changed since the last green build" asks, each one
 * git command run through an argument array: make sure both revisions (and
 * the history between them) are in a possibly shallow clone, list the commits
 * that touched given paths, read a file at a revision, blame one line.
 */
import { BuildfixError, CommandFailedError } from '../errors.ts';
import { runCommand } from '../exec/run-command.ts';

export interface GitOptions {
  signal?: AbortSignal;
  /** Per git command (default 60 s: fetches of a deep history can be slow). */
  timeoutMs?: number;
}

export interface CommitInfo {
  sha: string;
  shortSha: string;
  author: string;
  email: string;
  /** ISO 8601 author date. */
  date: string;
  subject: string;
  /** Paths (from the repository root) this commit changed among those asked about. */
  files: string[];
}

export interface BlamedLine {
  sha: string;
  shortSha: string;
  author: string;
  subject: string;
  /** The line was last changed at or before the range's start (not by a commit in the range). */
  boundary: boolean;
}

/** A revision as a person or a CI system gives it: a sha, a branch, a tag, HEAD~2. Never an option. */
export const GIT_REVISION = /^(?!-)(?!.*\.\.)[A-Za-z0-9._/~^@{}-]{1,200}$/;

export function assertRevision(rev: string): void {
  if (!GIT_REVISION.test(rev)) {
    throw new BuildfixError('BF_INPUT', `"${rev}" is not a git revision (a commit sha, branch or tag)`);
  }
}

/** One git command in `dir` through the exec helper: prompts off, C locale, a timeout. */
export async function git(dir: string, args: string[], options: GitOptions & { reject?: boolean } = {}): Promise<{ stdout: string; exitCode: number }> {
  const result = await runCommand(['git', '-C', dir, ...args], {
    timeoutMs: options.timeoutMs ?? 60_000,
    ...(options.signal ? { signal: options.signal } : {}),
    env: { GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: 'true', GCM_INTERACTIVE: 'never', LC_ALL: 'C' },
    reject: options.reject ?? true,
    maxBuffer: 32 * 1024 * 1024,
  });
  return { stdout: result.stdout, exitCode: result.exitCode };
}

/** The full sha of a revision, or undefined when the repository does not have it. */
export async function revParse(dir: string, rev: string, options: GitOptions = {}): Promise<string | undefined> {
  assertRevision(rev);
  const { stdout, exitCode } = await git(dir, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`], { ...options, reject: false });
  return exitCode === 0 && stdout.trim() !== '' ? stdout.trim() : undefined;
}

async function isAncestor(dir: string, ancestor: string, descendant: string, options: GitOptions): Promise<boolean> {
  const { exitCode } = await git(dir, ['merge-base', '--is-ancestor', ancestor, descendant], { ...options, reject: false });
  return exitCode === 0;
}

async function isShallow(dir: string, options: GitOptions): Promise<boolean> {
  const { stdout } = await git(dir, ['rev-parse', '--is-shallow-repository'], options);
  return stdout.trim() === 'true';
}

/** Depths tried, in order, when the clone is shallow: most regressions are a few commits old. */
const DEEPEN_STEPS = [50, 400, 3000];

/**
 * Makes `from` and `to` and the history between them available. A full clone
 * only needs the revisions to exist; a shallow clone (the worker's
 * `--depth 1`) fetches `from` by sha, then deepens `to` step by step until
 * `from` is its ancestor. Returns both full shas and whether `from` is an
 * ancestor of `to` (false: a rewritten branch; the diff is still meaningful).
 */
export async function ensureRevisions(dir: string, from: string, to: string, options: GitOptions = {}): Promise<{ from: string; to: string; linear: boolean }> {
  assertRevision(from);
  assertRevision(to);
  const shallow = await isShallow(dir, options);
  const fetchRev = async (rev: string, depth: number): Promise<void> => {
    try {
      await git(dir, ['fetch', '--quiet', '--no-tags', `--depth=${depth}`, 'origin', '--end-of-options', rev], options);
    } catch (err) {
      const detail = err instanceof CommandFailedError ? err.stderrTail.trim().split('\n').filter(Boolean).slice(-2).join(' / ') : String(err);
      throw new BuildfixError('BF_UPSTREAM', `cannot fetch ${rev} from the repository's origin: ${detail}`, { cause: err });
    }
  };
  let toSha = await revParse(dir, to, options);
  if (!toSha && shallow) {
    await fetchRev(to, 1);
    toSha = await revParse(dir, 'FETCH_HEAD', options);
  }
  if (!toSha) throw new BuildfixError('BF_INPUT', `revision ${to} is not in the repository`);
  let fromSha = await revParse(dir, from, options);
  if (!fromSha && shallow) {
    // A full sha, a branch or a tag can be fetched by name; an abbreviated sha only turns up in the history.
    if (!/^[0-9a-f]{4,39}$/i.test(from)) {
      await fetchRev(from, 1);
      fromSha = await revParse(dir, 'FETCH_HEAD', options);
    } else {
      for (const depth of DEEPEN_STEPS) {
        await fetchRev(toSha, depth);
        fromSha = await revParse(dir, from, options);
        if (fromSha || !(await isShallow(dir, options))) break;
      }
    }
  }
  if (!fromSha)
    throw new BuildfixError('BF_INPUT', `revision ${from} is not in the repository (the last green build's commit may have been force-pushed away)`);
  if (await isAncestor(dir, fromSha, toSha, options)) return { from: fromSha, to: toSha, linear: true };
  if (shallow) {
    for (const depth of DEEPEN_STEPS) {
      await fetchRev(toSha, depth);
      if (await isAncestor(dir, fromSha, toSha, options)) return { from: fromSha, to: toSha, linear: true };
      if (!(await isShallow(dir, options))) break;
    }
  }
  return { from: fromSha, to: toSha, linear: false };
}

const FIELD = '\x1f';
const RECORD = '\x1e';

/** Commits in from..to (newest first) that changed any of the pathspecs, with the paths they changed. */
export async function commitsTouching(dir: string, from: string, to: string, pathspecs: readonly string[], options: GitOptions = {}): Promise<CommitInfo[]> {
  const format = `${RECORD}%H${FIELD}%h${FIELD}%an${FIELD}%ae${FIELD}%aI${FIELD}%s`;
  const { stdout } = await git(dir, ['log', '--no-merges', '--no-renames', `--format=${format}`, '--name-only', `${from}..${to}`, '--', ...pathspecs], options);
  const commits: CommitInfo[] = [];
  for (const record of stdout.split(RECORD)) {
    if (record.trim() === '') continue;
    const [head = '', ...rest] = record.split('\n');
    const [sha = '', shortSha = '', author = '', email = '', date = '', subject = ''] = head.split(FIELD);
    commits.push({ sha, shortSha, author, email, date, subject, files: rest.map((l) => l.trim()).filter(Boolean) });
  }
  return commits;
}

export interface ChangedFile {
  path: string;
  /** git's status letter: A added, M modified, D deleted, T type change. */
  status: string;
}

/** Files among the pathspecs whose content differs between the two revisions. */
export async function changedFiles(dir: string, from: string, to: string, pathspecs: readonly string[], options: GitOptions = {}): Promise<ChangedFile[]> {
  const { stdout } = await git(dir, ['diff', '--no-renames', '--name-status', from, to, '--', ...pathspecs], options);
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [status = '', ...path] = line.split('\t');
      return { status: status.charAt(0), path: path.join('\t') };
    });
}

/** A file's content at a revision, or undefined when the file is not there. */
export async function showFile(dir: string, rev: string, path: string, options: GitOptions = {}): Promise<string | undefined> {
  const { stdout, exitCode } = await git(dir, ['show', `${rev}:${path}`], { ...options, reject: false });
  return exitCode === 0 ? stdout : undefined;
}

/** Which commit in from..to last changed line `line` of `path` as it is at `to`. */
export async function blameLine(dir: string, from: string, to: string, path: string, line: number, options: GitOptions = {}): Promise<BlamedLine | undefined> {
  const { stdout, exitCode } = await git(dir, ['blame', '--porcelain', '-L', `${line},${line}`, `${from}..${to}`, '--', path], { ...options, reject: false });
  if (exitCode !== 0) return undefined;
  const lines = stdout.split('\n');
  const sha = lines[0]?.split(' ')[0];
  if (!sha || !/^[0-9a-f]{40,64}$/.test(sha)) return undefined;
  const value = (key: string): string => lines.find((l) => l.startsWith(`${key} `))?.slice(key.length + 1) ?? '';
  return { sha, shortSha: sha.slice(0, 7), author: value('author'), subject: value('summary'), boundary: lines.includes('boundary') };
}

/** The path of `dir` inside its repository ("" at the top, "services/api/" below it). */
export async function repoPrefix(dir: string, options: GitOptions = {}): Promise<string> {
  const { stdout } = await git(dir, ['rev-parse', '--show-prefix'], options);
  return stdout.trim();
}
