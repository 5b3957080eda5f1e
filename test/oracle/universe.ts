/**
 * The module universe of one oracle project: which module versions exist on
 * the fake proxy, what their go.mod and zip hold, and the go.sum hashes of
 * that content (computed with src/gomod/dirhash.ts, the same h1: go writes).
 * Zips follow go's module zip rules (`<module>@<version>/` prefix, go.mod at
 * the root) unless a version deliberately breaks them (`rawEntries`, `zeros`).
 */
import { createDeflateRaw, crc32 } from 'node:zlib';
import { goModHash, hash1, sha256Of } from '../../src/gomod/dirhash.ts';
import { createStoredZip } from '../fakes/goproxy-server.ts';

export interface UniverseVersion {
  version: string;
  /** Requirements written into the default go.mod. */
  requires?: Array<[path: string, version: string]>;
  /** `go` line of the default go.mod (default 1.19). */
  go?: string;
  /** Declare this path in the default go.mod instead of the module's own. */
  declaredPath?: string;
  /** `retract` lines appended to the default go.mod. */
  retract?: string[];
  /** The whole go.mod text (overrides the defaults above). */
  goMod?: string;
  /** A +incompatible version: the zip holds no go.mod, .mod is the synthesized `module <path>`. */
  noGoModInZip?: boolean;
  /** Files besides go.mod, relative to the module root. */
  files?: Record<string, string>;
  /** Zip entries with full names (replace the rule-following layout): bad zips. */
  rawEntries?: Array<{ name: string; data: string }>;
  /** A zip whose single extra file is this many zero bytes (deflated): oversized modules. */
  zeros?: number;
  /** The proxy answers 410 Gone for this version (404 when absent from the universe). */
  gone?: boolean;
  /** Commit time for .info (RFC 3339). */
  time?: string;
}

export interface UniverseModule {
  path: string;
  versions: UniverseVersion[];
}

export function goModText(path: string, v: UniverseVersion): string {
  if (v.goMod !== undefined) return v.goMod;
  if (v.noGoModInZip) return `module ${path}\n`;
  let text = `module ${v.declaredPath ?? path}\n\ngo ${v.go ?? '1.19'}\n`;
  const req = v.requires ?? [];
  if (req.length === 1) text += `\nrequire ${req[0]![0]} ${req[0]![1]}\n`;
  else if (req.length > 1) text += `\nrequire (\n${req.map(([p, ver]) => `\t${p} ${ver}\n`).join('')})\n`;
  for (const r of v.retract ?? []) text += `\nretract ${r}\n`;
  return text;
}

/** The entries of the module zip (full names) — not for `zeros` versions. */
export function zipEntries(path: string, v: UniverseVersion): Array<{ name: string; data: string }> {
  if (v.rawEntries) return v.rawEntries;
  const prefix = `${path}@${v.version}/`;
  const entries: Array<{ name: string; data: string }> = [];
  if (!v.noGoModInZip) entries.push({ name: `${prefix}go.mod`, data: goModText(path, v) });
  const files = v.files ?? { 'lib.go': `package lib\n\n// Version of ${path}.\nconst Version = "${v.version}"\n` };
  for (const [name, data] of Object.entries(files)) entries.push({ name: `${prefix}${name}`, data });
  return entries;
}

/** go.sum's hash of the module zip (`<module> <version> h1:…`). */
export function zipHash(path: string, v: UniverseVersion): string {
  return hash1(zipEntries(path, v).map((e) => ({ name: e.name, sha256: sha256Of(e.data) })));
}

/** go.sum's hash of the go.mod (`<module> <version>/go.mod h1:…`). */
export function modHash(path: string, v: UniverseVersion): string {
  return goModHash(goModText(path, v));
}

const zerosCache = new Map<number, Promise<Buffer>>();

/** A one-entry deflated zip of `size` zero bytes plus go.mod, built in 1 MiB steps (cached per size). */
function zerosZip(path: string, v: UniverseVersion, size: number): Promise<Buffer> {
  const key = size;
  let cached = zerosCache.get(key);
  if (!cached) {
    cached = (async () => {
      const chunk = Buffer.alloc(1 << 20);
      const deflate = createDeflateRaw({ level: 1 });
      const out: Buffer[] = [];
      deflate.on('data', (b: Buffer) => out.push(b));
      const done = new Promise<void>((resolve, reject) => {
        deflate.on('end', resolve);
        deflate.on('error', reject);
      });
      let crc = 0;
      for (let left = size; left > 0; left -= chunk.length) {
        const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
        crc = crc32(piece, crc);
        if (!deflate.write(piece)) await new Promise((r) => deflate.once('drain', r));
      }
      deflate.end();
      await done;
      const compressed = Buffer.concat(out);
      return Buffer.concat([Buffer.from(JSON.stringify({ crc, size })), Buffer.from('\n'), compressed]);
    })();
    zerosCache.set(key, cached);
  }
  return cached.then((blob) => {
    const nl = blob.indexOf(10);
    const meta = JSON.parse(blob.subarray(0, nl).toString()) as { crc: number; size: number };
    return deflatedZip([
      { name: `${path}@${v.version}/go.mod`, data: Buffer.from(goModText(path, v)) },
      { name: `${path}@${v.version}/big.bin`, deflated: blob.subarray(nl + 1), crc: meta.crc, size: meta.size },
    ]);
  });
}

type ZipPart = { name: string; data: Buffer } | { name: string; deflated: Buffer; crc: number; size: number };

/** A zip with stored and pre-deflated entries (zip32: sizes < 4 GiB). */
function deflatedZip(parts: ZipPart[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const part of parts) {
    const name = Buffer.from(part.name, 'utf8');
    const stored = 'data' in part;
    const body = stored ? part.data : part.deflated;
    const crc = stored ? crc32(part.data) : part.crc;
    const size = stored ? part.data.length : part.size;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(stored ? 0 : 8, 8);
    local.writeUInt16LE(0x21, 12);
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, body);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(stored ? 0 : 8, 10);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(crc >>> 0, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const centralSize = centrals.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}

/** The module zip the fake proxy serves for this version. */
export async function buildZip(path: string, v: UniverseVersion): Promise<Buffer> {
  if (v.zeros !== undefined) return zerosZip(path, v, v.zeros);
  return createStoredZip(zipEntries(path, v));
}
