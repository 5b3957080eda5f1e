/**
 * What the module proxy says about one module of the build list: its latest
 * version as `go list -m -u` / modload.Query("latest") picks it (the highest
 * release in `@v/list`, else the highest prerelease, else `@latest`;
 * retracted versions count, as in queryLatestVersionIgnoringRetractions),
 * that version's go.mod (its `// Deprecated:` comment and `retract`
 * directives), how far the version in use is behind (minor lines, major
 * versions, including newer `/vN` module paths), and since when (the `.info`
 * Time of the first release newer than the version in use).
 */
import { compareModuleVersions, isPseudoVersion, isRetracted, moduleVersionMajor, modulePathMajor } from '../gomod/go-version.ts';
import { parseGoMod } from '../gomod/parse-go-mod.ts';
import type { Retraction } from '../gomod/types.ts';
import { GoProxyError, type GoProxyClient } from '../goproxy/goproxy-client.ts';
import { HttpRequestError } from '../goproxy/http-client.ts';
import { pickFromList } from '../goproxy/resolve-query.ts';
import type { ProxyEntry } from '../goproxy/types.ts';
import { parseDeprecation } from './parse-deprecation.ts';

export interface ModuleReleases {
  path: string;
  version: string;
  /** The latest version on this module path (go's "latest" query, retractions ignored). */
  latest?: string;
  latestTime?: string;
  /** A newer major version published under another path ("example.com/m/v3@v3.1.0"). */
  newerMajor?: { path: string; version: string };
  /** Major versions between the version in use and the newest one (same path and /vN paths). */
  majorsBehind: number;
  /** Newer minor lines within the version's own major (v1.2.x in use, v1.3 and v1.4 out: 2). */
  minorsBehind: number;
  /** Newer releases on this path. */
  newerReleases: number;
  /** Time of the first release newer than the version in use (RFC 3339): outdated since then. */
  behindSince?: string;
  /** The latest go.mod's deprecation message. */
  deprecated?: string;
  /** The retraction in the latest go.mod that covers the version in use. */
  retracted?: Retraction;
}

export interface ReleaseLookupOptions {
  client: GoProxyClient;
  /** The GOPROXY chain: URL entries are asked in order ("," falls through on 404/410 only, "|" on any error). */
  chain: readonly ProxyEntry[];
  /** How many newer `/vN` paths to try past the current major (0: none). */
  majorProbes: number;
  signal?: AbortSignal;
}

/** Why a lookup failed, for the report's "not checked" list. */
export class ReleaseLookupError extends Error {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.name = 'ReleaseLookupError';
  }
}

type Answer<T> = { found: true; value: T } | { found: false };

function isRelease(v: string): boolean {
  return !v.split('+')[0]?.includes('-');
}

/** Walks the chain's URL entries with go's fall-through rules; not found everywhere → found: false. */
async function askChain<T>(options: ReleaseLookupOptions, ask: (base: string) => Promise<T>): Promise<Answer<T>> {
  let lastError: unknown;
  for (const entry of options.chain) {
    if (entry.kind !== 'url') break; // direct/off end the list; version control is not asked here
    try {
      return { found: true, value: await ask(entry.url) };
    } catch (err) {
      if (err instanceof GoProxyError && err.notFound) continue;
      if (!(err instanceof GoProxyError || err instanceof HttpRequestError)) throw err;
      lastError = err;
      if (entry.fallThroughOnAnyError) continue;
      break;
    }
  }
  if (lastError !== undefined) throw new ReleaseLookupError((lastError as Error).message, { cause: lastError });
  return { found: false };
}

function http(options: ReleaseLookupOptions): { signal?: AbortSignal } {
  return options.signal ? { signal: options.signal } : {};
}

