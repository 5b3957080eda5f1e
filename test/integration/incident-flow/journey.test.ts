/**
 * Journey 1 through real processes: a Jenkins failure → one alert in the
 * incident channel → the thread fills by itself (the console log classified,
 * then the repo's diagnosis run by a real `buildfix worker` against the
 * GOPROXY fake) → Take commander → people work in the thread (notes, roles,
 * commands that land in the timeline) → the next build passes → Resolve →
 * the archive message and the uploaded Markdown hold every timeline entry.
 * Then a diagnose typed in a channel that finds a problem opens an incident
 * of its own, and a second one joins it.
 */
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import type { RedisIncidentStore } from '../../../src/incidents/redis-incident-store.ts';
import type { TimelineEntry } from '../../../src/incidents/incident-types.ts';
import { startGoProxyFake, type GoProxyFake } from '../../fakes/goproxy-server.ts';
import { startJenkinsFake, type JenkinsFake } from '../../fakes/jenkins-server.ts';
import { startSlackApiFake, type FakeMessage, type SlackApiFake } from '../../fakes/slack-api.ts';
import { LEDGER_V199_MISSING, writePaymentsCheckout } from '../../helpers/ledger-fixture.ts';
import { uniquePrefix, type ChildHandle, type ServeHandle } from '../../helpers/slack-processes.ts';
import { postSigned, slashCommandBody } from '../../helpers/slack-sign.ts';
import { jenkinsNotification } from '../../unit/webhooks/payloads.ts';
import {
  ARCHIVE_CHANNEL,
  buttonsOf,
  click,
  eventually,
  INCIDENT_CHANNEL,
  mentionInThread,
  mrkdwn,
  openStore,
  postJenkins,
  shownText,
  startServeAndWorker,
  stopServeAndWorker,
  writeRepoJobsConfig,
} from './harness.ts';

const ANN = 'UANN0001';
const RAJ = 'URAJ0002';
const CONSOLE = [
  'Started by an SCM change',
  'Running on agent-03 in /var/lib/jenkins/workspace/payments_main',
  '+ go mod download',
  'go: downloading example.com/ledger v1.9.9',
  'go: example.com/ledger@v1.9.9: reading https://proxy.golang.org/example.com/ledger/@v/v1.9.9.info: 404 Not Found',
  '\tserver response: not found: example.com/ledger@v1.9.9: invalid version: unknown revision v1.9.9',
  'ERROR: script returned exit code 1',
  'Finished: FAILURE',
].join('\n');

