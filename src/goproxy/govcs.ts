/**
 * GOVCS as the go command applies it (cmd/go/internal/vcs CheckGOVCS): which
 * version control tools go may run for a repository root. The user's rules
 * come first, then the defaults "private:all,public:git|hg"; "private" is
 * decided by GOPRIVATE alone. Module-proxy go-import entries ("mod") are
 * always allowed.
 */
import { matchPrefixPatterns } from './module-patterns.ts';

interface GovcsRule {
  pattern: string;
  allowed: string[];
}

const DEFAULT_RULES: GovcsRule[] = [
  { pattern: 'private', allowed: ['all'] },
  { pattern: 'public', allowed: ['git', 'hg'] },
];

/** parseGOVCS; throws with go's message for a malformed value. */
export function parseGovcs(value: string | undefined): GovcsRule[] {
  const s = (value ?? '').trim();
  if (s === '') return [];
  const rules: GovcsRule[] = [];
  const have = new Map<string, string>();
  for (const raw of s.split(',')) {
    const item = raw.trim();
    if (item === '') throw new Error('empty entry in GOVCS');
    const i = item.indexOf(':');
    if (i < 0) throw new Error(`malformed entry in GOVCS (missing colon): "${item}"`);
    const pattern = item.slice(0, i).trim();
    const list = item.slice(i + 1).trim();
    if (pattern === '') throw new Error(`empty pattern in GOVCS: "${item}"`);
    if (list === '') throw new Error(`empty VCS list in GOVCS: "${item}"`);
    if (pattern.startsWith('./') || pattern.startsWith('../') || pattern === '.' || pattern === '..')
      throw new Error(`relative pattern not allowed in GOVCS: "${pattern}"`);
    const old = have.get(pattern);
    if (old !== undefined) throw new Error(`unreachable pattern in GOVCS: "${item}" after "${old}"`);
    have.set(pattern, item);
    const allowed = list.split('|').map((a) => a.trim());
    if (allowed.some((a) => a === '')) throw new Error(`empty VCS name in GOVCS: "${item}"`);
    rules.push({ pattern, allowed });
  }
  return rules;
}

/** undefined when go may use `vcs` for `root`; otherwise go's error text. */
export function govcsDenial(root: string, vcs: string, env: { GOVCS?: string | undefined; GOPRIVATE?: string | undefined }): string | undefined {
  if (vcs === 'mod') return undefined;
  let rules: GovcsRule[];
  try {
    rules = [...parseGovcs(env.GOVCS), ...DEFAULT_RULES];
  } catch (err) {
    return (err as Error).message;
  }
  const isPrivate = matchPrefixPatterns(env.GOPRIVATE ?? '', root);
  for (const rule of rules) {
    const match = rule.pattern === 'private' ? isPrivate : rule.pattern === 'public' ? !isPrivate : matchPrefixPatterns(rule.pattern, root);
    if (!match) continue;
    if (rule.allowed.includes(vcs) || rule.allowed.includes('all')) return undefined;
    break;
  }
  return `GOVCS disallows using ${vcs} for ${isPrivate ? 'private' : 'public'} ${root}; see 'go help vcs'`;
}
