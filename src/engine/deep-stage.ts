/**
 * The --deep stage of a diagnosis: the modules `go mod download` would
 * download (the module graph's download list; the main go.mod's
 * requirements when the graph cannot be loaded), each checked by checkDeep,
 * and the refined finding list in which a deep finding supersedes an
 * earlier one with the same key (or the same module version's checksum
 * finding from the first pass).
 */
import { checkDeep, type DeepModule } from '../deep/deep-check.ts';
import type { GoMod, GoSum } from '../gomod/types.ts';
import type { GitRemote } from '../goproxy/git-ls-remote.ts';
import type { GoProxyClient } from '../goproxy/goproxy-client.ts';
import type { PrivacyRules } from '../goproxy/module-patterns.ts';
import type { ProxyEntry } from '../goproxy/types.ts';
import { downloadList, graphFindings, loadModuleGraph, ProxyGoModSource, type LoadedModuleGraph } from '../modgraph/index.ts';
import type { CheckResult, Finding, ProgressListener } from '../report/model.ts';
import type { SumDbClient } from '../sumdb/client.ts';

export interface DeepStageOptions {
  goMod: GoMod;
  goSum: GoSum | undefined;
  mainDir: string;
  chain: ProxyEntry[];
  privacy: PrivacyRules;
  client: GoProxyClient;
  git: Pick<GitRemote, 'checkVersion'>;
  /** The graph the graph stage loaded (else it is loaded here, and its findings returned too). */
  graph?: LoadedModuleGraph;
  sumDb: SumDbClient | undefined;
  concurrency: number;
  timeoutMs?: number;
  signal?: AbortSignal;
  onProgress?: ProgressListener;
}

/** Runs the deep stage; returns its check results (graph findings included when the graph was loaded here). */
export async function runDeepStage(options: DeepStageOptions): Promise<CheckResult[]> {
  const signal = options.signal ? { signal: options.signal } : {};
  const lines = new Map(options.goMod.require.map((r) => [`${r.path}@${r.version}`, `${options.goMod.file}:${r.line}`]));
  let modules: DeepModule[];
  const results: CheckResult[] = [];
  try {
    let graph = options.graph;
    if (!graph) {
      const t0 = performance.now();
      graph = await loadModuleGraph(options.goMod, {
        mainDir: options.mainDir,
        goSum: options.goSum,
        source: new ProxyGoModSource({ chain: options.chain, privacy: options.privacy, client: options.client, git: options.git, ...signal }),
        concurrency: options.concurrency,
        ...signal,
      });
      const findings = graphFindings(graph, options.goSum);
      results.push({
        id: 'graph',
        title: 'module graph as go loads it',
        status: findings.some((f) => f.severity === 'error') ? 'fail' : findings.length ? 'warn' : 'pass',
        durationMs: Math.round(performance.now() - t0),
        detail: `${graph.graph.buildList().length} modules in the build list`,
        findings,
      });
    }
    modules = downloadList(graph).map((m) => {
      const location = lines.get(`${m.path}@${m.version}`);
      return { path: m.path, version: m.version, ...(location ? { location } : {}) };
    });
  } catch {
    // Without a graph, check what the main go.mod requires (minus what it excludes or replaces with a directory).
    const excluded = new Set(options.goMod.exclude.map((e) => `${e.path}@${e.version}`));
    modules = options.goMod.require
      .filter((r) => !excluded.has(`${r.path}@${r.version}`))
      .map((r): DeepModule | undefined => {
        const rep = options.goMod.replace.find((x) => x.from.path === r.path && (x.from.version === undefined || x.from.version === r.version));
        if (rep?.local) return undefined;
        const to = rep?.to.version ? { path: rep.to.path, version: rep.to.version } : { path: r.path, version: r.version };
        return { ...to, location: `${options.goMod.file}:${r.line}` };
      })
      .filter((m) => m !== undefined);
  }
  results.push(
    await checkDeep({
      modules,
      goSum: options.goSum,
      chain: options.chain,
      privacy: options.privacy,
      client: options.client,
      sumDb: options.sumDb,
      concurrency: options.concurrency,
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...signal,
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    }),
  );
  return results;
}

/**
 * Earlier findings minus those a later stage supersedes: same key, or a
 * checksum-mismatch about the same module version without a key (the log
 * classifier's and first pass's), plus the later findings.
 */
export function supersede(earlier: Finding[], later: Finding[]): Finding[] {
  const keys = new Set(later.map((f) => f.key).filter((k): k is string => k !== undefined));
  const sums = new Set(later.filter((f) => f.category === 'checksum-mismatch' && f.module).map((f) => `${f.module}@${f.version ?? ''}`));
  const kept = earlier.filter(
    (f) =>
      !(f.key !== undefined && keys.has(f.key)) &&
      !(f.key === undefined && f.category === 'checksum-mismatch' && f.module && sums.has(`${f.module}@${f.version ?? ''}`)),
  );
  // Within the later findings the last one for a key wins (the deep check runs after the graph).
  const seen = new Set<string>();
  const fresh = [...later]
    .reverse()
    .filter((f) => {
      if (f.key === undefined) return true;
      if (seen.has(f.key)) return false;
      seen.add(f.key);
      return true;
    })
    .reverse();
  return [...kept, ...fresh];
}

/** Folds the deep stage's checks into the earlier ones: what they supersede leaves the earlier checks. */
export function mergeDeepChecks(checks: readonly CheckResult[], deep: CheckResult[]): CheckResult[] {
  const later = deep.flatMap((c) => c.findings);
  const keep = new Set(
    supersede(
      checks.flatMap((c) => c.findings),
      later,
    ),
  );
  const deepKeep = new Set(later.filter((f) => keep.has(f)));
  return [
    ...checks.map((c) => ({ ...c, findings: c.findings.filter((f) => keep.has(f)) })),
    ...deep.map((c) => ({ ...c, findings: c.findings.filter((f) => deepKeep.has(f)) })),
  ];
}
