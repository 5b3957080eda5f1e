/**
 * The one request buildfix makes without checking a certificate, because go
 * makes it too: with GOINSECURE matching a module path, go fetches the
 * module's `https://…?go-get=1` page with certificate verification off
 * before falling back to plain http (web.Get's impatientInsecureHTTPClient,
 * which follows redirects). Only ever used for that page; a timeout and a
 * body cap apply.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface InsecureAnswer {
  status: number;
  body: string;
  /** The final URL, after redirects. */
  url: string;
}

interface InsecureOptions {
  timeoutMs: number;
  headers?: Record<string, string>;
  maxBodyBytes?: number;
  signal?: AbortSignal;
}

const MAX_REDIRECTS = 10;

function once(url: string, options: InsecureOptions): Promise<{ res: IncomingMessage; body: string }> {
  const max = options.maxBodyBytes ?? 1024 * 1024;
  const request = url.startsWith('https:') ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'GET',
        rejectUnauthorized: false,
        headers: { 'user-agent': 'buildfix (go-get)', ...options.headers },
        timeout: options.timeoutMs,
        ...(options.signal ? { signal: options.signal } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          if (size < max) chunks.push(c);
          size += c.length;
        });
        res.on('end', () => resolve({ res, body: Buffer.concat(chunks).subarray(0, max).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timed out after ${options.timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

export async function insecureGet(url: string, options: InsecureOptions): Promise<InsecureAnswer> {
  let current = url;
  for (let redirects = 0; ; redirects++) {
    const { res, body } = await once(current, options);
    const status = res.statusCode ?? 0;
    const location = res.headers.location;
    if (status >= 300 && status < 400 && status !== 304 && location && redirects < MAX_REDIRECTS) {
      const next = new URL(location, current);
      // Credentials stay with the host they were meant for, as Go's client does.
      const sameHost = next.host === new URL(current).host;
      current = next.toString();
      if (!sameHost && options.headers?.authorization)
        options = { ...options, headers: Object.fromEntries(Object.entries(options.headers).filter(([k]) => k.toLowerCase() !== 'authorization')) };
      continue;
    }
    return { status, body, url: current };
  }
}
