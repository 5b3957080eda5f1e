/**
 * The module graph's problems as report findings: each with the chain from
 * the main module (`app → a@v1.1.0 → c@v1.1.0: …`), the go.mod line that
 * brings the module in, and a fix naming the line to change or the replace
 * to add. Keys match the first pass's, so a graph finding replaces the
 * first-pass finding about the same module version.
 */
import { compareModuleVersions, isPseudoVersion } from '../gomod/go-version.ts';
import type { GoSum } from '../gomod/types.ts';
import { fixForDirectFailure } from '../checks/direct-fixes.ts';
import { categoryForAttempt } from '../checks/module-check.ts';
import type { Finding } from '../report/model.ts';
import type { LoadedModuleGraph } from './load-graph.ts';
import { modKey, type GraphProblem, type ModVer } from './types.ts';

/** Stable finding key for a problem about module@version (the first pass uses the same scheme). */
export function findingKey(category: string, m: ModVer): string {
  return `${category}:${modKey(m)}`;
}

function chainLabels(chain: readonly ModVer[]): string[] {
  return chain.map((m) => modKey(m));
}

function shortChain(chain: readonly ModVer[]): string {
  return chainLabels(chain).join(' → ');
}

function attemptEvidence(p: GraphProblem): string | undefined {
  const lines = (p.lookup?.attempts ?? []).map(
    (a) => `${a.source}: ${a.status ?? a.outcome}${a.message ? ` ${JSON.stringify(a.message)}` : ''} (${a.durationMs} ms)`,
  );
  return lines.length > 0 ? lines.join('\n') : undefined;
}

function goSumLine(goSum: GoSum | undefined, m: ModVer): number | undefined {
  return goSum?.entries.find((e) => e.goMod && e.path === m.path && e.version === m.version)?.line;
}

interface Where {
  /** "go.mod:12" or "example.com/a@v1.1.0/go.mod:7". */
  location?: string;
  /** "go.mod line 12 (require example.org/c v1.1.0)" or "example.com/a@v1.1.0's go.mod, line 7 (require …)". */
  line: string;
  /** The requirement's parent is the main module. */
  direct: boolean;
}

function whereRequired(graph: LoadedModuleGraph, chain: readonly ModVer[]): Where {
  const m = chain.at(-1) as ModVer;
  const parent = chain.at(-2) as ModVer;
  const direct = chain.length <= 2;
  const n = graph.requirementLine(parent, m);
  const req = `require ${m.path} ${m.version}`;
  if (direct) return { ...(n ? { location: `${graph.goMod.file}:${n}` } : {}), line: `${graph.goMod.file}${n ? ` line ${n}` : ''} (${req})`, direct };
  return { ...(n ? { location: `${modKey(parent)}/go.mod:${n}` } : {}), line: `${modKey(parent)}'s go.mod${n ? `, line ${n}` : ''} (${req})`, direct };
}

