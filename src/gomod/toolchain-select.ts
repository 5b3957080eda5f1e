/**
 * Which Go toolchain the host's go command runs for a module, and whether it
 * accepts the module's go.mod at all: go ≥ 1.21's toolchain selection
 * (cmd/go/internal/toolchain.Select, https://go.dev/doc/toolchain#select)
 * from GOTOOLCHAIN and the `go`/`toolchain` lines, and go < 1.21's stricter
 * go.mod grammar (`go 1.21.0` and `toolchain` are parse errors there). Pure:
 * no process, file or network access; toolchain-check.ts adds those.
 */
import { compareGoVersions, toolchainVersion } from './go-version.ts';

export interface ToolchainInputs {
  /** The installed go's version ("1.21.5", "1.19.8", "1.22rc1"). */
  localVersion: string;
  /** GOTOOLCHAIN as go sees it (environment, else the `go env -w` file, else $GOROOT/go.env); undefined when none sets it. */
  gotoolchain: string | undefined;
  /** Where gotoolchain came from, for messages ("GOTOOLCHAIN in the environment"). */
  gotoolchainSource?: string;
  /** The main module's `go` line, when present. */
  goLine?: { version: string; line: number };
  /** The main module's `toolchain` line, when present. */
  toolchainLine?: { name: string; line: number };
  /** "go.mod" or a path, for locations. */
  file: string;
}

/** A go.mod line the selected go refuses, with the message go prints for it. */
export interface ToolchainProblem {
  kind: 'invalid-go-version' | 'unknown-toolchain-directive' | 'go-too-new' | 'invalid-gotoolchain' | 'invalid-toolchain-line';
  /** go's own words ("go.mod:3: invalid go version '1.21.0': must match format 1.23"). */
  goMessage: string;
  /** go.mod:N, when a line is at fault. */
  location?: string;
  /** Only matters for compiling, not for `go mod download` (go < 1.21 with a newer go line). */
  downloadOk: boolean;
}

export interface ToolchainSelection {
  /** go ≥ 1.21 selects toolchains; older go ignores GOTOOLCHAIN and the toolchain line. */
  switching: boolean;
  /** The toolchain that would run the command: "go1.22.0", or the local "go1.21.5". */
  toolchain: string;
  /** Its Go version ("1.22.0"; "1.22" for a bare language version). */
  version: string;
  /** True when toolchain is not the installed go (a PATH lookup, then a download unless pathOnly). */
  switched: boolean;
  /** GOTOOLCHAIN=path or <name>+path: only PATH is searched, nothing is downloaded. */
  pathOnly: boolean;
  /** The module that would be downloaded: golang.org/toolchain@v0.0.1-<toolchain>.<goos>-<goarch> (set by the caller). */
  why: string;
  /**
   * A language version ("go1.22") was chosen as a toolchain name: no release has that name, so the
   * download fails (go 1.21.0–1.21.8 and 1.22.0–1.22.3 do this for a bare `go 1.22` line; later go picks go1.22.0).
   */
  languageVersionOnly: boolean;
  /** Problems the selected go raises before any download (parse errors, go line newer than the toolchain). */
  problems: ToolchainProblem[];
}

const GO_MIN_SWITCHING = '1.21';
/**
 * Whether this go turns a bare language version ("go 1.22") into its .0 release when switching
 * (golang/go#62278): go 1.23 and the backports to 1.22.4 and 1.21.9, as reported in cli/cli#9489
 * (where the reports disagree on 1.22.4, it counts as fixed: no false root cause).
 */
export function switchesToDotZero(local: string): boolean {
  if (compareGoVersions(local, '1.23') >= 0) return true;
  if (compareGoVersions(local, '1.22') >= 0) return compareGoVersions(local, '1.22.4') >= 0;
  return compareGoVersions(local, '1.21.9') >= 0;
}

