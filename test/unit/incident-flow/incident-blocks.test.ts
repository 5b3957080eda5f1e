/** Incident Block Kit: the alert and its counter, buttons and what a press stands for, the archive message. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BlockAction, ButtonAction } from '@slack/bolt';
import { parseCommand } from '../../../src/chat/parse-command.ts';
import { MemoryIncidentStore } from '../../../src/incidents/memory-incident-store.ts';
import { buildIncidentReport } from '../../../src/incidents/render-incident-report.ts';
import type { Incident, TimelineEntry } from '../../../src/incidents/incident-types.ts';
import { LIMITS } from '../../../src/slack/blocks/block-kit.ts';
import { decodeButtonValue } from '../../../src/slack/blocks/button-value.ts';
import {
  ACTION_INCIDENT_COMMANDER,
  ACTION_INCIDENT_FIXED,
  ACTION_INCIDENT_RESOLVE,
  alertFactsFrom,
  decodeIncidentButton,
  encodeIncidentButton,
  INCIDENT_ACTION_PATTERN,
  renderCommanderAsk,
  renderIncidentAlert,
  renderIncidentArchive,
  timelineLine,
  timelineText,
} from '../../../src/slack/blocks/incident-blocks.ts';
import { incidentActionTask } from '../../../src/slack/listeners/actions/incident-actions.ts';
import { playJourneyOne } from '../incidents/journey.ts';
import { failure, testClock } from '../incidents/store-contract.ts';

interface AnyBlock {
  type: string;
  text?: { text: string };
  elements?: Array<{ type: string; text: { text: string } | string; action_id?: string; value?: string }>;
}

function texts(blocks: unknown[]): string {
  return (blocks as AnyBlock[])
    .map((b) => [b.text?.text ?? '', ...(b.elements ?? []).map((e) => (typeof e.text === 'string' ? e.text : e.text.text))].join('\n'))
    .join('\n');
}

function buttons(blocks: unknown[]): NonNullable<AnyBlock['elements']> {
  return (blocks as AnyBlock[]).filter((b) => b.type === 'actions').flatMap((b) => b.elements ?? []);
}

async function ciIncident(failures: number): Promise<{ store: MemoryIncidentStore; incident: Incident; timeline: TimelineEntry[] }> {
  const clock = testClock();
  const store = new MemoryIncidentStore({ now: clock.now });
  let id = 0;
  for (let n = 0; n < failures; n++) {
    clock.advance(60_000);
    const f = failure(4812 + n);
    id = (
      await store.recordCiFailure({
        ...f,
        data: {
          ...f.data,
          url: f.source.buildUrl,
          logUrl: `${f.source.buildUrl}consoleText`,
          firstErrorLine: 'go: example.com/ledger@v1.9.9: 404 <Not Found> & more',
        },
      })
    ).incident.id;
  }
  await store.attachThread(id, 'CINC', '1767233402.000100');
  const incident = await store.get(id);
  assert.ok(incident);
  return { store, incident, timeline: await store.timeline(id) };
}

describe('the CI alert', () => {
  it('says what failed, where, links the build and its log, shows the first error, and counts failures', async () => {
    const { incident, timeline } = await ciIncident(10);
    const alert = renderIncidentAlert(incident, alertFactsFrom(timeline), { diagnose: { kind: 'diagnose', repo: 'payments' } });
    assert.match(alert.text, /^🔴 payments\/main #4812 failed — 10 failures · incident #1$/);
    const shown = texts(alert.blocks);
    assert.match(shown, /\*<https:\/\/ci\.example\.test\/job\/payments\/job\/main\/4812\/\|payments\/main #4812 failed>\*/);
    assert.match(shown, /branch `main` · commit `9f3c2e1` · <https:\/\/ci\.example\.test\/job\/payments\/job\/main\/4812\/consoleText\|build log>/);
    assert.match(shown, /First error: `go: example\.com\/ledger@v1\.9\.9: 404 &lt;Not Found&gt; &amp; more`/, 'the log line is escaped');
    assert.match(shown, /\*10 failures\* · latest <https:\/\/ci\.example\.test\/job\/payments\/job\/main\/4821\/\|#4821> at 02:20 UTC/);
    assert.match(shown, /no commander yet/);
    const [diagnose, take] = buttons(alert.blocks);
    assert.equal(diagnose?.action_id, 'bf-run-0');
    assert.deepEqual(decodeButtonValue(diagnose?.value), { v: 1, k: 'remedy', c: 'diagnose payments' });
    assert.equal(take?.action_id, ACTION_INCIDENT_COMMANDER);
    assert.equal(decodeIncidentButton(take?.value), incident.id);
  });

  it('one failure reads "1 failure"; no repo: no Diagnose; green again: Resolve; resolved: no buttons', async () => {
    const { store, incident, timeline } = await ciIncident(1);
    const one = renderIncidentAlert(incident, alertFactsFrom(timeline));
    assert.match(one.text, /— 1 failure · incident #1$/);
    assert.deepEqual(
      buttons(one.blocks).map((b) => b.action_id),
      [ACTION_INCIDENT_COMMANDER, ACTION_INCIDENT_FIXED],
    );

    const green = await store.recordCiRecovery({ pipelineKey: 'jenkins:payments/main', text: 'payments/main #4813 SUCCESS' });
    assert.ok(green);
    const offered = renderIncidentAlert(green, alertFactsFrom(await store.timeline(green.id)));
    assert.match(offered.text, /\(green again\)$/);
    assert.deepEqual(
      buttons(offered.blocks).map((b) => b.action_id),
      [ACTION_INCIDENT_COMMANDER, ACTION_INCIDENT_RESOLVE, ACTION_INCIDENT_FIXED],
    );

    const { incident: resolved } = await store.resolve(green.id, { by: 'U1' });
    const done = renderIncidentAlert(resolved, alertFactsFrom(await store.timeline(resolved.id)));
    assert.match(done.text, /^✅ .*\(resolved\)$/);
    assert.equal(buttons(done.blocks).length, 0);
  });

  it('a non-http link is shown as plain text, never as a Slack link', async () => {
    const { incident } = await ciIncident(1);
    const alert = renderIncidentAlert({ ...incident, source: { ...incident.source, buildUrl: 'javascript:alert(1)' } }, { logUrl: 'https://x.test/a|b>c' });
    const shown = texts(alert.blocks);
    assert.doesNotMatch(shown, /<javascript:/);
    assert.doesNotMatch(shown, /<https:\/\/x\.test\/a\|b/);
  });

  it('a commander takes over the "no commander yet" line; the ask message offers the button', async () => {
    const { incident, timeline } = await ciIncident(1);
    const alert = renderIncidentAlert({ ...incident, roles: { commander: 'UANN0001' } }, alertFactsFrom(timeline));
    assert.match(texts(alert.blocks), /commander <@UANN0001>/);
    assert.equal((buttons(alert.blocks)[0]?.text as { text: string }).text, 'Take over as commander');
    const ask = renderCommanderAsk(incident);
    assert.match(texts(ask.blocks), /No commander yet\. Who takes it\?/);
    assert.equal(buttons(ask.blocks)[0]?.action_id, ACTION_INCIDENT_COMMANDER);
  });
});

