/**
 * Text from outside never pings anyone: a GitHub workflow_run whose branch,
 * workflow name and commit carry `<@U…>`, `<!channel>` and a disguised link
 * goes through the real `buildfix serve` (alert, commander, notes, recovery,
 * archive with its file) into the fake Slack, and no call carries a live
 * mention, ping or link that buildfix did not build itself. Typed commands
 * arrive escaped as Slack sends them and are read as typed.
 */
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { escapeLikeSlack, startSlackApiFake, type RecordedSlackCall, type SlackApiFake } from '../../fakes/slack-api.ts';
import { slackEnv, startServeOnFreePort, workDirWithConfig, type ServeHandle } from '../../helpers/slack-processes.ts';
import { postSigned, slashCommandBody } from '../../helpers/slack-sign.ts';
import { githubHeaders, workflowRun } from '../../unit/webhooks/payloads.ts';
import { ARCHIVE_CHANNEL, eventually, INCIDENT_CHANNEL, mentionInThread, postRaw, WEBHOOK_ENV } from '../incident-flow/harness.ts';

const ANN = 'UANN0001';
const ADMIN = 'U0ADMIN';
const EVIL_BRANCH = `fix<@${ADMIN}>`;
const EVIL_WORKFLOW = `<!channel> deploy <https://evil.example|docs>`;
const EVIL_COMMIT = `<!here><@${ADMIN}|admin><https://evil.example/x|docs>`;

function evilRun(conclusion: 'failure' | 'success', id: number): Buffer {
  const p = JSON.parse(workflowRun({ conclusion, id, runNumber: id, branch: EVIL_BRANCH, workflow: EVIL_WORKFLOW }).toString('utf8')) as Record<string, any>;
  p.workflow_run.head_sha = EVIL_COMMIT;
  p.workflow_run.display_title = EVIL_COMMIT;
  if (p.workflow_run.head_commit) p.workflow_run.head_commit.message = EVIL_COMMIT;
  return Buffer.from(JSON.stringify(p));
}

/**
 * Every live Slack markup in what a call sent: <@…>, <#…>, <!…>, <http…>, <mailto:…> in the
 * fallback text, the file comment and every mrkdwn object (plain_text shows no markup).
 */
