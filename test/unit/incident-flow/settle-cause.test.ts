/** What the alert leads with once the live diagnosis has answered: the log's answer confirmed, settled, contradicted, or no problem now. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryIncidentStore } from '../../../src/incidents/memory-incident-store.ts';
import {
  classifiedCauseOf,
  identifiedHow,
  liveDatum,
  liveDiagnosesOf,
  settleCause,
  settlementSentence,
  type ClassifiedCause,
} from '../../../src/incidents/settle-cause.ts';
import { renderIncidentReport } from '../../../src/incidents/render-incident-report.ts';
import type { TimelineEntry } from '../../../src/incidents/incident-types.ts';
import type { Finding } from '../../../src/report/model.ts';
import { alertFactsFrom, renderIncidentAlert } from '../../../src/slack/blocks/incident-blocks.ts';
import { failure, testClock } from '../incidents/store-contract.ts';

const MIRROR_404: ClassifiedCause = {
  category: 'proxy-server-error',
  confidence: 0.6,
  alternative: 'version-not-found',
  evidence: 'go: github.com/acme/ledger@v1.9.9: reading https://goproxy.corp.example/github.com/acme/ledger/@v/v1.9.9.info: 404 Not Found',
  evidenceLine: 5,
  module: 'github.com/acme/ledger',
  version: 'v1.9.9',
};

const missing: Finding = {
  category: 'version-not-found',
  severity: 'error',
  message: 'github.com/acme/ledger v1.9.9 does not exist on any source in GOPROXY=https://goproxy.corp.example',
  module: 'github.com/acme/ledger',
  version: 'v1.9.9',
};
const mirror500: Finding = { category: 'proxy-server-error', severity: 'error', message: 'goproxy.corp.example answered 502 Bad Gateway' };
const badGoMod: Finding = { category: 'invalid-go-mod', severity: 'error', message: 'go.mod:5: unknown directive: tool' };

function live(at: string, report: { ok: boolean; findings: Finding[] }): TimelineEntry {
  const problem = report.findings.find((f) => f.severity === 'error');
  return { at, by: 'buildfix', kind: 'job-result', text: 'diagnose', data: { live: liveDatum({ ...report, host: 'agent-03' }, problem) } };
}

function classified(c: ClassifiedCause): TimelineEntry {
  return { at: '2026-12-07T02:10:00.000Z', by: 'buildfix', kind: 'job-result', text: 'classified', data: { classified: true, ...c } };
}

describe('settling the root cause from the log and the live diagnosis', () => {
  it('the diagnosis finds the log’s other candidate: that one, settled live, the log’s answer kept as what it also fit', () => {
    const t = [classified(MIRROR_404), live('2026-12-07T02:11:00.000Z', { ok: false, findings: [missing] })];
    const s = settleCause(classifiedCauseOf(t), liveDiagnosesOf(t));
    assert.equal(s?.category, 'version-not-found');
    assert.equal(s?.basis, 'live');
    assert.equal(s?.logSaid, 'proxy-server-error');
    assert.equal(s?.alternative, undefined, 'nothing left open');
    assert.equal(s?.decidedBy?.host, 'agent-03');
  });

  it('the diagnosis finds the log’s own answer: confirmed, the other candidate dropped', () => {
    const t = [classified(MIRROR_404), live('2026-12-07T02:11:00.000Z', { ok: false, findings: [mirror500] })];
    const s = settleCause(classifiedCauseOf(t), liveDiagnosesOf(t));
    assert.deepEqual([s?.category, s?.basis, s?.alternative], ['proxy-server-error', 'confirmed', undefined]);
  });

  it('a third cause: the log’s answer stays first, the finding beside it', () => {
    const t = [classified(MIRROR_404), live('2026-12-07T02:11:00.000Z', { ok: false, findings: [badGoMod] })];
    const s = settleCause(classifiedCauseOf(t), liveDiagnosesOf(t));
    assert.deepEqual([s?.category, s?.basis, s?.alternative, s?.differs?.category], ['proxy-server-error', 'log', 'version-not-found', 'invalid-go-mod']);
  });

  it('the latest diagnosis finds nothing wrong: both causes stay open and the clean run is shown', () => {
    const t = [classified(MIRROR_404), live('2026-12-07T02:11:00.000Z', { ok: true, findings: [] })];
    const s = settleCause(classifiedCauseOf(t), liveDiagnosesOf(t));
    assert.deepEqual([s?.category, s?.basis, s?.alternative, s?.cleanNow?.at], ['proxy-server-error', 'log', 'version-not-found', '2026-12-07T02:11:00.000Z']);
  });

  it('a cause settled earlier stays settled when a later diagnosis (after the fix) is clean', () => {
    const t = [
      classified(MIRROR_404),
      live('2026-12-07T02:11:00.000Z', { ok: false, findings: [missing] }),
      live('2026-12-07T02:40:00.000Z', { ok: true, findings: [] }),
    ];
    const s = settleCause(classifiedCauseOf(t), liveDiagnosesOf(t));
    assert.deepEqual([s?.category, s?.basis, s?.cleanNow], ['version-not-found', 'live', undefined]);
  });

  it('no classification (or `unknown`): the live finding leads; nothing found and nothing classified: nothing to lead with', () => {
    const found = [live('2026-12-07T02:11:00.000Z', { ok: false, findings: [missing] })];
    assert.deepEqual(
      [settleCause(undefined, liveDiagnosesOf(found))?.category, settleCause(undefined, liveDiagnosesOf(found))?.basis],
      ['version-not-found', 'live'],
    );
    const unknown = [classified({ category: 'unknown', confidence: 0.15 }), ...found];
    assert.equal(settleCause(classifiedCauseOf(unknown), liveDiagnosesOf(unknown))?.category, 'version-not-found');
    assert.equal(settleCause(undefined, liveDiagnosesOf([live('2026-12-07T02:11:00.000Z', { ok: true, findings: [] })])), undefined);
  });

  it('a report that failed without an error finding records nothing', () => {
    assert.equal(liveDatum({ ok: false, findings: [] }, undefined), undefined);
    assert.equal(liveDatum(undefined, missing), undefined);
  });
});

describe('the alert once the live diagnosis answered', () => {
  async function alertWith(entries: (at: string) => TimelineEntry[]): Promise<{ text: string; first: string; second: string }> {
    const clock = testClock();
    const store = new MemoryIncidentStore({ now: clock.now });
    const f = failure(71);
    const { incident } = await store.recordCiFailure({ ...f, data: { ...f.data, firstErrorLine: 'Finished: FAILURE' } });
    const timeline = [...(await store.timeline(incident.id)), ...entries('2026-12-07T02:11:00.000Z')];
    const alert = renderIncidentAlert(incident, alertFactsFrom(timeline));
    const blocks = alert.blocks as Array<{ text?: { text: string } }>;
    return { text: alert.text, first: blocks[0]?.text?.text ?? '', second: blocks[1]?.text?.text ?? '' };
  }

  it('settled to the other candidate: the first line names it alone, the next line says the live diagnosis settled it and what the log also fit', async () => {
    const a = await alertWith((at) => [classified(MIRROR_404), live(at, { ok: false, findings: [missing] })]);
    assert.match(
      a.first,
      /^🔴 \*Root cause: version-not-found\* — github\.com\/acme\/ledger v1\.9\.9\nline 5: `go: github\.com\/acme\/ledger@v1\.9\.9: reading /,
    );
    assert.equal(
      a.second,
      '✔ Settled by the live diagnosis on agent-03 at 02:11 UTC (the log alone also fit `proxy-server-error`): github.com/acme/ledger v1.9.9 does not exist on any source in GOPROXY=https://goproxy.corp.example',
    );
    assert.match(a.text, /^🔴 Root cause: version-not-found \(live diagnosis\) — payments\/main #71 failed/);
  });

  it('confirmed: no "(or …)", a confirmation line', async () => {
    const a = await alertWith((at) => [classified(MIRROR_404), live(at, { ok: false, findings: [mirror500] })]);
    assert.match(a.first, /^🔴 \*Root cause: proxy-server-error\* — github\.com\/acme\/ledger v1\.9\.9\n/);
    assert.equal(a.second, '✔ Confirmed by the live diagnosis on agent-03 at 02:11 UTC: goproxy.corp.example answered 502 Bad Gateway');
    assert.match(a.text, /^🔴 Root cause: proxy-server-error \(confirmed live\) — /);
  });

  it('another cause found: the log’s answer with both candidates, then a warning line naming the finding', async () => {
    const a = await alertWith((at) => [classified(MIRROR_404), live(at, { ok: false, findings: [badGoMod] })]);
    assert.match(a.first, /^🔴 \*Root cause: proxy-server-error\* \(or `version-not-found`\)/);
    assert.equal(a.second, '⚠ The live diagnosis on agent-03 at 02:11 UTC found `invalid-go-mod` instead: go.mod:5: unknown directive: tool');
  });

  it('text from the diagnosis is escaped for Slack', async () => {
    const a = await alertWith((at) => [
      classified(MIRROR_404),
      live(at, { ok: false, findings: [{ ...mirror500, message: 'mirror said <!channel> & *bold*' }] }),
    ]);
    assert.match(a.second, /mirror said &lt;!channel&gt; &amp; \\?\*bold\\?\*/);
    assert.doesNotMatch(a.second, /<!channel>/);
  });
});