describe('incident buttons', () => {
  it('carry the incident id only, and anything else decodes to nothing', () => {
    assert.equal(decodeIncidentButton(encodeIncidentButton(12)), 12);
    for (const raw of [undefined, '', 'x', '{"v":2,"i":1}', '{"v":1,"i":-1}', '{"v":1,"i":"1"}', `{"v":1,"i":1,"pad":"${'x'.repeat(200)}"}`])
      assert.equal(decodeIncidentButton(raw), undefined, String(raw));
    assert.ok(INCIDENT_ACTION_PATTERN.test(ACTION_INCIDENT_COMMANDER) && INCIDENT_ACTION_PATTERN.test(ACTION_INCIDENT_RESOLVE));
    assert.ok(!INCIDENT_ACTION_PATTERN.test('bf-run-0'));
  });

  it('a press becomes the command the presser could have typed in the incident thread', () => {
    const body = (actionId: string, value: string, user = 'UANN0001', threadTs?: string) =>
      ({
        type: 'block_actions',
        user: { id: user, name: 'ann' },
        trigger_id: 'trig.1',
        channel: { id: 'CINC', name: 'inc' },
        container: { type: 'message', channel_id: 'CINC', message_ts: '1700.0002' },
        message: { ts: '1700.0002', ...(threadTs ? { thread_ts: threadTs } : {}) },
        actions: [],
      }) as unknown as BlockAction<ButtonAction>;
    const action = (actionId: string, value: string) =>
      ({ type: 'button', action_id: actionId, value, action_ts: '1', block_id: 'b', text: { type: 'plain_text', text: 'x' } }) as ButtonAction;

    const take = incidentActionTask(body(ACTION_INCIDENT_COMMANDER, ''), action(ACTION_INCIDENT_COMMANDER, encodeIncidentButton(7)));
    assert.deepEqual(take, {
      kind: 'mention',
      eventId: 'incident-button:trig.1',
      channel: 'CINC',
      user: 'UANN0001',
      text: 'incident role commander UANN0001 #7',
      ts: '1700.0002',
      threadTs: '1700.0002',
    });
    assert.deepEqual(parseCommand(take?.kind === 'mention' ? take.text : ''), {
      kind: 'incident',
      action: { op: 'role', role: 'commander', user: 'UANN0001', ref: 7 },
    });

    const resolve = incidentActionTask(body(ACTION_INCIDENT_RESOLVE, '', 'URAJ0002', '1700.0001'), action(ACTION_INCIDENT_RESOLVE, encodeIncidentButton(7)));
    assert.equal(resolve?.kind === 'mention' ? resolve.threadTs : '', '1700.0001', 'a button inside the thread joins the thread');
    assert.deepEqual(parseCommand(resolve?.kind === 'mention' ? resolve.text : ''), { kind: 'incident', action: { op: 'resolve', ref: 7 } });

    assert.equal(
      incidentActionTask(body(ACTION_INCIDENT_COMMANDER, ''), action(ACTION_INCIDENT_COMMANDER, '{"v":1,"k":"remedy","c":"restart agent-03"}')),
      undefined,
      'a foreign value does nothing',
    );
    assert.equal(incidentActionTask(body(ACTION_INCIDENT_COMMANDER, '', 'not a user'), action(ACTION_INCIDENT_COMMANDER, encodeIncidentButton(7))), undefined);
  });
});

