/**
 * Module-cache readiness and the outage drill against a cache filled by the
 * real go command from the fake GOPROXY: a full cache passes both; with one
 * zip evicted, readiness names that module (N-1/N) and the real go, run by
 * the drill with GOPROXY=off, fails on that same module. The agent's cache is
 * byte-for-byte untouched by the drill. Also through the real CLI and the
 * terminal chat (`drill <repo>`, confirmed, run as the modcache-drill job).
 */
import assert from 'node:assert/strict';
import { copyFile, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hostname } from 'node:os';
import { after, before, describe, it } from 'node:test';
import { cacheFilePath } from '../../../src/modcache/cache-files.ts';
import { runModcacheDrill } from '../../../src/modcache/drill.ts';
import { checkModcacheReadiness } from '../../../src/modcache/readiness.ts';
import { startGoProxyFake } from '../../fakes/goproxy-server.ts';
import { createModcacheFixture, FIXTURE_MODULES, snapshotTree, type ModcacheFixture } from '../../helpers/modcache-fixture.ts';
import { runCli } from '../../helpers/run-cli.ts';

const BRAVO = { path: 'example.test/Bravo', version: 'v1.2.0' };

describe('module-cache readiness and drill (real go, fake GOPROXY)', { timeout: 30_000 }, () => {
  let f: ModcacheFixture;
  before(async () => {
    f = await createModcacheFixture();
  });
  after(async () => {
    await f?.close();
  });

  it('full cache: readiness 100 % and the drill passes, with the proxy down and the agent cache untouched', async () => {
    assert.deepEqual(f.downloaded.map((d) => `${d.Path}@${d.Version}`).sort(), [
      'example.test/Bravo@v1.2.0',
      'example.test/alpha@v1.0.0',
      'example.test/charlie@v1.1.0',
      'example.test/delta@v0.3.0',
    ]);
    const r = await checkModcacheReadiness(f.repo, f.modcache);
    // four zips, and charlie v1.0.0's go.mod alone (delta has no go line: go reads its whole graph)
    assert.deepEqual(r.modules.map((m) => `${m.path}@${m.version} ${m.needs}`).sort(), [
      'example.test/Bravo@v1.2.0 download',
      'example.test/alpha@v1.0.0 download',
      'example.test/charlie@v1.0.0 go.mod',
      'example.test/charlie@v1.1.0 download',
      'example.test/delta@v0.3.0 download',
    ]);
    assert.equal(r.ready, 5);
    assert.equal(r.percent, 100);
    assert.equal(r.wouldPass, true);
    assert.deepEqual(r.missing, []);
    await f.proxy.close(); // the outage: nothing may be asked of the proxy any more
    const before = await snapshotTree(f.modcache);
    const d = await runModcacheDrill(f.repo, f.modcache, { timeoutMs: 20_000 });
    assert.equal(d.passed, true, JSON.stringify(d));
    assert.deepEqual(d.failures, []);
    assert.equal(d.env.GOPROXY, 'off');
    assert.equal(d.env.GOFLAGS, '-mod=mod');
    assert.deepEqual(await snapshotTree(f.modcache), before, 'the drill wrote nothing into the agent cache');
  });

  it('one zip evicted: readiness says 4/5 and names it; the real go fails on exactly that module; the CLI says the same', async () => {
    const zip = cacheFilePath(f.modcache, BRAVO, 'zip');
    await copyFile(zip, `${zip}.keep`);
    await rm(zip);
    try {
      const r = await checkModcacheReadiness(f.repo, f.modcache);
      assert.equal(r.total, 5);
      assert.equal(r.ready, 4);
      assert.equal(r.percent, 80);
      assert.equal(r.wouldPass, false);
      assert.deepEqual(
        r.missing.map((m) => [m.path, m.version, m.problems]),
        [[BRAVO.path, BRAVO.version, ['.zip missing']]],
      );

      const before = await snapshotTree(f.modcache);
      const d = await runModcacheDrill(f.repo, f.modcache, { timeoutMs: 20_000 });
      assert.equal(d.passed, false);
      assert.deepEqual(
        d.failures.map((x) => `${x.path}@${x.version}`),
        ['example.test/Bravo@v1.2.0'],
      );
      assert.match(d.failures[0]?.message ?? '', /GOPROXY=off/);
      assert.deepEqual(await snapshotTree(f.modcache), before);

      const env = { GOMODCACHE: f.modcache, GOFLAGS: '-modcacherw', GOPROXY: 'off' };
      const status = await runCli(['cache', 'status', f.repo, '--json'], env);
      assert.equal(status.exitCode, 1, status.stderr);
      const doc = status.json<{ ready: number; total: number; missing: Array<{ path: string }>; modcache: string }>();
      assert.deepEqual([doc.ready, doc.total, doc.missing.map((m) => m.path), doc.modcache], [4, 5, [BRAVO.path], f.modcache]);
      const text = await runCli(['cache', 'status', f.repo], env);
      assert.match(text.stdout, /4\/5 modules ready \(80%\)/);
      assert.match(text.stdout, /would fail on 1 module:\n {2}example\.test\/Bravo@v1\.2\.0 {2}\.zip missing/);
      const drill = await runCli(['drill', f.repo, '--modcache', f.modcache], env);
      assert.equal(drill.exitCode, 1, drill.stderr);
      assert.match(drill.stdout, /drill FAILED[^\n]*on 1 module:\n {2}example\.test\/Bravo@v1\.2\.0: module lookup disabled by GOPROXY=off/);

      // The chat command, in the terminal chat: confirmed, then run as the modcache-drill job on this host.
      const chat = await runCli(['shell'], env, { input: `drill ${f.repo}\ny\n` });
      assert.match(chat.stdout, /Run an outage drill for .*GOPROXY=off.*\[y\/N\]/);
      assert.match(chat.stdout, /Drill FAILED: with the proxy down, .* would fail on 1 module \(module cache 4\/5 ready, 80%\)/);
      assert.match(chat.stdout, /example\.test\/Bravo@v1\.2\.0: module lookup disabled by GOPROXY=off/);
    } finally {
      await copyFile(`${zip}.keep`, zip);
      await rm(`${zip}.keep`);
    }
    const drill = await runCli(['drill', f.repo, '--json'], { GOMODCACHE: f.modcache });
    assert.equal(drill.exitCode, 0, drill.stdout + drill.stderr);
    assert.equal(drill.json<{ passed: boolean }>().passed, true);
  });

  it('cache warm fetches exactly the evicted module (one zip request) and readiness is 100 % again; the drill passes', async () => {
    await rm(cacheFilePath(f.modcache, BRAVO, 'zip'));
    const proxy = await startGoProxyFake({ modules: FIXTURE_MODULES });
    try {
      const env = { GOMODCACHE: f.modcache, GOPROXY: proxy.url, GOSUMDB: 'off', GOFLAGS: '-modcacherw' };
      const chat = await runCli(['shell'], env, { input: `cache warm ${hostname()} ${f.repo}\ny\n` });
      assert.equal(chat.exitCode, 0, chat.stdout + chat.stderr);
      assert.match(chat.stdout, /filled 1 missing module: example\.test\/Bravo@v1\.2\.0/);
      assert.match(chat.stdout, /readiness 80% → 100% \(5\/5\)/);
      assert.deepEqual(
        proxy.requests.map((r) => r.path),
        ['/example.test/!bravo/@v/v1.2.0.zip'],
      );
    } finally {
      await proxy.close();
    }
    const r = await checkModcacheReadiness(f.repo, f.modcache);
    assert.equal(r.percent, 100);
    const d = await runModcacheDrill(f.repo, f.modcache, { timeoutMs: 20_000 });
    assert.equal(d.passed, true, JSON.stringify(d.failures));
  });

  it('a go.mod read only for the graph: evicted, or its go.sum line missing, both named by readiness and by the real go', async () => {
    const charlie = { path: 'example.test/charlie', version: 'v1.0.0' };
    const mod = cacheFilePath(f.modcache, charlie, 'mod');
    await copyFile(mod, `${mod}.keep`);
    await rm(mod);
    try {
      const r = await checkModcacheReadiness(f.repo, f.modcache);
      assert.deepEqual(
        r.missing.map((m) => [m.path, m.version, m.needs, m.problems]),
        [[charlie.path, charlie.version, 'go.mod', ['.mod missing']]],
      );
      const d = await runModcacheDrill(f.repo, f.modcache, { timeoutMs: 20_000 });
      assert.deepEqual(
        d.failures.map((x) => `${x.path}@${x.version}`),
        ['example.test/charlie@v1.0.0'],
      );
      assert.match(d.failures[0]?.message ?? '', /GOPROXY=off \(required by example\.test\/(Bravo|delta)@/);
    } finally {
      await copyFile(`${mod}.keep`, mod);
      await rm(`${mod}.keep`);
    }
    const goSum = join(f.repo, 'go.sum');
    const full = await readFile(goSum, 'utf8');
    await writeFile(goSum, full.replace(/^example\.test\/charlie v1\.0\.0\/go\.mod .*\n/m, ''));
    try {
      const r = await checkModcacheReadiness(f.repo, f.modcache);
      assert.deepEqual(
        r.missing.map((m) => `${m.path}@${m.version}`),
        ['example.test/charlie@v1.0.0'],
      );
      assert.match(r.missing[0]?.problems.join() ?? '', /go\.sum has no \/go\.mod line: go would ask the checksum database/);
      const d = await runModcacheDrill(f.repo, f.modcache, { timeoutMs: 20_000 });
      assert.deepEqual(
        d.failures.map((x) => `${x.path}@${x.version}`),
        ['example.test/charlie@v1.0.0'],
      );
      // With the checksum database off for it, go needs no line: readiness and go agree again.
      const off = await checkModcacheReadiness(f.repo, f.modcache, { goEnv: { GONOSUMDB: 'example.test' } });
      assert.equal(off.wouldPass, true);
      assert.equal((await runModcacheDrill(f.repo, f.modcache, { goEnv: { GONOSUMDB: 'example.test' }, timeoutMs: 20_000 })).passed, true);
    } finally {
      await writeFile(goSum, full);
    }
  });
});