/** How an entry's text shows in Slack mrkdwn (user mentions and channel links stay live, the rest is escaped). */
function shown(e: TimelineEntry): string {
  return e.text
    .split(/(<@[UW][A-Z0-9]+>|<#C[A-Z0-9]+>)/)
    .map((part, i) => (i % 2 === 1 ? part : mrkdwn(part)))
    .join('');
}

describe('journey 1: a red pipeline becomes an incident, is worked in its thread, and is archived', { timeout: 180_000 }, () => {
  let slack: SlackApiFake;
  let jenkins: JenkinsFake;
  let goproxy: GoProxyFake;
  let serve: ServeHandle;
  let worker: ChildHandle;
  let work: string;
  let store: RedisIncidentStore;
  let redis: Redis;
  let alert: FakeMessage;
  let incidentId = 0;
  const prefix = uniquePrefix();

  const replies = (ts: string): FakeMessage[] => slack.messages.filter((m) => m.channel === INCIDENT_CHANNEL && m.threadTs === ts);

  before(async () => {
    goproxy = await startGoProxyFake({ modules: [LEDGER_V199_MISSING] });
    jenkins = await startJenkinsFake({ jobs: [{ name: 'payments/main', builds: [{ number: 4812, result: 'FAILURE', console: CONSOLE }] }] });
    slack = await startSlackApiFake();
    work = await mkdtemp(join(tmpdir(), 'buildfix-incident-journey-'));
    await writePaymentsCheckout(work);
    const configPath = await writeRepoJobsConfig(work, { payments: { url: join(work, 'payments'), job: 'payments/main' } });
    ({ store, redis } = await openStore(prefix));
    ({ serve, worker } = await startServeAndWorker({ prefix, configPath, goproxyUrl: goproxy.url, slack, jenkins }));
  });

  after(() => stopServeAndWorker({ serve, worker, redis, prefix, work, fakes: [slack, jenkins, goproxy] }));

  it('02:10 — the failure posts one alert with Diagnose and Take commander, and the thread fills in by itself', async () => {
    const reply = await postJenkins(serve, jenkinsNotification({ number: 4812 }));
    assert.equal(reply.status, 200);
    incidentId = Number(reply.body.incident);
    alert = await eventually('the alert', () => slack.messages.find((m) => m.channel === INCIDENT_CHANNEL && m.threadTs === undefined));
    assert.match(alert.text, /payments\/main #4812 failed — 1 failure · incident #/);
    assert.deepEqual(
      buttonsOf(alert).map((b) => b.text.text),
      ['Diagnose', 'Take commander', 'Fixed'],
    );

    // The console log, classified …
    await eventually('the log classification', () => replies(alert.ts).find((m) => /Root cause: version-not-found/.test(m.text)), 20_000);
    // … the live checks its category calls for (version-not-found: the repository diagnosis) …
    const plan = await eventually(
      'the live-check plan',
      () => replies(alert.ts).find((m) => /Live checks for version-not-found, in order:/.test(m.text)),
      20_000,
    );
    assert.match(plan.text, /1\. diagnose: the repository diagnosis/);
    // … then the diagnosis job from agent-03's worker, in the same thread.
    const result = await eventually(
      'the diagnosis result',
      () => replies(alert.ts).find((m) => /example\.com\/ledger v1\.9\.9/.test(m.text) && /asked by/.test(shownText(m))),
      60_000,
    );
    assert.ok(Number(plan.ts) < Number(result.ts), 'the plan comes before the diagnosis');
    assert.match(shownText(result), /v1\.9\.8/);

    const timeline = await eventually('the diagnosis in the timeline', async () => {
      const t = await store.timeline(incidentId);
      return t.some((e) => e.kind === 'job-result' && /^diagnose payments on agent-03: root cause version-not-found/.test(e.text)) ? t : undefined;
    });
    const command = timeline.find((e) => e.kind === 'command');
    // Addressed to the failing build's agent (its worker is live), as recorded.
    assert.equal(command?.text, 'diagnose payments --host agent-03');
    assert.equal(command?.by, 'buildfix');
    const progress = timeline.filter((e) => e.kind === 'job-progress');
    assert.ok(progress.length >= 2, `job milestones recorded: ${progress.map((e) => e.text).join(' | ')}`);
    assert.ok(
      progress.every((e) => !/^go\.mod /.test(e.text)),
      'informational lines are not milestones',
    );
    const incident = await store.get(incidentId);
    assert.equal(incident?.status, 'identified');
    assert.ok(incident?.identifiedAt, 'time to diagnose is known');
  });

  it('Take commander records the presser as commander, in the timeline and on the alert', async () => {
    const take = buttonsOf(alert).find((b) => b.text.text === 'Take commander');
    assert.ok(take);
    const res = await click(serve, slack, alert, take, ANN);
    assert.equal(res.status, 200);
    assert.ok(res.ms < 3000);
    const role = await eventually('the role entry', async () => (await store.timeline(incidentId)).find((e) => e.kind === 'role'));
    assert.equal(role.by, ANN);
    assert.equal(role.text, `commander: <@${ANN}>`);
    assert.equal((await store.get(incidentId))?.roles.commander, ANN);
    await eventually('the thread line', () =>
      replies(alert.ts).find((m) => shownText(m).includes(`<@${ANN}> is now the incident commander of incident #${incidentId}`)),
    );
    await eventually('the alert showing the commander', () => shownText(slack.messages.find((m) => m.ts === alert.ts)).includes(`commander <@${ANN}>`));
  });

  it('notes, roles and commands typed in the thread land in the timeline with who and when', async () => {
    await mentionInThread(serve, INCIDENT_CHANNEL, alert.ts, `incident role engineer <@${RAJ}>`, ANN);
    await mentionInThread(serve, INCIDENT_CHANNEL, alert.ts, 'incident note reverting the ledger bump & pinning v1.9.8', RAJ);
    await mentionInThread(serve, INCIDENT_CHANNEL, alert.ts, 'incident status mitigated pinned v1.9.8 on main', ANN);
    await mentionInThread(serve, INCIDENT_CHANNEL, alert.ts, 'modules payments', RAJ);
    const timeline = await eventually(
      'the thread work in the timeline',
      async () => {
        const t = await store.timeline(incidentId);
        return t.some((e) => e.kind === 'job-result' && e.text.startsWith('modules payments')) ? t : undefined;
      },
      60_000,
    );
    assert.ok(timeline.some((e) => e.kind === 'role' && e.text === `engineer: <@${RAJ}>` && e.by === ANN));
    assert.ok(timeline.some((e) => e.kind === 'note' && e.text === 'reverting the ledger bump & pinning v1.9.8' && e.by === RAJ));
    assert.ok(timeline.some((e) => e.kind === 'status' && /mitigated — pinned v1\.9\.8 on main/.test(e.text) && e.by === ANN));
    assert.ok(timeline.some((e) => e.kind === 'command' && e.text === 'modules payments' && e.by === RAJ));
    for (const e of timeline) assert.ok(!Number.isNaN(Date.parse(e.at)), 'every entry has a time');
    assert.equal((await store.get(incidentId))?.status, 'mitigated');
  });

  it('the next build passes, Resolve archives the report with every timeline entry and the Markdown file', async () => {
    const green = await postJenkins(serve, jenkinsNotification({ number: 4813, status: 'SUCCESS' }));
    assert.equal(green.body.result, 'recovered');
    const offer = await eventually('the Resolve offer', () => replies(alert.ts).find((m) => buttonsOf(m).some((b) => b.text.text === 'Resolve')));
    const resolve = buttonsOf(offer).find((b) => b.text.text === 'Resolve');
    assert.ok(resolve);
    await click(serve, slack, offer, resolve, ANN);

    const archive = await eventually('the archive message', () => slack.messages.find((m) => m.channel === ARCHIVE_CHANNEL && m.threadTs === undefined));
    const upload = await eventually('the uploaded timeline', () => slack.uploads[0]);
    await eventually('the thread line', () => replies(alert.ts).find((m) => shownText(m).includes(`archived to <#${ARCHIVE_CHANNEL}>`)));
    const incident = await store.get(incidentId);
    assert.equal(incident?.status, 'resolved');
    const timeline = await store.timeline(incidentId);
    assert.ok(timeline.length >= 15, `a full timeline (${timeline.length} entries)`);

    const text = shownText(archive);
    for (const e of timeline) {
      assert.ok(text.includes(shown(e)), `the archive message shows: ${e.text}`);
      assert.ok(upload.content.includes(e.text), `the file holds: ${e.text}`);
      assert.ok(upload.content.includes(e.at), `the file has the time of: ${e.text}`);
    }
    assert.match(text, /Time to diagnose:\* \d/);
    assert.match(text, /Time to recover:\* \d/);
    assert.match(text, new RegExp(`Commander: <@${ANN}> · Engineer: <@${RAJ}>`));
    assert.match(text, /Root cause:\* `version-not-found`/);
    assert.match(text, /Actions taken \(\d+\)/);
    assert.match(upload.filename, new RegExp(`^incident-${incidentId}-payments-main-4812-failed\\.md$`));
    assert.match(upload.content, /## Timeline \(\d+ entries\)/);
    const complete = slack.okCalls('files.completeUploadExternal')[0];
    assert.equal(complete?.args.channel_id, ARCHIVE_CHANNEL);
    assert.equal(complete?.args.thread_ts, archive.ts, 'the file is attached to the archive message');
    // The alert is edited after the thread line is posted (incident-alerts.ts archive()): wait for that edit.
    await eventually('the resolved alert to have no buttons left', () => buttonsOf(slack.messages.find((m) => m.ts === alert.ts)).length === 0);

    // Pressing Resolve again archives nothing twice.
    await click(serve, slack, offer, resolve, RAJ);
    await new Promise((r) => setTimeout(r, 800));
    assert.equal(slack.messages.filter((m) => m.channel === ARCHIVE_CHANNEL && m.threadTs === undefined).length, 1);
  });

  it('a diagnose typed in a channel that finds a problem opens an incident in its thread; the next one joins it', async () => {
    const res = await postSigned(
      serve.eventsUrl,
      slashCommandBody({ text: 'diagnose payments', channel_id: 'CTEAM', user_id: RAJ, response_url: slack.responseUrl() }),
    );
    assert.equal(res.status, 200);
    const ask = await eventually(
      'the commander ask',
      () => slack.messages.find((m) => m.channel === 'CTEAM' && m.threadTs !== undefined && /Incident #\d+ opened/.test(m.text)),
      60_000,
    );
    assert.ok(buttonsOf(ask).some((b) => b.text.text === 'Take commander'));
    const opened = await store.findByThread('CTEAM', ask.threadTs ?? '');
    assert.ok(opened, 'the command thread is the incident thread');
    assert.notEqual(opened.id, incidentId);
    assert.match(opened.title, /^payments: version-not-found example\.com\/ledger v1\.9\.9$/);
    assert.equal(opened.rootCause?.category, 'version-not-found');
    assert.equal(opened.createdBy, RAJ);
    const timeline = await store.timeline(opened.id);
    assert.ok(timeline.some((e) => e.kind === 'command' && e.text === 'diagnose payments' && e.by === RAJ));
    assert.ok(timeline.some((e) => e.kind === 'job-result' && /root cause version-not-found/.test(e.text)));

    await postSigned(serve.eventsUrl, slashCommandBody({ text: 'diagnose payments', channel_id: 'CTEAM', user_id: ANN, response_url: slack.responseUrl() }));
    await eventually(
      'the second run joining',
      () => slack.messages.find((m) => m.channel === 'CTEAM' && new RegExp(`Recorded in incident #${opened.id}`).test(m.text)),
      60_000,
    );
    const open = (await store.listOpen()).filter((i) => i.title.startsWith('payments:'));
    assert.equal(open.length, 1, 'no second incident');
    assert.equal((await store.timeline(opened.id)).filter((e) => e.kind === 'command').length, 2);
  });
});
