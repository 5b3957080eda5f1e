/**
 * A checksum database on 127.0.0.1 that the real go command trusts when
 * GOSUMDB names its key: it signs its tree notes with its own ed25519 key
 * in GOSUMDB's "name+hash+key" format and serves `/lookup/<module>@<version>`
 * ("<id>\n<record>\n<signed tree note>"), `/latest` and the hash tiles
 * (`/tile/8/<L>/<N>[.p/<W>]`) that go uses to prove a record is in the
 * signed tree. Reach it directly (GOSUMDB="<key> <url>") or through a
 * module proxy's `/sumdb/<name>/…` (see `handle`, used by the goproxy fake).
 * Tests add records (the hashes the database vouches for) and can make it
 * misbehave: sign with a key go does not trust, or serve tiles that do not
 * match the signed tree.
 */
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { unescapePath, unescapeVersion } from '../../src/goproxy/escape-path.ts';
import { formatTree, HASH_SIZE, merkleTreeHash, parseTilePath, recordHash } from '../../src/sumdb/tlog.ts';

export interface SumDbRecordInput {
  module: string;
  version: string;
  /** h1: of the zip ("<module> <version> <hash>"). */
  zipHash: string;
  /** h1: of the go.mod ("<module> <version>/go.mod <hash>"). */
  modHash: string;
}

export interface SumDbFake {
  /** Database name (the GOSUMDB key's name). */
  name: string;
  /** Verifier key "name+hash+base64", the value for GOSUMDB. */
  verifierKey: string;
  /** Base URL for GOSUMDB="<key> <url>". */
  url: string;
  /** Appends a record (append-only like the real log); returns its id. */
  add(record: SumDbRecordInput): number;
  /** Answers one database request path ("/lookup/…", "/tile/…", "/latest", "/supported"). */
  handle(path: string): { status: number; body: string | Buffer; type: string };
  /** Misbehave: sign notes with another key, or corrupt the tiles' hashes. */
  configure(patch: { signWithOtherKey?: boolean; corruptTiles?: boolean }): void;
  /** Paths asked, in order. */
  requests: string[];
  close(): Promise<void>;
}

function keyPair(): { privateKey: KeyObject; raw: Buffer } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const jwk = publicKey.export({ format: 'jwk' });
  return { privateKey, raw: Buffer.from(jwk.x ?? '', 'base64url') };
}

function keyHash(name: string, algAndKey: Buffer): Buffer {
  return createHash('sha256').update(name).update('\n').update(algAndKey).digest().subarray(0, 4);
}

export async function startSumDbFake(options: { name?: string } = {}): Promise<SumDbFake> {
  const name = options.name ?? 'sumdb.buildfix.test';
  const key = keyPair();
  const other = keyPair();
  const algKey = Buffer.concat([Buffer.from([1]), key.raw]);
  const verifierKey = `${name}+${keyHash(name, algKey).toString('hex')}+${algKey.toString('base64')}`;
  const records: Array<{ module: string; version: string; text: string; leaf: Buffer }> = [];
  let signWithOtherKey = false;
  let corruptTiles = false;
  const requests: string[] = [];

  const signedTree = (): string => {
    const text = formatTree({ n: records.length, hash: merkleTreeHash(records.map((r) => r.leaf)) });
    const k = signWithOtherKey ? other : key;
    const alg = Buffer.concat([Buffer.from([1]), k.raw]);
    const sig = Buffer.concat([keyHash(name, alg), sign(null, Buffer.from(text), k.privateKey)]);
    return `${text}\n\u2014 ${name} ${sig.toString('base64')}\n`;
  };

  // The stored hash at `level` for the n'th complete subtree of 2^level leaves.
  const subtreeHash = (level: number, n: number): Buffer | undefined => {
    const lo = n * 2 ** level;
    const hi = lo + 2 ** level;
    if (hi > records.length) return undefined;
    return merkleTreeHash(records.slice(lo, hi).map((r) => r.leaf));
  };

  const handle: SumDbFake['handle'] = (path) => {
    requests.push(path);
    const text = (status: number, body: string) => ({ status, body, type: 'text/plain; charset=utf-8' });
    if (path === '/supported') return text(200, '');
    if (path === '/latest') return text(200, signedTree());
    if (path.startsWith('/lookup/')) {
      const spec = path.slice('/lookup/'.length);
      const at = spec.lastIndexOf('@');
      let module: string;
      let version: string;
      try {
        module = unescapePath(spec.slice(0, at));
        version = unescapeVersion(spec.slice(at + 1));
      } catch (err) {
        return text(400, `bad request: ${(err as Error).message}\n`);
      }
      const id = records.findIndex((r) => r.module === module && r.version === version);
      if (id < 0) return text(404, `not found: ${module}@${version}: unknown module version\n`);
      return text(200, `${id}\n${records[id]!.text}\n${signedTree()}`);
    }
    if (path.startsWith('/tile/')) {
      const tile = parseTilePath(path.slice(1));
      if (!tile || tile.l < 0) return text(404, 'not found\n');
      const hashes: Buffer[] = [];
      for (let i = 0; i < tile.w; i++) {
        const h = subtreeHash(tile.h * tile.l, tile.n * 2 ** tile.h + i);
        if (!h) return text(404, 'not found: tile beyond the tree\n');
        hashes.push(corruptTiles ? createHash('sha256').update(h).digest() : h);
      }
      return { status: 200, body: Buffer.concat(hashes, hashes.length * HASH_SIZE), type: 'application/octet-stream' };
    }
    return text(404, 'not found\n');
  };

  const sockets = new Set<Socket>();
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const out = handle(path);
    res.writeHead(out.status, { 'content-type': out.type, 'content-length': String(Buffer.byteLength(out.body)) });
    res.end(out.body);
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    name,
    verifierKey,
    url: `http://127.0.0.1:${port}`,
    add(r) {
      const text = `${r.module} ${r.version} ${r.zipHash}\n${r.module} ${r.version}/go.mod ${r.modHash}\n`;
      records.push({ module: r.module, version: r.version, text, leaf: recordHash(text) });
      return records.length - 1;
    },
    handle,
    configure(patch) {
      if (patch.signWithOtherKey !== undefined) signWithOtherKey = patch.signWithOtherKey;
      if (patch.corruptTiles !== undefined) corruptTiles = patch.corruptTiles;
    },
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
