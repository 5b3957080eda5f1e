/**
 * SlackApi (the real @slack/web-api client underneath) against the fake
 * Slack: Retry-After honoured and the message delivered exactly once; an
 * ambiguous failure of chat.postMessage reconciled through its metadata marker
 * (found → not resent; not found → resent; lookup failed → not resent), while
 * idempotent calls are simply retried; ok:false errors surface with Slack's code; the
 * three-step file upload; response_url replies.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, beforeEach, describe, it } from 'node:test';
import { createLogger } from '../../../src/logger.ts';
import { SlackApi } from '../../../src/slack/slack-api.ts';
import { isSlackCallError } from '../../../src/slack/slack-errors.ts';
import { freePort } from '../../fakes/goproxy-server.ts';
import { startSlackApiFake, type SlackApiFake } from '../../fakes/slack-api.ts';

describe('SlackApi retry policy against the fake Slack Web API', () => {
  let slack: SlackApiFake;
  let api: SlackApi;
  let logs: string;

  before(async () => {
    slack = await startSlackApiFake();
  });
  beforeEach(() => {
    slack.reset();
    logs = '';
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        logs += chunk.toString();
        cb();
      },
    });
    api = new SlackApi({
      token: 'xoxb-test-token',
      apiUrl: slack.apiUrl,
      logger: createLogger({ destination: sink, level: 'debug' }),
      backoffMs: 20,
      maxAttempts: 3,
    });
  });
  after(async () => {
    await slack.close();
  });

  it('waits out Retry-After on 429, then posts exactly once', async () => {
    slack.fail('chat.postMessage', { status: 429, retryAfter: 1 });
    const started = Date.now();
    const posted = await api.postMessage({ channel: 'C1', text: 'hello' });
    assert.ok(Date.now() - started >= 950, 'waited about a second');
    assert.deepEqual(
      slack.callsTo('chat.postMessage').map((c) => c.status),
      [429, 200],
    );
    assert.equal(slack.messages.length, 1);
    assert.equal(slack.messages[0]?.ts, posted.ts);
  });

  it('does not wait for an unreasonable Retry-After: fails with a rate-limit error instead', async () => {
    const impatient = new SlackApi({ token: 'xoxb-test-token', apiUrl: slack.apiUrl, logger: createLogger({ level: 'silent' }), maxRetryAfterMs: 500 });
    slack.fail('chat.postMessage', { status: 429, retryAfter: 30 });
    await assert.rejects(
      impatient.postMessage({ channel: 'C1', text: 'x' }),
      (err: unknown) => isSlackCallError(err) && err.failure.kind === 'rate-limited' && /retry after 30 s/.test(err.message),
    );
    assert.equal(slack.messages.length, 0);
  });

  it('after an HTTP 500 on chat.postMessage, looks for its marker and resends only when Slack does not have it; retries chat.update', async () => {
    // Slack stored the message, then the answer was lost: found by its marker, not resent.
    slack.fail('chat.postMessage', { status: 500, applied: true });
    const stored = await api.postMessage({ channel: 'C1', text: 'once' });
    assert.deepEqual(
      slack.callsTo('chat.postMessage').map((c) => c.status),
      [500],
    );
    assert.equal(slack.messages.filter((m) => m.text === 'once').length, 1);
    assert.equal(stored.ts, slack.messages.find((m) => m.text === 'once')?.ts);
    const lookup = slack.okCalls('conversations.history')[0];
    assert.equal(lookup?.args.channel, 'C1');
    assert.ok(['true', true].includes(lookup?.args.include_all_metadata as string | boolean), 'include_all_metadata');
    assert.equal((slack.messages.find((m) => m.text === 'once')?.metadata as { event_type?: string } | undefined)?.event_type, 'buildfix_msg');

    // Slack did not store it: not found, posted again with the same marker.
    slack.fail('chat.postMessage', { status: 500 });
    await api.postMessage({ channel: 'C1', text: 'twice?' });
    assert.deepEqual(
      slack
        .callsTo('chat.postMessage')
        .slice(1)
        .map((c) => c.status),
      [500, 200],
    );
    const [first, second] = slack
      .callsTo('chat.postMessage')
      .slice(1)
      .map((c) => JSON.stringify(c.args.metadata));
    assert.equal(first, second, 'the same marker');
    assert.equal(slack.messages.filter((m) => m.text === 'twice?').length, 1);

    // In a thread the lookup is conversations.replies on that thread.
    const root = await api.postMessage({ channel: 'C1', text: 'root' });
    slack.fail('chat.postMessage', { status: 502, applied: true });
    await api.postMessage({ channel: 'C1', text: 'reply', threadTs: root.ts });
    assert.equal(slack.okCalls('conversations.replies')[0]?.args.ts, root.ts);
    assert.equal(slack.thread('C1', root.ts).filter((m) => m.text === 'reply').length, 1);

    const posted = await api.postMessage({ channel: 'C1', text: 'v1' });
    slack.fail('chat.update', { status: 503 }, { status: 500 });
    await api.update({ channel: 'C1', ts: posted.ts, text: 'v2' });
    assert.deepEqual(
      slack.callsTo('chat.update').map((c) => c.status),
      [503, 500, 200],
    );
    assert.equal(slack.messages.find((m) => m.ts === posted.ts)?.text, 'v2');
  });

  it('resends a post whose connection was refused (it never reached Slack)', async () => {
    const dead = new SlackApi({
      token: 'xoxb-test-token',
      apiUrl: `http://127.0.0.1:${await freePort()}/api/`,
      logger: createLogger({ level: 'silent' }),
      backoffMs: 10,
      maxAttempts: 3,
    });
    await assert.rejects(
      dead.postMessage({ channel: 'C1', text: 'x' }),
      (err: unknown) => isSlackCallError(err) && err.failure.kind === 'request' && err.failure.notSent,
    );
  });

  it('surfaces ok:false errors with their code and a hint, without retrying', async () => {
    for (const code of ['channel_not_found', 'not_in_channel', 'invalid_auth']) {
      slack.fail('chat.postMessage', { error: code });
      await assert.rejects(api.postMessage({ channel: 'C1', text: 'x' }), (err: unknown) => isSlackCallError(err) && err.slackError === code);
    }
    assert.equal(slack.callsTo('chat.postMessage').length, 3);
    assert.match(logs, /not a member of this channel: invite it with `\/invite @buildfix`/);
    assert.match(logs, /bot token is not valid \(invalid_auth\)/);
    assert.doesNotMatch(logs, /xoxb-test-token/, 'the token never reaches the log');
    const wrongToken = new SlackApi({ token: 'xoxb-wrong', apiUrl: slack.apiUrl, logger: createLogger({ level: 'silent' }) });
    await assert.rejects(wrongToken.authTest(), (err: unknown) => isSlackCallError(err) && err.slackError === 'invalid_auth');
  });

  it('uploads a file into a thread in three steps, retrying the upload itself', async () => {
    slack.fail('upload', { status: 500 });
    await api.uploadFile({ channel: 'C1', threadTs: '1700000000.000001', filename: 'report.txt', title: 'Full report', content: 'line 1\nline 2\n' });
    assert.deepEqual(
      slack.calls.map((c) => `${c.method}:${c.status}`),
      ['files.getUploadURLExternal:200', 'upload:500', 'upload:200', 'files.completeUploadExternal:200'],
    );
    assert.equal(slack.uploads[0]?.content, 'line 1\nline 2\n');
    const complete = slack.callsTo('files.completeUploadExternal')[0];
    assert.equal(complete?.args.thread_ts, '1700000000.000001');
    assert.deepEqual(complete?.args.files, [{ id: slack.uploads[0]?.fileId, title: 'Full report' }]);
  });

  it('answers through a response_url, honouring 429, and refuses foreign URLs', async () => {
    slack.fail('response', { status: 429, retryAfter: 0 });
    await api.respond(slack.responseUrl('x1'), { response_type: 'ephemeral', text: 'only you' });
    assert.deepEqual(
      slack.callsTo('response').map((c) => c.status),
      [429, 200],
    );
    await assert.rejects(api.respond('http://198.51.100.7/hook', { text: 'x' }), /untrusted_response_url/);
    assert.equal(api.isTrustedResponseUrl('https://hooks.slack.com/commands/T1/1/abc'), true);
    assert.equal(api.isTrustedResponseUrl('https://hooks.slack.com.evil.example/x'), false);
  });
});
