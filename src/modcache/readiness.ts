/**
 * Module-cache readiness: which modules a repository's `go mod download`
 * needs are already in a module cache, so the build would survive a proxy
 * outage. The module graph is loaded from the cache alone (what go reads
 * with GOPROXY=off); every module go would download needs its .info, .mod
 * and .zip there, with a .ziphash that agrees with go.sum; every other module
 * of the graph needs its .mod (checked against go.sum's /go.mod line by the
 * loader). A missing .ziphash is only a note: go recomputes it from the zip.
 * A go.sum line go lacks (the zip's or a /go.mod's) makes go ask the checksum
 * database, which fails offline: not ready, unless GOSUMDB=off or
 * GONOSUMDB/GOPRIVATE covers the module.
 */
import { readFile, stat } from 'node:fs/promises';
import type { GoEnv } from '../config/env.ts';
import { createPrivacyRules } from '../goproxy/module-patterns.ts';
import { parseGoSumDb } from '../goproxy/parse-goproxy.ts';
import { join } from 'node:path';
import { parseGoMod } from '../gomod/parse-go-mod.ts';
import { parseGoSum } from '../gomod/parse-go-sum.ts';
import type { GoSum } from '../gomod/types.ts';
import { downloadList, loadModuleGraph } from '../modgraph/index.ts';
import { modKey, type ModVer } from '../modgraph/types.ts';
import { mapLimit } from '../util/map-limit.ts';
import { cacheFilePath, ModcacheGoModSource, type CacheFileKind } from './cache-files.ts';

export interface ModuleReadiness {
  path: string;
  version: string;
  /** 'download': go mod download fetches its zip; 'go.mod': only its go.mod is read for the graph. */
  needs: 'download' | 'go.mod';
  ready: boolean;
  /** Why it is not ready: "zip missing", ".ziphash h1:… differs from go.sum h1:…". */
  problems: string[];
  /** Not fatal: "no .ziphash (go recomputes it from the zip)". */
  notes: string[];
}

export interface ModcacheReadiness {
  /** The repository directory checked. */
  dir: string;
  modcache: string;
  total: number;
  ready: number;
  /** ready / total × 100, one decimal; 100 when there is nothing to download. */
  percent: number;
  /** True when an offline `go mod download` should succeed from this cache. */
  wouldPass: boolean;
  modules: ModuleReadiness[];
  /** The modules that are not ready, in build-list order. */
  missing: ModuleReadiness[];
  durationMs: number;
}

export interface ReadinessOptions {
  signal?: AbortSignal;
  /** Files checked at once (default 32). */
  concurrency?: number;
  /** The agent's go variables: GOSUMDB, GONOSUMDB, GOPRIVATE decide whether a missing go.sum line needs the checksum database. */
  goEnv?: GoEnv;
}

/** Whether go would ask the checksum database for a module go.sum lacks. */
function sumDbChecker(goEnv: GoEnv): (path: string) => boolean {
  let on = true;
  try {
    on = parseGoSumDb(goEnv.GOSUMDB) !== undefined;
  } catch {
    // a malformed GOSUMDB fails go either way
  }
  const privacy = createPrivacyRules(goEnv);
  return (path) => on && !privacy.bypassSumDb(path);
}

const ASKS_SUMDB = 'go would ask the checksum database (fails with the proxy down)';

async function readText(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
}

async function nonEmptyFile(file: string): Promise<boolean> {
  try {
    const s = await stat(file);
    return s.isFile() && s.size > 0;
  } catch {
    return false;
  }
}

function zipSums(goSum: GoSum | undefined, m: ModVer): string[] {
  return (goSum?.entries ?? []).filter((e) => !e.goMod && e.path === m.path && e.version === m.version).map((e) => e.hash);
}

