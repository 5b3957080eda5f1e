/**
 * Looks one module version up the way the go command would on the build
 * agent (cmd/go/internal/modfetch TryProxies + lookup): private modules
 * (GONOPROXY) go straight to version control; otherwise the GOPROXY list is
 * walked, falling through after "," only on 404/410 and after "|" on any
 * error; "direct" asks git, "off" refuses. Every request is recorded, and the
 * verdict is the error the go command would report (direct > proxy error >
 * not found).
 */
import { InvalidModulePathError, escapePath, escapeVersion } from './escape-path.ts';
import type { GitRemote } from './git-ls-remote.ts';
import { declaredModulePath, parseRevInfo, type GoProxyClient } from './goproxy-client.ts';
import { HttpRequestError, redactUrl } from './http-client.ts';
import type { PrivacyRules } from './module-patterns.ts';
import type { ProxyEntry, SourceAttempt, VersionLookup } from './types.ts';

export interface LookupVersionOptions {
  /** parseGoproxy(GOPROXY). */
  chain: ProxyEntry[];
  privacy: Pick<PrivacyRules, 'bypassProxy'>;
  client: GoProxyClient;
  git: Pick<GitRemote, 'checkVersion'>;
  /**
   * Fetch the .mod file (declared module path, retract directives). A go.mod
   * requirement makes the go command fetch exactly this file first.
   */
  fetchMod: boolean;
  /** Fetch .info too (commit time, version echo check). Default: only when fetchMod is false. */
  fetchInfo?: boolean;
  signal?: AbortSignal;
}

type SourceResult = { outcome: 'ok' | 'not-found' | 'error'; attempts: SourceAttempt[]; declaredPath?: string; modFile?: string; time?: string };

// Asks one proxy for .info and/or .mod; stops at the first answer that is not 200.
async function askProxy(
  base: string,
  chainIndex: number,
  module: string,
  version: string,
  files: Array<'info' | 'mod'>,
  options: LookupVersionOptions,
): Promise<SourceResult> {
  const attempts: SourceAttempt[] = [];
  // Reports show the base without credentials; chainIndex leads back to the real entry.
  const source = redactUrl(base);
  const result: SourceResult = { outcome: 'ok', attempts };
  for (const file of files) {
    const started = performance.now();
    let attempt: SourceAttempt;
    try {
      const res = await options.client.fetch(base, module, { kind: file, version }, options.signal ? { signal: options.signal } : {});
      const common = { source, chainIndex, status: res.status, durationMs: res.durationMs, file, url: res.url };
      if (res.status === 200) {
        if (file === 'info') {
          const parsed = parseRevInfo(res.body, version);
          if ('problem' in parsed) attempt = { ...common, outcome: 'error', message: parsed.problem, failure: 'bad-response' };
          else {
            attempt = { ...common, outcome: 'ok' };
            if (parsed.info.Time) result.time = parsed.info.Time;
          }
        } else if (res.truncated) {
          attempt = { ...common, outcome: 'error', message: `go.mod larger than ${options.client.http.maxBodyBytes} bytes`, failure: 'bad-response' };
        } else {
          attempt = { ...common, outcome: 'ok' };
          result.modFile = res.body;
          const declared = declaredModulePath(res.body);
          if (declared !== undefined) result.declaredPath = declared;
        }
      } else {
        attempt = {
          ...common,
          outcome: res.notFound ? 'not-found' : 'error',
          message: res.message ?? `HTTP ${res.status}`,
          ...(res.notFound ? {} : { failure: res.status === 429 ? 'rate-limited' : `http-${res.status}` }),
          ...(res.retryAfter ? { retryAfter: res.retryAfter } : {}),
        };
      }
    } catch (err) {
      if (!(err instanceof HttpRequestError)) throw err;
      attempt = {
        source,
        chainIndex,
        outcome: 'error',
        message: err.message,
        durationMs: err.durationMs || Math.round(performance.now() - started),
        file,
        ...(err.url ? { url: err.url } : {}),
        ...(err.status !== undefined ? { status: err.status } : {}),
        failure: err.kind,
      };
    }
    attempts.push(attempt);
    if (attempt.outcome !== 'ok') {
      result.outcome = attempt.outcome === 'not-found' ? 'not-found' : 'error';
      return result;
    }
  }
  return result;
}

