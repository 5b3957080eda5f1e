/**
 * The toolchain check's checksum database question ("does the database
 * vouch for golang.org/toolchain@v0.0.1-go1.X.Y.<goos>-<goarch>?") answered
 * by the verifying client in src/sumdb: lookup through GOPROXY's /sumdb/ or
 * GOSUMDB's URL, signed note and tile proof checked. go verifies every
 * downloaded toolchain, whatever GONOSUMDB/GOPRIVATE say, so the client for
 * it ignores those.
 */
import type { GoEnv } from '../config/env.ts';
import type { HttpClient } from '../goproxy/http-client.ts';
import { SumDbClient, SumDbError } from '../sumdb/index.ts';
import type { ChecksumDbAnswer, ChecksumDbLookup } from './toolchain-check.ts';

export function sumDbChecksumLookup(client: Pick<SumDbClient, 'lookup'>): ChecksumDbLookup {
  return {
    async lookup(module: string, version: string): Promise<ChecksumDbAnswer> {
      try {
        const r = await client.lookup(module, version);
        return { outcome: 'found', message: `${r.url}: record ${r.recordId} in the signed tree of size ${r.tree.size} (${r.via})` };
      } catch (err) {
        if (!(err instanceof SumDbError)) throw err;
        return { outcome: err.kind === 'not-found' ? 'not-found' : 'error', message: err.message };
      }
    },
  };
}

/** A verifying client for toolchain lookups: GONOSUMDB/GOPRIVATE do not exempt golang.org/toolchain. */
export function toolchainSumDbClient(goEnv: GoEnv, http: HttpClient, timeoutMs?: number): SumDbClient {
  return new SumDbClient({ goEnv: { ...goEnv, GONOSUMDB: '', GOPRIVATE: '' }, http, ...(timeoutMs !== undefined ? { timeoutMs } : {}) });
}