async function checkDownloaded(modcache: string, m: ModVer, goSum: GoSum | undefined, asksSumDb: (path: string) => boolean): Promise<ModuleReadiness> {
  const problems: string[] = [];
  const notes: string[] = [];
  const file = (kind: CacheFileKind): string => cacheFilePath(modcache, m, kind);
  const info = await readText(file('info'));
  if (info === undefined) problems.push('.info missing');
  else {
    let version: unknown;
    try {
      version = (JSON.parse(info) as { Version?: unknown }).Version;
    } catch {
      version = undefined;
    }
    if (version !== m.version) problems.push(`.info invalid (Version ${typeof version === 'string' ? version : 'absent'})`);
  }
  if (!(await nonEmptyFile(file('mod')))) problems.push('.mod missing');
  const zipPresent = await nonEmptyFile(file('zip'));
  if (!zipPresent) problems.push('.zip missing');
  const ziphash = (await readText(file('ziphash')))?.trim();
  const sums = zipSums(goSum, m);
  if (ziphash === undefined || ziphash === '') {
    if (zipPresent) notes.push('no .ziphash (go recomputes it from the zip)');
  } else if (!ziphash.startsWith('h1:')) problems.push(`.ziphash invalid (${ziphash.slice(0, 20)})`);
  else if (sums.length > 0 && !sums.includes(ziphash)) problems.push(`.ziphash ${ziphash} differs from go.sum ${sums[0]} (go: SECURITY ERROR)`);
  if (sums.length === 0) {
    if (asksSumDb(m.path)) problems.push(`go.sum has no h1: line for the zip: ${ASKS_SUMDB}`);
    else notes.push('go.sum has no h1: line for the zip (not checked: GOSUMDB=off or GONOSUMDB covers it)');
  }
  return { path: m.path, version: m.version, needs: 'download', ready: problems.length === 0, problems, notes };
}

async function checkGoModOnly(modcache: string, m: ModVer): Promise<ModuleReadiness> {
  const ok = await nonEmptyFile(cacheFilePath(modcache, m, 'mod'));
  return { path: m.path, version: m.version, needs: 'go.mod', ready: ok, problems: ok ? [] : ['.mod missing'], notes: [] };
}

function fromKey(key: string): ModVer | undefined {
  const at = key.lastIndexOf('@');
  return at <= 0 ? undefined : { path: key.slice(0, at), version: key.slice(at + 1) };
}

/** Readiness of `modcache` for the repository checked out at `dir` (go.mod, and go.sum when present). */
export async function checkModcacheReadiness(dir: string, modcache: string, options: ReadinessOptions = {}): Promise<ModcacheReadiness> {
  const started = performance.now();
  const goModPath = join(dir, 'go.mod');
  const goMod = parseGoMod(await readFile(goModPath, 'utf8'), goModPath);
  const goSumText = await readText(join(dir, 'go.sum'));
  const goSum = goSumText === undefined ? undefined : parseGoSum(goSumText, join(dir, 'go.sum'));
  const source = new ModcacheGoModSource(modcache);
  const graph = await loadModuleGraph(goMod, { mainDir: dir, goSum, source, ...(options.signal ? { signal: options.signal } : {}) });

  const download = downloadList(graph);
  const downloadKeys = new Set(download.map(modKey));
  const goModOnly: ModVer[] = [];
  const seen = new Set(downloadKeys);
  for (const key of graph.required.keys()) {
    const m = fromKey(key);
    if (!m) continue;
    const actual = graph.replacementOf(m) ?? m;
    if (actual.version === '' || seen.has(modKey(actual))) continue;
    seen.add(modKey(actual));
    goModOnly.push(actual);
  }
  const limit = options.concurrency ?? 32;
  const asksSumDb = sumDbChecker(options.goEnv ?? {});
  const modules = [
    ...(await mapLimit(download, limit, (m) => checkDownloaded(modcache, m, goSum, asksSumDb))),
    ...(await mapLimit(goModOnly, limit, (m) => checkGoModOnly(modcache, m))),
  ];
  // Graph problems (a .mod missing, or differing from go.sum) belong to the module go read.
  const byKey = new Map(modules.map((r) => [modKey(r), r]));
  for (const p of graph.problems) {
    if (p.kind === 'excluded-root') continue;
    const k = modKey(p.actual);
    let r = byKey.get(k);
    if (!r) {
      r = { path: p.actual.path, version: p.actual.version, needs: 'go.mod', ready: false, problems: [], notes: [] };
      byKey.set(k, r);
      modules.push(r);
    }
    const why = p.kind === 'not-found' ? '.mod missing' : p.message;
    if (!r.problems.includes(why)) r.problems.push(why);
    r.ready = false;
  }
  for (const m of graph.missingGoSum) {
    if (!asksSumDb(m.path)) continue;
    const r = byKey.get(modKey(m));
    if (!r) continue;
    r.problems.push(`go.sum has no /go.mod line: ${ASKS_SUMDB}`);
    r.ready = false;
  }
  const ready = modules.filter((r) => r.ready).length;
  const missing = modules.filter((r) => !r.ready);
  return {
    dir,
    modcache,
    total: modules.length,
    ready,
    percent: modules.length === 0 ? 100 : Math.floor((ready / modules.length) * 1000) / 10,
    wouldPass: missing.length === 0,
    modules,
    missing,
    durationMs: Math.round(performance.now() - started),
  };
}
