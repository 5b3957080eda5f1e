/**
 * Version arithmetic the go command does, ported so buildfix reaches the same
 * verdicts: module versions follow golang.org/x/mod/semver and module
 * (canonical form, pseudo-versions, path major suffixes), Go toolchain and
 * language versions follow go/version ("1.21" < "1.21rc1" < "1.21.0").
 */
import type { Retraction } from './types.ts';

/** A parsed module version; numeric parts stay strings so huge numbers compare exactly. */
interface Semver {
  major: string;
  minor: string;
  patch: string;
  /** Dot-separated identifiers, without the leading "-". */
  prerelease: string[];
  /** With its leading "+", or "". */
  build: string;
  /** True for the "v1" / "v1.2" shorthands, which semver accepts but go.mod does not. */
  short: boolean;
}

const NUM = /^(?:0|[1-9][0-9]*)$/;
const IDENT = /^[0-9A-Za-z-]+$/;
const SEMVER = /^v(0|[1-9][0-9]*)(?:\.(0|[1-9][0-9]*)(?:\.(0|[1-9][0-9]*)(?:-([^+]*))?(?:\+(.*))?)?)?$/;

// The golang.org/x/mod/semver grammar: "v" required, shorthands allowed only without prerelease or build.
function parseSemver(v: string): Semver | undefined {
  const m = SEMVER.exec(v);
  if (!m) return undefined;
  const [, major, minor, patch, pre, build] = m;
  if (major === undefined) return undefined;
  const prerelease = pre === undefined ? [] : pre.split('.');
  if (pre !== undefined && !prerelease.every((id) => IDENT.test(id) && (!/^[0-9]+$/.test(id) || NUM.test(id)))) {
    return undefined;
  }
  if (build !== undefined && !build.split('.').every((id) => IDENT.test(id))) return undefined;
  return {
    major,
    minor: minor ?? '0',
    patch: patch ?? '0',
    prerelease,
    build: build === undefined ? '' : `+${build}`,
    short: patch === undefined,
  };
}

// Decimal strings of any length, compared numerically without overflowing.
function compareDigits(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a < b ? -1 : 1;
}

