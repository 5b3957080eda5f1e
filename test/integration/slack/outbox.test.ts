/**
 * SlackOutbox with the real SlackApi against the strict fake Slack: a message
 * Slack refuses for its size or shape is reported for what it is and sent
 * again smaller, and its full content is uploaded whether or not the post
 * goes through.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { createLogger } from '../../../src/logger.ts';
import { section, type KnownBlock } from '../../../src/slack/blocks/block-kit.ts';
import type { SlackMessage } from '../../../src/slack/blocks/slack-message.ts';
import { SlackOutbox } from '../../../src/slack/outbox/slack-outbox.ts';
import { SlackApi } from '../../../src/slack/slack-api.ts';
import { checkMessage, startSlackApiFake, type SlackApiFake } from '../../fakes/slack-api.ts';

function bigMessage(lines: number): SlackMessage {
  const blocks: KnownBlock[] = [section('*Timeline*')];
  let current: string[] = [];
  for (let i = 1; i <= lines; i++) {
    current.push(`event ${i}: the mirror answered 404 for example.com/ledger v1.9.${i}`);
    if (current.length === 40) {
      blocks.push(section(current.join('\n')));
      current = [];
    }
  }
  if (current.length) blocks.push(section(current.join('\n')));
  return { text: 'Incident #7 resolved', blocks, overflowUnit: 'events' };
}

describe('SlackOutbox against the strict fake', () => {
  let slack: SlackApiFake;
  let outbox: SlackOutbox;
  const logged: string[] = [];

  before(async () => {
    slack = await startSlackApiFake();
    const logger = createLogger({ level: 'warn', destination: { write: (line: string) => logged.push(line) } });
    const api = new SlackApi({ token: 'xoxb-test-token', apiUrl: slack.apiUrl, logger, backoffMs: 10 });
    outbox = new SlackOutbox({ api, logger, textBudget: 11_000 });
  });
  beforeEach(() => {
    slack.reset();
    logged.length = 0;
  });
  after(() => slack.close());

  it('the fake refuses what Slack refuses: 400 events in blocks are msg_blocks_too_long', () => {
    assert.equal(checkMessage({ text: 'x', blocks: bigMessage(400).blocks }), 'msg_blocks_too_long');
  });

  it('fits 400 events: the note counts the rest, the file has every one', async () => {
    const res = await outbox.post({ channel: 'C1', message: bigMessage(400) });
    assert.ok(res.posted);
    assert.equal(res.file, 'uploaded');
    const m = slack.messages[0];
    assert.ok(m);
    const shown = JSON.stringify(m.blocks).match(/event \d+:/g)?.length ?? 0;
    const omitted = Number(/… and (\d+) more events/.exec(JSON.stringify(m.blocks))?.[1]);
    assert.equal(shown + omitted, 400);
    const file = slack.uploads[0];
    for (let i = 1; i <= 400; i++) assert.ok(file?.content.includes(`event ${i}:`), `event ${i} in the file`);
    // the file went into the message's thread
    assert.equal(slack.okCalls('files.completeUploadExternal')[0]?.args.thread_ts, m.ts);
  });

  it('a refusal is logged for what it is and the message is sent again smaller', async () => {
    slack.fail('chat.postMessage', { error: 'msg_blocks_too_long' });
    const res = await outbox.post({ channel: 'C1', message: bigMessage(100) });
    assert.ok(res.posted);
    assert.deepEqual(
      slack.callsTo('chat.postMessage').map((c) => c.error ?? 'ok'),
      ['msg_blocks_too_long', 'ok'],
    );
    assert.ok(
      logged.some((l) => /Slack refused the message \(msg_blocks_too_long\)/.test(l)),
      logged.join('\n'),
    );
    assert.equal(res.file, 'uploaded');
    assert.ok(slack.uploads[0]?.content.includes('event 100:'));
  });

  it('when every form is refused the post fails, but the content is uploaded anyway', async () => {
    slack.fail('chat.postMessage', { error: 'invalid_blocks' }, { error: 'invalid_blocks' }, { error: 'invalid_blocks' });
    const res = await outbox.post({ channel: 'C1', threadTs: '1700000000.000001', message: bigMessage(30) });
    assert.equal(res.posted, undefined);
    assert.match(String((res.error as Error).message), /invalid_blocks/);
    assert.equal(res.file, 'uploaded');
    assert.equal(slack.okCalls('files.completeUploadExternal')[0]?.args.thread_ts, '1700000000.000001');
    assert.ok(slack.uploads[0]?.content.includes('event 30:'));
  });

  it('edits are fitted too, and an edit of an unknown message is message_not_found', async () => {
    const res = await outbox.post({ channel: 'C1', message: { text: 'status', blocks: [section('running')] } });
    assert.ok(res.posted);
    await outbox.update({ channel: 'C1', ts: res.posted.ts, message: bigMessage(400) });
    assert.equal(checkMessage({ text: 'x', blocks: slack.messages[0]?.blocks }), undefined);
    // edits never throw into the caller: the failure is logged
    await outbox.update({ channel: 'C1', ts: '1.000000', message: { text: 'x', blocks: [section('x')] } });
    assert.equal(slack.callsTo('chat.update').at(-1)?.error, 'message_not_found');
    assert.ok(logged.some((l) => /message edit failed/.test(l)));
  });

  it('edits: latest state per message only; after a 429 each message gets its latest state once; callers never wait it out', async () => {
    const a = await outbox.post({ channel: 'C1', message: { text: 'a', blocks: [section('a0')] } });
    const b = await outbox.post({ channel: 'C1', message: { text: 'b', blocks: [section('b0')] } });
    assert.ok(a.posted && b.posted);
    slack.fail('chat.update', { status: 429, retryAfter: 1 });
    const started = Date.now();
    await outbox.update({ channel: 'C1', ts: a.posted.ts, message: { text: 'a', blocks: [section('a1')] } }, 'progress');
    for (let i = 2; i <= 6; i++) {
      await outbox.update({ channel: 'C1', ts: a.posted.ts, message: { text: 'a', blocks: [section(`a${i}`)] } }, 'progress');
      await outbox.update({ channel: 'C1', ts: b.posted.ts, message: { text: 'b', blocks: [section(`b${i}`)] } }, i === 6 ? 'final' : 'progress');
    }
    assert.ok(Date.now() - started < 500, 'nobody waited for Retry-After');
    assert.equal(outbox.edits.pending, 2);
    await slack.waitFor((c) => c.method === 'chat.update' && c.ok && c.args.ts === b.posted?.ts, 5000);
    await outbox.edits.flush(3000);
    const sent = slack.callsTo('chat.update');
    assert.deepEqual(
      sent.map((c) => (c.ok ? 'ok' : String(c.status))),
      ['429', 'ok', 'ok'],
    );
    assert.ok(
      sent.filter((c) => c.ok).every((c) => c.at - (sent[0]?.at ?? 0) >= 1000),
      'nothing before Retry-After',
    );
    assert.match(JSON.stringify(slack.messages.find((m) => m.ts === a.posted?.ts)?.blocks), /a6/);
    assert.match(JSON.stringify(slack.messages.find((m) => m.ts === b.posted?.ts)?.blocks), /b6/);
  });

  it('progress edits over the per-minute budget are skipped, final states still go', async () => {
    const logger = createLogger({ level: 'silent' });
    const small = new SlackOutbox({
      api: new SlackApi({ token: 'xoxb-test-token', apiUrl: slack.apiUrl, logger }),
      logger,
      textBudget: 11_000,
      progressEditsPerMinute: 3,
    });
    const posted = (await small.post({ channel: 'C2', message: { text: 's', blocks: [section('s0')] } })).posted;
    assert.ok(posted);
    for (let i = 1; i <= 6; i++) await small.update({ channel: 'C2', ts: posted.ts, message: { text: 's', blocks: [section(`s${i}`)] } }, 'progress');
    await small.update({ channel: 'C2', ts: posted.ts, message: { text: 's', blocks: [section('done')] } }, 'final');
    assert.equal(small.edits.skipped, 3);
    assert.equal(slack.okCalls('chat.update').length, 4);
    assert.match(JSON.stringify(slack.messages.find((m) => m.ts === posted.ts)?.blocks), /done/);
    small.close();
  });
});
