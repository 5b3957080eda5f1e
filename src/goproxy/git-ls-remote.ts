/**
 * What GOPROXY=direct (and GOPRIVATE modules) run into: the module's git
 * repository, asked with `git ls-remote` whether the version's tag exists.
 * The module → repository mapping follows the go command in its simple
 * forms (known hosts, a ".git" qualifier, a `?go-get=1` meta tag) and can be
 * overridden. Failures are sorted into tag missing, repository missing,
 * authentication required, unreachable and timeout.
 */
import type { GoEnv } from '../config/env.ts';
import { CommandFailedError } from '../errors.ts';
import { runCommand } from '../exec/run-command.ts';
import { isPseudoVersion } from '../gomod/go-version.ts';
import { redactText } from '../util/redact.ts';
import { splitPathVersion } from './escape-path.ts';
import { redactUrl, type HttpClient } from './http-client.ts';

/** Where a module's code lives: the repository URL and the import path of its root. */
export interface RepoLocation {
  url: string;
  /** Import path of the repository root (module path = root [+ "/" + subdir] [+ major suffix]). */
  root: string;
  /** How the mapping was found. */
  via: 'override' | 'known-host' | 'vcs-qualifier' | 'go-get' | 'guess';
  /** Why a go-get meta lookup did not decide, when we fell back to a guess. */
  note?: string;
}

export type GitCheckReason = 'found' | 'tag-missing' | 'repo-missing' | 'auth' | 'unreachable' | 'timeout' | 'tls' | 'git-missing' | 'unsupported-vcs' | 'error';

export interface GitCheckResult {
  /** ok: the tag (or, for a pseudo-version, the repository) exists; not-found: tag or repository missing; error: anything else. */
  outcome: 'ok' | 'not-found' | 'error';
  reason: GitCheckReason;
  /** One line a person can act on; "authentication" appears in it for auth failures. Never credentials. */
  message: string;
  durationMs: number;
  /** Repository URL, credentials masked. */
  repoUrl?: string;
  /** The tag looked for (undefined for pseudo-versions). */
  tag?: string;
}

export interface GitRemoteOptions {
  /** Per `git ls-remote` (default 30 s). */
  timeoutMs?: number;
  /** Map a module path to its repository yourself (tests, mirrors). Return undefined for the default. */
  repoFor?: (modulePath: string) => RepoLocation | string | undefined | Promise<RepoLocation | string | undefined>;
  /** Used for `?go-get=1` meta lookups; without it only the static rules and a guess are used. */
  http?: HttpClient;
  /** The go-get URL for an import path (default https://<path>?go-get=1). */
  goGetUrl?: (importPath: string) => string;
  /** Proxy variables to give git; when set they replace the inherited ones. */
  goEnv?: GoEnv;
  /** Extra environment for git (e.g. HOME, GIT_CONFIG_GLOBAL). */
  env?: Record<string, string | undefined>;
}

/** Hosts whose repository root is always the first three path elements. */
const KNOWN_HOSTS = new Set(['github.com', 'gitlab.com', 'bitbucket.org']);

const PROXY_KEYS = ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy'] as const;

/** True when `prefix` is `path` or a leading run of its slash-separated elements. */
function hasPathPrefix(path: string, prefix: string): boolean {
  return path === prefix || (path.startsWith(prefix) && (prefix.endsWith('/') || path[prefix.length] === '/'));
}

