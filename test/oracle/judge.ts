/**
 * Agreement between the go command and buildfix on one project:
 * - buildfix reports an error-severity finding exactly when go fails;
 * - when go names a module@version, an error finding names the same one;
 * - the top-ranked finding's category fits go's message (GO_MESSAGE_RULES).
 */
import type { DiagnosisReport, Finding, FindingCategory } from '../../src/report/model.ts';
import type { BuildfixOutcome, GoOutcome } from './run-project.ts';

export interface MessageRule {
  /** What go says (tested against go's output). */
  pattern: RegExp;
  /** What it means, for the docs table. */
  meaning: string;
  accept: FindingCategory[];
}

/** First match wins: go's message patterns → the categories that name the same cause. */
export const GO_MESSAGE_RULES: MessageRule[] = [
  { pattern: /SECURITY ERROR|checksum mismatch/, meaning: 'go.sum hash differs from the downloaded content', accept: ['checksum-mismatch'] },
  { pattern: /malformed go\.sum|go\.sum:\d+/, meaning: 'go.sum cannot be parsed', accept: ['checksum-mismatch', 'missing-go-sum', 'invalid-go-mod'] },
  { pattern: /missing go\.sum entry/, meaning: 'go.sum lacks a needed line', accept: ['missing-go-sum'] },
  {
    pattern: /inconsistent vendoring|vendor\/modules\.txt|-mod=vendor|vendor directory/,
    meaning: 'vendor/ disagrees with go.mod',
    accept: ['vendor-inconsistent', 'vendor-missing'],
  },
  {
    pattern: /unknown directive: toolchain|requires go >=|toolchain/,
    meaning: 'needs a newer go or toolchain',
    accept: ['toolchain-mismatch', 'toolchain-unavailable', 'invalid-go-mod'],
  },
  { pattern: /invalid go version/, meaning: 'malformed go line', accept: ['invalid-go-mod', 'toolchain-mismatch'] },
  {
    pattern: /(malformed|invalid) module path|go\.mod:\d+:|parsing go\.mod:\n?\s*go\.mod|errors parsing go\.mod|usage: (require|replace|module)/,
    meaning: 'go.mod line go cannot parse',
    accept: ['invalid-go-mod'],
  },
  {
    pattern: /module declares its path as|but was required as/,
    meaning: 'declared module path differs',
    accept: ['module-path-mismatch', 'replace-directive'],
  },
  { pattern: /replacement directory|replaced by \.|=> \.\.?\//, meaning: 'local replace target unusable', accept: ['replace-directive'] },
  { pattern: /excluded/, meaning: 'required version is excluded', accept: ['excluded-version'] },
  {
    pattern:
      /malformed file path|unexpected file|case-insensitive file name collision|not in module|file path .*outside|too large|zip: not a valid zip|module source tree/,
    meaning: "module zip violates go's zip rules",
    accept: ['invalid-module-zip'],
  },
  { pattern: /x509:|certificate|tls:/, meaning: 'TLS failure to a GOPROXY entry', accept: ['tls-interception', 'proxy-unreachable'] },
  { pattern: /GOPROXY=off|module lookup disabled/, meaning: 'GOPROXY=off', accept: ['proxy-disabled'] },
  {
    pattern: /verifying .*(dial tcp|connection refused|lookup|EOF)/,
    meaning:
      'go asks the checksum DB about a module go.sum lacks and cannot reach it (private-module-routing names the same lookup: a private-looking module go sends to the checksum DB)',
    accept: ['sumdb-unreachable', 'private-module-routing'],
  },
  {
    pattern: /unrecognized import path|go-get=1|no such host/,
    meaning: 'direct fetch (vanity/VCS host) failed',
    accept: ['vanity-import', 'proxy-unreachable', 'private-module-auth'],
  },
  { pattern: /connection refused|connection reset|EOF|i\/o timeout|dial tcp/, meaning: 'GOPROXY entry unreachable', accept: ['proxy-unreachable'] },
  { pattern: /\b50\d\b|Internal Server Error/i, meaning: 'GOPROXY entry answered 5xx', accept: ['proxy-server-error', 'proxy-unreachable'] },
  {
    pattern: /404 Not Found|410 Gone|not found|unknown revision|invalid version|no matching versions/,
    meaning: 'version not on the proxy chain',
    accept: ['version-not-found'],
  },
  {
    pattern: /updates to go\.mod needed/,
    meaning: 'go.mod needs rewriting (go mod tidy)',
    accept: ['invalid-go-mod', 'excluded-version', 'version-not-found'],
  },
];

export interface Verdict {
  agree: boolean;
  /** Why they disagree (empty when they agree). */
  reasons: string[];
  goFailed: boolean;
  buildfixFailed: boolean;
  /** module@versions go names in its first error (any one of them is enough). */
  goNames?: Array<{ path: string; version: string }>;
  rule?: MessageRule;
  top?: Finding;
}

const MODULE_AT_VERSION = /(?<![\w.:/~!+-])([A-Za-z0-9][A-Za-z0-9._~\-/!+]*\.[A-Za-z0-9._~\-/!+]*)@(v[0-9][A-Za-z0-9.\-+]*)/g;

/**
 * go's first error: from its first line that is not progress ("go: downloading …")
 * up to the next line that starts another "go: " message.
 */
export function firstGoError(output: string): string {
  const lines = output.split('\n').filter((l) => l.trim() !== '' && !/^go: (downloading|finding|extracting) /.test(l));
  const out: string[] = [];
  for (const line of lines) {
    if (out.length > 0 && /^go: /.test(line)) break;
    out.push(line);
  }
  return out.join('\n');
}

/** Every module@version in go's first error (deduplicated, in order). */
export function goNamedModules(output: string): Array<{ path: string; version: string }> {
  const seen = new Set<string>();
  const out: Array<{ path: string; version: string }> = [];
  for (const m of firstGoError(output).matchAll(MODULE_AT_VERSION)) {
    const path = m[1]!;
    const version = m[2]!.replace(/\/go\.mod$/, '').replace(/[.:]+$/, '');
    if (seen.has(`${path}@${version}`)) continue;
    seen.add(`${path}@${version}`);
    out.push({ path, version });
  }
  return out;
}

export function ruleFor(output: string): MessageRule | undefined {
  const text = firstGoError(output);
  return GO_MESSAGE_RULES.find((r) => r.pattern.test(text));
}

function textOf(f: Finding): string {
  return [f.message, f.evidence ?? '', f.location ?? '', ...(f.chain ?? [])].join('\n');
}

function namesModule(f: Finding, path: string, version: string): boolean {
  const text = textOf(f);
  const pathOk = f.module === path || text.includes(path);
  const versionOk =
    f.version === version || text.includes(`${path}@${version}`) || text.includes(`${path} ${version}`) || (f.module === path && text.includes(version));
  return pathOk && versionOk;
}

export function judge(go: GoOutcome, bf: BuildfixOutcome): Verdict {
  const goFailed = go.exitCode !== 0;
  const report: DiagnosisReport | undefined = bf.report;
  const errors = report?.findings.filter((f) => f.severity === 'error') ?? [];
  const buildfixFailed = bf.error !== undefined || errors.length > 0;
  const reasons: string[] = [];
  const verdict: Verdict = { agree: true, reasons, goFailed, buildfixFailed };
  if (bf.error) {
    reasons.push(`buildfix could not run (${bf.error.code}: ${bf.error.message})`);
    verdict.agree = false;
    return verdict;
  }
  if (goFailed !== buildfixFailed) {
    reasons.push(goFailed ? 'go fails, buildfix reports no error' : `go succeeds, buildfix reports an error: ${errors[0]?.category}: ${errors[0]?.message}`);
  }
  if (goFailed && buildfixFailed) {
    const top = report!.findings[0]!;
    verdict.top = top;
    const rule = ruleFor(go.output);
    if (rule) verdict.rule = rule;
    if (rule && !rule.accept.includes(top.category as FindingCategory))
      reasons.push(`top finding is ${top.category}, go's message means ${rule.meaning} (${rule.accept.join('/')})`);
    if (!rule) reasons.push("no message rule matches go's output (add one to GO_MESSAGE_RULES)");
    const named = goNamedModules(go.output);
    if (named.length > 0) {
      verdict.goNames = named;
      if (!errors.some((f) => named.some((n) => namesModule(f, n.path, n.version))))
        reasons.push(`go names ${named.map((n) => `${n.path}@${n.version}`).join(' / ')}, no error finding does`);
    }
  }
  verdict.agree = reasons.length === 0;
  return verdict;
}
