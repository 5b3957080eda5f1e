/**
 * One incident per cause (issue 16, item 3) through real `buildfix serve`
 * processes on real Redis: Jenkins notifications (console logs from the
 * Jenkins fake), GitHub workflow_run and GitLab Pipeline Hook deliveries
 * (their failed jobs' logs from the GitHub/GitLab log fake, read with
 * GITHUB_TOKEN / GITLAB_TOKEN), all from the real payload fixtures, and the
 * strict Slack fake.
 *
 *   30 failures of 6 pipelines in 3 repos, one missing module, sent at once to two serve
 *   replicas, one of them restarted mid-stream → one incident, one alert edited in place
 *   to "30 failures · 6 pipelines in 3 repos · all on agent-03";
 *   one pipeline failing for two causes → two incidents; after the window → a new incident.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import type { RedisIncidentStore } from '../../../src/incidents/redis-incident-store.ts';
import { startCiLogsFake, type CiLogsFake } from '../../fakes/ci-logs-server.ts';
import { startJenkinsFake, type JenkinsFake } from '../../fakes/jenkins-server.ts';
import { startSlackApiFake, type FakeMessage, type SlackApiFake } from '../../fakes/slack-api.ts';
import { startServeOnFreePort, uniquePrefix, type ServeHandle } from '../../helpers/slack-processes.ts';
import { githubHeaders, gitlabHeaders, gitlabPipeline, jenkinsNotification, workflowRun } from '../../unit/webhooks/payloads.ts';
import {
  buttonsOf,
  eventually,
  INCIDENT_CHANNEL,
  postJenkins,
  postRaw,
  releaseIncidentTest,
  setUpIncidentServe,
  shownText,
  type HttpReply,
} from './harness.ts';

const GITHUB_TOKEN = 'ghp_grouping0123456789abcdefABCDEF';
const GITLAB_TOKEN = 'glpat-grouping0123456789';
const MISSING = 'go: example.com/ledger@v1.9.9: reading https://proxy.golang.org/example.com/ledger/@v/v1.9.9.info: 404 Not Found';
const PROXY =
  'go: example.com/ledger@v1.9.9: Get "https://proxy.golang.org/example.com/ledger/@v/v1.9.9.info": proxyconnect tcp: dial tcp proxy.corp:3128: connect: connection refused';

/** A Jenkins pipeline console log: the agent line, then go's error. */
function jenkinsConsole(job: string, error: string, agent = 'agent-03'): string {
  return [
    'Started by an SCM change',
    `Running on ${agent} in /var/lib/jenkins/workspace/${job.replace(/\//g, '_')}`,
    '[Pipeline] sh',
    '+ go mod download',
    'go: downloading example.com/ledger v1.9.9',
    error,
    'ERROR: script returned exit code 1',
    'Finished: FAILURE',
    '',
  ].join('\n');
}

/** A GitHub Actions job log (timestamps, the runner banner of "Set up job"). */
function githubLog(error: string): string {
  const t = '2026-12-06T01:00:00.0000000Z';
  return [
    `${t} Current runner version: '2.321.0'`,
    `${t} Runner name: 'agent-03'`,
    `${t} ##[group]Run go mod download`,
    `${t} ${error}`,
    `${t} ##[error]Process completed with exit code 1.`,
    '',
  ].join('\n');
}

/** A GitLab job trace (the runner banner names the runner). */
function gitlabTrace(error: string): string {
  return [
    'Running with gitlab-runner 17.5.0 (8ec04662)',
    '  on agent-03 xYz12AbC, system ID: s_0123456789ab',
    '$ go mod download',
    error,
    'ERROR: Job failed: exit code 1',
    '',
  ].join('\n');
}

const alertsIn = (slack: SlackApiFake): FakeMessage[] => slack.messages.filter((m) => m.channel === INCIDENT_CHANNEL && m.threadTs === undefined);

