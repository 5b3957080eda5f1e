/**
 * GOPROXY and GOSUMDB parsed exactly as the go command parses them
 * (cmd/go/internal/modfetch/proxy.go proxyList + newProxyRepo, and
 * sumdb.go dbDial + golang.org/x/mod/sumdb/note.NewVerifier), so the bot's
 * diagnosis walks the same list, and rejects the same values, as the build.
 */
import { createHash } from 'node:crypto';
import { BuildfixError } from '../errors.ts';
import { redactUrl } from './http-client.ts';
import type { ProxyEntry } from './types.ts';

export const DEFAULT_GOPROXY = 'https://proxy.golang.org,direct';
export const DEFAULT_GOSUMDB = 'sum.golang.org';

/** GOPROXY or GOSUMDB holds a value the go command refuses; `entry` is the offending part (credentials masked). */
export class GoEnvValueError extends BuildfixError {
  readonly variable: 'GOPROXY' | 'GOSUMDB';
  readonly entry: string;
  constructor(variable: 'GOPROXY' | 'GOSUMDB', entry: string, reason: string) {
    const shown = redactUrl(entry);
    super('BF_CONFIG', `${variable}: ${reason}`, { details: { variable, entry: shown } });
    this.name = 'GoEnvValueError';
    this.variable = variable;
    this.entry = shown;
  }
}

// path.IsAbs / filepath.IsAbs on unix, plus a Windows drive path for agents on Windows.
function isAbsolutePath(value: string): boolean {
  return value.startsWith('/') || /^[A-Za-z]:[\\/]/.test(value) || value.startsWith('\\\\');
}

// newProxyRepo's scheme check: http, https, or file with nothing but a path.
function checkProxyUrl(value: string, raw: string): void {
  const schemeMatch = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(value);
  if (!schemeMatch) throw new GoEnvValueError('GOPROXY', raw, `invalid proxy URL missing scheme: ${redactUrl(value)}`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new GoEnvValueError('GOPROXY', raw, `invalid proxy URL: ${redactUrl(value)}`);
  }
  const scheme = schemeMatch[1]!.toLowerCase();
  switch (scheme) {
    case 'http':
    case 'https':
      if (!url.hostname) throw new GoEnvValueError('GOPROXY', raw, `invalid proxy URL missing host: ${redactUrl(value)}`);
      return;
    case 'file': {
      const rest = value.slice(schemeMatch[0].length);
      const hasAuthority = rest.startsWith('//') && !rest.startsWith('///');
      // "file:dir" is an opaque URL in Go: not a path either.
      if (hasAuthority || !rest.startsWith('/') || url.search !== '' || url.hash !== '' || value.includes('?') || value.includes('#')) {
        throw new GoEnvValueError('GOPROXY', raw, `invalid file:// proxy URL with non-path elements: ${redactUrl(value)}`);
      }
      return;
    }
    default:
      throw new GoEnvValueError('GOPROXY', raw, `unsupported proxy scheme ${JSON.stringify(scheme)} in ${JSON.stringify(redactUrl(value))}`);
  }
}

/**
 * GOPROXY → the ordered list the go command walks. Unset or empty means the
 * default. "," after an entry falls through only on 404/410, "|" on any error;
 * "direct" and "off" end the list; a bare host gets "https://".
 */
export function parseGoproxy(value: string | undefined): ProxyEntry[] {
  let rest = value === undefined || value === '' ? DEFAULT_GOPROXY : value;
  const list: ProxyEntry[] = [];
  while (rest !== '') {
    let entry: string;
    let fallThroughOnAnyError = false;
    const sep = rest.search(/[,|]/);
    if (sep >= 0) {
      entry = rest.slice(0, sep);
      fallThroughOnAnyError = rest[sep] === '|';
      rest = rest.slice(sep + 1);
    } else {
      entry = rest;
      rest = '';
    }
    entry = entry.trim();
    if (entry === '') continue;
    if (entry === 'off') {
      list.push({ kind: 'off' });
      break;
    }
    if (entry === 'direct') {
      list.push({ kind: 'direct' });
      break;
    }
    // Single words are reserved; anything with ":/" or an absolute path must already be a URL.
    const raw = entry;
    if (/[.:/]/.test(entry) && !entry.includes(':/') && !isAbsolutePath(entry)) entry = `https://${entry}`;
    checkProxyUrl(entry, raw);
    list.push({ kind: 'url', url: entry, fallThroughOnAnyError });
  }
  if (list.length === 0) throw new GoEnvValueError('GOPROXY', value ?? '', 'GOPROXY list is not the empty string, but contains no entries');
  return list;
}

