/**
 * Three witnesses for one hash (a module zip or its go.mod): what the proxy
 * served, what go.sum records, what the checksum database vouches for. The
 * go command compares the download with go.sum and, only when go.sum has no
 * line, with the checksum database. When go.sum and the download disagree,
 * the database tells which side changed, and the two answers have opposite
 * fixes:
 *
 * - go.sum is stale (the database agrees with the proxy): the version was
 *   re-tagged upstream and go.sum was written from the other content; fix
 *   go.sum.
 * - the proxy differs (go.sum and the database agree): this proxy serves
 *   altered content; do not touch go.sum, stop using that proxy's copy.
 */
import type { Finding } from '../report/model.ts';

export interface SumWitnesses {
  module: string;
  version: string;
  kind: 'zip' | 'mod';
  /** h1: of what the proxy served, and which proxy (credentials masked) and URL. */
  served: { hash: string; source: string; url: string };
  /** go.sum's h1: line, with its line number. */
  goSum?: { hash: string; line: number };
  /** The checksum database's verified h1:, or why it has none. */
  sumDb: { hash: string; db: string; url: string } | { unavailable: string; db?: string } | { notConsulted: string };
}

function label(w: SumWitnesses): string {
  return w.kind === 'mod' ? `${w.module}@${w.version}/go.mod` : `${w.module}@${w.version}`;
}

function goSumText(w: SumWitnesses): string {
  return `${w.module} ${w.version}${w.kind === 'mod' ? '/go.mod' : ''}`;
}

/** The finding for one hash, or undefined when the go command accepts the download. */
export function sumVerdict(w: SumWitnesses): Finding | undefined {
  const what = label(w);
  const noun = w.kind === 'mod' ? 'go.mod' : 'module zip';
  const base = {
    category: 'checksum-mismatch' as const,
    module: w.module,
    version: w.version,
    key: `checksum-mismatch:${what}`,
    check: 'deep',
  };
  const db = 'hash' in w.sumDb ? w.sumDb : undefined;
  const servedLine = `${w.served.source} served ${w.served.url}: ${w.served.hash}`;
  const s = w.sumDb;
  const dbLine =
    'hash' in s
      ? `checksum DB ${s.db} (${s.url}): ${s.hash}`
      : 'unavailable' in s
        ? `checksum DB: not available (${s.unavailable})`
        : `checksum DB: not consulted (${s.notConsulted})`;
  if (w.goSum) {
    if (w.goSum.hash === w.served.hash) return undefined;
    const gsLine = `go.sum:${w.goSum.line}: ${goSumText(w)} ${w.goSum.hash}`;
    const evidence = [gsLine, servedLine, dbLine].join('\n');
    const location = `go.sum:${w.goSum.line}`;
    if (db && db.hash === w.served.hash) {
      return {
        ...base,
        severity: 'error',
        location,
        message: `go.sum is stale for ${what}: the version was re-tagged upstream (the checksum DB agrees with the proxy, go.sum differs); go stops with SECURITY ERROR`,
        evidence,
        fix: `Fix go.sum, not the proxy: delete the "${goSumText(w)}" line (go.sum:${w.goSum.line}) and run \`go mod download ${w.module}@${w.version}\` with GOSUMDB on, which records the hash the checksum DB vouches for; then find what wrote the old line (a direct fetch of the tag before it moved, or GONOSUMDB).`,
      };
    }
    if (db && db.hash === w.goSum.hash) {
      return {
        ...base,
        severity: 'error',
        location,
        message: `${w.served.source} serves a ${noun} for ${what} that differs from the checksum DB (go.sum and the checksum DB agree, the proxy differs); go stops with SECURITY ERROR`,
        evidence,
        fix: `Do not edit go.sum: it is right. The proxy ${w.served.source} serves altered content for ${what}: remove it from GOPROXY or have its operator purge its copy of ${w.module}@${w.version}, and treat it as a possible supply-chain incident.`,
      };
    }
    if (db) {
      return {
        ...base,
        severity: 'error',
        location,
        message: `${what}: the proxy, go.sum and the checksum DB all disagree (${w.served.source} serves altered content and go.sum is wrong too); go stops with SECURITY ERROR`,
        evidence,
        fix: `Stop using ${w.served.source} for ${w.module} (remove it from GOPROXY or have it purged), then replace the "${goSumText(w)}" line (go.sum:${w.goSum.line}) with the checksum DB's hash by running \`go mod download ${w.module}@${w.version}\` through a proxy that agrees with the DB.`,
      };
    }
    return {
      ...base,
      severity: 'error',
      location,
      message: `the ${noun} served for ${what} does not match go.sum (go stops with SECURITY ERROR); the checksum DB could not say which side changed`,
      evidence,
      fix: `Compare with a second source before touching go.sum: \`GOFLAGS=-mod=mod GONOSUMDB= GOPROXY=https://proxy.golang.org go mod download -json ${w.module}@${w.version}\` (public modules only). If it matches go.sum, ${w.served.source} serves altered content; if it matches the download, go.sum is stale.`,
    };
  }
  // No go.sum line: go asks the checksum database (when it covers the module) and accepts whatever it vouches for.
  if (db && db.hash !== w.served.hash) {
    return {
      ...base,
      severity: 'error',
      message: `${w.served.source} serves a ${noun} for ${what} that differs from the checksum DB (go.sum has no line for it); go stops with SECURITY ERROR`,
      evidence: [servedLine, dbLine].join('\n'),
      fix: `The proxy ${w.served.source} serves altered content for ${what}: remove it from GOPROXY or have its operator purge its copy; do not add the downloaded hash to go.sum.`,
    };
  }
  return undefined;
}
