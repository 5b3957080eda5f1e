/**
 * `buildfix diagnose <dir> --deep --json` as a user runs it: a proxy that
 * serves a zip differing from the checksum DB (go.sum agrees with the DB);
 * the real go fails, buildfix exits 1 with the deep verdict on top and the
 * report's stage "deep"; without --deep the zip is never downloaded.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fakePath, startGoProxyFake, type FakeModule, type GoProxyFake } from '../../fakes/goproxy-server.ts';
import { startSumDbFake, type SumDbFake } from '../../fakes/sumdb-server.ts';
import { runCli } from '../../helpers/run-cli.ts';
import { goModDownload, goSumLines, servedHashes, writeProject, type Project } from './go-oracle.ts';

const M: FakeModule = { path: 'example.test/cli/lib', versions: [{ version: 'v1.2.0', files: { 'lib.go': 'package lib // altered\n' } }] };
const ORIGINAL = { version: 'v1.2.0', files: { 'lib.go': 'package lib\n' } };

describe('buildfix diagnose --deep (CLI)', () => {
  let proxy: GoProxyFake;
  let sumdb: SumDbFake;
  let project: Project;

  before(async () => {
    sumdb = await startSumDbFake();
    proxy = await startGoProxyFake({ modules: [M], sumdb: { name: sumdb.name, handle: sumdb.handle } });
    const original = await servedHashes(M, ORIGINAL);
    sumdb.add({ module: M.path, version: 'v1.2.0', ...original });
    project = await writeProject(`module example.test/app\n\ngo 1.19\n\nrequire ${M.path} v1.2.0\n`, goSumLines(M.path, 'v1.2.0', original));
  });
  after(async () => {
    await proxy.close();
    await sumdb.close();
    await project.cleanup();
  });

  it('exits 1 with "the proxy differs from the checksum DB" where go fails with SECURITY ERROR', async () => {
    const env = { GOPROXY: proxy.url, GOSUMDB: sumdb.verifierKey, GOFLAGS: '-mod=mod', HOME: project.dir, NO_COLOR: '1' };
    const go = await goModDownload(project.dir, { GOPROXY: proxy.url, GOSUMDB: sumdb.verifierKey });
    assert.notEqual(go.exitCode, 0);
    assert.match(go.stderr, /SECURITY ERROR/);
    proxy.resetStats();
    const shallow = await runCli(['diagnose', project.dir, '--json', '--skip', 'probe,host'], env, { timeoutMs: 30_000 });
    assert.equal(proxy.count(fakePath(M.path, { version: 'v1.2.0', ext: 'zip' })), 0, 'without --deep no zip is downloaded');
    assert.equal((JSON.parse(shallow.stdout) as { stage?: string }).stage === 'deep', false);
    const res = await runCli(['diagnose', project.dir, '--deep', '--json', '--skip', 'probe,host'], env, { timeoutMs: 30_000 });
    assert.equal(res.exitCode, 1, res.stderr);
    const report = JSON.parse(res.stdout) as {
      ok: boolean;
      stage: string;
      findings: Array<{ category: string; severity: string; message: string; module?: string }>;
    };
    assert.equal(report.stage, 'deep');
    assert.equal(report.findings[0]?.category, 'checksum-mismatch');
    assert.equal(report.findings[0]?.module, M.path);
    assert.match(report.findings[0]?.message ?? '', /differs from the checksum DB \(go\.sum and the checksum DB agree, the proxy differs\)/);
  });
});
