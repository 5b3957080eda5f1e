/**
 * The largest outputs buildfix produces, through the real `buildfix serve`
 * (real Redis, a real worker, the GOPROXY and Jenkins fakes) into the strict
 * fake Slack, which refuses what Slack refuses (per-block limits, the total
 * text of a message's blocks, rate limits): a 202-finding diagnosis,
 * `status` with 200 workers, an incident archived with 500 timeline events,
 * and a 1 MB build log explained. Every call is accepted, and nothing is
 * lost: what a message leaves out is counted in its note and is in the file.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import { writeHeartbeat } from '../../../src/jobs/worker-registry.ts';
import { buildfixKeys } from '../../../src/jobs/queue-names.ts';
import type { RedisIncidentStore } from '../../../src/incidents/redis-incident-store.ts';
import { buildIncidentReport } from '../../../src/incidents/render-incident-report.ts';
import { normalizeKeyPrefix } from '../../../src/redis/key-prefix.ts';
import { startGoProxyFake, type GoProxyFake } from '../../fakes/goproxy-server.ts';
import { startJenkinsFake, type JenkinsFake } from '../../fakes/jenkins-server.ts';
import { BLOCKS_TEXT_LIMIT, checkMessage, startSlackApiFake, type FakeMessage, type SlackApiFake } from '../../fakes/slack-api.ts';
import { uniquePrefix, type ChildHandle, type ServeHandle } from '../../helpers/slack-processes.ts';
import { postSigned, slashCommandBody } from '../../helpers/slack-sign.ts';
import { jenkinsNotification } from '../../unit/webhooks/payloads.ts';
import {
  eventually,
  INCIDENT_CHANNEL,
  mentionInThread,
  openStore,
  postJenkins,
  releaseIncidentTest,
  shownText,
  startServeAndWorker,
  WEBHOOK_ENV,
} from '../incident-flow/harness.ts';

const DEPS = 200;
const dep = (i: number): string => `example.com/dep${String(i).padStart(3, '0')}`;

/** Text of every mrkdwn/plain_text object of a message, as characters Slack counts. */
function blockTextLength(m: FakeMessage): number {
  let n = 0;
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if ((o.type === 'mrkdwn' || o.type === 'plain_text') && typeof o.text === 'string') n += o.text.length;
      else Object.values(o).forEach(walk);
    }
  };
  walk(m.blocks);
  return n;
}

/** "… and 143 more events" → 143. */
function omittedCount(m: FakeMessage): number | undefined {
  const hit = /… and (\d+) more (\w+)/.exec(shownText(m));
  return hit ? Number(hit[1]) : undefined;
}

