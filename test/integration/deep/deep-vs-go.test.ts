/**
 * `diagnose --deep` against the real go command: one GOPROXY fake (serving
 * real zips, and deliberately bad ones built from raw entries) and one
 * checksum DB fake that go trusts; per scenario a project with one
 * requirement and a go.sum. buildfix must report an error exactly when
 * `go mod download` fails, name the same module version, and its category
 * and words must fit go's message; for checksum mismatches it must also say
 * which side changed (go.sum stale vs. proxy differs from the checksum DB).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { diagnose } from '../../../src/engine/diagnose.ts';
import { startGoProxyFake, type FakeModule, type FakeVersion, type GoProxyFake } from '../../fakes/goproxy-server.ts';
import { startSumDbFake, type SumDbFake } from '../../fakes/sumdb-server.ts';
import { goModDownload, goSumLines, servedHashes, writeProject } from './go-oracle.ts';

const V = 'v1.0.0';
const file = (body: string): Record<string, string> => ({ 'lib.go': `package lib\n\n// ${body}\n` });

interface Scenario {
  name: string;
  module: FakeModule;
  /** What the checksum DB vouches for (default: what the proxy serves). */
  sumDbFrom?: FakeVersion;
  /** go.sum lines: zip/mod from `goSumFrom` (default: served), or omitted. */
  goSumFrom?: { zip?: FakeVersion | 'omit'; mod?: FakeVersion };
  goError?: RegExp;
  category?: string;
  says?: RegExp;
}

const mod = (path: string, v: Partial<FakeVersion>): FakeModule => ({ path, versions: [{ version: V, ...v }] });

const scenarios: Scenario[] = [
  { name: 'healthy module, complete go.sum', module: mod('example.test/deep/ok', { files: file('ok') }) },
  {
    name: 'zip line stale (re-tagged upstream)',
    module: mod('example.test/deep/stalezip', { files: file('new tag') }),
    goSumFrom: { zip: { version: V, files: file('old tag') } },
    goError: /example\.test\/deep\/stalezip@v1\.0\.0: checksum mismatch[\s\S]*SECURITY ERROR/,
    category: 'checksum-mismatch',
    says: /go\.sum is stale/,
  },
  {
    name: '/go.mod line stale',
    module: mod('example.test/deep/stalemod', { goMod: 'module example.test/deep/stalemod\n\ngo 1.19\n' }),
    goSumFrom: { mod: { version: V, goMod: 'module example.test/deep/stalemod\n\ngo 1.16\n' } },
    goError: /stalemod@v1\.0\.0\/go\.mod: checksum mismatch/,
    category: 'checksum-mismatch',
    says: /go\.sum is stale/,
  },
  {
    name: 'proxy serves a zip that differs from the checksum DB (go.sum agrees with the DB)',
    module: mod('example.test/deep/tampered', { files: file('altered by the proxy') }),
    sumDbFrom: { version: V, files: file('original') },
    goSumFrom: { zip: { version: V, files: file('original') } },
    goError: /tampered@v1\.0\.0: checksum mismatch[\s\S]*SECURITY ERROR/,
    category: 'checksum-mismatch',
    says: /differs from the checksum DB \(go\.sum and the checksum DB agree, the proxy differs\)/,
  },
  {
    name: 'proxy serves a zip that differs from the checksum DB (no go.sum line: go asks the DB)',
    module: mod('example.test/deep/tampered2', { files: file('altered') }),
    sumDbFrom: { version: V, files: file('original') },
    goSumFrom: { zip: 'omit' },
    goError: /verifying module: checksum mismatch[\s\S]*checksum server/,
    category: 'checksum-mismatch',
    says: /differs from the checksum DB/,
  },
  {
    name: 'malformed file name in the zip',
    module: mod('example.test/deep/badname', {
      zipEntries: [
        { name: `example.test/deep/badname@${V}/go.mod`, data: 'module example.test/deep/badname\n' },
        { name: `example.test/deep/badname@${V}/a:b.go`, data: 'package a\n' },
      ],
    }),
    goError: /malformed file path "a:b\.go": invalid char ':'/,
    category: 'invalid-module-zip',
    says: /malformed file path "a:b\.go"/,
  },
  {
    name: 'case-insensitive collision in the zip',
    module: mod('example.test/deep/collide', {
      zipEntries: [
        { name: `example.test/deep/collide@${V}/go.mod`, data: 'module example.test/deep/collide\n' },
        { name: `example.test/deep/collide@${V}/README`, data: 'a\n' },
        { name: `example.test/deep/collide@${V}/readme`, data: 'b\n' },
      ],
    }),
    goError: /case-insensitive file name collision: "README" and "readme"/,
    category: 'invalid-module-zip',
    says: /case-insensitive file name collision/,
  },
  {
    name: 'file outside module@version/ in the zip',
    module: mod('example.test/deep/outside', {
      zipEntries: [
        { name: `example.test/deep/outside@${V}/go.mod`, data: 'module example.test/deep/outside\n' },
        { name: 'example.test/deep/other@v1.0.0/x.go', data: 'package x\n' },
      ],
    }),
    goError: /zip for example\.test\/deep\/outside@v1\.0\.0 has unexpected file example\.test\/deep\/other@v1\.0\.0\/x\.go/,
    category: 'invalid-module-zip',
    says: /has unexpected file example\.test\/deep\/other@v1\.0\.0\/x\.go/,
  },
];