describe('the archive message', () => {
  it('holds summary, root cause, roles, both durations, the actions and every timeline entry', async () => {
    const clock = testClock();
    const store = new MemoryIncidentStore({ now: clock.now });
    const id = await playJourneyOne(store, clock);
    const incident = await store.get(id);
    assert.ok(incident);
    const timeline = await store.timeline(id);
    const message = renderIncidentArchive(buildIncidentReport(incident, timeline), { fileName: 'incident-1.md' });
    const shown = texts(message.blocks);
    assert.match(shown, /📁 Incident #1 resolved: payments\/main #4812 failed/);
    assert.match(shown, /\*Summary:\* ledger v1\.9\.9 was never tagged/);
    assert.match(shown, /\*Root cause:\* `version-not-found` — example\.com\/ledger v1\.9\.9 does not exist/);
    assert.match(shown, /\*Roles:\* Commander: U-ANN · Engineer: U-RAJ · Communicator: _unassigned_/);
    assert.match(shown, /\*Time to diagnose:\* 9 s · \*Time to recover:\* 19 min 39 s/);
    assert.match(shown, /\*Actions taken \(2\)\*/);
    for (const e of timeline) assert.ok(shown.includes(timelineLine(e)), `shows ${e.text}`);
    assert.doesNotMatch(shown, /secretsecret/, 'redacted');
  });

  it('stays within Block Kit limits for a huge timeline and points to the file for the rest', async () => {
    const clock = testClock();
    const store = new MemoryIncidentStore({ now: clock.now });
    const incident = await store.open({ title: 'long one', by: 'U1' });
    for (let i = 0; i < 1000; i++) await store.addNote(incident.id, `note ${i} ${'x'.repeat(150)}`, 'U1');
    await store.resolve(incident.id, { by: 'U1' });
    const resolved = await store.get(incident.id);
    assert.ok(resolved);
    const message = renderIncidentArchive(buildIncidentReport(resolved, await store.timeline(incident.id)), { fileName: 'incident-1-long-one.md' });
    assert.ok(message.blocks.length <= LIMITS.blocksPerMessage, `${message.blocks.length} blocks`);
    for (const b of message.blocks as AnyBlock[]) assert.ok((b.text?.text.length ?? 0) <= LIMITS.sectionText);
    assert.match(texts(message.blocks), /more in the attached file/);
  });

  it('escapes timeline text whole; only the stored user of a role change and the channel of an alert stay live', () => {
    const at = '2026-01-01T00:00:00.000Z';
    assert.equal(
      timelineText({ at, by: 'U1', kind: 'role', text: 'commander: <@UANN0001>', data: { role: 'commander', user: 'UANN0001' } }),
      'commander: <@UANN0001>',
    );
    assert.equal(timelineText({ at, by: 'ci', kind: 'alert', text: 'alert posted in <#CINC>', data: { channel: 'CINC' } }), 'alert posted in <#CINC>');
    // A note (or a CI field) naming someone is text, not a ping.
    assert.equal(
      timelineText({ at, by: 'U1', kind: 'note', text: 'ping <@UANN0001> <#CINC> & <b> <!channel> <https://evil|docs>' }),
      'ping &lt;@UANN0001&gt; &lt;#CINC&gt; &amp; &lt;b&gt; &lt;!channel&gt; &lt;https://evil|docs&gt;',
    );
    // A role entry only revives its own stored user, not another one smuggled into the text.
    assert.equal(
      timelineText({ at, by: 'U1', kind: 'role', text: 'commander: <@UANN0001> <@UEVIL0001>', data: { role: 'commander', user: 'UANN0001' } }),
      'commander: <@UANN0001> &lt;@UEVIL0001&gt;',
    );
  });
});
