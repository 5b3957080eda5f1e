/** The module graph as data: what go's modload builds before it downloads anything. */
import type { Retraction } from '../gomod/types.ts';
import type { VersionLookup } from '../goproxy/types.ts';

/** A module at a version; version "" is the main module or a directory (local replace target). */
export interface ModVer {
  path: string;
  version: string;
}

export function modKey(m: ModVer): string {
  return m.version === '' ? m.path : `${m.path}@${m.version}`;
}

/** go ≥ 1.17 modules list every dependency they need, so their dependencies' go.mod files are not read ("graph pruning"). */
export type Pruning = 'pruned' | 'unpruned';

/** The parts of a dependency's go.mod the graph needs (go's modFileSummary). */
export interface GoModSummary {
  /** The `module` line, when present. */
  module?: string;
  goVersion?: string;
  pruning: Pruning;
  require: ModVer[];
  retract: Retraction[];
}

/** Why a go.mod in the graph could not be used; `kind` maps to the report's category. */
export type GraphProblemKind =
  | 'not-found' // every source answered 404/410 for the .mod
  | 'fetch-error' // the chain stopped on an error (network, 5xx, auth, GOPROXY=off)
  | 'path-mismatch' // the go.mod declares another module path
  | 'missing-module-line'
  | 'invalid-go-mod' // the go.mod does not parse
  | 'checksum-mismatch' // go.sum has an h1: line for <mod>/go.mod and it differs
  | 'local-missing' // a directory replacement without a readable go.mod
  | 'excluded-root'; // the main module requires a version its own go.mod excludes (go ≥ 1.17: "not a known dependency")

export interface GraphProblem {
  kind: GraphProblemKind;
  /** The module as the graph names it (before replacement). */
  module: ModVer;
  /** What was actually read: the replacement target, or `module` itself. */
  actual: ModVer;
  /** From the main module to `module`: ["example.com/app", "a@v1.1.0", "c@v1.1.0"] as ModVers. */
  chain: ModVer[];
  /** go's words for it (one line). */
  message: string;
  /** The path the go.mod declares (path-mismatch). */
  declaredPath?: string;
  /** go.sum's and the served go.mod's h1: hashes (checksum-mismatch). */
  goSumHash?: string;
  servedHash?: string;
  /** The proxy walk that fetched (or failed to fetch) the go.mod. */
  lookup?: VersionLookup;
}

/** Where go.mod files come from: the GOPROXY chain for versions, the disk for directories. */
export interface GoModSource {
  /** The go.mod text of module@version (resolved through the proxy chain), or why not. */
  fetch(m: ModVer): Promise<GoModFetch>;
  /** The go.mod of a local replacement directory (absolute path). */
  readLocal(dir: string): Promise<GoModFetch>;
}

export type GoModFetch =
  | { ok: true; /** Absent when the version was found `direct` (existence only). */ text?: string; lookup?: VersionLookup }
  | { ok: false; kind: 'not-found' | 'fetch-error' | 'local-missing'; message: string; lookup?: VersionLookup };

export interface ModuleGraph {
  main: ModVer;
  /** How the main module's go version reads the graph. */
  pruning: Pruning;
  /** The main module's requirements after exclusions, at the versions go settles on (upgraded roots included). */
  roots: ModVer[];
  /** Each loaded module's requirements (after the main module's exclusions), by modKey. */
  required: Map<string, ModVer[]>;
  /** Selected version per module path (MVS: the highest version any loaded go.mod requires). */
  selected: Map<string, string>;
  /** Everything that would make go fail, in go's breadth-first order (go reports the first). */
  problems: GraphProblem[];
  /** Requirements the main go.mod drops because it excludes them. */
  excludedRoots: ModVer[];
  /** go.mod files read (proxy and disk). */
  goModsRead: number;
  /** Replacement in effect for a module (by modKey of the un-replaced version), directories absolute. */
  replacementOf(m: ModVer): ModVer | undefined;
  /** go.mod files whose /go.mod line go.sum lacks (go mod download adds them; -mod=readonly builds fail). */
  missingGoSum: ModVer[];
}
