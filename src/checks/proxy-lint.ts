/**
 * Static checks of the go command's environment (no network): malformed or
 * disagreeing proxy variables, private hosts the proxy will swallow, GOPROXY=off,
 * -mod=vendor without vendor/, a disabled checksum DB, GOINSECURE, and private
 * modules that nothing routes around the public proxy and sumdb. Values in
 * evidence are always masked (user:***@), never printed raw.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isPublicModuleHost, looksPrivateHost } from './private-hosts.ts';

export { isPublicModuleHost };
import type { GoEnv, GoEnvKey } from '../config/env.ts';
import { createPrivacyRules, matchPrefixPatterns } from '../goproxy/module-patterns.ts';
import { GoEnvValueError, parseGoproxy, parseGoSumDb } from '../goproxy/parse-goproxy.ts';
import { proxyForUrl } from '../goproxy/proxy-env.ts';
import type { Finding, Severity } from '../report/model.ts';

export interface LintOptions {
  /** The checked-out repository (for the vendor/ check). */
  repoDir?: string;
  /** Module paths go.mod requires (for the private-module routing check). */
  goModPaths?: string[];
  /** Hosts known to be private (the config's repo URL hosts). */
  privateHosts?: readonly string[];
  /**
   * go.sum already holds both hashes of every requirement the checksum DB would be asked about, so go
   * verifies nothing against it now (a malformed GOSUMDB then only warns). Default false.
   */
  goSumCoversAll?: boolean;
}

/** Masks credentials in URL-ish values and lists of them: "http://user:pw@h" → "http://user:***@h"; a token-only user becomes "***@". */
export function maskSecrets(value: string): string {
  return value.replace(/([a-z][a-z0-9+.-]*:\/\/)?([^\s/,|]*)@/gi, (_m, scheme: string | undefined, userinfo: string) => {
    const colon = userinfo.indexOf(':');
    if (colon >= 0) return `${scheme ?? ''}${userinfo.slice(0, colon)}:***@`;
    return `${scheme ?? ''}***@`;
  });
}

/** `KEY=value` with secrets masked; "(unset)" / "(empty)" spelled out. */
export function showVar(goEnv: GoEnv, key: GoEnvKey): string {
  const v = goEnv[key];
  if (v === undefined) return `${key}=(unset)`;
  if (v === '') return `${key}=(empty)`;
  return `${key}=${maskSecrets(v)}`;
}

// Hosts (and their subdomains) that serve public modules; anything else in a module path looks private.
interface UrlProblem {
  severity: Severity;
  problem: string;
  fix: string;
}

