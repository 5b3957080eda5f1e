/**
 * Loads the module requirement graph the way go 1.17+ does for
 * `go mod download` (cmd/go/internal/modload: requirementsFromModFiles,
 * readModGraph, goModSummary, expandGraph/updatePrunedRoots):
 *
 * - roots: the main go.mod's requirements, minus versions it `exclude`s;
 * - main module at go ≥ 1.17 (pruned): each root's go.mod is read; the
 *   requirements of a go ≥ 1.17 dependency are recorded but their go.mod files
 *   are not read, while a go < 1.17 (or go-less) dependency's whole
 *   requirement graph is read; main module below 1.17: everything reachable;
 * - `replace` (with or without a version, to a directory or another module)
 *   changes which go.mod is read, never the graph's module names;
 * - a fetched go.mod is checked against go.sum's `/go.mod` h1: line (a
 *   mismatch is go's SECURITY ERROR), then its `module` line against the path
 *   it was required as (or its replacement's);
 * - excluded versions are dropped from every go.mod's requirements;
 * - when MVS selects a root above the version the main go.mod names, that
 *   version becomes the root and its go.mod is read too, until stable.
 */
import { isAbsolute, join } from 'node:path';
import { goModHash } from '../gomod/dirhash.ts';
import { compareModuleVersions, isValidModuleVersion } from '../gomod/go-version.ts';
import { parseGoMod } from '../gomod/parse-go-mod.ts';
import type { GoMod, GoSum } from '../gomod/types.ts';
import { WorkQueue } from '../util/work-queue.ts';
import { RequirementGraph } from './mvs.ts';
import { modKey, type GoModSource, type GoModSummary, type GraphProblem, type ModVer, type ModuleGraph, type Pruning } from './types.ts';

export interface LoadGraphOptions {
  /** Directory of the main go.mod (relative replace targets are resolved from it). */
  mainDir: string;
  goSum: GoSum | undefined;
  source: GoModSource;
  /** go.mod files read at once (default 64). */
  concurrency?: number;
  signal?: AbortSignal;
  /** Called after every go.mod read with the running count. */
  onProgress?: (goModsRead: number) => void;
}

/** modload pruningForGoVersion: go ≥ 1.17 prunes; a go.mod without a go line does not. */
export function pruningForGoVersion(goVersion: string | undefined): Pruning {
  if (goVersion === undefined || goVersion === '') return 'unpruned';
  return compareModuleVersions(`v${goVersion}`, 'v1.17') < 0 ? 'unpruned' : 'pruned';
}

/** The main module's pruning (modFileGoVersion: no go line reads as go 1.16). */
export function mainPruning(goMod: GoMod): Pruning {
  return pruningForGoVersion(goMod.go?.version ?? '1.16');
}

interface Loaded {
  summary?: GoModSummary;
  problem?: Omit<GraphProblem, 'chain'>;
  /** The go.mod could not be read but its module exists (fetched by git): requirements unknown. */
  opaque?: boolean;
  /** Line of each requirement in this go.mod, by modKey. */
  lines?: Map<string, number>;
}

export interface LoadedModuleGraph extends ModuleGraph {
  /** Modules whose go.mod could not be read (went `direct`: existence checked only), so their requirements are not followed. */
  opaque: ModVer[];
  /** Line of a requirement in the go.mod that states it: `${modKey(parent)} ${modKey(req)}` → line. */
  requirementLine(parent: ModVer, req: ModVer): number | undefined;
  /** The main go.mod. */
  goMod: GoMod;
  /** go.sum lines by `${path} ${version}/go.mod`. */
  graph: RequirementGraph;
}

