/**
 * Checks every requirement of a go.mod against the proxy chain this host's go
 * command would use, with one request per module on the critical path (the
 * .mod file answers "does it exist" and "which path does it declare" at once).
 */
import { stat } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import type { GoEnv } from '../config/env.ts';
import { isRetracted, compareModuleVersions, isPseudoVersion } from '../gomod/go-version.ts';
import { parseGoMod } from '../gomod/parse-go-mod.ts';
import { goSumHas } from '../gomod/parse-go-sum.ts';
import type { GoMod, GoSum, Replacement, Requirement } from '../gomod/types.ts';
import type { GoProxyClient } from '../goproxy/goproxy-client.ts';
import type { GitRemote } from '../goproxy/git-ls-remote.ts';
import { lookupVersion } from '../goproxy/lookup-version.ts';
import { maskUrlCredentials } from '../util/redact.ts';
import type { PrivacyRules } from '../goproxy/module-patterns.ts';
import type { ProxyEntry, SourceAttempt, VersionLookup } from '../goproxy/types.ts';
import type { CheckResult, Finding, FindingCategory, ProgressListener } from '../report/model.ts';
import { mapLimit } from '../util/map-limit.ts';
import { categoryForDirectFailure, fixForDirectFailure } from './direct-fixes.ts';
import { looksPrivateModule } from './private-hosts.ts';

export interface ModuleCheckOptions {
  repoDir: string;
  goEnv: GoEnv;
  chain: ProxyEntry[];
  privacy: PrivacyRules;
  sumDbEnabled: boolean;
  /**
   * GOSUMDB's name when it is not the public sum.golang.org (a company's own
   * checksum DB may know private modules: asking it is no failure in itself).
   */
  sumDbPrivateName?: string;
  client: GoProxyClient;
  git: GitRemote;
  /** Hosts known to be private (from the config's repo URLs). */
  privateHosts: readonly string[];
  /** The host's `go version`, e.g. "1.19.8" (or a promise of it); undefined when go is missing. */
  hostGoVersion: string | undefined | Promise<string | undefined>;
  concurrency: number;
  checkRetractions: boolean;
  signal?: AbortSignal;
  onProgress?: ProgressListener;
  /** Called once, when the first lookup has its answer (or when there is nothing to look up). */
  onFirstAnswer?: () => void;
  /** Every finished lookup (the module graph stage reuses their `.mod` answers). */
  onLookup?: (lookup: VersionLookup) => void;
}

/** What to look up for one requirement once replace directives are applied. */
interface Target {
  req: Requirement;
  replacement?: Replacement;
  path: string;
  version: string;
}

function hostOf(modulePath: string): string {
  return (modulePath.split('/')[0] ?? '').toLowerCase();
}

function findReplacement(goMod: GoMod, req: Requirement): Replacement | undefined {
  let generic: Replacement | undefined;
  for (const r of goMod.replace) {
    if (r.from.path !== req.path) continue;
    if (r.from.version === req.version) return r;
    if (r.from.version === undefined) generic = r;
  }
  return generic;
}

function describeAttempt(a: SourceAttempt): string {
  const status = a.status !== undefined ? `${a.status}` : a.outcome;
  return `${a.source}: ${status}${a.message ? ` ${JSON.stringify(a.message)}` : ''} (${a.durationMs} ms)`;
}

/** Maps a failed attempt to the category a person would act on. */
export function categoryForAttempt(a: SourceAttempt | undefined): FindingCategory {
  if (!a) return 'unknown';
  const m = (a.message ?? '').toLowerCase();
  if (a.outcome === 'disabled') return 'proxy-disabled';
  const direct = a.source === 'direct' ? categoryForDirectFailure(a.failure) : undefined;
  if (direct) return direct;
  if (a.status === 407 || /proxy authentication|proxyconnect|proxy .*refused|tunnel/.test(m)) return 'corporate-proxy';
  if (a.status === 429 || /rate limit|too many requests/.test(m)) return 'rate-limited';
  if (/x509|certificate|self.signed|unable to get issuer|tls/.test(m)) return 'tls-interception';
  if (a.source === 'direct' && /auth|terminal prompts|permission denied|401|403|could not read username/.test(m)) return 'private-module-auth';
  if (a.status === 401 || a.status === 403) return 'private-module-auth';
  return 'proxy-unreachable';
}

