import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryIncidentStore } from '../../../src/incidents/memory-incident-store.ts';
import {
  buildIncidentReport,
  formatDuration,
  incidentReportFileName,
  renderIncidentReport,
  type IncidentReport,
} from '../../../src/incidents/render-incident-report.ts';
import { playJourneyOne } from './journey.ts';
import { testClock } from './store-contract.ts';

async function resolvedIncident() {
  const clock = testClock();
  const store = new MemoryIncidentStore({ now: clock.now });
  const id = await playJourneyOne(store, clock);
  const incident = await store.get(id);
  assert.ok(incident);
  return { incident, timeline: await store.timeline(id) };
}

describe('renderIncidentReport', () => {
  it('Markdown holds summary, root cause, roles, both durations, actions and every timeline entry', async () => {
    const { incident, timeline } = await resolvedIncident();
    const md = renderIncidentReport(incident, timeline, 'md');
    assert.match(md, /^# Incident #1: payments\/main #4812 failed\n/);
    assert.match(md, /\| Status \| resolved \|/);
    assert.match(md, /\| CI failures grouped \| 4 \|/);
    assert.match(md, /\| Time to diagnose \| 9 s \|/);
    assert.match(md, /\| Time to recover \| 19 min 39 s \|/);
    assert.match(md, /## Summary\n\nledger v1\.9\.9 was never tagged/);
    assert.match(md, /## Root cause\n\n\*\*version-not-found\*\* — example\.com\/ledger v1\.9\.9 does not exist/);
    assert.match(md, /- Incident commander: <@U-ANN>/);
    assert.match(md, /- Engineer: <@U-RAJ>/);
    assert.match(md, /- Communicator: _unassigned_/);
    assert.match(md, /## Actions taken \(2\)\n\n1\. `[^`]+` \*\*buildfix\*\* · command — diagnose payments/);
    assert.match(md, new RegExp(`## Timeline \\(${timeline.length} entries\\)`));
    assert.equal(timeline.length, 16);
    for (const entry of timeline) {
      const firstLine = entry.text.split('\n')[0] ?? '';
      assert.ok(md.includes(`\`${entry.at}\``), `timeline time ${entry.at} is in the report`);
      assert.ok(md.includes(firstLine), `timeline entry "${firstLine}" is in the report`);
    }
    // A multi-line entry stays inside its list item.
    assert.match(md, /Root cause: version-not-found \| example\.com\/ledger v1\.9\.9\n {3}Fix: pin v1\.9\.8/);
    assert.doesNotMatch(md, /secretsecret/);
  });

  it('JSON carries the same data and every timeline entry', async () => {
    const { incident, timeline } = await resolvedIncident();
    const report = JSON.parse(renderIncidentReport(incident, timeline, 'json')) as IncidentReport;
    assert.equal(report.id, 1);
    assert.equal(report.status, 'resolved');
    assert.equal(report.failureCount, 4);
    assert.equal(report.timeToDiagnoseMs, 9_000);
    assert.equal(report.timeToRecoverMs, 1_179_000);
    assert.deepEqual(report.roles, { commander: 'U-ANN', engineer: 'U-RAJ' });
    assert.equal(report.timeline.length, timeline.length);
    assert.deepEqual(
      report.timeline.map((e) => e.text),
      timeline.map((e) => e.text),
    );
    assert.deepEqual(
      report.actions.map((e) => e.kind),
      ['command', 'job-result'],
    );
    assert.deepEqual(report, JSON.parse(JSON.stringify(buildIncidentReport(incident, timeline))));
  });

  it('an open incident: no recovery time yet, "not recorded" diagnosis, table cells escaped', () => {
    const md = renderIncidentReport(
      {
        id: 3,
        title: 'a | b',
        source: { ci: 'manual' },
        status: 'investigating',
        severity: 'sev3',
        roles: {},
        failureCount: 0,
        createdAt: '2026-01-01T00:00:00.000Z',
        createdBy: 'U1',
      },
      [{ at: '2026-01-01T00:00:00.000Z', by: 'U1', kind: 'status', text: 'incident opened: a | b' }],
      'md',
    );
    assert.match(md, /^# Incident #3: a \\\| b/);
    assert.match(md, /\| Time to diagnose \| not recorded \|/);
    assert.match(md, /\| Time to recover \| not yet \|/);
    assert.match(md, /_No buildfix commands or job results were recorded\._/);
    assert.match(md, /- `2026-01-01T00:00:00.000Z` \*\*<@U1>\*\* · status — incident opened: a \| b/);
  });

  it('redacts JSON string by string, keeping it valid JSON', () => {
    const json = renderIncidentReport(
      {
        id: 1,
        title: 't',
        source: { ci: 'manual' },
        status: 'investigating',
        severity: 'sev2',
        roles: {},
        failureCount: 0,
        createdAt: '2026-01-01T00:00:00.000Z',
        createdBy: 'U1',
      },
      [{ at: '2026-01-01T00:00:00.000Z', by: 'U1', kind: 'note', text: 'password hunter2", "x": "y' }],
      'json',
    );
    const parsed = JSON.parse(json) as IncidentReport;
    assert.doesNotMatch(json, /hunter2/);
    assert.equal(parsed.timeline.length, 1);
  });

  it('durations and file names', () => {
    assert.equal(formatDuration(42_000), '42 s');
    assert.equal(formatDuration(192_000), '3 min 12 s');
    assert.equal(formatDuration(3_600_000), '1 h');
    assert.equal(formatDuration(7_500_000), '2 h 5 min');
    assert.equal(formatDuration(3 * 86_400_000 + 4 * 3_600_000), '3 d 4 h');
    const incident = { id: 12, title: 'payments/main #4812 failed' } as Parameters<typeof incidentReportFileName>[0];
    assert.equal(incidentReportFileName(incident, 'md'), 'incident-12-payments-main-4812-failed.md');
  });
});
