/**
 * Module zips checked the way the go command checks them when it downloads
 * one (cmd/go/internal/modfetch/fetch.go downloadZip, then
 * golang.org/x/mod/zip checkZip inside Unzip), in go's order:
 *
 * 1. every entry must start with "<module>@<version>/"
 *    ("zip for m@v has unexpected file …");
 * 2. the h1: hash of all entries (dirhash.HashZip) is compared with go.sum
 *    and the checksum database (done by the caller with `hash`);
 * 3. file names must be clean, valid file paths (module.CheckFilePath),
 *    free of case-insensitive collisions and file/directory clashes; go.mod
 *    only at the root and lower-case; go.mod and LICENSE ≤ 16 MiB; the
 *    archive and its contents ≤ 500 MiB.
 *
 * The archive is read with yauzl (names as raw bytes: go does not reject a
 * name for containing "..", it reports it as not clean or malformed).
 */
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { hash1, type HashedFile } from '../gomod/dirhash.ts';
import { checkFilePath } from '../goproxy/escape-path.ts';

export const MAX_ZIP_FILE = 500 * 1024 * 1024;
export const MAX_GO_MOD = 16 * 1024 * 1024;
export const MAX_LICENSE = 16 * 1024 * 1024;

export type ZipRule =
  | 'outside-prefix'
  | 'not-clean'
  | 'malformed-path'
  | 'case-collision'
  | 'file-and-directory'
  | 'duplicate'
  | 'go-mod-not-at-root'
  | 'go-mod-case'
  | 'too-large';

export interface ZipProblem {
  /** The entry's full name in the archive. */
  name: string;
  rule: ZipRule;
  /** go's own words for it ("malformed file path \"a:b.go\": invalid char ':'"). */
  reason: string;
}

export interface ZipInspection {
  /** Entries outside "<module>@<version>/": go stops on the first one, before hashing. */
  outsidePrefix: ZipProblem[];
  /** checkZip's per-file errors, in archive order (go lists them all, one per line). */
  invalid: ZipProblem[];
  /** checkZip's size error (archive or total contents too large). */
  sizeError?: string;
  /** h1: hash over every entry (what go.sum's "<module> <version>" line must say); undefined when a name holds a newline. */
  hash?: string;
  entries: number;
  uncompressedBytes: number;
}

/** The archive could not be read as a zip at all. */
export class ZipReadError extends Error {
  override readonly name = 'ZipReadError';
}

/** path.Clean for slash paths. */
function cleanPath(p: string): string {
  if (p === '') return '.';
  let out = posix.normalize(p);
  if (out.length > 1 && out.endsWith('/')) out = out.slice(0, -1);
  if (out.startsWith('./')) out = out.slice(2);
  return out;
}

/** strings.EqualFold classes (simple case folding per code point). */
function fold(s: string): string {
  let out = '';
  for (const ch of s) {
    const upper = ch.toUpperCase();
    out += ([...upper].length === 1 ? upper : ch).toLowerCase();
  }
  return out;
}

function collisionChecker(): (p: string, isDir: boolean) => { rule: ZipRule; reason: string } | undefined {
  const seen = new Map<string, { path: string; isDir: boolean }>();
  const check = (p: string, isDir: boolean): { rule: ZipRule; reason: string } | undefined => {
    const key = fold(p);
    const other = seen.get(key);
    if (other) {
      if (other.path !== p)
        return { rule: 'case-collision', reason: `case-insensitive file name collision: ${JSON.stringify(other.path)} and ${JSON.stringify(p)}` };
      if (other.isDir !== isDir) return { rule: 'file-and-directory', reason: `entry ${JSON.stringify(p)} is both a file and a directory` };
      if (!isDir) return { rule: 'duplicate', reason: `multiple entries for file ${JSON.stringify(p)}` };
    } else {
      seen.set(key, { path: p, isDir });
    }
    const parent = posix.dirname(p);
    return parent !== '.' ? check(parent, true) : undefined;
  };
  return check;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeName(raw: Buffer): { name: string; valid: boolean } {
  try {
    return { name: utf8.decode(raw), valid: true };
  } catch {
    return { name: raw.toString('utf8'), valid: false };
  }
}

function digest(stream: Readable): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    stream.on('data', (chunk: Buffer) => h.update(chunk));
    stream.on('end', () => resolve(h.digest()));
    stream.on('error', reject);
  });
}

interface RawEntry {
  name: string;
  validUtf8: boolean;
  uncompressedSize: number;
  sha256: Buffer;
}

