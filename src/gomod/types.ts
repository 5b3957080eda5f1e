/** go.mod / go.sum as data. Line numbers are 1-based, for "go.mod:14" evidence. */

export interface ModuleVersion {
  path: string;
  /** Absent for replace left-hand sides without a version, and local-path targets. */
  version?: string;
}

export interface Requirement {
  path: string;
  version: string;
  indirect: boolean;
  line: number;
}

export interface Replacement {
  from: ModuleVersion;
  /** For a local target, `path` is the directory as written ("./lib", "../x", "/abs"). */
  to: ModuleVersion;
  /** True when the target is a filesystem path (starts with ./ ../ or /). */
  local: boolean;
  line: number;
}

export interface Exclusion {
  path: string;
  version: string;
  line: number;
}

export interface Retraction {
  /** A single version has low === high. */
  low: string;
  high: string;
  rationale?: string;
  line: number;
}

export interface GoMod {
  file: string;
  module?: { path: string; line: number };
  go?: { version: string; line: number };
  toolchain?: { name: string; line: number };
  require: Requirement[];
  replace: Replacement[];
  exclude: Exclusion[];
  retract: Retraction[];
  /** Versions that are queries, not canonical versions (only with parseGoMod's versionQueries option). */
  versionQueries?: VersionQuery[];
}

/** A non-canonical version in the main go.mod ("v1.9", "master"): go resolves it through GOPROXY. */
export interface VersionQuery {
  verb: 'require' | 'exclude' | 'replace';
  path: string;
  query: string;
  line: number;
}

export interface GoSumEntry {
  path: string;
  version: string;
  /** True for "<path> <version>/go.mod h1:…" lines. */
  goMod: boolean;
  hash: string;
  line: number;
}

export interface GoSum {
  file: string;
  entries: GoSumEntry[];
}