describe('the largest outputs fit Slack: every call accepted, nothing lost', { timeout: 120_000 }, () => {
  let slack: SlackApiFake;
  let goproxy: GoProxyFake;
  let jenkins: JenkinsFake;
  let serve: ServeHandle;
  let worker: ChildHandle;
  let work: string;
  let store: RedisIncidentStore;
  let redis: Redis;
  const prefix = uniquePrefix();
  const hugeLog: string[] = [];

  before(async () => {
    goproxy = await startGoProxyFake({
      modules: Array.from({ length: DEPS }, (_, i) => ({
        path: dep(i + 1),
        versions: [{ version: 'v0.9.0' }, { version: `v1.0.${i + 1}`, fail: { status: 404 as const } }],
      })),
    });
    // A 1 MB console log: go downloads, noise, and the failure near the end.
    for (let i = 0; Buffer.byteLength(hugeLog.join('\n')) < 1024 * 1024; i++)
      hugeLog.push(`go: downloading ${dep((i % DEPS) + 1)} v0.9.${i} <@UADMIN01> <!channel> ${'x'.repeat(60)}`);
    hugeLog.push('go: example.com/ledger@v1.9.9: reading https://proxy.golang.org/example.com/ledger/@v/v1.9.9.info: 404 Not Found', 'Finished: FAILURE');
    jenkins = await startJenkinsFake({ jobs: [{ name: 'payments/main', builds: [{ number: 4812, result: 'FAILURE', console: hugeLog.join('\n') }] }] });
    slack = await startSlackApiFake();
    work = await mkdtemp(join(tmpdir(), 'buildfix-budget-'));
    await mkdir(join(work, 'big'));
    const requires = Array.from({ length: DEPS }, (_, i) => `\t${dep(i + 1)} v1.0.${i + 1}`).join('\n');
    await writeFile(join(work, 'big', 'go.mod'), `module example.com/big\n\ngo 1.19\n\nrequire (\n${requires}\n)\n`);
    await writeFile(
      join(work, 'buildfix.yaml'),
      ['repos:', '  big:', `    url: ${join(work, 'big')}`, 'agents:', '  agent-03: {}', 'incidents:', '  autoDiagnose: true', ''].join('\n'),
    );
    ({ store, redis } = await openStore(prefix));
    ({ serve, worker } = await startServeAndWorker({ prefix, configPath: join(work, 'buildfix.yaml'), goproxyUrl: goproxy.url, slack, jenkins }));
  });

  after(async () => {
    const codes = await Promise.all([serve?.stop(), worker?.stop()]);
    await releaseIncidentTest({ redis, prefix, work, fakes: [slack, jenkins, goproxy] });
    // Every call Slack would have refused would show here; a 429 is waited out and sent again.
    const refused = slack.calls.filter((c) => !c.ok && c.status !== 429);
    assert.deepEqual(
      refused.map((c) => `${c.method}: ${c.error ?? c.status}`),
      [],
    );
    for (const m of slack.messages) assert.equal(checkMessage({ text: m.text, blocks: m.blocks }), undefined);
    assert.deepEqual(codes, [0, 0]);
  });

  it('a 202-finding diagnosis: the message fits, the file holds every finding', async () => {
    const res = await postSigned(
      serve.eventsUrl,
      slashCommandBody({ text: 'diagnose big --host agent-03', channel_id: 'CDIAG001', response_url: slack.responseUrl() }),
    );
    assert.equal(res.status, 200);
    const result = await eventually(
      'the result',
      () => slack.messages.find((m) => m.channel === 'CDIAG001' && m.threadTs !== undefined && /Root cause/.test(m.text)),
      60_000,
    );
    assert.ok(blockTextLength(result) < BLOCKS_TEXT_LIMIT);
    const file = await eventually('the full report', () => slack.uploads.find((u) => u.filename.startsWith('buildfix-diagnose')), 10_000);
    for (let i = 1; i <= DEPS; i++) assert.ok(file.content.includes(dep(i)), `${dep(i)} in the file`);
  });

  it('status with 200 workers: every worker is in the message or the file, the note counts the rest', async () => {
    const keys = buildfixKeys(normalizeKeyPrefix(prefix));
    const now = new Date().toISOString();
    for (let i = 1; i <= 200; i++) {
      const host = `fleet-agent-${String(i).padStart(3, '0')}`;
      await writeHeartbeat(
        redis,
        keys,
        {
          id: `${host}:1`,
          host,
          version: '1.0.0',
          pid: 1000 + i,
          hostname: host,
          startedAt: now,
          lastSeen: now,
          concurrency: 2,
          queues: [`buildfix-host-${host}`],
          running: [],
          state: 'running',
        },
        60_000,
      );
    }
    await postSigned(serve.eventsUrl, slashCommandBody({ text: 'status', channel_id: 'CSTAT001', response_url: slack.responseUrl() }));
    const message = await eventually('the status', () => slack.messages.find((m) => m.channel === 'CSTAT001' && /status: \d+ workers/.test(m.text)), 20_000);
    assert.ok(blockTextLength(message) < BLOCKS_TEXT_LIMIT);
    const shown = shownText(message);
    const omitted = omittedCount(message);
    assert.ok(omitted !== undefined && omitted > 0, 'the note says how much was left out');
    const file = await eventually('the file', () => slack.uploads.find((u) => u.content.includes('fleet-agent-200')), 10_000);
    let inMessage = 0;
    for (let i = 1; i <= 200; i++) {
      const host = `fleet-agent-${String(i).padStart(3, '0')}`;
      assert.ok(file.content.includes(host), `${host} in the file`);
      if (shown.includes(host)) inMessage++;
    }
    // 201 workers (agent-03's real one too) plus the queue lines: shown + omitted covers every line
    assert.ok(inMessage + omitted >= 200, `${inMessage} shown + ${omitted} omitted`);
  });

  it('an incident with 500 timeline events: the archive fits, counts what it leaves out, and the file has them all', async () => {
    const incident = await store.open({ title: 'fleet-wide module outage', by: 'UANN0001', channel: 'CWORK001', threadTs: '1700000000.000001' });
    for (let i = 1; i <= 499; i++)
      await store.addNote(incident.id, `event ${String(i).padStart(3, '0')}: ${'checked the mirror again and saw the same 404 '.repeat(2)}`, 'UANN0001');
    const timeline = await store.timeline(incident.id);
    assert.equal(timeline.length, 500);
    await mentionInThread(serve, 'CWORK001', '1700000000.000001', `incident resolve #${incident.id} mirror fixed`, 'UANN0001');
    const archive = await eventually(
      'the archive',
      () => slack.messages.find((m) => m.channel === WEBHOOK_ENV.ARCHIVE_CHANNEL && /resolved: fleet-wide/.test(m.text)),
      20_000,
    );
    assert.ok(blockTextLength(archive) < BLOCKS_TEXT_LIMIT);
    const file = await eventually('the timeline file', () => slack.uploads.find((u) => u.filename.includes(`incident-${incident.id}`)), 10_000);
    for (let i = 1; i <= 499; i++) assert.ok(file.content.includes(`event ${String(i).padStart(3, '0')}:`), `event ${i} in the file`);
    // Every entry is either shown or counted: shown timeline lines + "… and N more events" = all of them.
    const final = await store.timeline(incident.id);
    const resolved = await store.get(incident.id);
    assert.ok(resolved);
    // the archive lists the actions taken, then the whole timeline
    const lines = buildIncidentReport(resolved, final).actions.length + final.length;
    const shown = shownText(archive)
      .split('\n')
      .filter((l) => /`\d{4}-\d\d-\d\dT[\d:]+Z`/.test(l)).length;
    const omitted = omittedCount(archive) ?? 0;
    assert.ok(omitted > 0);
    assert.equal(shown + omitted, lines, `${shown} shown + ${omitted} omitted of ${lines}`);
    await eventually('the archived line in the thread', () =>
      slack.messages.find((m) => m.channel === 'CWORK001' && /archived to/.test(m.text) && /with its timeline file/.test(m.text)),
    );
  });

  it('a 1 MB build log explained: accepted, within the budget', async () => {
    const reply = await postJenkins(serve, jenkinsNotification({ number: 4812 }));
    assert.equal(reply.status, 200);
    const alert = await eventually('the alert', () => slack.messages.find((m) => m.channel === INCIDENT_CHANNEL && m.threadTs === undefined));
    const explanation = await eventually(
      'the explanation',
      () => slack.messages.find((m) => m.threadTs === alert.ts && /Root cause|No known cause/.test(m.text)),
      30_000,
    );
    assert.ok(blockTextLength(explanation) < BLOCKS_TEXT_LIMIT);
    assert.match(shownText(explanation), /example\.com\/ledger/);
    // the log's mentions and pings stay text
    assert.doesNotMatch(JSON.stringify(explanation.blocks), /<@UADMIN01>|<!channel>/);
  });
});
