/**
 * The dependency health report of one repository checkout: requirement
 * counts from the module graph (loaded as go loads it, src/modgraph),
 * modules behind their latest release, deprecated modules, retracted
 * versions in use (src/health/module-releases.ts, through the GOPROXY chain)
 * and known vulnerabilities of the versions in use (a Go vulnerability
 * database, src/health/vulndb-client.ts), each class judged against the
 * configured thresholds. A source that fails (the vulnerability database
 * unreachable, a module's releases timing out) makes the report partial and
 * says what was not checked; it never stops the rest.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { GoEnv } from '../config/env.ts';
import { parseGoMod } from '../gomod/parse-go-mod.ts';
import { readGoSumAsGo } from '../gomod/parse-go-sum.ts';
import type { GoSum } from '../gomod/types.ts';
import { GitRemote } from '../goproxy/git-ls-remote.ts';
import type { GoProxyClient } from '../goproxy/goproxy-client.ts';
import { createPrivacyRules } from '../goproxy/module-patterns.ts';
import { parseGoproxy } from '../goproxy/parse-goproxy.ts';
import { buildList, loadModuleGraph, modKey, ProxyGoModSource, type ModVer } from '../modgraph/index.ts';
import { mapLimit } from '../util/map-limit.ts';
import { lookupModuleReleases, type ModuleReleases } from './module-releases.ts';
import { fixedVersionFor, rangesAffect } from './osv-affects.ts';
import type { VulnDbClient } from './vulndb-client.ts';

export interface HealthThresholds {
  /** Direct requirements above this are a finding (unset: no limit). */
  maxDirect?: number | undefined;
  maxIndirect: number;
  /** A module more major versions behind than this is a finding. */
  maxMajorsBehind: number;
  maxMinorsBehind: number;
  /** A module outdated for longer than this many days is a finding. */
  maxBehindDays: number;
  maxDeprecated: number;
  maxRetracted: number;
  maxVulnerabilities: number;
}

export const DEFAULT_HEALTH_THRESHOLDS: HealthThresholds = {
  maxIndirect: 200,
  maxMajorsBehind: 0,
  maxMinorsBehind: 5,
  maxBehindDays: 365,
  maxDeprecated: 0,
  maxRetracted: 0,
  maxVulnerabilities: 0,
};

export type HealthClass = 'requirements' | 'outdated' | 'deprecated' | 'retracted' | 'vulnerable';

export interface OutdatedModule {
  path: string;
  version: string;
  latest: string;
  direct: boolean;
  majorsBehind: number;
  minorsBehind: number;
  newerReleases: number;
  newerMajor?: { path: string; version: string };
  /** When the first newer release came out (RFC 3339), and how many whole days ago. */
  behindSince?: string;
  behindDays?: number;
  /** Which thresholds it exceeds ("2 majors behind (max 0)"); empty: listed, within thresholds. */
  exceeds: string[];
}

export interface DeprecatedModule {
  path: string;
  version: string;
  latest: string;
  direct: boolean;
  message: string;
}

export interface RetractedVersion {
  path: string;
  version: string;
  latest: string;
  direct: boolean;
  rationale?: string;
}

export interface Vulnerability {
  id: string;
  aliases: string[];
  summary?: string;
  path: string;
  version: string;
  direct: boolean;
  /** The lowest fixed version above the one in use ("v1.2.4"); absent when none is fixed. */
  fixed?: string;
  url?: string;
}

/** A threshold the repository exceeds. */
export interface HealthFinding {
  class: HealthClass;
  message: string;
}

/** Something the report could not check, and why. */
export interface HealthGap {
  source: 'vulndb' | 'goproxy' | 'graph';
  message: string;
}

