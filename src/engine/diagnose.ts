/**
 * The diagnosis engine: resolves the target, reads go.mod/go.sum, then runs
 * the module check, the network probe, the proxy lint and the host checks
 * concurrently, and returns a ranked DiagnosisReport. Pure data out: the
 * renderers (terminal, JSON, Slack) live elsewhere.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readGoEnvFile } from '../checks/go-env-file.ts';
import { readGoSumForDiagnosis } from '../checks/go-sum-check.ts';
import { checkModulePaths, goModCheckResult, readMainGoMod, resolveGoModQueries } from '../checks/go-mod-check.ts';
import { checkHost, readGoEnvironment } from '../checks/host-check.ts';
import { applyVerdictRules, orderVerdict, type VerdictContext } from '../checks/go-verdict-rules.ts';
import { checkModules } from '../checks/module-check.ts';
import { probeEndpoints, type ProbeTarget } from '../checks/network-probe.ts';
import { lintProxyEnv } from '../checks/proxy-lint.ts';
import { sumDbChecksumLookup, toolchainSumDbClient } from '../checks/checksum-db-lookup.ts';
import { applySafeFixes, createMirrorPolicy } from '../checks/safe-fixes.ts';
import { checkVendor } from '../checks/vendor-check.ts';
import { checkToolchain, type ChecksumDbLookup } from '../checks/toolchain-check.ts';
import type { GoEnv } from '../config/env.ts';
import type { FileConfig } from '../config/schema.ts';
import { BuildfixError } from '../errors.ts';
import type { GoMod, GoSum } from '../gomod/types.ts';
import { GitRemote } from '../goproxy/git-ls-remote.ts';
import { GoProxyClient } from '../goproxy/goproxy-client.ts';
import { createPrivacyRules, type PrivacyRules } from '../goproxy/module-patterns.ts';
import { GoEnvValueError, parseGoproxy, parseGoSumDb, type GoSumDb } from '../goproxy/parse-goproxy.ts';
import type { ProxyEntry } from '../goproxy/types.ts';
import type { CheckResult, DiagnosisReport, Finding, ProgressListener } from '../report/model.ts';
import type { VersionLookup } from '../goproxy/types.ts';
import { mergeStageCheck, runGraphStage } from './graph-stage.ts';
import { SumDbClient } from '../sumdb/client.ts';
import { mergeDeepChecks, runDeepStage } from './deep-stage.ts';
import { resolveTarget } from './resolve-target.ts';
import { maskUrlCredentials } from '../util/redact.ts';

export interface DiagnoseOptions {
  config: Pick<FileConfig, 'repoUrlTemplate' | 'repos' | 'thresholds' | 'concurrency' | 'requestTimeoutMs'> & { mirrors?: readonly string[] };
  /** The go command's variables as the host's build sees them (process env). */
  goEnv: GoEnv;
  host: string;
  onProgress?: ProgressListener;
  signal?: AbortSignal;
  /** Skip parts (jobs like `modules` and `probe` run one part only). */
  parts?: { modules?: boolean; probe?: boolean; host?: boolean; lint?: boolean; toolchain?: boolean; graph?: boolean };
  /**
   * The first pass's verdict (report.stage "first-pass"), delivered before the
   * module graph stage refines it; the returned report is the refined one
   * (stage "graph"). Not called when the graph stage is skipped.
   */
  onFirstVerdict?: (report: DiagnosisReport) => void;
  /** Budget of the module graph stage (default: 20 × requestTimeoutMs). */
  graphTimeoutMs?: number;
  checkRetractions?: boolean;
  /**
   * HOME/XDG_CONFIG_HOME/GOENV for finding go's settings file, and the git set-up direct mode uses
   * (HOME's .gitconfig and .netrc, NETRC, GIT_CONFIG_GLOBAL, GIT_SSH_COMMAND…); default: process.env.
   */
  processEnv?: Record<string, string | undefined>;
  /** Reuse a client (keep-alive pools) across diagnoses, e.g. in a worker. */
  client?: GoProxyClient;
  /** Checksum DB lookups for the toolchain check (default: the verifying GOSUMDB client of src/sumdb). */
  checksumDb?: ChecksumDbLookup;
  /** --deep: download the module zips, check them against go's zip rules, hash them and ask the checksum DB (src/engine/deep-stage.ts). */
  deep?: boolean;
}

