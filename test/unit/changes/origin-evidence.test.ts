/** The evidence from outside the checkout: environment snapshots across time, other agents' green builds, and how the verdict weighs them. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { envChangeSince, describeEnvChange } from '../../../src/changes/env-change.ts';
import { MemoryEnvHistory } from '../../../src/changes/env-history.ts';
import { pickGreenElsewhere, type CiBuild } from '../../../src/changes/green-elsewhere.ts';
import { decideOrigin } from '../../../src/changes/origin-verdict.ts';
import type { DiagnosisReport, Finding, SinceGreen } from '../../../src/report/model.ts';

const report = (findings: Finding[]): DiagnosisReport => ({
  target: 'payments',
  host: 'agent-03',
  startedAt: '2026-12-06T02:10:00Z',
  durationMs: 900,
  ok: !findings.some((f) => f.severity === 'error'),
  findings,
  checks: [],
  facts: {},
});
const missing: Finding = { category: 'version-not-found', severity: 'error', message: 'example.com/ledger@v1.9.9: not found', module: 'example.com/ledger' };
const since: SinceGreen = { green: 'a'.repeat(40), failing: 'b'.repeat(40), source: 'Jenkins build #41', linear: true, files: [], commits: [], goMod: [] };
const snap = (goproxy: string, extra: Record<string, string> = {}) => ({
  goVersion: '1.19.8',
  variables: { GOPROXY: goproxy, ...extra },
  gitInsteadOf: [],
  netrc: 'present' as const,
});

describe('environment history across time', () => {
  it('keeps changes only, newest first, and names what changed since a time with when', async () => {
    const h = new MemoryEnvHistory();
    await h.record('agent-03', snap('https://deploy:***@proxy.corp'), new Date('2026-12-06T00:10:00Z'));
    await h.record('agent-03', snap('https://deploy:***@proxy.corp'), new Date('2026-12-06T00:40:00Z'));
    await h.record('agent-03', snap('direct'), new Date('2026-12-06T01:12:00Z'));
    await h.record('agent-03', snap('direct', { GOFLAGS: '-mod=mod' }), new Date('2026-12-06T01:30:00Z'));
    const entries = await h.list('agent-03');
    assert.equal(entries.length, 3);
    assert.equal(entries[2]?.lastSeen, '2026-12-06T00:40:00.000Z', 'the same snapshot moves lastSeen');
    const change = envChangeSince('agent-03', entries, new Date('2026-12-06T00:50:00Z'));
    assert.deepEqual(
      change.changes.map((c) => [c.key, c.from, c.to, c.at]),
      [
        ['GOPROXY', 'https://deploy:***@proxy.corp', 'direct', '2026-12-06T01:12:00.000Z'],
        ['GOFLAGS', '(unset)', '-mod=mod', '2026-12-06T01:30:00.000Z'],
      ],
    );
    assert.match(
      describeEnvChange(change),
      /GOPROXY changed from https:\/\/deploy:\*\*\*@proxy\.corp to direct at (2026-12-06 )?01:12 UTC; GOFLAGS set to -mod=mod/,
    );
    const before = envChangeSince('agent-03', entries, new Date('2026-12-05T23:00:00Z'));
    assert.equal(before.changes.length, 0);
    assert.match(before.note ?? '', /no environment snapshot of agent-03 from before the last green build/);
    assert.match(envChangeSince('agent-09', [], new Date()).note ?? '', /no environment snapshot of agent-09 is recorded/);
    assert.equal(envChangeSince('agent-03', entries, new Date('2026-12-06T01:40:00Z')).changes.length, 0);
  });

  it('bounds the history per agent', async () => {
    const h = new MemoryEnvHistory();
    for (let i = 0; i < 60; i++) await h.record('a1', snap(`https://p${i}.corp`), new Date(Date.UTC(2026, 11, 6, 0, i)));
    assert.equal((await h.list('a1')).length, 50);
  });
});

describe('green elsewhere: the CI history of the job', () => {
  const b = (order: number, green: boolean, agent: string, sha: string): CiBuild => ({
    order,
    label: `Jenkins build #${order} of payments/main`,
    green,
    failed: !green,
    agents: [agent],
    sha: sha.repeat(40),
  });
  it('the same revision green on another agent is named; a later green of another revision is weaker', () => {
    const same = pickGreenElsewhere([b(41, true, 'agent-01', 'a'), b(42, false, 'agent-03', 'b'), b(43, true, 'agent-01', 'b')], {}, 'payments/main');
    assert.equal(same.found?.build, 'Jenkins build #43 of payments/main');
    assert.equal(same.found?.sameRevision, true);
    assert.equal(same.found?.failingAgent, 'agent-03');
    const later = pickGreenElsewhere([b(41, true, 'agent-01', 'a'), b(42, false, 'agent-03', 'b'), b(44, true, 'agent-02', 'c')], {}, 'payments/main');
    assert.equal(later.found?.sameRevision, false);
    const none = pickGreenElsewhere([b(41, true, 'agent-03', 'a'), b(42, false, 'agent-03', 'b')], { agent: 'agent-03' }, 'payments/main');
    assert.match(none.note ?? '', /no green build of payments\/main on another agent than agent-03 since Jenkins build #41/);
    const older = pickGreenElsewhere([b(40, true, 'agent-01', 'z'), b(41, true, 'agent-03', 'a'), b(42, false, 'agent-03', 'b')], {}, 'payments/main');
    assert.ok(older.note, 'a green build before the last green one is no evidence');
  });
});

describe('decideOrigin with the new evidence', () => {
  it('agent: the same revision built green on another agent, named first in the reasons', () => {
    const v = decideOrigin({
      failing: report([missing]),
      sinceGreen: since,
      greenRecheck: report([missing]),
      greenElsewhere: { agent: 'agent-01', failingAgent: 'agent-03', build: 'Jenkins build #43 of payments/main', sameRevision: true },
    });
    assert.equal(v.verdict, 'agent');
    assert.match(v.summary, /built green on agent-01 \(Jenkins build #43 of payments\/main\)/);
    assert.match(v.reasons[0] ?? '', /^the same revision built green on agent-01 \(Jenkins build #43/);
    assert.equal(v.greenElsewhere?.sameRevision, true);
    const noRecheck = decideOrigin({
      failing: report([missing]),
      sinceGreen: { ...since, files: [{ path: 'go.mod', status: 'M', kind: 'go' }] },
      greenElsewhere: { agent: 'agent-01', build: '#43', sameRevision: true },
    });
    assert.equal(noRecheck.verdict, 'agent');
  });
  it('environment/upstream: the agent environment changed since green, with the variable named', () => {
    const environment = envChangeSince(
      'agent-03',
      [
        { since: '2026-12-06T01:12:00.000Z', lastSeen: '2026-12-06T01:40:00.000Z', hash: 'b', facts: snap('direct') },
        { since: '2026-12-06T00:10:00.000Z', lastSeen: '2026-12-06T00:40:00.000Z', hash: 'a', facts: snap('https://proxy.corp') },
      ],
      new Date('2026-12-06T00:30:00Z'),
    );
    const v = decideOrigin({ failing: report([missing]), sinceGreen: since, greenRecheck: report([missing]), environment });
    assert.equal(v.verdict, 'environment/upstream');
    assert.match(v.summary, /^Environment\/upstream: on agent-03 GOPROXY changed from https:\/\/proxy\.corp to direct at/);
    assert.match(v.reasons[0] ?? '', /^agent-03's environment changed since the last green build: GOPROXY changed/);
    const unchanged = decideOrigin({
      failing: report([missing]),
      sinceGreen: since,
      greenRecheck: report([missing]),
      environment: { ...environment, changes: [] },
    });
    assert.equal(unchanged.verdict, 'environment/upstream');
    assert.match(unchanged.reasons[0] ?? '', /unchanged since the last green build/);
  });
});

describe('envdiff across time: parsing and times', () => {
  it('envdiff <agent> --since <time|build> parses; bad forms are usage errors', async () => {
    const { parseCommand } = await import('../../../src/chat/parse-command.ts');
    assert.deepEqual(parseCommand('envdiff agent-03 --since 6h'), { kind: 'envdiff', hosts: ['agent-03'], since: '6h' });
    assert.deepEqual(parseCommand('envdiff agent-03 --since payments/main#41'), { kind: 'envdiff', hosts: ['agent-03'], since: 'payments/main#41' });
    assert.deepEqual(parseCommand('envdiff agent-03 --since green:payments'), { kind: 'envdiff', hosts: ['agent-03'], since: 'green:payments' });
    assert.throws(() => parseCommand('envdiff agent-03 --since yesterday'), /--since takes a time/);
    assert.throws(() => parseCommand('envdiff agent-03 agent-04 --since 6h'), /envdiff/);
  });
  it('resolves relative times, times of day (the latest past one) and ISO times', async () => {
    const { resolveSince } = await import('../../../src/jobs/handlers/env-history-job.ts');
    const ctx = { config: { repos: {}, env: {} }, signal: new AbortController().signal } as never;
    const now = new Date('2026-12-06T01:30:00Z');
    assert.equal((await resolveSince('90m', ctx, now)).at.toISOString(), '2026-12-06T00:00:00.000Z');
    assert.equal((await resolveSince('01:12', ctx, now)).at.toISOString(), '2026-12-06T01:12:00.000Z');
    assert.equal((await resolveSince('23:00', ctx, now)).at.toISOString(), '2026-12-05T23:00:00.000Z');
    assert.equal((await resolveSince('2026-12-05T10:00Z', ctx, now)).at.toISOString(), '2026-12-05T10:00:00.000Z');
    await assert.rejects(resolveSince('payments/main#41', ctx, now), /Jenkins is not configured/);
  });
});
