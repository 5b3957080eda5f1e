/**
 * The one request buildfix makes without checking a certificate, because go
 * makes it too: with GOINSECURE matching a module path, go fetches the
 * module's `https://…?go-get=1` page with certificate verification off
 * before falling back to plain http (web.Get's impatientInsecureHTTPClient).
 * Only ever used for that page; a timeout and a body cap apply.
 */
import { request } from 'node:https';

export interface InsecureAnswer {
  status: number;
  body: string;
  url: string;
}

export function insecureGet(url: string, options: { timeoutMs: number; headers?: Record<string, string>; maxBodyBytes?: number; signal?: AbortSignal }): Promise<InsecureAnswer> {
  const max = options.maxBodyBytes ?? 1024 * 1024;
  return new Promise<InsecureAnswer>((resolve, reject) => {
    const req = request(url, { method: 'GET', rejectUnauthorized: false, headers: { 'user-agent': 'buildfix (go-get)', ...options.headers }, timeout: options.timeoutMs, ...(options.signal ? { signal: options.signal } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        if (size < max) chunks.push(c);
        size += c.length;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).subarray(0, max).toString('utf8'), url }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`timed out after ${options.timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}
