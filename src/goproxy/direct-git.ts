/**
 * Reaches a module's repository the way the go command does in direct mode:
 * the real git with the agent's own set-up (global config with its
 * `url.<base>.insteadOf` rewrites, credential helpers, ~/.netrc, ssh keys),
 * prompts off (GIT_TERMINAL_PROMPT=0, ssh BatchMode), arguments as an array.
 * When `git ls-remote` fails, the set-up is read back (the URL git really
 * used, whether a credential helper or a .netrc entry exists — presence
 * only) so the failure can be told apart: no credentials, credentials
 * rejected, no ssh access, host unreachable, repository missing.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { GoEnv } from '../config/env.ts';
import { CommandFailedError } from '../errors.ts';
import { runCommand } from '../exec/run-command.ts';
import { createLimiter } from '../util/limiter.ts';
import { redactText } from '../util/redact.ts';
import { redactUrl } from './http-client.ts';
import { netrcHasPasswordFor, netrcPath } from './netrc.ts';

export type DirectGitReason = 'repo-missing' | 'auth' | 'credentials-rejected' | 'ssh-auth' | 'unreachable' | 'timeout' | 'tls' | 'git-missing' | 'error';

export type Transport = 'https' | 'http' | 'ssh' | 'git' | 'file' | 'other';

/** What the agent's git does with a repository URL. Presence only: never a credential. */
export interface GitSetup {
  /** The URL git contacts after insteadOf rewriting (credentials masked). */
  effectiveUrl: string;
  /** True when an insteadOf rule rewrote the URL. */
  rewritten: boolean;
  transport: Transport;
  /** A credential helper applies to this URL. */
  credentialHelper: boolean;
  /** ~/.netrc (or $NETRC) has a machine entry with a password for the host. */
  netrc: boolean;
  /** The URL itself carries user:password. */
  urlCredentials: boolean;
}

export type LsRemoteResult =
  | { ok: true; refs: string[]; /** Each ref with the commit (or tag object) it points at. */ tips: Array<{ sha: string; ref: string }>; durationMs: number }
  | { ok: false; reason: DirectGitReason; message: string; durationMs: number; setup?: GitSetup };

export interface DirectGitOptions {
  /** Per git command (default 30 s). */
  timeoutMs?: number;
  /** Proxy variables to give git; when set they replace the inherited ones. */
  goEnv?: GoEnv;
  /** Extra environment for git (HOME, GIT_CONFIG_GLOBAL, NETRC…): the agent's set-up. */
  env?: Record<string, string | undefined>;
}

/** git processes this process runs at once for direct mode (a diagnosis may have many private modules; agents have few cores). */
const MAX_GIT_PROCESSES = 8;
const gitSlot = createLimiter(MAX_GIT_PROCESSES);

const PROXY_KEYS = ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy'] as const;

export function transportOf(url: string): Transport {
  const m = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url);
  if (!m) return /^[^/\s]+@[^/\s:]+:/.test(url) || /^[^/\s:]+:[^/]/.test(url) ? 'ssh' : url.startsWith('/') ? 'file' : 'other';
  const scheme = m[1]!.toLowerCase();
  if (scheme === 'ssh' || scheme === 'git+ssh' || scheme === 'ssh+git') return 'ssh';
  if (scheme === 'https' || scheme === 'http' || scheme === 'git' || scheme === 'file') return scheme;
  return 'other';
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return /^[^/\s]+@([^/\s:]+):/.exec(url)?.[1]?.toLowerCase();
  }
}

export class DirectGit {
  readonly timeoutMs: number;
  #options: DirectGitOptions;

  constructor(options: DirectGitOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.#options = options;
  }

