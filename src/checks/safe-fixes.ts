/**
 * Fixes must never send a private module to a public proxy, mirror or
 * checksum database, and may name other mirrors only from the config's
 * `mirrors:` list. This module decides which GOPROXY value a fix may
 * suggest and rewrites fixes that suggest anything else.
 *
 *   private module (GOPRIVATE, GONOPROXY, GONOSUMDB, or on a host of a
 *   configured repo)         → only `direct` (and GOPRIVATE for its host)
 *   otherwise                → the config's mirrors, the official proxy,
 *                              or a proxy the agent's GOPROXY already uses
 */
import type { GoEnv } from '../config/env.ts';
import type { PrivacyRules } from '../goproxy/module-patterns.ts';
import type { Finding } from '../report/model.ts';
import { looksPrivateModule } from './private-hosts.ts';

export const OFFICIAL_PROXY = 'https://proxy.golang.org';

export interface MirrorPolicy {
  /** Mirrors from the config file (`mirrors:`), base URLs. */
  mirrors: readonly string[];
  /** GOPROXY entries the agent already uses (suggesting them again sends nothing new anywhere). */
  current: readonly string[];
  privacy: Pick<PrivacyRules, 'bypassProxy' | 'bypassSumDb'>;
  /** Hosts of configured repos. */
  privateHosts: readonly string[];
}

export function createMirrorPolicy(mirrors: readonly string[], goEnv: GoEnv, privacy: MirrorPolicy['privacy'], privateHosts: readonly string[]): MirrorPolicy {
  const current = (goEnv.GOPROXY || `${OFFICIAL_PROXY},direct`)
    .split(/[,|]/)
    .map((e) => e.trim())
    .filter((e) => e !== '' && e !== 'direct' && e !== 'off');
  return { mirrors: mirrors.map(normalize), current: current.map(normalize), privacy, privateHosts };
}

function normalize(url: string): string {
  return url.trim().replace(/\/+$/, '');
}

/** Whether a module must not be sent to any public proxy, mirror or checksum database. */
export function isPrivateModule(policy: MirrorPolicy, module: string | undefined): boolean {
  if (!module) return false;
  return policy.privacy.bypassProxy(module) || policy.privacy.bypassSumDb(module) || looksPrivateModule(module, policy.privateHosts);
}

/** A proxy base URL a fix may name for a public module. */
export function isAllowedProxy(policy: MirrorPolicy, url: string): boolean {
  const u = normalize(url);
  return u === OFFICIAL_PROXY || policy.mirrors.includes(u) || policy.current.includes(u);
}

/**
 * The GOPROXY value to suggest when `failing` (a proxy URL) does not work:
 * the config's mirrors, else the official proxy, each followed by direct;
 * for a private module only direct.
 */
export function suggestGoproxy(policy: MirrorPolicy, failing: string | undefined, module?: string): string {
  if (isPrivateModule(policy, module)) return 'direct';
  const bad = failing === undefined ? undefined : normalize(failing);
  const candidates = [...policy.mirrors, OFFICIAL_PROXY].filter((m) => m !== bad);
  return candidates.length > 0 ? `${candidates[0]},direct` : 'direct';
}

// "GOPROXY=a,b|direct" inside a fix text (optionally quoted or in backticks).
const GOPROXY_IN_TEXT = /GOPROXY=([^\s"'`()]+)/g;

/** Whether a GOPROXY value names only allowed proxies (and direct/off), given the module it is for. */
export function isSafeGoproxyValue(policy: MirrorPolicy, value: string, module?: string): boolean {
  const entries = value
    .replace(/[.;:]+$/, '')
    .split(/[,|]/)
    .map((e) => e.trim())
    .filter(Boolean);
  const priv = isPrivateModule(policy, module);
  return entries.every((e) => e === 'direct' || e === 'off' || (!priv && isAllowedProxy(policy, e)));
}

/**
 * Rewrites each finding's fix so that every GOPROXY it suggests is allowed
 * for the finding's module; mentions of public mirrors outside the policy
 * become the allowed suggestion.
 */
/** The finding's module, or the first private one of a grouped finding ("modules: a@v1, b@v2 … and 3 more"). */
function subjectModule(f: Finding, policy: MirrorPolicy): string | undefined {
  const listed =
    /^modules: (.*)$/m
      .exec(f.evidence ?? '')?.[1]
      ?.split(/,\s*|\s+…/)
      .map((m) => m.trim().split('@')[0] ?? '')
      .filter((m) => m !== '' && !m.startsWith('and')) ?? [];
  return [f.module, ...listed].find((m) => isPrivateModule(policy, m)) ?? f.module;
}

export function applySafeFixes(findings: readonly Finding[], policy: MirrorPolicy): Finding[] {
  return findings.map((f) => {
    if (!f.fix) return f;
    const module = subjectModule(f, policy);
    let fix = f.fix.replace(GOPROXY_IN_TEXT, (whole, value: string) => {
      if (isSafeGoproxyValue(policy, value, module)) return whole;
      const trail = /[.;:]+$/.exec(value)?.[0] ?? '';
      return `GOPROXY=${suggestGoproxy(policy, undefined, module)}${trail}`;
    });
    if (isPrivateModule(policy, module) && /GOSUMDB="?[^\s"]/.test(fix) && !/GOSUMDB="?off/.test(fix)) {
      fix = fix.replace(/GOSUMDB="[^"]*"|GOSUMDB=\S+/g, 'GONOSUMDB');
    }
    return fix === f.fix ? f : { ...f, fix };
  });
}