async function localReplaceProblem(repoDir: string, r: Replacement): Promise<string | undefined> {
  const dir = isAbsolute(r.to.path) ? r.to.path : join(repoDir, r.to.path);
  try {
    if (!(await stat(dir)).isDirectory()) return `${r.to.path} is not a directory`;
  } catch {
    return `${r.to.path} does not exist in the checkout`;
  }
  try {
    await stat(join(dir, 'go.mod'));
  } catch {
    return `${r.to.path} has no go.mod`;
  }
  return undefined;
}

/** The real (unmasked) base URL of a chain entry an attempt came from. */
function baseUrlOf(chain: ProxyEntry[], attempt: SourceAttempt | undefined): string | undefined {
  if (!attempt || attempt.chainIndex === undefined) return undefined;
  const entry = chain[attempt.chainIndex];
  return entry?.kind === 'url' ? entry.url : undefined;
}

function firstAnsweringProxy(chain: ProxyEntry[], lookup: VersionLookup): string | undefined {
  return baseUrlOf(
    chain,
    lookup.attempts.find((a) => a.status !== undefined && a.source !== 'direct' && a.source !== 'off'),
  );
}

/** The newest published release below the missing one ("pin v1.9.8"), from a version list. */
function suggestVersion(versions: readonly string[] | undefined, missing: string): string | undefined {
  if (!versions) return undefined;
  const candidates = versions.filter((v) => !isPseudoVersion(v) && compareModuleVersions(v, missing) < 0).sort(compareModuleVersions);
  return candidates.at(-1);
}

/** The version list from `base`, or undefined when the proxy cannot give one. */
async function listVersions(client: GoProxyClient, base: string | undefined, module: string, signal: AbortSignal | undefined): Promise<string[] | undefined> {
  if (!base) return undefined;
  try {
    return await client.list(base, module, signal ? { signal } : {});
  } catch {
    return undefined;
  }
}

/**
 * Whether `version` is retracted: retract directives live in the go.mod of the
 * module's latest release. When the requirement is that release, the .mod the
 * lookup already fetched answers it without another request.
 */
async function retractionFor(
  client: GoProxyClient,
  base: string,
  module: string,
  version: string,
  versions: string[] | undefined,
  requiredMod: string | undefined,
  signal: AbortSignal | undefined,
): Promise<{ latest: string; rationale?: string } | undefined> {
  const published = (versions ?? []).filter((v) => !isPseudoVersion(v));
  if (published.length === 0) return undefined;
  const releases = published.filter((v) => !v.includes('-'));
  const latest = (releases.length > 0 ? releases : published).sort(compareModuleVersions).at(-1);
  if (!latest) return undefined;
  const modText = latest === version && requiredMod !== undefined ? requiredMod : await client.mod(base, module, latest, signal ? { signal } : {});
  const mod = parseGoMod(modText, `${module}@${latest}/go.mod`, { lax: true });
  const hit = isRetracted(version, mod.retract);
  return hit ? { latest, ...(hit.rationale ? { rationale: hit.rationale } : {}) } : undefined;
}

/** The proxy a non-private module is asked first: where its version list most likely comes from. */
function firstProxyBase(chain: ProxyEntry[]): string | undefined {
  const first = chain[0];
  return first?.kind === 'url' ? first.url : undefined;
}

