/**
 * chat.update rate-limited while a diagnosis runs, through the real
 * `buildfix serve` (jobs in-process) and the strict fake Slack, in real
 * time: the first progress edit gets HTTP 429 with Retry-After: 30, and the
 * fake keeps answering 429 for those 30 s, as Slack does. The answer is
 * posted within a second of the job's end (it does not wait behind the
 * edits), no edit is sent during the wait, and after it exactly one edit
 * follows: the status message's latest state.
 *
 * Bounded by Retry-After itself: about 32 s.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startGoProxyFake, type GoProxyFake } from '../../fakes/goproxy-server.ts';
import { startSlackApiFake, type SlackApiFake } from '../../fakes/slack-api.ts';
import { goproxyEnv, slackEnv, startServeOnFreePort, type ServeHandle } from '../../helpers/slack-processes.ts';
import { postSigned, slashCommandBody } from '../../helpers/slack-sign.ts';
import { shownText } from '../incident-flow/harness.ts';

const RETRY_AFTER_S = 30;
const MODULES = 12;

describe('a 429 on chat.update during a running diagnosis', { timeout: 60_000 }, () => {
  let slack: SlackApiFake;
  let goproxy: GoProxyFake;
  let serve: ServeHandle;
  let work: string;

  before(async () => {
    // Each answer of the module proxy takes 250 ms: the diagnosis runs a few seconds and reports progress.
    const modules = Array.from({ length: MODULES }, (_, i) => ({
      path: `example.com/slow${i}`,
      versions: [{ version: 'v1.0.0' }, { version: 'v1.0.1', fail: { status: 404 as const } }],
    }));
    goproxy = await startGoProxyFake({ modules, delayMs: 250 });
    slack = await startSlackApiFake();
    work = await mkdtemp(join(tmpdir(), 'buildfix-edit-429-'));
    await mkdir(join(work, 'slow'));
    await writeFile(
      join(work, 'slow', 'go.mod'),
      `module example.com/slowapp\n\ngo 1.19\n\nrequire (\n${modules.map((m) => `\t${m.path} v1.0.1`).join('\n')}\n)\n`,
    );
    await writeFile(join(work, 'buildfix.yaml'), `repos:\n  slow:\n    url: ${join(work, 'slow')}\nconcurrency: 1\n`);
    serve = await startServeOnFreePort({ BUILDFIX_CONFIG: join(work, 'buildfix.yaml'), ...goproxyEnv(goproxy.url), ...slackEnv(slack) });
  });

  after(async () => {
    const code = await serve?.stop();
    await Promise.all([slack?.close(), goproxy?.close()]);
    await rm(work, { recursive: true, force: true });
    assert.equal(code, 0);
  });

  it('the answer is posted within a second of the job end, and one edit with the latest state follows the wait', async () => {
    slack.fail('chat.update', { status: 429, retryAfter: RETRY_AFTER_S });
    const res = await postSigned(serve.eventsUrl, slashCommandBody({ text: 'diagnose slow', channel_id: 'CSLOW001', response_url: slack.responseUrl() }));
    assert.equal(res.status, 200);
    const limited = await slack.waitFor((c) => c.method === 'chat.update' && c.status === 429, 20_000);
    const answer = await slack.waitFor(
      (c) => c.method === 'chat.postMessage' && c.ok && typeof c.args.thread_ts === 'string' && /Root cause/.test(String(c.args.text)),
      30_000,
    );
    // The job ended after the proxy's last answer; the answer followed within a second.
    const lastProxyAnswer = Math.max(...goproxy.requests.map((r) => r.at));
    assert.ok(answer.at - lastProxyAnswer < 1000, `answer ${answer.at - lastProxyAnswer} ms after the job's last network answer`);
    assert.ok(answer.at < limited.at + RETRY_AFTER_S * 1000, 'the answer did not wait for Retry-After');
    assert.ok(answer.at - limited.at > 1000, 'the 429 came while the job was running');

    // Nothing during the wait; then the latest state, once.
    const edit = await slack.waitFor((c) => c.method === 'chat.update' && c.ok, (RETRY_AFTER_S + 5) * 1000);
    assert.ok(edit.at >= limited.at + RETRY_AFTER_S * 1000, `the edit waited out Retry-After (${edit.at - limited.at} ms)`);
    await new Promise((r) => setTimeout(r, 1000));
    const updates = slack.callsTo('chat.update');
    assert.deepEqual(
      updates.map((c) => (c.ok ? 'ok' : String(c.status))),
      ['429', 'ok'],
      'one 429, then exactly one edit',
    );
    const status = slack.messages.find((m) => m.ts === edit.args.ts);
    assert.match(shownText(status), /done/, 'the edit carried the latest state');
    assert.ok(status && status.edits === 1);
  });
});
