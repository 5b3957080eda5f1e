/**
 * "Never a false root cause": after the checks ran, each finding keeps
 * severity error only if it makes `go mod download` fail on this host now.
 * What go routes around or does not need this time becomes a warning (ranked
 * below every error), and configuration errors that make every request fail
 * are put before the symptoms they cause. Pure: findings and facts in,
 * findings out; every rule is its own function with its own unit test.
 *
 *   sumdb-covered      the checksum DB is unreachable, but go.sum already has
 *                      both lines (zip h1 and /go.mod) for every module go
 *                      downloads: go never asks it.
 *   sumdb-names-lookups  the checksum DB is unreachable and go must ask it:
 *                      the finding names the modules go.sum lacks (go's
 *                      error names them too).
 *   routed-around      a GOPROXY entry fails, but the module check (which walks
 *                      GOPROXY as go does: "|" after any error, "," after
 *                      404/410) found every module through a later entry.
 *   nothing-to-fetch   go.mod requires nothing to download: no request is made,
 *                      so the network and GOPROXY=off cannot fail it.
 *   proxy-var-unused   a malformed HTTP(S)_PROXY that go does not use for any
 *                      GOPROXY entry (NO_PROXY, loopback, the other scheme).
 *   go-sum-added       go.sum lacks lines: go mod download adds them itself
 *                      (verifying with the checksum DB); go build would stop.
 *   vendor-ignored     -mod=vendor problems: go mod download ignores -mod and
 *                      vendor/, go build stops.
 *
 * orderVerdict then ranks (rankFindings) and moves configuration errors that
 * make every request fail before everything else.
 */
import type { GoEnv } from '../config/env.ts';
import { goSumHas } from '../gomod/parse-go-sum.ts';
import type { GoMod, GoSum } from '../gomod/types.ts';
import type { PrivacyRules } from '../goproxy/module-patterns.ts';
import { proxyForUrl } from '../goproxy/proxy-env.ts';
import type { ProxyEntry } from '../goproxy/types.ts';
import type { Finding, FindingCategory } from '../report/model.ts';
import { rankFindings } from '../report/rank-findings.ts';
import { maskUrlCredentials } from '../util/redact.ts';

export interface VerdictContext {
  /** The go.mod the module check saw (version queries resolved, malformed paths removed). */
  goMod: GoMod;
  goSum: GoSum | undefined;
  goEnv: GoEnv;
  chain: ProxyEntry[];
  privacy: Pick<PrivacyRules, 'bypassSumDb' | 'bypassProxy'>;
  /** The module check ran (not skipped), so its verdict on the proxy chain is known. */
  modulesChecked: boolean;
  /** The host's `go version` ("1.19.8"), when known. */
  hostGoVersion?: string;
}

/** Categories that describe a failing network path (a symptom when a configuration error explains it). */
const NETWORK: ReadonlySet<FindingCategory> = new Set([
  'proxy-unreachable',
  'proxy-server-error',
  'tls-interception',
  'corporate-proxy',
  'rate-limited',
  'sumdb-unreachable',
]);

type Rule = (findings: Finding[], ctx: VerdictContext) => Finding[];

function demote(f: Finding, why: string): Finding {
  if (f.severity !== 'error') return f;
  return { ...f, severity: 'warning', message: `${f.message.replace(/\.$/, '')}. Not a cause of failure now: ${why}` };
}

function hostGo(ctx: VerdictContext): string {
  return ctx.hostGoVersion ? `go ${ctx.hostGoVersion} on this host` : 'the go command';
}

/** Modules `go mod download` fetches for this go.mod: requirements after replace, local directories excluded. */
export function modulesToDownload(goMod: GoMod): Array<{ path: string; version: string }> {
  const out: Array<{ path: string; version: string }> = [];
  for (const r of goMod.require) {
    const rep =
      goMod.replace.find((x) => x.from.path === r.path && x.from.version === r.version) ??
      goMod.replace.find((x) => x.from.path === r.path && x.from.version === undefined);
    if (rep?.local) continue;
    out.push(rep?.to.version ? { path: rep.to.path, version: rep.to.version } : { path: r.path, version: r.version });
  }
  return out;
}

