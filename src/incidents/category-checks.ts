/**
 * The live checks a classified CI failure calls for, in the order the
 * automatic diagnosis runs them (issue 13, item 5): the classifier names a
 * cause from the log; these confirm or rule it out against the live systems
 * before the repository's full diagnosis runs.
 *
 *   checksum family  → the checksum DB's record of the module version, then a deep diagnosis
 *   vanity-import    → the vanity host's ?go-get=1 answer (status, certificate, go-import meta tag)
 *   proxy families   → the proxy / checksum DB reachability probe
 *   disk, toolchain  → the agent (hostcheck) when the failing agent is known
 *
 * `diagnose` is always last; `deep` asks for the deep diagnosis (module zips
 * and sums) where the category calls for it.
 */
import type { Classification } from '../classify/classify-log.ts';
import { otherCause } from '../classify/other-cause.ts';
import { sumDbChecksumLookup } from '../checks/checksum-db-lookup.ts';
import { HttpRequestError, redactUrl, type HttpClient } from '../goproxy/http-client.ts';
import type { Category } from '../report/model.ts';
import type { SumDbClient } from '../sumdb/index.ts';

export type LiveCheck =
  | { kind: 'probe'; why: string }
  | { kind: 'sumdb-lookup'; module: string; version: string; why: string }
  | { kind: 'vanity-host'; url: string; importPath: string; why: string }
  | { kind: 'hostcheck'; why: string }
  | { kind: 'diagnose'; deep: boolean; why: string };

const PROXY_FAMILY: readonly Category[] = [
  'proxy-unreachable',
  'corporate-proxy',
  'tls-interception',
  'sumdb-unreachable',
  'proxy-server-error',
  'proxy-disabled',
  'rate-limited',
  'proxy-config',
];
const CHECKSUM_FAMILY: readonly Category[] = ['checksum-mismatch', 'missing-go-sum'];
const AGENT_FAMILY: readonly Category[] = ['disk-full', 'toolchain-mismatch', 'toolchain-unavailable'];

/**
 * The checks for one classification, in the order to run them. An answer the log alone cannot
 * settle (`Root cause: X (or Y)`) gets the checks of both causes, so the thread tells them apart.
 */
export function liveChecksFor(c: Pick<Classification, 'category' | 'module' | 'version' | 'ecosystem' | 'candidates'>): LiveCheck[] {
  const other = otherCause(c);
  const categories = other ? [c.category, other] : [c.category];
  const checks: LiveCheck[] = [];
  for (const category of categories) {
    for (const check of checksOf({ ...c, category })) if (!checks.some((k) => k.kind === check.kind)) checks.push(check);
  }
  if (categories.some((k) => CHECKSUM_FAMILY.includes(k))) {
    checks.push({ kind: 'diagnose', deep: true, why: 'deep diagnosis: download and hash the module zips against go.sum' });
  } else {
    checks.push({ kind: 'diagnose', deep: false, why: 'the repository diagnosis (go.mod, go.sum, module versions, credentials)' });
  }
  return checks;
}

/** What one category calls for before the diagnosis. */
function checksOf(c: Pick<Classification, 'category' | 'module' | 'version' | 'ecosystem'>): LiveCheck[] {
  const go = c.ecosystem !== 'npm';
  if (CHECKSUM_FAMILY.includes(c.category)) {
    return go && c.module && c.version && c.category === 'checksum-mismatch'
      ? [{ kind: 'sumdb-lookup', module: c.module, version: c.version, why: `what the checksum DB recorded for ${c.module}@${c.version}` }]
      : [];
  }
  if (c.category === 'vanity-import' && c.module) {
    return [{ kind: 'vanity-host', url: `https://${c.module}?go-get=1`, importPath: c.module, why: `the vanity host's go-get answer for ${c.module}` }];
  }
  if (PROXY_FAMILY.includes(c.category)) {
    return [{ kind: 'probe', why: 'reachability of every GOPROXY entry and the checksum DB, direct and through the HTTP proxy' }];
  }
  if (AGENT_FAMILY.includes(c.category)) return [{ kind: 'hostcheck', why: 'disk, Go version and environment on the failing agent' }];
  return [];
}

export function describeCheck(check: LiveCheck): string {
  switch (check.kind) {
    case 'probe':
      return `probe: ${check.why}`;
    case 'sumdb-lookup':
      return `checksum DB lookup: ${check.why}`;
    case 'vanity-host':
      return `vanity host: ${check.why}`;
    case 'hostcheck':
      return `hostcheck: ${check.why}`;
    case 'diagnose':
      return `${check.deep ? 'diagnose --deep' : 'diagnose'}: ${check.why}`;
  }
}

export interface DirectCheckResult {
  ok: boolean;
  text: string;
}

const GO_IMPORT_META = /<meta\s+name=["']?go-import["']?\s+content=["']([^"']+)["']/i;

/** GET <vanity>?go-get=1 and read the go-import meta tag (the same lookup the go command makes). */
export async function checkVanityHost(http: HttpClient, url: string, importPath: string, signal?: AbortSignal): Promise<DirectCheckResult> {
  const shown = redactUrl(url);
  try {
    const res = await http.get(url, signal ? { signal } : {});
    const meta = GO_IMPORT_META.exec(res.body)?.[1];
    if (res.status !== 200)
      return { ok: false, text: `${shown}: HTTP ${res.status}${meta ? ` (meta ${meta})` : ''}: the vanity host is failing for ${importPath}` };
    if (!meta) return { ok: false, text: `${shown}: 200 but no go-import meta tag: go cannot resolve ${importPath} here` };
    const prefix = meta.split(/\s+/)[0] ?? '';
    if (!importPath.startsWith(prefix)) return { ok: false, text: `${shown}: go-import "${meta}" does not match ${importPath}` };
    return { ok: true, text: `${shown}: 200, go-import "${meta}": the vanity host answers now (retry, or the failure was on the agent's path to it)` };
  } catch (err) {
    if (!(err instanceof HttpRequestError)) throw err;
    return { ok: false, text: `${shown}: ${err.message}` };
  }
}

/** The checksum DB's record of module@version, through the verifying client (signed note and tile proof, as go checks it). */
export async function checkSumDbRecord(client: Pick<SumDbClient, 'lookup'>, module: string, version: string): Promise<DirectCheckResult> {
  const answer = await sumDbChecksumLookup(client).lookup(module, version);
  return { ok: answer.outcome === 'found', text: answer.message };
}
