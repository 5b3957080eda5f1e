/**
 * The diagnosis's second stage: the module graph as go loads it, started
 * from the first pass's `.mod` answers, and the merge that lets its findings
 * update or supersede the first pass's (same Finding.key) instead of adding
 * duplicates.
 */
import type { GoMod, GoSum } from '../gomod/types.ts';
import type { GitRemote } from '../goproxy/git-ls-remote.ts';
import type { GoProxyClient } from '../goproxy/goproxy-client.ts';
import type { PrivacyRules } from '../goproxy/module-patterns.ts';
import type { ProxyEntry, VersionLookup } from '../goproxy/types.ts';
import {
  buildList,
  downloadList,
  graphFindings,
  loadModuleGraph,
  modKey,
  ProxyGoModSource,
  suggestReplacement,
  type LoadedModuleGraph,
} from '../modgraph/index.ts';
import { raisedRetractions } from '../modgraph/retractions.ts';
import type { CheckResult, Finding, ProgressListener } from '../report/model.ts';

export interface GraphStageOptions {
  mainDir: string;
  chain: ProxyEntry[];
  privacy: Pick<PrivacyRules, 'bypassProxy'>;
  client: GoProxyClient;
  git: Pick<GitRemote, 'checkVersion'>;
  /** The first pass's lookups: their go.mod answers are not fetched again. */
  seed: readonly VersionLookup[];
  concurrency: number;
  /** Warn when a version MVS raised a direct requirement to is retracted. */
  checkRetractions?: boolean;
  /** The whole stage's budget; past it the stage reports an error check instead of hanging. */
  timeoutMs: number;
  signal?: AbortSignal;
  onProgress?: ProgressListener;
}

export interface GraphStageResult {
  check: CheckResult;
  graph?: LoadedModuleGraph;
  facts: Record<string, number>;
}

/** For versions missing deep in the graph: a published version to name in the suggested replace (one @v/list each). */
async function replacementSuggestions(graph: LoadedModuleGraph, options: GraphStageOptions, signal: AbortSignal): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const first = options.chain[0];
  if (first?.kind !== 'url') return out;
  const missing = graph.problems.filter((p) => p.kind === 'not-found' && p.chain.length > 2 && !options.privacy.bypassProxy(p.actual.path)).slice(0, 20);
  await Promise.all(
    missing.map(async (p) => {
      const versions = await options.client.list(first.url, p.actual.path, { signal }).catch(() => undefined);
      const pick = versions ? suggestReplacement(versions, p.actual.version) : undefined;
      if (pick) out.set(modKey(p.actual), pick);
    }),
  );
  return out;
}

export async function runGraphStage(goMod: GoMod, goSum: GoSum | undefined, options: GraphStageOptions): Promise<GraphStageResult> {
  const started = performance.now();
  const signal = options.signal ? AbortSignal.any([options.signal, AbortSignal.timeout(options.timeoutMs)]) : AbortSignal.timeout(options.timeoutMs);
  const source = new ProxyGoModSource({ chain: options.chain, privacy: options.privacy, client: options.client, git: options.git, signal });
  for (const lookup of options.seed) source.seed(lookup);
  const emit = options.onProgress ?? (() => {});
  emit({ check: 'graph', phase: 'start', message: 'loading the module graph' });
  const title = 'module graph loads as go loads it';
  try {
    const graph = await loadModuleGraph(goMod, {
      mainDir: options.mainDir,
      goSum,
      source,
      concurrency: options.concurrency,
      signal,
      onProgress: (n) => {
        if (n % 100 === 0) emit({ check: 'graph', phase: 'info', message: `read ${n} go.mod files` });
      },
    });
    const findings = graphFindings(graph, goSum, await replacementSuggestions(graph, options, signal));
    if (options.checkRetractions && graph.problems.length === 0)
      findings.push(
        ...(await raisedRetractions(graph, {
          client: options.client,
          chain: options.chain,
          privacy: options.privacy,
          concurrency: options.concurrency,
          signal,
        })),
      );
    const durationMs = Math.round(performance.now() - started);
    const errors = findings.some((f) => f.severity === 'error');
    const modules = buildList(graph).length - 1;
    const detail = `${modules} modules in the build list (${graph.pruning === 'pruned' ? 'pruned, go ≥ 1.17' : 'unpruned, go < 1.17'}), ${graph.goModsRead} go.mod files read (${source.fetched} fetched beyond the first pass)`;
    emit({ check: 'graph', phase: 'done', message: detail, status: errors ? 'fail' : 'pass', durationMs });
    return {
      check: { id: 'graph', title, status: errors ? 'fail' : findings.some((f) => f.severity === 'warning') ? 'warn' : 'pass', durationMs, detail, findings },
      graph,
      facts: { graphModules: modules, graphGoModsRead: graph.goModsRead, downloadModules: downloadList(graph).length },
    };
  } catch (err) {
    const durationMs = Math.round(performance.now() - started);
    const why = signal.aborted && !options.signal?.aborted ? `did not finish within ${options.timeoutMs} ms` : err instanceof Error ? err.message : String(err);
    emit({ check: 'graph', phase: 'done', message: `module graph: ${why}`, status: 'error', durationMs });
    return { check: { id: 'graph', title, status: 'error', durationMs, detail: `could not load the module graph: ${why}`, findings: [] }, facts: {} };
  }
}

/**
 * Folds a later stage's check into the earlier checks: a finding whose key an
 * earlier finding already has updates it in place (the earlier text stays,
 * the later stage adds what it knows, such as the chain); the others are new
 * and stay in the stage's own check.
 */
export function mergeStageCheck(checks: readonly CheckResult[], stage: CheckResult): CheckResult[] {
  const byKey = new Map<string, Finding>();
  for (const f of stage.findings) if (f.key) byKey.set(f.key, f);
  const used = new Set<string>();
  const merged = checks.map((c) => ({
    ...c,
    findings: c.findings.map((f) => {
      const later = f.key ? byKey.get(f.key) : undefined;
      if (!later || !f.key) return f;
      used.add(f.key);
      return { ...later, ...f, ...(later.chain ? { chain: later.chain } : {}) };
    }),
  }));
  // The stage's status stays its own: a graph error merged into a first-pass finding still fails the graph.
  return [...merged, { ...stage, findings: stage.findings.filter((f) => !f.key || !used.has(f.key)) }];
}
