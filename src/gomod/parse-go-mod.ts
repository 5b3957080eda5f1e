/**
 * go.mod reader following golang.org/x/mod/modfile (read.go for the syntax,
 * rule.go for the directives) plus the checks cmd/go's version fixer adds
 * when it loads the main module, so a go.mod that `go mod download` rejects
 * is rejected here with the same line and a reason a person can act on.
 *
 * Like the go command, the whole file is first split into statements (syntax
 * errors anywhere win), then each directive is checked in file order; the
 * first problem is thrown as a ParseError.
 */
import { ParseError } from '../errors.ts';
import { canonicalModuleVersion, invalidModuleVersionReason, modulePathMajor, pathMajorMismatch } from './go-version.ts';
import type { Exclusion, GoMod, ModuleVersion, Replacement, Requirement, Retraction, VersionQuery } from './types.ts';

type TokenKind = 'ident' | 'string' | 'punct';

interface Token {
  /** As written, quotes included. */
  text: string;
  kind: TokenKind;
}

interface LexedLine {
  line: number;
  tokens: Token[];
  /** The comment ending the line, raw ("// indirect"). */
  comment?: string;
}

/** One directive line: a top-level line (verb first) or an entry inside a block (no verb). */
interface Entry {
  line: number;
  tokens: Token[];
  suffix?: string;
  /** Raw comments attached above it; "" marks a blank line kept inside a block (modfile does the same). */
  before: string[];
}

type Stmt = { kind: 'line'; entry: Entry } | { kind: 'block'; line: number; head: Token[]; before: string[]; entries: Entry[] };

const PUNCT = new Set(['(', ')', '[', ']', '{', '}', ',']);
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;
const BLOCK_VERBS = new Set(['module', 'godebug', 'require', 'exclude', 'replace', 'retract', 'tool', 'ignore']);
const GO_VERSION_RE = /^([1-9][0-9]*)\.(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))?([a-z]+[0-9]+)?$/;
const LAX_GO_VERSION_RE = /^v?(([1-9][0-9]*)\.(0|[1-9][0-9]*))([^0-9].*)$/;
const TOOLCHAIN_RE = /^default$|^go1($|\.)/;
/** The directives modfile.ParseLax keeps from a dependency's go.mod; it skips all others. */
const LAX_VERBS = new Set(['go', 'module', 'retract', 'require', 'ignore']);
const REPLACE_USAGE = 'usage: replace module/path [v1.2.3] => other/module v1.4 or replace module/path [v1.2.3] => ../local/directory';

// modfile's isIdent: printable, not a space, not punctuation.
function isIdentChar(c: string): boolean {
  return !PUNCT.has(c) && PRINTABLE.test(c);
}

function describeChar(c: string): string {
  const code = `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
  if (c === '\uFEFF') return `${code} (a byte order mark: save the file as UTF-8 without BOM)`;
  return PRINTABLE.test(c) ? `'${c}' (${code})` : code;
}

// Tokenizes one physical line the way modfile's lexer does; strings never span lines.
function lexLine(text: string, line: number, file: string): LexedLine {
  const chars = Array.from(text);
  const tokens: Token[] = [];
  let i = 0;
  while (i < chars.length) {
    const c = chars[i] as string;
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === '/' && chars[i + 1] === '/') {
      return { line, tokens, comment: chars.slice(i).join('').trimEnd() };
    }
    if (c === '/' && chars[i + 1] === '*') throw new ParseError(file, line, 'go.mod files must use // comments (not /* */ comments)');
    if (PUNCT.has(c)) {
      tokens.push({ text: c, kind: 'punct' });
      i++;
      continue;
    }
    if (c === '"' || c === '`') {
      let j = i + 1;
      for (;;) {
        if (j >= chars.length) throw new ParseError(file, line, `unterminated quoted string ${chars.slice(i).join('').trimEnd()}`);
        const d = chars[j++];
        if (d === c) break;
        if (d === '\\' && c === '"') j++;
      }
      tokens.push({ text: chars.slice(i, j).join(''), kind: 'string' });
      i = j;
      continue;
    }
    if (!isIdentChar(c)) throw new ParseError(file, line, `unexpected input character ${describeChar(c)}`);
    let j = i;
    while (j < chars.length && isIdentChar(chars[j] as string)) {
      if (chars[j] === '/' && chars[j + 1] === '/') break;
      if (chars[j] === '/' && chars[j + 1] === '*') throw new ParseError(file, line, 'go.mod files must use // comments (not /* */ comments)');
      j++;
    }
    tokens.push({ text: chars.slice(i, j).join(''), kind: 'ident' });
    i = j;
  }
  return { line, tokens };
}