export interface HealthReport {
  /** Where the repository came from (credentials masked), or the directory. */
  repo: string;
  module: string;
  generatedAt: string;
  durationMs: number;
  requirements: { direct: number; indirect: number; total: number };
  outdated: OutdatedModule[];
  deprecated: DeprecatedModule[];
  retracted: RetractedVersion[];
  vulnerabilities: Vulnerability[];
  /** Modules the proxy was asked about, and the database used. */
  checked: { modules: number; vulndb?: string };
  thresholds: HealthThresholds;
  findings: HealthFinding[];
  /** Empty when everything was checked. */
  gaps: HealthGap[];
  /** true when a source failed: the lists may be incomplete (gaps says which). */
  partial: boolean;
  /** pass: within every threshold; fail: a threshold exceeded (with or without gaps). */
  status: 'pass' | 'fail';
}

export interface HealthReportOptions {
  /** Shown as the report's repo (default: the directory). */
  origin?: string;
  goEnv: GoEnv;
  client: GoProxyClient;
  /** Omit to skip the vulnerability check (reported as a gap). */
  vulndb?: VulnDbClient;
  thresholds?: Partial<HealthThresholds>;
  /** Modules asked about at once (default 16). */
  concurrency?: number;
  /** Newer /vN paths tried per module (default 2). */
  majorProbes?: number;
  /** Budget for loading the module graph (default 120 s). */
  graphTimeoutMs?: number;
  git?: Pick<GitRemote, 'checkVersion'>;
  now?: () => Date;
  signal?: AbortSignal;
}

const DAY_MS = 86_400_000;
const MAX_GAPS = 20;

function fromKeyPath(m: ModVer): boolean {
  return m.version !== '' && m.version !== 'none';
}

