/**
 * The retraction check of direct requirements against a GOPROXY fake: what it
 * reports, and which requests it makes (the version list goes out together
 * with the .mod request; the latest .mod is fetched only when it is another
 * version than the one already fetched).
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { diagnose } from '../../../src/engine/diagnose.ts';
import type { DiagnosisReport } from '../../../src/report/model.ts';
import { fakePath, startGoProxyFake, type GoProxyFake } from '../../fakes/goproxy-server.ts';

const THRESHOLDS = { minFreePercent: 10, minFreeBytes: 1024, minFreeInodesPercent: 5 };

describe('retraction check of direct requirements', () => {
  let fake: GoProxyFake;
  let empty: GoProxyFake;
  let work: string;

  before(async () => {
    fake = await startGoProxyFake({
      modules: [
        // v1.2.0 is the latest release and retracts itself (a published mistake).
        { path: 'example.com/selfretract', versions: [{ version: 'v1.1.0' }, { version: 'v1.2.0', retract: ['v1.2.0 // tagged from the wrong branch'] }] },
        // v1.0.0 is retracted by the newer v1.1.0.
        { path: 'example.com/older', versions: [{ version: 'v1.0.0' }, { version: 'v1.1.0', retract: ['v1.0.0 // data race in Parse'] }] },
        { path: 'example.com/clean', versions: [{ version: 'v1.0.0' }, { version: 'v1.0.1' }] },
        { path: 'example.com/gone', versions: [{ version: 'v0.9.0' }, { version: 'v1.0.0', fail: { status: 404 } }] },
        { path: 'example.com/deep', versions: [{ version: 'v1.3.0', retract: ['v1.3.0'] }] },
      ],
    });
    // First entry of a "," chain that knows nothing: every answer 404.
    empty = await startGoProxyFake({ modules: [] });
    work = await mkdtemp(join(tmpdir(), 'buildfix-retract-'));
  });
  after(async () => {
    await fake.close();
    await empty.close();
    await rm(work, { recursive: true, force: true });
  });
  beforeEach(() => {
    fake.resetStats();
    empty.resetStats();
  });

  async function run(goMod: string, goproxy: string, checkRetractions = true): Promise<DiagnosisReport> {
    const dir = await mkdtemp(join(work, 'repo-'));
    await writeFile(join(dir, 'go.mod'), goMod);
    return diagnose(dir, {
      config: { repoUrlTemplate: 'https://github.com/{repo}.git', repos: {}, thresholds: THRESHOLDS, concurrency: 8, requestTimeoutMs: 5_000 },
      goEnv: { GOPROXY: goproxy, GOSUMDB: 'off', GOFLAGS: '-mod=mod', GOPRIVATE: '', GONOPROXY: '', GONOSUMDB: '' },
      host: 'test',
      parts: { probe: false, host: false, lint: false },
      checkRetractions,
      processEnv: { HOME: work },
    });
  }

  it('finds a latest version that retracts itself without fetching its .mod twice', async () => {
    const report = await run('module example.com/app\n\ngo 1.19\n\nrequire example.com/selfretract v1.2.0\n', fake.url);
    const hit = report.findings.find((f) => f.category === 'retracted-version');
    assert.equal(hit?.module, 'example.com/selfretract');
    assert.equal(hit?.severity, 'warning');
    assert.match(hit?.message ?? '', /tagged from the wrong branch/);
    assert.equal(fake.count(fakePath('example.com/selfretract', { version: 'v1.2.0', ext: 'mod' })), 1);
    assert.equal(fake.count(fakePath('example.com/selfretract', 'list')), 1);
  });

  it('reads the retraction from the latest release when the required version is older', async () => {
    const report = await run('module example.com/app\n\ngo 1.19\n\nrequire example.com/older v1.0.0\n', fake.url);
    const hit = report.findings.find((f) => f.category === 'retracted-version');
    assert.equal(hit?.module, 'example.com/older');
    assert.match(hit?.message ?? '', /data race in Parse/);
    assert.match(hit?.fix ?? '', /go get example\.com\/older@v1\.1\.0/);
    assert.equal(fake.count(fakePath('example.com/older', { version: 'v1.0.0', ext: 'mod' })), 1);
    assert.equal(fake.count(fakePath('example.com/older', { version: 'v1.1.0', ext: 'mod' })), 1);
    assert.equal(fake.count(fakePath('example.com/older', 'list')), 1);
  });

  it('reports nothing for a version nobody retracted, and only checks direct requirements', async () => {
    const report = await run(
      'module example.com/app\n\ngo 1.19\n\nrequire (\n\texample.com/clean v1.0.0\n\texample.com/deep v1.3.0 // indirect\n)\n',
      fake.url,
    );
    assert.deepEqual(
      report.findings.filter((f) => f.category === 'retracted-version'),
      [],
    );
    assert.equal(fake.count(fakePath('example.com/clean', 'list')), 1);
    assert.equal(fake.count(fakePath('example.com/deep', 'list')), 0, 'indirect requirements are not listed');
  });

  it('makes no list requests when retractions are skipped', async () => {
    const report = await run('module example.com/app\n\ngo 1.19\n\nrequire example.com/selfretract v1.2.0\n', fake.url, false);
    assert.deepEqual(
      report.findings.filter((f) => f.category === 'retracted-version'),
      [],
    );
    assert.equal(fake.requests.filter((r) => r.path.endsWith('/@v/list')).length, 0);
  });

  it('suggests the last published version for a missing direct requirement from the one list request', async () => {
    const report = await run('module example.com/app\n\ngo 1.19\n\nrequire example.com/gone v1.0.0\n', fake.url);
    const hit = report.findings.find((f) => f.category === 'version-not-found');
    assert.equal(hit?.module, 'example.com/gone');
    assert.match(hit?.fix ?? '', /Pin the last published version v0\.9\.0/);
    assert.equal(fake.count(fakePath('example.com/gone', 'list')), 1);
  });

  it('asks the proxy that answered, not the first one, when the chain falls through', async () => {
    const report = await run('module example.com/app\n\ngo 1.19\n\nrequire example.com/selfretract v1.2.0\n', `${empty.url},${fake.url}`);
    const hit = report.findings.find((f) => f.category === 'retracted-version');
    assert.equal(hit?.module, 'example.com/selfretract', JSON.stringify(report.findings));
    assert.equal(fake.count(fakePath('example.com/selfretract', 'list')), 1);
    assert.equal(empty.count(fakePath('example.com/selfretract', { version: 'v1.2.0', ext: 'mod' })), 1);
  });
});
