/**
 * For each go.mod fixture, buildfix's verdict must agree with what the real
 * go command reports against the same GOPROXY fake (go mod download -json).
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCommand } from '../../../src/exec/run-command.ts';
import type { Finding } from '../../../src/report/model.ts';
import { startGoProxyFake, type GoProxyFake } from '../../fakes/goproxy-server.ts';
import { runCli } from '../../helpers/run-cli.ts';

interface Fixture {
  name: string;
  goMod: string;
  /** Directories (with go.mod) to create next to go.mod for local replaces. */
  localDirs?: Record<string, string>;
  /** Modules buildfix must name in an error finding, with the category. */
  expect: Array<{ module: string; category: Finding['category'] }>;
  /** Warnings buildfix must also report (they do not fail the download). */
  warn?: Array<{ module: string; category: Finding['category'] }>;
}

const FIXTURES: Fixture[] = [
  {
    name: 'all versions present',
    goMod: 'module example.com/app\n\ngo 1.19\n\nrequire (\n\texample.com/ledger v1.9.8\n\texample.com/util v1.1.0 // indirect\n)\n',
    expect: [],
  },
  {
    name: 'one version missing (404)',
    goMod: 'module example.com/app\n\ngo 1.19\n\nrequire (\n\texample.com/ledger v1.9.9\n\texample.com/util v1.1.0\n)\n',
    expect: [{ module: 'example.com/ledger', category: 'version-not-found' }],
  },
  {
    name: 'version gone (410)',
    goMod: 'module example.com/app\n\ngo 1.19\n\nrequire example.com/util v1.0.5\n',
    expect: [{ module: 'example.com/util', category: 'version-not-found' }],
  },
  {
    name: 'module declares another path (case)',
    goMod: 'module example.com/app\n\ngo 1.19\n\nrequire example.com/Mixed v1.0.0\n',
    expect: [{ module: 'example.com/Mixed', category: 'module-path-mismatch' }],
  },
  {
    name: 'replace to a missing local path',
    goMod: 'module example.com/app\n\ngo 1.19\n\nrequire example.com/ledger v1.9.8\n\nreplace example.com/ledger => ../ledger-fork\n',
    expect: [{ module: 'example.com/ledger', category: 'replace-directive' }],
  },
  {
    name: 'replace to a present local path and a retracted version',
    goMod:
      'module example.com/app\n\ngo 1.19\n\nrequire (\n\texample.com/ledger v1.9.8\n\texample.com/util v1.0.0\n)\n\nreplace example.com/ledger => ./third_party/ledger\n',
    localDirs: { 'third_party/ledger': 'module example.com/ledger\n\ngo 1.19\n' },
    expect: [],
    warn: [{ module: 'example.com/util', category: 'retracted-version' }],
  },
  {
    name: 'replace to another module version that does not exist',
    goMod: 'module example.com/app\n\ngo 1.19\n\nrequire example.com/ledger v1.9.8\n\nreplace example.com/ledger v1.9.8 => example.com/util v1.7.0\n',
    expect: [{ module: 'example.com/util', category: 'version-not-found' }],
  },
];

const ERROR_CATEGORIES = new Set([
  'version-not-found',
  'module-path-mismatch',
  'replace-directive',
  'private-module-auth',
  'proxy-unreachable',
  'corporate-proxy',
]);