/** Findings for everything in the graph that makes `go mod download` fail, plus warnings. */
export function graphFindings(graph: LoadedModuleGraph, goSum: GoSum | undefined, suggestions: ReadonlyMap<string, string> = new Map()): Finding[] {
  const findings: Finding[] = [];
  const file = graph.goMod.file;
  for (const p of graph.problems) {
    const m = p.module;
    const actual = p.actual;
    const replaced = modKey(actual) !== modKey(m);
    // A requirement of the main go.mod as written was looked up by the first pass with the same request:
    // its not-found, fetch error or declared path is already reported there (with the version to pin).
    const firstPassCovered = p.chain.length === 2 && graph.goMod.require.some((r) => r.path === m.path && r.version === m.version);
    if (firstPassCovered && (p.kind === 'not-found' || p.kind === 'fetch-error' || (p.kind === 'path-mismatch' && !replaced))) continue;
    const where = whereRequired(graph, p.chain);
    const chain = chainLabels(p.chain);
    const prefix = shortChain(p.chain);
    const viaReplace = replaced ? ` (replaced by ${modKey(actual)})` : '';
    const evidence = attemptEvidence(p);
    const common = {
      module: actual.path,
      version: actual.version || m.version,
      chain,
      check: 'graph',
      ...(where.location ? { location: where.location } : {}),
      ...(evidence ? { evidence } : {}),
    };
    const parentName = p.chain.length > 2 ? modKey(p.chain.at(-2) as ModVer) : undefined;
    const otherwise = parentName ? ` or upgrade ${(p.chain[1] as ModVer).path} (${file}) to a version that does not need ${modKey(m)}` : '';
    switch (p.kind) {
      case 'not-found':
        findings.push({
          ...common,
          category: 'version-not-found',
          severity: 'error',
          key: findingKey('version-not-found', actual),
          message: `${prefix}${viaReplace}: ${modKey(actual)} does not exist on any source in GOPROXY`,
          fix: where.direct
            ? `Require a version of ${m.path} that exists (${where.line}; go list -m -versions ${m.path}), or push the tag ${actual.version}.`
            : `${where.line} names a version that was never published: add "replace ${m.path} ${m.version} => ${m.path} ${suggestions.get(modKey(actual)) ?? '<published version>'}" to ${file}${otherwise}.`,
        });
        break;
      case 'path-mismatch':
        findings.push({
          ...common,
          category: 'module-path-mismatch',
          severity: 'error',
          key: findingKey('module-path-mismatch', actual),
          message: `${prefix}${viaReplace}: ${actual.path}'s go.mod declares ${p.declaredPath}`,
          evidence: `${modKey(actual)}/go.mod: module ${p.declaredPath ?? '?'}, but it was required as ${m.path}${evidence ? `\n${evidence}` : ''}`,
          fix: replaced
            ? `The replace target declares another module: point the replace for ${m.path} in ${file} at ${p.declaredPath} ${actual.version} (or at a module that declares ${m.path}).`
            : where.direct
              ? `Require ${p.declaredPath} instead of ${m.path} (${where.line} and every import), then run go mod tidy.`
              : `${where.line} uses the old path: add "replace ${m.path} ${m.version} => ${p.declaredPath} ${m.version}" to ${file}${otherwise}.`,
        });
        break;
      case 'missing-module-line':
      case 'invalid-go-mod':
        findings.push({
          ...common,
          category: 'invalid-go-mod',
          severity: 'error',
          key: findingKey('invalid-go-mod', actual),
          message: `${prefix}${viaReplace}: ${p.message}`,
          fix: `The go.mod of ${modKey(actual)} is unusable: require another version of ${m.path} (${where.line}) or add "replace ${m.path} ${m.version} => ${m.path} <fixed version>" to ${file}.`,
        });
        break;
      case 'checksum-mismatch': {
        const n = goSumLine(goSum, actual);
        findings.push({
          ...common,
          category: 'checksum-mismatch',
          severity: 'error',
          key: findingKey('checksum-mismatch', { path: actual.path, version: `${actual.version}/go.mod` }),
          ...(n ? { location: `go.sum:${n}` } : {}),
          message: `${prefix}${viaReplace}: the go.mod served for ${modKey(actual)} does not match go.sum (go stops with SECURITY ERROR)`,
          evidence: `go.sum${n ? `:${n}` : ''}: ${actual.path} ${actual.version}/go.mod ${p.goSumHash ?? ''}\nserved: ${p.servedHash ?? ''}${evidence ? `\n${evidence}` : ''}`,
          fix: `Find out which side changed before touching go.sum: if ${modKey(actual)} was re-tagged upstream, go.sum is stale — delete the ${actual.path} ${actual.version} lines${n ? ` (go.sum:${n})` : ''} and run go mod download with GOSUMDB on (it verifies against the checksum DB); if the checksum DB agrees with go.sum, the proxy serves altered content — stop using it.`,
        });
        break;
      }
      case 'local-missing':
        findings.push({
          ...common,
          category: 'replace-directive',
          severity: 'error',
          key: `replace-directive:${m.path}`,
          message: `${prefix} is replaced by the directory ${actual.path}, which has no readable go.mod`,
          evidence: p.message,
          fix: `Commit the directory (with its go.mod) or check it out next to the repository in CI, or remove the replace for ${m.path} from ${file}.`,
        });
        break;
      case 'fetch-error': {
        const category = categoryForAttempt(p.lookup?.decidedBy);
        findings.push({
          ...common,
          category: p.lookup?.outcome === 'disabled' ? 'proxy-disabled' : category,
          severity: 'error',
          key: findingKey(category, actual),
          message: `${prefix}${viaReplace}: go.mod could not be fetched: ${p.message}`,
          fix:
            (p.lookup?.decidedBy?.source === 'direct'
              ? fixForDirectFailure(p.lookup.decidedBy.failure, { module: actual.path, ...(p.lookup.decidedBy.url ? { repoUrl: p.lookup.decidedBy.url } : {}) })
              : undefined) ??
            `${modKey(actual)} is needed to load the module graph; fix access to ${p.lookup?.decidedBy?.source ?? 'the module proxy'} (buildfix probe), then retry.`,
        });
        break;
      }
      case 'excluded-root': {
        const req = graph.goMod.require.find((r) => r.path === m.path && r.version === m.version);
        const ex = graph.goMod.exclude.find((e) => e.path === m.path && e.version === m.version);
        findings.push({
          ...common,
          category: 'excluded-version',
          severity: 'error',
          key: findingKey('excluded-version', m),
          ...(req ? { location: `${file}:${req.line}` } : {}),
          message: `${file} requires ${m.path} ${m.version} and also excludes it: go drops the requirement and go mod download stops with "module ${m.path}: not a known dependency"`,
          evidence:
            `${req ? `${file}:${req.line}: require ${m.path} ${m.version}\n` : ''}${ex ? `${file}:${ex.line}: exclude ${m.path} ${m.version}` : ''}`.trim(),
          fix: `Require a version of ${m.path} that is not excluded (${file}${req ? ` line ${req.line}` : ''}), or delete the exclude${ex ? ` at ${file}:${ex.line}` : ''}.`,
        });
        break;
      }
    }
  }
  if (graph.pruning === 'unpruned') {
    for (const x of graph.excludedRoots) {
      const ex = graph.goMod.exclude.find((e) => e.path === x.path && e.version === x.version);
      findings.push({
        category: 'excluded-version',
        severity: 'warning',
        check: 'graph',
        key: findingKey('excluded-version', x),
        module: x.path,
        version: x.version,
        message: `${file} requires ${x.path} ${x.version} but excludes that version: go ignores the requirement`,
        ...(ex ? { location: `${file}:${ex.line}` } : {}),
        fix: `Remove the requirement or the exclude so go.mod says what is built (go mod tidy).`,
      });
    }
  }
  const deepMissing = graph.missingGoSum.filter((m) => !graph.goMod.require.some((r) => modKey(graph.replacementOf(r) ?? r) === modKey(m)));
  if (goSum && deepMissing.length > 0 && graph.problems.length === 0) {
    const n = deepMissing.length;
    findings.push({
      category: 'missing-go-sum',
      severity: 'warning',
      check: 'graph',
      key: 'missing-go-sum:graph',
      message: `go.sum lacks the /go.mod lines of ${n} module${n === 1 ? '' : 's'} in the module graph: go mod download adds them (after checking the checksum DB), builds with -mod=readonly stop with "missing go.sum entry for go.mod file"`,
      evidence:
        deepMissing
          .slice(0, 8)
          .map((m) => `${m.path} ${m.version}/go.mod`)
          .join('\n') + (n > 8 ? `\n… and ${n - 8} more` : ''),
      fix: 'Run go mod tidy with the same Go version as CI and commit go.sum.',
    });
  }
  if (graph.opaque.length > 0) {
    const n = graph.opaque.length;
    findings.push({
      category: 'unknown',
      severity: 'info',
      check: 'graph',
      key: 'graph:opaque',
      message: `${n} module${n === 1 ? '' : 's'} resolved direct (git): their requirements were not followed`,
      evidence: graph.opaque
        .slice(0, 8)
        .map((m) => modKey(m))
        .join('\n'),
    });
  }
  return findings;
}

/** The published version to put in a replace for a missing one: the next higher release, else the highest below. */
export function suggestReplacement(published: readonly string[], missing: string): string | undefined {
  const releases = published.filter((v) => !isPseudoVersion(v)).sort(compareModuleVersions);
  return releases.find((v) => compareModuleVersions(v, missing) > 0) ?? releases.at(-1);
}
