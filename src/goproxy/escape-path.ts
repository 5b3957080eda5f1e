/**
 * Module path and version checks and the GOPROXY case-encoding ("!x" for "X"),
 * ported from golang.org/x/mod/module (CheckPath, EscapePath, EscapeVersion and
 * their inverses) so buildfix rejects exactly what the go command rejects and
 * requests exactly the URLs it would request.
 */
import { BuildfixError } from '../errors.ts';

/** A module path or version the go command would refuse; `reason` is Go's wording. */
export class InvalidModulePathError extends BuildfixError {
  readonly value: string;
  readonly reason: string;
  constructor(what: 'module path' | 'version' | 'escaped path' | 'escaped version', value: string, reason: string) {
    super('BF_INPUT', `malformed ${what} ${JSON.stringify(value)}: ${reason}`, { details: { value, reason } });
    this.name = 'InvalidModulePathError';
    this.value = value;
    this.reason = reason;
  }
}

type PathKind = 'module' | 'file';

const BAD_WINDOWS_NAMES = [
  'CON',
  'PRN',
  'AUX',
  'NUL',
  'COM1',
  'COM2',
  'COM3',
  'COM4',
  'COM5',
  'COM6',
  'COM7',
  'COM8',
  'COM9',
  'LPT1',
  'LPT2',
  'LPT3',
  'LPT4',
  'LPT5',
  'LPT6',
  'LPT7',
  'LPT8',
  'LPT9',
];

// Go's %q for a rune: 'E', '\'', '\x00'-style escapes for control characters.
function quoteRune(c: string): string {
  if (c === "'" || c === '\\') return `'\\${c}'`;
  const code = c.codePointAt(0) ?? 0;
  if (code < 0x20 || code === 0x7f) return `'\\x${code.toString(16).padStart(2, '0')}'`;
  return `'${c}'`;
}

