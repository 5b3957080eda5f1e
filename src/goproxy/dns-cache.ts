/**
 * A single-flight, caching DNS lookup for undici connections. Without it, 64
 * parallel requests to one unreachable host start 64 getaddrinfo calls on
 * libuv's 4-thread pool, and a dead resolver then stalls for minutes; with it,
 * one lookup answers every connection and a failure is remembered briefly.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

interface Entry {
  expires: number;
  promise: Promise<LookupAddress[]>;
}

export interface CachingLookupOptions {
  /** How long answers are reused (ms). */
  ttlMs?: number;
  /** How long failures are reused (ms). */
  negativeTtlMs?: number;
  /** Give up on a lookup after this long (ms). */
  timeoutMs?: number;
  /** The resolver to wrap (tests pass a /etc/hosts-like one). */
  resolve?: (hostname: string) => Promise<LookupAddress[]>;
}

function systemResolve(hostname: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) => {
    dnsLookup(hostname, { all: true }, (err, addresses) => (err ? reject(err) : resolve(addresses)));
  });
}

export function createCachingLookup(options: CachingLookupOptions = {}) {
  const ttl = options.ttlMs ?? 60_000;
  const negativeTtl = options.negativeTtlMs ?? 10_000;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const resolveFn = options.resolve ?? systemResolve;
  const cache = new Map<string, Entry>();

  const resolveOnce = (hostname: string): Promise<LookupAddress[]> => {
    const now = Date.now();
    const hit = cache.get(hostname);
    if (hit && hit.expires > now) return hit.promise;
    const promise = new Promise<LookupAddress[]>((resolve, reject) => {
      const timer = setTimeout(() => {
        const err: NodeJS.ErrnoException = new Error(`getaddrinfo EAI_AGAIN ${hostname} (no DNS answer within ${timeoutMs} ms)`);
        err.code = 'EAI_AGAIN';
        err.syscall = 'getaddrinfo';
        reject(err);
      }, timeoutMs);
      timer.unref();
      resolveFn(hostname).then(
        (a) => {
          clearTimeout(timer);
          resolve(a);
        },
        (e: unknown) => {
          clearTimeout(timer);
          reject(e);
        },
      );
    });
    const entry: Entry = { expires: Number.POSITIVE_INFINITY, promise };
    cache.set(hostname, entry);
    promise.then(
      () => (entry.expires = Date.now() + ttl),
      () => (entry.expires = Date.now() + negativeTtl),
    );
    return promise;
  };

  return (hostname: string, opts: LookupOptions, callback: LookupCallback): void => {
    resolveOnce(hostname).then(
      (addresses) => {
        const family = opts.family === 4 || opts.family === 6 ? opts.family : undefined;
        const usable = family ? addresses.filter((a) => a.family === family) : addresses;
        if (opts.all) callback(null, usable);
        else {
          const first = usable[0];
          if (!first) {
            const err: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
            err.code = 'ENOTFOUND';
            callback(err, '', 0);
          } else callback(null, first.address, first.family);
        }
      },
      (err: NodeJS.ErrnoException) => callback(err, opts.all ? [] : '', 0),
    );
  };
}