/** Whether go.sum has both lines for every module go downloads and would verify with the checksum DB. */
export function goSumCoversDownloads(ctx: VerdictContext): boolean {
  const needed = modulesToDownload(ctx.goMod).filter((m) => !ctx.privacy.bypassSumDb(m.path));
  if (needed.length === 0) return true;
  const sum = ctx.goSum;
  if (!sum) return false;
  return needed.every((m) => goSumHas(sum, m.path, m.version, 'zip') && goSumHas(sum, m.path, m.version, 'mod'));
}

// Probe check ids are "probe:<route>:<url>"; the URL says which endpoint a finding is about.
function probeUrl(f: Finding): URL | undefined {
  const m = /^probe:[a-z-]+:(.+)$/.exec(f.check ?? '');
  if (!m?.[1]) return undefined;
  try {
    return new URL(m[1]);
  } catch {
    return undefined;
  }
}

function isGoproxyEntry(url: URL, chain: ProxyEntry[]): boolean {
  return chain.some((e) => {
    if (e.kind !== 'url') return false;
    try {
      return new URL(e.url).host === url.host;
    } catch {
      return false;
    }
  });
}

function isSumDbFinding(f: Finding, ctx: VerdictContext): boolean {
  if (f.category === 'sumdb-unreachable') return true;
  const url = probeUrl(f);
  return url !== undefined && NETWORK.has(f.category) && !isGoproxyEntry(url, ctx.chain);
}

export const sumDbCovered: Rule = (findings, ctx) => {
  if (!goSumCoversDownloads(ctx)) return findings;
  return findings.map((f) =>
    f.severity === 'error' && isSumDbFinding(f, ctx) && (f.check ?? '').startsWith('probe:')
      ? demote(
          f,
          `go.sum already has both lines (zip h1: and /go.mod h1:) for every module go downloads, so go mod download never asks the checksum database (${hostGo(ctx)}). It matters the next time a requirement changes.`,
        )
      : f,
  );
};

/** Modules whose go.sum lines go lacks and must look up in the checksum DB (outside GONOSUMDB/GOPRIVATE), in go.mod order. */
export function sumDbLookups(ctx: VerdictContext): Array<{ path: string; version: string }> {
  const sum = ctx.goSum;
  return modulesToDownload(ctx.goMod).filter(
    (m) => !ctx.privacy.bypassSumDb(m.path) && !(sum && goSumHas(sum, m.path, m.version, 'zip') && goSumHas(sum, m.path, m.version, 'mod')),
  );
}

/** An unreachable checksum DB that go must ask: name the modules it asks about (go's error names them). */
export const sumDbNamesLookups: Rule = (findings, ctx) => {
  const lookups = sumDbLookups(ctx);
  const first = lookups[0];
  if (!first) return findings;
  const listed = lookups.slice(0, 20).map((m) => `${m.path}@${m.version}`);
  return findings.map((f) =>
    f.severity === 'error' && f.module === undefined && isSumDbFinding(f, ctx) && (f.check ?? '').startsWith('probe:')
      ? {
          ...f,
          module: first.path,
          version: first.version,
          message: `${f.message.replace(/\.$/, '')}: go.sum lacks lines for ${lookups.length === 1 ? `${first.path}@${first.version}` : `${lookups.length} modules (${first.path}@${first.version} first)`}, so go mod download must look ${lookups.length === 1 ? 'it' : 'them'} up there and fails.`,
          evidence: [
            f.evidence,
            `checksum DB lookups go needs: ${listed.join(', ')}${lookups.length > listed.length ? ` … and ${lookups.length - listed.length} more` : ''}`,
          ]
            .filter(Boolean)
            .join('\n'),
        }
      : f,
  );
};

export const routedAround: Rule = (findings, ctx) => {
  if (!ctx.modulesChecked || modulesToDownload(ctx.goMod).length === 0) return findings;
  const moduleNetworkErrors = findings.some(
    (f) => f.severity === 'error' && NETWORK.has(f.category) && !(f.check ?? '').startsWith('probe:') && f.check !== 'proxy-env',
  );
  if (moduleNetworkErrors) return findings;
  return findings.map((f) => {
    const url = probeUrl(f);
    if (f.severity !== 'error' || !url || !NETWORK.has(f.category) || !isGoproxyEntry(url, ctx.chain)) return f;
    return demote(
      f,
      `the module check walked GOPROXY=${maskUrlCredentials(ctx.goEnv.GOPROXY || 'https://proxy.golang.org,direct')} as go does ("|" falls through after any error, "," only after 404/410) and found every module through another entry.`,
    );
  });
};