function isAsciiAlnum(c: string): boolean {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// module.modPathOK: ASCII letters, digits and - . _ ~ only.
function modPathOK(c: string): boolean {
  return isAsciiAlnum(c) || c === '-' || c === '.' || c === '_' || c === '~';
}

// module.fileNameOK: what a version may contain (it becomes a file name in the cache).
function fileNameOK(c: string): boolean {
  if (c.codePointAt(0)! < 0x80) return isAsciiAlnum(c) || '!#$%&()+,-.=@[]^_{}~ '.includes(c);
  return /\p{L}/u.test(c);
}

// module.checkElem: one slash-separated element; returns Go's error text or undefined.
function checkElem(elem: string, kind: PathKind): string | undefined {
  if (elem === '') return 'empty path element';
  if ([...elem].every((c) => c === '.')) return `invalid path element ${JSON.stringify(elem)}`;
  if (elem.startsWith('.') && kind === 'module') return 'leading dot in path element';
  if (elem.endsWith('.')) return 'trailing dot in path element';
  for (const c of elem) {
    const ok = kind === 'module' ? modPathOK(c) : fileNameOK(c);
    if (!ok) return `invalid char ${quoteRune(c)}`;
  }
  const dot = elem.indexOf('.');
  const short = dot >= 0 ? elem.slice(0, dot) : elem;
  if (BAD_WINDOWS_NAMES.some((bad) => bad.toLowerCase() === short.toLowerCase())) {
    return `${JSON.stringify(short)} disallowed as path element component on Windows`;
  }
  // Windows 8.3 short names ("FOO~1"); Go rejects them in module paths, not in file names.
  if (kind === 'module' && /~\d+$/.test(short)) return 'trailing tilde and digits in path element';
  return undefined;
}

function checkPathCommon(path: string, kind: PathKind): string | undefined {
  if (path === '') return 'empty string';
  if (path.startsWith('-') && kind !== 'file') return 'leading dash';
  if (path.includes('//')) return 'double slash';
  if (path.endsWith('/')) return 'trailing slash';
  for (const elem of path.split('/')) {
    const err = checkElem(elem, kind);
    if (err) return err;
  }
  return undefined;
}

/** module.CheckFilePath: the reason a file path inside a module zip is invalid, in go's words, or undefined. */
export function checkFilePath(path: string): string | undefined {
  const why = checkPathCommon(path, 'file');
  return why === undefined ? undefined : `malformed file path ${JSON.stringify(path)}: ${why}`;
}

/**
 * module.SplitPathVersion: "github.com/x/y/v2" → ["github.com/x/y", "/v2"].
 * ok is false for a malformed major suffix such as "/v1" or "/v02".
 */
export function splitPathVersion(path: string): { prefix: string; pathMajor: string; ok: boolean } {
  if (path.startsWith('gopkg.in/')) return splitGopkgIn(path);
  let i = path.length;
  let dot = false;
  while (i > 0 && ((path[i - 1]! >= '0' && path[i - 1]! <= '9') || path[i - 1] === '.')) {
    if (path[i - 1] === '.') dot = true;
    i--;
  }
  if (i <= 1 || i === path.length || path[i - 1] !== 'v' || path[i - 2] !== '/') return { prefix: path, pathMajor: '', ok: true };
  const prefix = path.slice(0, i - 2);
  const pathMajor = path.slice(i - 2);
  if (dot || pathMajor.length <= 2 || pathMajor[2] === '0' || pathMajor === '/v1') return { prefix: path, pathMajor: '', ok: false };
  return { prefix, pathMajor, ok: true };
}

// gopkg.in/yaml.v2 style: the major version follows a dot and is mandatory.
function splitGopkgIn(path: string): { prefix: string; pathMajor: string; ok: boolean } {
  let end = path.length;
  if (path.endsWith('-unstable')) end -= '-unstable'.length;
  let i = end;
  while (i > 0 && path[i - 1]! >= '0' && path[i - 1]! <= '9') i--;
  if (i <= 1 || path[i - 1] !== 'v' || path[i - 2] !== '.') return { prefix: path, pathMajor: '', ok: false };
  const prefix = path.slice(0, i - 2);
  const pathMajor = path.slice(i - 2);
  if (pathMajor.length <= 2 || (pathMajor[2] === '0' && pathMajor !== '.v0')) return { prefix: path, pathMajor: '', ok: false };
  return { prefix, pathMajor, ok: true };
}

/** module.CheckPath: the error text Go would print, or undefined when the path is valid. */
export function checkModulePath(path: string): string | undefined {
  const common = checkPathCommon(path, 'module');
  if (common) return common;
  const slash = path.indexOf('/');
  const first = slash < 0 ? path : path.slice(0, slash);
  if (first === '') return 'leading slash';
  if (!first.includes('.')) return 'missing dot in first path element';
  if (path.startsWith('-')) return 'leading dash in first path element';
  for (const c of first) {
    if (!(c === '-' || c === '.' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'))) return `invalid char ${quoteRune(c)} in first path element`;
  }
  if (!splitPathVersion(path).ok) return 'invalid version';
  return undefined;
}

/** Version strings the cache can store: module.EscapeVersion's check. */
export function checkVersionString(version: string): string | undefined {
  if (version.includes('!')) return 'disallowed version string';
  const err = checkElem(version, 'file');
  return err ? 'disallowed version string' : undefined;
}

function escapeString(s: string): string {
  let out = '';
  for (const c of s) {
    if (c >= 'A' && c <= 'Z') out += `!${c.toLowerCase()}`;
    else out += c;
  }
  return out;
}

// Inverse of escapeString; undefined for "!" not followed by a lowercase letter, or an uppercase letter.
function unescapeString(s: string): string | undefined {
  let out = '';
  let bang = false;
  for (const c of s) {
    if (c.codePointAt(0)! >= 0x80) return undefined;
    if (bang) {
      bang = false;
      if (!(c >= 'a' && c <= 'z')) return undefined;
      out += c.toUpperCase();
      continue;
    }
    if (c === '!') {
      bang = true;
      continue;
    }
    if (c >= 'A' && c <= 'Z') return undefined;
    out += c;
  }
  return bang ? undefined : out;
}

/** "github.com/BurntSushi/toml" → "github.com/!burnt!sushi/toml"; throws on an invalid path. */
// A diagnosis escapes each requirement's path for every request it makes (.mod, list, retraction):
// remember valid paths. Bounded, so a long-running worker cannot grow it without end.
const ESCAPED_PATHS = new Map<string, string>();
const ESCAPED_PATHS_MAX = 10_000;

export function escapePath(path: string): string {
  const known = ESCAPED_PATHS.get(path);
  if (known !== undefined) return known;
  const err = checkModulePath(path);
  if (err) throw new InvalidModulePathError('module path', path, err);
  const escaped = escapeString(path);
  if (ESCAPED_PATHS.size >= ESCAPED_PATHS_MAX) ESCAPED_PATHS.clear();
  ESCAPED_PATHS.set(path, escaped);
  return escaped;
}

/** "v1.0.0-RC1" → "v1.0.0-!r!c1"; throws on a version the cache could not store. */
export function escapeVersion(version: string): string {
  const err = checkVersionString(version);
  if (err) throw new InvalidModulePathError('version', version, err);
  return escapeString(version);
}

/** Inverse of escapePath; throws on a malformed escaped path. */
export function unescapePath(escaped: string): string {
  const path = unescapeString(escaped);
  if (path === undefined) throw new InvalidModulePathError('escaped path', escaped, 'invalid escaped module path');
  const err = checkModulePath(path);
  if (err) throw new InvalidModulePathError('escaped path', escaped, err);
  return path;
}

/** Inverse of escapeVersion; throws on a malformed escaped version. */
export function unescapeVersion(escaped: string): string {
  const version = unescapeString(escaped);
  if (version === undefined) throw new InvalidModulePathError('escaped version', escaped, 'invalid escaped version');
  const err = checkVersionString(version);
  if (err) throw new InvalidModulePathError('escaped version', escaped, err);
  return version;
}
