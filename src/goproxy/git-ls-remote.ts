/**
 * What GOPROXY=direct (and GOPRIVATE modules) run into: the import path
 * resolved as go resolves it (import-path-resolve.ts), then the repository
 * asked with the agent's own git (direct-git.ts) whether the version's tag
 * (or a pseudo-version's commit) exists, and its go.mod read as go reads it.
 * Failures say which step broke (vanity host, meta tag, credentials, ssh,
 * tag missing).
 */
import type { GoEnv } from '../config/env.ts';
import { isPseudoVersion, moduleVersionMajor } from '../gomod/go-version.ts';
import { DirectGit, transportOf, type DirectGitReason, type GitSetup, type LsRemoteResult } from './direct-git.ts';
import { escapePath, escapeVersion, splitPathVersion } from './escape-path.ts';
import { redactUrl, type HttpClient } from './http-client.ts';
import { hasPathPrefix, resolveImportPath, type ImportResolveFailure } from './import-path-resolve.ts';
import { findOnPath } from '../util/find-on-path.ts';
import { govcsDenial } from './govcs.ts';
import { matchPrefixPatterns } from './module-patterns.ts';
import { basicAuthFor, readNetrcLines, type NetrcLine } from './netrc.ts';

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

/** found/tag-missing, a git failure (direct-git.ts), or where resolving the import path broke ("vanity:dns", "vanity:no-meta", "vanity:ssh-meta"…). */
export type GitCheckReason =
  | 'found'
  | 'tag-missing'
  | 'pseudo-mismatch'
  | 'incompatible-gomod'
  | 'unsupported-vcs'
  | 'vcs-missing'
  | 'ssh-rewrite'
  | DirectGitReason
  | `vanity:${ImportResolveFailure}`
  | 'vanity:ssh-meta';

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
  /** The repository URL came from a go-import meta tag. */
  fromMeta?: boolean;
  /** For vanity failures: the host whose go-get page failed. */
  vanityHost?: string;
  /** How the agent's git reached the repository, when it failed. */
  setup?: GitSetup;
  /** The version's go.mod as go would read it (asked with `mod: true`; synthesized when the tag has none). */
  modFile?: string;
}

export interface GitRemoteOptions {
  /** Per `git ls-remote` (default 30 s). */
  timeoutMs?: number;
  /** Map a module path to its repository yourself (tests, mirrors). Return undefined for the default. */
  repoFor?: (modulePath: string) => RepoLocation | string | undefined | Promise<RepoLocation | string | undefined>;
  /** Used for `?go-get=1` meta lookups; without it only the static rules and a guess are used. */
  http?: HttpClient;
  /** The go-get URL for an import path (default https://<path>?go-get=1, http after https with GOINSECURE). */
  goGetUrl?: (importPath: string) => string;
  /** Proxy variables to give git; when set they replace the inherited ones. */
  goEnv?: GoEnv;
  /** Extra environment for git (e.g. HOME, GIT_CONFIG_GLOBAL). */
  env?: Record<string, string | undefined>;
}

/** Hosts whose repository root is always the first three path elements. */
const KNOWN_HOSTS = new Set(['github.com', 'gitlab.com', 'bitbucket.org']);

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

type Located = { ok: true; repo: RepoLocation } | { ok: false; failure: ImportResolveFailure; message: string; host: string };

// Where go looks for a module's go.mod in its repository: a major-version subdirectory first.
function goModPaths(codeDir: string, pathMajor: string): string[] {
  const join = (...parts: string[]): string => parts.filter(Boolean).join('/');
  return pathMajor.startsWith('/') ? [join(codeDir, pathMajor.slice(1), 'go.mod'), join(codeDir, 'go.mod')] : [join(codeDir, 'go.mod')];
}

export class GitRemote {
  readonly timeoutMs: number;
  #options: GitRemoteOptions;
  #git: DirectGit;
  #insecure: (modulePath: string) => boolean;
  #netrc: Promise<NetrcLine[]> | undefined;
  /** Resolutions by module path: go resolves each path once per command (fetchCache), and so do we. */
  readonly #located = new Map<string, Promise<Located>>();

  constructor(options: GitRemoteOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.#options = options;
    this.#git = new DirectGit({ timeoutMs: this.timeoutMs, ...(options.goEnv ? { goEnv: options.goEnv } : {}), ...(options.env ? { env: options.env } : {}) });
    const insecure = options.goEnv?.GOINSECURE ?? '';
    this.#insecure = (path) => insecure !== '' && matchPrefixPatterns(insecure, path);
  }

