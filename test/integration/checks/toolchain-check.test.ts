/**
 * The toolchain check against real parts: the installed go (1.19 here) as the
 * oracle for what a go before 1.21 accepts, and for a go ≥ 1.21 host the
 * availability of golang.org/toolchain through a fake GOPROXY and a
 * checksum DB lookup endpoint on 127.0.0.1 (never a download).
 */
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readGoEnvironment } from '../../../src/checks/host-check.ts';
import { sumDbChecksumLookup, toolchainSumDbClient } from '../../../src/checks/checksum-db-lookup.ts';
import { checkToolchain, resolveGotoolchain, type ToolchainCheckOptions } from '../../../src/checks/toolchain-check.ts';
import { diagnose } from '../../../src/engine/diagnose.ts';
import { runCommand } from '../../../src/exec/run-command.ts';
import { parseGoMod } from '../../../src/gomod/parse-go-mod.ts';
import { GitRemote } from '../../../src/goproxy/git-ls-remote.ts';
import { GoProxyClient } from '../../../src/goproxy/goproxy-client.ts';
import { createPrivacyRules } from '../../../src/goproxy/module-patterns.ts';
import { parseGoproxy, parseGoSumDb } from '../../../src/goproxy/parse-goproxy.ts';
import { fakePath, startGoProxyFake, type GoProxyFake } from '../../fakes/goproxy-server.ts';
import { startSumDbFake, type SumDbFake } from '../../fakes/sumdb-server.ts';

const TOOLCHAIN = 'golang.org/toolchain';
const AVAILABLE = 'v0.0.1-go1.22.1.linux-amd64';
const NOT_IN_SUMDB = 'v0.0.1-go1.22.2.linux-amd64';