/** Builds the report for the checkout at `dir` (go.mod, and go.sum when present). */
export async function buildHealthReport(dir: string, options: HealthReportOptions): Promise<HealthReport> {
  const started = performance.now();
  const now = (options.now ?? (() => new Date()))();
  const thresholds: HealthThresholds = { ...DEFAULT_HEALTH_THRESHOLDS, ...stripUndefined(options.thresholds ?? {}) };
  const goModPath = join(dir, 'go.mod');
  const goMod = parseGoMod(await readFile(goModPath, 'utf8'), 'go.mod', { lax: true });
  let goSum: GoSum | undefined;
  try {
    goSum = readGoSumAsGo(await readFile(join(dir, 'go.sum'), 'utf8'), 'go.sum').goSum;
  } catch {
    goSum = undefined;
  }
  const chain = parseGoproxy(options.goEnv.GOPROXY);
  const privacy = createPrivacyRules(options.goEnv);
  const git = options.git ?? new GitRemote({ http: options.client.http, goEnv: options.goEnv });
  const gaps: HealthGap[] = [];
  const gap = (g: HealthGap): void => {
    if (gaps.length < MAX_GAPS) gaps.push(g);
  };

  const graphSignal = AbortSignal.any([AbortSignal.timeout(options.graphTimeoutMs ?? 120_000), ...(options.signal ? [options.signal] : [])]);
  const source = new ProxyGoModSource({ chain, privacy, client: options.client, git, signal: graphSignal });
  const graph = await loadModuleGraph(goMod, { mainDir: dir, goSum, source, signal: graphSignal, concurrency: options.concurrency ?? 16 });
  if (graph.problems.length > 0) {
    const first = graph.problems[0];
    gap({
      source: 'graph',
      message: `the module graph is incomplete: ${graph.problems.length} go.mod file${graph.problems.length === 1 ? '' : 's'} could not be read (first: ${first ? modKey(first.actual) : '?'}: ${first?.message ?? ''}); \`buildfix diagnose\` says why`,
    });
  }
  const list = buildList(graph).slice(1).filter(fromKeyPath);
  const directPaths = new Set(goMod.require.filter((r) => !r.indirect).map((r) => r.path));
  const direct = list.filter((m) => directPaths.has(m.path)).length;
  const requirements = { direct, indirect: list.length - direct, total: list.length };

  // Proxy questions: modules go would fetch from a proxy, not replaced, not private.
  const asked = list.filter((m) => !graph.replacementOf(m) && !privacy.bypassProxy(m.path));
  const releaseOptions = {
    client: options.client,
    chain,
    majorProbes: options.majorProbes ?? 2,
    ...(options.signal ? { signal: options.signal } : {}),
  };
  let proxyFailures = 0;
  const releases = await mapLimit(asked, options.concurrency ?? 16, async (m): Promise<ModuleReleases | undefined> => {
    try {
      return await lookupModuleReleases(m.path, m.version, releaseOptions);
    } catch (err) {
      if (options.signal?.aborted) throw err;
      proxyFailures++;
      gap({ source: 'goproxy', message: `${modKey(m)}: releases not checked: ${(err as Error).message}` });
      return undefined;
    }
  });
  if (proxyFailures > MAX_GAPS) gap({ source: 'goproxy', message: `… ${proxyFailures} modules not checked in all` });

  const outdated: OutdatedModule[] = [];
  const deprecated: DeprecatedModule[] = [];
  const retracted: RetractedVersion[] = [];
  for (const r of releases) {
    if (!r?.latest) continue;
    const isDirect = directPaths.has(r.path);
    if (r.newerReleases > 0 || r.newerMajor) {
      const behindDays = r.behindSince ? Math.floor((now.getTime() - Date.parse(r.behindSince)) / DAY_MS) : undefined;
      const exceeds: string[] = [];
      if (r.majorsBehind > thresholds.maxMajorsBehind)
        exceeds.push(`${r.majorsBehind} major${r.majorsBehind === 1 ? '' : 's'} behind (max ${thresholds.maxMajorsBehind})`);
      if (r.minorsBehind > thresholds.maxMinorsBehind) exceeds.push(`${r.minorsBehind} minor versions behind (max ${thresholds.maxMinorsBehind})`);
      if (behindDays !== undefined && !Number.isNaN(behindDays) && behindDays > thresholds.maxBehindDays)
        exceeds.push(`outdated for ${behindDays} days (max ${thresholds.maxBehindDays})`);
      outdated.push({
        path: r.path,
        version: r.version,
        latest: r.latest,
        direct: isDirect,
        majorsBehind: r.majorsBehind,
        minorsBehind: r.minorsBehind,
        newerReleases: r.newerReleases,
        ...(r.newerMajor ? { newerMajor: r.newerMajor } : {}),
        ...(r.behindSince ? { behindSince: r.behindSince } : {}),
        ...(behindDays !== undefined && !Number.isNaN(behindDays) ? { behindDays } : {}),
        exceeds,
      });
    }
    if (r.deprecated !== undefined) deprecated.push({ path: r.path, version: r.version, latest: r.latest, direct: isDirect, message: r.deprecated });
    if (r.retracted)
      retracted.push({
        path: r.path,
        version: r.version,
        latest: r.latest,
        direct: isDirect,
        ...(r.retracted.rationale ? { rationale: r.retracted.rationale } : {}),
      });
  }

  const vulnerabilities: Vulnerability[] = [];
  if (!options.vulndb) gap({ source: 'vulndb', message: 'no vulnerability database configured: vulnerabilities not checked' });
  else {
    try {
      vulnerabilities.push(...(await findVulnerabilities(list, directPaths, graph.replacementOf.bind(graph), options.vulndb, options)));
    } catch (err) {
      if (options.signal?.aborted) throw err;
      gap({ source: 'vulndb', message: `vulnerabilities not checked: ${(err as Error).message}` });
    }
  }

  const findings: HealthFinding[] = [];
  if (thresholds.maxDirect !== undefined && requirements.direct > thresholds.maxDirect)
    findings.push({ class: 'requirements', message: `${requirements.direct} direct requirements (max ${thresholds.maxDirect})` });
  if (requirements.indirect > thresholds.maxIndirect)
    findings.push({ class: 'requirements', message: `${requirements.indirect} indirect requirements (max ${thresholds.maxIndirect})` });
  const over = outdated.filter((o) => o.exceeds.length > 0);
  if (over.length > 0) findings.push({ class: 'outdated', message: `${over.length} module${over.length === 1 ? '' : 's'} behind beyond the thresholds` });
  if (deprecated.length > thresholds.maxDeprecated)
    findings.push({
      class: 'deprecated',
      message: `${deprecated.length} deprecated module${deprecated.length === 1 ? '' : 's'} (max ${thresholds.maxDeprecated})`,
    });
  if (retracted.length > thresholds.maxRetracted)
    findings.push({
      class: 'retracted',
      message: `${retracted.length} retracted version${retracted.length === 1 ? '' : 's'} in use (max ${thresholds.maxRetracted})`,
    });
  const vulnIds = new Set(vulnerabilities.map((v) => v.id)).size;
  if (vulnIds > thresholds.maxVulnerabilities)
    findings.push({
      class: 'vulnerable',
      message: `${vulnIds} known vulnerabilit${vulnIds === 1 ? 'y affects' : 'ies affect'} the versions in use (max ${thresholds.maxVulnerabilities})`,
    });

  const byPath = (a: { path: string }, b: { path: string }): number => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  return {
    repo: options.origin ?? dir,
    module: graph.main.path,
    generatedAt: now.toISOString(),
    durationMs: Math.round(performance.now() - started),
    requirements,
    outdated: outdated.sort((a, b) => b.exceeds.length - a.exceeds.length || b.majorsBehind - a.majorsBehind || byPath(a, b)),
    deprecated: deprecated.sort(byPath),
    retracted: retracted.sort(byPath),
    vulnerabilities: vulnerabilities.sort((a, b) => byPath(a, b) || (a.id < b.id ? -1 : 1)),
    checked: { modules: asked.length, ...(options.vulndb ? { vulndb: options.vulndb.url } : {}) },
    thresholds,
    findings,
    gaps,
    partial: gaps.length > 0,
    status: findings.length > 0 ? 'fail' : 'pass',
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Vulnerabilities of the build list's versions: the index says which modules have entries, the entries' SEMVER ranges decide. */
async function findVulnerabilities(
  list: readonly ModVer[],
  directPaths: ReadonlySet<string>,
  replacementOf: (m: ModVer) => ModVer | undefined,
  vulndb: VulnDbClient,
  options: Pick<HealthReportOptions, 'signal' | 'concurrency'>,
): Promise<Vulnerability[]> {
  const index = await vulndb.modules(options.signal);
  const idsByPath = new Map(index.map((m) => [m.path, m.vulns.map((v) => v.id)]));
  // A module replaced by another module version is built from the replacement: check that one.
  const built = list.map((m) => ({ required: m, actual: replacementOf(m) ?? m })).filter(({ actual }) => actual.version !== '' && idsByPath.has(actual.path));
  const out: Vulnerability[] = [];
  await mapLimit(built, options.concurrency ?? 16, async ({ required, actual }) => {
    for (const id of idsByPath.get(actual.path) ?? []) {
      const entry = await vulndb.entry(id, options.signal);
      if (entry.withdrawn) continue;
      for (const a of entry.affected) {
        if (a.package.name !== actual.path || !rangesAffect(a.ranges, actual.version)) continue;
        const fixed = fixedVersionFor(a.ranges, actual.version);
        out.push({
          id: entry.id,
          aliases: entry.aliases,
          ...(entry.summary ? { summary: entry.summary } : {}),
          path: actual.path,
          version: actual.version,
          direct: directPaths.has(required.path),
          ...(fixed ? { fixed } : {}),
          ...(entry.database_specific?.url ? { url: entry.database_specific.url } : {}),
        });
        break;
      }
    }
  });
  return out;
}