/** `<meta name="go-import" content="root vcs url">` entries of a go-get page. */
export function parseGoImportMeta(html: string): Array<{ root: string; vcs: string; url: string }> {
  const out: Array<{ root: string; vcs: string; url: string }> = [];
  const head = html.split(/<\/head>|<body/i)[0] ?? html;
  for (const tag of head.match(/<meta\s[^>]*>/gi) ?? []) {
    const attr = (name: string): string | undefined => {
      const m = new RegExp(`\\b${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(tag);
      return m ? (m[1] ?? m[2] ?? m[3]) : undefined;
    };
    if (attr('name') !== 'go-import') continue;
    const fields = (attr('content') ?? '').trim().split(/\s+/);
    if (fields.length === 3) out.push({ root: fields[0]!, vcs: fields[1]!, url: fields[2]! });
  }
  return out;
}

/**
 * The git tag for a module version, as the go command derives it: the
 * module's directory inside the repository (minus a /vN suffix) as a prefix,
 * "+incompatible" dropped. Undefined for pseudo-versions (no tag).
 */
export function tagForVersion(modulePath: string, root: string, version: string): string | undefined {
  if (isPseudoVersion(version)) return undefined;
  const { prefix } = splitPathVersion(modulePath);
  const codeDir = hasPathPrefix(prefix, root) ? prefix.slice(root.length).replace(/^\/+|\/+$/g, '') : '';
  const v = version.replace(/\+incompatible$/, '');
  return codeDir ? `${codeDir}/${v}` : v;
}

export class GitRemote {
  readonly timeoutMs: number;
  #options: GitRemoteOptions;

  constructor(options: GitRemoteOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.#options = options;
  }

  /** Module path → repository, with the go command's simple rules. */
  async resolveRepo(modulePath: string, signal?: AbortSignal): Promise<RepoLocation> {
    const override = await this.#options.repoFor?.(modulePath);
    if (typeof override === 'string') return { url: override, root: splitPathVersion(modulePath).prefix, via: 'override' };
    if (override) return override;
    const elems = modulePath.split('/');
    if (KNOWN_HOSTS.has(elems[0] ?? '') && elems.length >= 3) {
      const root = elems.slice(0, 3).join('/');
      return { url: `https://${root}`, root, via: 'known-host' };
    }
    const qualified = /^(.+?\.git)(?:\/|$)/.exec(modulePath);
    if (qualified) return { url: `https://${qualified[1]}`, root: qualified[1]!, via: 'vcs-qualifier' };
    const guess = splitPathVersion(modulePath).prefix;
    if (!this.#options.http) return { url: `https://${guess}`, root: guess, via: 'guess' };
    const goGetUrl = this.#options.goGetUrl?.(modulePath) ?? `https://${modulePath}?go-get=1`;
    let note: string;
    try {
      const res = await this.#options.http.get(goGetUrl, signal ? { signal } : {});
      const metas = parseGoImportMeta(res.body).filter((m) => hasPathPrefix(modulePath, m.root));
      const meta = metas.sort((a, b) => b.root.length - a.root.length)[0];
      if (meta) return { url: meta.url, root: meta.root, via: 'go-get', ...(meta.vcs === 'git' ? {} : { note: `go-import meta names vcs "${meta.vcs}"` }) };
      note = `no go-import meta tag for ${modulePath} at ${redactUrl(goGetUrl)} (HTTP ${res.status})`;
    } catch (err) {
      note = `go-get lookup failed: ${err instanceof Error ? err.message : String(err)}`;
    }
    return { url: `https://${guess}`, root: guess, via: 'guess', note };
  }

  /** Does the tag for `version` exist in the module's repository? */
  async checkVersion(modulePath: string, version: string, options: { signal?: AbortSignal } = {}): Promise<GitCheckResult> {
    const started = performance.now();
    const elapsed = (): number => Math.round(performance.now() - started);
    const repo = await this.resolveRepo(modulePath, options.signal);
    const repoUrl = redactUrl(repo.url);
    if (repo.note?.startsWith('go-import meta names vcs')) {
      return { outcome: 'error', reason: 'unsupported-vcs', message: `${modulePath}: ${repo.note}; only git is checked`, durationMs: elapsed(), repoUrl };
    }
    const tag = tagForVersion(modulePath, repo.root, version);
    const result = await this.lsRemote(repo.url, tag === undefined ? ['HEAD'] : [`refs/tags/${tag}`], options.signal);
    const durationMs = elapsed();
    const base = { durationMs, repoUrl, ...(tag !== undefined ? { tag } : {}) };
    if (result.ok) {
      if (tag === undefined) return { ...base, outcome: 'ok', reason: 'found', message: `${repoUrl} answers (pseudo-version ${version}: commit not checked)` };
      const found = result.refs.some((r) => r === `refs/tags/${tag}` || r === `refs/tags/${tag}^{}`);
      if (found) return { ...base, outcome: 'ok', reason: 'found', message: `tag ${tag} exists in ${repoUrl}` };
      return { ...base, outcome: 'not-found', reason: 'tag-missing', message: `unknown revision ${version}: tag ${tag} not found in ${repoUrl}` };
    }
    const hint = repo.note ? ` (${repo.note})` : '';
    return { ...base, outcome: result.reason === 'repo-missing' ? 'not-found' : 'error', reason: result.reason, message: `${result.message}${hint}` };
  }

  /**
   * `git ls-remote -q <url> <patterns…>` with prompts off. ok lists the ref
   * names; otherwise the failure is classified from git's stderr.
   */
  async lsRemote(
    url: string,
    patterns: string[] = [],
    signal?: AbortSignal,
  ): Promise<{ ok: true; refs: string[] } | { ok: false; reason: Exclude<GitCheckReason, 'found' | 'tag-missing'>; message: string }> {
    const env: Record<string, string | undefined> = {
      GIT_TERMINAL_PROMPT: '0',
      GCM_INTERACTIVE: 'never',
      GIT_ASKPASS: undefined,
      SSH_ASKPASS: undefined,
    };
    // As the go command does: ssh must never ask either (pass env.GIT_SSH_COMMAND to use your own).
    env.GIT_SSH_COMMAND = 'ssh -o ControlMaster=no -o BatchMode=yes';
    if (this.#options.goEnv) for (const key of PROXY_KEYS) env[key] = this.#options.goEnv[key];
    Object.assign(env, this.#options.env);
    const shown = redactUrl(url);
    try {
      const res = await runCommand(['git', 'ls-remote', '-q', '--', url, ...patterns], {
        timeoutMs: this.timeoutMs,
        env,
        ...(signal ? { signal } : {}),
      });
      const refs = res.stdout
        .split('\n')
        .map((line) => line.split('\t')[1]?.trim())
        .filter((r): r is string => !!r);
      return { ok: true, refs };
    } catch (err) {
      if (!(err instanceof CommandFailedError)) throw err;
      const stderr = redactText(err.stderrTail).split(url).join(shown);
      const last = stderr.trim().split('\n').filter(Boolean).slice(-2).join('; ');
      return { ok: false, ...classifyGitFailure(err, stderr, shown, this.timeoutMs, last) };
    }
  }
}

// Sorts a failed ls-remote by what a person has to do about it.
function classifyGitFailure(
  err: CommandFailedError,
  stderr: string,
  shown: string,
  timeoutMs: number,
  last: string,
): { reason: Exclude<GitCheckReason, 'found' | 'tag-missing'>; message: string } {
  const s = stderr.toLowerCase();
  const detail = last ? `: ${last}` : '';
  if (err.timedOut) return { reason: 'timeout', message: `git ls-remote ${shown} timed out after ${timeoutMs} ms` };
  if (/not installed or not on path/.test(err.message)) return { reason: 'git-missing', message: 'git is not installed on this host (needed for GOPROXY=direct and private modules)' };
  if (/repository not found|not exported|does not appear to be a git repository|no such repository|repository .* does not exist|project you were looking for could not be found/.test(s)) {
    return { reason: 'repo-missing', message: `repository ${shown} not found${detail}` };
  }
  if (/terminal prompts disabled|could not read (username|password)|authentication failed|invalid username or password|http basic: access denied|permission denied \(publickey|host key verification failed|requested url returned error: 40[13]|\b40[13]\b/.test(s)) {
    return { reason: 'auth', message: `authentication required for ${shown} (git prompts are disabled, as in go)${detail}` };
  }
  if (/ssl|certificate|tls/.test(s)) return { reason: 'tls', message: `TLS failure talking to ${shown}${detail}` };
  if (/could not resolve host|name or service not known|temporary failure in name resolution|unable to look up|connection refused|failed to connect|couldn't connect|connection timed out|network is unreachable|no route to host|unable to connect|could not connect|proxy/.test(s)) {
    return { reason: 'unreachable', message: `cannot reach ${shown}${detail}` };
  }
  return { reason: 'error', message: `git ls-remote ${shown} failed (exit ${err.exitCode ?? '?'})${detail}` };
}
