/**
 * GOPRIVATE / GONOPROXY / GONOSUMDB matching as the go command does it:
 * comma-separated Go `path.Match` globs, each matched against the leading
 * path elements of the module path (golang.org/x/mod/module.MatchPrefixPatterns).
 */
import type { GoEnv } from '../config/env.ts';

/** Result of one glob match; `bad` is Go's path.ErrBadPattern. */
type MatchResult = { matched: boolean; bad: boolean };

// Reads one character-class item or plain char at pattern[i]; mirrors getEsc in Go's path package.
function getEsc(pattern: string, i: number): { ch: string; next: number } | undefined {
  if (i >= pattern.length || pattern[i] === '-' || pattern[i] === ']') return undefined;
  let j = i;
  if (pattern[j] === '\\') {
    j++;
    if (j >= pattern.length) return undefined;
  }
  const cp = pattern.codePointAt(j)!;
  const ch = String.fromCodePoint(cp);
  const next = j + ch.length;
  if (next >= pattern.length) return undefined;
  return { ch, next };
}

// Go's matchChunk: matches `chunk` (no '*') against a prefix of s; returns the rest of s.
function matchChunk(chunk: string, s: string): { rest: string; ok: boolean; bad: boolean } {
  let failed = false;
  let i = 0;
  let str = s;
  while (i < chunk.length) {
    if (!failed && str.length === 0) failed = true;
    const c = chunk[i];
    if (c === '[') {
      let r = '';
      if (!failed) {
        r = String.fromCodePoint(str.codePointAt(0)!);
        str = str.slice(r.length);
      }
      i++;
      let negated = false;
      if (i < chunk.length && chunk[i] === '^') {
        negated = true;
        i++;
      }
      let match = false;
      let nrange = 0;
      for (;;) {
        if (i < chunk.length && chunk[i] === ']' && nrange > 0) {
          i++;
          break;
        }
        const lo = getEsc(chunk, i);
        if (!lo) return { rest: '', ok: false, bad: true };
        let hi = lo;
        i = lo.next;
        if (chunk[i] === '-') {
          const h = getEsc(chunk, i + 1);
          if (!h) return { rest: '', ok: false, bad: true };
          hi = h;
          i = h.next;
        }
        const rc = r.codePointAt(0) ?? -1;
        if (lo.ch.codePointAt(0)! <= rc && rc <= hi.ch.codePointAt(0)!) match = true;
        nrange++;
      }
      if (match === negated) failed = true;
    } else if (c === '?') {
      if (!failed) {
        if (str[0] === '/') failed = true;
        const r = String.fromCodePoint(str.codePointAt(0) ?? 0);
        str = str.slice(r.length);
      }
      i++;
    } else if (c === '\\') {
      i++;
      if (i >= chunk.length) return { rest: '', ok: false, bad: true };
      if (!failed) {
        if (chunk[i] !== str[0]) failed = true;
        str = str.slice(1);
      }
      i++;
    } else {
      if (!failed) {
        if (c !== str[0]) failed = true;
        str = str.slice(1);
      }
      i++;
    }
  }
  if (failed) return { rest: '', ok: false, bad: false };
  return { rest: str, ok: true, bad: false };
}

// Go's scanChunk: splits off leading stars and the chunk up to the next unescaped '*'.
function scanChunk(pattern: string): { star: boolean; chunk: string; rest: string } {
  let p = pattern;
  let star = false;
  while (p.length > 0 && p[0] === '*') {
    p = p.slice(1);
    star = true;
  }
  let inRange = false;
  let i = 0;
  scan: for (; i < p.length; i++) {
    switch (p[i]) {
      case '\\':
        if (i + 1 < p.length) i++;
        break;
      case '[':
        inRange = true;
        break;
      case ']':
        inRange = false;
        break;
      case '*':
        if (!inRange) break scan;
        break;
      default:
        break;
    }
  }
  return { star, chunk: p.slice(0, i), rest: p.slice(i) };
}

/** Go's path.Match: '*' and '?' never cross '/', '[...]' classes, '\\' escapes. */
export function pathMatch(pattern: string, name: string): MatchResult {
  let pat = pattern;
  let str = name;
  pattern: while (pat.length > 0) {
    const { star, chunk, rest } = scanChunk(pat);
    pat = rest;
    if (star && chunk === '') {
      // Trailing * matches the rest of the string unless it has a '/'.
      return { matched: !str.includes('/'), bad: false };
    }
    const first = matchChunk(chunk, str);
    if (first.ok && (first.rest.length === 0 || pat.length > 0)) {
      str = first.rest;
      continue;
    }
    if (first.bad) return { matched: false, bad: true };
    if (star) {
      // Look for a match skipping i+1 characters; '*' cannot skip a '/'.
      for (let i = 0; i < str.length && str[i] !== '/'; i++) {
        const t = matchChunk(chunk, str.slice(i + 1));
        if (t.ok) {
          if (pat.length === 0 && t.rest.length > 0) continue;
          str = t.rest;
          continue pattern;
        }
        if (t.bad) return { matched: false, bad: true };
      }
    }
    // Go validates the remainder of the pattern before reporting a mismatch.
    while (pat.length > 0) {
      const next = scanChunk(pat);
      pat = next.rest;
      if (matchChunk(next.chunk, '').bad) return { matched: false, bad: true };
    }
    return { matched: false, bad: false };
  }
  return { matched: str.length === 0, bad: false };
}

/** module.MatchPrefixPatterns: does any glob in the comma list match a leading part of `target`? */
export function matchPrefixPatterns(globs: string, target: string): boolean {
  for (const raw of globs.split(',')) {
    const glob = raw.endsWith('/') ? raw.slice(0, -1) : raw;
    if (glob === '') continue;
    // A glob with N slashes is matched against the first N+1 elements of target.
    let n = [...glob].filter((c) => c === '/').length;
    let prefix = target;
    for (let i = 0; i < target.length; i++) {
      if (target[i] === '/') {
        if (n === 0) {
          prefix = target.slice(0, i);
          break;
        }
        n--;
      }
    }
    if (n > 0) continue;
    if (pathMatch(glob, prefix).matched) return true;
  }
  return false;
}

export interface PrivacyRules {
  /** Effective GONOPROXY (defaults to GOPRIVATE). */
  readonly noProxy: string;
  /** Effective GONOSUMDB (defaults to GOPRIVATE). */
  readonly noSumDb: string;
  /** True when the go command fetches this module directly, not through GOPROXY. */
  bypassProxy(modulePath: string): boolean;
  /** True when the go command skips the checksum database for this module. */
  bypassSumDb(modulePath: string): boolean;
}

/** cfg.go: GONOPROXY and GONOSUMDB fall back to GOPRIVATE when unset or empty. */
export function createPrivacyRules(goEnv: GoEnv): PrivacyRules {
  const goPrivate = goEnv.GOPRIVATE ?? '';
  const noProxy = goEnv.GONOPROXY !== undefined && goEnv.GONOPROXY !== '' ? goEnv.GONOPROXY : goPrivate;
  const noSumDb = goEnv.GONOSUMDB !== undefined && goEnv.GONOSUMDB !== '' ? goEnv.GONOSUMDB : goPrivate;
  return {
    noProxy,
    noSumDb,
    bypassProxy: noProxy === '' ? () => false : (modulePath) => matchPrefixPatterns(noProxy, modulePath),
    bypassSumDb: noSumDb === '' ? () => false : (modulePath) => matchPrefixPatterns(noSumDb, modulePath),
  };
}
