/**
 * The toolchain check: which go the host would run for this module
 * (toolchain-select.ts), whether that go accepts the go.mod, and — when it
 * would switch — whether the switch can succeed on this host: the toolchain
 * on PATH, else golang.org/toolchain@v0.0.1-<go>.<goos>-<goarch> through the
 * host's GOPROXY chain (`.info` only, never the zip) and in the checksum
 * database, which go always consults for toolchains.
 */
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { GoEnv } from '../config/env.ts';
import { parseGoEnvFile } from './go-env-file.ts';
import { compareGoVersions } from '../gomod/go-version.ts';
import { findGoWork, readGoWork } from '../gomod/go-work.ts';
import {
  selectToolchain,
  switchesToDotZero,
  TOOLCHAIN_MODULE,
  toolchainModuleVersion,
  type ToolchainProblem,
  type ToolchainSelection,
} from '../gomod/toolchain-select.ts';
import type { GoMod } from '../gomod/types.ts';
import type { GitRemote } from '../goproxy/git-ls-remote.ts';
import type { GoProxyClient } from '../goproxy/goproxy-client.ts';
import { lookupVersion } from '../goproxy/lookup-version.ts';
import type { PrivacyRules } from '../goproxy/module-patterns.ts';
import type { GoSumDb } from '../goproxy/parse-goproxy.ts';
import type { ProxyEntry, SourceAttempt } from '../goproxy/types.ts';
import type { CheckResult, Finding } from '../report/model.ts';
import { findOnPath } from '../util/find-on-path.ts';

export { findOnPath };

/** The answer of a checksum database lookup for one module version. */
export interface ChecksumDbAnswer {
  outcome: 'found' | 'not-found' | 'error';
  /** What was asked and what came back (URL, status), never credentials. */
  message: string;
}

/**
 * The seam to the checksum DB client (src/sumdb): "does the database know
 * module@version?". Any client that answers this can be passed in.
 */
export interface ChecksumDbLookup {
  lookup(module: string, version: string, options?: { signal?: AbortSignal }): Promise<ChecksumDbAnswer>;
}

export interface ToolchainCheckOptions {
  goMod: GoMod;
  /** `go version` (e.g. "1.21.5") and `go env` of the host; undefined when go is missing. */
  goInfo: { version?: string; env?: Record<string, string> } | undefined;
  /** The go variables in effect (process environment over the `go env -w` file). */
  goEnv: GoEnv;
  /** The variables the process environment itself sets (to say where GOTOOLCHAIN came from). */
  processGoEnv?: GoEnv;
  chain: ProxyEntry[];
  privacy: Pick<PrivacyRules, 'bypassProxy'>;
  client: GoProxyClient;
  git: Pick<GitRemote, 'checkVersion'>;
  /** parseGoSumDb(GOSUMDB); undefined for GOSUMDB=off. */
  sumDb: GoSumDb | undefined;
  /** Asks the checksum DB; without it the database is not consulted (the check says so). */
  checksumDb?: ChecksumDbLookup;
  /** The directory go runs in (the checkout): a go.work there or above takes over the go/toolchain lines. */
  workspaceDir?: string;
  /** True when workspaceDir is a temporary clone: go.work is only looked for inside it. */
  workspaceIsClone?: boolean;
  /** PATH to search for go1.X.Y binaries (default: process PATH). */
  pathEnv?: string;
  signal?: AbortSignal;
}

/** GOTOOLCHAIN as the host's go resolves it: environment, then the `go env -w` file, then $GOROOT/go.env. */
export async function resolveGotoolchain(
  goEnv: GoEnv,
  processGoEnv: GoEnv | undefined,
  goroot: string | undefined,
): Promise<{ value?: string; source: string }> {
  if (processGoEnv?.GOTOOLCHAIN) return { value: processGoEnv.GOTOOLCHAIN, source: 'GOTOOLCHAIN in the environment' };
  if (goEnv.GOTOOLCHAIN) return { value: goEnv.GOTOOLCHAIN, source: processGoEnv ? 'set with go env -w' : 'GOTOOLCHAIN' };
  if (goroot) {
    try {
      const v = parseGoEnvFile(await readFile(join(goroot, 'go.env'), 'utf8')).GOTOOLCHAIN;
      if (v) return { value: v, source: `${join(goroot, 'go.env')}` };
    } catch {
      // No go.env (go < 1.21, or a packager removed it).
    }
  }
  return { source: 'unset' };
}

