import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDuration, PreflightConfigSchema } from '../../../src/config/preflight-schema.ts';
import { FileConfigSchema } from '../../../src/config/schema.ts';
import { jitterOffset, preflightSchedules } from '../../../src/preflight/schedulers.ts';
import { MemoryPreflightStore } from '../../../src/preflight/store.ts';
import {
  credentialExpiryFinding,
  freeSpaceSlope,
  summarizeHost,
  summarizeModules,
  summarizeProbe,
  tokenExpiryFromHeaders,
} from '../../../src/preflight/summarize.ts';
import type { PreflightResult } from '../../../src/preflight/types.ts';
import type { CheckResult, DiagnosisReport } from '../../../src/report/model.ts';

const GiB = 1024 ** 3;

describe('preflight config', () => {
  it('defaults: modules 15 min, probe 5 min, readiness 6 h, host 15 min', () => {
    const p = PreflightConfigSchema.parse({});
    assert.equal(p.modules, 15 * 60_000);
    assert.equal(p.probe, 5 * 60_000);
    assert.equal(p.readiness, 6 * 3_600_000);
    assert.equal(p.host, 15 * 60_000);
    assert.ok(p.proxyCacheTtl < p.modules);
  });
  it('reads durations and "off"; refuses nonsense, and a cache lifetime not shorter than the modules interval', () => {
    assert.equal(parseDuration('30s'), 30_000);
    assert.equal(parseDuration('1.5h'), 5_400_000);
    assert.equal(parseDuration('off'), 0);
    assert.equal(parseDuration('soon'), undefined);
    assert.equal(PreflightConfigSchema.parse({ probe: 'off' }).probe, 0);
    assert.equal(PreflightConfigSchema.safeParse({ probe: '10ms' }).success, false);
    assert.equal(PreflightConfigSchema.safeParse({ probe: 'every now and then' }).success, false);
    assert.equal(PreflightConfigSchema.safeParse({ modules: '5m', proxyCacheTtl: '5m' }).success, false);
    assert.equal(PreflightConfigSchema.safeParse({ nope: 1 }).success, false);
    assert.equal(FileConfigSchema.parse({}).preflight, undefined, 'absent: no pre-flight');
  });
});

describe('preflight schedules', () => {
  const p = PreflightConfigSchema.parse({ readiness: 'off' });
  it('one scheduler per repo for repo checks, one per agent for the others; "off" has none', () => {
    const s = preflightSchedules('agent-01', p, ['two', 'one']);
    assert.deepEqual(
      s.map((x) => x.id),
      ['preflight:modules:one', 'preflight:modules:two', 'preflight:probe:-', 'preflight:host:-', 'preflight:credentials:-'],
    );
    assert.equal(s[0]?.everyMs, 15 * 60_000);
  });
  it('jitter: a fixed offset per agent and check within the jitter, shared by the repos of one agent', () => {
    const a = preflightSchedules('agent-01', p, ['one', 'two']);
    const b = preflightSchedules('agent-02', p, ['one', 'two']);
    assert.equal(a[0]?.offsetMs, a[1]?.offsetMs);
    assert.notEqual(a[0]?.offsetMs, b[0]?.offsetMs);
    for (const x of [...a, ...b]) assert.ok(x.offsetMs >= 0 && x.offsetMs < p.jitter);
    assert.equal(jitterOffset('a', 'modules', 0, 1000), 0);
    assert.ok(jitterOffset('a', 'modules', 10_000, 1000) < 1000, 'never more than the interval');
  });
});