describe('the sentence a thread or terminal gets', () => {
  const at = '2026-12-07T02:11:00.000Z';
  const sentence = (entries: TimelineEntry[]): string | undefined => settlementSentence(settleCause(classifiedCauseOf(entries), liveDiagnosesOf(entries)));

  it('names where the diagnosis ran and what it settled, confirmed, contradicted, or found clean', () => {
    assert.equal(
      sentence([classified(MIRROR_404), live(at, { ok: false, findings: [missing] })]),
      'The live diagnosis on agent-03 settles what the log left open: root cause version-not-found, not proxy-server-error. github.com/acme/ledger v1.9.9 does not exist on any source in GOPROXY=https://goproxy.corp.example.',
    );
    assert.equal(
      sentence([classified(MIRROR_404), live(at, { ok: false, findings: [mirror500] })]),
      'The live diagnosis on agent-03 confirms the log: root cause proxy-server-error. goproxy.corp.example answered 502 Bad Gateway.',
    );
    assert.equal(
      sentence([classified(MIRROR_404), live(at, { ok: false, findings: [badGoMod] })]),
      'The log says proxy-server-error (or version-not-found), but the live diagnosis on agent-03 found invalid-go-mod: go.mod:5: unknown directive: tool.',
    );
    assert.equal(
      sentence([classified(MIRROR_404), live(at, { ok: true, findings: [] })]),
      "The live diagnosis on agent-03 finds no problem now: the log's proxy-server-error (or version-not-found) may have passed (a retried build tells).",
    );
    assert.equal(sentence([classified(MIRROR_404)]), undefined, 'no diagnosis yet: nothing to say');
  });
});