/** The variables of the agent's environment that decide how git reaches a repository (direct mode). */
const GIT_SETUP_KEYS = [
  'HOME',
  'XDG_CONFIG_HOME',
  'NETRC',
  'GIT_CONFIG_GLOBAL',
  'GIT_CONFIG_SYSTEM',
  'GIT_CONFIG_NOSYSTEM',
  'GIT_SSH_COMMAND',
  'GIT_SSH',
  'SSH_AUTH_SOCK',
] as const;

/** git's environment from an explicit agent environment (undefined: git inherits this process's). */
export function gitSetupEnv(processEnv: Record<string, string | undefined> | undefined): Record<string, string> | undefined {
  if (!processEnv) return undefined;
  const out: Record<string, string> = {};
  for (const key of GIT_SETUP_KEYS) {
    const v = processEnv[key];
    if (v !== undefined) out[key] = v;
  }
  return out;
}

/** The longest the `go version`/`go env` spawn waits for the module check's first answer. */
const GO_SPAWN_MAX_WAIT_MS = 250;

const GO_ENV_FROM_GO = ['GOPROXY', 'GOPRIVATE', 'GONOPROXY', 'GONOSUMDB', 'GOSUMDB', 'GOFLAGS', 'GOMODCACHE', 'GOINSECURE', 'GOTOOLCHAIN', 'GOVCS'] as const;

/** `go env -json` knows values set with `go env -w`; the process env wins where set, as for go itself. */
export function effectiveGoEnv(processEnv: GoEnv, fromGo: Record<string, string> | undefined): GoEnv {
  const out: GoEnv = { ...processEnv };
  if (fromGo) {
    for (const key of GO_ENV_FROM_GO) {
      if ((out[key] === undefined || out[key] === '') && fromGo[key]) out[key] = fromGo[key];
    }
  }
  return out;
}