function platformOf(env: Record<string, string> | undefined): { goos: string; goarch: string } {
  const goos = env?.GOOS ?? (process.platform === 'win32' ? 'windows' : process.platform);
  const archMap: Record<string, string> = {
    x64: 'amd64',
    ia32: '386',
    arm64: 'arm64',
    arm: 'arm',
    ppc64: 'ppc64le',
    s390x: 's390x',
    riscv64: 'riscv64',
    loong64: 'loong64',
  };
  const goarch = env?.GOARCH ?? archMap[process.arch] ?? process.arch;
  return { goos, goarch };
}

function describeAttempt(a: SourceAttempt): string {
  return `${a.source}${a.url ? ` ${a.url}` : ''}: ${a.status ?? a.outcome}${a.message ? ` ${JSON.stringify(a.message)}` : ''} (${a.durationMs} ms)`;
}

function problemFinding(p: ToolchainProblem, sel: ToolchainSelection, local: string): Finding {
  const running = sel.switched ? `${sel.toolchain} (switched to from go ${local})` : `go ${local}`;
  const legacy = !sel.switching || compareGoVersions(sel.version, '1.21') < 0;
  const base = {
    category: 'toolchain-mismatch' as const,
    key: `toolchain:${p.kind}:${p.location ?? ''}`,
    evidence: p.goMessage,
    ...(p.location ? { location: p.location } : {}),
  };
  switch (p.kind) {
    case 'invalid-go-version':
      return {
        ...base,
        severity: 'error',
        message: `${running} cannot parse the go line: it predates Go 1.21, which introduced patch and rc versions there`,
        fix: `Upgrade Go on the agent to 1.21 or newer, or write the go line as "go 1.N" (${p.location}).`,
      };
    case 'unknown-toolchain-directive':
      return {
        ...base,
        severity: 'error',
        message: `${running} does not know the toolchain directive (added in Go 1.21) and rejects go.mod`,
        fix: `Upgrade Go on the agent to 1.21 or newer, or delete the toolchain line (${p.location}).`,
      };
    case 'go-too-new':
      if (p.downloadOk) {
        return {
          ...base,
          severity: 'warning',
          message: `go.mod asks for a newer Go than ${running}; go before 1.21 downloads anyway, but compiling may fail`,
          fix: `Install the Go version of the go line on the agent (${p.location}).`,
        };
      }
      return {
        ...base,
        severity: 'error',
        message: `go.mod requires a newer Go than ${running}, and GOTOOLCHAIN does not let go switch to it`,
        fix: legacy
          ? `Install the Go version of the go line on the agent (${p.location}).`
          : `Set GOTOOLCHAIN=auto (or unset it) so go downloads the toolchain, or install that Go on the agent, or lower the go line (${p.location}).`,
      };
    case 'invalid-gotoolchain':
      return {
        ...base,
        category: 'toolchain-mismatch',
        severity: 'error',
        message: `GOTOOLCHAIN is invalid, so every go command fails`,
        fix: 'Set GOTOOLCHAIN to local, auto, path, go1.X.Y, or go1.X.Y+auto / go1.X.Y+path (environment or go env -w).',
      };
    case 'invalid-toolchain-line':
      return {
        ...base,
        severity: 'error',
        message: 'The toolchain line of go.mod names no Go toolchain',
        fix: `Write it as "toolchain go1.X.Y" or delete it (${p.location}).`,
      };
  }
}