function comparePrerelease(a: string[], b: string[]): number {
  if (a.length === 0 || b.length === 0) {
    // A release is newer than any of its prereleases.
    if (a.length === b.length) return 0;
    return a.length === 0 ? 1 : -1;
  }
  for (let i = 0; i < a.length && i < b.length; i++) {
    const x = a[i] as string;
    const y = b[i] as string;
    if (x === y) continue;
    const xNum = /^[0-9]+$/.test(x);
    const yNum = /^[0-9]+$/.test(y);
    if (xNum && yNum) return compareDigits(x, y);
    if (xNum !== yNum) return xNum ? -1 : 1;
    return x < y ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/**
 * Orders module versions as semver.Compare does: build metadata (+incompatible)
 * is ignored, pseudo-versions are ordinary prereleases, and any invalid
 * version sorts below every valid one (all invalid versions compare equal).
 */
export function compareModuleVersions(a: string, b: string): number {
  const x = parseSemver(a);
  const y = parseSemver(b);
  if (!x || !y) return x ? 1 : y ? -1 : 0;
  return compareDigits(x.major, y.major) || compareDigits(x.minor, y.minor) || compareDigits(x.patch, y.patch) || comparePrerelease(x.prerelease, y.prerelease);
}

/**
 * True for a version the go command accepts verbatim in go.mod and go.sum
 * (module.CanonicalVersion(v) === v): "v" + major.minor.patch, optional
 * prerelease, and no build metadata other than "+incompatible".
 */
export function isValidModuleVersion(v: string): boolean {
  const s = parseSemver(v);
  return s !== undefined && !s.short && (s.build === '' || s.build === '+incompatible');
}

/** module.CanonicalVersion: "v1.2" → "v1.2.0", build metadata dropped except +incompatible; undefined if invalid. */
export function canonicalModuleVersion(v: string): string | undefined {
  const s = parseSemver(v);
  if (!s) return undefined;
  const pre = s.prerelease.length > 0 ? `-${s.prerelease.join('.')}` : '';
  return `v${s.major}.${s.minor}.${s.patch}${pre}${s.build === '+incompatible' ? s.build : ''}`;
}

/** Why a version is not canonical, phrased for a person fixing go.mod; undefined when it is valid. */
export function invalidModuleVersionReason(v: string): string | undefined {
  if (isValidModuleVersion(v)) return undefined;
  const s = parseSemver(v);
  if (s?.short) return `must be of the form v1.2.3 (write v${s.major}.${s.minor}.${s.patch})`;
  if (s) return 'build metadata other than +incompatible is not allowed';
  if (parseSemver(`v${v}`)) return 'must be of the form v1.2.3 (missing the "v" prefix)';
  return 'must be of the form v1.2.3';
}

const PSEUDO = /^v[0-9]+\.(0\.0-|\d+\.\d+-([^+]*\.)?0\.)\d{14}-[A-Za-z0-9]+(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/;

/** module.IsPseudoVersion: vX.0.0-yyyymmddhhmmss-abcdef123456 and its two prerelease-based forms. */
export function isPseudoVersion(v: string): boolean {
  return v.split('-').length - 1 >= 2 && parseSemver(v) !== undefined && PSEUDO.test(v);
}

/** semver.Major: "v2" for "v2.3.4". Undefined for an invalid version. */
export function moduleVersionMajor(v: string): string | undefined {
  const s = parseSemver(v);
  return s ? `v${s.major}` : undefined;
}

/** The first retraction whose closed interval [low, high] contains version. */
export function isRetracted(version: string, retractions: Retraction[]): Retraction | undefined {
  return retractions.find((r) => compareModuleVersions(r.low, version) <= 0 && compareModuleVersions(version, r.high) <= 0);
}

/**
 * Splits a module path into its major-version suffix as module.SplitPathVersion
 * does: "/v2" for "example.com/m/v2", ".v3" for "gopkg.in/yaml.v3", "" when
 * there is none. Undefined for a malformed suffix ("/v1", "/v0", "/v2.1", a
 * gopkg.in path without .vN).
 */
export function modulePathMajor(path: string): string | undefined {
  if (path.startsWith('gopkg.in/')) {
    let i = path.length;
    if (path.endsWith('-unstable')) i -= '-unstable'.length;
    while (i > 0 && /[0-9]/.test(path[i - 1] as string)) i--;
    if (i <= 1 || path[i - 1] !== 'v' || path[i - 2] !== '.') return undefined;
    const major = path.slice(i - 2);
    if (major.length <= 2 || (major[2] === '0' && major !== '.v0')) return undefined;
    return major;
  }
  let i = path.length;
  let dot = false;
  while (i > 0 && /[0-9.]/.test(path[i - 1] as string)) {
    if (path[i - 1] === '.') dot = true;
    i--;
  }
  if (i <= 1 || i === path.length || path[i - 1] !== 'v' || path[i - 2] !== '/') return '';
  const major = path.slice(i - 2);
  if (dot || major.length <= 2 || major[2] === '0' || major === '/v1') return undefined;
  return major;
}

/**
 * module.CheckPathMajor: the reason a version cannot belong to a path with this
 * major suffix ("should be v0 or v1, not v2"), or undefined when it fits.
 */
export function pathMajorMismatch(version: string, pathMajor: string): string | undefined {
  let want = pathMajor;
  if (want.startsWith('.v') && want.endsWith('-unstable')) want = want.slice(0, -'-unstable'.length);
  // Old pseudo-versions of gopkg.in/x.v1 modules were generated as v0.0.0-….
  if (version.startsWith('v0.0.0-') && want === '.v1') return undefined;
  const major = moduleVersionMajor(version);
  if (want === '') {
    if (major === 'v0' || major === 'v1' || parseSemver(version)?.build === '+incompatible') return undefined;
    return `should be v0 or v1, not ${major}`;
  }
  const bare = want.slice(1);
  if (major === bare) return undefined;
  return `should be ${bare}, not ${major}`;
}

/** A Go release or language version; patch is absent for language versions like "1.21". */
export interface GoVersion {
  major: number;
  minor: number;
  /** Absent for "1.21" and "1.21rc1"; before Go 1.21 a missing patch means .0 and is filled in. */
  patch?: number;
  /** Prerelease such as "rc1", "beta2". */
  pre?: string;
}

const GO_VERSION = /^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(?:\.(0|[1-9][0-9]*)|([a-z]+)(0|[1-9][0-9]*)?)?$/;

// go/version's grammar for one whole candidate ("1.21", "1.21.3", "1.21rc1"), "go" prefix already removed.
function parseGoVersionExact(text: string): GoVersion | undefined {
  const m = GO_VERSION.exec(text);
  if (!m) return undefined;
  const [, major, minor, patch, kind, preNum] = m;
  const v: GoVersion = { major: Number(major), minor: Number(minor) };
  if (patch !== undefined) v.patch = Number(patch);
  else if (kind !== undefined) v.pre = kind + (preNum ?? '');
  // Before 1.21 "1.20" meant "1.20.0"; from 1.21 on a bare language version precedes 1.21rc1 and 1.21.0.
  else if (v.major === 1 && v.minor < 21) v.patch = 0;
  return v;
}

/**
 * Finds a Go version in a fragment of text: "1.21", "1.21.3", "1.21rc1",
 * "go1.21.3", "go1.22.0 linux/amd64", "go version go1.22.0 linux/amd64",
 * "go1.22.3+auto". Undefined when none is there.
 */
export function parseGoVersion(text: string): GoVersion | undefined {
  const candidate = /(?:^|[\s(:=>])(?:go)?([0-9][0-9A-Za-z.]*)/g;
  for (const m of text.matchAll(candidate)) {
    // A sentence may end right after the version ("requires go >= 1.22.").
    const v = parseGoVersionExact((m[1] as string).replace(/\.+$/, ''));
    if (v) return v;
  }
  return undefined;
}

function preParts(pre: string | undefined): [string, string] {
  if (pre === undefined) return ['', ''];
  const m = /^([a-z]+)([0-9]*)$/.exec(pre);
  return m ? [m[1] as string, m[2] as string] : [pre, ''];
}

/**
 * go/version.Compare: 1.21 < 1.21rc1 < 1.21.0 < 1.21.3 < 1.22, 1.20 == 1.20.0,
 * prereleases ordered alpha < beta < rc. Unparseable versions sort lowest and
 * compare equal to each other.
 */
export function compareGoVersions(a: string | GoVersion, b: string | GoVersion): number {
  const x = typeof a === 'string' ? parseGoVersion(a) : a;
  const y = typeof b === 'string' ? parseGoVersion(b) : b;
  if (!x || !y) return x ? 1 : y ? -1 : 0;
  if (x.major !== y.major) return x.major < y.major ? -1 : 1;
  if (x.minor !== y.minor) return x.minor < y.minor ? -1 : 1;
  // An absent patch sorts before any explicit one (1.21 and 1.21rc1 precede 1.21.0).
  const xp = x.patch ?? -1;
  const yp = y.patch ?? -1;
  if (xp !== yp) return xp < yp ? -1 : 1;
  const [xKind, xNum] = preParts(x.pre);
  const [yKind, yNum] = preParts(y.pre);
  if (xKind !== yKind) return xKind < yKind ? -1 : 1;
  return compareDigits(xNum, yNum);
}

/**
 * gover.FromToolchain: the Go version a toolchain name selects — "go1.22.3",
 * "go1.22.3+auto", "go1.22.3-custom", "gccgo-go1.22.3" all give "1.22.3";
 * "default", "local" and anything unparseable give undefined.
 */
export function toolchainVersion(name: string): string | undefined {
  if (/[\\/]/.test(name)) return undefined;
  let v: string;
  if (name.startsWith('go')) v = name.slice(2);
  else {
    const i = name.indexOf('-go');
    if (i < 0) return undefined;
    v = name.slice(i + 3);
  }
  const cut = v.search(/[ \t+-]/);
  if (cut >= 0) v = v.slice(0, cut);
  return parseGoVersionExact(v) ? v : undefined;
}
