/**
 * go.mod files for the graph through the same GOPROXY chain as the first pass
 * (lookupVersion: `,` and `|` fall-through, GONOPROXY → direct, `off`), only
 * the `.mod` file per version as go fetches it, each answer remembered. A
 * version resolved `direct` is only known to exist (its go.mod would need a
 * clone), so it comes back without text and the graph does not follow it.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { GitRemote } from '../goproxy/git-ls-remote.ts';
import type { GoProxyClient } from '../goproxy/goproxy-client.ts';
import { lookupVersion } from '../goproxy/lookup-version.ts';
import type { PrivacyRules } from '../goproxy/module-patterns.ts';
import type { ProxyEntry, VersionLookup } from '../goproxy/types.ts';
import { modKey, type GoModFetch, type GoModSource, type ModVer } from './types.ts';

export interface ProxySourceOptions {
  chain: ProxyEntry[];
  privacy: Pick<PrivacyRules, 'bypassProxy'>;
  client: GoProxyClient;
  git: Pick<GitRemote, 'checkVersion'>;
  signal?: AbortSignal;
}

function describe(lookup: VersionLookup): string {
  const a = lookup.decidedBy;
  if (!a) return `${lookup.module}@${lookup.version}: no source in GOPROXY could be asked`;
  const what = a.status !== undefined ? `${a.status}${a.message ? ` ${a.message}` : ''}` : (a.message ?? a.outcome);
  return `${lookup.module}@${lookup.version}: reading ${a.url ?? a.source}: ${what}`;
}

/** Turns a finished lookup (first pass or graph) into a go.mod fetch result. */
export function fetchFromLookup(lookup: VersionLookup): GoModFetch {
  if (lookup.outcome === 'found') return lookup.modFile !== undefined ? { ok: true, text: lookup.modFile, lookup } : { ok: true, lookup };
  return { ok: false, kind: lookup.outcome === 'not-found' ? 'not-found' : 'fetch-error', message: describe(lookup), lookup };
}

export class ProxyGoModSource implements GoModSource {
  readonly #options: ProxySourceOptions;
  readonly #memo = new Map<string, Promise<GoModFetch>>();
  /** Requests this source sent itself (seeded answers excluded). */
  fetched = 0;

  constructor(options: ProxySourceOptions) {
    this.#options = options;
  }

  /** Reuse a lookup made elsewhere (the first pass's `.mod` request for a requirement). */
  seed(lookup: VersionLookup): void {
    const k = modKey({ path: lookup.module, version: lookup.version });
    if (!this.#memo.has(k)) this.#memo.set(k, Promise.resolve(fetchFromLookup(lookup)));
  }

  fetch(m: ModVer): Promise<GoModFetch> {
    const k = modKey(m);
    let p = this.#memo.get(k);
    if (!p) {
      this.fetched++;
      const { chain, privacy, client, git, signal } = this.#options;
      p = lookupVersion(m.path, m.version, { chain, privacy, client, git, fetchMod: true, fetchInfo: false, ...(signal ? { signal } : {}) }).then(
        fetchFromLookup,
      );
      this.#memo.set(k, p);
    }
    return p;
  }

  readLocal(dir: string): Promise<GoModFetch> {
    return readLocalGoMod(dir);
  }
}

/** The go.mod of a directory replacement, as go reads it (no path check). */
export async function readLocalGoMod(dir: string): Promise<GoModFetch> {
  const file = join(dir, 'go.mod');
  try {
    return { ok: true, text: await readFile(file, 'utf8') };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return {
      ok: false,
      kind: 'local-missing',
      message: `reading ${file}: ${code === 'ENOENT' ? 'no such file or directory' : code === 'ENOTDIR' ? 'not a directory' : (err as Error).message}`,
    };
  }
}