async function readEntries(data: Buffer): Promise<RawEntry[]> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.fromBufferPromise(data, { lazyEntries: true, decodeStrings: false, validateEntrySizes: true });
  } catch (err) {
    throw new ZipReadError(`zip: not a valid zip file (${err instanceof Error ? err.message : String(err)})`);
  }
  const out: RawEntry[] = [];
  try {
    for (;;) {
      const entry = await new Promise<yauzl.Entry | undefined>((resolve, reject) => {
        const onEntry = (e: yauzl.Entry): void => {
          zip.off('end', onEnd);
          zip.off('error', onError);
          resolve(e);
        };
        const onEnd = (): void => {
          zip.off('entry', onEntry);
          zip.off('error', onError);
          resolve(undefined);
        };
        const onError = (err: Error): void => {
          zip.off('entry', onEntry);
          zip.off('end', onEnd);
          reject(err);
        };
        zip.once('entry', onEntry);
        zip.once('end', onEnd);
        zip.once('error', onError);
        zip.readEntry();
      });
      if (!entry) break;
      const raw = entry.fileName as unknown as Buffer;
      const { name, valid } = decodeName(Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw), 'utf8'));
      const sha256 = await digest(await zip.openReadStreamPromise(entry));
      out.push({ name, validUtf8: valid, uncompressedSize: entry.uncompressedSize, sha256 });
    }
  } catch (err) {
    throw new ZipReadError(`zip: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    zip.close();
  }
  return out;
}

/** Reads a module zip and applies go's checks; throws ZipReadError when it is not a readable zip. */
export async function inspectModuleZip(module: string, version: string, data: Buffer): Promise<ZipInspection> {
  const result: ZipInspection = { outsidePrefix: [], invalid: [], entries: 0, uncompressedBytes: 0 };
  if (data.length > MAX_ZIP_FILE) {
    result.sizeError = `module zip file is too large (${data.length} bytes; limit is ${MAX_ZIP_FILE} bytes)`;
    return result;
  }
  const entries = await readEntries(data);
  result.entries = entries.length;
  const prefix = `${module}@${version}/`;
  const hashed: HashedFile[] = [];
  let newline = false;
  for (const e of entries) {
    if (e.name.includes('\n')) newline = true;
    hashed.push({ name: e.name, sha256: e.sha256 });
  }
  if (!newline) result.hash = hash1(hashed);
  const collisions = collisionChecker();
  let size = 0;
  for (const e of entries) {
    const add = (rule: ZipRule, reason: string): void => {
      result.invalid.push({ name: e.name, rule, reason });
    };
    if (!e.name.startsWith(prefix)) {
      const problem = { name: e.name, rule: 'outside-prefix' as const, reason: `zip for ${module}@${version} has unexpected file ${e.name}` };
      result.outsidePrefix.push(problem);
      result.invalid.push({ ...problem, reason: `path does not have prefix ${JSON.stringify(prefix)}` });
      continue;
    }
    let name = e.name.slice(prefix.length);
    if (name === '') continue;
    const isDir = name.endsWith('/');
    if (isDir) name = name.slice(0, -1);
    if (cleanPath(name) !== name) {
      add('not-clean', 'file path is not clean');
      continue;
    }
    const bad = e.validUtf8 ? checkFilePath(name) : `malformed file path ${JSON.stringify(name)}: invalid UTF-8`;
    if (bad) {
      add('malformed-path', bad);
      continue;
    }
    const clash = collisions(name, isDir);
    if (clash) {
      add(clash.rule, clash.reason);
      continue;
    }
    if (isDir) continue;
    const base = posix.basename(name);
    if (base.toLowerCase() === 'go.mod') {
      if (base !== name) {
        add('go-mod-not-at-root', 'go.mod file not in module root directory');
        continue;
      }
      if (name !== 'go.mod') {
        add('go-mod-case', 'go.mod files must have lowercase names');
        continue;
      }
    }
    const sz = e.uncompressedSize;
    if (MAX_ZIP_FILE - size >= sz) size += sz;
    else result.sizeError ??= `total uncompressed size of module contents too large (max size is ${MAX_ZIP_FILE} bytes)`;
    if (name === 'go.mod' && sz > MAX_GO_MOD) {
      add('too-large', `go.mod file too large (max size is ${MAX_GO_MOD} bytes)`);
      continue;
    }
    if (name === 'LICENSE' && sz > MAX_LICENSE) {
      add('too-large', `LICENSE file too large (max size is ${MAX_LICENSE} bytes)`);
      continue;
    }
  }
  result.uncompressedBytes = size;
  return result;
}

/** The h1: hash go.sum records for a module zip (dirhash.HashZip); throws ZipReadError. */
export async function moduleZipHash(data: Buffer): Promise<string> {
  const entries = await readEntries(data);
  return hash1(entries.map((e) => ({ name: e.name, sha256: e.sha256 })));
}
