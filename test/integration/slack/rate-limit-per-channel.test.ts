/**
 * Slack's 429 waits are kept per method, and for chat.postMessage per channel
 * (Slack limits posts per channel), with the real SlackApi and outbox against
 * the strict Slack fake: while one channel waits out its Retry-After, posts to
 * another channel go at once; a 429 on chat.update holds up no post; the
 * rate-limited channel's post goes once its Retry-After has passed, once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '../../../src/logger.ts';
import { SlackOutbox } from '../../../src/slack/outbox/slack-outbox.ts';
import { SlackApi } from '../../../src/slack/slack-api.ts';
import { startSlackApiFake, type SlackApiFake } from '../../fakes/slack-api.ts';

const BUSY = 'CBUSY';
const QUIET = 'CQUIET';
const text = (t: string) => ({ text: t, blocks: [] });

/** Until the client has read the 429 the fake recorded (the fake records before it answers). */
async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 2000;
  while (!check()) {
    assert.ok(Date.now() < deadline, 'the client never saw the 429');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('Slack rate limits are waited out per method and per channel', { timeout: 60_000 }, () => {
  let slack: SlackApiFake;
  let api: SlackApi;
  let outbox: SlackOutbox;

  before(async () => {
    slack = await startSlackApiFake();
    const logger = createLogger({ level: 'silent' });
    api = new SlackApi({ token: 'xoxb-test-token', apiUrl: slack.apiUrl, logger, backoffMs: 10 });
    outbox = new SlackOutbox({ api, logger, textBudget: 11_000 });
  });
  after(async () => {
    outbox?.close();
    await slack?.close();
  });

  it('a 429 in one channel does not hold up posts to another', async () => {
    // The fake answers 429 with Retry-After: 3 to a post in BUSY only (and keeps answering 429 there until then).
    slack.fail('chat.postMessage', { status: 429, retryAfter: 3, channel: BUSY });
    const started = Date.now();
    const busy = outbox.post({ channel: BUSY, message: text('alert in the busy channel') });
    await slack.waitFor((c) => c.method === 'chat.postMessage' && c.status === 429);
    await until(() => api.rateLimitedFor('chat.postMessage', BUSY) > 0);
    assert.ok(api.rateLimitedFor('chat.postMessage', BUSY) > 2000, 'BUSY waits out its Retry-After');
    assert.equal(api.rateLimitedFor('chat.postMessage', QUIET), 0, 'QUIET is not rate limited');

    const quiet = await outbox.post({ channel: QUIET, message: text('alert in the quiet channel') });
    const quietMs = Date.now() - started;
    assert.ok(quiet.posted, String(quiet.error));
    assert.ok(quietMs < 1500, `the quiet channel's post went at once (${quietMs} ms), not after BUSY's 3 s`);
    assert.equal(outbox.posts.waiting(BUSY), 1, "BUSY's post is still waiting");

    const busyResult = await busy;
    const busyMs = Date.now() - started;
    assert.ok(busyResult.posted, String(busyResult.error));
    assert.ok(busyMs >= 2900, `BUSY's post went after its Retry-After (${busyMs} ms)`);
    assert.deepEqual(
      slack.messages.map((m) => [m.channel, m.text]),
      [
        [QUIET, 'alert in the quiet channel'],
        [BUSY, 'alert in the busy channel'],
      ],
      'each posted once, the quiet one first',
    );
    const busyCalls = slack.callsTo('chat.postMessage').filter((c) => c.args.channel === BUSY);
    assert.deepEqual(
      busyCalls.map((c) => c.status),
      [429, 200],
      'BUSY was not called again before its Retry-After',
    );
  });

  it('a 429 on chat.update holds up no post', async () => {
    slack.reset();
    const posted = await outbox.post({ channel: QUIET, message: text('status') });
    assert.ok(posted.posted);
    slack.fail('chat.update', { status: 429, retryAfter: 3 });
    const edit = outbox.update({ channel: QUIET, ts: posted.posted.ts, message: text('status, edited') });
    await slack.waitFor((c) => c.method === 'chat.update' && c.status === 429);
    await until(() => api.rateLimitedFor('chat.update') > 0);
    assert.ok(api.rateLimitedFor('chat.update') > 2000);
    const started = Date.now();
    const next = await outbox.post({ channel: QUIET, message: text('a result') });
    assert.ok(next.posted);
    assert.ok(Date.now() - started < 1500, 'the post did not wait for chat.update');
    await edit;
    await slack.waitFor((c) => c.method === 'chat.update' && c.ok, 6000);
    assert.equal(slack.messages.find((m) => m.ts === posted.posted?.ts)?.text, 'status, edited', 'the edit went after its Retry-After');
  });
});
