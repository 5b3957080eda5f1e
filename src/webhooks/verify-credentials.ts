/**
 * Webhook credential checks, all constant-time. Shared tokens are compared
 * through their SHA-256 digests so neither the content nor the length of the
 * secret leaks through timing; the GitHub signature is an HMAC over the raw
 * bytes exactly as received (never over re-serialized JSON).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** Constant-time equality of a presented token and the configured one. */
export function tokensEqual(presented: string | undefined, expected: string): boolean {
  if (presented === undefined || presented === '') return false;
  return timingSafeEqual(digest(presented), digest(expected));
}

const SIGNATURE = /^sha256=([0-9a-f]{64})$/i;

/** `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(secret, body)>`. */
export function verifyGithubSignature(secret: string, rawBody: Buffer, header: string | undefined): boolean {
  const m = header ? SIGNATURE.exec(header.trim()) : null;
  if (!m || !m[1]) return false;
  const presented = Buffer.from(m[1], 'hex');
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  return timingSafeEqual(presented, expected);
}

/** The signature header value GitHub would send (for tests, fakes and the benchmark). */
export function signGithubBody(secret: string, rawBody: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}

/** The password of an `Authorization: Basic` header (Jenkins sends URL userinfo this way). */
export function basicAuthPassword(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!m || !m[1]) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon === -1 ? undefined : decoded.slice(colon + 1);
}
