/**
 * `diagnose --deep`: for every module go would download, fetch its .mod and
 * .zip through the GOPROXY chain (bounded concurrency), check the zip against
 * go's module zip rules, hash both as go.sum does, and compare with go.sum
 * and — where go would, or where go.sum and the download disagree — with the
 * checksum database. One finding per module version at most, the first
 * failure in the go command's order: the go.mod hash, files outside
 * `<module>@<version>/`, the zip hash, then the other zip rules.
 */
import { goModHash } from '../gomod/dirhash.ts';
import type { GoSum } from '../gomod/types.ts';
import type { GoProxyClient } from '../goproxy/goproxy-client.ts';
import type { PrivacyRules } from '../goproxy/module-patterns.ts';
import type { ProxyEntry } from '../goproxy/types.ts';
import { inspectModuleZip, MAX_ZIP_FILE, ZipReadError, type ZipInspection } from '../modzip/check-zip.ts';
import type { CheckResult, Finding, ProgressListener } from '../report/model.ts';
import { SumDbError, type SumDbClient } from '../sumdb/client.ts';
import { fetchThroughChain } from './fetch-through-chain.ts';
import { sumVerdict, type SumWitnesses } from './sum-verdict.ts';

export interface DeepModule {
  path: string;
  version: string;
  /** go.mod line of the requirement, when the main go.mod states it ("go.mod:12"). */
  location?: string;
  /** How the module is reached: ["app", "a@v1.1.0", "c@v1.1.0"]. */
  chain?: string[];
}

export interface DeepCheckOptions {
  modules: DeepModule[];
  goSum: GoSum | undefined;
  chain: ProxyEntry[];
  privacy: Pick<PrivacyRules, 'bypassProxy'>;
  client: GoProxyClient;
  /** The checksum database client (undefined: GOSUMDB=off). */
  sumDb: SumDbClient | undefined;
  /** Modules checked at once (default 16). */
  concurrency?: number;
  timeoutMs?: number;
  signal?: AbortSignal;
  onProgress?: ProgressListener;
}

export const DEFAULT_DEEP_CONCURRENCY = 16;