/** gover.IsLang: "1.22" but not "1.22.0" or "1.22rc1". */
export function isLanguageVersion(v: string): boolean {
  return /^[0-9]+\.[0-9]+$/.test(v);
}

/** golang.org/toolchain@<this> for a toolchain name and platform. */
export function toolchainModuleVersion(toolchain: string, goos: string, goarch: string): string {
  return `v0.0.1-${toolchain}.${goos}-${goarch}`;
}

export const TOOLCHAIN_MODULE = 'golang.org/toolchain';

/** go < 1.21 parses go.mod with modfile's old grammar: `go` must be "1.N" and `toolchain` is unknown. */
function legacyProblems(running: string, input: ToolchainInputs): ToolchainProblem[] {
  const out: ToolchainProblem[] = [];
  if (input.goLine && !/^[1-9][0-9]*\.(?:0|[1-9][0-9]*)$/.test(input.goLine.version)) {
    out.push({
      kind: 'invalid-go-version',
      goMessage: `${input.file}:${input.goLine.line}: invalid go version '${input.goLine.version}': must match format 1.23`,
      location: `${input.file}:${input.goLine.line}`,
      downloadOk: false,
    });
  }
  if (input.toolchainLine) {
    out.push({
      kind: 'unknown-toolchain-directive',
      goMessage: `${input.file}:${input.toolchainLine.line}: unknown directive: toolchain`,
      location: `${input.file}:${input.toolchainLine.line}`,
      downloadOk: false,
    });
  }
  // A newer go line is only a note on compile errors before 1.21 (`go mod download` succeeds).
  if (out.length === 0 && input.goLine && compareGoVersions(input.goLine.version, running) > 0) {
    out.push({
      kind: 'go-too-new',
      goMessage: `note: module requires Go ${input.goLine.version} (go ${running} builds it anyway and only mentions this when compiling fails)`,
      location: `${input.file}:${input.goLine.line}`,
      downloadOk: true,
    });
  }
  return out;
}

/** What go ≥ 1.21 says when the go line is newer than the toolchain that runs. */
function tooNewProblem(running: string, gotoolchain: string, input: ToolchainInputs): ToolchainProblem[] {
  if (!input.goLine || compareGoVersions(input.goLine.version, running) <= 0) return [];
  return [
    {
      kind: 'go-too-new',
      goMessage: `go: ${input.file} requires go >= ${input.goLine.version} (running go ${running}; GOTOOLCHAIN=${gotoolchain})`,
      location: `${input.file}:${input.goLine.line}`,
      downloadOk: false,
    },
  ];
}

/** The problems of the toolchain that ends up running (an old one keeps the old grammar). */
function problemsFor(running: string, gotoolchain: string, input: ToolchainInputs): ToolchainProblem[] {
  return compareGoVersions(running, GO_MIN_SWITCHING) < 0 ? legacyProblems(running, input) : tooNewProblem(running, gotoolchain, input);
}

