/**
 * go.sum reader. Each non-blank line is "<path> <version>[/go.mod] h1:<base64>"
 * (what cmd/go's readGoSum splits into three fields); buildfix is stricter
 * and also checks the version and hash shapes so a mangled line is named.
 */
import { ParseError } from '../errors.ts';
import { isValidModuleVersion } from './go-version.ts';
import type { GoSum, GoSumEntry } from './types.ts';

/** An h1: hash is a SHA-256 digest: 32 bytes, 44 characters of padded standard base64. */
const H1_HASH = /^h1:[A-Za-z0-9+/]{43}=$/;

/** The hash cmd/go once wrote for empty go.mod files by mistake; readGoSum drops such lines. */
const EMPTY_GO_MOD_HASH = 'h1:G7mAYYxgmS0lVkHyy2hEOLQCFB0DlQFTMLWggykrydY=';

export function parseGoSum(text: string, file = 'go.sum'): GoSum {
  const entries: GoSumEntry[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = i + 1;
    const fields = (lines[i] as string)
      .trim()
      .split(/\s+/)
      .filter((f) => f !== '');
    if (fields.length === 0) continue;
    if (fields.length !== 3) {
      throw new ParseError(
        file,
        line,
        `malformed go.sum line: want "<module> <version>[/go.mod] h1:<hash>", got ${fields.length} field${fields.length === 1 ? '' : 's'}`,
      );
    }
    const [path, rawVersion, hash] = fields as [string, string, string];
    const goMod = rawVersion.endsWith('/go.mod');
    const version = goMod ? rawVersion.slice(0, -'/go.mod'.length) : rawVersion;
    if (!isValidModuleVersion(version)) {
      throw new ParseError(file, line, `malformed go.sum line: ${path}: invalid version "${rawVersion}"`);
    }
    if (!H1_HASH.test(hash)) {
      throw new ParseError(file, line, `malformed go.sum line: ${path} ${rawVersion}: hash "${hash}" is not h1:<44 base64 characters>`);
    }
    if (hash === EMPTY_GO_MOD_HASH) continue;
    entries.push({ path, version, goMod, hash, line });
  }
  return { file, entries };
}

interface SumIndex {
  /** entries.length when built: a GoSum whose entries were appended to gets a fresh index. */
  size: number;
  keys: Set<string>;
}

/** Built once per entries array so checking n modules costs O(n), not O(n × entries). */
const indexes = new WeakMap<GoSumEntry[], SumIndex>();

function sumKey(path: string, version: string, goMod: boolean): string {
  // A space cannot occur in a module path or version, so the key is unambiguous.
  return `${path} ${version}${goMod ? '/go.mod' : ''}`;
}

/** Whether go.sum has the hash of the module zip ('zip') or of its go.mod ('mod') for path@version. */
export function goSumHas(sum: GoSum, path: string, version: string, kind: 'zip' | 'mod'): boolean {
  let index = indexes.get(sum.entries);
  if (index === undefined || index.size !== sum.entries.length) {
    index = { size: sum.entries.length, keys: new Set(sum.entries.map((e) => sumKey(e.path, e.version, e.goMod))) };
    indexes.set(sum.entries, index);
  }
  return index.keys.has(sumKey(path, version, kind === 'mod'));
}

/** What go.sum holds for the host's go, and the line where go stopped reading it. */
export interface GoSumAsGoReadsIt {
  goSum: GoSum;
  /** The first line with the wrong number of fields: go ignores it and every line after it. */
  malformed?: { line: number; fields: number };
}

/**
 * go.sum as the go command reads it (cmd/go/internal/modfetch readGoSum in
 * go 1.19–1.23): three fields a line, version and hash kept as written (go
 * compares hashes as text, so a mangled hash is a checksum mismatch, not a
 * parse error); at the first line with another number of fields readGoSum
 * returns an error that initGoSum ignores, so that line and all after it are
 * simply absent and `go mod download` goes on.
 */
export function readGoSumAsGo(text: string, file = 'go.sum'): GoSumAsGoReadsIt {
  const entries: GoSumEntry[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = i + 1;
    const fields = (lines[i] as string)
      .trim()
      .split(/\s+/)
      .filter((f) => f !== '');
    if (fields.length === 0) continue;
    if (fields.length !== 3) return { goSum: { file, entries }, malformed: { line, fields: fields.length } };
    const [path, rawVersion, hash] = fields as [string, string, string];
    if (hash === EMPTY_GO_MOD_HASH) continue;
    const goMod = rawVersion.endsWith('/go.mod');
    entries.push({ path, version: goMod ? rawVersion.slice(0, -'/go.mod'.length) : rawVersion, goMod, hash, line });
  }
  return { goSum: { file, entries } };
}
