/**
 * The module graph as go 1.17+ loads it for `go mod download`: MVS, graph
 * pruning, replace, exclude, go.sum `/go.mod` verification, and the list of
 * modules go would download. Used by the engine's graph stage and by --deep.
 */
export { buildList, downloadList, loadModuleGraph, mainPruning, pruningForGoVersion, type LoadGraphOptions, type LoadedModuleGraph } from './load-graph.ts';
export { findingKey, graphFindings, suggestReplacement } from './graph-findings.ts';
export { raisedRetractions, type RetractionCheckOptions } from './retractions.ts';
export { compareMvsVersions, RequirementGraph } from './mvs.ts';
export { fetchFromLookup, ProxyGoModSource, readLocalGoMod, type ProxySourceOptions } from './proxy-source.ts';
export {
  modKey,
  type GoModFetch,
  type GoModSource,
  type GoModSummary,
  type GraphProblem,
  type GraphProblemKind,
  type ModVer,
  type ModuleGraph,
  type Pruning,
} from './types.ts';