describe('toolchain check', () => {
  let proxy: GoProxyFake;
  let sumdb: SumDbFake;
  let work: string;
  let client: GoProxyClient;

  before(async () => {
    proxy = await startGoProxyFake({ modules: [{ path: TOOLCHAIN, versions: [{ version: AVAILABLE }, { version: NOT_IN_SUMDB }] }] });
    // A signing checksum DB that vouches for one of the two toolchains the proxy serves.
    sumdb = await startSumDbFake({ name: 'sumdb.test' });
    sumdb.add({
      module: TOOLCHAIN,
      version: AVAILABLE,
      zipHash: 'h1:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=',
      modHash: 'h1:xm+4Y6YPKqhG0sJEJ12VWoCcWr2lF3nCWPrWhOn/zxc=',
    });
    work = await mkdtemp(join(tmpdir(), 'buildfix-toolchain-'));
    client = new GoProxyClient({ timeoutMs: 5_000 });
  });
  after(async () => {
    await client.close();
    await proxy.close();
    await sumdb.close();
    await rm(work, { recursive: true, force: true });
  });

  function options(goModText: string, localGo: string, env: Record<string, string>, extra: Partial<ToolchainCheckOptions> = {}): ToolchainCheckOptions {
    const goEnv = { GOPROXY: proxy.url, GOSUMDB: `${sumdb.verifierKey} ${sumdb.url}`, ...env };
    const sumDb = parseGoSumDb(goEnv.GOSUMDB);
    return {
      goMod: parseGoMod(goModText, 'go.mod'),
      goInfo: { version: localGo, env: { GOOS: 'linux', GOARCH: 'amd64' } },
      goEnv,
      processGoEnv: goEnv,
      chain: parseGoproxy(goEnv.GOPROXY),
      privacy: createPrivacyRules(goEnv),
      client,
      git: new GitRemote({ timeoutMs: 5_000 }),
      sumDb,
      ...(sumDb ? { checksumDb: sumDbChecksumLookup(toolchainSumDbClient(goEnv, client.http, 5_000)) } : {}),
      pathEnv: join(work, 'empty-path'),
      ...extra,
    };
  }

  describe('a go 1.21.5 host switching toolchains', () => {
    it('finds the toolchain on the proxy (.info only) and in the checksum DB', async () => {
      proxy.resetStats();
      const r = await checkToolchain(options('module example.com/app\n\ngo 1.22.1\n', '1.21.5', { GOTOOLCHAIN: 'auto' }));
      assert.equal(r.status, 'pass', JSON.stringify(r));
      assert.deepEqual(
        r.findings.map((f) => [f.category, f.severity]),
        [['toolchain-mismatch', 'info']],
      );
      assert.match(r.findings[0]?.message ?? '', /switches to go1\.22\.1/);
      assert.equal(proxy.count(fakePath(TOOLCHAIN, { version: AVAILABLE, ext: 'info' })), 1);
      assert.equal(proxy.count(fakePath(TOOLCHAIN, { version: AVAILABLE, ext: 'zip' })), 0);
      assert.ok(sumdb.requests.includes(`/lookup/golang.org/toolchain@${AVAILABLE}`), JSON.stringify(sumdb.requests));
    });

    it("reports toolchain-unavailable when no proxy has it (with go's message)", async () => {
      const r = await checkToolchain(options('module example.com/app\n\ngo 1.21.0\n\ntoolchain go1.22.9\n', '1.21.5', { GOTOOLCHAIN: 'auto' }));
      assert.equal(r.status, 'fail');
      const f = r.findings.find((x) => x.severity === 'error');
      assert.equal(f?.category, 'toolchain-unavailable');
      assert.equal(f?.version, 'v0.0.1-go1.22.9.linux-amd64');
      assert.match(f?.evidence ?? '', /download go1\.22\.9 for linux\/amd64: toolchain not available/);
    });

    it("reports toolchain-unavailable when the checksum DB does not know the proxy's toolchain", async () => {
      const r = await checkToolchain(options('module example.com/app\n\ngo 1.22.2\n', '1.21.5', { GOTOOLCHAIN: 'auto' }));
      const f = r.findings.find((x) => x.severity === 'error');
      assert.equal(f?.category, 'toolchain-unavailable');
      assert.match(f?.message ?? '', /checksum database sumdb\.test does not know it/);
    });

    it('a checksum DB whose note does not verify cannot vouch for the toolchain, even with GONOSUMDB=golang.org', async () => {
      sumdb.configure({ signWithOtherKey: true });
      try {
        const r = await checkToolchain(options('module example.com/app\n\ngo 1.22.1\n', '1.21.5', { GOTOOLCHAIN: 'auto', GONOSUMDB: 'golang.org' }));
        const f = r.findings.find((x) => x.severity === 'error');
        assert.equal(f?.category, 'toolchain-unavailable');
        assert.match(f?.evidence ?? '', /cannot be trusted/);
      } finally {
        sumdb.configure({ signWithOtherKey: false });
      }
    });

    it('GOPROXY=off: the switch cannot download anything (go: module lookup disabled by GOPROXY=off)', async () => {
      const r = await checkToolchain(options('module example.com/app\n\ngo 1.22.1\n', '1.21.5', { GOTOOLCHAIN: 'auto', GOPROXY: 'off' }));
      const f = r.findings.find((x) => x.severity === 'error');
      assert.equal(f?.category, 'toolchain-unavailable');
      assert.match(f?.evidence ?? '', /go: download go1\.22\.1: module lookup disabled by GOPROXY=off/);
    });

    it('GOSUMDB=off makes any toolchain download fail', async () => {
      proxy.resetStats();
      const r = await checkToolchain(options('module example.com/app\n\ngo 1.22.1\n', '1.21.5', { GOTOOLCHAIN: 'auto', GOSUMDB: 'off' }));
      assert.equal(r.findings.find((x) => x.severity === 'error')?.category, 'toolchain-unavailable');
      assert.match(r.findings[0]?.evidence ?? '', /checksum database disabled by GOSUMDB=off/);
      assert.equal(proxy.requests.length, 0);
    });

    it('a GOSUMDB go cannot parse: the download fails the same way, and the finding says malformed, not off', async () => {
      proxy.resetStats();
      // As diagnose passes it: no checksum DB (the value does not parse), the raw value in goEnv.
      const base = options('module example.com/app\n\ngo 1.22.1\n', '1.21.5', { GOTOOLCHAIN: 'auto', GOSUMDB: 'off' });
      const r = await checkToolchain({ ...base, goEnv: { ...base.goEnv, GOSUMDB: 'sum.golang.org+key' } });
      const f = r.findings.find((x) => x.severity === 'error');
      assert.equal(f?.category, 'toolchain-unavailable');
      assert.match(f?.message ?? '', /GOSUMDB is malformed/);
      assert.doesNotMatch(`${f?.message ?? ''} ${f?.evidence ?? ''}`, /GOSUMDB=off/);
      assert.equal(proxy.requests.length, 0);
    });

    it('a bare "go 1.22" line asks for go1.22, which is no release: unavailable without asking anyone', async () => {
      proxy.resetStats();
      const r = await checkToolchain(options('module example.com/app\n\ngo 1.22\n', '1.21.5', { GOTOOLCHAIN: 'auto' }));
      const f = r.findings.find((x) => x.severity === 'error');
      assert.equal(f?.category, 'toolchain-unavailable');
      assert.match(f?.evidence ?? '', /download go1\.22 for linux\/amd64: toolchain not available/);
      assert.match(f?.fix ?? '', /go 1\.22\.0/);
      assert.equal(proxy.requests.length, 0);
    });

    it('GOTOOLCHAIN=path: the toolchain must be on PATH; found there, nothing is asked', async () => {
      const missing = await checkToolchain(options('module example.com/app\n\ngo 1.22.1\n', '1.21.5', { GOTOOLCHAIN: 'path' }));
      assert.equal(missing.findings.find((x) => x.severity === 'error')?.category, 'toolchain-unavailable');
      assert.match(missing.findings[0]?.evidence ?? '', /cannot find "go1\.22\.1" in PATH/);
      const bin = join(work, 'bin');
      await mkdir(bin, { recursive: true });
      await writeFile(join(bin, 'go1.22.1'), '#!/bin/sh\nexit 0\n');
      await chmod(join(bin, 'go1.22.1'), 0o755);
      proxy.resetStats();
      const found = await checkToolchain(options('module example.com/app\n\ngo 1.22.1\n', '1.21.5', { GOTOOLCHAIN: 'path' }, { pathEnv: bin }));
      assert.equal(found.status, 'pass');
      assert.equal(proxy.requests.length, 0);
    });

    it('reads GOTOOLCHAIN as go does: environment, then the go env -w file, then $GOROOT/go.env', async () => {
      const goroot = join(work, 'goroot');
      await mkdir(goroot, { recursive: true });
      await writeFile(join(goroot, 'go.env'), '# defaults\nGOPROXY=https://proxy.golang.org,direct\nGOTOOLCHAIN=auto\n');
      assert.deepEqual(await resolveGotoolchain({ GOTOOLCHAIN: 'local' }, { GOTOOLCHAIN: 'local' }, goroot), {
        value: 'local',
        source: 'GOTOOLCHAIN in the environment',
      });
      assert.deepEqual(await resolveGotoolchain({ GOTOOLCHAIN: 'go1.22.0+auto' }, {}, goroot), { value: 'go1.22.0+auto', source: 'set with go env -w' });
      assert.deepEqual(await resolveGotoolchain({}, {}, goroot), { value: 'auto', source: join(goroot, 'go.env') });
      assert.deepEqual(await resolveGotoolchain({}, {}, join(work, 'no-such-goroot')), { source: 'unset' });
    });

    it('a go.work takes over the go line for selection (GOWORK=off turns it off)', async () => {
      const dir = await mkdtemp(join(work, 'ws-'));
      await writeFile(join(dir, 'go.work'), 'go 1.22.1\n\nuse .\n');
      const text = 'module example.com/app\n\ngo 1.21.0\n';
      const r = await checkToolchain(options(text, '1.21.5', { GOTOOLCHAIN: 'auto' }, { workspaceDir: dir }));
      assert.equal(r.status, 'pass', JSON.stringify(r));
      assert.match(r.detail ?? '', /raised to go1\.22\.1 by the go line \(go\.work:1\)/);
      const off = await checkToolchain(options(text, '1.21.5', { GOTOOLCHAIN: 'auto', GOWORK: 'off' }, { workspaceDir: dir }));
      assert.match(off.detail ?? '', /runs \(no switch\)/);
      // From a subdirectory go finds it upwards; a temporary clone is searched only inside.
      const sub = join(dir, 'sub');
      await mkdir(sub, { recursive: true });
      const up = await checkToolchain(options(text, '1.21.5', { GOTOOLCHAIN: 'auto' }, { workspaceDir: sub }));
      assert.match(up.detail ?? '', /go1\.22\.1/);
      const clone = await checkToolchain(options(text, '1.21.5', { GOTOOLCHAIN: 'auto' }, { workspaceDir: sub, workspaceIsClone: true }));
      assert.match(clone.detail ?? '', /runs \(no switch\)/);
    });

    it('GOTOOLCHAIN=local with a newer go line is go\'s "requires go >=" error', async () => {
      const r = await checkToolchain(options('module example.com/app\n\ngo 1.22.1\n', '1.21.5', { GOTOOLCHAIN: 'local' }));
      assert.equal(r.status, 'fail');
      assert.equal(r.findings[0]?.category, 'toolchain-mismatch');
      assert.equal(r.findings[0]?.evidence, 'go: go.mod requires go >= 1.22.1 (running go 1.21.5; GOTOOLCHAIN=local)');
    });
  });

  describe('the installed go (go < 1.21) as the oracle', () => {
    let goVersion: string | undefined;
    before(async () => {
      goVersion = (await readGoEnvironment({ timeoutMs: 10_000 })).version;
    });

    const goMods = [
      'module example.com/app\n\ngo 1.19\n',
      'module example.com/app\n\ngo 1.30\n',
      'module example.com/app\n\ngo 1.21.0\n',
      'module example.com/app\n\ngo 1.22rc1\n',
      'module example.com/app\n\ngo 1.19\n\ntoolchain go1.21.3\n',
      'module example.com/app\n\ngo 1.22.0\n\ntoolchain go1.22.1\n',
    ];
    async function agree(files: Record<string, string>): Promise<void> {
      assert.ok(goVersion, 'go must be installed for this test');
      const dir = await mkdtemp(join(work, 'oracle-'));
      for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
      const go = await runCommand(['go', 'mod', 'download'], {
        cwd: dir,
        reject: false,
        timeoutMs: 20_000,
        env: { GOPROXY: 'off', GOFLAGS: '-mod=mod', GOMODCACHE: join(dir, 'mc'), GOTOOLCHAIN: 'auto', HOME: dir },
      });
      const r = await checkToolchain(options(files['go.mod'] ?? '', goVersion, { GOTOOLCHAIN: 'auto' }, { workspaceDir: dir }));
      const errors = r.findings.filter((f) => f.severity === 'error');
      assert.equal(errors.length > 0, go.exitCode !== 0, `go said: ${go.stderr}\nbuildfix: ${JSON.stringify(r.findings)}`);
      // go stops at the first file it cannot parse (go.work before go.mod): that one must be among buildfix's.
      if (go.exitCode !== 0) {
        const said = errors.map((f) => (f.evidence ?? '').replace(/^(go\.mod|go\.work)/, (m) => join(dir, m)));
        assert.ok(
          said.some((e) => go.stderr.includes(e)),
          `go said: ${go.stderr}\nbuildfix evidence: ${said.join(' | ')}`,
        );
      }
    }

    for (const text of goMods) {
      it(`agrees with go mod download on ${JSON.stringify(text.split('\n').slice(2).join(' ').trim())}`, async () => {
        await agree({ 'go.mod': text });
      });
    }

    it('reads go.work like go: its go/toolchain lines are parsed with the old grammar too', async () => {
      const mod = 'module example.com/app\n\ngo 1.19\n';
      await agree({ 'go.mod': mod, 'go.work': 'go 1.19\n\nuse .\n' });
      await agree({ 'go.mod': mod, 'go.work': 'go 1.21.0\n\nuse .\n' });
      await agree({ 'go.mod': mod, 'go.work': 'go 1.19\n\ntoolchain go1.21.3\n\nuse .\n' });
      await agree({ 'go.mod': 'module example.com/app\n\ngo 1.21.0\n', 'go.work': 'go 1.19\n\nuse .\n' });
    });

    it('diagnose reports the toolchain line as a toolchain-mismatch root cause', async () => {
      const dir = await mkdtemp(join(work, 'diag-'));
      await writeFile(join(dir, 'go.mod'), 'module example.com/app\n\ngo 1.19\n\ntoolchain go1.21.3\n');
      const report = await diagnose(dir, {
        config: {
          repoUrlTemplate: 'https://github.com/{repo}.git',
          repos: {},
          thresholds: { minFreePercent: 0, minFreeBytes: 0, minFreeInodesPercent: 0 },
          concurrency: 4,
          requestTimeoutMs: 5_000,
        },
        goEnv: { GOPROXY: proxy.url, GOSUMDB: 'off', GOFLAGS: '-mod=mod' },
        host: 'test',
        parts: { probe: false, lint: false, host: false },
        processEnv: { HOME: dir },
      });
      assert.equal(report.ok, false);
      assert.equal(report.findings[0]?.category, 'toolchain-mismatch');
      assert.equal(report.findings[0]?.location, 'go.mod:5');
      assert.equal(report.checks.find((c) => c.id === 'toolchain')?.status, 'fail');
    });
  });
});
