/**
 * The checksum database's transparent log (golang.org/x/mod/sumdb/tlog),
 * as much as a client needs to authenticate a record: RFC 6962 record and
 * node hashes, the stored-hash index numbering, hash tiles, and the tile
 * hash reader that proves tiles against a signed tree hash. Numbers are
 * JavaScript numbers (exact to 2^53, far beyond any real log's size), so
 * the bit arithmetic uses multiplication instead of shifts.
 */
import { createHash } from 'node:crypto';

export const HASH_SIZE = 32;

export interface Tree {
  n: number;
  /** 32-byte tree hash. */
  hash: Buffer;
}

export interface Tile {
  /** Height (sum.golang.org: 8). */
  h: number;
  /** Level in the tiling. */
  l: number;
  /** Number within the level. */
  n: number;
  /** Width: 1..2^h (2^h is a complete tile). */
  w: number;
}

export class TlogError extends Error {
  override readonly name = 'TlogError';
}

const pow2 = (k: number): number => 2 ** k;
const shr = (n: number, k: number): number => Math.floor(n / pow2(k));

function trailingZeros(n: number): number {
  if (n === 0) return 64;
  let z = 0;
  while (n % 2 === 0) {
    n /= 2;
    z++;
  }
  return z;
}

/** SHA-256(0x00 ‖ data). */
export function recordHash(data: Uint8Array | string): Buffer {
  return createHash('sha256')
    .update(Buffer.from([0]))
    .update(data)
    .digest();
}

/** SHA-256(0x01 ‖ left ‖ right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return createHash('sha256')
    .update(Buffer.from([1]))
    .update(left)
    .update(right)
    .digest();
}

/** Where the n'th hash at a level is stored in the log's hash sequence. */
export function storedHashIndex(level: number, n: number): number {
  for (let l = level; l > 0; l--) n = 2 * n + 1;
  let i = 0;
  for (; n > 0; n = shr(n, 1)) i += n;
  return i + level;
}

/** The inverse of storedHashIndex. */
export function splitStoredHashIndex(index: number): { level: number; n: number } {
  let n = Math.floor(index / 2);
  let indexN = storedHashIndex(0, n);
  if (indexN > index) throw new TlogError('bad math');
  for (;;) {
    const x = indexN + 1 + trailingZeros(n + 1);
    if (x > index) break;
    n++;
    indexN = x;
  }
  const level = index - indexN;
  return { level, n: shr(n, level) };
}

function tileForIndex(h: number, index: number): { tile: Tile; start: number; end: number } {
  const split = splitStoredHashIndex(index);
  let level = split.level;
  let n = split.n;
  const l = Math.floor(level / h);
  level -= l * h;
  const tn = shr(n * pow2(level), h);
  n -= shr(tn * pow2(h), level);
  return { tile: { h, l, n: tn, w: (n + 1) * pow2(level) }, start: n * pow2(level) * HASH_SIZE, end: (n + 1) * pow2(level) * HASH_SIZE };
}

/** tile/H/L/NNN[.p/W], N in groups of three digits ("x001/234"). */
export function tilePath(t: Tile): string {
  let n = t.n;
  let nStr = String(n % 1000).padStart(3, '0');
  while (n >= 1000) {
    n = Math.floor(n / 1000);
    nStr = `x${String(n % 1000).padStart(3, '0')}/${nStr}`;
  }
  const p = t.w !== pow2(t.h) ? `.p/${t.w}` : '';
  return `tile/${t.h}/${t.l === -1 ? 'data' : t.l}/${nStr}${p}`;
}

/** Parses a tile path (the inverse of tilePath); undefined when malformed. */
export function parseTilePath(path: string): Tile | undefined {
  const m = /^tile\/(\d+)\/(\d+|data)\/((?:x\d{3}\/)*\d{3})(?:\.p\/(\d+))?$/.exec(path);
  if (!m) return undefined;
  const h = Number(m[1]);
  if (h < 1 || h > 30) return undefined;
  const l = m[2] === 'data' ? -1 : Number(m[2]);
  let n = 0;
  for (const part of m[3]!.split('/')) n = n * 1000 + Number(part.replace(/^x/, ''));
  const w = m[4] === undefined ? pow2(h) : Number(m[4]);
  if (w < 1 || w > pow2(h) || (m[4] !== undefined && w === pow2(h))) return undefined;
  const tile = { h, l, n, w };
  return tilePath(tile) === path ? tile : undefined;
}