  /**
   * Module path → repository as go resolves it (known hosts, `.vcs` qualifiers,
   * `?go-get=1` meta tags), or why that failed. Without an HTTP client only the
   * static rules apply and anything else is guessed as https://<path>.
   */
  locate(modulePath: string, signal?: AbortSignal): Promise<Located> {
    let p = this.#located.get(modulePath);
    if (!p) {
      p = this.#locate(modulePath, signal);
      this.#located.set(modulePath, p);
    }
    return p;
  }

  async #locate(modulePath: string, signal?: AbortSignal): Promise<Located> {
    const override = await this.#options.repoFor?.(modulePath);
    if (typeof override === 'string') return { ok: true, repo: { url: override, root: splitPathVersion(modulePath).prefix, via: 'override' } };
    if (override) return { ok: true, repo: override };
    const http = this.#options.http;
    if (!http) {
      const elems = modulePath.split('/');
      if (KNOWN_HOSTS.has(elems[0] ?? '') && elems.length >= 3) {
        const root = elems.slice(0, 3).join('/');
        return { ok: true, repo: { url: `https://${root}`, root, via: 'known-host' } };
      }
      const qualified = /^(.+?\.git)(?:\/|$)/.exec(modulePath);
      if (qualified) return { ok: true, repo: { url: `https://${qualified[1]}`, root: qualified[1]!, via: 'vcs-qualifier' } };
      const guess = splitPathVersion(modulePath).prefix;
      return { ok: true, repo: { url: `https://${guess}`, root: guess, via: 'guess' } };
    }
    // go sends the agent's ~/.netrc credentials with its https go-get requests.
    this.#netrc ??= readNetrcLines({ ...process.env, ...this.#options.env });
    const netrc = await this.#netrc;
    const r = await resolveImportPath(modulePath, {
      http,
      authorization: (host) => basicAuthFor(netrc, host),
      govcs: (root, vcs) => govcsDenial(root, vcs, this.#options.goEnv ?? {}),
      insecure: this.#insecure(modulePath),
      timeoutMs: this.timeoutMs,
      ...(this.#options.goGetUrl ? { pageUrl: this.#options.goGetUrl } : {}),
      ...(signal ? { signal } : {}),
    });
    if (!r.ok) return r;
    const via = r.repo.via;
    return {
      ok: true,
      repo: { url: r.repo.repoUrl, root: r.repo.root, via, ...(r.repo.vcs === 'git' ? {} : { note: `go-import meta names vcs "${r.repo.vcs}"` }) },
    };
  }

  /** Module path → repository; where go would fail to resolve it, a guess with the reason in `note`. */
  async resolveRepo(modulePath: string, signal?: AbortSignal): Promise<RepoLocation> {
    const r = await this.locate(modulePath, signal);
    if (r.ok) return r.repo;
    const guess = splitPathVersion(modulePath).prefix;
    return { url: `https://${guess}`, root: guess, via: 'guess', note: r.message };
  }

  /** Does the tag for `version` exist in the module's repository, reached as the agent's git reaches it? */
  async checkVersion(modulePath: string, version: string, options: { signal?: AbortSignal; mod?: boolean } = {}): Promise<GitCheckResult> {
    const started = performance.now();
    const elapsed = (): number => Math.round(performance.now() - started);
    const located = await this.locate(modulePath, options.signal);
    if (!located.ok) {
      return { outcome: 'error', reason: `vanity:${located.failure}`, message: located.message, durationMs: elapsed(), vanityHost: located.host };
    }
    const repo = located.repo;
    const repoUrl = redactUrl(repo.url);
    const vcs = /go-import meta names vcs "([^"]+)"/.exec(repo.note ?? '')?.[1];
    if (vcs === 'mod' && this.#options.http) return this.#checkModProxy(repo, modulePath, version, options, elapsed);
    if (vcs !== undefined) {
      // go runs that tool itself; buildfix only checks git. A missing tool fails go for sure; otherwise no verdict.
      const envPath = this.#options.env?.PATH ?? process.env.PATH;
      if (vcs !== 'mod' && !(await findOnPath(vcs, envPath))) {
        return {
          outcome: 'error',
          reason: 'vcs-missing',
          message: `${modulePath}: the go-import tag names ${vcs}, and go fails with exec: "${vcs}": executable file not found in $PATH`,
          durationMs: elapsed(),
          repoUrl,
        };
      }
      return {
        outcome: 'ok',
        reason: 'unsupported-vcs',
        message: `${modulePath}: ${repo.note}; only git repositories are checked, so this one is assumed to answer`,
        durationMs: elapsed(),
        repoUrl,
      };
    }
    const tag = tagForVersion(modulePath, repo.root, version);
    // A pseudo-version names a commit: every branch and tag tip is listed to find it.
    const result = await this.#git.lsRemote(repo.url, tag === undefined ? [] : [`refs/tags/${tag}`], options.signal);
    const durationMs = elapsed();
    const base = { durationMs, repoUrl, ...(tag !== undefined ? { tag } : {}), ...(repo.via === 'go-get' ? { fromMeta: true } : {}) };
    if (result.ok) {
      if (tag === undefined) return this.#checkPseudo(repo, modulePath, version, result.tips, base, options);
      const found = result.refs.some((r) => r === `refs/tags/${tag}` || r === `refs/tags/${tag}^{}`);
      if (found) {
        const incompatible = version.endsWith('+incompatible');
        const read = options.mod || incompatible ? await this.#goModAt(repo, modulePath, tag, options.signal) : undefined;
        // go accepts +incompatible only for a version without a go.mod file.
        if (incompatible && read?.exists) {
          const major = moduleVersionMajor(version) ?? 'v2';
          return {
            ...base,
            outcome: 'not-found',
            reason: 'incompatible-gomod',
            message: `invalid version: module contains a go.mod file, so module path must match major version ("${modulePath}/${major}")`,
          };
        }
        const modFile = options.mod ? read?.text : undefined;
        return { ...base, outcome: 'ok', reason: 'found', message: `tag ${tag} exists in ${repoUrl}`, ...(modFile !== undefined ? { modFile } : {}) };
      }
      return { ...base, outcome: 'not-found', reason: 'tag-missing', message: `unknown revision ${version}: tag ${tag} not found in ${repoUrl}` };
    }
    const setup = result.setup;
    // A go-import tag that sends the agent to ssh:// when it has no ssh access is the vanity server's doing.
    if (
      repo.via === 'go-get' &&
      transportOf(repo.url) === 'ssh' &&
      (result.reason === 'ssh-auth' || result.reason === 'unreachable') &&
      setup?.transport === 'ssh'
    ) {
      return {
        ...base,
        outcome: 'error',
        reason: 'vanity:ssh-meta',
        message: `the go-import meta tag for ${repo.root} points at ${repoUrl}, and this agent cannot use ssh there: ${result.message}`,
        vanityHost: repo.root.split('/')[0] ?? repo.root,
        ...(setup ? { setup } : {}),
      };
    }
    // The agent's own insteadOf sends an https URL to ssh, and ssh fails: its git set-up is the cause.
    if (setup?.rewritten && setup.transport === 'ssh' && transportOf(repo.url) !== 'ssh' && (result.reason === 'ssh-auth' || result.reason === 'unreachable')) {
      return { ...base, outcome: 'error', reason: 'ssh-rewrite', message: `${result.message}; ~/.gitconfig's url.*.insteadOf sends ${repoUrl} to ssh`, setup };
    }
    const hint = repo.note ? ` (${repo.note})` : '';
    return {
      ...base,
      outcome: result.reason === 'repo-missing' ? 'not-found' : 'error',
      reason: result.reason,
      message: `${result.message}${hint}`,
      ...(setup ? { setup } : {}),
    };
  }