describe('preflight summaries', () => {
  const now = Date.parse('2026-12-06T00:00:00Z');
  it('module check: an error alerts, a warning is shown only', () => {
    const report = {
      ok: false,
      facts: { requirements: 2 },
      findings: [
        { category: 'version-not-found', severity: 'error', message: 'b@v1.1.0 is gone', module: 'b', version: 'v1.1.0', key: 'version-not-found:b@v1.1.0' },
        { category: 'missing-go-sum', severity: 'warning', message: 'go.sum lacks lines' },
        { category: 'proxy-config', severity: 'info', message: 'fyi' },
      ],
    } as unknown as DiagnosisReport;
    const s = summarizeModules(report);
    assert.equal(s.status, 'fail');
    assert.deepEqual(
      s.findings.map((f) => [f.key, f.alert]),
      [
        ['version-not-found:b@v1.1.0', true],
        ['missing-go-sum::go.sum lacks lines', false],
      ],
    );
    assert.equal(s.summary, 'b@v1.1.0 is gone');
  });
  it("probe: latency per entry on go's route, and a certificate expiring within the configured days", () => {
    const checks: CheckResult[] = [
      { id: 'probe:direct:https://proxy.corp', title: 'GOPROXY proxy.corp direct · informative', status: 'pass', durationMs: 90, findings: [] },
      {
        id: 'probe:via-proxy:https://proxy.corp',
        title: "GOPROXY proxy.corp via http://p:3128 · go's route",
        status: 'pass',
        durationMs: 40,
        findings: [],
        tls: { validTo: 'Dec  9 00:00:00 2026 GMT', subject: 'CN=proxy.corp', issuer: 'CN=Corp CA' },
      },
      { id: 'probe:direct:https://sum.golang.org', title: "checksum DB sum.golang.org direct · go's route", status: 'fail', durationMs: 5, findings: [] },
    ];
    const s = summarizeProbe(checks, { now, certExpiryDays: 14 });
    assert.deepEqual(
      s.latency?.map((l) => [l.url, l.kind, l.ms, l.status]),
      [
        ['https://proxy.corp', 'goproxy', 40, 'pass'],
        ['https://sum.golang.org', 'sumdb', 5, 'fail'],
      ],
    );
    assert.equal(s.latency?.[0]?.certDaysLeft, 3);
    const cert = s.findings.find((f) => f.category === 'certificate-expiring');
    assert.ok(cert?.alert);
    assert.match(cert.message, /expires in 3 days/);
    assert.equal(summarizeProbe(checks, { now, certExpiryDays: 2 }).findings.length, 0);
  });
  it('disk trend: a volume filling up within diskTrendHours alerts before the threshold is crossed', () => {
    const hour = 3_600_000;
    const sample = (hoursAgo: number, free: number): PreflightResult =>
      ({ finishedAt: new Date(now - hoursAgo * hour).toISOString(), disks: [{ id: 'disk:/work', freeBytes: free, totalBytes: 100 * GiB }] }) as PreflightResult;
    // 1 GiB/h lost; 10 GiB free, threshold 2 GiB → 8 h left.
    const history = [sample(1, 11 * GiB), sample(2, 12 * GiB), sample(3, 13 * GiB)];
    const s = summarizeHost([], [{ id: 'disk:/work', freeBytes: 10 * GiB, totalBytes: 100 * GiB }], history, {
      now,
      diskTrendHours: 24,
      minFreeBytes: 2 * GiB,
    });
    const f = s.findings.find((x) => x.category === 'disk-trend');
    assert.ok(f?.alert);
    assert.match(f.message, /filling up by (1\.0 GiB|1024\.0 MiB)\/h.*about 8 h/);
    const calm = summarizeHost([], [{ id: 'disk:/work', freeBytes: 10 * GiB, totalBytes: 100 * GiB }], history, {
      now,
      diskTrendHours: 4,
      minFreeBytes: 2 * GiB,
    });
    assert.equal(calm.findings.length, 0);
    assert.equal(freeSpaceSlope([{ at: 0, free: 1 }]), undefined, 'too few samples');
  });
  it("credential expiry from GitHub's token expiration header", () => {
    const at = tokenExpiryFromHeaders({ 'github-authentication-token-expiration': '2026-12-10 00:00:00 UTC' });
    assert.equal(at, Date.parse('2026-12-10T00:00:00Z'));
    assert.equal(tokenExpiryFromHeaders({}), undefined);
    assert.match(credentialExpiryFinding('github.com', at ?? 0, now, 14)?.message ?? '', /expires in 4 days/);
    assert.equal(credentialExpiryFinding('github.com', at ?? 0, now, 3), undefined);
  });
});

describe('memory store (in-process mode)', () => {
  it('caps history, tells the alerter only when an agent’s problems change, and locks runs', async () => {
    const store = new MemoryPreflightStore();
    const changes: string[] = [];
    store.onChange((s) => changes.push(s));
    const result = (alert: boolean): PreflightResult => ({
      v: 1,
      agent: 'a',
      check: 'modules',
      repo: 'one',
      startedAt: new Date().toISOString(),
      finishedAt: new Date().toISOString(),
      durationMs: 1,
      status: alert ? 'fail' : 'pass',
      summary: '',
      findings: alert ? [{ key: 'k', category: 'version-not-found', severity: 'error', message: 'gone', alert: true }] : [],
    });
    for (const alert of [false, true, true, false]) await store.record(result(alert), 3);
    assert.deepEqual(changes, ['modules:one', 'modules:one']);
    assert.equal((await store.history('a', 'modules', 'one')).length, 3);
    const token = await store.tryLock('a', 'modules', 'one', 10_000);
    assert.ok(token);
    assert.equal(await store.tryLock('a', 'modules', 'one', 10_000), undefined);
    await store.unlock('a', 'modules', 'one', token);
    assert.ok(await store.tryLock('a', 'modules', 'one', 10_000));
  });

  it('an alert lock is renewed only by its holder, and a lock that ran out cannot be renewed', async () => {
    const store = new MemoryPreflightStore();
    const token = await store.lockAlert('modules:one', 50);
    assert.ok(token);
    assert.equal(await store.renewAlertLock('modules:one', 'someone-else', 10_000), false);
    assert.equal(await store.renewAlertLock('modules:one', token, 10_000), true);
    await new Promise((r) => setTimeout(r, 80));
    assert.equal(await store.lockAlert('modules:one', 10_000), undefined, 'renewed past its first expiry');
    const short = await store.lockAlert('modules:two', 20);
    assert.ok(short);
    await new Promise((r) => setTimeout(r, 40));
    assert.equal(await store.renewAlertLock('modules:two', short, 10_000), false);
  });

  it('an alert being posted keeps its marker until it is cleared', async () => {
    const store = new MemoryPreflightStore();
    await store.setAlert('modules:one', { state: 'posting', channel: 'C1', marker: 'm-1', since: 1, openedAt: '2026-12-06T00:00:00.000Z' });
    const record = await store.alert('modules:one');
    assert.equal(record?.state === 'posting' ? record.marker : undefined, 'm-1');
    await store.clearAlert('modules:one');
    assert.equal(await store.alert('modules:one'), undefined);
  });
});
