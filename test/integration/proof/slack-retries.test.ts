/**
 * The Slack Web API answering 429 (Retry-After), then 500, then OK, with the
 * real SlackApi (and @slack/web-api underneath) against the fake Slack.
 * test/integration/slack/web-api-retries.test.ts already covers 429 → OK for
 * chat.postMessage (delivered once), a 500 on chat.postMessage never being
 * resent, and 503 → 500 → OK for chat.update; serve-e2e.test.ts covers a
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
    assert.deepEqual(slack.callsTo('chat.update').map((c) => c.status), [429, 500, 200]);
    const message = slack.messages.find((m) => m.ts === posted.ts);
    assert.equal(message?.text, 'v2');
    assert.equal(message?.edits, 1, 'one edit');
    assert.equal(slack.messages.length, 1);
  });

  // TODO(lead): chat.postMessage is at-most-once by design (a 5xx may have posted, so it is never
  // resent), so after 429 → 500 the message is lost when Slack did not post it. Exactly-once needs
  // the post to carry a marker (e.g. metadata with a per-message id) and, after an ambiguous
  // failure, a conversations.history/replies lookup for it before resending (src/slack/slack-api.ts).
  it('chat.postMessage: delivered exactly once after 429 → 500 → OK', { todo: 'ambiguous 5xx posts are not reconciled yet' }, async () => {
    slack.fail('chat.postMessage', { status: 429, retryAfter: 1 }, { status: 500 });
    await api.postMessage({ channel: 'C1', text: 'the result' });
    assert.equal(slack.messages.filter((m) => m.text === 'the result').length, 1);
  });

  it('chat.postMessage never posts twice: after 429 → 500 it is not resent', async () => {
    slack.fail('chat.postMessage', { status: 429, retryAfter: 1 }, { status: 500 });
    await assert.rejects(api.postMessage({ channel: 'C1', text: 'once' }));
    assert.deepEqual(slack.callsTo('chat.postMessage').map((c) => c.status), [429, 500]);
    assert.ok(slack.messages.filter((m) => m.text === 'once').length <= 1);
  });
});