  /** A go-import "mod" entry names a module proxy for the module: go asks it the proxy protocol's .mod. */
  async #checkModProxy(
    repo: RepoLocation,
    modulePath: string,
    version: string,
    options: { signal?: AbortSignal; mod?: boolean },
    elapsed: () => number,
  ): Promise<GitCheckResult> {
    const http = this.#options.http as HttpClient;
    const url = `${repo.url.replace(/\/+$/, '')}/${escapePath(modulePath)}/@v/${escapeVersion(version)}.mod`;
    const repoUrl = redactUrl(repo.url);
    try {
      const res = await http.get(url, { timeoutMs: this.timeoutMs, ...(options.signal ? { signal: options.signal } : {}) });
      if (res.status === 200)
        return {
          outcome: 'ok',
          reason: 'found',
          message: `${modulePath}@${version}: .mod from the module proxy ${repoUrl} named by its go-import tag`,
          durationMs: elapsed(),
          repoUrl,
          fromMeta: true,
          ...(options.mod ? { modFile: res.body } : {}),
        };
      const first = res.body.split('\n')[0]?.trim().slice(0, 200) ?? '';
      const notFound = res.status === 404 || res.status === 410;
      return {
        outcome: notFound ? 'not-found' : 'error',
        reason: notFound ? 'tag-missing' : 'error',
        message: `${redactUrl(url)}: ${res.status}${first ? ` ${first}` : ''}`,
        durationMs: elapsed(),
        repoUrl,
        fromMeta: true,
      };
    } catch (err) {
      return {
        outcome: 'error',
        reason: 'unreachable',
        message: `${repoUrl}: ${err instanceof Error ? err.message : String(err)}`,
        durationMs: elapsed(),
        repoUrl,
        fromMeta: true,
      };
    }
  }

  /**
   * A pseudo-version's commit, when it is a branch or tag tip: go fetches it, reads its go.mod and
   * rejects the version when its timestamp is not the commit's time. Deeper commits need the whole
   * history (go fetches every branch and tag), so they are only known to be plausible.
   */
  async #checkPseudo(
    repo: RepoLocation,
    modulePath: string,
    version: string,
    tips: Array<{ sha: string; ref: string }>,
    base: { durationMs: number; repoUrl: string; fromMeta?: boolean },
    options: { signal?: AbortSignal; mod?: boolean },
  ): Promise<GitCheckResult> {
    // vX.0.0-yyyymmddhhmmss-hash, vX.Y.(Z+1)-0.yyyymmddhhmmss-hash, vX.Y.Z-pre.0.yyyymmddhhmmss-hash.
    const m = /[-.](\d{14})-([0-9a-f]{12})(?:\+incompatible)?$/.exec(version);
    // Annotated tags list their commit on a "^{}" line; fetch by the ref's name either way.
    const tip = m ? tips.find((t) => t.sha.startsWith(m[2]!)) : undefined;
    if (!m || !tip)
      return {
        ...base,
        outcome: 'ok',
        reason: 'found',
        message: `${base.repoUrl} answers (pseudo-version ${version}: its commit is not a branch or tag tip, so it is not checked)`,
      };
    const { prefix, pathMajor } = splitPathVersion(modulePath);
    const codeDir = hasPathPrefix(prefix, repo.root) ? prefix.slice(repo.root.length).replace(/^\/+|\/+$/g, '') : '';
    const ref = tip.ref.replace(/\^\{\}$/, '');
    const file = await this.#git.readFileAt(repo.url, ref, goModPaths(codeDir, pathMajor), options.signal);
    if (!file) return { ...base, outcome: 'ok', reason: 'found', message: `${base.repoUrl}: commit ${m[2]} is the tip of ${ref} (not fetched)` };
    if (file.commitTime !== undefined) {
      const expected = new Date(file.commitTime * 1000).toISOString().replace(/[-:T]/g, '').slice(0, 14);
      if (expected !== m[1]) {
        return {
          ...base,
          outcome: 'not-found',
          reason: 'pseudo-mismatch',
          message: `invalid pseudo-version: does not match version-control timestamp (expected ${expected})`,
        };
      }
    }
    const modFile = options.mod ? (file.text ?? `module ${modulePath}\n`) : undefined;
    return {
      ...base,
      outcome: 'ok',
      reason: 'found',
      message: `commit ${m[2]} (tip of ${ref}) exists in ${base.repoUrl}`,
      ...(modFile !== undefined ? { modFile } : {}),
    };
  }

  // go reads <dir>/go.mod at the tag (a major-version subdirectory first); without one it synthesizes "module <path>".
  async #goModAt(repo: RepoLocation, modulePath: string, tag: string, signal: AbortSignal | undefined): Promise<{ text: string; exists: boolean } | undefined> {
    const { prefix, pathMajor } = splitPathVersion(modulePath);
    const codeDir = hasPathPrefix(prefix, repo.root) ? prefix.slice(repo.root.length).replace(/^\/+|\/+$/g, '') : '';
    const r = await this.#git.readFileAt(repo.url, `refs/tags/${tag}`, goModPaths(codeDir, pathMajor), signal);
    if (!r) return undefined;
    return r.text !== undefined ? { text: r.text, exists: true } : { text: `module ${modulePath}\n`, exists: false };
  }

  /** `git ls-remote -q <url> <patterns…>` with prompts off, through the agent's git set-up. */
  async lsRemote(url: string, patterns: string[] = [], signal?: AbortSignal): Promise<LsRemoteResult> {
    return this.#git.lsRemote(url, patterns, signal);
  }
}