/** "example.com/m/v2" → ["example.com/m", 2]; "gopkg.in/yaml.v3" → ["gopkg.in/yaml", 3, "."]; no suffix → major of the version. */
function splitMajor(path: string, version: string): { prefix: string; major: number; sep: '/' | '.' } | undefined {
  const suffix = modulePathMajor(path);
  if (suffix === undefined) return undefined;
  if (suffix === '') {
    const m = Number((moduleVersionMajor(version) ?? 'v0').slice(1));
    return { prefix: path, major: Math.max(m, 1), sep: '/' };
  }
  const n = Number(/\d+/.exec(suffix)?.[0] ?? '0');
  return { prefix: path.slice(0, path.length - suffix.length), major: n, sep: suffix.startsWith('.') ? '.' : '/' };
}

function majorOf(v: string): number {
  return Number((moduleVersionMajor(v) ?? 'v0').slice(1));
}

function minorKey(v: string): string {
  return /^v(\d+)\.(\d+)/.exec(v)?.slice(1, 3).join('.') ?? v;
}

/** Releases, latest version, deprecation and retraction of one module version. Throws ReleaseLookupError when the proxy fails. */
export async function lookupModuleReleases(path: string, version: string, options: ReleaseLookupOptions): Promise<ModuleReleases> {
  const out: ModuleReleases = { path, version, majorsBehind: 0, minorsBehind: 0, newerReleases: 0 };
  const listed = await askChain(options, (base) => options.client.list(base, path, http(options)));
  const versions = listed.found ? listed.value : [];
  let latest = pickFromList('latest', versions);
  if (!latest) {
    const info = await askChain(options, (base) => options.client.latest(base, path, http(options)));
    if (info.found) {
      latest = info.value.Version;
      if (info.value.Time) out.latestTime = info.value.Time;
    }
  }
  if (!latest) return out;
  out.latest = latest;

  const newer = versions.filter((v) => compareModuleVersions(v, version) > 0 && (isRelease(v) || !isRelease(version)) && !isPseudoVersion(v));
  out.newerReleases = newer.length;
  const ownMajor = majorOf(version);
  out.minorsBehind = new Set(newer.filter((v) => majorOf(v) === ownMajor && minorKey(v) !== minorKey(version)).map(minorKey)).size;
  out.majorsBehind = Math.max(0, majorOf(latest) - ownMajor);

  // Go's rule: deprecation and retractions come from the latest version's go.mod.
  const modText = await askChain(options, (base) => options.client.mod(base, path, latest, http(options)));
  if (modText.found) {
    const dep = parseDeprecation(modText.value);
    if (dep !== undefined) out.deprecated = dep;
    try {
      const hit = isRetracted(version, parseGoMod(modText.value, `${path}@${latest}/go.mod`, { lax: true }).retract);
      if (hit) out.retracted = hit;
    } catch {
      // an unparsable latest go.mod: go ignores its retractions too (and says so in go list -m -u)
    }
  }

  const times = await Promise.all(
    [latest, newer[0]].map(async (v) => {
      if (!v || (v === latest && out.latestTime)) return undefined;
      const info = await askChain(options, (base) => options.client.info(base, path, v, http(options)));
      return info.found ? info.value.Time : undefined;
    }),
  );
  if (times[0]) out.latestTime = times[0];
  if (newer.length > 0 && times[1]) out.behindSince = times[1];

  // Newer majors live under other paths (/v3, .v3): ask for them one after another until one is missing.
  const split = splitMajor(path, version);
  if (split && options.majorProbes > 0) {
    const base = Math.max(split.major, majorOf(latest), 1);
    for (let n = base + 1; n <= base + options.majorProbes; n++) {
      const next = `${split.prefix}${split.sep}v${n}`;
      const list = await askChain(options, (b) => options.client.list(b, next, http(options)));
      const pick = list.found ? pickFromList('latest', list.value) : undefined;
      if (!pick) break;
      out.newerMajor = { path: next, version: pick };
      out.majorsBehind = n - ownMajor;
      if (!out.behindSince) {
        // Outdated since the first release of the first newer major.
        const first = list.found ? (list.value.filter(isRelease)[0] ?? pick) : pick;
        const info = await askChain(options, (b) => options.client.info(b, next, first, http(options))).catch(() => undefined);
        if (info?.found && info.value.Time) out.behindSince = info.value.Time;
      }
    }
  }
  return out;
}