async function askGit(module: string, version: string, chainIndex: number | undefined, options: LookupVersionOptions): Promise<SourceResult> {
  const r = await options.git.checkVersion(module, version, { mod: options.fetchMod, ...(options.signal ? { signal: options.signal } : {}) });
  const attempt: SourceAttempt = {
    source: 'direct',
    ...(chainIndex !== undefined ? { chainIndex } : {}),
    outcome: r.outcome,
    message: r.message,
    durationMs: r.durationMs,
    file: 'git',
    ...(r.repoUrl ? { url: r.repoUrl } : {}),
    ...(r.outcome === 'ok' ? {} : { failure: r.reason }),
  };
  const declared = r.modFile !== undefined ? declaredModulePath(r.modFile) : undefined;
  return {
    outcome: r.outcome,
    attempts: [attempt],
    ...(r.modFile !== undefined ? { modFile: r.modFile } : {}),
    ...(declared !== undefined ? { declaredPath: declared } : {}),
  };
}

// TryProxies' ranking of the error to report: direct beats a proxy error beats not-found.
function pickReported(attempts: SourceAttempt[]): SourceAttempt | undefined {
  let best: SourceAttempt | undefined;
  let rank = 0;
  for (const a of attempts) {
    if (a.source === 'direct') {
      best = a;
      rank = 2;
    } else if (rank <= 1 && a.outcome === 'error') {
      best = a;
      rank = 1;
    } else if (rank === 0) {
      best = a;
    }
  }
  return best;
}

/** Walks the chain for module@version and reports what the go command would conclude, with every request made. */
export async function lookupVersion(module: string, version: string, options: LookupVersionOptions): Promise<VersionLookup> {
  const isPrivate = options.privacy.bypassProxy(module);
  const base: VersionLookup = { module, version, outcome: 'error', attempts: [], private: isPrivate };
  try {
    escapePath(module);
    escapeVersion(version);
  } catch (err) {
    if (!(err instanceof InvalidModulePathError)) throw err;
    const attempt: SourceAttempt = { source: 'input', outcome: 'error', message: err.message, durationMs: 0, failure: 'invalid-input' };
    return { ...base, decidedBy: attempt };
  }

  const files: Array<'info' | 'mod'> = [];
  if (options.fetchInfo ?? !options.fetchMod) files.push('info');
  if (options.fetchMod) files.push('mod');

  const attempts: SourceAttempt[] = [];
  const finish = (found: SourceResult | undefined): VersionLookup => {
    if (found) {
      const decidedBy = found.attempts.at(-1);
      return {
        ...base,
        outcome: 'found',
        attempts,
        ...(decidedBy ? { decidedBy } : {}),
        ...(found.declaredPath !== undefined ? { declaredPath: found.declaredPath } : {}),
        ...(found.modFile !== undefined ? { modFile: found.modFile } : {}),
        ...(found.time !== undefined ? { time: found.time } : {}),
      };
    }
    const decidedBy = pickReported(attempts);
    const outcome =
      decidedBy === undefined ? 'error' : decidedBy.outcome === 'disabled' ? 'disabled' : decidedBy.outcome === 'not-found' ? 'not-found' : 'error';
    return { ...base, outcome, attempts, ...(decidedBy ? { decidedBy } : {}) };
  };

  // GONOPROXY: the implicit "noproxy" entry first; every real proxy would then refuse the module.
  if (isPrivate) {
    const r = await askGit(module, version, undefined, options);
    attempts.push(...r.attempts);
    return finish(r.outcome === 'ok' ? r : undefined);
  }

  for (const [chainIndex, entry] of options.chain.entries()) {
    if (options.signal?.aborted) break;
    if (entry.kind === 'off') {
      attempts.push({ source: 'off', chainIndex, outcome: 'disabled', message: 'module lookup disabled by GOPROXY=off', durationMs: 0 });
      break;
    }
    if (entry.kind === 'direct') {
      const r = await askGit(module, version, chainIndex, options);
      attempts.push(...r.attempts);
      if (r.outcome === 'ok') return finish(r);
      break;
    }
    const r = await askProxy(entry.url, chainIndex, module, version, files, options);
    attempts.push(...r.attempts);
    if (r.outcome === 'ok') return finish(r);
    if (r.outcome === 'error' && !entry.fallThroughOnAnyError) break;
  }
  return finish(undefined);
}
