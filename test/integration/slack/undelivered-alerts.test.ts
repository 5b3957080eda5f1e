/**
 * An incident alert Slack will not take is never retried forever and never
 * lost silently (a real `buildfix serve` on real Redis, the strict Slack
 * fake, GitHub workflow_run deliveries):
 * - a permanent refusal (not_in_channel) is tried once, then reported: an
 *   error log line with Slack's code and what to do, the incident's timeline
 *   ("alert not delivered to Slack: not_in_channel"), /metrics
 *   buildfix_slack_posts_failed_total{reason}, and `buildfix status`;
 * - a transient failure (service_unavailable) that does not stop is retried
 *   with pauses until slack.postGiveUpAfter (3 s here), then reported the same way;
 * - a transient failure that clears is retried until the alert is posted, once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import type { RedisIncidentStore } from '../../../src/incidents/redis-incident-store.ts';
import { startSlackApiFake, type SlackApiFake } from '../../fakes/slack-api.ts';
import { runCli } from '../../helpers/run-cli.ts';
import { REDIS_URL, startServeOnFreePort, uniquePrefix, type ServeHandle } from '../../helpers/slack-processes.ts';
import { githubHeaders, workflowRun } from '../../unit/webhooks/payloads.ts';
import { eventually, INCIDENT_CHANNEL, postRaw, releaseIncidentTest, setUpIncidentServe, sleep } from '../incident-flow/harness.ts';

describe('incident alerts Slack will not take: given up and reported, never retried forever', { timeout: 120_000 }, () => {
  let slack: SlackApiFake;
  let serve: ServeHandle;
  let work: string;
  let store: RedisIncidentStore;
  let redis: Redis;
  const prefix = uniquePrefix();
  let runs = 0;

  /** A failed GitHub Actions run of its own workflow: a new incident, whose alert goes to INCIDENT_CHANNEL. */
  const failRun = async (workflow: string): Promise<number> => {
    const body = workflowRun({ id: 5000 + ++runs, runNumber: runs, workflow });
    const reply = await postRaw(serve.url, '/webhooks/github', body, githubHeaders(body));
    assert.equal(reply.status, 200);
    assert.equal(reply.body.result, 'opened');
    return Number(reply.body.incident);
  };
  const alertAttempts = (): number => slack.callsTo('chat.postMessage').filter((c) => c.args.channel === INCIDENT_CHANNEL && !c.args.thread_ts).length;
  const timelineTexts = async (id: number): Promise<string[]> => (await store.timeline(id)).map((e) => e.text);
  const sample = async (prefix: string): Promise<number> => {
    const text = await (await fetch(`${serve.url}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(prefix));
    return line ? Number(line.split(' ').at(-1)) : 0;
  };
  const metric = (reason: string): Promise<number> => sample(`buildfix_slack_posts_failed_total{reason="${reason}"`);
  const apiErrors = (kind: string): Promise<number> => sample(`buildfix_slack_api_errors_total{method="chat.postMessage",kind="${kind}"}`);

  before(async () => {
    slack = await startSlackApiFake();
    const config = 'incidents:\n  autoDiagnose: false\n  groupWindow: "off"\nslack:\n  postGiveUpAfter: 3s\n';
    let env: Record<string, string>;
    ({ work, store, redis, env } = await setUpIncidentServe({ label: 'undelivered', config, prefix, slack }));
    serve = await startServeOnFreePort(env);
  });

  after(async () => {
    const code = await serve?.stop();
    await releaseIncidentTest({ redis, prefix, work, fakes: [slack] });
    assert.equal(code, 0, 'serve exits 0 on SIGTERM');
  });

  it('not_in_channel: one attempt, then the error log, the timeline, the counter and buildfix status say so', async () => {
    slack.fail('chat.postMessage', { error: 'not_in_channel', channel: INCIDENT_CHANNEL });
    const before = alertAttempts();
    const id = await failRun('refused');
    const entry = await eventually('the timeline entry', async () => (await timelineTexts(id)).find((t) => /alert not delivered/.test(t)));
    assert.match(entry, /^alert not delivered to Slack: not_in_channel \(invite the bot to <#CINCIDENTS>: \/invite @buildfix\)$/);
    await sleep(1500);
    assert.equal(alertAttempts() - before, 1, 'a permanent refusal is not retried');
    assert.equal((await store.get(id))?.threadTs, undefined, 'no thread was attached');

    const logged = serve
      .output()
      .split('\n')
      .find((l) => /"level":50/.test(l) && /NOT delivered/.test(l));
    assert.ok(logged, 'logged at error');
    assert.match(logged, /"slackError":"not_in_channel"/);
    assert.match(logged, /alert of incident #\d+ NOT delivered to Slack \(not_in_channel\): invite the bot to <#CINCIDENTS>: \/invite @buildfix/);
    assert.equal(await metric('not_in_channel'), 1);
    // The Web API call itself failed once, as a Slack error (no retry).
    assert.equal(await apiErrors('slack'), 1);

    const status = await runCli(['status'], { REDIS_URL, REDIS_PREFIX: prefix });
    assert.equal(status.exitCode, 0, status.stderr);
    assert.match(status.stdout, /Slack posts NOT delivered/);
    assert.match(
      status.stdout,
      new RegExp(`alert of incident #${id} to CINCIDENTS not delivered: not_in_channel — invite the bot to <#CINCIDENTS>: /invite @buildfix`),
    );
    const json = (await runCli(['status', '--json'], { REDIS_URL, REDIS_PREFIX: prefix })).json<{
      undeliveredPosts: Array<{ incident?: number; reason: string; permanent: boolean; attempts: number }>;
    }>();
    assert.deepEqual(
      json.undeliveredPosts.map((p) => [p.incident, p.reason, p.permanent, p.attempts]),
      [[id, 'not_in_channel', true, 1]],
    );
  });

  it('service_unavailable that does not stop: retried with pauses until postGiveUpAfter, then reported', async () => {
    slack.fail('chat.postMessage', ...Array.from({ length: 40 }, () => ({ error: 'service_unavailable', channel: INCIDENT_CHANNEL })));
    const before = alertAttempts();
    const started = Date.now();
    const id = await failRun('slack-down');
    const entry = await eventually('the timeline entry', async () => (await timelineTexts(id)).find((t) => /alert not delivered/.test(t)), 20_000);
    const took = Date.now() - started;
    slack.clearFailures('chat.postMessage');
    assert.match(entry, /^alert not delivered to Slack: service_unavailable \(Slack kept failing/);
    const attempts = alertAttempts() - before;
    assert.ok(attempts >= 3 && attempts <= 10, `retried a bounded number of times (${attempts})`);
    assert.ok(took >= 2000 && took < 10_000, `gave up after about postGiveUpAfter (${took} ms)`);
    await sleep(1500);
    assert.equal(alertAttempts() - before, attempts, 'nothing more after giving up');
    assert.equal(await metric('service_unavailable'), 1);
    const status = await runCli(['status'], { REDIS_URL, REDIS_PREFIX: prefix });
    assert.match(
      status.stdout,
      new RegExp(`alert of incident #${id} to CINCIDENTS not delivered: service_unavailable \\(gave up after ${attempts} attempts\\)`),
    );
  });

  it('internal_error twice, then Slack takes it: the alert is posted once and becomes the incident thread', async () => {
    slack.fail('chat.postMessage', { error: 'internal_error', channel: INCIDENT_CHANNEL }, { error: 'internal_error', channel: INCIDENT_CHANNEL });
    const before = alertAttempts();
    const id = await failRun('flaky');
    const incident = await eventually('the alert thread', async () => {
      const i = await store.get(id);
      return i?.threadTs ? i : undefined;
    });
    assert.equal(alertAttempts() - before, 3);
    const alerts = slack.messages.filter((m) => m.channel === INCIDENT_CHANNEL && !m.threadTs && m.ts === incident.threadTs);
    assert.equal(alerts.length, 1);
    const texts = await timelineTexts(id);
    assert.ok(texts.some((t) => /^alert posted in/.test(t)));
    assert.ok(!texts.some((t) => /not delivered/.test(t)));
    assert.equal(await metric('internal_error'), 0);
  });
});