function tileHash(data: Buffer): Buffer {
  if (data.length === HASH_SIZE) return data;
  const half = data.length / 2;
  return nodeHash(tileHash(data.subarray(0, half)), tileHash(data.subarray(half)));
}

function hashFromTile(t: Tile, data: Buffer, index: number): Buffer {
  if (data.length < t.w * HASH_SIZE) throw new TlogError(`data too short for ${tilePath(t)}`);
  const { tile: t1, start, end } = tileForIndex(t.h, index);
  if (t.l !== t1.l || t.n !== t1.n || t.w < t1.w) throw new TlogError(`index ${index} is in ${tilePath(t1)} not ${tilePath(t)}`);
  return tileHash(data.subarray(start, end));
}

function tileParent(t: Tile, k: number, treeN: number): Tile | undefined {
  const p: Tile = { h: t.h, l: t.l + k, n: shr(t.n, k * t.h), w: pow2(t.h) };
  const max = shr(treeN, p.l * p.h);
  if (p.n * pow2(p.h) + p.w >= max) {
    if (p.n * pow2(p.h) >= max) return undefined;
    p.w = max - p.n * pow2(p.h);
  }
  return p;
}

function maxpow2(n: number): { k: number; level: number } {
  let level = 0;
  while (pow2(level + 1) < n) level++;
  return { k: pow2(level), level };
}

/** Stored-hash indexes of the complete subtrees that make up a tree of size hi (lo = 0). */
export function subTreeIndex(lo: number, hi: number): number[] {
  const need: number[] = [];
  while (lo < hi) {
    const { k, level } = maxpow2(hi - lo + 1);
    need.push(storedHashIndex(level, shr(lo, level)));
    lo += k;
  }
  return need;
}

/** Reads tiles (in order) from the log server: data[i] must hold tiles[i].w hashes. */
export type TileFetcher = (tiles: Tile[]) => Promise<Buffer[]>;

const key = (t: Tile): string => `${t.l}/${t.n}/${t.w}`;

/**
 * tlog.TileHashReader(tree, …).ReadHashes: fetches the tiles holding the
 * requested stored hashes plus those that rebuild the tree hash, checks them
 * against tree.hash (and full tiles against their parents), and returns the
 * requested hashes. Throws TlogError("downloaded inconsistent tile") when the
 * server's tiles do not support its signed tree.
 */
