/**
 * One module file (.mod or .zip) fetched the way the go command's TryProxies
 * walks GOPROXY: entries in order, 404/410 falls through after "," and any
 * error falls through after "|"; `direct` and `off` end the walk (--deep does
 * not clone repositories: a module found only `direct` is reported as not
 * checked). GONOPROXY/GOPRIVATE modules go `direct` at once.
 */
import { MAX_ZIP_FILE } from '../modzip/check-zip.ts';
import { proxyFileUrl, type GoProxyClient } from '../goproxy/goproxy-client.ts';
import { redactUrl } from '../goproxy/http-client.ts';
import type { ProxyEntry } from '../goproxy/types.ts';

export type ChainFetch =
  | { ok: true; bytes: Buffer; /** Proxy base URL, credentials masked. */ source: string; url: string; truncated: boolean }
  | { ok: false; reason: 'direct' | 'off' | 'not-found' | 'error'; message: string; source?: string };

export async function fetchThroughChain(
  client: GoProxyClient,
  chain: ProxyEntry[],
  module: string,
  version: string,
  kind: 'mod' | 'zip',
  options: { bypassProxy: boolean; signal?: AbortSignal; timeoutMs?: number },
): Promise<ChainFetch> {
  if (options.bypassProxy) return { ok: false, reason: 'direct', message: `${module} matches GONOPROXY/GOPRIVATE: go fetches it direct (from its repository)` };
  let last: ChainFetch = { ok: false, reason: 'not-found', message: `${module}@${version}: no GOPROXY entry` };
  for (const entry of chain) {
    if (entry.kind === 'direct')
      return { ok: false, reason: 'direct', message: `${module}@${version} .${kind} is not on the proxies; go would fetch it direct` };
    if (entry.kind === 'off') return { ok: false, reason: 'off', message: 'GOPROXY=off: module downloads are disabled' };
    const source = redactUrl(entry.url);
    try {
      const res = await client.fetch(
        entry.url,
        module,
        { kind, version },
        {
          binary: true,
          maxBodyBytes: kind === 'zip' ? MAX_ZIP_FILE + 1 : 16 * 1024 * 1024 + 1,
          ...(options.signal ? { signal: options.signal } : {}),
          ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
        },
      );
      if (res.status === 200)
        return {
          ok: true,
          bytes: res.bytes ?? Buffer.alloc(0),
          source,
          url: redactUrl(proxyFileUrl(entry.url, module, { kind, version })),
          truncated: res.truncated,
        };
      last = {
        ok: false,
        reason: res.notFound ? 'not-found' : 'error',
        message: `${source}: ${module}@${version} .${kind}: HTTP ${res.status}${res.message ? ` ${res.message}` : ''}`,
        source,
      };
      if (!res.notFound && !entry.fallThroughOnAnyError) return last;
    } catch (err) {
      last = { ok: false, reason: 'error', message: err instanceof Error ? err.message : String(err), source };
      if (!entry.fallThroughOnAnyError) return last;
    }
  }
  return last;
}