export const nothingToFetch: Rule = (findings, ctx) => {
  if (!ctx.modulesChecked || modulesToDownload(ctx.goMod).length > 0) return findings;
  return findings.map((f) =>
    NETWORK.has(f.category) || f.category === 'proxy-disabled' ? demote(f, 'go.mod requires no module to download, so go mod download makes no request.') : f,
  );
};

export const proxyVarUnused: Rule = (findings, ctx) => {
  const urls: URL[] = [];
  for (const e of ctx.chain) {
    if (e.kind !== 'url') continue;
    try {
      urls.push(new URL(e.url));
    } catch {
      // parseGoproxy accepted it; an unparsable URL cannot be routed anyway.
    }
  }
  // "direct" and GONOPROXY modules reach arbitrary hosts (through git, which reads the variables too): keep the finding.
  if (ctx.chain.some((e) => e.kind === 'direct') && ctx.modulesChecked && ctx.goMod.require.some((r) => ctx.privacy.bypassProxy(r.path))) return findings;
  return findings.map((f) => {
    if (f.category !== 'proxy-config' || f.severity !== 'error') return f;
    const variable = /^(HTTPS?_PROXY|https?_proxy) is malformed/.exec(f.message)?.[1];
    if (!variable) return f;
    const upper = variable.toUpperCase();
    const used = urls.some((u) => proxyForUrl(u, ctx.goEnv).reason === upper);
    return used ? f : demote(f, `go sends no GOPROXY request through ${variable} here (NO_PROXY, a loopback address or the other scheme applies).`);
  });
};

export const goSumAdded: Rule = (findings, ctx) =>
  findings.map((f) =>
    f.category === 'missing-go-sum' && f.severity === 'error'
      ? demote(
          f,
          `go mod download adds the missing go.sum lines itself (${hostGo(ctx)}; it verifies them with the checksum database unless GONOSUMDB/GOSUMDB=off). go build and go test, which run with -mod=readonly, stop with "missing go.sum entry".`,
        )
      : f,
  );

export const vendorIgnored: Rule = (findings, ctx) =>
  findings.map((f) =>
    (f.category === 'vendor-missing' || f.category === 'vendor-inconsistent') && f.severity === 'error'
      ? demote(f, `go mod download ignores -mod and vendor/ (${hostGo(ctx)}), so the download succeeds; go build, go test and go list stop on it.`)
      : f,
  );

export const VERDICT_RULES: ReadonlyArray<readonly [string, Rule]> = [
  ['sumdb-covered', sumDbCovered],
  ['sumdb-names-lookups', sumDbNamesLookups],
  ['routed-around', routedAround],
  ['nothing-to-fetch', nothingToFetch],
  ['proxy-var-unused', proxyVarUnused],
  ['go-sum-added', goSumAdded],
  ['vendor-ignored', vendorIgnored],
];

export function applyVerdictRules(findings: readonly Finding[], ctx: VerdictContext): Finding[] {
  let out = [...findings];
  for (const [, rule] of VERDICT_RULES) out = rule(out, ctx);
  return out;
}

/**
 * A configuration error that makes every request (or every go command) fail:
 * it is the cause of the network failures next to it, so it comes first.
 */
export function isGlobalConfigError(f: Finding): boolean {
  if (f.severity !== 'error') return false;
  if (f.category === 'proxy-disabled' || f.category === 'proxy-config') return true;
  if (f.category === 'invalid-go-mod') return (f.key ?? '').startsWith('invalid-go-mod:go.mod:') && (f.evidence ?? '').startsWith('go: errors parsing go.mod');
  return f.category === 'host-environment' && f.check === 'proxy-env' && /GOFLAGS/.test(f.message);
}

/** rankFindings, then configuration errors that make every request fail before the symptoms they cause. */
export function orderVerdict(findings: readonly Finding[]): Finding[] {
  const ranked = rankFindings(findings);
  return [...ranked.filter(isGlobalConfigError), ...ranked.filter((f) => !isGlobalConfigError(f))];
}