export async function readHashes(tree: Tree, height: number, indexes: number[], fetchTiles: TileFetcher): Promise<Buffer[]> {
  const order = new Map<string, number>();
  const tiles: Tile[] = [];
  const stx = subTreeIndex(0, tree.n);
  const stxOrder: number[] = [];
  for (const x of stx) {
    const tile = tileParent(tileForIndex(height, x).tile, 0, tree.n);
    if (!tile) throw new TlogError('bad math in readHashes');
    const j = order.get(key(tile));
    if (j !== undefined) {
      stxOrder.push(j);
      continue;
    }
    stxOrder.push(tiles.length);
    order.set(key(tile), tiles.length);
    tiles.push(tile);
  }
  const indexOrder: number[] = [];
  for (const x of indexes) {
    if (x >= storedHashIndex(0, tree.n)) throw new TlogError('indexes not in tree');
    const tile = tileForIndex(height, x).tile;
    let k = 0;
    for (; ; k++) {
      const p = tileParent(tile, k, tree.n);
      if (!p) throw new TlogError('bad math in readHashes: no parent');
      const j = order.get(key(p));
      if (j !== undefined) {
        if (k === 0) indexOrder.push(j);
        break;
      }
    }
    for (k--; k >= 0; k--) {
      const p = tileParent(tile, k, tree.n)!;
      if (p.w !== pow2(p.h)) throw new TlogError('bad math in readHashes: partial tile with a parent');
      order.set(key(p), tiles.length);
      if (k === 0) indexOrder.push(tiles.length);
      tiles.push(p);
    }
  }
  const data = await fetchTiles(tiles);
  if (data.length !== tiles.length) throw new TlogError('tile fetcher returned the wrong number of tiles');
  tiles.forEach((t, i) => {
    if (data[i]!.length !== t.w * HASH_SIZE) throw new TlogError(`tile ${tilePath(t)} has ${data[i]!.length} bytes, want ${t.w * HASH_SIZE}`);
  });
  const last = stx.length - 1;
  let th = hashFromTile(tiles[stxOrder[last]!]!, data[stxOrder[last]!]!, stx[last]!);
  for (let i = last - 1; i >= 0; i--) th = nodeHash(hashFromTile(tiles[stxOrder[i]!]!, data[stxOrder[i]!]!, stx[i]!), th);
  if (!th.equals(tree.hash)) throw new TlogError('downloaded inconsistent tile');
  for (let i = stx.length; i < tiles.length; i++) {
    const t = tiles[i]!;
    const p = tileParent(t, 1, tree.n);
    const j = p ? order.get(key(p)) : undefined;
    if (!p || j === undefined) throw new TlogError('bad math in readHashes: lost parent');
    const h = hashFromTile(p, data[j]!, storedHashIndex(p.l * p.h, t.n));
    if (!h.equals(tileHash(data[i]!))) throw new TlogError('downloaded inconsistent tile');
  }
  return indexes.map((x, i) => hashFromTile(tiles[indexOrder[i]!]!, data[indexOrder[i]!]!, x));
}

/** "go.sum database tree\n<N>\n<base64 hash>\n" (tlog.FormatTree). */
export function formatTree(tree: Tree): string {
  return `go.sum database tree\n${tree.n}\n${tree.hash.toString('base64')}\n`;
}

/** tlog.ParseTree. */
export function parseTree(text: string): Tree {
  const lines = text.split('\n');
  if (!text.startsWith('go.sum database tree\n') || lines.length < 4) throw new TlogError('malformed tree note');
  const n = Number(lines[1]);
  if (!/^(0|[1-9]\d*)$/.test(lines[1]!) || !Number.isSafeInteger(n)) throw new TlogError('malformed tree note');
  const hash = Buffer.from(lines[2]!, 'base64');
  if (hash.length !== HASH_SIZE || hash.toString('base64') !== lines[2]) throw new TlogError('malformed tree note');
  return { n, hash };
}

/** tlog.ParseRecord: "<id>\n<text>\n<rest (the signed tree note)>". */
export function parseRecord(msg: Buffer): { id: number; text: Buffer; rest: Buffer } {
  const nl = msg.indexOf(0x0a);
  if (nl < 0) throw new TlogError('malformed record data');
  const idText = msg.subarray(0, nl).toString('latin1');
  if (!/^\d+$/.test(idText)) throw new TlogError('malformed record data');
  const body = msg.subarray(nl + 1);
  const split = body.indexOf('\n\n');
  if (split < 0) throw new TlogError('malformed record data');
  const text = body.subarray(0, split + 1);
  for (const byte of text) if (byte < 0x20 && byte !== 0x0a) throw new TlogError('malformed record data');
  return { id: Number(idText), text, rest: body.subarray(split + 2) };
}

/** The RFC 6962 hash of a list of leaf (record) hashes: what the log signs as its tree hash. */
export function merkleTreeHash(leaves: Buffer[]): Buffer {
  if (leaves.length === 0) return Buffer.alloc(HASH_SIZE);
  if (leaves.length === 1) return leaves[0]!;
  const { k } = maxpow2(leaves.length);
  return nodeHash(merkleTreeHash(leaves.slice(0, k)), merkleTreeHash(leaves.slice(k)));
}