function liveMarkup(call: Pick<RecordedSlackCall, 'args'>): string[] {
  const texts = [call.args.text, call.args.initial_comment, ...mrkdwnObjects(call.args.blocks).map((o) => o.text)].filter(
    (t): t is string => typeof t === 'string',
  );
  return texts.flatMap((t) => [...t.matchAll(/<([@#!]|https?:|mailto:)[^>]*>/g)].map((m) => m[0]));
}

function mrkdwnObjects(value: unknown, out: Array<{ text: string; verbatim?: boolean }> = []): Array<{ text: string; verbatim?: boolean }> {
  if (Array.isArray(value)) value.forEach((v) => mrkdwnObjects(v, out));
  else if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (o.type === 'mrkdwn') out.push(o as { text: string; verbatim?: boolean });
    else Object.values(o).forEach((v) => mrkdwnObjects(v, out));
  }
  return out;
}

describe('text from outside never becomes a mention, ping or link (buildfix serve, fake Slack)', { timeout: 60_000 }, () => {
  let slack: SlackApiFake;
  let serve: ServeHandle;
  let work: string;

  before(async () => {
    slack = await startSlackApiFake();
    const { work: dir, configPath } = await workDirWithConfig('outside-text', 'incidents:\n  autoDiagnose: true\n');
    work = dir;
    serve = await startServeOnFreePort({ BUILDFIX_CONFIG: configPath, ...slackEnv(slack), ...WEBHOOK_ENV });
  });

  after(async () => {
    const code = await serve?.stop();
    await slack?.close();
    await rm(work, { recursive: true, force: true });
    assert.equal(code, 0);
  });

  it('a webhook with mentions, pings and links in branch, workflow and commit: none of them live anywhere', async () => {
    const failed = evilRun('failure', 9001);
    assert.equal((await postRaw(serve.url, '/webhooks/github', failed, githubHeaders(failed))).status, 200);
    const alert = await eventually('the alert', () => slack.messages.find((m) => m.channel === INCIDENT_CHANNEL && m.threadTs === undefined));
    // People work in the thread: a real mention (typed as Slack sends it) and a note quoting the attacker's markup.
    await mentionInThread(serve, INCIDENT_CHANNEL, alert.ts, escapeLikeSlack('incident role commander @ann', { users: { ann: ANN } }), ANN);
    await eventually('the commander line', () => slack.messages.find((m) => m.threadTs === alert.ts && m.text.includes(`<@${ANN}> is now`)));
    await mentionInThread(serve, INCIDENT_CHANNEL, alert.ts, `incident note the branch was ${escapeLikeSlack(EVIL_BRANCH)} &amp; @here`, ANN);
    await eventually('the note acknowledged', () => slack.messages.find((m) => m.threadTs === alert.ts && /Noted/.test(m.text)));
    const green = evilRun('success', 9002);
    assert.equal((await postRaw(serve.url, '/webhooks/github', green, githubHeaders(green))).status, 200);
    await eventually('the recovery offer', () => slack.messages.find((m) => m.threadTs === alert.ts && /green again/.test(m.text)));
    await mentionInThread(serve, INCIDENT_CHANNEL, alert.ts, 'incident resolve', ANN);
    await eventually('the archive', () => slack.messages.find((m) => m.channel === ARCHIVE_CHANNEL));
    await eventually('the timeline file', () => slack.okCalls('files.completeUploadExternal').length > 0);
    await eventually('the archived line', () => slack.messages.find((m) => m.threadTs === alert.ts && /archived to/.test(m.text)));

    const sent = slack.calls.filter(
      (c) => c.ok && ['chat.postMessage', 'chat.update', 'chat.postEphemeral', 'files.completeUploadExternal', 'response'].includes(c.method),
    );
    assert.ok(sent.length >= 8, `${sent.length} calls`);
    // buildfix's own: the stored commander, channel ids Slack gave it, links to the run and its log (URLs from the payload, labels by buildfix)
    const allowed = (markup: string): boolean =>
      markup === `<@${ANN}>` ||
      /^<#C[A-Z0-9]+>$/.test(markup) ||
      /^<https:\/\/(api\.)?github\.com\/(repos\/)?octo-org\/octo-repo\/actions\/runs\/\d+[^|<>]*\|/.test(markup);
    for (const call of sent) {
      const bad = liveMarkup(call).filter((m) => !allowed(m));
      assert.deepEqual(bad, [], `${call.method} sent live markup: ${JSON.stringify(call.args).slice(0, 400)}`);
      for (const o of mrkdwnObjects(call.args.blocks)) assert.equal(o.verbatim, true, `mrkdwn without verbatim: ${o.text.slice(0, 100)}`);
    }
    // The outside text is shown (escaped), not dropped.
    const everything = sent.map((c) => JSON.stringify(c.args)).join('\n');
    assert.match(everything, /fix&lt;@U0ADMIN&gt;/);
    assert.match(everything, /&lt;!channel&gt; deploy &lt;https:\/\/evil\.example\|docs&gt;/);
    // buildfix's own mentions are live: the commander line, the alert's role, the archive's roles.
    assert.ok(sent.filter((c) => liveMarkup(c).includes(`<@${ANN}>`)).length >= 3);
    const file = slack.uploads.at(-1);
    assert.ok(file?.content.includes(EVIL_BRANCH), 'the Markdown file keeps the text as it was');
  });

  it('slash commands arrive escaped and are read as typed', async () => {
    const responseUrl = slack.responseUrl('typed');
    const typed = 'incident open disk <full> & @here on https://ci.example.test/x?a=1&b=2';
    const res = await postSigned(
      serve.eventsUrl,
      slashCommandBody({ text: escapeLikeSlack(typed), response_url: responseUrl, user_id: ANN, channel_id: 'CTYPED01' }),
    );
    assert.equal(res.status, 200);
    const opened = await eventually('the incident post', () => slack.messages.find((m) => m.channel === 'CTYPED01' && /Incident #\d+ opened/.test(m.text)));
    // The title is what was typed (shown escaped, so no ping and no link).
    assert.ok(opened.text.includes('disk &lt;full&gt; &amp; @here on https://ci.example.test/x?a=1&amp;b=2'), opened.text);
    assert.deepEqual(liveMarkup({ args: { text: opened.text, blocks: opened.blocks } }), []);
  });
});