describe('the incident report says how the root cause was identified', () => {
  const at = '2026-12-07T02:11:00.000Z';

  it('names the log line, its two causes and the diagnosis that settled it', () => {
    assert.equal(
      identifiedHow([classified(MIRROR_404), live(at, { ok: false, findings: [missing] })]),
      'The build log (line 5) named proxy-server-error or version-not-found at 60% confidence; the live diagnosis on agent-03 at 2026-12-07T02:11:00.000Z settled it as version-not-found.',
    );
    assert.equal(
      identifiedHow([classified(MIRROR_404), live(at, { ok: false, findings: [mirror500] })]),
      'The build log (line 5) named proxy-server-error or version-not-found at 60% confidence; the live diagnosis on agent-03 at 2026-12-07T02:11:00.000Z confirmed it.',
    );
    assert.equal(
      identifiedHow([classified(MIRROR_404)]),
      'The build log (line 5) named proxy-server-error or version-not-found at 60% confidence; no live diagnosis confirmed it.',
    );
    assert.equal(identifiedHow([live(at, { ok: false, findings: [missing] })]), 'Found by the live diagnosis on agent-03 at 2026-12-07T02:11:00.000Z.');
    assert.equal(identifiedHow([]), undefined);
  });

  it('the Markdown report carries it under the root cause', async () => {
    const clock = testClock();
    const store = new MemoryIncidentStore({ now: clock.now });
    const f = failure(71);
    const { incident } = await store.recordCiFailure({ ...f, data: { ...f.data } });
    const timeline = [...(await store.timeline(incident.id)), classified(MIRROR_404), live(at, { ok: false, findings: [missing] })];
    const md = renderIncidentReport(
      { ...incident, rootCause: { category: 'version-not-found', text: 'github.com/acme/ledger v1.9.9: does not exist' } },
      timeline,
      'md',
    );
    assert.match(
      md,
      /## Root cause\n\n\*\*version-not-found\*\* — github\.com\/acme\/ledger v1\.9\.9: does not exist\n\n_How it was identified:_ The build log \(line 5\) named proxy-server-error or version-not-found/,
    );
  });
});
