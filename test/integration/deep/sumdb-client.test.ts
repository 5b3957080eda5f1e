/**
 * The checksum-database client against the sumdb fake, with the real go
 * command as the judge: what go accepts (signed note + tiles) the client
 * verifies; what go refuses (a note signed by another key, tiles that do not
 * match the signed tree, a hash that differs) the client refuses too.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sumDbChecksumLookup } from '../../../src/checks/checksum-db-lookup.ts';
import { HttpClient } from '../../../src/goproxy/http-client.ts';
import { SumDbClient, SumDbError } from '../../../src/sumdb/index.ts';
import { startGoProxyFake, type FakeModule, type GoProxyFake } from '../../fakes/goproxy-server.ts';
import { startSumDbFake, type SumDbFake } from '../../fakes/sumdb-server.ts';
import { goModDownload, servedHashes, writeProject, type Project } from './go-oracle.ts';

const A: FakeModule = { path: 'example.test/deep/a', versions: [{ version: 'v1.0.0', files: { 'a.go': 'package a\n' } }] };
const B: FakeModule = { path: 'example.test/deep/Bee', versions: [{ version: 'v0.2.0', files: { 'b.go': 'package bee\n' } }] };

describe('sumdb client (GOSUMDB lookup, signed note, tiles) agrees with the go command', () => {
  let sumdb: SumDbFake;
  let proxy: GoProxyFake;
  let project: Project;
  let http: HttpClient;

  before(async () => {
    sumdb = await startSumDbFake();
    proxy = await startGoProxyFake({ modules: [A, B], sumdb: { name: sumdb.name, handle: sumdb.handle } });
    // a few unrelated records first, so the proved leaf is not leaf 0 and the tree is not a power of two
    for (let i = 0; i < 5; i++)
      sumdb.add({
        module: `example.test/filler${i}`,
        version: 'v1.0.0',
        zipHash: `h1:${Buffer.alloc(32, i).toString('base64')}`,
        modHash: `h1:${Buffer.alloc(32, i + 9).toString('base64')}`,
      });
    sumdb.add({ module: A.path, ...(await servedHashes(A, A.versions[0]!)), version: 'v1.0.0' });
    sumdb.add({ module: B.path, ...(await servedHashes(B, B.versions[0]!)), version: 'v0.2.0' });
    project = await writeProject(`module example.test/app\n\ngo 1.19\n\nrequire (\n\t${A.path} v1.0.0\n\t${B.path} v0.2.0\n)\n`, '');
    http = new HttpClient({ timeoutMs: 5000 });
  });
  after(async () => {
    await http.close();
    await proxy.close();
    await sumdb.close();
    await project.cleanup();
  });

  const env = (): Record<string, string> => ({ GOPROXY: proxy.url, GOSUMDB: sumdb.verifierKey });

  it('looks up through the proxy (/sumdb/<name>/supported) and proves the record, as go does', async () => {
    sumdb.configure({ signWithOtherKey: false, corruptTiles: false });
    const client = new SumDbClient({ goEnv: env(), http });
    const got = await client.lookup(B.path, 'v0.2.0');
    const want = await servedHashes(B, B.versions[0]!);
    assert.equal(got.zipHash, want.zipHash);
    assert.equal(got.modHash, want.modHash);
    assert.equal(got.via, 'proxy');
    assert.equal(got.recordId, 6);
    assert.equal(got.tree.size, 7);
    assert.match(got.url, /\/sumdb\/sumdb\.buildfix\.test\/lookup\/example\.test\/deep\/!bee@v0\.2\.0$/);
    const go = await goModDownload(project.dir, env());
    assert.equal(go.exitCode, 0, go.stderr);
  });

  it('reaches the database directly with GOSUMDB="<key> <url>"', async () => {
    const client = new SumDbClient({ goEnv: { GOPROXY: proxy.url, GOSUMDB: `${sumdb.verifierKey} ${sumdb.url}` }, http });
    const got = await client.lookup(A.path, 'v1.0.0');
    assert.equal(got.via, 'explicit');
    assert.equal(got.zipHash, (await servedHashes(A, A.versions[0]!)).zipHash);
    const go = await goModDownload(project.dir, { GOPROXY: proxy.url, GOSUMDB: `${sumdb.verifierKey} ${sumdb.url}` });
    assert.equal(go.exitCode, 0, go.stderr);
  });

  it('refuses a note signed by a key GOSUMDB does not name; so does go', async () => {
    sumdb.configure({ signWithOtherKey: true, corruptTiles: false });
    try {
      const client = new SumDbClient({ goEnv: env(), http });
      await assert.rejects(
        client.lookup(A.path, 'v1.0.0'),
        (err: unknown) => err instanceof SumDbError && err.kind === 'verify' && /no verifiable signatures/.test(err.message),
      );
      const go = await goModDownload(project.dir, env());
      assert.notEqual(go.exitCode, 0);
      assert.match(go.stderr, /verifiable signatures|verifying module/);
    } finally {
      sumdb.configure({ signWithOtherKey: false });
    }
  });

  it('refuses tiles that do not support the signed tree; so does go', async () => {
    sumdb.configure({ corruptTiles: true });
    try {
      const client = new SumDbClient({ goEnv: env(), http });
      await assert.rejects(
        client.lookup(A.path, 'v1.0.0'),
        (err: unknown) => err instanceof SumDbError && err.kind === 'verify' && /inconsistent tile/.test(err.message),
      );
      const go = await goModDownload(project.dir, env());
      assert.notEqual(go.exitCode, 0);
      assert.match(go.stderr, /inconsistent tile/);
    } finally {
      sumdb.configure({ corruptTiles: false });
    }
  });

  it('reports an unknown version as not-found, and honours GONOSUMDB/GOPRIVATE and GOSUMDB=off', async () => {
    const client = new SumDbClient({ goEnv: env(), http });
    await assert.rejects(client.lookup(A.path, 'v9.9.9'), (err: unknown) => err instanceof SumDbError && err.kind === 'not-found');
    const privateClient = new SumDbClient({ goEnv: { ...env(), GOPRIVATE: 'example.test/deep' }, http });
    assert.equal(privateClient.covers(A.path), false);
    assert.equal(privateClient.covers('example.org/other'), true);
    await assert.rejects(privateClient.lookup(A.path, 'v1.0.0'), (err: unknown) => err instanceof SumDbError && err.kind === 'disabled');
    const off = new SumDbClient({ goEnv: { ...env(), GOSUMDB: 'off' }, http });
    assert.equal(off.db, undefined);
    assert.equal(off.covers(A.path), false);
  });

  it('falls back to GOSUMDB direct when the proxy does not serve /sumdb/ (404), as go does', async () => {
    const plain = await startGoProxyFake({ modules: [A] });
    try {
      const client = new SumDbClient({ goEnv: { GOPROXY: plain.url, GOSUMDB: sumdb.verifierKey }, http });
      assert.deepEqual(await client.endpoint(), { url: `https://${sumdb.name}`, shown: `https://${sumdb.name}`, via: 'direct' });
    } finally {
      await plain.close();
    }
  });

  it('proves records in a tree of several tile levels (600 records: full and partial tiles, level 1)', async () => {
    const big = await startSumDbFake({ name: 'big.sumdb.test' });
    try {
      for (let i = 0; i < 600; i++)
        big.add({
          module: `example.test/m${i}`,
          version: 'v1.0.0',
          zipHash: `h1:${Buffer.alloc(32, i % 251).toString('base64')}`,
          modHash: `h1:${Buffer.alloc(32, (i + 7) % 251).toString('base64')}`,
        });
      const client = new SumDbClient({ goEnv: { GOSUMDB: `${big.verifierKey} ${big.url}` }, http });
      for (const i of [0, 255, 256, 511, 599]) {
        const got = await client.lookup(`example.test/m${i}`, 'v1.0.0');
        assert.equal(got.recordId, i);
        assert.equal(got.tree.size, 600);
        assert.equal(got.zipHash, `h1:${Buffer.alloc(32, i % 251).toString('base64')}`);
      }
      assert.ok(
        big.requests.some((p) => p === '/tile/8/1/000.p/2'),
        big.requests.join(' '),
      );
      assert.ok(
        big.requests.some((p) => p === '/tile/8/0/001'),
        big.requests.join(' '),
      );
    } finally {
      await big.close();
    }
  });

  it("answers the toolchain check's ChecksumDbLookup seam with verified records", async () => {
    const lookup = sumDbChecksumLookup(new SumDbClient({ goEnv: env(), http }));
    assert.equal((await lookup.lookup(A.path, 'v1.0.0')).outcome, 'found');
    assert.equal((await lookup.lookup(A.path, 'v7.0.0')).outcome, 'not-found');
  });
});