export async function loadModuleGraph(goMod: GoMod, options: LoadGraphOptions): Promise<LoadedModuleGraph> {
  const main: ModVer = { path: goMod.module?.path ?? 'command-line-arguments', version: '' };
  const pruning = mainPruning(goMod);
  const excluded = new Set(goMod.exclude.map((e) => modKey(e)));
  const replaceExact = new Map<string, ModVer>();
  const replaceAny = new Map<string, ModVer>();
  for (const r of goMod.replace) {
    const to: ModVer = r.local
      ? { path: isAbsolute(r.to.path) ? r.to.path : join(options.mainDir, r.to.path), version: '' }
      : { path: r.to.path, version: r.to.version ?? '' };
    if (r.from.version !== undefined) replaceExact.set(modKey({ path: r.from.path, version: r.from.version }), to);
    else replaceAny.set(r.from.path, to);
  }
  const replacementOf = (m: ModVer): ModVer | undefined => replaceExact.get(modKey(m)) ?? replaceAny.get(m.path);

  const goModSums = new Map<string, string[]>();
  for (const e of options.goSum?.entries ?? []) {
    if (!e.goMod || !e.hash.startsWith('h1:')) continue;
    const k = modKey(e);
    goModSums.set(k, [...(goModSums.get(k) ?? []), e.hash]);
  }

  const excludedRoots: ModVer[] = [];
  let roots: ModVer[] = [];
  const opaque = new Map<string, ModVer>();
  for (const r of goMod.require) {
    const m = { path: r.path, version: r.version };
    // A version query ("latest", a branch) is resolved by go before the graph exists; the first pass reports on it.
    if (!isValidModuleVersion(m.version)) opaque.set(modKey(m), m);
    else if (excluded.has(modKey(m))) excludedRoots.push(m);
    else roots.push(m);
  }

  const missingGoSum = new Map<string, ModVer>();
  const cache = new Map<string, Promise<Loaded>>();
  let goModsRead = 0;

  const summarize = (m: ModVer, actual: ModVer, text: string, file: string): Loaded => {
    let parsed: GoMod;
    try {
      parsed = parseGoMod(text, file, { lax: true });
    } catch (err) {
      return { problem: { kind: 'invalid-go-mod', module: m, actual, message: `${modKey(actual)}: parsing go.mod: ${(err as Error).message}` } };
    }
    if (actual.version !== '') {
      const declared = parsed.module?.path;
      if (declared === undefined)
        return { problem: { kind: 'missing-module-line', module: m, actual, message: `${modKey(actual)}: parsing go.mod: missing module line` } };
      if (declared !== m.path && declared !== actual.path) {
        return {
          problem: {
            kind: 'path-mismatch',
            module: m,
            actual,
            declaredPath: declared,
            message: `${modKey(actual)}: parsing go.mod: module declares its path as: ${declared} but was required as: ${m.path}`,
          },
        };
      }
    }
    const lines = new Map<string, number>();
    const require: ModVer[] = [];
    for (const r of parsed.require) {
      const dep = { path: r.path, version: r.version };
      lines.set(modKey(dep), r.line);
      if (!excluded.has(modKey(dep))) require.push(dep);
    }
    const summary: GoModSummary = { pruning: pruningForGoVersion(parsed.go?.version), require, retract: parsed.retract };
    if (parsed.module) summary.module = parsed.module.path;
    if (parsed.go) summary.goVersion = parsed.go.version;
    return { summary, lines };
  };

  const readSummary = async (m: ModVer): Promise<Loaded> => {
    const actual = replacementOf(m) ?? m;
    if (actual.version === '') {
      const got = await options.source.readLocal(actual.path);
      goModsRead++;
      options.onProgress?.(goModsRead);
      if (!got.ok) return { problem: { kind: 'local-missing', module: m, actual, message: `${modKey(m)} (replaced by ${actual.path}): ${got.message}` } };
      return summarize(m, actual, got.text ?? '', join(actual.path, 'go.mod'));
    }
    const got = await options.source.fetch(actual);
    goModsRead++;
    options.onProgress?.(goModsRead);
    if (!got.ok) {
      const kind = got.kind === 'not-found' ? 'not-found' : 'fetch-error';
      return { problem: { kind, module: m, actual, message: got.message, ...(got.lookup ? { lookup: got.lookup } : {}) } };
    }
    if (got.text === undefined) {
      opaque.set(modKey(actual), actual);
      return { opaque: true, summary: { pruning: 'pruned', require: [], retract: [] } };
    }
    const served = goModHash(got.text);
    const recorded = goModSums.get(modKey(actual));
    if (recorded === undefined) missingGoSum.set(modKey(actual), actual);
    else if (!recorded.includes(served)) {
      return {
        problem: {
          kind: 'checksum-mismatch',
          module: m,
          actual,
          goSumHash: recorded[0] as string,
          servedHash: served,
          message: `verifying ${modKey(actual)}/go.mod: checksum mismatch (downloaded: ${served}, go.sum: ${recorded[0]}): SECURITY ERROR`,
          ...(got.lookup ? { lookup: got.lookup } : {}),
        },
      };
    }
    return summarize(m, actual, got.text, `${modKey(actual)}/go.mod`);
  };

  const load = (m: ModVer): Promise<Loaded> => {
    const k = modKey(m);
    let p = cache.get(k);
    if (!p) {
      p = readSummary(m);
      cache.set(k, p);
    }
    return p;
  };

  const concurrency = options.concurrency ?? 64;
  let graph: RequirementGraph;
  const failed = new Map<string, Omit<GraphProblem, 'chain'>>();
  for (let round = 0; ; round++) {
    graph = new RequirementGraph(main, roots);
    const g = graph;
    const queue = new WorkQueue(concurrency);
    const loadedHere = new Set<string>();
    const enqueuedUnpruned = new Set<string>();
    const enqueue = (m: ModVer, how: Pruning): void => {
      if (m.version === 'none') return;
      if (how === 'unpruned') {
        if (enqueuedUnpruned.has(modKey(m))) return;
        enqueuedUnpruned.add(modKey(m));
      }
      queue.add(async () => {
        if (options.signal?.aborted) throw options.signal.reason ?? new Error('aborted');
        const got = await load(m);
        const k = modKey(m);
        if (!loadedHere.has(k)) {
          loadedHere.add(k);
          if (got.summary) g.require(m, got.summary.require);
          else if (got.problem) failed.set(k, got.problem);
        }
        if (!got.summary) return;
        if (how !== 'pruned' || got.summary.pruning === 'unpruned') {
          const next: Pruning = how === 'unpruned' ? 'unpruned' : got.summary.pruning;
          for (const r of got.summary.require) enqueue(r, next);
        }
      });
    };
    for (const r of roots) enqueue(r, pruning);
    await queue.idle();
    if (failed.size > 0 || pruning === 'unpruned' || round >= 50) break;
    // expandGraph / updatePrunedRoots: every root at its selected version, until nothing moves.
    const next: ModVer[] = [];
    const seen = new Set<string>();
    let moved = false;
    for (const r of roots) {
      if (seen.has(r.path)) continue;
      seen.add(r.path);
      const v = g.selected(r.path);
      if (v !== r.version) moved = true;
      next.push({ path: r.path, version: v });
    }
    if (!moved) break;
    roots = next;
  }

  const problems: GraphProblem[] = [];
  for (const [k, problem] of failed) {
    const chain = graph.findPath((m) => modKey(m) === k);
    if (chain) problems.push({ ...problem, chain });
  }
  // go's BuildListError names the first failing module breadth-first: shortest chains first.
  problems.sort((a, b) => a.chain.length - b.chain.length);
  // go ≥ 1.17 asks for each path the main go.mod requires; one whose only requirement is excluded is "not a known dependency".
  if (pruning === 'pruned') {
    for (const x of excludedRoots) {
      if (graph.selected(x.path) !== 'none' || problems.some((p) => p.kind === 'excluded-root' && p.module.path === x.path)) continue;
      problems.push({
        kind: 'excluded-root',
        module: x,
        actual: x,
        chain: [main, x],
        message: `module ${x.path}: not a known dependency (go.mod requires ${x.path} ${x.version} and excludes that version)`,
      });
    }
  }

  const lineOf = new Map<string, Map<string, number>>();
  for (const [k, p] of cache) {
    const got = await p;
    if (got.lines) lineOf.set(k, got.lines);
  }
  const mainLines = new Map(goMod.require.map((r) => [modKey({ path: r.path, version: r.version }), r.line]));

  return {
    main,
    pruning,
    roots,
    required: graph.edges(),
    selected: new Map(graph.buildList().map((m) => [m.path, m.version])),
    problems,
    excludedRoots,
    goModsRead,
    replacementOf,
    missingGoSum: [...missingGoSum.values()],
    opaque: [...opaque.values()],
    requirementLine: (parent, req) =>
      parent.version === '' && parent.path === main.path ? mainLines.get(modKey(req)) : lineOf.get(modKey(parent))?.get(modKey(req)),
    goMod,
    graph,
  };
}

/** The selected version of every module in the graph (go list -m all), main module first. */
export function buildList(graph: LoadedModuleGraph): ModVer[] {
  return graph.graph.buildList();
}

/**
 * What `go mod download` (no arguments, go 1.19) downloads: for a main module
 * at go ≥ 1.17, the selected versions of the modules its go.mod requires; below
 * 1.17, every module in the build list. Replacements are applied; directory
 * replacements download nothing. Paths go cannot resolve (excluded-only) are left out.
 */
export function downloadList(graph: LoadedModuleGraph): ModVer[] {
  const out: ModVer[] = [];
  const seen = new Set<string>();
  const add = (m: ModVer): void => {
    const actual = graph.replacementOf(m) ?? m;
    if (actual.version === '' || seen.has(modKey(actual))) return;
    seen.add(modKey(actual));
    out.push(actual);
  };
  if (graph.pruning === 'pruned') {
    for (const r of graph.goMod.require) {
      const v = graph.graph.selected(r.path);
      if (v !== 'none' && v !== '') add({ path: r.path, version: v });
    }
  } else {
    for (const m of graph.graph.buildList().slice(1)) add(m);
  }
  return out;
}
