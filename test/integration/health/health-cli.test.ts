/**
 * `buildfix health <dir>` against the goproxy fake and the vulnerability
 * database fake: the report names the deprecated module, the retracted
 * version in use and the vulnerable version with its OSV id (not the version
 * outside the affected range); a database that times out or is unreachable
 * gives a partial report that says so, not a crash.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startGoProxyFake, freePort, type GoProxyFake } from '../../fakes/goproxy-server.ts';
import { startVulnDbFake, type VulnDbFake } from '../../fakes/vulndb-server.ts';
import { runCli } from '../../helpers/run-cli.ts';
import type { HealthReport } from '../../../src/health/health-report.ts';
import { HEALTH_MODULES, HEALTH_OSV, writeHealthProject, type HealthProject } from './health-fixture.ts';

describe('buildfix health (CLI)', () => {
  let proxy: GoProxyFake;
  let vulndb: VulnDbFake;
  let project: HealthProject;
  let env: Record<string, string>;

  before(async () => {
    proxy = await startGoProxyFake({ modules: HEALTH_MODULES });
    vulndb = await startVulnDbFake({ entries: HEALTH_OSV });
    project = await writeHealthProject();
    env = { GOPROXY: proxy.url, GOSUMDB: 'off', GOFLAGS: '-mod=mod', HOME: project.dir };
  });
  after(async () => {
    await proxy.close();
    await vulndb.close();
    await project.cleanup();
  });

  it('--json lists the deprecated module, the retracted version in use and the vulnerable version with its OSV id', async () => {
    const config = await project.writeConfig(vulndb.url);
    const res = await runCli(['health', project.dir, '--json'], { ...env, BUILDFIX_CONFIG: config });
    assert.equal(res.exitCode, 1, res.stderr);
    const r = res.json<HealthReport>();
    assert.equal(r.module, 'example.test/app');
    assert.deepEqual(r.requirements, { direct: 4, indirect: 1, total: 5 });
    assert.equal(r.partial, false, JSON.stringify(r.gaps));
    assert.deepEqual(
      r.deprecated.map((d) => [d.path, d.version, d.message]),
      [['example.test/old', 'v1.0.0', 'use example.test/new instead.']],
    );
    assert.deepEqual(
      r.retracted.map((x) => [x.path, x.version, x.rationale, x.latest]),
      [['example.test/retracted', 'v1.2.0', 'corrupts the cache', 'v1.3.0']],
    );
    assert.deepEqual(
      r.vulnerabilities.map((v) => [v.id, v.path, v.version, v.fixed]),
      [['GO-2099-0001', 'example.test/vuln', 'v1.4.0', 'v1.4.2']],
    );
    assert.ok(!r.vulnerabilities.some((v) => v.id === 'GO-2099-0002'), 'v1.5.0 is outside GO-2099-0002 (fixed in 1.5.0)');
    const safe = r.outdated.find((o) => o.path === 'example.test/safe');
    assert.equal(safe?.majorsBehind, 1);
    assert.deepEqual(safe?.newerMajor, { path: 'example.test/safe/v2', version: 'v2.0.0' });
    const vuln = r.outdated.find((o) => o.path === 'example.test/vuln');
    assert.equal(vuln?.latest, 'v1.4.2');
    assert.equal(vuln?.behindSince, '2025-06-01T00:00:00Z');
    assert.ok((vuln?.behindDays ?? 0) > 365);
    assert.deepEqual(r.findings.map((f) => f.class).sort(), ['deprecated', 'outdated', 'retracted', 'vulnerable']);
    assert.ok(vulndb.requests.includes('/index/modules.json'));
    assert.ok(!vulndb.requests.includes('/ID/GO-2099-0003.json'), 'entries of modules not in the build list are not fetched');
  });

  it('prints the same report as text', async () => {
    const config = await project.writeConfig(vulndb.url);
    const res = await runCli(['health', project.dir], { ...env, BUILDFIX_CONFIG: config });
    assert.equal(res.exitCode, 1, res.stderr);
    assert.match(res.stdout, /GO-2099-0001 \(CVE-2099-0001\): example\.test\/vuln v1\.4\.0 — fixed in v1\.4\.2/);
    assert.match(res.stdout, /example\.test\/retracted v1\.2\.0: retracted \(corrupts the cache\)/);
    assert.match(res.stdout, /example\.test\/old v1\.0\.0: Deprecated: use example\.test\/new instead\./);
    assert.match(res.stdout, /requirements: 4 direct, 1 indirect/);
    assert.doesNotMatch(res.stdout, /GO-2099-0002/);
  });

  it('a vulnerability database that is unreachable: a partial report that says so (exit 3 within the thresholds)', async () => {
    const closed = await freePort();
    const config = await project.writeConfig(
      `http://127.0.0.1:${closed}`,
      '  maxDeprecated: 5\n  maxRetracted: 5\n  maxMajorsBehind: 5\n  maxMinorsBehind: 50\n  maxBehindDays: 100000\n',
    );
    const res = await runCli(['health', project.dir, '--json'], { ...env, BUILDFIX_CONFIG: config });
    assert.equal(res.exitCode, 3, res.stderr);
    const r = res.json<HealthReport>();
    assert.equal(r.partial, true);
    assert.equal(r.status, 'pass');
    assert.deepEqual(r.vulnerabilities, []);
    assert.match(r.gaps.find((g) => g.source === 'vulndb')?.message ?? '', /vulnerabilities not checked: .*index\/modules\.json/);
    assert.equal(r.deprecated.length, 1, 'the rest of the report is still there');
    const text = await runCli(['health', project.dir], { ...env, BUILDFIX_CONFIG: config });
    assert.equal(text.exitCode, 3);
    assert.match(text.stdout, /PARTIAL REPORT/);
    assert.match(text.stdout, /Vulnerabilities \(0, from http:\/\/127\.0\.0\.1:\d+\):\n {4}not checked/);
  });

  it('a vulnerability database that times out: partial, with "timed out"', async () => {
    vulndb.configure({ delayMs: 5000 });
    try {
      const config = await project.writeConfig(vulndb.url, '  vulndbTimeoutMs: 300\n');
      const started = Date.now();
      const res = await runCli(['health', project.dir, '--json'], { ...env, BUILDFIX_CONFIG: config });
      assert.equal(res.exitCode, 1, res.stderr);
      const r = res.json<HealthReport>();
      assert.equal(r.partial, true);
      assert.match(r.gaps.find((g) => g.source === 'vulndb')?.message ?? '', /timed out/);
      assert.ok(Date.now() - started < 5000, 'the report does not wait for the slow database');
    } finally {
      vulndb.configure({ delayMs: 0 });
    }
  });
});