describe('diagnose agrees with go mod download', () => {
  let fake: GoProxyFake;
  let work: string;
  let env: Record<string, string>;

  before(async () => {
    fake = await startGoProxyFake({
      modules: [
        { path: 'example.com/ledger', versions: [{ version: 'v1.9.7' }, { version: 'v1.9.8' }, { version: 'v1.9.9', fail: { status: 404 } }] },
        {
          path: 'example.com/util',
          versions: [{ version: 'v1.0.0' }, { version: 'v1.0.5', fail: { status: 410 } }, { version: 'v1.1.0', retract: ['v1.0.0 // data race in Parse'] }],
        },
        { path: 'example.com/Mixed', versions: [{ version: 'v1.0.0', declaredPath: 'example.com/mixed' }] },
      ],
    });
    work = await mkdtemp(join(tmpdir(), 'buildfix-agree-'));
    env = { GOPROXY: fake.url, GOSUMDB: 'off', GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local', GONOSUMDB: '', GOPRIVATE: '', HOME: join(work, 'home') };
    await mkdir(env.HOME as string, { recursive: true });
  });
  after(async () => {
    await fake.close();
    await rm(work, { recursive: true, force: true });
  });

  for (const [i, fx] of FIXTURES.entries()) {
    it(fx.name, async () => {
      const dir = join(work, `case-${i}`, 'app');
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'go.mod'), fx.goMod);
      for (const [rel, mod] of Object.entries(fx.localDirs ?? {})) {
        await mkdir(join(dir, rel), { recursive: true });
        await writeFile(join(dir, rel, 'go.mod'), mod);
      }

      const goRun = await runCommand(['go', 'mod', 'download', '-json'], {
        cwd: dir,
        env: { ...env, GOMODCACHE: join(work, `case-${i}`, 'modcache'), GOPATH: join(work, `case-${i}`, 'gopath') },
        reject: false,
        timeoutMs: 60_000,
        tailBytes: 1 << 20,
      });
      const cli = await runCli(['diagnose', dir, '--json', '--skip', 'host'], env);
      assert.notEqual(cli.exitCode, 2, `diagnose could not run: ${cli.stderr}`);
      const report = cli.json<{ ok: boolean; findings: Finding[] }>();
      const failing = report.findings.filter((f) => f.severity === 'error' && ERROR_CATEGORIES.has(f.category));

      // The go command and buildfix agree on whether the download succeeds…
      assert.equal(
        goRun.exitCode === 0,
        failing.length === 0,
        `go exit ${goRun.exitCode}\n${goRun.stderr}\n${goRun.stdout}\nbuildfix: ${JSON.stringify(failing, null, 1)}`,
      );
      assert.equal(cli.exitCode, failing.length === 0 ? 0 : 1);
      // …and on which module breaks it.
      for (const want of fx.expect) {
        const hit = failing.find((f) => f.module === want.module || f.message.includes(want.module));
        assert.ok(hit, `buildfix names ${want.module}: ${JSON.stringify(report.findings, null, 1)}`);
        assert.equal(hit.category, want.category);
        assert.ok(
          `${goRun.stdout}\n${goRun.stderr}`.includes(want.module) || want.category === 'replace-directive',
          `go also names ${want.module}:\n${goRun.stdout}\n${goRun.stderr}`,
        );
      }
      assert.equal(failing.length, fx.expect.length, JSON.stringify(failing, null, 1));
      for (const want of fx.warn ?? []) {
        const hit = report.findings.find((f) => f.module === want.module && f.category === want.category);
        assert.equal(hit?.severity, 'warning', JSON.stringify(report.findings, null, 1));
        assert.match(hit?.message ?? '', /data race in Parse/);
      }
    });
  }

  it('per module: the same requirements fail under go mod download <mod>@<ver>', async () => {
    const reqs = ['example.com/ledger@v1.9.8', 'example.com/ledger@v1.9.9', 'example.com/util@v1.0.5', 'example.com/util@v1.1.0'];
    const outside = join(work, 'outside');
    await mkdir(outside, { recursive: true });
    const goRun = await runCommand(['go', 'mod', 'download', '-json', ...reqs], {
      cwd: outside,
      env: { ...env, GOFLAGS: '', GOMODCACHE: join(work, 'outside-cache'), GOPATH: join(work, 'outside-gopath'), GO111MODULE: 'on' },
      reject: false,
      timeoutMs: 60_000,
      tailBytes: 1 << 20,
    });
    const goFailed = new Set<string>();
    for (const chunk of goRun.stdout.split(/\n(?=\{)/)) {
      const obj = JSON.parse(chunk) as { Path: string; Version: string; Error?: string };
      if (obj.Error) goFailed.add(`${obj.Path}@${obj.Version}`);
    }
    const dir = join(work, 'per-module');
    await mkdir(dir, { recursive: true });
    // Two versions of one module cannot share a go.mod: check each requirement in its own.
    const buildfixFailed = new Set<string>();
    for (const r of reqs) {
      const [path, version] = r.split('@') as [string, string];
      await writeFile(join(dir, 'go.mod'), `module example.com/app\n\ngo 1.19\n\nrequire ${path} ${version}\n`);
      const cli = await runCli(['diagnose', dir, '--json', '--skip', 'host,probe,lint,retractions'], env);
      const report = cli.json<{ findings: Finding[] }>();
      if (report.findings.some((f) => f.severity === 'error' && f.module === path && f.category === 'version-not-found')) buildfixFailed.add(r);
    }
    assert.deepEqual([...buildfixFailed].sort(), [...goFailed].sort());
    assert.deepEqual([...goFailed].sort(), ['example.com/ledger@v1.9.9', 'example.com/util@v1.0.5']);
  });
});