interface ModuleOutcome {
  finding?: Finding;
  checked: boolean;
  zipBytes: number;
  sumDbAsked: boolean;
  skipped?: string;
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

function goSumIndex(goSum: GoSum | undefined): Map<string, { hash: string; line: number }> {
  const m = new Map<string, { hash: string; line: number }>();
  for (const e of goSum?.entries ?? []) {
    if (!e.hash.startsWith('h1:')) continue;
    const key = `${e.path} ${e.version}${e.goMod ? '/go.mod' : ''}`;
    if (!m.has(key)) m.set(key, e);
  }
  return m;
}

function zipFinding(m: DeepModule, source: string, message: string, evidence: string, fix: string): Finding {
  return {
    category: 'invalid-module-zip',
    severity: 'error',
    module: m.path,
    version: m.version,
    key: `invalid-module-zip:${m.path}@${m.version}`,
    check: 'deep',
    message,
    evidence: `${source}\n${evidence}`,
    fix,
    ...(m.location ? { location: m.location } : {}),
    ...(m.chain ? { chain: m.chain } : {}),
  };
}

function zipRuleFinding(m: DeepModule, source: string, z: ZipInspection): Finding | undefined {
  const label = `${m.path}@${m.version}`;
  const requireWhere = m.location ? ` (${m.location})` : '';
  if (z.sizeError) {
    return zipFinding(
      m,
      `served by ${source}`,
      `the module zip for ${label} is too large for go: ${z.sizeError}`,
      z.sizeError,
      `go refuses this version whatever the proxy: require another version of ${m.path}${requireWhere}, or have its author shrink the module and tag a new version.`,
    );
  }
  if (z.invalid.length === 0) return undefined;
  const lines = z.invalid.slice(0, 5).map((p) => `${p.name}: ${p.reason}`);
  if (z.invalid.length > 5) lines.push(`… and ${z.invalid.length - 5} more`);
  const rules = [...new Set(z.invalid.map((p) => p.rule))].join(', ');
  return zipFinding(
    m,
    `served by ${source}`,
    `the module zip for ${label} breaks go's module zip rules (${rules}): go fails to extract it ("unzip … ${z.invalid[0]!.name}: ${z.invalid[0]!.reason}")`,
    lines.join('\n'),
    `This version's files cannot be used by go on any host: require another version of ${m.path}${requireWhere}, or have its author rename the offending files and tag a new version. If other proxies serve a zip without these files, ${source} builds zips wrongly: take it out of GOPROXY.`,
  );
}

export async function checkDeep(options: DeepCheckOptions): Promise<CheckResult> {
  const started = performance.now();
  const emit = options.onProgress ?? (() => {});
  emit({ check: 'deep', phase: 'start', message: `downloading ${options.modules.length} module zips through GOPROXY` });
  const sums = goSumIndex(options.goSum);
  const sumDb = options.sumDb;
  let sumDbTrouble: Finding | undefined;

  const sumDbWitness = async (m: DeepModule, kind: 'zip' | 'mod'): Promise<SumWitnesses['sumDb']> => {
    if (!sumDb?.db) return { notConsulted: 'GOSUMDB=off' };
    if (!sumDb.covers(m.path)) return { notConsulted: `${m.path} matches GONOSUMDB/GOPRIVATE` };
    try {
      const got = await sumDb.lookup(m.path, m.version);
      const hash = kind === 'zip' ? got.zipHash : got.modHash;
      if (!hash) return { unavailable: `the record for ${m.path}@${m.version} has no ${kind === 'zip' ? 'zip' : '/go.mod'} line`, db: got.db };
      return { hash, db: got.db, url: got.url };
    } catch (err) {
      if (!(err instanceof SumDbError)) throw err;
      return { unavailable: err.message, db: sumDb.db.name };
    }
  };

  const checkOne = async (m: DeepModule): Promise<ModuleOutcome> => {
    const bypassProxy = options.privacy.bypassProxy(m.path);
    const fetchOptions = {
      bypassProxy,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    };
    let sumDbAsked = false;
    const witness = async (kind: 'zip' | 'mod', served: SumWitnesses['served']): Promise<Finding | undefined> => {
      const goSum = sums.get(`${m.path} ${m.version}${kind === 'mod' ? '/go.mod' : ''}`);
      if (goSum && goSum.hash === served.hash) return undefined;
      sumDbAsked = true;
      const db = await sumDbWitness(m, kind);
      // go.sum has no line and go would ask the database: it fails if the database cannot answer.
      if (!goSum && 'unavailable' in db) {
        sumDbTrouble ??= {
          category: 'sumdb-unreachable',
          severity: 'error',
          module: m.path,
          version: m.version,
          key: `sumdb-unreachable:${db.db ?? 'sumdb'}`,
          check: 'deep',
          message: `go.sum has no line for ${m.path}@${m.version}${kind === 'mod' ? '/go.mod' : ''} and the checksum DB cannot vouch for it: go stops with "verifying ${kind === 'mod' ? 'go.mod' : 'module'}"`,
          evidence: db.unavailable,
          fix: `Add the missing go.sum lines from a trusted machine (\`go mod download ${m.path}@${m.version}\` there, commit go.sum), or, for a private module, add it to GONOSUMDB/GOPRIVATE.`,
        };
        return undefined;
      }
      const f = sumVerdict({ module: m.path, version: m.version, kind, served, ...(goSum ? { goSum } : {}), sumDb: db });
      return f ? { ...f, ...(m.chain ? { chain: m.chain } : {}) } : undefined;
    };

    // Both files are fetched at once (one round trip, not two); they are judged in go's order.
    const zipPromise = fetchThroughChain(options.client, options.chain, m.path, m.version, 'zip', fetchOptions);
    const mod = await fetchThroughChain(options.client, options.chain, m.path, m.version, 'mod', fetchOptions);
    if (!mod.ok) return { checked: false, zipBytes: 0, sumDbAsked, skipped: mod.message };
    const modFinding = await witness('mod', { hash: goModHash(mod.bytes), source: mod.source, url: mod.url });
    if (modFinding) return { finding: modFinding, checked: true, zipBytes: 0, sumDbAsked };

    const zip = await zipPromise;
    if (!zip.ok) return { checked: false, zipBytes: 0, sumDbAsked, skipped: zip.message };
    const label = `${m.path}@${m.version}`;
    if (zip.truncated) {
      const reason = `module zip file is too large (more than ${MAX_ZIP_FILE} bytes)`;
      return {
        finding: zipFinding(
          m,
          `served by ${zip.source}`,
          `the module zip for ${label} is too large for go: ${reason}`,
          reason,
          `require another version of ${m.path}`,
        ),
        checked: true,
        zipBytes: zip.bytes.length,
        sumDbAsked,
      };
    }
    let inspection: ZipInspection;
    try {
      inspection = await inspectModuleZip(m.path, m.version, zip.bytes);
    } catch (err) {
      if (!(err instanceof ZipReadError)) throw err;
      return {
        finding: zipFinding(
          m,
          `served by ${zip.source}: ${zip.url}`,
          `${zip.source} serves a module zip for ${label} that is not a readable zip archive`,
          err.message,
          `The proxy ${zip.source} returns a broken file for ${label}: take it out of GOPROXY or have its operator purge its copy.`,
        ),
        checked: true,
        zipBytes: zip.bytes.length,
        sumDbAsked,
      };
    }
    const outside = inspection.outsidePrefix[0];
    if (outside) {
      return {
        finding: zipFinding(
          m,
          `served by ${zip.source}: ${zip.url}`,
          `${outside.reason}: every file of a module zip must be under ${label}/ (go stops before extracting it)`,
          inspection.outsidePrefix
            .slice(0, 5)
            .map((p) => p.name)
            .join('\n'),
          `Module zips with files outside ${label}/ are built wrongly: if ${zip.source} is a private proxy or mirror, have it rebuild the zip (or take it out of GOPROXY); a zip published that way by the module's author needs a new tag.`,
        ),
        checked: true,
        zipBytes: zip.bytes.length,
        sumDbAsked,
      };
    }
    if (inspection.hash) {
      const zipHashFinding = await witness('zip', { hash: inspection.hash, source: zip.source, url: zip.url });
      if (zipHashFinding) return { finding: zipHashFinding, checked: true, zipBytes: zip.bytes.length, sumDbAsked };
    }
    const rules = zipRuleFinding(m, zip.source, inspection);
    return { ...(rules ? { finding: rules } : {}), checked: true, zipBytes: zip.bytes.length, sumDbAsked };
  };

  const outcomes = await mapLimit(options.modules, options.concurrency ?? DEFAULT_DEEP_CONCURRENCY, checkOne);
  const findings: Finding[] = outcomes.flatMap((o) => (o.finding ? [o.finding] : []));
  if (sumDbTrouble) findings.push(sumDbTrouble);
  const checked = outcomes.filter((o) => o.checked).length;
  const skipped = outcomes.filter((o) => o.skipped);
  const bytes = outcomes.reduce((n, o) => n + o.zipBytes, 0);
  const asked = outcomes.filter((o) => o.sumDbAsked).length;
  const durationMs = Math.round(performance.now() - started);
  const status = findings.some((f) => f.severity === 'error') ? 'fail' : skipped.length > 0 ? 'warn' : 'pass';
  const detail = `${checked}/${options.modules.length} modules: zips (${(bytes / 1024).toFixed(0)} KiB) checked against go's zip rules and hashed; checksum DB asked for ${asked}${skipped.length ? `; not checked: ${skipped.length} (${skipped[0]!.skipped}${skipped.length > 1 ? ', …' : ''})` : ''}`;
  emit({ check: 'deep', phase: 'done', message: detail, status, durationMs });
  return { id: 'deep', title: 'module zips and checksums (--deep)', status, durationMs, detail, findings };
}