describe('one incident per cause across pipelines, repos and serve replicas (real Redis)', { timeout: 180_000 }, () => {
  let slack: SlackApiFake;
  let jenkins: JenkinsFake;
  let logs: CiLogsFake;
  let serves: ServeHandle[] = [];
  let work: string;
  let store: RedisIncidentStore;
  let redis: Redis;
  let env: Record<string, string>;
  const prefix = uniquePrefix();

  before(async () => {
    const builds = (job: string, first: number) =>
      Array.from({ length: 5 }, (_, i) => ({ number: first + i, result: 'FAILURE' as const, console: jenkinsConsole(job, MISSING) }));
    jenkins = await startJenkinsFake({
      jobs: [
        { name: 'payments/main', builds: builds('payments/main', 101) },
        { name: 'payments/release', builds: builds('payments/release', 201) },
      ],
    });
    logs = await startCiLogsFake({ githubToken: GITHUB_TOKEN, gitlabToken: GITLAB_TOKEN });
    slack = await startSlackApiFake();
    const config = 'incidents:\n  autoDiagnose: true\n  groupWindow: 30m\n';
    let serveEnv: Record<string, string>;
    ({ work, store, redis, env: serveEnv } = await setUpIncidentServe({ label: 'cause-grouping', config, prefix, slack, jenkins }));
    env = { ...serveEnv, GITHUB_TOKEN, GITLAB_TOKEN };
    serves = [await startServeOnFreePort(env), await startServeOnFreePort(env)];
  });

  after(async () => {
    const codes = await Promise.all(serves.map((s) => s.stop()));
    await releaseIncidentTest({ redis, prefix, work, fakes: [slack, jenkins, logs] });
    assert.deepEqual(
      codes,
      codes.map(() => 0),
      'every serve exits 0 on SIGTERM',
    );
    for (const s of serves) assert.doesNotMatch(s.output(), /"level":(50|60)/, 'no error logged');
  });

  /** The 30 deliveries: 5 failures each of payments/{main,release} (Jenkins), octo-repo CI on {main,release} (GitHub), gitlab-test on {main,release} (GitLab). */
  function deliveries(): Array<(serve: ServeHandle) => Promise<HttpReply>> {
    const out: Array<(serve: ServeHandle) => Promise<HttpReply>> = [];
    for (let i = 0; i < 5; i++) {
      for (const branch of ['main', 'release']) {
        const number = (branch === 'main' ? 101 : 201) + i;
        out.push((serve) => postJenkins(serve, jenkinsNotification({ number, jobUrl: `job/payments/job/${branch}/`, name: branch })));

        const runId = 7000 + out.length;
        const payload = JSON.parse(workflowRun({ id: runId, runNumber: runId, branch }).toString('utf8')) as { workflow_run: Record<string, unknown> };
        payload.workflow_run.jobs_url = `${logs.url}/repos/octo-org/octo-repo/actions/runs/${runId}/jobs`;
        logs.githubRun('octo-org/octo-repo', runId, [
          { id: runId * 10, name: 'build', conclusion: 'failure', log: githubLog(MISSING) },
          { id: runId * 10 + 1, name: 'lint', conclusion: 'success', log: 'ok\n' },
        ]);
        const ghBody = Buffer.from(JSON.stringify(payload));
        out.push((serve) => postRaw(serve.url, '/webhooks/github', ghBody, githubHeaders(ghBody)));

        const pipelineId = 9000 + out.length;
        const jobId = pipelineId * 10;
        const gl = JSON.parse(
          gitlabPipeline({
            id: pipelineId,
            finishedAt: `2026-12-06 01:00:${String(out.length).padStart(2, '0')} UTC`,
            builds: [{ id: jobId, stage: 'test', name: 'test', status: 'failed', allow_failure: false, failure_reason: 'script_failure' }],
          }).toString('utf8'),
        ) as { object_attributes: Record<string, unknown>; project: Record<string, unknown> };
        gl.object_attributes.ref = branch;
        gl.project.web_url = `${logs.url}/gitlab-org/gitlab-test`;
        logs.gitlabTrace(1, jobId, gitlabTrace(MISSING));
        const glBody = Buffer.from(JSON.stringify(gl));
        out.push((serve) => postRaw(serve.url, '/webhooks/gitlab', glBody, gitlabHeaders()));
      }
    }
    return out;
  }

  it('30 failures of 6 pipelines in 3 repos, two replicas, one restarted mid-stream: one incident, one alert updated in place', async () => {
    const all = deliveries();
    assert.equal(all.length, 30);
    const replies: HttpReply[] = [];
    const burst = async (sends: typeof all, targets: ServeHandle[]): Promise<void> => {
      replies.push(...(await Promise.all(sends.map((send, i) => send(targets[i % targets.length] as ServeHandle)))));
    };
    // Both replicas at once.
    await burst(all.slice(0, 12), serves);
    // Replica 0 restarts; replica 1 takes the deliveries meanwhile.
    const [first, second] = serves as [ServeHandle, ServeHandle];
    const stopping = first.stop();
    await burst(all.slice(12, 18), [second]);
    assert.equal(await stopping, 0);
    const restarted = await startServeOnFreePort(env);
    serves = [restarted, second, first];
    // Both again, the restarted one included.
    await burst(all.slice(18), [restarted, second]);

    assert.deepEqual(
      replies.map((r) => r.status),
      Array(30).fill(200),
      JSON.stringify(replies.filter((r) => r.status !== 200)),
    );
    assert.equal(
      replies.filter((r) => r.body.result === 'opened').length,
      1,
      `one failure opened the incident, the others joined it: ${JSON.stringify(replies.map((r) => [r.body.pipeline, r.body.result, r.body.cause]))}`,
    );
    const ids = new Set(replies.map((r) => r.body.incident));
    assert.equal(ids.size, 1, `one incident: ${[...ids].join(', ')}`);
    assert.ok(
      replies.every((r) => r.body.cause === 'version-not-found example.com/ledger@v1.9.9'),
      JSON.stringify(replies.map((r) => r.body.cause)),
    );

    const id = Number([...ids][0]);
    const incident = await store.get(id);
    assert.equal(incident?.failureCount, 30);
    assert.deepEqual(incident?.cause, {
      key: 'version-not-found|module|example.com/ledger@v1.9.9',
      category: 'version-not-found',
      scope: 'module',
      subject: 'example.com/ledger@v1.9.9',
    });
    assert.deepEqual([...(incident?.blast?.pipelines ?? [])].sort(), [
      'github:octo-org/octo-repo:test:main',
      'github:octo-org/octo-repo:test:release',
      'gitlab:gitlab-org/gitlab-test:main',
      'gitlab:gitlab-org/gitlab-test:release',
      'jenkins:payments/main',
      'jenkins:payments/release',
    ]);
    assert.deepEqual([...(incident?.blast?.repos ?? [])].sort(), ['acme/payments', 'gitlab-org/gitlab-test', 'octo-org/octo-repo']);
    assert.deepEqual(incident?.blast?.agents, ['agent-03']);
    assert.equal(incident?.blast?.agentUnknown, 0);
    assert.equal((await store.listOpen()).length, 1);

    // Each failure that joined is in the timeline, with its pipeline, repo and agent.
    const entries = (await store.timeline(id)).filter((e) => e.kind === 'ci-event');
    assert.equal(entries.length, 30);
    assert.equal(new Set(entries.map((e) => e.data?.pipeline)).size, 6);
    assert.ok(entries.every((e) => e.data?.agent === 'agent-03' && typeof e.data.repo === 'string'));

    // One alert, edited in place to the whole blast radius.
    const alert = await eventually(
      'the alert showing 30 failures in 6 pipelines',
      () => {
        const found = alertsIn(slack);
        return found.length === 1 && /30 failures · 6 pipelines in 3 repos · all on agent-03/.test(found[0]?.text ?? '') ? found[0] : undefined;
      },
      30_000,
    );
    assert.match(shownText(alert), /Blast radius: \*6 pipelines in 3 repos\*/);
    assert.match(shownText(alert), /all on agent-03/);
    assert.equal(incident?.threadTs ?? (await store.get(id))?.threadTs, alert.ts, 'the alert is the incident thread');
    assert.ok(
      slack.okCalls('chat.update').some((c) => c.args.ts === alert.ts && /6 pipelines in 3 repos/.test(String(c.args.text))),
      'through chat.update',
    );
    assert.equal(
      slack.okCalls('chat.postMessage').filter((c) => c.args.channel === INCIDENT_CHANNEL && c.args.thread_ts === undefined).length,
      1,
      'never a new alert per failure',
    );
    // The logs were read where they live: every Jenkins console, GitHub's failed job (not the green one), GitLab's trace.
    assert.equal(jenkins.requests.filter((r) => /consoleText$/.test(r.path)).length >= 10, true);
    assert.ok(logs.requests.some((p) => /\/actions\/jobs\/\d+0\/logs$/.test(p)));
    assert.ok(!logs.requests.some((p) => /\/actions\/jobs\/\d+1\/logs$/.test(p)), 'the green job is not read');
    assert.ok(logs.requests.some((p) => /^\/api\/v4\/projects\/1\/jobs\/\d+\/trace$/.test(p)));
    // The automatic diagnosis explained the cause once, in the one thread.
    await eventually('the explanation in the thread', () => slack.thread(INCIDENT_CHANNEL, alert.ts).find((m) => /version-not-found/.test(m.text)));
  });

  it('one of the 6 pipelines green again: said in the thread, no Resolve until all are', async () => {
    const [incident] = await store.listOpen();
    assert.ok(incident?.threadTs);
    const reply = await postJenkins(serves[0] as ServeHandle, jenkinsNotification({ number: 106, status: 'SUCCESS' }));
    assert.equal(reply.body.result, 'recovered');
    assert.equal(reply.body.incident, incident.id);
    const note = await eventually('the partial recovery in the thread', () =>
      slack.thread(INCIDENT_CHANNEL, incident.threadTs ?? '').find((m) => /1 of 6 pipelines of incident #\d+ are/.test(m.text)),
    );
    assert.ok(!buttonsOf(note).some((b) => b.text.text === 'Resolve'), 'no Resolve yet');
    const alert = await eventually('the alert counting 1 of 6 green', () =>
      slack.messages.find((m) => m.ts === incident.threadTs && /1 of 6 pipelines green again/.test(shownText(m))),
    );
    assert.doesNotMatch(alert.text, /\(green again\)/);
    assert.ok(!buttonsOf(alert).some((b) => b.text.text === 'Resolve'));
  });
});

describe('one pipeline, two causes; the grouping window (buildfix serve, real Redis)', { timeout: 120_000 }, () => {
  let slack: SlackApiFake;
  let jenkins: JenkinsFake;
  let serve: ServeHandle;
  let work: string;
  let store: RedisIncidentStore;
  let redis: Redis;
  const prefix = uniquePrefix();
  const WINDOW_S = 3;

  before(async () => {
    const errors = [MISSING, PROXY, MISSING, MISSING];
    jenkins = await startJenkinsFake({
      jobs: [{ name: 'ledger/main', builds: errors.map((e, i) => ({ number: i + 1, result: 'FAILURE' as const, console: jenkinsConsole('ledger/main', e) })) }],
    });
    slack = await startSlackApiFake();
    const config = `incidents:\n  autoDiagnose: false\n  groupWindow: ${WINDOW_S}s\n`;
    let env: Record<string, string>;
    ({ work, store, redis, env } = await setUpIncidentServe({ label: 'cause-window', config, prefix, slack, jenkins }));
    serve = await startServeOnFreePort(env);
  });

  after(async () => {
    const code = await serve?.stop();
    await releaseIncidentTest({ redis, prefix, work, fakes: [slack, jenkins] });
    assert.equal(code, 0);
    assert.doesNotMatch(serve?.output() ?? '', /"level":(50|60)/, 'no error logged');
  });

  const post = (number: number): Promise<HttpReply> => postJenkins(serve, jenkinsNotification({ number, jobUrl: 'job/ledger/job/main/', name: 'main' }));
  let missingId = 0;
  let lastMissingAt = 0;

  it('the same pipeline failing for two different causes: two incidents, two alerts', async () => {
    const missing = await post(1);
    const proxy = await post(2);
    const missingAgain = await post(3);
    lastMissingAt = Date.now();
    assert.deepEqual([missing.body.result, proxy.body.result, missingAgain.body.result], ['opened', 'opened', 'grouped']);
    assert.notEqual(proxy.body.incident, missing.body.incident);
    assert.equal(missingAgain.body.incident, missing.body.incident);
    assert.equal(proxy.body.cause, 'corporate-proxy through proxy.corp:3128');
    missingId = Number(missing.body.incident);
    const proxyId = Number(proxy.body.incident);
    assert.equal((await store.get(proxyId))?.cause?.subject, 'proxy.corp:3128');
    await eventually('two alerts', () => (alertsIn(slack).length === 2 ? true : undefined));
    const proxyTs = await eventually('the proxy alert posted', async () => (await store.get(proxyId))?.threadTs);
    const proxyAlert = await eventually('the proxy alert', () => alertsIn(slack).find((m) => m.ts === proxyTs));
    assert.match(shownText(proxyAlert), /all through proxy\.corp:3128/);
    assert.match(shownText(proxyAlert), /all on agent-03/);
    await eventually('the missing-module alert counting 2', () => alertsIn(slack).find((m) => /2 failures/.test(m.text)));
  });

  it('after the window: the cause opens a new incident', async () => {
    const wait = lastMissingAt + WINDOW_S * 1000 + 300 - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const late = await post(4);
    assert.equal(late.body.result, 'opened');
    assert.notEqual(Number(late.body.incident), missingId);
    assert.equal(late.body.cause, 'version-not-found example.com/ledger@v1.9.9');
    await eventually('a third alert', () => (alertsIn(slack).length === 3 ? true : undefined));
    assert.equal((await store.get(missingId))?.failureCount, 2, 'the old incident is left as it was');
  });
});
