/**
 * Verify after fix for GitHub Actions and GitLab CI pipelines whose next webhook never reaches buildfix, through a
 * real `buildfix serve` on real Redis with the strict Slack fake and the GitHub/GitLab REST fake (GITHUB_TOKEN and
 * GITLAB_TOKEN enforced):
 *
 *   a workflow_run failure opens the incident (its logs_url names the API) → Fixed on the alert → the workflow
 *   runs green on GitHub, with no delivery to serve → serve reads the run through GET …/actions/workflows/<id>/runs
 *   and offers Resolve in the thread, the timeline saying the run was followed through GitHub;
 *   the same for a GitLab Pipeline Hook failure (its failed job's trace link names the project's API) and the
 *   project's next pipeline, read through GET …/projects/<id>/pipelines;
 *   and for a check_run failure of another CI app: the check's next run on the branch, read through
 *   GET …/commits/<branch>/check-runs?check_name=…, and its late webhook does not count the run again.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import type { RedisIncidentStore } from '../../../src/incidents/redis-incident-store.ts';
import { startCiRestFake, type CiRestFake } from '../../fakes/ci-rest-server.ts';
import { startSlackApiFake, type FakeMessage, type SlackApiFake } from '../../fakes/slack-api.ts';
import { startServeOnFreePort, uniquePrefix, type ServeHandle } from '../../helpers/slack-processes.ts';
import { checkRun, githubHeaders, gitlabHeaders, gitlabPipeline, workflowRun } from '../../unit/webhooks/payloads.ts';
import { buttonsOf, click, eventually, INCIDENT_CHANNEL, postRaw, releaseIncidentTest, setUpIncidentServe, shownText } from './harness.ts';

const GITHUB_TOKEN = 'ghp_followVerify0123456789abcdefABCD';
const GITLAB_TOKEN = 'glpat-followVerify012345';
const REPO = 'octo-org/octo-repo';
const ANN = 'UANN0001';

describe('verify after fix: a GitHub run or GitLab pipeline with no webhook is followed through the API', { timeout: 120_000 }, () => {
  const prefix = uniquePrefix();
  let slack: SlackApiFake;
  let rest: CiRestFake;
  let serve: ServeHandle | undefined;
  let store: RedisIncidentStore;
  let redis: Redis;
  let work: string;

  before(async () => {
    slack = await startSlackApiFake();
    rest = await startCiRestFake({ githubToken: GITHUB_TOKEN, gitlabToken: GITLAB_TOKEN });
    const config = 'incidents:\n  autoDiagnose: false\n  verify:\n    greenBuilds: 2\n    followBuildsSeconds: 1\n';
    let env: Record<string, string>;
    ({ work, store, redis, env } = await setUpIncidentServe({ label: 'verify-followed-github', config, prefix, slack }));
    serve = await startServeOnFreePort({ ...env, GITHUB_TOKEN, GITLAB_TOKEN });
  });

  after(async () => {
    const code = await serve?.stop();
    await releaseIncidentTest({ redis, prefix, work, fakes: [slack, rest] });
    assert.equal(code, 0);
    assert.doesNotMatch(serve?.output() ?? '', /"level":(50|60)/, 'no error logged');
    assert.doesNotMatch(serve?.output() ?? '', new RegExp(`${GITHUB_TOKEN}|${GITLAB_TOKEN}`), 'no token is ever logged');
  });

  /** Fixed on incident #id's alert, as a person would press it; resolves to the alert once the verification waits for builds. */
  async function fixedOnAlert(id: number): Promise<FakeMessage> {
    assert.ok(serve);
    const alert = await eventually('the alert with a Fixed button', () =>
      slack.messages.find(
        (m) => m.channel === INCIDENT_CHANNEL && m.threadTs === undefined && m.text.includes(`#${id}`) && buttonsOf(m).some((b) => b.text.text === 'Fixed'),
      ),
    );
    const fixed = buttonsOf(alert).find((b) => b.text.text === 'Fixed');
    assert.ok(fixed);
    await click(serve, slack, alert, fixed, ANN);
    await eventually('the verification waiting for builds', async () => (await store.get(id))?.verification?.state === 'waiting');
    return alert;
  }

  /** The thread's Resolve offer under `alert`. */
  function resolveOffer(alert: FakeMessage): Promise<FakeMessage> {
    return eventually(
      'the Resolve offer',
      () => slack.messages.find((m) => m.threadTs === alert.ts && /Fix verified/.test(m.text) && buttonsOf(m).some((b) => b.text.text === 'Resolve')),
      30_000,
    );
  }

  it('Fixed, then the workflow runs green on GitHub with no delivery: Resolve is offered', async () => {
    assert.ok(serve);
    const runId = 5100;
    const payload = JSON.parse(workflowRun({ id: runId, runNumber: 77, branch: 'main' }).toString('utf8')) as {
      workflow: { name: string };
      workflow_run: Record<string, unknown>;
    };
    payload.workflow_run.logs_url = `${rest.url}/repos/${REPO}/actions/runs/${runId}/logs`;
    const body = Buffer.from(JSON.stringify(payload));
    const reply = await postRaw(serve.url, '/webhooks/github', body, githubHeaders(body));
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    const id = Number(reply.body.incident);
    // The pipeline is named after the workflow ("test"); the run itself has another name (here none, as in
    // GitHub's own example payload), so the runs are asked for by the workflow's id.
    const workflow = payload.workflow.name;
    const workflowId = Number(payload.workflow_run.workflow_id);

    const alert = await fixedOnAlert(id);

    // The workflow runs again on GitHub and passes; its webhook never arrives.
    const green = (n: number) => ({
      id: runId + n,
      run_number: 77 + n,
      name: '',
      workflow_id: workflowId,
      head_branch: 'main',
      head_sha: 'e'.repeat(40),
      status: 'completed' as const,
      conclusion: 'success' as const,
      run_started_at: new Date().toISOString(),
    });
    rest.githubRuns.set(REPO, [green(1), green(2)]);

    const offer = await resolveOffer(alert);
    assert.match(shownText(offer), new RegExp(`${REPO} ${workflow} #79 on main success`));
    const timeline = await store.timeline(id);
    assert.equal(timeline.filter((e) => e.kind === 'verify' && /#79 on main success \(followed through GitHub\): 2 of 2 green builds/.test(e.text)).length, 1);
    assert.ok(rest.requests.some((r) => r.path === `/repos/${REPO}/actions/workflows/${workflowId}/runs` && /branch=main/.test(r.query)));
  });
  it("Fixed, then another CI app's check passes on the branch with no delivery: Resolve is offered; the late webhook counts nothing twice", async () => {
    assert.ok(serve);
    // GitHub's example check_run (Codertocat/Hello-World, check "Octocoders-linter" on branch "changes"), its run page on the fake.
    const failed = JSON.parse(checkRun({ conclusion: 'failure' }).toString('utf8')) as {
      check_run: { id: number; name: string; head_sha: string; html_url: string; check_suite: { head_branch: string } };
      repository: { full_name: string };
    };
    const repo = failed.repository.full_name;
    const { name, check_suite } = failed.check_run;
    failed.check_run.html_url = `${rest.url}/${repo}/runs/${failed.check_run.id}`;
    const send = (payload: unknown) => {
      const body = Buffer.from(JSON.stringify(payload));
      return postRaw(serve!.url, '/webhooks/github', body, githubHeaders(body, { event: 'check_run' }));
    };
    const reply = await send(failed);
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    const id = Number(reply.body.incident);
    const alert = await fixedOnAlert(id);

    // The check runs again on the branch's new head and passes; its webhook is late.
    const head = 'a1'.repeat(20);
    const firstId = failed.check_run.id + 1;
    const branch = check_suite.head_branch;
    rest.githubBranches.set(`${repo}:${branch}`, head);
    const green = (checkId: number) => {
      const now = new Date().toISOString();
      return {
        id: checkId,
        name,
        head_sha: head,
        status: 'completed' as const,
        conclusion: 'success' as const,
        started_at: now,
        completed_at: now,
        app_slug: 'octocoders',
      };
    };
    rest.githubCheckRuns.set(repo, [green(firstId)]);
    await eventually('the first green check run followed', async () => (await store.get(id))?.verification?.builds.length === 1, 30_000);
    assert.ok(rest.requests.some((r) => r.path === `/api/v3/repos/${repo}/commits/${branch}/check-runs` && new RegExp(`check_name=${name}`).test(r.query)));

    // Its webhook arrives now: the same check run, not a second green build.
    const late = structuredClone(failed);
    Object.assign(late.check_run, { id: firstId, head_sha: head, conclusion: 'success', html_url: `${rest.url}/${repo}/runs/${firstId}` });
    assert.equal((await send(late)).status, 200);
    await eventually('the late webhook handled', async () =>
      (await store.timeline(id)).some((e) => e.kind === 'ci-event' && e.data?.runId === String(firstId)),
    );
    const afterLate = (await store.get(id))?.verification;
    assert.equal(afterLate?.state, 'waiting', 'still 1 of 2: the late webhook counted nothing');
    assert.deepEqual(
      afterLate?.builds.map((b) => [b.number, b.via]),
      [[firstId, 'github']],
    );

    // A re-run of the check passes too: the second green build.
    rest.githubCheckRuns.set(repo, [green(firstId), green(firstId + 1)]);
    const offer = await resolveOffer(alert);
    assert.match(shownText(offer), new RegExp(`${repo} ${name} on ${branch} success`));
    assert.deepEqual(
      (await store.get(id))?.verification?.builds.map((b) => [b.number, b.via]),
      [
        [firstId, 'github'],
        [firstId + 1, 'github'],
      ],
    );
  });

  it('Fixed, then the project runs a green pipeline on GitLab with no hook delivered: Resolve is offered', async () => {
    assert.ok(serve);
    // The hook's project lives on the fake (its web_url): its API is <fake>/api/v4, the failed job's trace link
    // names project 1, which is where serve asks for the pipelines.
    const payload = JSON.parse(
      gitlabPipeline({
        status: 'failed',
        id: 640,
        builds: [{ id: 9001, stage: 'build', name: 'go-build', status: 'failed', allow_failure: false, failure_reason: 'script_failure' }],
      }).toString('utf8'),
    ) as { project: { web_url: string; id: number; path_with_namespace: string }; object_attributes: { ref: string } };
    payload.project.web_url = `${rest.url}/${payload.project.path_with_namespace}`;
    const body = Buffer.from(JSON.stringify(payload));
    const reply = await postRaw(serve.url, '/webhooks/gitlab', body, gitlabHeaders());
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    const id = Number(reply.body.incident);
    const alert = await fixedOnAlert(id);

    const ref = payload.object_attributes.ref;
    const green = (n: number) => ({ id: 640 + n, iid: 11 + n, ref, sha: 'f'.repeat(40), status: 'success' as const, created_at: new Date().toISOString() });
    rest.gitlabPipelines.set(payload.project.id, [green(1), green(2)]);
    const offer = await resolveOffer(alert);
    assert.match(shownText(offer), new RegExp(`${payload.project.path_with_namespace} pipeline #13 on ${ref} success`));
    const timeline = await store.timeline(id);
    assert.equal(
      timeline.filter((e) => e.kind === 'verify' && /pipeline #13 on \S+ success \(followed through GitLab\): 2 of 2 green builds/.test(e.text)).length,
      1,
    );
    assert.ok(rest.requests.some((r) => r.path === `/api/v4/projects/${payload.project.id}/pipelines` && new RegExp(`ref=${ref}`).test(r.query)));
  });
});