export async function checkModules(goMod: GoMod, goSum: GoSum | undefined, options: ModuleCheckOptions): Promise<CheckResult[]> {
  const started = performance.now();
  const findings: Finding[] = [];
  const targets: Target[] = [];
  const replaceFindings: Finding[] = [];
  options.onProgress?.({ check: 'modules', phase: 'start', message: `checking ${goMod.require.length} modules` });

  for (const req of goMod.require) {
    const replacement = findReplacement(goMod, req);
    if (replacement?.local) {
      const problem = await localReplaceProblem(options.repoDir, replacement);
      if (problem) {
        replaceFindings.push({
          category: 'replace-directive',
          severity: 'error',
          key: `replace-directive:${req.path}`,
          message: `${req.path} is replaced by a local path, but ${problem}`,
          module: req.path,
          version: req.version,
          location: `${goMod.file}:${replacement.line}`,
          evidence: `replace ${replacement.from.path}${replacement.from.version ? ` ${replacement.from.version}` : ''} => ${replacement.to.path}`,
          fix: `Commit ${replacement.to.path} to the repository (or check it out next to it in CI), or remove the replace directive at ${goMod.file}:${replacement.line} before building in CI.`,
        });
      }
      continue;
    }
    targets.push({
      req,
      ...(replacement ? { replacement } : {}),
      path: replacement ? replacement.to.path : req.path,
      version: replacement?.to.version ?? req.version,
    });
  }
  // Local replaces that no requirement uses still break `go mod download` if their path is missing.
  for (const r of goMod.replace) {
    if (!r.local || goMod.require.some((q) => q.path === r.from.path)) continue;
    const problem = await localReplaceProblem(options.repoDir, r);
    if (problem) {
      replaceFindings.push({
        category: 'replace-directive',
        severity: 'warning',
        message: `replace for ${r.from.path} points at a local path, but ${problem}`,
        module: r.from.path,
        location: `${goMod.file}:${r.line}`,
        fix: `Remove the unused replace at ${goMod.file}:${r.line} or add the directory.`,
      });
    }
  }

  // Direct requirements first: their retraction check needs the version list too.
  const ordered = [...targets].sort((a, b) => Number(a.req.indirect) - Number(b.req.indirect));
  const speculativeBase = firstProxyBase(options.chain);
  const signal = options.signal;
  let done = 0;
  const lookups = await mapLimit(ordered, options.concurrency, async (t) => {
    const wantsRetraction = options.checkRetractions && !t.req.indirect && !isPseudoVersion(t.version) && !options.privacy.bypassProxy(t.path);
    // The list goes out with the .mod request instead of after it: one round trip, not two.
    // The client's own limit still caps the requests in flight.
    const earlyList = wantsRetraction && speculativeBase ? listVersions(options.client, speculativeBase, t.path, signal) : undefined;
    const lookup = await lookupVersion(t.path, t.version, {
      chain: options.chain,
      privacy: options.privacy,
      client: options.client,
      git: options.git,
      fetchMod: true,
      ...(signal ? { signal } : {}),
    });
    done++;
    options.onLookup?.(lookup);
    if (done === 1) options.onFirstAnswer?.();
    if (done % 25 === 0) options.onProgress?.({ check: 'modules', phase: 'info', message: `checked ${done}/${targets.length} modules` });
    const listFrom = async (base: string | undefined): Promise<string[] | undefined> =>
      earlyList && base === speculativeBase ? earlyList : listVersions(options.client, base, t.path, signal);
    // Follow-ups run inside the same slot so they overlap with the remaining lookups.
    let suggestion: string | undefined;
    let retraction: { latest: string; rationale?: string } | undefined;
    // The proxy lists versions of the module: it can see it, so a missing version is just missing.
    let knownToProxy = false;
    if (lookup.outcome === 'not-found') {
      const listed = await listFrom(firstAnsweringProxy(options.chain, lookup));
      knownToProxy = (listed?.length ?? 0) > 0 || lookup.attempts.some(proxyReachedRepository);
      suggestion = suggestVersion(listed, t.version);
    } else if (wantsRetraction && lookup.outcome === 'found') {
      const base = baseUrlOf(options.chain, lookup.decidedBy);
      if (base) retraction = await retractionFor(options.client, base, t.path, t.version, await listFrom(base), lookup.modFile, signal).catch(() => undefined);
    }
    return { t, lookup, suggestion, retraction, knownToProxy };
  });

  if (done === 0) options.onFirstAnswer?.();
  const errorGroups = new Map<string, { category: FindingCategory; attempt: SourceAttempt | undefined; modules: string[] }>();
  const notFound: Array<{ t: Target; lookup: VersionLookup; suggestion: string | undefined; knownToProxy: boolean }> = [];
  for (const { t, lookup, suggestion, knownToProxy } of lookups) {
    if (lookup.outcome === 'not-found') {
      notFound.push({ t, lookup, suggestion, knownToProxy });
    } else if (lookup.outcome === 'error' || lookup.outcome === 'disabled') {
      const category = lookup.outcome === 'disabled' ? 'proxy-disabled' : categoryForAttempt(lookup.decidedBy);
      // Direct-mode failures keep their step apart (a dead vanity host and a missing meta tag have different fixes).
      const key = `${category}|${lookup.decidedBy?.source ?? ''}|${lookup.decidedBy?.source === 'direct' ? (lookup.decidedBy.failure ?? '') : ''}`;
      const group = errorGroups.get(key) ?? { category, attempt: lookup.decidedBy, modules: [] };
      group.modules.push(`${t.path}@${t.version}`);
      errorGroups.set(key, group);
    } else if (lookup.declaredPath !== undefined && !t.replacement && lookup.declaredPath !== t.path) {
      const caseOnly = lookup.declaredPath.toLowerCase() === t.path.toLowerCase();
      findings.push({
        category: 'module-path-mismatch',
        severity: 'error',
        key: `module-path-mismatch:${t.path}@${t.version}`,
        message: `${t.path}@${t.version} declares its path as ${lookup.declaredPath}${caseOnly ? ' (letter case differs)' : ''}`,
        module: t.path,
        version: t.version,
        location: `${goMod.file}:${t.req.line}`,
        evidence: `${lookup.decidedBy?.source ?? 'proxy'}: go.mod says "module ${lookup.declaredPath}" but go.mod requires ${t.path}`,
        fix: `Require ${lookup.declaredPath} instead of ${t.path} (go.mod line ${t.req.line} and every import), then run go mod tidy.`,
      });
    }
  }

  for (const { t, lookup, suggestion, knownToProxy } of notFound) {
    // A host that looks private is only "invisible to the proxy" when the proxy knows no version of the module
    // and did not say it reached the module's repository.
    const isPrivate = looksPrivateModule(t.path, options.privateHosts) && !knownToProxy;
    const wentToPublicProxy = !lookup.private && lookup.attempts.some((a) => a.source !== 'direct' && a.source !== 'off');
    const evidence = lookup.attempts.map(describeAttempt).join('\n');
    // The version exists but go refuses it as written: say why, in go's words, with the line to change.
    const refused = lookup.decidedBy?.failure === 'pseudo-mismatch' || lookup.decidedBy?.failure === 'incompatible-gomod' ? lookup.decidedBy : undefined;
    if (refused) {
      const hash = /([0-9a-f]{12})(?:\+incompatible)?$/.exec(t.version)?.[1] ?? '<commit>';
      const major = /^v(\d+)\./.exec(t.version)?.[1] ?? '2';
      findings.push({
        category: 'version-not-found',
        severity: 'error',
        message: `go refuses ${t.path} ${t.version}: ${refused.message ?? refused.failure ?? 'invalid version'}`,
        module: t.path,
        version: t.version,
        location: `${goMod.file}:${t.req.line}`,
        key: `version-not-found:${t.path}@${t.version}`,
        evidence,
        fix:
          refused.failure === 'pseudo-mismatch'
            ? `Let go write the version: go get ${t.path}@${hash} (it derives the pseudo-version from the commit), then go mod tidy and commit go.mod/go.sum.`
            : `The module has a go.mod at that version, so it must be required by its major-version path: require ${t.path}/v${major} ${t.version.replace(/\+incompatible$/, '')} (${goMod.file}:${t.req.line} and every import), then go mod tidy.`,
      });
      continue;
    }
    if (isPrivate && wentToPublicProxy) {
      findings.push({
        category: 'private-module-auth',
        severity: 'error',
        message: `${t.path} looks private but is not covered by GOPRIVATE/GONOPROXY, so go asks ${lookup.attempts[0]?.source ?? 'the proxy'}, which cannot see it`,
        module: t.path,
        version: t.version,
        location: `${goMod.file}:${t.req.line}`,
        evidence,
        fix: `Set GOPRIVATE=${hostOf(t.path)}/* on the build agents (it also sets GONOPROXY and GONOSUMDB) and give git credentials for ${hostOf(t.path)} (.netrc or a credential helper).`,
      });
      continue;
    }
    findings.push({
      category: 'version-not-found',
      severity: 'error',
      key: `version-not-found:${t.path}@${t.version}`,
      message: `${t.path} ${t.version} does not exist on any source in GOPROXY=${maskUrlCredentials(options.goEnv.GOPROXY || 'https://proxy.golang.org,direct')}`,
      module: t.path,
      version: t.version,
      location: `${goMod.file}:${t.req.line}`,
      evidence,
      fix: suggestion
        ? `Pin the last published version ${suggestion} (${goMod.file} line ${t.req.line}: require ${t.path} ${suggestion}), or push the tag ${t.version} to the module's repository.`
        : `Push the tag ${t.version} to ${t.path}'s repository, or require a version that exists (go list -m -versions ${t.path}).`,
    });
  }

  for (const group of errorGroups.values()) {
    const a = group.attempt;
    const n = group.modules.length;
    findings.push({
      category: group.category,
      severity: 'error',
      message:
        group.category === 'proxy-disabled'
          ? `GOPROXY=off forbids downloading ${n} module${n === 1 ? '' : 's'}`
          : a?.source === 'direct'
            ? `${n === 1 ? (group.modules[0] ?? '1 module') : `${n} modules`} cannot be fetched direct: ${a.message ?? a.failure ?? 'git failed'}`
            : `${n} module${n === 1 ? '' : 's'} could not be checked: ${a?.source ?? 'the proxy'} failed${a?.message ? ` (${a.message})` : ''}`,
      evidence: `${a ? describeAttempt(a) : ''}\nmodules: ${group.modules.slice(0, 5).join(', ')}${n > 5 ? ` … and ${n - 5} more` : ''}`.trim(),
      // One module: the same key as the graph stage's finding for it, which then refines this one instead of repeating it.
      ...(n === 1
        ? { module: group.modules[0]?.split('@')[0] ?? '', version: group.modules[0]?.split('@')[1] ?? '', key: `${group.category}:${group.modules[0] ?? ''}` }
        : {}),
      fix:
        (a?.source === 'direct'
          ? fixForDirectFailure(a.failure, { module: group.modules[0]?.split('@')[0] ?? '', ...(a.url ? { repoUrl: a.url } : {}) })
          : undefined) ?? fixForLookupError(group.category, a?.source),
    });
  }

  // Retractions only matter for what this module chose directly (checked above, in the lookup slot).
  for (const { t, retraction } of lookups) {
    if (!retraction) continue;
    findings.push({
      category: 'retracted-version',
      severity: 'warning',
      message: `${t.path} ${t.version} is retracted by its authors${retraction.rationale ? `: ${retraction.rationale}` : ''}`,
      module: t.path,
      version: t.version,
      location: `${goMod.file}:${t.req.line}`,
      evidence: `retract in ${t.path}@${retraction.latest}/go.mod`,
      fix: `Upgrade to ${retraction.latest} (go get ${t.path}@${retraction.latest}).`,
    });
  }

  const moduleFindings = [...replaceFindings, ...findings];
  const missingCount = notFound.length;
  const durationMs = Math.round(performance.now() - started);
  const errorCount = moduleFindings.filter((f) => f.severity === 'error').length;
  const detail = `${goMod.require.length} modules checked in ${(durationMs / 1000).toFixed(1)} s${missingCount ? `, ${missingCount} missing` : ''}${errorGroups.size ? `, ${[...errorGroups.values()].reduce((n, g) => n + g.modules.length, 0)} not checkable` : ''}`;
  options.onProgress?.({ check: 'modules', phase: 'done', message: detail, status: errorCount > 0 ? 'fail' : 'pass', durationMs });
  const results: CheckResult[] = [
    {
      id: 'modules',
      title: 'module versions exist on the proxy chain',
      status: errorCount > 0 ? 'fail' : moduleFindings.length > 0 ? 'warn' : 'pass',
      durationMs,
      detail,
      findings: moduleFindings,
    },
  ];
  results.push(checkGoSum(goMod, goSum, targets, options));
  return results;
}

