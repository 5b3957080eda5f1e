/**
 * Resolves a non-canonical version written in the main go.mod ("v1.9",
 * "master", "1.2.3") the way cmd/go's version fixer does (modload.Query
 * through modfetch.TryProxies): a semantic-version prefix or "latest" picks
 * from the proxy's version list, anything else asks the proxy's .info for
 * the query. GOPROXY is walked with go's fall-through rules ("," only after
 * 404/410, "|" after any error). Queries go would send to version control
 * (GONOPROXY, "direct") are not run here: the answer says so.
 */
import { STATUS_CODES } from 'node:http';
import { compareModuleVersions, isPseudoVersion } from '../gomod/go-version.ts';
import { checkModulePath } from './escape-path.ts';
import { parseRevInfo, parseVersionList, type GoProxyClient, type ProxyFile } from './goproxy-client.ts';
import { HttpRequestError, redactUrl } from './http-client.ts';
import type { PrivacyRules } from './module-patterns.ts';
import type { ProxyEntry } from './types.ts';

export type QueryResolution =
  | { outcome: 'resolved'; version: string; source: string }
  /** go would fail on this query: `reason` is the text go prints after 'version "q" invalid: '. */
  | { outcome: 'invalid'; reason: string }
  /** The query needs version control (GONOPROXY or a "direct" entry): not resolved here. */
  | { outcome: 'unchecked'; reason: string }
  /** A proxy failed in a way go does not route around: the network, not go.mod, is the problem. */
  | { outcome: 'error'; reason: string; source: string };

export interface ResolveQueryOptions {
  chain: ProxyEntry[];
  privacy: Pick<PrivacyRules, 'bypassProxy'>;
  client: GoProxyClient;
  signal?: AbortSignal;
}

const SEMVER_PREFIX = /^v(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))?$/;

function isPrerelease(v: string): boolean {
  return v.split('+')[0]?.includes('-') ?? false;
}

/** queryMatcher for "vX" / "vX.Y" (prefix, at least the query) and "latest": releases first, then prereleases. */
export function pickFromList(query: string, versions: readonly string[]): string | undefined {
  const candidates = versions.filter((v) => !isPseudoVersion(v) && (query === 'latest' || (v.startsWith(`${query}.`) && compareModuleVersions(v, query) >= 0)));
  const releases = candidates.filter((v) => !isPrerelease(v));
  const pool = releases.length > 0 ? releases : candidates;
  return [...pool].sort(compareModuleVersions).at(-1);
}

type Step = { kind: 'found'; version: string } | { kind: 'not-found'; reason: string } | { kind: 'error'; reason: string };

async function askOne(base: string, module: string, query: string, options: ResolveQueryOptions): Promise<Step> {
  const byList = query === 'latest' || SEMVER_PREFIX.test(query);
  const file: ProxyFile = byList ? { kind: 'list' } : { kind: 'info', version: query };
  try {
    const res = await options.client.fetch(base, module, file, options.signal ? { signal: options.signal } : {});
    if (res.status !== 200) {
      const reason = `reading ${redactUrl(res.url)}: ${res.status}${STATUS_CODES[res.status] ? ` ${STATUS_CODES[res.status]}` : ''}${res.message ? `\n\tserver response: ${res.message}` : ''}`;
      return res.notFound ? { kind: 'not-found', reason } : { kind: 'error', reason };
    }
    if (byList) {
      const picked = pickFromList(query, parseVersionList(res.body));
      return picked ? { kind: 'found', version: picked } : { kind: 'not-found', reason: `no matching versions for query "${query}"` };
    }
    const parsed = parseRevInfo(res.body, undefined);
    return 'problem' in parsed ? { kind: 'error', reason: parsed.problem } : { kind: 'found', version: parsed.info.Version };
  } catch (err) {
    if (err instanceof HttpRequestError) return { kind: 'error', reason: err.message };
    throw err;
  }
}

export async function resolveVersionQuery(module: string, query: string, options: ResolveQueryOptions): Promise<QueryResolution> {
  const bad = checkModulePath(module);
  if (bad) return { outcome: 'invalid', reason: `malformed module path "${module}": ${bad}` };
  if (options.privacy.bypassProxy(module))
    return { outcome: 'unchecked', reason: `${module} matches GONOPROXY/GOPRIVATE: go resolves "${query}" with version control` };
  let lastNotFound: string | undefined;
  let lastError: { reason: string; source: string } | undefined;
  for (const entry of options.chain) {
    if (entry.kind === 'off') return { outcome: 'invalid', reason: 'module lookup disabled by GOPROXY=off' };
    if (entry.kind === 'direct')
      return lastNotFound === undefined
        ? { outcome: 'unchecked', reason: `GOPROXY reaches "direct": go resolves "${query}" with version control` }
        : { outcome: 'unchecked', reason: `${lastNotFound}; then go asks version control` };
    const step = await askOne(entry.url, module, query, options);
    if (step.kind === 'found') return { outcome: 'resolved', version: step.version, source: redactUrl(entry.url) };
    if (step.kind === 'error') {
      lastError = { reason: step.reason, source: redactUrl(entry.url) };
      if (!entry.fallThroughOnAnyError) return { outcome: 'error', ...lastError };
    } else {
      lastError = undefined;
    }
    lastNotFound = step.reason;
  }
  if (lastError) return { outcome: 'error', ...lastError };
  return { outcome: 'invalid', reason: lastNotFound ?? 'GOPROXY lists no source' };
}
