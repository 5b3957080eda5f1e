/**
 * The host's `go version`/`go env` are read once the module check has its
 * first answer: the report still carries them when that answer is slow, when
 * there is nothing to look up, and when the module check is skipped.
 */
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { diagnose, type DiagnoseOptions } from '../../../src/engine/diagnose.ts';
import { runCommand } from '../../../src/exec/run-command.ts';
import { startGoProxyFake, type GoProxyFake } from '../../fakes/goproxy-server.ts';

const THRESHOLDS = { minFreePercent: 0, minFreeBytes: 0, minFreeInodesPercent: 0 };

describe('go version and go env in the report', () => {
  let slow: GoProxyFake;
  let work: string;

  before(async () => {
    // Every answer takes 600 ms: longer than the spawn's longest wait for the first answer.
    slow = await startGoProxyFake({ modules: [{ path: 'example.com/slow', versions: [{ version: 'v1.0.0' }] }], delayMs: 600 });
    work = await mkdtemp(join(tmpdir(), 'buildfix-goinfo-'));
  });
  after(async () => {
    await slow.close();
    await rm(work, { recursive: true, force: true });
  });

  async function run(goMod: string, parts: DiagnoseOptions['parts']) {
    const dir = await mkdtemp(join(work, 'repo-'));
    await writeFile(join(dir, 'go.mod'), goMod);
    return diagnose(dir, {
      config: { repoUrlTemplate: 'https://github.com/{repo}.git', repos: {}, thresholds: THRESHOLDS, concurrency: 8, requestTimeoutMs: 5_000 },
      goEnv: { GOPROXY: slow.url, GOSUMDB: 'off', GOFLAGS: '-mod=mod' },
      host: 'test',
      parts,
      processEnv: { HOME: work },
    });
  }

  it('reads them while a slow proxy is still answering', async () => {
    const report = await run('module example.com/app\n\ngo 1.19\n\nrequire example.com/slow v1.0.0\n', { probe: false, lint: false });
    assert.match(String(report.facts.goVersion ?? ''), /^1\.\d+/);
    const toolchain = report.checks.find((c) => c.id === 'toolchain');
    assert.equal(toolchain?.status, 'pass', JSON.stringify(toolchain));
    assert.match(toolchain?.detail ?? '', /host go 1\.\d+/);
    assert.equal(report.checks.find((c) => c.id === 'host:go')?.status, 'pass');
  });

  it('reads them when go.mod requires nothing, and when the module check is skipped', async () => {
    const empty = await run('module example.com/app\n\ngo 1.19\n', { probe: false, lint: false });
    assert.match(String(empty.facts.goVersion ?? ''), /^1\.\d+/);
    const hostOnly = await run('module example.com/app\n\ngo 1.19\n\nrequire example.com/slow v1.0.0\n', { modules: false, probe: false, lint: false });
    assert.match(String(hostOnly.facts.goVersion ?? ''), /^1\.\d+/);
    assert.equal(hostOnly.checks.find((c) => c.id === 'host:go')?.status, 'pass');
  });

  it('never spawns go when the diagnosis stops before it needs it (GOPROXY=",": the finding, no go run)', async () => {
    // A `go` on PATH that records each call, then runs the real one.
    const realGo = (await runCommand(['sh', '-c', 'command -v go'])).stdout.trim();
    const bin = join(work, 'bin');
    await mkdir(bin, { recursive: true });
    const calls = join(work, 'go-calls.log');
    await writeFile(join(bin, 'go'), `#!/bin/sh\necho "$@" >> '${calls}'\nexec '${realGo}' "$@"\n`);
    await chmod(join(bin, 'go'), 0o755);
    const savedPath = process.env.PATH;
    process.env.PATH = `${bin}:${savedPath ?? ''}`;
    try {
      const dir = await mkdtemp(join(work, 'repo-'));
      await writeFile(join(dir, 'go.mod'), 'module example.com/app\n\ngo 1.19\n\nrequire example.com/slow v1.0.0\n');
      const options = (goproxy: string): DiagnoseOptions => ({
        config: { repoUrlTemplate: 'https://github.com/{repo}.git', repos: {}, thresholds: THRESHOLDS, concurrency: 8, requestTimeoutMs: 5_000 },
        goEnv: { GOPROXY: goproxy, GOSUMDB: 'off' },
        host: 'test',
        parts: { probe: false, lint: false },
        processEnv: { HOME: work },
      });
      // go stops at a GOPROXY it cannot parse, before any download: so does the diagnosis, with that as its finding.
      const stopped = await diagnose(dir, options(','));
      assert.equal(stopped.findings[0]?.category, 'proxy-config');
      assert.match(stopped.findings[0]?.message ?? '', /GOPROXY list .* contains no entries/);
      await new Promise((r) => setTimeout(r, 400));
      assert.equal(await readFile(calls, 'utf8').catch(() => ''), '', 'go was not run');
      // The wrapper does record calls: a diagnosis that gets going runs go version and go env.
      const report = await diagnose(dir, options(slow.url));
      assert.match(String(report.facts.goVersion ?? ''), /^1\.\d+/);
      const logged = await readFile(calls, 'utf8');
      assert.match(logged, /^version$/m);
      // go env names its variables: a bare `go env -json` also runs the C compiler for the cgo flags.
      assert.match(logged, /^env -json GOVERSION .*GOMODCACHE/m);
      assert.doesNotMatch(logged, /^env -json$/m);
    } finally {
      process.env.PATH = savedPath;
    }
  });
});
