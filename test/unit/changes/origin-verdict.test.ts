import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decideOrigin } from '../../../src/changes/origin-verdict.ts';
import type { DiagnosisReport, Finding, SinceGreen } from '../../../src/report/model.ts';

const report = (findings: Finding[]): DiagnosisReport => ({
  target: 'payments',
  host: 'agent-03',
  startedAt: '2026-12-05T02:10:00Z',
  durationMs: 900,
  ok: !findings.some((f) => f.severity === 'error'),
  findings,
  checks: [],
  facts: {},
});
const missing: Finding = {
  category: 'version-not-found',
  severity: 'error',
  message: 'example.com/ledger@v1.9.9: not found',
  module: 'example.com/ledger',
  version: 'v1.9.9',
};
const disk: Finding = { category: 'disk-full', severity: 'error', message: '/var/lib/jenkins has 120 MiB free' };
const since = (files: SinceGreen['files'], blamed?: SinceGreen['blamed']): SinceGreen => ({
  green: 'a'.repeat(40),
  failing: 'b'.repeat(40),
  source: 'Jenkins build #41',
  linear: true,
  files,
  commits: files.length
    ? [{ sha: 'c'.repeat(40), shortSha: 'ccccccc', author: 'ann', subject: 'bump ledger', date: '2026-12-04T18:00:00Z', files: files.map((f) => f.path) }]
    : [],
  goMod: blamed ? [blamed] : [],
  ...(blamed ? { blamed } : {}),
});
const goModChange = {
  file: 'go.mod',
  line: 14,
  kind: 'require' as const,
  subject: 'example.com/ledger',
  before: 'v1.9.8',
  after: 'v1.9.9',
  revert: 'require example.com/ledger v1.9.8',
  text: 'go.mod:14 example.com/ledger v1.9.8 → v1.9.9 in ccccccc by ann, "bump ledger"',
};

describe('decideOrigin', () => {
  it('code: the blamed change, with the revert line', () => {
    const v = decideOrigin({
      failing: report([missing]),
      sinceGreen: since([{ path: 'go.mod', status: 'M', kind: 'go' }], goModChange),
      greenRecheck: report([]),
    });
    assert.equal(v.verdict, 'code');
    assert.equal(
      v.summary,
      'Code: go.mod:14 example.com/ledger v1.9.8 → v1.9.9 in ccccccc by ann, "bump ledger". Revert to `require example.com/ledger v1.9.8`.',
    );
  });
  it('environment/upstream: the green revision fails now too', () => {
    const v = decideOrigin({ failing: report([missing]), sinceGreen: since([]), greenRecheck: report([missing]) });
    assert.equal(v.verdict, 'environment/upstream');
  });
  it('agent: the green revision fails on this host for a host reason, or built green elsewhere', () => {
    assert.equal(decideOrigin({ failing: report([disk]), sinceGreen: since([]), greenRecheck: report([disk]) }).verdict, 'agent');
    const elsewhere = decideOrigin({ failing: report([missing]), sinceGreen: since([]), greenElsewhere: { agent: 'agent-01', build: '#43' } });
    assert.equal(elsewhere.verdict, 'agent');
    assert.match(elsewhere.summary, /agent-01/);
  });
  it('unknown, saying why, when there is nothing to compare or nothing fails', () => {
    const none = decideOrigin({ failing: report([missing]), noGreenReason: 'no last green build known: Jenkins not configured' });
    assert.equal(none.verdict, 'unknown');
    assert.match(none.summary, /Jenkins not configured/);
    assert.equal(decideOrigin({ failing: report([]), sinceGreen: since([]) }).verdict, 'unknown');
    assert.equal(decideOrigin({ failing: report([missing]), sinceGreen: since([]), greenRecheck: report([]) }).verdict, 'unknown');
  });
  it('names the machine that checked; checked from another machine than the failing agent, it claims nothing for that agent', () => {
    const inputs = {
      failing: report([missing]),
      sinceGreen: since([{ path: 'go.mod', status: 'M' as const, kind: 'go' as const }], goModChange),
      greenRecheck: report([]),
    };
    const same = decideOrigin({ ...inputs, ranOn: 'agent-03', failingAgent: 'agent-03' });
    assert.equal(same.verdict, 'code');
    assert.match(same.summary, /^Code: /);
    assert.ok(same.reasons.includes(`the green revision ${'a'.repeat(7)} still resolves from agent-03 now`), same.reasons.join('\n'));

    const away = decideOrigin({ ...inputs, ranOn: 'agent-01', failingAgent: 'agent-03' });
    assert.equal(away.verdict, 'code');
    assert.match(away.summary, /^Probably code: .*\(the green revision resolves from agent-01; agent-03 itself was not re-checked\)/);
    assert.equal(away.reasons[0], 'the live checks ran on agent-01, not on agent-03 where the build failed: what resolves from agent-01 may not from agent-03');
    assert.ok(!away.reasons.some((r) => /this agent|resolves from agent-03/.test(r)), away.reasons.join('\n'));

    // A host problem of the machine that checked says nothing about the failing agent.
    const hostElsewhere = decideOrigin({
      failing: report([disk]),
      sinceGreen: since([]),
      greenRecheck: report([disk]),
      ranOn: 'agent-01',
      failingAgent: 'agent-03',
    });
    assert.equal(hostElsewhere.verdict, 'unknown');
    assert.match(hostElsewhere.summary, /agent-01 has a problem of its own \(disk-full\)/);
    // A module gone from the proxy fails from any machine: still environment/upstream, said as checked from agent-01.
    const upstream = decideOrigin({
      failing: report([missing]),
      sinceGreen: since([]),
      greenRecheck: report([missing]),
      ranOn: 'agent-01',
      failingAgent: 'agent-03',
    });
    assert.equal(upstream.verdict, 'environment/upstream');
    assert.match(upstream.summary, /fails now from agent-01 too .*checked from agent-01, not agent-03/);
  });
});
