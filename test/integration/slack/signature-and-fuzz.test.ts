/**
 * The HTTP front of `buildfix serve` as Slack sees it: signatures checked on
 * every request (bad, stale or future-dated → 401 and nothing runs), the
 * health route, usage errors answered in the ack, and 1,000 random command
 * texts all acknowledged in time with no 5xx while the process stays up.
 * Jobs go to a Redis prefix with no worker, so nothing is ever executed.
 */
import assert from 'node:assert/strict';
import { Agent } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { freePort } from '../../fakes/goproxy-server.ts';
import { startSlackApiFake, type SlackApiFake } from '../../fakes/slack-api.ts';
import { deletePrefix, REDIS_URL, startServe, uniquePrefix, type ServeHandle } from '../../helpers/slack-processes.ts';
import { postSigned, slackSignature, slashCommandBody, TEST_SIGNING_SECRET } from '../../helpers/slack-sign.ts';

describe('buildfix serve: request verification and robustness', () => {
  let slack: SlackApiFake;
  let serve: ServeHandle;
  const prefix = uniquePrefix();

  before(async () => {
    slack = await startSlackApiFake();
    serve = await startServe(
      {
        SLACK_BOT_TOKEN: 'xoxb-test-token',
        SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
        SLACK_API_URL: slack.apiUrl,
        REDIS_URL,
        REDIS_PREFIX: prefix,
        GOPROXY: 'off',
        LOG_LEVEL: 'warn',
      },
      await freePort(),
      ['--grace-ms', '200'],
    );
  });
  after(async () => {
    await serve?.stop();
    await slack?.close();
    await deletePrefix(prefix);
  });

  it('answers GET /healthz', async () => {
    const res = await fetch(`${serve.url}/healthz`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as { ok: boolean; jobs: string; state: string };
    assert.equal(body.ok, true);
    assert.equal(body.jobs, 'bullmq');
    assert.equal(body.state, 'redis');
  });

  it('refuses a bad signature with 401 and runs nothing', async () => {
    const before = slack.calls.length;
    const body = slashCommandBody({ text: 'status', response_url: slack.responseUrl() });
    const res = await postSigned(serve.eventsUrl, body, { secret: 'not-the-secret' });
    assert.equal(res.status, 401);
    assert.equal(res.body, '');
    const missing = await postSigned(serve.eventsUrl, body, { signature: '' });
    assert.equal(missing.status, 401);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(slack.calls.length, before, 'no Slack call for a refused request');
  });

  it('refuses a replayed request older than 5 minutes, and one dated in the future', async () => {
    const body = slashCommandBody({ text: 'status', response_url: slack.responseUrl() });
    const now = Math.floor(Date.now() / 1000);
    const stale = await postSigned(serve.eventsUrl, body, { timestamp: now - 5 * 60 - 10 });
    assert.equal(stale.status, 401);
    const future = await postSigned(serve.eventsUrl, body, { timestamp: now + 10 * 60 });
    assert.equal(future.status, 401);
    // the same body, freshly signed, is accepted
    const fresh = await postSigned(serve.eventsUrl, body, { timestamp: now });
    assert.equal(fresh.status, 200);
  });

  it('answers a malformed command in the ack with the nearest command help', async () => {
    const res = await postSigned(serve.eventsUrl, slashCommandBody({ text: 'diagnos payments' }));
    assert.equal(res.status, 200);
    const body = JSON.parse(res.body) as { response_type: string; text: string };
    assert.equal(body.response_type, 'ephemeral');
    assert.match(body.text, /did you mean `diagnose`\?/);
    const help = JSON.parse((await postSigned(serve.eventsUrl, slashCommandBody({ text: '' }))).body) as { text: string };
    assert.match(help.text, /\/buildfix commands:/);
    // the fallback text is escaped mrkdwn: Slack shows it as envdiff <agent> <agent>, never as markup
    assert.match(help.text, /envdiff &lt;agent&gt; &lt;agent&gt;/);
  });

  it('acknowledges 1,000 random command texts in time, never 5xx, and stays up', async () => {
    const words = [
      'diagnose',
      'probe',
      'modules',
      'hostcheck',
      'envdiff',
      'restart',
      'rebuild',
      'rollback',
      'cache',
      'clear',
      'warm',
      'status',
      'help',
      'explain',
      'incident',
      'open',
      '--host',
      '--job',
      '--force',
      '--clean',
      'payments',
      'agent-03',
      '../../etc/passwd',
      '$(reboot)',
      '`id`',
      '; rm -rf /',
      '"quoted arg"',
      "'x",
      '“smart”',
      '<@U123>',
      '<!channel>',
      '&amp;',
      '\u0000',
      '\u0007',
      '🔥',
      'ß',
      '\t',
      'owner/repo',
      'a'.repeat(70),
    ];
    let seed = 42;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const texts: string[] = [];
    for (let i = 0; i < 1000; i++) {
      const kind = rand(10);
      if (kind === 0) texts.push(String.fromCharCode(...Array.from({ length: rand(60) }, () => rand(0xd7ff))));
      else if (kind === 1) texts.push('x'.repeat(3990 + rand(30)));
      else texts.push(Array.from({ length: rand(7) }, () => words[rand(words.length)]).join(rand(3) === 0 ? '  ' : ' '));
    }
    const agent = new Agent({ keepAlive: true, maxSockets: 16 });
    const statuses = new Map<number, number>();
    let slowest = 0;
    let next = 0;
    const workerLoop = async (): Promise<void> => {
      while (next < texts.length) {
        const text = texts[next++] ?? '';
        const res = await postSigned(serve.eventsUrl, slashCommandBody({ text, response_url: slack.responseUrl() }), { agent });
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        slowest = Math.max(slowest, res.ms);
      }
    };
    await Promise.all(Array.from({ length: 16 }, workerLoop));
    agent.destroy();
    assert.deepEqual([...statuses.keys()], [200], `statuses: ${JSON.stringify([...statuses])}`);
    assert.ok(slowest < 3000, `slowest ack ${slowest.toFixed(0)} ms`);
    assert.equal(serve.exited, false);
    const health = await fetch(`${serve.url}/healthz`);
    assert.equal(health.status, 200);
    assert.doesNotMatch(serve.output(), /"level":(50|60)/, 'no error logged');
  });

  it('uses the exact signing scheme (a signature over another body fails)', () => {
    const ts = 1700000000;
    assert.equal(slackSignature('s', ts, 'a=1'), slackSignature('s', ts, 'a=1'));
    assert.notEqual(slackSignature('s', ts, 'a=1'), slackSignature('s', ts, 'a=2'));
  });
});