/** toolchain.Select, as data. */
export function selectToolchain(input: ToolchainInputs): ToolchainSelection {
  const local = input.localVersion;
  const localToolchain = `go${local}`;
  const base = { switching: false, toolchain: localToolchain, version: local, switched: false, pathOnly: false, languageVersionOnly: false };
  if (compareGoVersions(local, GO_MIN_SWITCHING) < 0) {
    return {
      ...base,
      why: `go ${local} predates toolchain switching (Go 1.21): GOTOOLCHAIN and the toolchain line are ignored`,
      problems: legacyProblems(local, input),
    };
  }
  const setting = input.gotoolchain ?? '';
  const from = input.gotoolchainSource ? ` (${input.gotoolchainSource})` : '';
  if (setting === '') {
    return {
      ...base,
      switching: true,
      why: `GOTOOLCHAIN is not set anywhere (no $GOROOT/go.env line): go ${local} runs as is`,
      problems: tooNewProblem(local, 'local', input),
    };
  }
  const invalid = (message: string): ToolchainSelection => ({
    ...base,
    switching: true,
    why: message,
    problems: [{ kind: 'invalid-gotoolchain', goMessage: `go: ${message}`, downloadOk: false }],
  });

  let minToolchain = localToolchain;
  let minVers = local;
  let mode = '';
  if (setting === 'auto' || setting === 'path') mode = setting;
  else {
    const plus = setting.indexOf('+');
    const min = plus < 0 ? setting : setting.slice(0, plus);
    const suffix = plus < 0 ? '' : setting.slice(plus + 1);
    if (min !== 'local') {
      const v = toolchainVersion(min);
      if (v === undefined)
        return invalid(plus >= 0 ? `invalid GOTOOLCHAIN "${setting}": invalid minimum toolchain "${min}"` : `invalid GOTOOLCHAIN "${setting}"`);
      minToolchain = min;
      minVers = v;
    }
    if (plus >= 0 && suffix !== 'auto' && suffix !== 'path') return invalid(`invalid GOTOOLCHAIN "${setting}": only version suffixes are +auto and +path`);
    mode = suffix;
  }

  let chosen = minToolchain;
  let why =
    mode === ''
      ? `GOTOOLCHAIN=${setting}${from} names the toolchain`
      : `GOTOOLCHAIN=${setting}${from}: starts from ${minToolchain === localToolchain ? `the local go ${local}` : minToolchain}`;
  if (mode === 'auto' || mode === 'path') {
    const tc = input.toolchainLine?.name;
    if (tc === 'default') {
      why += `; ${input.file} says "toolchain default", so go.mod does not raise it`;
    } else {
      if (tc !== undefined) {
        const tv = toolchainVersion(tc);
        if (tv === undefined || (!tc.startsWith('go') && !tc.includes('-go'))) {
          return {
            ...base,
            switching: true,
            why,
            problems: [
              {
                kind: 'invalid-toolchain-line',
                goMessage: `go: invalid toolchain "${tc}" in ${input.file}`,
                location: `${input.file}:${input.toolchainLine?.line}`,
                downloadOk: false,
              },
            ],
          };
        }
        if (compareGoVersions(tv, minVers) > 0) {
          chosen = tc;
          minVers = tv;
          why += `; raised to ${tc} by the toolchain line (${input.file}:${input.toolchainLine?.line})`;
        }
      }
      const goVers = input.goLine?.version;
      if (goVers !== undefined && compareGoVersions(goVers, minVers) > 0) {
        chosen = `go${goVers}`;
        minVers = goVers;
        // A fixed go switches to the first release of a language version; older go asks for a toolchain named go1.22, which does not exist.
        if (isLanguageVersion(goVers) && compareGoVersions(goVers, GO_MIN_SWITCHING) >= 0 && switchesToDotZero(local)) chosen += '.0';
        why += `; raised to ${chosen} by the go line (${input.file}:${input.goLine?.line})`;
      }
    }
  }

  const switched = chosen !== 'local' && chosen !== localToolchain;
  if (!switched) {
    return { ...base, switching: true, why, problems: tooNewProblem(local, setting, input) };
  }
  if (!chosen.startsWith('go1') && !chosen.includes('-go1')) return invalid(`invalid GOTOOLCHAIN "${chosen}"`);
  const version = toolchainVersion(chosen) ?? minVers;
  // No release is named after a language version ("go1.22"): its download fails.
  const languageVersionOnly = isLanguageVersion(version) && compareGoVersions(version, GO_MIN_SWITCHING) >= 0;
  return {
    switching: true,
    toolchain: chosen,
    version,
    switched: true,
    pathOnly: mode === 'path' || setting.endsWith('+path'),
    languageVersionOnly,
    why,
    // The switched-to go reads go.mod again; a pinned one may still be older than the go line.
    problems: problemsFor(version, setting, input),
  };
}
