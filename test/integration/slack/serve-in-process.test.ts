/**
 * `buildfix serve` without REDIS_URL: no workers, no Redis; jobs run in the
 * handler thread of the serve process itself (the README's "nothing else
 * needed" path), and the reply still arrives in the command's thread.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startGoProxyFake, type GoProxyFake } from '../../fakes/goproxy-server.ts';
import { startSlackApiFake, type SlackApiFake } from '../../fakes/slack-api.ts';
import { LEDGER_V199_MISSING, writePaymentsCheckout } from '../../helpers/ledger-fixture.ts';
import { goproxyEnv, slackEnv, startServeOnFreePort, type ServeHandle } from '../../helpers/slack-processes.ts';
import { postSigned, slashCommandBody } from '../../helpers/slack-sign.ts';

describe('buildfix serve with in-process jobs (no REDIS_URL)', () => {
  let slack: SlackApiFake;
  let goproxy: GoProxyFake;
  let serve: ServeHandle;
  let work: string;

  before(async () => {
    goproxy = await startGoProxyFake({ modules: [LEDGER_V199_MISSING] });
    slack = await startSlackApiFake();
    work = await mkdtemp(join(tmpdir(), 'buildfix-slack-inproc-'));
    await writePaymentsCheckout(work);
    await writeFile(join(work, 'buildfix.yaml'), `repos:\n  payments:\n    url: ${join(work, 'payments')}\n`);
    serve = await startServeOnFreePort({ BUILDFIX_CONFIG: join(work, 'buildfix.yaml'), ...goproxyEnv(goproxy.url), ...slackEnv(slack) });
  });
  after(async () => {
    const code = await serve?.stop();
    await Promise.all([slack?.close(), goproxy?.close()]);
    await rm(work, { recursive: true, force: true });
    assert.equal(code, 0);
  });

  it('diagnoses in-process and replies in the thread', async () => {
    const health = (await (await fetch(`${serve.url}/healthz`)).json()) as { jobs: string; state: string };
    assert.deepEqual([health.jobs, health.state], ['in-process', 'memory']);
    const res = await postSigned(serve.eventsUrl, slashCommandBody({ text: 'diagnose payments', response_url: slack.responseUrl() }));
    assert.equal(res.status, 200);
    const result = await slack.waitFor((c) => c.method === 'chat.postMessage' && c.ok && typeof c.args.thread_ts === 'string', 30_000);
    assert.match(String(result.args.text), /Root cause: version-not-found: example\.com\/ledger v1\.9\.9/);
  });
});