function fixForLookupError(category: FindingCategory, source: string | undefined): string {
  switch (category) {
    case 'corporate-proxy':
      return 'Check HTTPS_PROXY/HTTP_PROXY on the agent (scheme, host, port, credentials) and that the proxy allows CONNECT to the module proxy; run buildfix probe from the agent.';
    case 'tls-interception':
      return "A proxy is intercepting TLS: install the corporate CA in the agent's system trust store, or add the module proxy to NO_PROXY.";
    case 'rate-limited':
      return 'The module proxy is rate-limiting this agent: retry later, use a caching proxy (Athens/goproxy) or warm the module cache.';
    case 'private-module-auth':
      return 'Give the agent git credentials for the private host (.netrc entry or credential helper) and set GOPRIVATE for it.';
    case 'proxy-disabled':
      return 'Unset GOPROXY=off (or vendor the dependencies with go mod vendor and build with -mod=vendor).';
    default:
      return `${source ?? 'The module proxy'} is unreachable from this host: check DNS, firewall and proxy settings (buildfix probe), or retry through another GOPROXY (e.g. GOPROXY=https://proxy.golang.org,direct; other mirrors only from buildfix's mirrors: config).`;
  }
}

function checkGoSum(goMod: GoMod, goSum: GoSum | undefined, targets: Target[], options: ModuleCheckOptions): CheckResult {
  const started = performance.now();
  const findings: Finding[] = [];
  // With -mod=mod go adds missing go.sum lines itself (verifying them against the checksum DB); otherwise builds stop.
  const modMode = /(^|\s)-mod=mod(\s|$)/.test(options.goEnv.GOFLAGS ?? '');
  const severity = modMode ? 'warning' : 'error';
  if (targets.length > 0) {
    const missing = goSum ? targets.filter((t) => !goSumHas(goSum, t.path, t.version, 'mod')) : targets;
    if (!goSum) {
      findings.push({
        category: 'missing-go-sum',
        severity,
        message: `go.sum is missing but go.mod requires ${targets.length} module${targets.length === 1 ? '' : 's'}`,
        evidence: `${goMod.file} has ${targets.length} requirements; no go.sum next to it`,
        fix: 'Run go mod tidy and commit go.sum.',
      });
    } else if (missing.length > 0) {
      findings.push({
        category: 'missing-go-sum',
        severity,
        message: `go.sum lacks lines for ${missing.length} required module${missing.length === 1 ? '' : 's'}`,
        ...(missing.length === 1 ? { module: missing[0]?.path ?? '', version: missing[0]?.version ?? '' } : {}),
        evidence:
          missing
            .slice(0, 8)
            .map((t) => `${t.path} ${t.version}/go.mod (${goMod.file}:${t.req.line})`)
            .join('\n') + (missing.length > 8 ? `\n… and ${missing.length - 8} more` : ''),
        fix: 'Run go mod tidy (or go mod download) with the same Go version as CI and commit go.sum.',
      });
    }
    // Private modules whose sums go would ask sum.golang.org for.
    if (options.sumDbEnabled) {
      const leaking = targets.filter((t) => looksPrivateModule(t.path, options.privateHosts) && !options.privacy.bypassSumDb(t.path));
      for (const t of leaking) {
        const hasSum = goSum !== undefined && goSumHas(goSum, t.path, t.version, 'mod');
        const own = options.sumDbPrivateName;
        findings.push({
          category: 'private-module-routing',
          severity: hasSum || own !== undefined ? 'warning' : 'error',
          message: own
            ? `${t.path} looks private but is not in GONOSUMDB/GOPRIVATE: go asks the checksum database ${own} about it (GOSUMDB is not the public one, so it may know the module)`
            : `${t.path} looks private but is not in GONOSUMDB/GOPRIVATE: go would ask the public checksum database about it${hasSum ? ' (go.sum has it now; the next version bump will fail)' : ''}`,
          module: t.path,
          version: t.version,
          location: `${goMod.file}:${t.req.line}`,
          fix: `Set GOPRIVATE=${hostOf(t.path)}/* (or GONOSUMDB) on every agent.`,
        });
      }
    }
  }
  const errors = findings.some((f) => f.severity === 'error');
  return {
    id: 'go-sum',
    title: 'go.sum covers every requirement',
    status: errors ? 'fail' : findings.length > 0 ? 'warn' : 'pass',
    durationMs: Math.round(performance.now() - started),
    detail: goSum ? `${goSum.entries.length} lines` : 'no go.sum',
    findings,
  };
}

/**
 * A proxy's 404/410 body that carries go's own "unknown revision" (cmd/go/internal/modfetch/codehost: the
 * repository answered, the revision is not in it) means the proxy could read the repository: the module is
 * visible to it, so the version is missing rather than the module private.
 */
function proxyReachedRepository(attempt: SourceAttempt): boolean {
  return attempt.outcome === 'not-found' && attempt.source !== 'direct' && /\bunknown revision\b/.test(attempt.message ?? '');
}
