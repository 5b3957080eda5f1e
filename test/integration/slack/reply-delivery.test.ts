/**
 * A command's reply is never lost silently and never posted twice (a real `buildfix serve` on real
 * Redis, the strict Slack fake, signed slash commands and mentions, the real `buildfix status` CLI):
 * - a reply whose first chat.postMessage Slack answers internal_error is retried and arrives once;
 * - a thread reply Slack took but answered 500 for, while the thread could not be searched at first,
 *   is found by its marker before anything is sent again: it arrives once, posted once;
 * - a reply retrying in one channel holds up no reply in another channel;
 * - a reply Slack refuses for good (not_in_channel) is tried once, logged at error, counted on
 *   /metrics, and listed by `/buildfix status` (escaped for Slack) and by the CLI's `buildfix status`.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort } from '../../fakes/goproxy-server.ts';
import { startSlackApiFake, type FakeMessage, type SlackApiFake } from '../../fakes/slack-api.ts';
import { runCli } from '../../helpers/run-cli.ts';
import { deletePrefix, REDIS_URL, startServe, uniquePrefix, type ServeHandle } from '../../helpers/slack-processes.ts';
import { postSigned, slashCommandBody, TEST_SIGNING_SECRET } from '../../helpers/slack-sign.ts';
import { eventually, mentionInThread, shownText, sleep } from '../incident-flow/harness.ts';

const BLOCKED = 'CBLOCKED';

describe('command replies: retried on transient Slack failures, given up on and reported on permanent ones', { timeout: 120_000 }, () => {
  let slack: SlackApiFake;
  let serve: ServeHandle;
  let work: string;
  const prefix = uniquePrefix();

  const status = async (channel: string): Promise<string> => {
    const responseUrl = slack.responseUrl();
    const res = await postSigned(serve.eventsUrl, slashCommandBody({ text: 'status', channel_id: channel, response_url: responseUrl }));
    assert.equal(res.status, 200);
    return responseUrl;
  };
  const posts = (channel: string): FakeMessage[] => slack.messages.filter((m) => m.channel === channel);
  const postCalls = (channel: string): number => slack.callsTo('chat.postMessage').filter((c) => c.args.channel === channel).length;
  const statusReports = (channel: string): FakeMessage[] => posts(channel).filter((m) => /^buildfix status:/.test(m.text));
  const metric = async (reason: string): Promise<number> => {
    const text = await (await fetch(`${serve.url}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`buildfix_slack_posts_failed_total{reason="${reason}"`));
    return line ? Number(line.split(' ').at(-1)) : 0;
  };

  before(async () => {
    slack = await startSlackApiFake({ notInChannel: [BLOCKED] });
    work = await mkdtemp(join(tmpdir(), 'buildfix-reply-delivery-'));
    await writeFile(join(work, 'buildfix.yaml'), 'slack:\n  postGiveUpAfter: 8s\n');
    serve = await startServe(
      {
        REDIS_URL,
        REDIS_PREFIX: prefix,
        BUILDFIX_CONFIG: join(work, 'buildfix.yaml'),
        SLACK_BOT_TOKEN: 'xoxb-test-token',
        SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
        SLACK_API_URL: slack.apiUrl,
      },
      await freePort(),
      ['--grace-ms', '500'],
    );
  });

  after(async () => {
    const code = await serve?.stop();
    await slack?.close();
    await deletePrefix(prefix);
    await rm(work, { recursive: true, force: true });
    assert.equal(code, 0, 'serve exits 0 on SIGTERM');
  });

  it('internal_error on the first chat.postMessage: the reply is retried and arrives once', async () => {
    slack.fail('chat.postMessage', { error: 'internal_error', channel: 'C1' });
    await status('C1');
    const [report] = await eventually('the status report in C1', () => (statusReports('C1').length > 0 ? statusReports('C1') : undefined));
    await sleep(1500);
    assert.equal(statusReports('C1').length, 1, 'posted once');
    assert.equal(postCalls('C1'), 2, 'one refused attempt, one that went through');
    // internal_error may mean Slack did part of it: the channel was searched for the post's marker before it was sent again.
    const lookups = slack.okCalls('conversations.history').filter((c) => c.args.channel === 'C1');
    assert.equal(lookups.length, 1);
    assert.ok((lookups[0]?.at ?? 0) < (slack.okCalls('chat.postMessage').find((c) => c.args.channel === 'C1')?.at ?? 0), 'searched before posting again');
    const markers = slack.callsTo('chat.postMessage').map((c) => (c.args.metadata as { event_payload?: { id?: string } }).event_payload?.id);
    assert.equal(new Set(markers).size, 1, 'both attempts carry the same marker');
    assert.ok(report?.metadata?.event_payload?.id);
    assert.equal(await metric('internal_error'), 0, 'nothing was given up on');
    assert.doesNotMatch(serve.output(), /NOT delivered/);
  });

  it('a thread reply Slack took but answered 500 for is found by its marker, not posted again', async () => {
    slack.reset();
    const root = '1700000999.000001';
    // Slack stores the post and the answer is lost; the thread cannot be read for a while (SlackApi's own search gives up).
    slack.fail('chat.postMessage', { status: 500, applied: true, channel: 'C1' });
    slack.fail('conversations.replies', ...Array.from({ length: 4 }, () => ({ status: 500 as const, channel: 'C1' })));
    const res = await mentionInThread(serve, 'C1', root, 'status', 'U1');
    assert.equal(res.status, 200);
    await eventually('the marker found in the thread', () => slack.okCalls('conversations.replies').length > 0, 20_000);
    await sleep(2000);
    const replies = slack.messages.filter((m) => m.channel === 'C1' && m.threadTs === root);
    assert.equal(replies.length, 1, 'the reply is in the thread once');
    assert.match(replies[0]?.text ?? '', /^buildfix status:/);
    assert.equal(postCalls('C1'), 1, 'chat.postMessage was not called again');
    assert.match(serve.output(), /Slack had taken it although its answer was lost; not posting it again/);
    assert.doesNotMatch(serve.output(), /NOT delivered/);
  });

  it('a reply waiting to be retried in one channel holds up no reply in another', async () => {
    slack.reset();
    slack.fail('chat.postMessage', ...Array.from({ length: 3 }, () => ({ error: 'service_unavailable', channel: 'C1' })));
    const started = Date.now();
    await status('C1');
    await sleep(100);
    await status('C2');
    await eventually('the status report in C2', () => statusReports('C2').length > 0);
    const c2 = Date.now() - started;
    await eventually('the status report in C1', () => statusReports('C1').length > 0, 20_000);
    const c1 = Date.now() - started;
    assert.ok(c2 < c1, `C2 answered (${c2} ms) before C1's retried reply (${c1} ms)`);
    assert.ok(c1 >= 1500, `C1's reply waited out its pauses (${c1} ms)`);
    assert.equal(statusReports('C1').length, 1);
    assert.equal(postCalls('C1'), 4, 'three refusals, then posted');
  });

  it('not_in_channel: tried once, logged at error, counted, listed by /buildfix status and buildfix status', async () => {
    slack.reset();
    const responseUrl = await status(BLOCKED);
    await eventually('the error log line', () => /NOT delivered to Slack \(not_in_channel\)/.test(serve.output()));
    await sleep(1500);
    assert.equal(postCalls(BLOCKED), 1, 'a permanent refusal is not retried');
    const logged = serve
      .output()
      .split('\n')
      .find((l) => /"level":50/.test(l) && /NOT delivered/.test(l));
    assert.ok(logged, 'logged at error');
    assert.match(logged, /status report of `status` NOT delivered to Slack \(not_in_channel\): invite the bot to <#CBLOCKED>: \/invite @buildfix/);
    assert.equal(await metric('not_in_channel'), 1);
    // The person who typed it is told (only to them) through the response_url, which needs no membership.
    const told = slack.calls.find((c) => c.method === 'response' && c.args.id === responseUrl.split('/').pop());
    assert.match(String(told?.args.text), /not a member of this channel/);

    // The chat command lists it, escaped: the channel reference shows as text and pings nobody.
    await status('C1');
    const report = await eventually('a status report listing it', () => statusReports('C1').find((m) => /Slack posts NOT delivered/.test(shownText(m))));
    const shown = shownText(report);
    assert.match(shown, /status report of `status` to CBLOCKED not delivered: not_in_channel — invite the bot to &lt;#CBLOCKED&gt;: \/invite @buildfix/);
    assert.doesNotMatch(JSON.stringify(report.blocks), /<#CBLOCKED>/);

    const cli = await runCli(['status'], { REDIS_URL, REDIS_PREFIX: prefix });
    assert.equal(cli.exitCode, 0, cli.stderr);
    assert.match(cli.stdout, /Slack posts NOT delivered/);
    assert.match(
      cli.stdout,
      /! \d+ min ago: status report of `status` to CBLOCKED not delivered: not_in_channel — invite the bot to <#CBLOCKED>: \/invite @buildfix/,
    );
    const json = (await runCli(['status', '--json'], { REDIS_URL, REDIS_PREFIX: prefix })).json<{
      undeliveredPosts: Array<{ channel: string; reason: string; permanent: boolean; attempts: number }>;
    }>();
    assert.deepEqual(
      json.undeliveredPosts.map((p) => [p.channel, p.reason, p.permanent, p.attempts]),
      [[BLOCKED, 'not_in_channel', true, 1]],
    );
    // The router's "status failed" note that followed was not tried (it would only fail the same way and be counted twice).
    assert.equal(postCalls(BLOCKED), 1);
  });
});