describe('diagnose --deep agrees with go mod download (zips, go.sum, checksum DB)', () => {
  let proxy: GoProxyFake;
  let sumdb: SumDbFake;

  before(async () => {
    sumdb = await startSumDbFake();
    proxy = await startGoProxyFake({ modules: scenarios.map((s) => s.module), sumdb: { name: sumdb.name, handle: sumdb.handle } });
    for (const s of scenarios) {
      const served = s.module.versions[0]!;
      const fromDb = await servedHashes(s.module, s.sumDbFrom ?? served);
      sumdb.add({ module: s.module.path, version: V, ...fromDb });
    }
  });
  after(async () => {
    await proxy.close();
    await sumdb.close();
  });

  for (const s of scenarios) {
    it(s.name, async () => {
      const served = s.module.versions[0]!;
      const zipFrom = s.goSumFrom?.zip;
      const zipHash = zipFrom === 'omit' ? undefined : (await servedHashes(s.module, zipFrom ?? served)).zipHash;
      const modHash = (await servedHashes(s.module, s.goSumFrom?.mod ?? served)).modHash;
      const project = await writeProject(
        `module example.test/app\n\ngo 1.19\n\nrequire ${s.module.path} ${V}\n`,
        goSumLines(s.module.path, V, { ...(zipHash ? { zipHash } : {}), modHash }),
      );
      try {
        const go = await goModDownload(project.dir, { GOPROXY: proxy.url, GOSUMDB: sumdb.verifierKey });
        const report = await diagnose(project.dir, {
          config: {
            repoUrlTemplate: 'https://github.com/{repo}.git',
            repos: {},
            thresholds: { minFreePercent: 0, minFreeBytes: 0, minFreeInodesPercent: 0 },
            concurrency: 8,
            requestTimeoutMs: 5_000,
          },
          goEnv: { GOPROXY: proxy.url, GOSUMDB: sumdb.verifierKey, GOFLAGS: '-mod=mod' },
          host: 'test',
          parts: { probe: false, lint: false, host: false, toolchain: false },
          processEnv: { HOME: project.dir },
          deep: true,
        });
        const errors = report.findings.filter((f) => f.severity === 'error');
        const shown = JSON.stringify(report.findings, null, 1);
        assert.equal(report.stage, 'deep');
        if (!s.goError) {
          assert.equal(go.exitCode, 0, go.stderr);
          assert.deepEqual(errors, [], shown);
          return;
        }
        assert.notEqual(go.exitCode, 0, 'go should fail');
        assert.match(go.stderr, s.goError);
        const top = errors[0];
        assert.ok(top, `buildfix found no error; go said: ${go.stderr}`);
        assert.equal(top.category, s.category, shown);
        assert.equal(top.module, s.module.path, shown);
        assert.equal(top.version, V);
        assert.match(`${top.message}\n${top.evidence ?? ''}`, s.says!, shown);
      } finally {
        await project.cleanup();
      }
    });
  }
});
