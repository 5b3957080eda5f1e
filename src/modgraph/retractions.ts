/**
 * Retractions of versions the module graph raised: the first pass checks the
 * versions the main go.mod names; when MVS selects a higher version of a
 * direct requirement (because a dependency needs it), that version is what
 * gets built, so its retraction is reported too — as a warning, since
 * `go mod download` does not fail on it. Retract directives live in the
 * go.mod of the module's latest release (cmd/go CheckRetractions).
 */
import { compareModuleVersions, isPseudoVersion, isRetracted } from '../gomod/go-version.ts';
import { parseGoMod } from '../gomod/parse-go-mod.ts';
import type { GoProxyClient } from '../goproxy/goproxy-client.ts';
import type { PrivacyRules } from '../goproxy/module-patterns.ts';
import type { ProxyEntry } from '../goproxy/types.ts';
import type { Finding } from '../report/model.ts';
import { mapLimit } from '../util/map-limit.ts';
import type { LoadedModuleGraph } from './load-graph.ts';
import { modKey, type ModVer } from './types.ts';

export interface RetractionCheckOptions {
  client: GoProxyClient;
  chain: ProxyEntry[];
  privacy: Pick<PrivacyRules, 'bypassProxy'>;
  concurrency: number;
  signal?: AbortSignal;
}

/** Warnings for direct requirements whose MVS-selected (raised) version is retracted. */
export async function raisedRetractions(graph: LoadedModuleGraph, options: RetractionCheckOptions): Promise<Finding[]> {
  const first = options.chain[0];
  if (first?.kind !== 'url') return [];
  const base = first.url;
  const raised: Array<{ required: string; line: number; selected: ModVer }> = [];
  for (const r of graph.goMod.require) {
    if (r.indirect) continue;
    const v = graph.graph.selected(r.path);
    if (v === 'none' || v === '' || v === r.version || isPseudoVersion(v)) continue;
    if (graph.replacementOf({ path: r.path, version: v }) || options.privacy.bypassProxy(r.path)) continue;
    raised.push({ required: r.version, line: r.line, selected: { path: r.path, version: v } });
  }
  const http = options.signal ? { signal: options.signal } : {};
  const found = await mapLimit(raised, options.concurrency, async ({ required, line, selected }): Promise<Finding | undefined> => {
    try {
      const published = (await options.client.list(base, selected.path, http)).filter((v) => !isPseudoVersion(v));
      const releases = published.filter((v) => !v.includes('-'));
      const latest = (releases.length > 0 ? releases : published).sort(compareModuleVersions).at(-1);
      if (!latest) return undefined;
      const mod = parseGoMod(await options.client.mod(base, selected.path, latest, http), `${selected.path}@${latest}/go.mod`, { lax: true });
      const hit = isRetracted(selected.version, mod.retract);
      if (!hit) return undefined;
      const chain = graph.graph.findPath((m) => modKey(m) === modKey(selected)) ?? [];
      const via = chain.length > 2 ? ` (${modKey(chain.at(-2) as ModVer)} requires it)` : '';
      return {
        category: 'retracted-version',
        severity: 'warning',
        check: 'graph',
        key: `retracted-version:${modKey(selected)}`,
        module: selected.path,
        version: selected.version,
        chain: chain.map(modKey),
        location: `${graph.goMod.file}:${line}`,
        message: `${selected.path} ${selected.version} is what gets built${via}, and its authors retracted it${hit.rationale ? `: ${hit.rationale}` : ''} (${graph.goMod.file} names ${required})`,
        evidence: `retract in ${selected.path}@${latest}/go.mod`,
        fix: `Upgrade to ${latest} (go get ${selected.path}@${latest}), which also updates ${graph.goMod.file} line ${line}.`,
      };
    } catch {
      return undefined; // a warning only: an unreachable list or go.mod does not change the verdict
    }
  });
  return found.filter((f): f is Finding => f !== undefined);
}
