/**
 * A plain checksum database lookup for the toolchain check: GET
 * <sumdb>/lookup/<module>@<version> (the GOSUMDB protocol's lookup endpoint)
 * and read the status. It answers "does the database know this version",
 * not "is the signed note valid": that is src/sumdb's verifying client,
 * which fits the same ChecksumDbLookup seam.
 */
import { escapePath, escapeVersion } from '../goproxy/escape-path.ts';
import { HttpRequestError, redactUrl, type HttpClient } from '../goproxy/http-client.ts';
import type { GoSumDb } from '../goproxy/parse-goproxy.ts';
import type { ChecksumDbAnswer, ChecksumDbLookup } from './toolchain-check.ts';

export function httpChecksumDbLookup(http: HttpClient, sumDb: GoSumDb): ChecksumDbLookup {
  return {
    async lookup(module: string, version: string, options: { signal?: AbortSignal } = {}): Promise<ChecksumDbAnswer> {
      const url = `${sumDb.url.replace(/\/+$/, '')}/lookup/${escapePath(module)}@${escapeVersion(version)}`;
      const shown = redactUrl(url);
      try {
        const res = await http.get(url, options.signal ? { signal: options.signal } : {});
        const first = res.body.split('\n')[0]?.trim() ?? '';
        if (res.status === 200) return { outcome: 'found', message: `${shown}: 200 (record ${first})` };
        if (res.status === 404 || res.status === 410) return { outcome: 'not-found', message: `${shown}: ${res.status}${first ? ` ${JSON.stringify(first.slice(0, 200))}` : ''}` };
        return { outcome: 'error', message: `${shown}: HTTP ${res.status}` };
      } catch (err) {
        if (!(err instanceof HttpRequestError)) throw err;
        return { outcome: 'error', message: `${shown}: ${err.message}` };
      }
    },
  };
}