// Go's proxy parsing accepts http/https/socks5; anything else (htp://) ends up as a bogus host.
function checkProxyUrl(value: string): UrlProblem[] {
  const problems: UrlProblem[] = [];
  if (/\s/.test(value)) {
    problems.push({ severity: 'error', problem: 'contains whitespace', fix: 'Remove the spaces (check for a trailing space or newline in the CI variable).' });
  }
  const v = value.trim();
  const schemeMatch = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(v);
  let rest = v;
  if (schemeMatch) {
    const scheme = schemeMatch[1]!.toLowerCase();
    if (!['http', 'https', 'socks5', 'socks5h'].includes(scheme)) {
      problems.push({
        severity: 'error',
        problem: `has an unknown scheme "${scheme}://"`,
        fix: 'Use http:// (most corporate proxies), https:// or socks5://.',
      });
    }
    rest = v.slice(schemeMatch[0].length);
  } else if (v.includes('://')) {
    problems.push({ severity: 'error', problem: 'has a malformed scheme', fix: 'Write it as http://host:port.' });
    rest = v.slice(v.indexOf('://') + 3);
  } else {
    problems.push({
      severity: 'info',
      problem: 'has no scheme (go assumes http://, but Node/undici and some tools reject it)',
      fix: 'Write it as http://host:port.',
    });
  }
  const authority = rest.split(/[/?#]/)[0] ?? '';
  const hostPort = authority.includes('@') ? authority.slice(authority.lastIndexOf('@') + 1) : authority;
  let host: string;
  let port: string | undefined;
  if (hostPort.startsWith('[')) {
    const close = hostPort.indexOf(']');
    host = close > 0 ? hostPort.slice(1, close) : '';
    const after = close > 0 ? hostPort.slice(close + 1) : '';
    port = after.startsWith(':') ? after.slice(1) : undefined;
  } else {
    const colon = hostPort.lastIndexOf(':');
    host = colon >= 0 ? hostPort.slice(0, colon) : hostPort;
    port = colon >= 0 ? hostPort.slice(colon + 1) : undefined;
  }
  if (host.trim() === '') {
    problems.push({ severity: 'error', problem: 'has no host', fix: 'Write it as http://proxy-host:port.' });
  } else if (!/^[A-Za-z0-9._~%:-]+$/.test(host)) {
    problems.push({ severity: 'error', problem: `has an invalid host "${host}"`, fix: 'Write it as http://proxy-host:port.' });
  }
  if (port === undefined || port === '') {
    problems.push({
      severity: 'warning',
      problem: 'has no port (go then uses 80, or 443 for https://; proxies usually listen on 3128 or 8080)',
      fix: 'Add the proxy port explicitly, e.g. http://proxy.corp:3128.',
    });
  } else if (!/^\d+$/.test(port)) {
    problems.push({ severity: 'error', problem: `has a non-numeric port "${port}"`, fix: 'Use a numeric port, e.g. http://proxy.corp:3128.' });
  } else if (Number(port) < 1 || Number(port) > 65535) {
    problems.push({ severity: 'error', problem: `has port ${port}, outside 1-65535`, fix: 'Use the proxy’s real port, e.g. 3128.' });
  }
  return problems;
}

/** Which variable the go command reads for https (or http) targets: uppercase first, empty skipped. */
function goReads(goEnv: GoEnv, https: boolean): GoEnvKey | undefined {
  const keys: GoEnvKey[] = https ? ['HTTPS_PROXY', 'https_proxy'] : ['HTTP_PROXY', 'http_proxy'];
  return keys.find((k) => (goEnv[k] ?? '') !== '');
}

function lintProxyUrls(goEnv: GoEnv): Finding[] {
  const findings: Finding[] = [];
  const used = new Set([goReads(goEnv, true), goReads(goEnv, false)]);
  for (const key of ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'] as const) {
    const value = goEnv[key];
    if (value === undefined || value === '') continue;
    const problems = checkProxyUrl(value);
    if (problems.length === 0) continue;
    const goUses = used.has(key);
    const worst: Severity = problems.some((p) => p.severity === 'error')
      ? goUses
        ? 'error'
        : 'warning'
      : problems.some((p) => p.severity === 'warning')
        ? 'warning'
        : 'info';
    const list = problems.map((p) => p.problem).join('; ');
    findings.push({
      category: 'proxy-config',
      severity: worst,
      message: `${key} is malformed: it ${list}.${goUses ? '' : ' The go command reads the other spelling, but git (curl) and Node tools may read this one.'}`,
      evidence: showVar(goEnv, key),
      fix: problems
        .map((p) => p.fix)
        .filter((f, i, all) => all.indexOf(f) === i)
        .join(' '),
    });
  }
  return findings;
}

function normalizeNoProxy(v: string): string {
  return [
    ...new Set(
      v
        .split(/[\s,]+/)
        .map((e) => e.trim().toLowerCase())
        .filter(Boolean),
    ),
  ]
    .sort()
    .join(',');
}

function lintCaseDisagreement(goEnv: GoEnv): Finding[] {
  const findings: Finding[] = [];
  const pairs: Array<[GoEnvKey, GoEnvKey]> = [
    ['HTTPS_PROXY', 'https_proxy'],
    ['HTTP_PROXY', 'http_proxy'],
    ['NO_PROXY', 'no_proxy'],
  ];
  for (const [upper, lower] of pairs) {
    const u = goEnv[upper];
    const l = goEnv[lower];
    if (u === undefined || l === undefined) continue;
    const same = upper === 'NO_PROXY' ? normalizeNoProxy(u) === normalizeNoProxy(l) : u.trim() === l.trim();
    if (same) continue;
    const emptyLower = l.trim() === '' && u.trim() !== '';
    findings.push({
      category: 'proxy-config',
      severity: 'warning',
      message: emptyLower
        ? `${lower} is set but empty while ${upper} is not: the go command uses ${upper}, but Node/undici treats the empty ${lower} as "no proxy" and curl/git read ${lower} first, so they route differently.`
        : `${upper} and ${lower} disagree: the go command reads ${upper} first, while git (curl) and Node/undici read ${lower} first, so the build and the tools around it route differently.`,
      evidence: `${showVar(goEnv, upper)} · ${showVar(goEnv, lower)}`,
      fix: `Set ${upper} and ${lower} to the same value (or unset one of them) in the agent's environment.`,
    });
  }
  return findings;
}

// The host part of a GOPRIVATE glob: "git.corp.example/*" → "git.corp.example"; "*.corp.example" kept as a glob.
function patternHosts(patterns: string): string[] {
  const out = new Set<string>();
  for (const raw of patterns.split(',')) {
    const first = raw.trim().replace(/\/+$/, '').split('/')[0] ?? '';
    if (first === '' || first === '*' || !first.includes('.')) continue;
    out.add(first.toLowerCase());
  }
  return [...out];
}

function lintPrivateHostsBehindProxy(goEnv: GoEnv): Finding[] {
  const findings: Finding[] = [];
  const privacy = createPrivacyRules(goEnv);
  const patterns = [goEnv.GOPRIVATE ?? '', privacy.noProxy].filter(Boolean).join(',');
  for (const hostPattern of patternHosts(patterns)) {
    // A glob like "*.corp.example" is checked with a representative host under it.
    const host = hostPattern.replace(/^\*\./, 'git.').replace(/[*?[\]\\]/g, 'x');
    if (isPublicModuleHost(host)) continue;
    let target: URL;
    try {
      target = new URL(`https://${host}/`);
    } catch {
      continue;
    }
    const decision = proxyForUrl(target, goEnv);
    if (!decision.proxy) continue;
    const noProxyKey: GoEnvKey = (goEnv.NO_PROXY ?? '') === '' && goEnv.no_proxy !== undefined ? 'no_proxy' : 'NO_PROXY';
    const proxyKey = goReads(goEnv, true) ?? 'HTTPS_PROXY';
    const source = goEnv.GOPRIVATE && patternHosts(goEnv.GOPRIVATE).includes(hostPattern) ? 'GOPRIVATE' : 'GONOPROXY';
    findings.push({
      category: 'private-module-routing',
      severity: 'warning',
      message: `${source} names ${hostPattern} but NO_PROXY does not: the go command (and git, for direct fetches) sends requests for these private modules through the proxy in ${proxyKey}, which usually cannot reach internal hosts.`,
      evidence: `${showVar(goEnv, source)} · ${showVar(goEnv, noProxyKey)} · ${showVar(goEnv, proxyKey)}`,
      fix: `Add ${hostPattern.replace(/^\*\./, '.')} to NO_PROXY and no_proxy (comma-separated) on the agent.`,
    });
  }
  return findings;
}

function lintGoproxy(goEnv: GoEnv): Finding[] {
  let chain;
  try {
    chain = parseGoproxy(goEnv.GOPROXY);
  } catch (err) {
    return [
      {
        category: 'proxy-config',
        severity: 'error',
        message: `GOPROXY is invalid, so every go command that downloads fails before any request (go: "${maskSecrets((err instanceof Error ? err.message : String(err)).replace(/^GOPROXY: /, ''))}").`,
        evidence: showVar(goEnv, 'GOPROXY'),
        fix: 'Set GOPROXY to a comma-separated list of https:// URLs ending in direct, e.g. https://proxy.golang.org,direct.',
      },
    ];
  }
  if (chain[0]?.kind === 'off') {
    return [
      {
        category: 'proxy-disabled',
        severity: 'error',
        message: 'GOPROXY=off: the go command may not download any module, so builds only work from a warm module cache or vendor/.',
        evidence: showVar(goEnv, 'GOPROXY'),
        fix: 'Set GOPROXY=https://proxy.golang.org,direct (or the company proxy), or vendor the dependencies and build with -mod=vendor.',
      },
    ];
  }
  return [];
}

/**
 * A GOSUMDB go cannot parse (cmd/go/internal/modfetch/sumdb.go): go stops at the first module it has to
 * verify, before any request, with `verifying <module>@<version>: missing GOSUMDB` / `invalid GOSUMDB: …`.
 */
function lintGoSumDbValue(goEnv: GoEnv, opts: LintOptions): Finding[] {
  try {
    parseGoSumDb(goEnv.GOSUMDB);
    return [];
  } catch (err) {
    if (!(err instanceof GoEnvValueError)) throw err;
    const reason = err.message.replace(/^GOSUMDB: /, '');
    const covered = opts.goSumCoversAll === true;
    return [
      {
        category: 'proxy-config',
        severity: covered ? 'warning' : 'error',
        message: covered
          ? `GOSUMDB is malformed (go: "${reason}"): go.sum covers every module now, so go verifies nothing and builds; the first module go.sum lacks (a new dependency, an untidy go.sum) fails.`
          : `GOSUMDB is malformed, so go stops at the first module it has to verify (go: "${reason}").`,
        evidence: showVar(goEnv, 'GOSUMDB'),
        fix: 'Unset GOSUMDB (the default is sum.golang.org) or set a known name or "name+key [url]", in the CI environment and in go env -w; list private modules in GONOSUMDB/GOPRIVATE instead of changing GOSUMDB.',
        key: 'proxy-config:GOSUMDB',
      },
    ];
  }
}

function lintGoflags(goEnv: GoEnv, opts: LintOptions): Finding[] {
  const flags = (goEnv.GOFLAGS ?? '').split(/\s+/).filter(Boolean);
  const findings: Finding[] = [];
  const stray = flags.filter((f) => !f.startsWith('-'));
  if (stray.length > 0) {
    findings.push({
      category: 'host-environment',
      severity: 'error',
      message: `GOFLAGS contains ${stray.map((s) => `"${s}"`).join(', ')}, which is not a flag: every go command fails with "parsing $GOFLAGS: non-flag".`,
      evidence: showVar(goEnv, 'GOFLAGS'),
      fix: 'GOFLAGS takes space-separated -flag=value entries: write -mod=vendor, not -mod vendor.',
    });
  }
  if (opts.repoDir && flags.some((f) => /^--?mod=vendor$/.test(f))) {
    const vendorDir = join(opts.repoDir, 'vendor');
    let isDir = false;
    try {
      isDir = statSync(vendorDir).isDirectory();
    } catch {
      isDir = false;
    }
    if (!isDir) {
      findings.push({
        category: 'vendor-missing',
        severity: 'error',
        message: 'GOFLAGS has -mod=vendor but the repository has no vendor/ directory: the build looks for every package in vendor/ and fails.',
        evidence: `${showVar(goEnv, 'GOFLAGS')} · ${vendorDir} missing`,
        fix: 'Run go mod vendor and commit vendor/, or drop -mod=vendor from GOFLAGS for this job.',
      });
    } else if (!existsSync(join(vendorDir, 'modules.txt'))) {
      findings.push({
        category: 'vendor-missing',
        severity: 'error',
        message: 'GOFLAGS has -mod=vendor but vendor/modules.txt is missing: go reports inconsistent vendoring.',
        evidence: `${showVar(goEnv, 'GOFLAGS')} · ${join(vendorDir, 'modules.txt')} missing`,
        fix: 'Re-run go mod vendor and commit the whole vendor/ directory.',
      });
    }
  }
  return findings;
}

function lintSumdbAndInsecure(goEnv: GoEnv): Finding[] {
  const findings: Finding[] = [];
  if ((goEnv.GOSUMDB ?? '').trim() === 'off') {
    findings.push({
      category: 'sumdb-disabled',
      severity: 'warning',
      message:
        'GOSUMDB=off: downloaded modules are not checked against the checksum database, so a tampered or re-tagged module goes unnoticed (go.sum still applies).',
      evidence: showVar(goEnv, 'GOSUMDB'),
      fix: 'Unset GOSUMDB (default sum.golang.org) and list only private modules in GOPRIVATE/GONOSUMDB; behind a firewall use a sumdb mirror.',
    });
  } else {
    const privacy = createPrivacyRules(goEnv);
    if (privacy.noSumDb !== '' && (matchPrefixPatterns(privacy.noSumDb, 'github.com/a/b') || matchPrefixPatterns(privacy.noSumDb, 'golang.org/x/text'))) {
      const key: GoEnvKey = (goEnv.GONOSUMDB ?? '') !== '' ? 'GONOSUMDB' : 'GOPRIVATE';
      findings.push({
        category: 'sumdb-disabled',
        severity: 'warning',
        message: `${key} covers public modules (it matches github.com or golang.org paths), so the checksum database is skipped for them.`,
        evidence: showVar(goEnv, key),
        fix: `Narrow ${key} to your private hosts or organisations, e.g. git.corp.example,github.com/your-org.`,
      });
    }
  }
  if ((goEnv.GOINSECURE ?? '').trim() !== '') {
    findings.push({
      category: 'proxy-config',
      severity: 'warning',
      message:
        'GOINSECURE is set: matching modules are fetched over plain HTTP or without certificate checks. It is often a workaround for TLS interception that hides the real problem.',
      evidence: showVar(goEnv, 'GOINSECURE'),
      fix: 'Install the missing CA certificate on the agent instead and unset GOINSECURE.',
    });
  }
  return findings;
}

function lintPrivateModules(goEnv: GoEnv, modulePaths: string[], privateHosts: readonly string[]): Finding[] {
  const sumDbOff = (goEnv.GOSUMDB ?? '').trim() === 'off';
  const privacy = createPrivacyRules(goEnv);
  let publicProxyFirst = false;
  try {
    const first = parseGoproxy(goEnv.GOPROXY)[0];
    publicProxyFirst = first?.kind === 'url' && /\/\/(proxy\.golang\.org|goproxy\.(io|cn)|proxy\.golang\.com\.cn)\b/.test(first.url);
  } catch {
    publicProxyFirst = false;
  }
  const byHost = new Map<string, { paths: string[]; sumdb: boolean; proxy: boolean }>();
  // Hundreds of requirements share a few hosts: judge each host once.
  const privateHost = new Map<string, boolean>();
  for (const path of modulePaths) {
    const host = (path.split('/')[0] ?? '').toLowerCase();
    let isPrivate = privateHost.get(host);
    if (isPrivate === undefined) privateHost.set(host, (isPrivate = looksPrivateHost(host, privateHosts)));
    if (!isPrivate) continue;
    const sumdbAsked = !sumDbOff && !privacy.bypassSumDb(path);
    const proxyAsked = publicProxyFirst && !privacy.bypassProxy(path);
    if (!sumdbAsked && !proxyAsked) continue;
    const entry = byHost.get(host) ?? { paths: [], sumdb: false, proxy: false };
    entry.paths.push(path);
    entry.sumdb ||= sumdbAsked;
    entry.proxy ||= proxyAsked;
    byHost.set(host, entry);
  }
  const findings: Finding[] = [];
  for (const [host, { paths, sumdb, proxy }] of byHost) {
    const examples = paths.slice(0, 3).join(', ') + (paths.length > 3 ? `, … (${paths.length} in all)` : '');
    const them = paths.length === 1 ? 'it' : 'them';
    const asked = sumdb && proxy ? 'the public proxy and the checksum database' : sumdb ? 'the checksum database' : 'the public proxy';
    const effect = sumdb ? '404/410 "verifying module" errors' : 'a 404 before falling back to direct';
    findings.push({
      category: 'private-module-routing',
      severity: 'warning',
      message: `go.mod requires ${paths.length === 1 ? 'a module' : `${paths.length} modules`} on ${host}, which looks private, but GOPRIVATE/GONOSUMDB do not cover it: the go command asks ${asked} about ${them} (${effect}, and the module names leak).`,
      evidence: `${examples} · ${showVar(goEnv, 'GOPRIVATE')} · ${showVar(goEnv, 'GONOSUMDB')}${proxy ? ` · ${showVar(goEnv, 'GOPROXY')}` : ''}`,
      fix: `Set GOPRIVATE=${host} on the agent or in the job (go env -w GOPRIVATE=${host}); add it to GONOPROXY/GONOSUMDB too if those are set explicitly.`,
    });
  }
  return findings;
}

/** All lint rules over the go command's environment; findings carry masked evidence and a fix. */
export function lintProxyEnv(goEnv: GoEnv, opts: LintOptions = {}): Finding[] {
  return [
    ...lintGoproxy(goEnv),
    ...lintProxyUrls(goEnv),
    ...lintCaseDisagreement(goEnv),
    ...lintPrivateHostsBehindProxy(goEnv),
    ...lintGoflags(goEnv, opts),
    ...lintSumdbAndInsecure(goEnv),
    ...lintGoSumDbValue(goEnv, opts),
    ...lintPrivateModules(goEnv, opts.goModPaths ?? [], opts.privateHosts ?? []),
  ].map((f) => ({ ...f, check: f.check ?? 'proxy-env' }));
}