  /** The environment go gives git: prompts off, ssh in batch mode unless the agent set its own ssh command. */
  env(): Record<string, string | undefined> {
    const env: Record<string, string | undefined> = { GIT_TERMINAL_PROMPT: '0', GCM_INTERACTIVE: 'never', GIT_ASKPASS: undefined, SSH_ASKPASS: undefined };
    if (this.#options.goEnv) for (const key of PROXY_KEYS) env[key] = this.#options.goEnv[key];
    Object.assign(env, this.#options.env);
    const own = this.#options.env ?? {};
    if (!own.GIT_SSH_COMMAND && !own.GIT_SSH && !process.env.GIT_SSH_COMMAND && !process.env.GIT_SSH)
      env.GIT_SSH_COMMAND = 'ssh -o ControlMaster=no -o BatchMode=yes';
    return env;
  }

  async #git(args: string[], signal: AbortSignal | undefined): Promise<{ exitCode: number; stdout: string }> {
    const res = await runCommand(['git', ...args], { cwd: tmpdir(), timeoutMs: this.timeoutMs, env: this.env(), reject: false, ...(signal ? { signal } : {}) });
    return { exitCode: res.exitCode, stdout: res.stdout };
  }

  /** How the agent's git would reach `url`: rewrites, transport, credentials present. */
  setup(url: string, signal?: AbortSignal): Promise<GitSetup> {
    return gitSlot(() => this.#setup(url, signal));
  }

  async #setup(url: string, signal?: AbortSignal): Promise<GitSetup> {
    const expanded = await this.#git(['ls-remote', '--get-url', '--', url], signal).catch(() => ({ exitCode: 1, stdout: '' }));
    const effective = expanded.exitCode === 0 && expanded.stdout.trim() !== '' ? expanded.stdout.trim() : url;
    const transport = transportOf(effective);
    let credentialHelper = false;
    let netrc = false;
    let urlCredentials = false;
    if (transport === 'https' || transport === 'http') {
      const helper = await this.#git(['config', '--get-urlmatch', 'credential.helper', effective], signal).catch(() => ({ exitCode: 1, stdout: '' }));
      credentialHelper = helper.exitCode === 0 && helper.stdout.trim() !== '';
      try {
        urlCredentials = new URL(effective).password !== '';
      } catch {
        urlCredentials = false;
      }
      const host = hostOf(effective);
      // curl (git) also honours a "default" entry, which go's own parser ignores.
      const path = netrcPath({ ...process.env, ...this.#options.env });
      if (host && path) {
        try {
          netrc = netrcHasPasswordFor(await readFile(path, 'utf8'), host);
        } catch {
          netrc = false;
        }
      }
    }
    return { effectiveUrl: redactUrl(effective), rewritten: effective !== url, transport, credentialHelper, netrc, urlCredentials };
  }

  /**
   * The text of files at one ref, fetched as go fetches a version (`git fetch --depth=1` of that ref
   * into a scratch repository; blobs filtered where the server allows), first existing path wins.
   * undefined: the fetch failed; { path: undefined }: none of the paths exists at the ref.
   */
  readFileAt(url: string, ref: string, paths: string[], signal?: AbortSignal): Promise<{ path?: string; text?: string; commitTime?: number } | undefined> {
    return gitSlot(() => this.#readFileAt(url, ref, paths, signal));
  }

  async #readFileAt(
    url: string,
    ref: string,
    paths: string[],
    signal?: AbortSignal,
  ): Promise<{ path?: string; text?: string; commitTime?: number } | undefined> {
    const dir = await mkdtemp(join(tmpdir(), 'buildfix-gitmod-'));
    try {
      const git = (args: string[]) =>
        runCommand(['git', ...args], {
          cwd: dir,
          timeoutMs: this.timeoutMs,
          env: { ...this.env(), GIT_DIR: dir },
          reject: false,
          keepFinalNewline: true,
          ...(signal ? { signal } : {}),
        });
      if ((await git(['init', '--bare', '-q', dir])).exitCode !== 0) return undefined;
      const fetched = await git(['fetch', '-q', '--depth=1', '--filter=blob:none', '--no-tags', '--', url, ref]);
      if (fetched.exitCode !== 0) return undefined;
      // The committer time, which go checks a pseudo-version's timestamp against.
      const shown = await git(['show', '-s', '--format=%ct', 'FETCH_HEAD']);
      const seconds = Number.parseInt(shown.stdout.trim(), 10);
      const time = shown.exitCode === 0 && Number.isFinite(seconds) ? { commitTime: seconds } : {};
      for (const path of paths) {
        const blob = await git(['cat-file', 'blob', `FETCH_HEAD:${path}`]);
        if (blob.exitCode === 0) return { path, text: blob.stdout, ...time };
      }
      return time;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** `git ls-remote -q <url> <patterns…>`; a failure comes with the set-up that explains it. */
  async lsRemote(url: string, patterns: string[] = [], signal?: AbortSignal): Promise<LsRemoteResult> {
    const started = performance.now();
    const shown = redactUrl(url);
    try {
      const res = await gitSlot(() =>
        runCommand(['git', 'ls-remote', '-q', '--', url, ...patterns], {
          cwd: tmpdir(),
          timeoutMs: this.timeoutMs,
          env: this.env(),
          ...(signal ? { signal } : {}),
        }),
      );
      const tips = res.stdout
        .split('\n')
        .map((line) => line.split('\t'))
        .filter((f): f is [string, string] => f.length >= 2 && !!f[0] && !!f[1])
        .map(([sha, ref]) => ({ sha: sha.trim(), ref: ref.trim() }));
      return { ok: true, refs: tips.map((t) => t.ref), tips, durationMs: Math.round(performance.now() - started) };
    } catch (err) {
      if (!(err instanceof CommandFailedError)) throw err;
      const stderr = redactText(err.stderrTail).split(url).join(shown);
      const last = stderr.trim().split('\n').filter(Boolean).slice(-2).join('; ');
      const first = classifyGitFailure(err, stderr, shown, this.timeoutMs, last);
      if (first.reason === 'git-missing' || first.reason === 'timeout') return { ok: false, ...first, durationMs: Math.round(performance.now() - started) };
      const setup = await this.setup(url, signal);
      return { ok: false, ...refineWithSetup(first, setup, stderr), setup, durationMs: Math.round(performance.now() - started) };
    }
  }
}

/** Sorts a failed ls-remote by what a person has to do about it (from git's stderr alone). */
export function classifyGitFailure(
  err: CommandFailedError,
  stderr: string,
  shown: string,
  timeoutMs: number,
  last: string,
): { reason: DirectGitReason; message: string } {
  const s = stderr.toLowerCase();
  const detail = last ? `: ${last}` : '';
  if (err.timedOut) return { reason: 'timeout', message: `git ls-remote ${shown} timed out after ${timeoutMs} ms` };
  if (/not installed or not on path/.test(err.message))
    return { reason: 'git-missing', message: 'git is not installed on this host (needed for GOPROXY=direct and private modules)' };
  if (
    /repository not found|not exported|does not appear to be a git repository|no such repository|repository .* does not exist|project you were looking for could not be found|requested url returned error: 404/.test(
      s,
    )
  ) {
    return { reason: 'repo-missing', message: `repository ${shown} not found${detail}` };
  }
  if (/permission denied \(publickey|host key verification failed|no matching host key|too many authentication failures/.test(s)) {
    return { reason: 'ssh-auth', message: `ssh access to ${shown} refused (git runs ssh in batch mode, as go does)${detail}` };
  }
  if (
    /terminal prompts disabled|could not read (username|password)|authentication failed|invalid username or password|http basic: access denied|requested url returned error: 40[13]|\b40[13]\b/.test(
      s,
    )
  ) {
    return { reason: 'auth', message: `authentication required for ${shown} (git prompts are disabled, as in go)${detail}` };
  }
  if (/ssl|certificate|tls/.test(s)) return { reason: 'tls', message: `TLS failure talking to ${shown}${detail}` };
  if (
    /could not resolve host|could not resolve hostname|name or service not known|temporary failure in name resolution|unable to look up|connection refused|failed to connect|couldn't connect|connection timed out|network is unreachable|no route to host|unable to connect|could not connect|proxy|could not read from remote repository/.test(
      s,
    )
  ) {
    return { reason: 'unreachable', message: `cannot reach ${shown}${detail}` };
  }
  return { reason: 'error', message: `git ls-remote ${shown} failed (exit ${err.exitCode ?? '?'})${detail}` };
}

// Credentials that exist but were refused are a different fix from credentials that are missing.
function refineWithSetup(first: { reason: DirectGitReason; message: string }, setup: GitSetup, stderr: string): { reason: DirectGitReason; message: string } {
  const via = setup.rewritten ? ` (insteadOf rewrote it to ${setup.effectiveUrl})` : '';
  if (first.reason === 'auth') {
    const has = [
      setup.credentialHelper ? 'a credential helper' : '',
      setup.netrc ? 'a .netrc entry' : '',
      setup.urlCredentials ? 'credentials in the URL' : '',
    ].filter(Boolean);
    const prompted = /terminal prompts disabled|could not read (username|password)/i.test(stderr);
    // curl sends .netrc credentials itself: a prompt after them means the server refused them. A helper's refused
    // credentials end in "Authentication failed"; a prompt despite a helper means it had none for this URL.
    if (setup.netrc || setup.urlCredentials || (has.length > 0 && !prompted))
      return { reason: 'credentials-rejected', message: `${first.message}${via}; the agent has ${has.join(' and ')} for it, but the server rejected them` };
    if (has.length > 0) return { reason: 'auth', message: `${first.message}${via}; ${has.join(' and ')} is configured but gave git nothing for this URL` };
    return { reason: 'auth', message: `${first.message}${via}; the agent has no credentials for it (no credential helper, no .netrc entry)` };
  }
  return { reason: first.reason, message: `${first.message}${via}` };
}
