/**
 * The module cache's download area as go lays it out
 * (cmd/go/internal/modfetch/cache.go): `$GOMODCACHE/cache/download/<escaped
 * path>/@v/<escaped version>.{info,mod,zip,ziphash}`, and a go.mod source
 * for the module graph that reads only from there, as go does with
 * GOPROXY=off.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { escapePath, escapeVersion } from '../goproxy/escape-path.ts';
import { readLocalGoMod } from '../modgraph/proxy-source.ts';
import type { GoModFetch, GoModSource, ModVer } from '../modgraph/types.ts';

export type CacheFileKind = 'info' | 'mod' | 'zip' | 'ziphash';

/** Absolute path of one cache file; throws InvalidModulePathError for a path or version go could not store. */
export function cacheFilePath(modcache: string, m: ModVer, kind: CacheFileKind): string {
  return join(modcache, 'cache', 'download', escapePath(m.path), '@v', `${escapeVersion(m.version)}.${kind}`);
}

/** go.mod files from the module cache only: what an offline `go mod download` can read. */
export class ModcacheGoModSource implements GoModSource {
  readonly #modcache: string;
  /** .mod files read from the cache. */
  read = 0;

  constructor(modcache: string) {
    this.#modcache = modcache;
  }

  async fetch(m: ModVer): Promise<GoModFetch> {
    let file: string;
    try {
      file = cacheFilePath(this.#modcache, m, 'mod');
    } catch (err) {
      return { ok: false, kind: 'fetch-error', message: `${m.path}@${m.version}: ${(err as Error).message}` };
    }
    try {
      const text = await readFile(file, 'utf8');
      this.read++;
      return { ok: true, text };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      return {
        ok: false,
        kind: 'not-found',
        message: `${m.path}@${m.version}: go.mod not in the module cache (${code === 'ENOENT' ? 'no such file' : (err as Error).message})`,
      };
    }
  }

  readLocal(dir: string): Promise<GoModFetch> {
    return readLocalGoMod(dir);
  }
}