/** Hosts of the configured repos: modules under them are private. */
export function privateHostsFromConfig(config: Pick<FileConfig, 'repos' | 'repoUrlTemplate'>): string[] {
  const hosts = new Set<string>();
  for (const { url } of Object.values(config.repos)) {
    const m = /^(?:[a-z+]+:\/\/(?:[^@/]+@)?|[^@/\s]+@)([^/:]+)/i.exec(url);
    if (m?.[1]) hosts.add(m[1].toLowerCase());
  }
  hosts.delete('github.com');
  hosts.delete('gitlab.com');
  hosts.delete('bitbucket.org');
  return [...hosts];
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** The checks with their findings judged by the verdict rules; a failed check whose errors all became warnings now warns. */
function judgeChecks(checks: CheckResult[], ctx: VerdictContext): CheckResult[] {
  const flat = checks.flatMap((c) => c.findings.map((f) => ({ ...f, check: f.check ?? c.id })));
  const judged = applyVerdictRules(flat, ctx);
  let i = 0;
  return checks.map((c) => {
    const findings = judged.slice(i, i + c.findings.length);
    i += c.findings.length;
    const status = c.status === 'fail' && !findings.some((f) => f.severity === 'error') ? 'warn' : c.status;
    return { ...c, status, findings };
  });
}

async function timed(id: string, title: string, fn: () => Promise<CheckResult[]>): Promise<CheckResult[]> {
  const started = performance.now();
  try {
    return await fn();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return [{ id, title, status: 'error', durationMs: Math.round(performance.now() - started), detail: `could not run: ${message}`, findings: [] }];
  }
}

/**
 * go.sum holds both hashes (`<v>/go.mod` and the zip's) of every requirement the checksum DB would be
 * asked about (replacements by another module count under that module; local replacements need none).
 */
export function goSumCoversRequirements(goMod: GoMod, goSum: GoSum | undefined, privacy: PrivacyRules): boolean {
  if (!goSum) return goMod.require.length === 0;
  const have = new Set(goSum.entries.map((e) => `${e.path} ${e.version}${e.goMod ? '/go.mod' : ''}`));
  return goMod.require.every((r) => {
    const rep = goMod.replace.find((x) => x.from.path === r.path && (x.from.version === undefined || x.from.version === r.version));
    if (rep?.local) return true;
    const path = rep ? rep.to.path : r.path;
    const version = rep ? (rep.to.version ?? r.version) : r.version;
    return privacy.bypassSumDb(path) || (have.has(`${path} ${version}/go.mod`) && have.has(`${path} ${version}`));
  });
}

/**
 * go reads GOPROXY before its first download and stops there when it cannot parse it: the report is that,
 * from the proxy-env lint, and no other check runs (they would need the chain go cannot build).
 */
function goproxyUnusableReport(o: {
  target: { origin: string; cloned: boolean; cloneMs?: number; dir: string };
  host: string;
  startedAt: Date;
  started: number;
  goEnv: GoEnv;
  goMod: GoMod;
  goModFinding: Finding | undefined;
  privateHosts: readonly string[];
}): DiagnosisReport {
  const t0 = performance.now();
  const lint = lintProxyEnv(o.goEnv, { repoDir: o.target.dir, goModPaths: o.goMod.require.map((r) => r.path), privateHosts: o.privateHosts });
  const checks: CheckResult[] = [
    {
      id: 'proxy-env',
      title: 'proxy environment is well-formed',
      status: 'fail',
      durationMs: Math.round(performance.now() - t0),
      detail: `GOPROXY=${maskUrlCredentials(o.goEnv.GOPROXY ?? '')}: go stops here before any download, so no other check ran`,
      findings: lint,
    },
  ];
  if (o.goModFinding) checks.unshift(goModCheckResult([o.goModFinding], 0));
  const findings = orderVerdict(checks.flatMap((c) => c.findings));
  return {
    target: o.target.origin,
    host: o.host,
    startedAt: o.startedAt.toISOString(),
    durationMs: Math.round(performance.now() - o.started),
    ok: false,
    findings,
    checks,
    facts: {
      module: o.goMod.module?.path ?? '(none)',
      requirements: o.goMod.require.length,
      goproxy: maskUrlCredentials(o.goEnv.GOPROXY ?? ''),
      ...(o.target.cloned && o.target.cloneMs !== undefined ? { cloneMs: o.target.cloneMs } : {}),
    },
  };
}

export async function diagnose(targetInput: string, options: DiagnoseOptions): Promise<DiagnosisReport> {
  const startedAt = new Date();
  const started = performance.now();
  // The toolchain check ran inside the module check before it had its own part: it follows `modules` unless named.
  const parts = {
    modules: true,
    probe: true,
    host: true,
    lint: true,
    graph: true,
    ...options.parts,
    toolchain: options.parts?.toolchain ?? options.parts?.modules ?? true,
  };
  const emit = options.onProgress ?? (() => {});

  emit({ check: 'target', phase: 'start', message: `resolving ${targetInput}` });
  const target = await resolveTarget(targetInput, options.config, options.signal ? { signal: options.signal } : {});
  // Cancels the `go version`/`go env` spawn if it has not started yet (a no-op once it has).
  let goSpawnGate: () => void = () => {};
  try {
    emit({
      check: 'target',
      phase: 'done',
      message: target.cloned ? `cloned ${target.origin} in ${target.cloneMs} ms` : `using ${target.dir}`,
      status: 'pass',
    });
    const goModPath = join(target.dir, 'go.mod');
    const goModText = await readFile(goModPath, 'utf8');
    const goModStarted = performance.now();
    const mainGoMod = readMainGoMod(goModText, 'go.mod');
    const goMod = mainGoMod.goMod;
    // What the module check looked up: version queries resolved, malformed paths left out.
    let checkedGoMod: GoMod = goMod;
    const goSumText = await readOptional(join(target.dir, 'go.sum'));
    // Read as the host's go reads it: a malformed line ends go.sum for go, it does not stop the download.
    const goSumRead = goSumText === undefined ? undefined : readGoSumForDiagnosis(goSumText, 'go.sum');
    const goSum: GoSum | undefined = goSumRead?.goSum;
    emit({ check: 'go.mod', phase: 'info', message: `reading go.mod (${goMod.require.length} requirements)` });

    // Spawning `go version`/`go env` costs this thread ~25 ms of CPU (execa's first load, two spawns).
    // Spawned while the module check opens its connections, they delay its first requests; spawned when
    // the answers arrive, they delay reading them. So they start in the quiet between the two: once every
    // first-wave request is on the wire (HttpClient.sends), else at the first module answer, else after
    // GO_SPAWN_MAX_WAIT_MS.
    // Their answer is awaited only where it is needed (host checks, toolchain check, facts).
    // A diagnosis that fails before anyone asked for them never spawns them (goSpawnGate in the finally below).
    let startGo: () => void = () => {};
    const goMayStart = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(true), parts.modules ? GO_SPAWN_MAX_WAIT_MS : 0);
      const settle = (start: boolean): void => {
        clearTimeout(timer);
        resolve(start);
      };
      startGo = () => settle(true);
      goSpawnGate = () => settle(false);
    });
    const goInfoPromise = goMayStart.then((start) => (start ? readGoEnvironment({ timeoutMs: 15_000 }) : undefined)).catch(() => undefined);
    const goEnv = effectiveGoEnv(options.goEnv, await readGoEnvFile({ ...options.goEnv, ...(options.processEnv ?? process.env) }));
    const privacy = createPrivacyRules(goEnv);
    const privateHosts = privateHostsFromConfig(options.config);
    // A GOPROXY or GOSUMDB go cannot parse is the diagnosis, not a reason it cannot run: go fails on it too.
    let chain: ProxyEntry[];
    try {
      chain = parseGoproxy(goEnv.GOPROXY);
    } catch (err) {
      if (!(err instanceof GoEnvValueError)) throw err;
      return goproxyUnusableReport({ target, host: options.host, startedAt, started, goEnv, goMod, goModFinding: mainGoMod.finding, privateHosts });
    }
    let sumDb: GoSumDb | undefined;
    try {
      sumDb = parseGoSumDb(goEnv.GOSUMDB);
    } catch (err) {
      // go stops at the first module it has to verify; the proxy-env lint says so (lintGoSumDbValue).
      if (!(err instanceof GoEnvValueError)) throw err;
      sumDb = undefined;
    }
    const gitEnv = gitSetupEnv(options.processEnv);
    const ownClient = options.client === undefined;
    const client = options.client ?? new GoProxyClient({ goEnv, timeoutMs: options.config.requestTimeoutMs, concurrency: options.config.concurrency });
    const newGit = (): GitRemote =>
      new GitRemote({ timeoutMs: options.config.requestTimeoutMs * 3, http: client.http, goEnv, ...(gitEnv ? { env: gitEnv } : {}) });

    try {
      // The module check is the critical path: its requests go out first. The rest starts after it
      // (the lint, plain CPU, once the first requests are dispatched); the report keeps the order
      // probe, host, lint, modules.
      const firstPassLookups: VersionLookup[] = [];
      const modulesTask = parts.modules
        ? timed('modules', 'module versions exist on the proxy chain', async () => {
            // go stops on a go.mod it cannot parse before any download: so does the module check.
            const goModFindings: Finding[] = mainGoMod.finding ? [mainGoMod.finding] : [];
            if (goSumRead?.finding) goModFindings.push(goSumRead.finding);
            const queried = await resolveGoModQueries(goMod, {
              chain,
              privacy,
              client,
              concurrency: options.config.concurrency,
              ...(options.signal ? { signal: options.signal } : {}),
            });
            goModFindings.push(...queried.findings);
            const paths = checkModulePaths(queried.goMod);
            goModFindings.push(...paths.findings);
            const checked: GoMod = { ...queried.goMod, require: queried.goMod.require.filter((r) => !paths.invalid.has(r.path)) };
            checkedGoMod = checked;
            const goModResult = goModCheckResult(goModFindings, Math.round(performance.now() - goModStarted));
            if (mainGoMod.finding) {
              startGo();
              return [goModResult];
            }
            const moduleResults = await checkModules(checked, goSum, {
              repoDir: target.dir,
              goEnv,
              chain,
              privacy,
              sumDbEnabled: sumDb !== undefined,
              ...(sumDb && sumDb.name !== 'sum.golang.org' ? { sumDbPrivateName: sumDb.name } : {}),
              client,
              git: newGit(),
              privateHosts,
              hostGoVersion: goInfoPromise.then((g) => g?.version),
              onFirstAnswer: startGo,
              onLookup: (l) => firstPassLookups.push(l),
              concurrency: options.config.concurrency,
              checkRetractions: options.checkRetractions ?? true,
              ...(options.signal ? { signal: options.signal } : {}),
              onProgress: emit,
            });
            return [goModResult, ...moduleResults];
          })
        : undefined;
      if (modulesTask) void client.http.sends.whenAllSent().then(startGo);
      let probeTask: Promise<CheckResult[]> | undefined;
      if (parts.probe) {
        const endpoints: ProbeTarget[] = [];
        for (const entry of chain) if (entry.kind === 'url' && /^https?:/.test(entry.url)) endpoints.push({ kind: 'goproxy', url: entry.url });
        if (sumDb) endpoints.push({ kind: 'sumdb', url: sumDb.url });
        probeTask = timed('probe', 'network probe', () =>
          probeEndpoints(endpoints, {
            goEnv,
            timeoutMs: options.config.requestTimeoutMs,
            onProgress: emit,
            ...(options.signal ? { signal: options.signal } : {}),
          }),
        );
      }
      const hostTask = parts.host
        ? timed('host', 'host checks', async () => {
            const goInfo = await goInfoPromise;
            return checkHost({
              workspaceDir: target.cloned ? process.cwd() : target.dir,
              ...((goEnv.GOMODCACHE ?? goInfo?.env?.GOMODCACHE) ? { goModCache: goEnv.GOMODCACHE ?? goInfo?.env?.GOMODCACHE } : {}),
              thresholds: options.config.thresholds,
              goEnv,
              privateHosts: [
                ...new Set([...privateHosts, ...goMod.require.filter((r) => privacy.bypassProxy(r.path)).map((r) => r.path.split('/')[0] ?? '')]),
              ].filter(Boolean),
              timeoutMs: 15_000,
              ...(goInfo ? { goInfo } : {}),
            });
          })
        : undefined;
      const toolchainTask = parts.toolchain
        ? timed('toolchain', 'go toolchain selection', async () => [
            await checkToolchain({
              goMod,
              goInfo: await goInfoPromise,
              goEnv,
              processGoEnv: options.goEnv,
              workspaceDir: target.dir,
              workspaceIsClone: target.cloned,
              chain,
              privacy,
              client,
              git: newGit(),
              sumDb,
              ...(sumDb
                ? { checksumDb: options.checksumDb ?? sumDbChecksumLookup(toolchainSumDbClient(goEnv, client.http, options.config.requestTimeoutMs)) }
                : {}),
              ...(options.signal ? { signal: options.signal } : {}),
            }),
          ])
        : undefined;
      const lintTask = parts.lint
        ? new Promise<void>((resolve) => setImmediate(resolve)).then((): CheckResult[] => {
            const t0 = performance.now();
            const findings: Finding[] = lintProxyEnv(goEnv, {
              repoDir: target.dir,
              goModPaths: goMod.require.map((r) => r.path),
              privateHosts,
              goSumCoversAll: goSumCoversRequirements(goMod, goSum, privacy),
            });
            const bad = findings.some((f) => f.severity === 'error');
            return [
              {
                id: 'proxy-env',
                title: 'proxy environment is well-formed',
                status: bad ? 'fail' : findings.length > 0 ? 'warn' : 'pass',
                durationMs: Math.round(performance.now() - t0),
                detail: `GOPROXY=${maskUrlCredentials(goEnv.GOPROXY || '(default)')}`,
                findings,
              },
            ];
          })
        : undefined;
      const vendorTask = parts.lint
        ? timed('vendor', 'vendor/ matches go.mod', async () => [await checkVendor(target.dir, goMod, goEnv, (await goInfoPromise)?.version)])
        : undefined;
      const tasks = [probeTask, hostTask, toolchainTask, lintTask, vendorTask, modulesTask].filter((t): t is Promise<CheckResult[]> => t !== undefined);
      const graphGit = newGit();
      const runGraph = modulesTask !== undefined && parts.graph && !mainGoMod.finding;
      // The graph stage starts once the first verdict is out, so it never delays it; it reuses the first pass's .mod answers.
      const startGraph = () =>
        runGraphStage(checkedGoMod, goSum, {
          mainDir: target.dir,
          chain,
          privacy,
          client,
          git: graphGit,
          seed: firstPassLookups,
          concurrency: options.config.concurrency,
          checkRetractions: options.checkRetractions ?? true,
          timeoutMs: options.graphTimeoutMs ?? options.config.requestTimeoutMs * 20,
          ...(options.signal ? { signal: options.signal } : {}),
          onProgress: emit,
        });
      const checks = (await Promise.all(tasks)).flat();
      if (!parts.modules && mainGoMod.finding) checks.push(goModCheckResult([mainGoMod.finding], 0));
      const goVersion = (await goInfoPromise)?.version;
      const mirrorPolicy = createMirrorPolicy(options.config.mirrors ?? [], goEnv, privacy, privateHosts);
      const reportFrom = (rawChecks: CheckResult[], extraFacts: Record<string, number>): DiagnosisReport => {
        // Only what makes `go mod download` fail here stays an error (go-verdict-rules.ts).
        const judged = judgeChecks(rawChecks, {
          goMod: checkedGoMod,
          goSum,
          goEnv,
          chain,
          privacy,
          modulesChecked: parts.modules && mainGoMod.finding === undefined,
          ...(goVersion ? { hostGoVersion: goVersion } : {}),
        });
        // No fix sends a private module to a public proxy, or names a mirror outside the config (safe-fixes.ts).
        const reportChecks = judged.map((c) => ({ ...c, findings: applySafeFixes(c.findings, mirrorPolicy) }));
        const findings = orderVerdict(reportChecks.flatMap((c) => c.findings));
        return {
          target: target.origin,
          host: options.host,
          startedAt: startedAt.toISOString(),
          durationMs: Math.round(performance.now() - started),
          ok: !findings.some((f) => f.severity === 'error'),
          findings,
          checks: reportChecks,
          facts: {
            module: goMod.module?.path ?? '(none)',
            requirements: goMod.require.length,
            goproxy: maskUrlCredentials(goEnv.GOPROXY || 'https://proxy.golang.org,direct'),
            ...(goVersion ? { goVersion } : {}),
            ...(target.cloned ? { cloneMs: target.cloneMs } : {}),
            ...extraFacts,
          },
        };
      };
      const firstPass = reportFrom(checks, {});
      const deepWanted = options.deep === true && parts.modules && mainGoMod.finding === undefined;
      if (!runGraph && !deepWanted) return firstPass;
      firstPass.stage = 'first-pass';
      options.onFirstVerdict?.(firstPass);
      const graphTask = runGraph ? startGraph() : undefined;
      if (!deepWanted) {
        const graph = await (graphTask ?? startGraph());
        const report = reportFrom(mergeStageCheck(checks, graph.check), { ...graph.facts, firstVerdictMs: firstPass.durationMs });
        report.stage = 'graph';
        return report;
      }
      // --deep: after the graph (when it ran), the zips and the checksum DB; its findings supersede earlier ones by key.
      let stageChecks: CheckResult[] = checks;
      let facts: Record<string, number> = { firstVerdictMs: firstPass.durationMs };
      const graph = graphTask ? await graphTask : undefined;
      if (graph) {
        stageChecks = mergeStageCheck(checks, graph.check);
        facts = { ...facts, ...graph.facts };
      }
      const deepStarted = performance.now();
      const deepChecks = await timed('deep', 'module zips and checksums (--deep)', () =>
        runDeepStage({
          goMod: checkedGoMod,
          goSum,
          mainDir: target.dir,
          chain,
          privacy,
          client,
          git: newGit(),
          ...(graph?.graph ? { graph: graph.graph } : {}),
          sumDb: sumDb
            ? new SumDbClient({ goEnv, http: client.http, timeoutMs: options.config.requestTimeoutMs, ...(options.signal ? { signal: options.signal } : {}) })
            : undefined,
          concurrency: options.config.concurrency,
          timeoutMs: options.config.requestTimeoutMs,
          ...(options.signal ? { signal: options.signal } : {}),
          onProgress: emit,
        }),
      );
      const report = reportFrom(mergeDeepChecks(stageChecks, deepChecks), { ...facts, deepMs: Math.round(performance.now() - deepStarted) });
      report.stage = 'deep';
      return report;
    } finally {
      if (ownClient) await client.close();
    }
  } catch (err) {
    if (err instanceof BuildfixError) throw err;
    throw new BuildfixError('BF_INTERNAL', `diagnosis of ${targetInput} failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  } finally {
    goSpawnGate();
    await target.cleanup();
  }
}
