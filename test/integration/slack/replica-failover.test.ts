/**
 * Several `serve` replicas behind one load balancer: the replica that took a
 * command dies (SIGKILL) or is stopped (SIGTERM) while its job runs on a
 * worker; another replica adopts the pending reply from Redis and posts the
 * result in the right thread, exactly once.
 */
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort, startGoProxyFake, type GoProxyFake } from '../../fakes/goproxy-server.ts';
import { startSlackApiFake, type RecordedSlackCall, type SlackApiFake } from '../../fakes/slack-api.ts';
import { writePaymentsCheckout } from '../../helpers/ledger-fixture.ts';
import {
  goproxyEnv,
  REDIS_URL,
  slackEnv,
  startServe,
  startWorkerProcess,
  uniquePrefix,
  type ChildHandle,
  type ServeHandle,
} from '../../helpers/slack-processes.ts';
import { postSigned, slashCommandBody } from '../../helpers/slack-sign.ts';
import { releaseIncidentTest } from '../incident-flow/harness.ts';

const isPost = (c: RecordedSlackCall): boolean => c.method === 'chat.postMessage' && c.ok;

describe('serve replicas: a reply survives the replica that took the command', () => {
  let slack: SlackApiFake;
  let goproxy: GoProxyFake;
  let worker: ChildHandle;
  let a: ServeHandle | undefined;
  let b: ServeHandle;
  let work: string;
  let serveEnv: Record<string, string>;
  const prefix = uniquePrefix();

  before(async () => {
    // Every lookup of the missing version takes 3 s: long enough to stop a replica mid-job.
    goproxy = await startGoProxyFake({
      modules: [{ path: 'example.com/ledger', versions: [{ version: 'v1.9.8' }, { version: 'v1.9.9', fail: { status: 404 }, delayMs: 3000 }] }],
    });
    slack = await startSlackApiFake();
    work = await mkdtemp(join(tmpdir(), 'buildfix-slack-failover-'));
    await writePaymentsCheckout(work);
    await writeFile(join(work, 'buildfix.yaml'), `repos:\n  payments:\n    url: ${join(work, 'payments')}\n`);
    const common = { REDIS_URL, REDIS_PREFIX: prefix, BUILDFIX_CONFIG: join(work, 'buildfix.yaml'), ...goproxyEnv(goproxy.url) };
    serveEnv = { ...common, ...slackEnv(slack) };
    worker = await startWorkerProcess('agent-01', common);
    b = await startServe(serveEnv, await freePort(), ['--lease-ms', '1500', '--grace-ms', '200']);
  });

  after(async () => {
    a?.kill();
    await Promise.all([b?.stop(), worker?.stop()]);
    await releaseIncidentTest({ prefix, work, fakes: [slack, goproxy] });
  });

  for (const [how, text] of [
    ['killed (SIGKILL)', 'diagnose payments'],
    ['stopped (SIGTERM)', 'modules payments'],
  ] as const) {
    it(`the replica that took the command is ${how} mid-job: another posts the result in its thread, once`, async () => {
      a = await startServe(serveEnv, await freePort(), ['--lease-ms', '1500', '--grace-ms', '200']);
      const res = await postSigned(a.eventsUrl, slashCommandBody({ text, response_url: slack.responseUrl() }));
      assert.equal(res.status, 200);
      const status = await slack.waitFor((c) => isPost(c) && String(c.args.text).includes(text) && c.args.thread_ts === undefined, 10_000);
      const root = slack.messages.find((m) => m.text === status.args.text && m.threadTs === undefined);
      assert.ok(root);
      await new Promise((r) => setTimeout(r, 300));
      if (how.startsWith('killed')) a.kill();
      else assert.equal(await a.stop(), 0);
      a = undefined;

      const result = await slack.waitFor((c) => isPost(c) && c.args.thread_ts === root.ts && /ledger v1\.9\.9/.test(String(c.args.text)), 30_000);
      assert.match(String(result.args.text), /Root cause: version-not-found/);
      await new Promise((r) => setTimeout(r, 1500));
      const replies = slack.okCalls('chat.postMessage').filter((c) => c.args.thread_ts === root.ts);
      assert.equal(replies.length, 1, 'exactly one result');
      assert.match(root.text, /— done/, 'the adopting replica finished the status message');
      assert.match(JSON.stringify(root.blocks), /followed by another buildfix replica/);
    });
  }
});
