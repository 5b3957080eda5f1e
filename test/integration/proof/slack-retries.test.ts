/**
 * The Slack Web API answering 429 (Retry-After), then 500, then OK, with the
 * real SlackApi (and @slack/web-api underneath) against the fake Slack.
 * test/integration/slack/web-api-retries.test.ts already covers 429 → OK for
 * chat.postMessage (delivered once), a 500 on chat.postMessage reconciled by
 * its metadata marker, and 503 → 500 → OK for chat.update; serve-e2e.test.ts covers a
 * rate-limited post through `buildfix serve`. This file adds the whole
 * 429 → 500 → OK sequence on one call.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { createLogger } from '../../../src/logger.ts';
import { SlackApi } from '../../../src/slack/slack-api.ts';
import { startSlackApiFake, type SlackApiFake } from '../../fakes/slack-api.ts';

describe('Slack Web API: 429 with Retry-After, then 500, then OK', () => {
  let slack: SlackApiFake;
  let api: SlackApi;

  before(async () => {
    slack = await startSlackApiFake();
  });
  beforeEach(() => {
    slack.reset();
    api = new SlackApi({ token: 'xoxb-test-token', apiUrl: slack.apiUrl, logger: createLogger({ level: 'silent' }), backoffMs: 20, maxAttempts: 4 });
  });
  after(async () => {
    await slack.close();
  });

  it('chat.update (the status message, the result edits): waits Retry-After, retries the 500, applied exactly once', async () => {
    const posted = await api.postMessage({ channel: 'C1', text: 'v1' });
    slack.fail('chat.update', { status: 429, retryAfter: 1 }, { status: 500 });
    const started = Date.now();
    await api.update({ channel: 'C1', ts: posted.ts, text: 'v2' });
    assert.ok(Date.now() - started >= 950, 'waited for Retry-After');
    assert.deepEqual(
      slack.callsTo('chat.update').map((c) => c.status),
      [429, 500, 200],
    );
    const message = slack.messages.find((m) => m.ts === posted.ts);
    assert.equal(message?.text, 'v2');
    assert.equal(message?.edits, 1, 'one edit');
    assert.equal(slack.messages.length, 1);
  });

  // Every post carries a marker in its metadata; after an ambiguous failure SlackApi looks for it
  // (conversations.history / replies) before resending (src/slack/slack-api.ts).
  it('chat.postMessage: delivered exactly once after 429 → 500 → OK', async () => {
    slack.fail('chat.postMessage', { status: 429, retryAfter: 1 }, { status: 500 });
    await api.postMessage({ channel: 'C1', text: 'the result' });
    assert.equal(slack.messages.filter((m) => m.text === 'the result').length, 1);
    assert.deepEqual(
      slack.callsTo('chat.postMessage').map((c) => c.status),
      [429, 500, 200],
    );
    assert.equal(slack.okCalls('conversations.history').length, 1, 'looked for the marker before resending');
  });

  it('chat.postMessage never posts twice: after 429 → 500 (Slack stored it) it is found by its marker, not resent', async () => {
    slack.fail('chat.postMessage', { status: 429, retryAfter: 1 }, { status: 500, applied: true });
    const posted = await api.postMessage({ channel: 'C1', text: 'once' });
    assert.deepEqual(
      slack.callsTo('chat.postMessage').map((c) => c.status),
      [429, 500],
    );
    assert.equal(slack.messages.filter((m) => m.text === 'once').length, 1);
    assert.equal(posted.ts, slack.messages.find((m) => m.text === 'once')?.ts);
  });

  it('the marker lookup honours Retry-After; when the lookup itself fails the post is not resent', async () => {
    slack.fail('chat.postMessage', { status: 500 });
    slack.fail('conversations.history', { status: 429, retryAfter: 1 });
    const started = Date.now();
    await api.postMessage({ channel: 'C1', text: 'after the wait' });
    assert.ok(Date.now() - started >= 950, 'waited for Retry-After on conversations.history');
    assert.deepEqual(
      slack.callsTo('conversations.history').map((c) => c.status),
      [429, 200],
    );
    assert.equal(slack.messages.filter((m) => m.text === 'after the wait').length, 1);

    slack.reset();
    slack.fail('chat.postMessage', { status: 500, applied: true });
    slack.fail('conversations.history', { error: 'missing_scope' });
    await assert.rejects(api.postMessage({ channel: 'C1', text: 'maybe' }), (err: unknown) => err instanceof Error && /500/.test(err.message));
    assert.deepEqual(
      slack.callsTo('chat.postMessage').map((c) => c.status),
      [500],
      'not resent',
    );
    assert.equal(slack.messages.filter((m) => m.text === 'maybe').length, 1);
  });
});
