/**
 * Outage drills in the health history: what `status` says of the last drill
 * per agent and repo (passed / failed on which modules, who, when), when it
 * is due, the drill's schedule and config, and the memory store keeping it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PreflightConfigSchema } from '../../../src/config/preflight-schema.ts';
import { drillPreflightResult, summarizeDrill, type DrillFacts } from '../../../src/preflight/drill-result.ts';
import { drillDue, preflightStatusMrkdwn, preflightStatusRows } from '../../../src/preflight/render.ts';
import { preflightSchedules } from '../../../src/preflight/schedulers.ts';
import { MemoryPreflightStore } from '../../../src/preflight/store.ts';
import type { PreflightResult } from '../../../src/preflight/types.ts';

const DAY = 86_400_000;
const NOW = Date.parse('2026-12-06T03:00:00Z');

const PASSED: DrillFacts = {
  modcache: '/home/build/go/pkg/mod',
  readiness: { ready: 5, total: 5 },
  drill: { passed: true, failures: [], otherErrors: [] },
};
const FAILED: DrillFacts = {
  modcache: '/home/build/go/pkg/mod',
  readiness: { ready: 3, total: 5 },
  drill: {
    passed: false,
    failures: [
      { path: 'example.test/Bravo', version: 'v1.2.0' },
      { path: 'example.test/charlie', version: 'v1.0.0' },
    ],
    otherErrors: [],
  },
};

function drillAt(daysAgo: number, facts: DrillFacts, by?: string): PreflightResult {
  return drillPreflightResult({ agent: 'agent-07', repo: 'payments', by, startedAt: new Date(NOW - daysAgo * DAY - 4200), durationMs: 4200, facts });
}

describe('drill results', () => {
  it('a passed drill: pass, nothing that alerts; a failed one names the modules go could not get offline', () => {
    const pass = summarizeDrill('payments', PASSED);
    assert.equal(pass.status, 'pass');
    assert.deepEqual(pass.findings, []);
    assert.deepEqual(pass.drill, { passed: true, failed: [], failedCount: 0, otherErrors: [], modcache: PASSED.modcache, ready: 5, total: 5 });
    const fail = summarizeDrill('payments', FAILED);
    assert.equal(fail.status, 'fail');
    assert.equal(fail.summary, 'failed on 2 modules: example.test/Bravo@v1.2.0, example.test/charlie@v1.0.0');
    assert.deepEqual(fail.drill?.failed, ['example.test/Bravo@v1.2.0', 'example.test/charlie@v1.0.0']);
    assert.equal(fail.findings.length, 1);
    assert.equal(fail.findings[0]?.alert, false, 'a proxy outage is not the next build: no alert');
    const other = summarizeDrill('payments', { ...FAILED, drill: { passed: false, failures: [], otherErrors: ['go.mod: no go.sum entry'] } });
    assert.equal(other.summary, 'failed: go.mod: no go.sum entry');
  });
});

describe('status lines of drills', () => {
  it('the last drill per agent and repo: how long ago, passed or failed on which modules, who ran it', () => {
    const [pass, fail, scheduled] = preflightStatusRows([drillAt(3, PASSED, 'U0ANN'), drillAt(1, FAILED, 'U0RAJ'), drillAt(0.5, PASSED)], NOW, {
      drillMaxAgeDays: 31,
    });
    assert.deepEqual(pass?.slice(0, 5), ['agent-07', 'drill', 'payments', '✓ pass', '3 days ago']);
    assert.equal(pass?.[5], 'last drill 3 days ago: passed: the build survives a proxy outage (5/5 modules in the cache), by U0ANN (4.2 s)');
    assert.equal(fail?.[3], '✗ fail');
    assert.match(fail?.[5] ?? '', /^last drill 24 h ago: failed on 2 modules: example\.test\/Bravo@v1\.2\.0, example\.test\/charlie@v1\.0\.0, by U0RAJ/);
    assert.match(scheduled?.[5] ?? '', /^last drill 12 h ago: passed.*, scheduled \(4\.2 s\)$/);
  });

  it('a drill older than drillMaxAgeDays shows as due, with how it last ended; 0 turns that off', () => {
    const old = drillAt(40, PASSED, 'U0ANN');
    const [row] = preflightStatusRows([old], NOW, { drillMaxAgeDays: 31 });
    assert.equal(row?.[3], '! due (pass)');
    assert.equal(row?.[4], '40 days ago');
    assert.match(row?.[5] ?? '', /^due: no drill in the last 31 days; last drill 40 days ago: passed/);
    assert.equal(preflightStatusRows([old], NOW, { drillMaxAgeDays: 0 })[0]?.[3], '✓ pass');
    assert.equal(preflightStatusRows([old], NOW)[0]?.[3], '✓ pass', 'no age given: never due');
    assert.equal(preflightStatusRows([old], NOW, { drillMaxAgeDays: 60 })[0]?.[3], '✓ pass');
    // Due is strictly older than the age: 30 days is not due at 31, 32 days is.
    assert.equal(drillDue(drillAt(30, PASSED), NOW, 31), false);
    assert.equal(drillDue(drillAt(32, FAILED), NOW, 31), true);
    assert.equal(preflightStatusRows([drillAt(32, FAILED)], NOW, { drillMaxAgeDays: 31 })[0]?.[3], '! due (fail)');
  });

  it('other checks are unchanged; Slack lines escape what came from outside', () => {
    const { drill: _drill, ...rest } = drillAt(0, PASSED);
    const modules: PreflightResult = { ...rest, check: 'modules', summary: 'no problem', finishedAt: new Date(NOW - 3 * 3_600_000).toISOString() };
    assert.deepEqual(
      preflightStatusRows([modules], NOW, { drillMaxAgeDays: 31 }).map((r) => r.slice(3)),
      [['✓ pass', '3 h ago', 'no problem']],
    );
    const odd = { ...drillAt(2, FAILED, 'U0ANN'), repo: '<!channel>' };
    const [line] = preflightStatusMrkdwn([odd], NOW, { drillMaxAgeDays: 31 });
    assert.match(line ?? '', /`&lt;!channel&gt;` ✗ fail · 2 days ago · last drill 2 days ago: failed on 2 modules/);
    assert.doesNotMatch(line ?? '', /<!channel>/);
  });
});

describe('drill config and schedule', () => {
  it('off by default, due after 31 days; monthly schedules are allowed, beyond a year is not', () => {
    const p = PreflightConfigSchema.parse({});
    assert.equal(p.drill, 0);
    assert.equal(p.drillMaxAgeDays, 31);
    assert.ok(!preflightSchedules('agent-07', p, ['payments']).some((s) => s.check === 'drill'), 'no drill schedule unless asked');
    const monthly = PreflightConfigSchema.parse({ drill: '30d', readiness: 'off' });
    assert.equal(monthly.drill, 30 * DAY);
    const drills = preflightSchedules('agent-07', monthly, ['payments', 'api']).filter((s) => s.check === 'drill');
    assert.deepEqual(
      drills.map((s) => [s.id, s.repo, s.everyMs]),
      [
        ['preflight:drill:api', 'api', 30 * DAY],
        ['preflight:drill:payments', 'payments', 30 * DAY],
      ],
    );
    assert.equal(PreflightConfigSchema.safeParse({ drill: '400d' }).success, false);
    assert.equal(PreflightConfigSchema.safeParse({ modules: '30d' }).success, false, 'the other checks keep their 7-day limit');
    assert.equal(PreflightConfigSchema.safeParse({ drillMaxAgeDays: -1 }).success, false);
  });

  it('the memory store keeps drills as their own check, bounded, and latest() shows the newest', async () => {
    const store = new MemoryPreflightStore();
    for (const d of [5, 4, 3, 2]) await store.record(drillAt(d, d === 2 ? FAILED : PASSED, 'U0ANN'), 3);
    const history = await store.history('agent-07', 'drill', 'payments');
    assert.equal(history.length, 3, 'bounded like the other checks');
    assert.equal(history[0]?.status, 'fail');
    const latest = await store.latest();
    assert.deepEqual(
      latest.map((r) => [r.check, r.repo, r.status, r.drill?.failed.length]),
      [['drill', 'payments', 'fail', 2]],
    );
    assert.deepEqual(await store.problems('drill:payments'), [], 'a failed drill opens no alert');
  });
});