/** The checksum database the go command would consult (parseGoSumDb returns undefined for GOSUMDB=off). */
export interface GoSumDb {
  /** Database name (host[/path]), e.g. "sum.golang.org". */
  name: string;
  /** The full verifier key "name+hash+base64". */
  key: string;
  /** Where the go command fetches from when no proxy serves /sumdb/<name>. */
  url: string;
  /** True when GOSUMDB named the URL; the go command then bypasses GOPROXY for it. */
  explicitUrl: boolean;
}

const KNOWN_SUMDB_KEYS: Record<string, string> = {
  'sum.golang.org': 'sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8',
};

// note.NewVerifier: "name+hash+key" where hash is the first 4 bytes of SHA-256(name "\n" key).
function checkVerifierKey(vkey: string): { name: string } | { error: string } {
  const plus1 = vkey.indexOf('+');
  const name = plus1 < 0 ? vkey : vkey.slice(0, plus1);
  const after = plus1 < 0 ? '' : vkey.slice(plus1 + 1);
  const plus2 = after.indexOf('+');
  const hash16 = plus2 < 0 ? after : after.slice(0, plus2);
  const key64 = plus2 < 0 ? '' : after.slice(plus2 + 1);
  const validName = name !== '' && !/\s/u.test(name) && !name.includes('+');
  const validBase64 = key64 !== '' && /^[A-Za-z0-9+/]*={0,2}$/.test(key64) && key64.length % 4 === 0;
  const key = validBase64 ? Buffer.from(key64, 'base64') : Buffer.alloc(0);
  if (!/^[0-9a-fA-F]{8}$/.test(hash16) || !validBase64 || !validName || key.length === 0) return { error: 'malformed verifier id' };
  const digest = createHash('sha256').update(name).update('\n').update(key).digest();
  if (digest.readUInt32BE(0) !== Number.parseInt(hash16, 16)) return { error: 'invalid verifier hash' };
  if (key[0] !== 1) return { error: 'unknown verifier algorithm' };
  if (key.length !== 33) return { error: 'malformed verifier id' };
  return { name };
}

/** GOSUMDB → the database name, key and URL with the go command's checks; undefined for "off". */
export function parseGoSumDb(value: string | undefined): GoSumDb | undefined {
  let raw = value === undefined || value === '' ? DEFAULT_GOSUMDB : value;
  if (raw === 'sum.golang.google.cn') raw = 'sum.golang.org https://sum.golang.google.cn';
  if (raw === 'off') return undefined;
  const fields = raw.split(/\s+/).filter((f) => f !== '');
  if (fields.length === 0) throw new GoEnvValueError('GOSUMDB', raw, 'missing GOSUMDB');
  if (fields.length > 2) throw new GoEnvValueError('GOSUMDB', raw, 'invalid GOSUMDB: too many fields');
  const key = KNOWN_SUMDB_KEYS[fields[0]!] ?? fields[0]!;
  const checked = checkVerifierKey(key);
  if ('error' in checked) throw new GoEnvValueError('GOSUMDB', fields[0]!, `invalid GOSUMDB: ${checked.error}`);
  const { name } = checked;
  let direct: URL | undefined;
  try {
    direct = new URL(`https://${name}`);
  } catch {
    direct = undefined;
  }
  if (!direct || name.endsWith('/') || direct.username || direct.password || direct.search || direct.hash || /[?#@%]/.test(name) || !direct.host) {
    throw new GoEnvValueError('GOSUMDB', name, `invalid sumdb name (must be host[/path]): ${name}`);
  }
  if (fields.length === 2) {
    const explicit = fields[1]!;
    try {
      new URL(explicit);
    } catch {
      throw new GoEnvValueError('GOSUMDB', explicit, `invalid GOSUMDB URL: ${redactUrl(explicit)}`);
    }
    return { name, key, url: explicit, explicitUrl: true };
  }
  return { name, key, url: `https://${name}`, explicitUrl: false };
}
