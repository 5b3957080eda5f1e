/**
 * Which HTTP proxy the go command would use for a URL: golang.org/x/net/http/httpproxy
 * semantics (uppercase variables first, empty values skipped, HTTPS only from
 * HTTPS_PROXY, NO_PROXY with commas, CIDR and domain suffixes, localhost and
 * loopback never proxied). undici's EnvHttpProxyAgent differs (lowercase
 * first, loopback proxied), so buildfix does its own routing to see what the
 * build agent's go sees.
 */
import { isIP } from 'node:net';
import type { GoEnv } from '../config/env.ts';

function getEnvAny(env: GoEnv, ...keys: (keyof GoEnv)[]): string {
  for (const k of keys) {
    const v = env[k];
    if (v !== undefined && v !== '') return v;
  }
  return '';
}

/** Parses a proxy variable as Go does: a bare "host:port" gets http://. Undefined when unusable. */
export function parseProxyValue(value: string): URL | undefined {
  const tryParse = (v: string): URL | undefined => {
    try {
      return new URL(v);
    } catch {
      return undefined;
    }
  };
  let url = tryParse(value);
  if (!url || !['http:', 'https:', 'socks5:', 'socks5h:'].includes(url.protocol)) url = tryParse(`http://${value}`);
  if (!url || !url.hostname) return undefined;
  return url;
}

function ipv4ToInt(ip: string): number {
  return ip.split('.').reduce((acc, p) => (acc << 8) + Number(p), 0) >>> 0;
}

function cidrContains(cidr: string, ip: string): boolean {
  const [base, bitsText] = cidr.split('/');
  const bits = Number(bitsText);
  if (!base || isIP(base) !== 4 || isIP(ip) !== 4 || !Number.isInteger(bits) || bits < 0 || bits > 32) return false;
  if (bits === 0) return true;
  const mask = (~0 << (32 - bits)) >>> 0;
  return (ipv4ToInt(base) & mask) === (ipv4ToInt(ip) & mask);
}

function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1' || host === '0:0:0:0:0:0:0:1';
  return false;
}

/** True when NO_PROXY (or loopback) exempts this host:port from the proxy. */
export function bypassesProxy(hostname: string, port: string, noProxy: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (isLoopback(host)) return true;
  for (const raw of noProxy.split(',')) {
    let entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    if (entry === '*') return true;
    if (entry.includes('/')) {
      if (cidrContains(entry, host)) return true;
      continue;
    }
    let entryPort = '';
    const m = /^(.*?):(\d+)$/.exec(entry);
    if (m && isIP(entry) !== 6) {
      entry = m[1] ?? '';
      entryPort = m[2] ?? '';
    }
    if (isIP(entry)) {
      if (entry === host && (!entryPort || entryPort === port)) return true;
      continue;
    }
    if (entry.startsWith('*.')) entry = entry.slice(1);
    const matchHost = !entry.startsWith('.');
    const suffix = matchHost ? `.${entry}` : entry;
    if ((host.endsWith(suffix) || (matchHost && host === entry)) && (!entryPort || entryPort === port)) return true;
  }
  return false;
}

export interface ProxyDecision {
  /** The proxy to use, or undefined for a direct connection. */
  proxy: URL | undefined;
  /** Which variable decided: "HTTPS_PROXY", "NO_PROXY", "loopback", "none". */
  reason: string;
}

/** The proxy the go command would use for `target`. */
export function proxyForUrl(target: URL, env: GoEnv): ProxyDecision {
  const isHttps = target.protocol === 'https:';
  const value = isHttps ? getEnvAny(env, 'HTTPS_PROXY', 'https_proxy') : getEnvAny(env, 'HTTP_PROXY', 'http_proxy');
  if (!value) return { proxy: undefined, reason: 'none' };
  const port = target.port || (isHttps ? '443' : '80');
  if (isLoopback(target.hostname.replace(/^\[|\]$/g, ''))) return { proxy: undefined, reason: 'loopback' };
  if (bypassesProxy(target.hostname, port, getEnvAny(env, 'NO_PROXY', 'no_proxy'))) return { proxy: undefined, reason: 'NO_PROXY' };
  const proxy = parseProxyValue(value);
  return { proxy, reason: isHttps ? 'HTTPS_PROXY' : 'HTTP_PROXY' };
}
