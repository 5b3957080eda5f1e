/**
 * `buildfix serve` without REDIS_URL (jobs in-process, state in memory), the strict Slack fake, real
 * GitHub workflow_run deliveries and signed slash commands:
 * - a note buildfix posts by itself in an incident's thread (the recovery line after a green run),
 *   whose first chat.postMessage Slack answers internal_error, is retried and arrives once;
 * - the archived report of a resolved incident, whose first post Slack answers service_unavailable,
 *   is retried and posted once, with one timeline file;
 * - a reply given up on (not_in_channel) is counted on /metrics and listed by `/buildfix status`
 *   and by the CLI's `buildfix status` from the file serve keeps without Redis
 *   ($XDG_STATE_HOME/buildfix/undelivered.jsonl), also after serve restarts.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort } from '../../fakes/goproxy-server.ts';
import { startSlackApiFake, type SlackApiFake } from '../../fakes/slack-api.ts';
import { runCli } from '../../helpers/run-cli.ts';
import { startServe, type ServeHandle } from '../../helpers/slack-processes.ts';
import { postSigned, slashCommandBody, TEST_SIGNING_SECRET } from '../../helpers/slack-sign.ts';
import { githubHeaders, workflowRun } from '../../unit/webhooks/payloads.ts';
import { ARCHIVE_CHANNEL, eventually, INCIDENT_CHANNEL, mentionInThread, postRaw, shownText, sleep, WEBHOOK_ENV } from '../incident-flow/harness.ts';

const BLOCKED = 'CBLOCKED';

describe('in-process serve: thread notes retried, undelivered replies listed by /buildfix status', { timeout: 120_000 }, () => {
  let slack: SlackApiFake;
  let serve: ServeHandle;
  let work: string;
  let env: Record<string, string>;

  const metric = async (reason: string): Promise<number> => {
    const text = await (await fetch(`${serve.url}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`buildfix_slack_posts_failed_total{reason="${reason}"`));
    return line ? Number(line.split(' ').at(-1)) : 0;
  };
  const status = async (channel: string): Promise<void> => {
    const res = await postSigned(serve.eventsUrl, slashCommandBody({ text: 'status', channel_id: channel, response_url: slack.responseUrl() }));
    assert.equal(res.status, 200);
  };

  before(async () => {
    slack = await startSlackApiFake({ notInChannel: [BLOCKED] });
    work = await mkdtemp(join(tmpdir(), 'buildfix-reply-delivery-inproc-'));
    await writeFile(join(work, 'buildfix.yaml'), 'incidents:\n  autoDiagnose: false\n  groupWindow: "off"\nslack:\n  postGiveUpAfter: 8s\n');
    env = {
      BUILDFIX_CONFIG: join(work, 'buildfix.yaml'),
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      XDG_STATE_HOME: join(work, 'state'),
      ...WEBHOOK_ENV,
    };
    serve = await startServe(env, await freePort(), ['--grace-ms', '500']);
  });

  after(async () => {
    const code = await serve?.stop();
    await slack?.close();
    await rm(work, { recursive: true, force: true });
    assert.equal(code, 0, 'serve exits 0 on SIGTERM');
  });

  it("the recovery note in an incident's thread: internal_error first, then posted once", async () => {
    const failed = workflowRun({ id: 7001, runNumber: 1 });
    assert.equal((await postRaw(serve.url, '/webhooks/github', failed, githubHeaders(failed))).status, 200);
    const alert = await eventually('the alert', () => slack.messages.find((m) => m.channel === INCIDENT_CHANNEL && m.threadTs === undefined));
    await sleep(500);
    const before = slack.callsTo('chat.postMessage').length;
    slack.fail('chat.postMessage', { error: 'internal_error', channel: INCIDENT_CHANNEL });
    const green = workflowRun({ id: 7002, runNumber: 2, conclusion: 'success' });
    assert.equal((await postRaw(serve.url, '/webhooks/github', green, githubHeaders(green))).status, 200);
    await eventually('the recovery note', () => slack.messages.find((m) => m.threadTs === alert.ts && /green again/.test(m.text)));
    await sleep(1500);
    const notes = slack.messages.filter((m) => m.threadTs === alert.ts && /green again/.test(m.text));
    assert.equal(notes.length, 1, 'posted once');
    const attempts = slack.callsTo('chat.postMessage').slice(before);
    assert.deepEqual(
      attempts.map((c) => [c.args.thread_ts, c.ok ? 'ok' : c.error]),
      [
        [alert.ts, 'internal_error'],
        [alert.ts, 'ok'],
      ],
    );
    // The thread was searched for the first attempt's marker before the second was sent.
    assert.ok(slack.okCalls('conversations.replies').some((c) => c.args.ts === alert.ts));
    assert.match(serve.output(), /recovery note of incident #\d+ not posted yet \(internal_error\): trying again/);
    assert.equal(await metric('internal_error'), 0);
  });

  it('the archived report: service_unavailable first, then posted once with its timeline file', async () => {
    const alert = slack.messages.find((m) => m.channel === INCIDENT_CHANNEL && m.threadTs === undefined);
    assert.ok(alert, 'the incident of the previous test');
    slack.fail('chat.postMessage', { error: 'service_unavailable', channel: ARCHIVE_CHANNEL });
    const uploadsBefore = slack.okCalls('files.completeUploadExternal').length;
    await mentionInThread(serve, INCIDENT_CHANNEL, alert.ts, 'incident resolve', 'U1');
    await eventually('the archived line in the thread', () => slack.messages.find((m) => m.threadTs === alert.ts && /archived to/.test(m.text)), 20_000);
    const archives = slack.messages.filter((m) => m.channel === ARCHIVE_CHANNEL);
    assert.equal(archives.length, 1, 'archived once');
    assert.deepEqual(
      slack
        .callsTo('chat.postMessage')
        .filter((c) => c.args.channel === ARCHIVE_CHANNEL)
        .map((c) => (c.ok ? 'ok' : c.error)),
      ['service_unavailable', 'ok'],
    );
    const files = slack
      .okCalls('files.completeUploadExternal')
      .slice(uploadsBefore)
      .filter((c) => c.args.channel_id === ARCHIVE_CHANNEL);
    assert.equal(files.length, 1, 'one timeline file, uploaded with the post that went through');
    assert.match(slack.messages.find((m) => m.threadTs === alert.ts && /archived to/.test(m.text))?.text ?? '', /with its timeline file/);
  });

  it('a reply Slack refuses for good is counted and listed by /buildfix status and buildfix status, also after a restart', async () => {
    await status(BLOCKED);
    await eventually('the error log line', () => /status report of `status` NOT delivered to Slack \(not_in_channel\)/.test(serve.output()));
    await sleep(1000);
    assert.equal(slack.callsTo('chat.postMessage').filter((c) => c.args.channel === BLOCKED).length, 1, 'tried once');
    assert.equal(await metric('not_in_channel'), 1);
    await status('C1');
    const report = await eventually('the status report in C1', () => slack.messages.find((m) => m.channel === 'C1' && /^buildfix status:/.test(m.text)));
    const shown = shownText(report);
    assert.match(shown, /\*Jobs run in-process\*/);
    assert.match(shown, /Slack posts NOT delivered/);
    assert.match(shown, /status report of `status` to CBLOCKED not delivered: not_in_channel — invite the bot to &lt;#CBLOCKED&gt;: \/invite @buildfix/);

    // The CLI on the same machine reads what serve wrote (no Redis in this mode).
    const cli = await runCli(['status'], { XDG_STATE_HOME: env.XDG_STATE_HOME });
    assert.equal(cli.exitCode, 0, cli.stderr);
    assert.match(cli.stdout, /jobs run in-process/);
    assert.match(
      cli.stdout,
      /! \d+ min ago: status report of `status` to CBLOCKED not delivered: not_in_channel — invite the bot to <#CBLOCKED>: \/invite @buildfix/,
    );
    const json = (await runCli(['status', '--json'], { XDG_STATE_HOME: env.XDG_STATE_HOME })).json<{
      undeliveredPosts: Array<{ channel: string; reason: string }>;
    }>();
    assert.deepEqual(
      json.undeliveredPosts.map((p) => [p.channel, p.reason]),
      [[BLOCKED, 'not_in_channel']],
    );

    // A restarted serve still lists it.
    assert.equal(await serve.stop(), 0);
    serve = await startServe(env, await freePort(), ['--grace-ms', '500']);
    slack.reset();
    await status('C1');
    const again = await eventually('the status report after the restart', () =>
      slack.messages.find((m) => m.channel === 'C1' && /^buildfix status:/.test(m.text)),
    );
    assert.match(shownText(again), /status report of `status` to CBLOCKED not delivered: not_in_channel/);
  });
});