function isPunct(t: Token | undefined, p: string): boolean {
  return t !== undefined && t.kind === 'punct' && t.text === p;
}

function joinTokens(tokens: Token[]): string {
  return tokens.map((t) => t.text).join(' ');
}

// modfile's parseFile/parseStmt/parseLineBlock: lines into statements and "x (\n … \n)" blocks.
function parseStatements(text: string, file: string): Stmt[] {
  const raw = text.split('\n');
  const stmts: Stmt[] = [];
  let above: string[] = [];
  for (let i = 0; i < raw.length; i++) {
    const l = lexLine(raw[i] as string, i + 1, file);
    if (l.tokens.length === 0) {
      // Only comment lines directly above a statement belong to it; a blank line ends the group.
      if (l.comment === undefined) above = [];
      else above.push(l.comment);
      continue;
    }
    const before = above;
    above = [];
    const t = l.tokens;
    const n = t.length;
    if (n >= 3 && isPunct(t[n - 2], '(') && isPunct(t[n - 1], ')')) {
      stmts.push({ kind: 'block', line: l.line, head: t.slice(0, -2), before, entries: [] });
      continue;
    }
    if (n >= 2 && isPunct(t[n - 1], '(')) {
      const head = t.slice(0, -1);
      const entries: Entry[] = [];
      let pending: string[] = [];
      let closed = false;
      for (i++; i < raw.length; i++) {
        const b = lexLine(raw[i] as string, i + 1, file);
        if (b.tokens.length === 0) {
          if (b.comment !== undefined) pending.push(b.comment);
          else if ((pending.length === 0 && entries.length > 0) || (pending.length > 0 && pending[pending.length - 1] !== '')) pending.push('');
          continue;
        }
        if (isPunct(b.tokens[0], ')')) {
          if (b.tokens.length > 1) throw new ParseError(file, b.line, "syntax error: expected newline after closing ')'");
          closed = true;
          break;
        }
        entries.push({ line: b.line, tokens: b.tokens, ...(b.comment === undefined ? {} : { suffix: b.comment }), before: pending });
        pending = [];
      }
      if (!closed) {
        throw new ParseError(file, l.line, `syntax error: unterminated block: "${joinTokens(head)} (" opened here is never closed with ")"`);
      }
      stmts.push({ kind: 'block', line: l.line, head, before, entries });
      continue;
    }
    stmts.push({ kind: 'line', entry: { line: l.line, tokens: t, ...(l.comment === undefined ? {} : { suffix: l.comment }), before } });
  }
  return stmts;
}

const ESCAPES: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92, '"': 34 };

// strconv.Unquote for a double-quoted Go string literal; undefined on bad syntax.
function unquote(raw: string): string | undefined {
  if (raw.length < 2 || !raw.startsWith('"') || !raw.endsWith('"')) return undefined;
  const body = Array.from(raw.slice(1, -1));
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  const hex = (s: string | undefined): boolean => s !== undefined && /^[0-9A-Fa-f]+$/.test(s);
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (c === '"') return undefined;
    if (c !== '\\') {
      bytes.push(...encoder.encode(c));
      continue;
    }
    const e = body[++i];
    if (e === undefined) return undefined;
    if (e in ESCAPES) {
      bytes.push(ESCAPES[e] as number);
    } else if (e === 'x' || e === 'u' || e === 'U') {
      const width = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const digits = body.slice(i + 1, i + 1 + width).join('');
      if (digits.length !== width || !hex(digits)) return undefined;
      i += width;
      const value = Number.parseInt(digits, 16);
      if (e === 'x') bytes.push(value);
      else if (value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff)) return undefined;
      else bytes.push(...encoder.encode(String.fromCodePoint(value)));
    } else if (e >= '0' && e <= '7') {
      const digits = body.slice(i, i + 3).join('');
      if (!/^[0-7]{3}$/.test(digits)) return undefined;
      const value = Number.parseInt(digits, 8);
      if (value > 255) return undefined;
      bytes.push(value);
      i += 2;
    } else {
      return undefined;
    }
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