/** Runs the selection and, for a switch, checks that the chosen toolchain can be had. */
export async function checkToolchain(options: ToolchainCheckOptions): Promise<CheckResult> {
  const started = performance.now();
  const done = (status: CheckResult['status'], detail: string, findings: Finding[]): CheckResult => ({
    id: 'toolchain',
    title: 'go toolchain selection (go and toolchain lines, GOTOOLCHAIN)',
    status,
    durationMs: Math.round(performance.now() - started),
    detail,
    findings,
  });
  const local = options.goInfo?.version;
  if (!local) return done('skip', 'go is not installed on this host: no toolchain to select', []);
  const { goMod } = options;
  const gotoolchain = await resolveGotoolchain(options.goEnv, options.processGoEnv, options.goInfo?.env?.GOROOT);
  // In workspace mode go.work's go/toolchain lines decide (modGoToolchain); go < 1.21 parses both files with its old grammar.
  const workPath = options.workspaceDir
    ? await findGoWork(options.workspaceDir, options.goEnv.GOWORK, options.workspaceIsClone ? options.workspaceDir : undefined)
    : undefined;
  const work = workPath ? await readGoWork(workPath) : undefined;
  const workFile = workPath && options.workspaceDir && relative(options.workspaceDir, workPath) === 'go.work' ? 'go.work' : workPath;
  const sel = selectToolchain({
    localVersion: local,
    gotoolchain: gotoolchain.value,
    gotoolchainSource: gotoolchain.source,
    ...(work && workFile
      ? { file: workFile, ...(work.go ? { goLine: work.go } : {}), ...(work.toolchain ? { toolchainLine: work.toolchain } : {}) }
      : { file: goMod.file, ...(goMod.go ? { goLine: goMod.go } : {}), ...(goMod.toolchain ? { toolchainLine: goMod.toolchain } : {}) }),
  });
  if (work && !sel.switching) {
    // go 1.19/1.20 read go.mod too: its old-grammar errors count as well.
    const modSel = selectToolchain({
      localVersion: local,
      gotoolchain: undefined,
      file: goMod.file,
      ...(goMod.go ? { goLine: goMod.go } : {}),
      ...(goMod.toolchain ? { toolchainLine: goMod.toolchain } : {}),
    });
    sel.problems.push(...modSel.problems.filter((p) => !p.downloadOk));
  }
  const findings: Finding[] = sel.problems.map((p) => problemFinding(p, sel, local));
  const blocking = sel.problems.some((p) => !p.downloadOk && (p.kind === 'invalid-gotoolchain' || p.kind === 'invalid-toolchain-line'));
  if (!sel.switched || blocking) {
    const status = findings.some((f) => f.severity === 'error') ? 'fail' : findings.length > 0 ? 'warn' : 'pass';
    return done(status, `host go ${local} runs (no switch): ${sel.why}`, findings);
  }

  const { goos, goarch } = platformOf(options.goInfo?.env);
  const version = toolchainModuleVersion(sel.toolchain, goos, goarch);
  const target = `${TOOLCHAIN_MODULE}@${version}`;
  const unavailable = (message: string, evidence: string, fix: string): Finding => ({
    category: 'toolchain-unavailable',
    severity: 'error',
    key: `toolchain-unavailable:${sel.toolchain}`,
    message,
    evidence,
    fix,
    module: TOOLCHAIN_MODULE,
    version,
    ...(goMod.go ? { location: `${goMod.file}:${goMod.go.line}` } : {}),
  });
  const switchLine = `host go ${local} would switch to ${sel.toolchain}: ${sel.why}`;

  const onPath = await findOnPath(sel.toolchain, options.pathEnv ?? process.env.PATH);
  if (onPath) {
    findings.push({
      category: 'toolchain-mismatch',
      severity: 'info',
      key: `toolchain-switch:${sel.toolchain}`,
      message: `go ${local} switches to ${sel.toolchain}, found on PATH at ${onPath} (nothing is downloaded)`,
      evidence: switchLine,
    });
    return done(findings.some((f) => f.severity === 'error') ? 'fail' : 'pass', `${switchLine}; ${onPath}`, findings);
  }
  if (sel.pathOnly) {
    findings.push(
      unavailable(
        `go ${local} must switch to ${sel.toolchain}, but GOTOOLCHAIN=${gotoolchain.value ?? ''} only searches PATH and it is not there`,
        `go: cannot find "${sel.toolchain}" in PATH\n${switchLine}`,
        `Install ${sel.toolchain} on PATH (go install golang.org/dl/${sel.toolchain}@latest && ${sel.toolchain} download), or set GOTOOLCHAIN=auto to let go download it.`,
      ),
    );
    return done('fail', switchLine, findings);
  }
  if (sel.languageVersionOnly) {
    const newGo = switchesToDotZero(local);
    const goSays = newGo
      ? `go: invalid toolchain: ${sel.toolchain} is a language version but not a toolchain version (${sel.toolchain}.x)`
      : `go: downloading ${sel.toolchain} (${goos}/${goarch})\ngo: download ${sel.toolchain} for ${goos}/${goarch}: toolchain not available`;
    findings.push(
      unavailable(
        `go ${local} would switch to ${sel.toolchain}, a language version that no Go release is named after, so the download fails`,
        `${goSays}\n${switchLine}`,
        goMod.go
          ? `Write the go line as "go ${sel.version}.0" (${goMod.file}:${goMod.go.line}), or add "toolchain ${sel.toolchain}.0" below it, or upgrade Go on the agent to ${sel.version}.0 or newer.`
          : `Set GOTOOLCHAIN to a release such as ${sel.toolchain}.0.`,
      ),
    );
    return done('fail', switchLine, findings);
  }

  // go always verifies a downloaded toolchain with the checksum database.
  if (!options.sumDb) {
    // No checksum DB: GOSUMDB=off, or a value go cannot parse (the proxy-env lint quotes go's words for that).
    const off = (options.goEnv.GOSUMDB ?? '').trim() === 'off';
    findings.push(
      unavailable(
        off
          ? `go ${local} would download ${sel.toolchain}, but GOSUMDB=off: go refuses a toolchain it cannot verify`
          : `go ${local} would download ${sel.toolchain}, but GOSUMDB is malformed: go cannot verify the toolchain against any checksum database`,
        off
          ? `go: ${target}: verifying module: checksum database disabled by GOSUMDB=off\n${switchLine}`
          : `go: ${target}: verifying module: GOSUMDB=${options.goEnv.GOSUMDB ?? ''} cannot be parsed\n${switchLine}`,
        off
          ? `Unset GOSUMDB=off (use GONOSUMDB/GOPRIVATE for private modules instead), or install ${sel.toolchain} on the agent's PATH.`
          : `Unset GOSUMDB or set a known name or "name+key [url]" (use GONOSUMDB/GOPRIVATE for private modules instead), or install ${sel.toolchain} on the agent's PATH.`,
      ),
    );
    return done('fail', switchLine, findings);
  }

  const lookup = await lookupVersion(TOOLCHAIN_MODULE, version, {
    chain: options.chain,
    privacy: options.privacy,
    client: options.client,
    git: options.git,
    fetchMod: false,
    fetchInfo: true,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const evidence = [switchLine, ...lookup.attempts.map(describeAttempt)].join('\n');
  if (lookup.outcome !== 'found') {
    const notFound = lookup.outcome === 'not-found';
    findings.push(
      unavailable(
        notFound
          ? `go ${local} would switch to ${sel.toolchain}, but no source in GOPROXY has ${target}`
          : `go ${local} would switch to ${sel.toolchain}, but downloading it fails: ${lookup.decidedBy?.message ?? lookup.outcome}`,
        `${notFound ? `go: download ${sel.toolchain} for ${goos}/${goarch}: toolchain not available` : `go: download ${sel.toolchain}: ${lookup.decidedBy?.message ?? lookup.outcome}`}\n${evidence}`,
        notFound
          ? `Check the toolchain version (${sel.toolchain} for ${goos}/${goarch} must exist), let the proxy serve golang.org/toolchain (a private mirror must proxy it), or install ${sel.toolchain} on the agent's PATH.`
          : `Make the module proxy reachable for golang.org/toolchain (buildfix probe), or install ${sel.toolchain} on the agent's PATH, or set GOTOOLCHAIN=local with a Go ≥ the go line installed.`,
      ),
    );
    return done('fail', switchLine, findings);
  }
  if (options.checksumDb) {
    const known = await options.checksumDb.lookup(TOOLCHAIN_MODULE, version, options.signal ? { signal: options.signal } : {});
    if (known.outcome !== 'found') {
      findings.push(
        unavailable(
          known.outcome === 'not-found'
            ? `${target} is on the proxy but the checksum database ${options.sumDb.name} does not know it: go refuses to run it`
            : `${target} is on the proxy but the checksum database ${options.sumDb.name} cannot be asked: go cannot verify the toolchain`,
          `${evidence}\n${options.sumDb.name}: ${known.message}`,
          known.outcome === 'not-found'
            ? `The proxy serves a toolchain the checksum database never saw: do not trust it. Install ${sel.toolchain} from https://go.dev/dl/ on the agent's PATH.`
            : `Make ${options.sumDb.url} reachable from the agent (buildfix probe), or install ${sel.toolchain} on the agent's PATH.`,
        ),
      );
      return done('fail', switchLine, findings);
    }
    findings.push({
      category: 'toolchain-mismatch',
      severity: 'info',
      key: `toolchain-switch:${sel.toolchain}`,
      message: `go ${local} switches to ${sel.toolchain}: ${target} is on the proxy and in ${options.sumDb.name}`,
      evidence: `${evidence}\n${options.sumDb.name}: ${known.message}`,
    });
  } else {
    findings.push({
      category: 'toolchain-mismatch',
      severity: 'info',
      key: `toolchain-switch:${sel.toolchain}`,
      message: `go ${local} switches to ${sel.toolchain}: ${target} is on the proxy (checksum database not asked)`,
      evidence,
    });
  }
  return done(findings.some((f) => f.severity === 'error') ? 'fail' : 'pass', `${switchLine}; ${target} available`, findings);
}
