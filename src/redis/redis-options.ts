/**
 * REDIS_URL → explicit ioredis options. redis:// is plain TCP, rediss:// is
 * TLS (SNI set to the host name; none for an IP). Parsed here rather than by ioredis so the result
 * is testable, survives `duplicate()` unchanged, and never logs a password.
 */
import { isIP } from 'node:net';
import type { RedisOptions } from 'ioredis';
import { ConfigError } from '../errors.ts';

export interface ParsedRedisUrl {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db: number;
  tls: boolean;
}

export function parseRedisUrl(url: string): ParsedRedisUrl {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError([`REDIS_URL: "${describeRedisUrl(url)}" is not a URL (expected redis://[user:password@]host[:port][/db] or rediss://…)`]);
  }
  const scheme = parsed.protocol.toLowerCase();
  if (scheme !== 'redis:' && scheme !== 'rediss:') {
    throw new ConfigError([`REDIS_URL: scheme must be redis:// or rediss://, got ${parsed.protocol}//`]);
  }
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === '') throw new ConfigError(['REDIS_URL: no host name']);
  const port = parsed.port === '' ? 6379 : Number(parsed.port);
  const dbText = parsed.pathname.replace(/^\//, '');
  if (dbText !== '' && !/^\d{1,2}$/.test(dbText)) throw new ConfigError([`REDIS_URL: the path must be a database number (/0 … /15), got /${dbText}`]);
  const out: ParsedRedisUrl = { host, port, db: dbText === '' ? 0 : Number(dbText), tls: scheme === 'rediss:' };
  if (parsed.username) out.username = decodeURIComponent(parsed.username);
  if (parsed.password) out.password = decodeURIComponent(parsed.password);
  return out;
}

/** The URL as it may appear in logs and status output: the password is masked. */
export function describeRedisUrl(url: string): string {
  return url.replace(/^(rediss?:\/\/)([^@/]*)@/i, (_m, scheme: string, auth: string) => {
    const user = auth.includes(':') ? auth.slice(0, auth.indexOf(':')) : '';
    return `${scheme}${user ? `${user}:` : ':'}***@`;
  });
}

/** ioredis connection options for a REDIS_URL (without role-specific retry settings). */
export function redisOptionsFromUrl(url: string): RedisOptions {
  const p = parseRedisUrl(url);
  const options: RedisOptions = { host: p.host, port: p.port, db: p.db };
  if (p.username !== undefined) options.username = p.username;
  if (p.password !== undefined) options.password = p.password;
  // SNI carries host names only (RFC 6066); for an IP the certificate is checked against its IP SANs.
  if (p.tls) options.tls = isIP(p.host) ? {} : { servername: p.host };
  return options;
}
