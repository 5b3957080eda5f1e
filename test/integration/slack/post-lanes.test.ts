/**
 * The outbox's post lanes with the real SlackApi against the strict fake
 * Slack (chat.postMessage limited per channel, 429 + Retry-After): with a
 * backlog of thread replies waiting out the limit, a new incident's alert and
 * its root-cause line are posted before the backlog; each thread's replies
 * arrive in the order they were posted; nothing is lost.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '../../../src/logger.ts';
import { SlackOutbox, type OutboxPostResult } from '../../../src/slack/outbox/slack-outbox.ts';
import { SlackApi } from '../../../src/slack/slack-api.ts';
import { startSlackApiFake, type SlackApiFake } from '../../fakes/slack-api.ts';

const CHANNEL = 'CINCIDENTS';
const text = (t: string) => ({ text: t, blocks: [] });

describe('the outbox posts alerts ahead of thread chatter in a rate-limited channel', { timeout: 60_000 }, () => {
  let slack: SlackApiFake;
  let outbox: SlackOutbox;

  before(async () => {
    // 4 posts per 2 s per channel: the same rule as Slack's (and the fake's default 20 per 10 s), smaller to keep the test short.
    slack = await startSlackApiFake({ rateLimits: { 'chat.postMessage': { limit: 4, windowMs: 2000, perChannel: true } } });
    const logger = createLogger({ level: 'silent' });
    const api = new SlackApi({ token: 'xoxb-test-token', apiUrl: slack.apiUrl, logger, backoffMs: 10 });
    outbox = new SlackOutbox({ api, logger, textBudget: 11_000 });
  });
  after(async () => {
    outbox?.close();
    await slack?.close();
  });

  it('a new alert and its root-cause line go first; thread order kept; every post arrives once', async () => {
    const post = async (t: string, threadTs?: string, urgent = false): Promise<OutboxPostResult> => {
      const r = await outbox.post({ channel: CHANNEL, message: text(t), ...(threadTs ? { threadTs } : {}), ...(urgent ? { urgent } : {}) });
      assert.ok(r.posted, `${t}: ${String(r.error)}`);
      return r;
    };
    const a = (await post('alert A')).posted?.ts as string;
    const b = (await post('alert B')).posted?.ts as string;
    // Older incidents' chatter: 12 replies, 6 per thread, sent at once (2 go through, then the channel is limited).
    const replies: Array<Promise<OutboxPostResult>> = [];
    for (let i = 1; i <= 6; i++) replies.push(post(`A reply ${i}`, a), post(`B reply ${i}`, b));
    const deadline = Date.now() + 10_000;
    while (slack.calls.filter((c) => c.method === 'chat.postMessage' && c.status === 429).length === 0 || outbox.posts.waiting(CHANNEL) === 0) {
      assert.ok(Date.now() < deadline, 'the channel never got rate limited');
      await new Promise((r) => setTimeout(r, 10));
    }
    const postedBefore = new Set(slack.messages.map((m) => m.text));
    const backlog = 12 - [...postedBefore].filter((t) => /reply/.test(t)).length;
    assert.ok(backlog >= 8, `a backlog of replies is waiting (${backlog})`);

    // A new incident: its alert, then its root-cause line in its thread.
    const c = (await post('alert C')).posted?.ts as string;
    const postedBeforeRoot = new Set(slack.messages.map((m) => m.text));
    await post('C root cause', c, true);
    await Promise.all(replies);

    const order = slack.messages.filter((m) => m.channel === CHANNEL).map((m) => m.text);
    // Nothing lost, nothing posted twice.
    assert.deepEqual(
      [...order].sort(),
      [
        'A reply 1',
        'A reply 2',
        'A reply 3',
        'A reply 4',
        'A reply 5',
        'A reply 6',
        'B reply 1',
        'B reply 2',
        'B reply 3',
        'B reply 4',
        'B reply 5',
        'B reply 6',
      ]
        .concat(['C root cause', 'alert A', 'alert B', 'alert C'])
        .sort(),
    );
    // The alert came before every reply that was still waiting, and so did its root cause (posted once the alert was there).
    const before = (first: string, sent: Set<string>): void => {
      const waiting = order.filter((t) => /reply/.test(t) && !sent.has(t));
      assert.ok(waiting.length > 0);
      for (const t of waiting) assert.ok(order.indexOf(t) > order.indexOf(first), `${t} came after ${first}: ${order.join(' | ')}`);
    };
    before('alert C', postedBefore);
    before('C root cause', postedBeforeRoot);
    // Each thread in the order it was posted.
    const threadOf = (ts: string) => slack.messages.filter((m) => m.threadTs === ts).map((m) => m.text);
    assert.deepEqual(
      threadOf(a),
      [1, 2, 3, 4, 5, 6].map((i) => `A reply ${i}`),
    );
    assert.deepEqual(
      threadOf(b),
      [1, 2, 3, 4, 5, 6].map((i) => `B reply ${i}`),
    );
    assert.deepEqual(threadOf(c), ['C root cause']);
  });
});