/** modfile's isIndirect: the trailing comment is exactly "indirect" or starts with "indirect;". */
function isIndirect(suffix: string | undefined): boolean {
  if (suffix === undefined) return false;
  const f = suffix
    .replace(/^\/\//, '')
    .trim()
    .split(/\s+/)
    .filter((w) => w !== '');
  return (f.length === 1 && f[0] === 'indirect') || (f.length > 1 && f[0] === 'indirect;');
}

export interface ParseGoModOptions {
  /**
   * Read a dependency's go.mod the way the go command does (modfile.ParseLax):
   * unknown directives and blocks, replace, exclude, toolchain and godebug are
   * skipped, a malformed retract is dropped, "go 1.21.x"-style versions are
   * trimmed, and "v1.2" shorthands are canonicalized. Syntax errors still throw.
   */
  lax?: boolean;
  /**
   * Read the main module's go.mod the way cmd/go's version fixer does: a
   * version that is not canonical ("v1.9", "master", "1.2.3") is a query the
   * go command resolves through GOPROXY (and then rewrites go.mod). Such
   * versions are kept as written and listed in GoMod.versionQueries instead
   * of failing the parse.
   */
  versionQueries?: boolean;
}

class GoModReader {
  readonly file: string;
  readonly lax: boolean;
  readonly mod: GoMod;
  readonly queries: boolean;

  constructor(file: string, lax: boolean, queries = false) {
    this.file = file;
    this.lax = lax;
    this.queries = queries;
    this.mod = { file, require: [], replace: [], exclude: [], retract: [] };
  }

  fail(line: number, reason: string): never {
    throw new ParseError(this.file, line, reason);
  }

  // modfile's parseString: "double-quoted" strings are unquoted; other quote characters are refused.
  str(tok: Token, line: number): string {
    if (tok.text.startsWith('"')) {
      const s = unquote(tok.text);
      if (s === undefined) this.fail(line, `invalid quoted string ${tok.text}: invalid syntax`);
      return s;
    }
    if (tok.text.startsWith('`')) {
      this.fail(
        line,
        `invalid quoted string ${tok.text}: the go command accepts only "double-quoted" strings in go.mod (it reports "unquoted string cannot contain quote")`,
      );
    }
    if (/["'`]/.test(tok.text)) this.fail(line, `invalid quoted string: unquoted string ${tok.text} cannot contain a quote`);
    return tok.text;
  }

  version(verb: string, path: string, tok: Token, line: number): string {
    const v = this.str(tok, line);
    // Dependencies are parsed without cmd/go's version fixer, so shorthands are canonicalized as modfile does.
    const canonical = this.lax ? canonicalModuleVersion(v) : undefined;
    if (canonical !== undefined) return canonical;
    if (this.queries && verb !== 'retract' && invalidModuleVersionReason(v) !== undefined) {
      (this.mod.versionQueries ??= []).push({ verb: verb as VersionQuery['verb'], path, query: v, line });
      return v;
    }
    const why = invalidModuleVersionReason(v);
    if (why !== undefined) this.fail(line, `${path === '' ? verb : `${verb} ${path}`}: version "${v}" invalid: ${why}`);
    return v;
  }

  // The checks cmd/go's version fixer makes: the path's /vN (or gopkg.in .vN) suffix must match the version.
  pathMajor(verb: string, path: string, version: string | undefined, line: number): void {
    const major = modulePathMajor(path);
    if (major === undefined) {
      this.fail(line, `${verb} ${path}: malformed module path "${path}" (bad major version suffix)`);
    }
    if (version === undefined || this.mod.versionQueries?.some((q) => q.query === version && q.path === path && q.line === line)) return;
    const mismatch = pathMajorMismatch(version, major);
    if (mismatch !== undefined) this.fail(line, `${verb} ${path}: version "${version}" invalid: ${mismatch}`);
  }

  add(verb: string, args: Token[], entry: Entry, block: Stmt | undefined): void {
    const line = entry.line;
    const mod = this.mod;
    if (this.lax && !LAX_VERBS.has(verb)) return;
    switch (verb) {
      case 'module': {
        if (mod.module !== undefined) this.fail(line, `duplicate module directive (module already declared on line ${mod.module.line})`);
        if (args.length !== 1) this.fail(line, 'usage: module module/path');
        mod.module = { path: this.str(args[0] as Token, line), line };
        return;
      }
      case 'go': {
        if (mod.go !== undefined) this.fail(line, `duplicate go directive (go already declared on line ${mod.go.line})`);
        if (args.length !== 1) this.fail(line, 'go directive expects exactly one argument');
        let v = (args[0] as Token).text;
        const loose = this.lax && !GO_VERSION_RE.test(v) ? LAX_GO_VERSION_RE.exec(v) : null;
        if (loose) v = loose[1] as string;
        else if (!GO_VERSION_RE.test(v)) this.fail(line, `invalid go version '${v}': must match format 1.21, 1.21.3 or 1.21rc1`);
        mod.go = { version: v, line };
        return;
      }
      case 'toolchain': {
        if (mod.toolchain !== undefined) this.fail(line, `duplicate toolchain directive (toolchain already declared on line ${mod.toolchain.line})`);
        if (args.length !== 1) this.fail(line, 'toolchain directive expects exactly one argument');
        const name = (args[0] as Token).text;
        if (!TOOLCHAIN_RE.test(name)) this.fail(line, `invalid toolchain version '${name}': must match format go1.21.3 or default`);
        mod.toolchain = { name, line };
        return;
      }
      case 'godebug': {
        const kv = args[0]?.text ?? '';
        if (args.length !== 1 || /["`',]/.test(kv) || !kv.includes('=')) this.fail(line, 'usage: godebug key=value');
        return;
      }
      case 'tool':
      case 'ignore': {
        if (args.length !== 1) this.fail(line, `${verb} directive expects exactly one argument`);
        this.str(args[0] as Token, line);
        return;
      }
      case 'require':
      case 'exclude': {
        if (args.length !== 2) {
          if (args.length === 1) this.fail(line, `${verb} ${(args[0] as Token).text}: missing version (usage: ${verb} module/path v1.2.3)`);
          const extra = args.length > 2 ? ` (unexpected ${(args[2] as Token).text} after the version)` : '';
          this.fail(line, `usage: ${verb} module/path v1.2.3${extra}`);
        }
        const path = this.str(args[0] as Token, line);
        const version = this.version(verb, path, args[1] as Token, line);
        this.pathMajor(verb, path, version, line);
        if (verb === 'require') {
          const r: Requirement = { path, version, indirect: isIndirect(entry.suffix), line };
          mod.require.push(r);
        } else {
          const x: Exclusion = { path, version, line };
          mod.exclude.push(x);
        }
        return;
      }
      case 'replace':
        mod.replace.push(this.replace(args, line));
        return;
      case 'retract': {
        if (!this.lax) {
          mod.retract.push(this.retract(args, entry, block));
          return;
        }
        // ParseLax drops a retraction it cannot read instead of failing the whole dependency.
        try {
          mod.retract.push(this.retract(args, entry, block));
        } catch (err) {
          if (!(err instanceof ParseError)) throw err;
        }
        return;
      }
      case ')':
        this.fail(line, "unexpected ')' with no block open");
      default: {
        // A bare "example.com/x v1.2.3" line usually means its "require (" opener was lost.
        const hint = /[./]/.test(verb) && args.length > 0 ? ' (a module line outside a require block?)' : '';
        this.fail(line, `unknown directive: ${verb}${hint}`);
      }
    }
  }

  // modfile's parseReplace plus cmd/go's checks on the replacement module.
  replace(args: Token[], line: number): Replacement {
    const arrow = args.length >= 2 && args[1]?.text === '=>' ? 1 : 2;
    if (!args.some((a) => a.text === '=>')) {
      this.fail(line, `replace${args[0] ? ` ${args[0].text}` : ''}: missing "=>" (${REPLACE_USAGE})`);
    }
    if (args.length < arrow + 2 || args.length > arrow + 3 || args[arrow]?.text !== '=>') this.fail(line, REPLACE_USAGE);
    const from: ModuleVersion = { path: this.str(args[0] as Token, line) };
    if (arrow === 2) from.version = this.version('replace', from.path, args[1] as Token, line);
    this.pathMajor('replace', from.path, from.version, line);

    const to: ModuleVersion = { path: this.str(args[arrow + 1] as Token, line) };
    const local = isDirectoryPath(to.path);
    if (args.length === arrow + 2) {
      if (!local) {
        if (to.path.includes('@')) this.fail(line, `replace ${from.path}: replacement module must match format 'path version', not 'path@version'`);
        this.fail(
          line,
          `replace ${from.path}: replacement module ${to.path} has no version; without a version the target must be a directory path (rooted or starting with ./ or ../)`,
        );
      }
    } else {
      const tok = args[arrow + 2] as Token;
      if (local) this.fail(line, `replace ${from.path}: replacement directory path "${to.path}" cannot have a version (${tok.text})`);
      to.version = this.version('replace', to.path, tok, line);
      this.pathMajor('replace', to.path, to.version, line);
    }
    return { from, to, local, line };
  }

  retract(args: Token[], entry: Entry, block: Stmt | undefined): Retraction {
    const line = entry.line;
    const rest = [...args];
    const take = (): Token | undefined => rest.shift();
    const versionAt = (tok: Token | undefined, missing: string): string => {
      if (tok === undefined) this.fail(line, `retract: ${missing}`);
      return this.version('retract', this.mod.module?.path ?? '', tok, line);
    };
    let low: string;
    let high: string;
    const first = take();
    if (first === undefined || first.text === '(') this.fail(line, "retract: expected '[' or version");
    if (first.text !== '[') {
      low = high = versionAt(first, "expected '[' or version");
    } else {
      low = versionAt(take(), "expected version after '['");
      if (take()?.text !== ',') this.fail(line, "retract: expected ',' after version");
      high = versionAt(take(), "expected version after ','");
      if (take()?.text !== ']') this.fail(line, "retract: expected ']' after version");
    }
    if (rest.length > 0 && !this.lax) this.fail(line, `retract: unexpected token after version: "${(rest[0] as Token).text}"`);
    const r: Retraction = { low, high, line };
    const rationale = directiveComment(entry, block);
    if (rationale !== '') r.rationale = rationale;
    return r;
  }

  // cmd/go re-checks retractions once the module path is known (modfile's fixRetract).
  checkRetractions(): void {
    if (this.lax) return;
    const first = this.mod.retract[0];
    if (first === undefined) return;
    const module = this.mod.module;
    if (module === undefined) this.fail(first.line, 'no module directive found, so retract cannot be used');
    for (const r of this.mod.retract) {
      this.pathMajor('retract', module.path, r.low, r.line);
      this.pathMajor('retract', module.path, r.high, r.line);
    }
  }
}

/**
 * modfile's parseDirectiveComment: the comments above the directive and on its
 * line; for a block entry with neither, the comments above the block.
 */
function directiveComment(entry: Entry, block: Stmt | undefined): string {
  let before = entry.before;
  let suffix = entry.suffix;
  if (block?.kind === 'block' && before.length === 0 && suffix === undefined) {
    before = block.before;
    suffix = undefined;
  }
  return [...before, ...(suffix === undefined ? [] : [suffix])]
    .filter((c) => c.startsWith('//'))
    .map((c) => c.slice(2).trim())
    .join('\n');
}

/** modfile.IsDirectoryPath: relative or rooted paths, in Unix or Windows spelling. */
export function isDirectoryPath(p: string): boolean {
  return (
    p === '.' ||
    p === '..' ||
    p.startsWith('./') ||
    p.startsWith('../') ||
    p.startsWith('/') ||
    p.startsWith('.\\') ||
    p.startsWith('..\\') ||
    p.startsWith('\\') ||
    /^[A-Za-z]:/.test(p)
  );
}

export function parseGoMod(text: string, file = 'go.mod', options: ParseGoModOptions = {}): GoMod {
  const stmts = parseStatements(text, file);
  const reader = new GoModReader(file, options.lax === true, options.versionQueries === true && options.lax !== true);
  for (const stmt of stmts) {
    if (stmt.kind === 'line') {
      const [verb, ...args] = stmt.entry.tokens;
      reader.add((verb as Token).text, args, stmt.entry, undefined);
      continue;
    }
    const verb = stmt.head[0];
    if (stmt.head.length !== 1 || verb === undefined || !BLOCK_VERBS.has(verb.text)) {
      if (reader.lax) continue;
      reader.fail(stmt.line, `unknown block type: ${joinTokens(stmt.head)}`);
    }
    for (const entry of stmt.entries) reader.add(verb.text, entry.tokens, entry, stmt);
  }
  reader.checkRetractions();
  return reader.mod;
}
