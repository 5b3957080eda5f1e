/**
 * Secrets never reach a log line or a message: `buildfix serve` and a
 * `buildfix worker` run with distinctive values for every secret
 * (SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, JENKINS_API_TOKEN,
 * JENKINS_WEBHOOK_TOKEN, GITHUB_WEBHOOK_SECRET, GITLAB_WEBHOOK_TOKEN and
 * HTTP(S)_PROXY URLs with user:password) at LOG_LEVEL=debug. Commands that
 * succeed, fail, and echo what was typed (secrets typed into chat
 * included), a confirmed Jenkins rebuild, and webhooks with good and bad
 * credentials (the Jenkins token in a query string, secrets inside payload
 * fields) are exercised; then every captured stdout/stderr, every HTTP
 * answer and every request the fake Slack recorded is searched for each
 * secret (as is, URL-encoded and inside Basic auth).
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort, startGoProxyFake, type GoProxyFake } from '../../fakes/goproxy-server.ts';
import { startJenkinsFake, type JenkinsFake } from '../../fakes/jenkins-server.ts';
import { startSlackApiFake, type FakeMessage, type SlackApiFake } from '../../fakes/slack-api.ts';
import { deletePrefix, REDIS_URL, startServe, startWorkerProcess, uniquePrefix, type ChildHandle, type ServeHandle } from '../../helpers/slack-processes.ts';
import { appMentionBody, blockActionsBody, postSigned, slashCommandBody } from '../../helpers/slack-sign.ts';
import { signGithubBody } from '../../../src/webhooks/verify-credentials.ts';
import { startWebhookTarget, type WebhookTarget } from './webhook-target.ts';

const SECRET = {
  SLACK_BOT_TOKEN: 'xoxb-5150-7734-SeKrItBoTtOkEnQ9',
  SLACK_SIGNING_SECRET: 'signsecretZq81Kx0pL3mN',
  JENKINS_API_TOKEN: '11jenkinstokenAa22Bb33Cc44Dd55',
  JENKINS_WEBHOOK_TOKEN: 'jwhtokenYy7Uu8Ii9Oo',
  GITHUB_WEBHOOK_SECRET: 'ghsecretWm4Nv7Bq2Lp',
  GITLAB_WEBHOOK_TOKEN: 'gltokenEe5Rr6Tt7Yy',
  PROXY_PASSWORD: 'Pr0xyPassw0rdK7f3a',
};
const JENKINS_USER = 'buildfix-bot';
const ADMIN = 'UADMIN001';

interface Answer {
  status: number;
  body: string;
}

function post(url: string, body: string, headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('secrets never appear in logs or messages', { timeout: 120_000 }, () => {
  let slack: SlackApiFake;
  let jenkins: JenkinsFake;
  let goproxy: GoProxyFake;
  let serve: ServeHandle;
  let worker: ChildHandle;
  let target: WebhookTarget;
  let work: string;
  const prefix = uniquePrefix();
  const answers: Answer[] = [];

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'buildfix-secrets-'));
    await mkdir(join(work, 'payments'));
    await writeFile(join(work, 'payments', 'go.mod'), 'module example.com/payments\n\ngo 1.19\n\nrequire example.com/ledger v1.9.9\n');
    await writeFile(
      join(work, 'buildfix.yaml'),
      [
        'repos:',
        '  payments:',
        `    url: ${join(work, 'payments')}`,
        '    job: payments/main',
        'jobs:',
        '  payments/main: {}',
        'agents:',
        '  agent-01:',
        '    restart: ["/bin/true"]',
        'permissions:',
        `  restart: [${ADMIN}]`,
        `  rebuild: [${ADMIN}]`,
        `  rollback: [${ADMIN}]`,
        `  cache: [${ADMIN}]`,
        '',
      ].join('\n'),
    );
    slack = await startSlackApiFake({ token: SECRET.SLACK_BOT_TOKEN });
    jenkins = await startJenkinsFake({
      users: [{ user: JENKINS_USER, token: SECRET.JENKINS_API_TOKEN }],
      jobs: [{ name: 'payments/main', builds: [{ number: 41, result: 'FAILURE' }] }],
    });
    goproxy = await startGoProxyFake({ modules: [{ path: 'example.com/ledger', versions: [{ version: 'v1.9.8' }] }] });
    const deadProxy = `http://proxyuser:${SECRET.PROXY_PASSWORD}@127.0.0.1:${await freePort()}`;
    const env = {
      REDIS_URL,
      REDIS_PREFIX: prefix,
      BUILDFIX_CONFIG: join(work, 'buildfix.yaml'),
      LOG_LEVEL: 'debug',
      HOME: work,
      GOPROXY: goproxy.url,
      GOSUMDB: 'off',
      GOFLAGS: '-mod=mod',
      HTTP_PROXY: deadProxy,
      HTTPS_PROXY: deadProxy,
      JENKINS_URL: jenkins.url,
      JENKINS_USER,
      JENKINS_API_TOKEN: SECRET.JENKINS_API_TOKEN,
      JENKINS_WEBHOOK_TOKEN: SECRET.JENKINS_WEBHOOK_TOKEN,
      GITHUB_WEBHOOK_SECRET: SECRET.GITHUB_WEBHOOK_SECRET,
      GITLAB_WEBHOOK_TOKEN: SECRET.GITLAB_WEBHOOK_TOKEN,
      SLACK_BOT_TOKEN: SECRET.SLACK_BOT_TOKEN,
      SLACK_SIGNING_SECRET: SECRET.SLACK_SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      INCIDENT_CHANNEL: 'CINCIDENTS',
      // Loopback fakes are reached directly; everything else would go through the proxy.
      NO_PROXY: '',
    };
    worker = await startWorkerProcess('agent-01', env);
    serve = await startServe(env, await freePort(), ['--grace-ms', '500']);
    target = await startWebhookTarget(serve.url, env);
  });

  after(async () => {
    await target?.stop();
    await Promise.all([serve?.stop(), worker?.stop()]);
    await Promise.all([slack?.close(), jenkins?.close(), goproxy?.close()]);
    await deletePrefix(prefix);
    await rm(work, { recursive: true, force: true });
  });

  const sign = { secret: SECRET.SLACK_SIGNING_SECRET };

  const command = async (text: string): Promise<void> => {
    const res = await postSigned(serve.eventsUrl, slashCommandBody({ text, user_id: ADMIN, response_url: slack.responseUrl() }), sign);
    answers.push({ status: res.status, body: res.body });
    assert.equal(res.status, 200, `${text} → ${res.status}`);
  };

  const fixture = async (p: string): Promise<Record<string, any>> =>
    JSON.parse(await readFile(new URL(`../../fixtures/webhooks/${p}`, import.meta.url), 'utf8')) as Record<string, any>;

  const hook = async (path: string, body: string, headers: Record<string, string>): Promise<void> => {
    const answer = await post(`${target.origin}${path}`, body, headers);
    answers.push(answer);
    assert.ok(answer.status < 500, `${path} → ${answer.status} ${answer.body}`);
  };

  // Until Slack has been quiet for 3 s (results, alerts, follow-ups), 40 s at most.
  const settle = async (): Promise<void> => {
    const by = Date.now() + 40_000;
    let seen = -1;
    while (Date.now() < by && seen !== slack.calls.length) {
      seen = slack.calls.length;
      await new Promise((r) => setTimeout(r, 3000));
    }
  };

  interface Marks {
    serve: number;
    worker: number;
    target: number;
    calls: number;
    messages: number;
    answers: number;
  }
  const mark = (): Marks => ({
    serve: serve.output().length,
    worker: worker.output().length,
    target: target.output().length,
    calls: slack.calls.length,
    messages: slack.messages.length,
    answers: answers.length,
  });

  /** Every secret found in what was written or sent since `from`, with its context. */
  const leaksSince = (from: Marks): string[] => {
    const haystacks: Array<[string, string]> = [
      ['serve output', serve.output().slice(from.serve)],
      ['worker output', worker.output().slice(from.worker)],
      ['webhook process output', target.output().slice(from.target)],
      ['fake Slack requests', JSON.stringify(slack.calls.slice(from.calls))],
      ['fake Slack messages', JSON.stringify(slack.messages.slice(from.messages))],
      ['HTTP answers', JSON.stringify(answers.slice(from.answers))],
    ];
    const needles: Array<[string, string]> = [];
    for (const [name, value] of Object.entries(SECRET)) needles.push([name, value], [`${name} (URL-encoded)`, encodeURIComponent(value)]);
    needles.push(['Jenkins Basic auth', Buffer.from(`${JENKINS_USER}:${SECRET.JENKINS_API_TOKEN}`).toString('base64')]);
    needles.push(['Jenkins webhook Basic auth', Buffer.from(`jenkins:${SECRET.JENKINS_WEBHOOK_TOKEN}`).toString('base64')]);
    const leaks: string[] = [];
    for (const [where, text] of haystacks) {
      for (const [name, value] of needles) {
        const at = text.indexOf(value);
        if (at >= 0 && !(name.endsWith('(URL-encoded)') && encodeURIComponent(value) === value))
          leaks.push(`${name} in ${where}: …${text.slice(Math.max(0, at - 160), at + value.length + 40)}…`);
      }
    }
    return leaks;
  };

  it("the process's own secrets never reach a log line, an HTTP answer or Slack (debug logging, failures, Jenkins, webhooks, proxy credentials)", async () => {
    const from = mark();
    for (const text of ['status', 'probe agent-01', 'hostcheck agent-01', 'diagnose payments', 'diagnos payments', 'restart agent-01', 'rebuild payments/main'])
      await command(text);
    // A request signed with the wrong secret: refused, and the refusal logs nothing secret.
    answers.push(await postSigned(serve.eventsUrl, slashCommandBody({ text: 'status' }), { secret: `${SECRET.SLACK_SIGNING_SECRET}x` }));

    // Confirm the rebuild by button (the Jenkins job uses the API token).
    const confirmCall = await slack.waitFor((c) => c.method === 'chat.postMessage' && c.ok && /Confirm: .*payments\/main/i.test(String(c.args.text)), 20_000);
    const confirm = slack.messages.find((m) => m.text === confirmCall.args.text) as FakeMessage;
    const blocks = (confirm.blocks ?? []) as Array<{ type: string; elements?: Array<{ action_id: string; value: string; text: { text: string } }> }>;
    const run = blocks.flatMap((b) => b.elements ?? []).find((e) => e.action_id === 'bf-run');
    assert.ok(run, 'a run button');
    const click = await postSigned(
      serve.eventsUrl,
      blockActionsBody({
        type: 'block_actions',
        user: { id: ADMIN, username: 'admin', team_id: 'T1' },
        team: { id: 'T1', domain: 'acme' },
        api_app_id: 'A1',
        token: 'legacy',
        trigger_id: `click.${Date.now()}`,
        response_url: slack.responseUrl('click'),
        container: { type: 'message', message_ts: confirm.ts, channel_id: confirm.channel, is_ephemeral: false },
        channel: { id: confirm.channel, name: 'incident-build-failure' },
        message: { type: 'message', ts: confirm.ts, text: confirm.text, blocks: confirm.blocks, user: 'UBOT' },
        state: { values: {} },
        actions: [
          {
            type: 'button',
            action_id: run.action_id,
            block_id: 'b',
            value: run.value,
            text: { type: 'plain_text', text: run.text.text },
            action_ts: `${Date.now() / 1000}`,
          },
        ],
      }),
      sign,
    );
    answers.push({ status: click.status, body: click.body });

    // Webhooks with good and bad credentials; the Jenkins token in a query string and in Basic auth.
    const gh = await fixture('github/workflow_run.completed.payload.json');
    gh.workflow_run.conclusion = 'failure';
    const ghBody = JSON.stringify(gh);
    const jkBody = JSON.stringify(await fixture('jenkins/finalized-failure.json'));
    const gl = await fixture('gitlab/pipeline-hook.example.json');
    gl.object_attributes.status = 'failed';
    const glBody = JSON.stringify(gl);
    await hook('/webhooks/github', ghBody, {
      'content-type': 'application/json',
      'x-github-event': 'workflow_run',
      'x-github-delivery': 'own-1',
      'x-hub-signature-256': signGithubBody(SECRET.GITHUB_WEBHOOK_SECRET, ghBody),
    });
    await hook('/webhooks/github', ghBody, {
      'content-type': 'application/json',
      'x-github-event': 'workflow_run',
      'x-github-delivery': 'own-2',
      'x-hub-signature-256': signGithubBody(`${SECRET.GITHUB_WEBHOOK_SECRET}x`, ghBody),
    });
    await hook(`/webhooks/jenkins?token=${SECRET.JENKINS_WEBHOOK_TOKEN}`, jkBody, { 'content-type': 'application/json' });
    await hook(`/webhooks/jenkins?token=${SECRET.JENKINS_WEBHOOK_TOKEN}-wrong`, jkBody, { 'content-type': 'application/json' });
    await hook('/webhooks/jenkins', jkBody, {
      'content-type': 'application/json',
      authorization: `Basic ${Buffer.from(`jenkins:${SECRET.JENKINS_WEBHOOK_TOKEN}`).toString('base64')}`,
    });
    await hook('/webhooks/gitlab', glBody, {
      'content-type': 'application/json',
      'x-gitlab-event': 'Pipeline Hook',
      'x-gitlab-token': SECRET.GITLAB_WEBHOOK_TOKEN,
    });
    await hook('/webhooks/gitlab', glBody, {
      'content-type': 'application/json',
      'x-gitlab-event': 'Pipeline Hook',
      'x-gitlab-token': `${SECRET.GITLAB_WEBHOOK_TOKEN}0`,
    });

    await settle();
    answers.push({ status: 0, body: await (await fetch(`${serve.url}/healthz`)).text() });
    assert.ok(serve.output().includes('"level":20'), 'debug logging was on');
    assert.ok(slack.calls.length > 10, 'Slack was called');
    assert.ok(
      jenkins.requests.some((r) => r.authVia === 'token'),
      'Jenkins was called with the API token',
    );
    assert.match(JSON.stringify(slack.calls), /Root cause/, 'the diagnosis (through the proxy settings) was posted');
    assert.deepEqual(leaksSince(from), [], 'secret values found');
  });

  // Echo paths: router errors, the ack's usage text, confirmation prompts, alert blocks (all Slack
  // output goes through SlackApi, which runs redactText), webhook answers (webhook-http send) and
  // the pipeline key in log lines.
  it('secrets typed into chat or carried in CI payloads are masked before they are echoed', async () => {
    const from = mark();
    for (const text of [
      `diagnose ${SECRET.SLACK_BOT_TOKEN}`,
      `restart ${SECRET.JENKINS_API_TOKEN}`,
      `diagnos ${SECRET.GITHUB_WEBHOOK_SECRET}`,
      `modules https://proxyuser:${SECRET.PROXY_PASSWORD}@git.example.invalid/x.git`,
      `explain ${SECRET.SLACK_SIGNING_SECRET}`,
      `incident note ${SECRET.GITLAB_WEBHOOK_TOKEN}`,
      `rebuild ${SECRET.JENKINS_WEBHOOK_TOKEN}`,
    ])
      await command(text);
    const mention = await postSigned(
      serve.eventsUrl,
      appMentionBody({ text: `<@UBOT> diagnose ${SECRET.JENKINS_API_TOKEN}`, ts: '1700020000.000100', eventId: 'Ev0SECRET1', user: ADMIN }),
      sign,
    );
    answers.push({ status: mention.status, body: mention.body });
    const gh = await fixture('github/workflow_run.completed.payload.json');
    gh.workflow_run.conclusion = 'failure';
    gh.workflow_run.head_branch = `leak-${SECRET.GITHUB_WEBHOOK_SECRET}`;
    gh.workflow_run.display_title = `leak ${SECRET.SLACK_BOT_TOKEN}`;
    const ghBody = JSON.stringify(gh);
    const jk = await fixture('jenkins/finalized-failure.json');
    jk.build.log = `token=${SECRET.JENKINS_API_TOKEN} https://u:${SECRET.PROXY_PASSWORD}@proxy.example:3128`;
    jk.name = `job-${SECRET.JENKINS_WEBHOOK_TOKEN}`;
    const jkBody = JSON.stringify(jk);
    const gl = await fixture('gitlab/pipeline-hook.example.json');
    gl.object_attributes.status = 'failed';
    gl.object_attributes.ref = `fix/${SECRET.GITLAB_WEBHOOK_TOKEN}`;
    const glBody = JSON.stringify(gl);
    await hook('/webhooks/github', ghBody, {
      'content-type': 'application/json',
      'x-github-event': 'workflow_run',
      'x-github-delivery': 'echo-1',
      'x-hub-signature-256': signGithubBody(SECRET.GITHUB_WEBHOOK_SECRET, ghBody),
    });
    await hook(`/webhooks/jenkins?token=${SECRET.JENKINS_WEBHOOK_TOKEN}`, jkBody, { 'content-type': 'application/json' });
    await hook('/webhooks/gitlab', glBody, {
      'content-type': 'application/json',
      'x-gitlab-event': 'Pipeline Hook',
      'x-gitlab-token': SECRET.GITLAB_WEBHOOK_TOKEN,
    });
    await settle();
    assert.deepEqual(leaksSince(from), [], 'secret values echoed');
  });
});
