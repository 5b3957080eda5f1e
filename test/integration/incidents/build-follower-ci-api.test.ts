/**
 * Verification after a fix when GitHub's or GitLab's webhook never comes: the build follower reads the pipeline's
 * recent runs through the real REST API shapes (the CI fake over HTTP, enforcing its tokens), finds the API address
 * from the incident's own CI events, and hands the finished runs that started after the fix to the real FixVerifier
 * on real Redis. Runs of other workflows, cancelled runs, runs from before the fix and runs still going count for
 * nothing; a run a webhook already brought is not counted again; no token, or no known API address, means no request.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import { BuildFollower, type FollowSource } from '../../../src/incidents/build-follower.ts';
import { FixVerifier, type VerificationOutput } from '../../../src/incidents/fix-verification.ts';
import { startVerification } from '../../../src/incidents/fix-verification-state.ts';
import { githubFollowSource } from '../../../src/incidents/follow-github.ts';
import { gitlabFollowSource } from '../../../src/incidents/follow-gitlab.ts';
import { RedisIncidentStore } from '../../../src/incidents/redis-incident-store.ts';
import { createLogger } from '../../../src/logger.ts';
import { closeRedisConnection } from '../../../src/redis/create-redis-connection.ts';
import { startCiRestFake, type CiRestFake } from '../../fakes/ci-rest-server.ts';
import { verificationRecorder } from '../../helpers/verification-recorder.ts';
import { connectTestRedis, deleteUnder, testPrefix } from './redis-test-env.ts';

const GITHUB_TOKEN = 'ghp_followerTestToken000000000000000000';
const GITLAB_TOKEN = 'glpat-followerTestToken0000';
const MINUTE = 60_000;
const iso = (msAgo: number): string => new Date(Date.now() - msAgo).toISOString();

describe('build follower: GitHub and GitLab verification without webhooks', { timeout: 60_000 }, () => {
  let redis: Redis;
  let ci: CiRestFake;
  let store: RedisIncidentStore;
  const prefix = testPrefix();
  const logger = createLogger({ level: 'silent' });
  const config = { repos: {}, incidents: { verify: { greenBuilds: 1, autoResolve: false } } };

  before(async () => {
    redis = await connectTestRedis();
    ci = await startCiRestFake({ githubToken: GITHUB_TOKEN, gitlabToken: GITLAB_TOKEN });
    store = new RedisIncidentStore({ redis, prefix });
  });
  after(async () => {
    await ci.close();
    await deleteUnder(redis, prefix);
    await closeRedisConnection(redis);
  });

  function follower(sources: FollowSource[], output: VerificationOutput, log = logger): BuildFollower {
    return new BuildFollower({ store, verifier: new FixVerifier({ store, config, logger }), sources, output: () => output, logger: log });
  }

  const github = (token: string | undefined = GITHUB_TOKEN): FollowSource => githubFollowSource({ store, repos: {}, token: () => token });
  const gitlab = (token: string | undefined = GITLAB_TOKEN): FollowSource => gitlabFollowSource({ store, repos: {}, token: () => token });

  /** An incident opened by a CI failure event of `pipeline` carrying `data` (as the webhook layer stores it), verifying a fix since `fixAt`. */
  async function verifying(pipeline: string, ci: 'github' | 'gitlab', data: Record<string, unknown>, fixAt: string, greenBuilds = 1): Promise<number> {
    const { incident } = await store.recordCiFailure({
      pipelineKey: pipeline,
      title: `${pipeline} failed`,
      source: { ci },
      text: `${pipeline} failure`,
      data: { source: ci, ...data },
    });
    const v = startVerification(undefined, {
      trigger: { kind: 'fixed', text: 'incident note fixed pinned v1.9.8', by: 'U1' },
      at: fixAt,
      greenBuilds,
      autoResolve: false,
      pipelines: [pipeline],
      checks: [],
    });
    assert.ok(await store.saveVerification(incident.id, v, 0));
    return incident.id;
  }

  it("GitHub: the workflow's first finished run after the fix verifies it; other workflows, cancelled and earlier runs do not count", async () => {
    const repo = 'acme/payments';
    const fixAt = iso(10 * MINUTE);
    const id = await verifying(`github:${repo}:CI:main`, 'github', { logUrl: `${ci.url}/repos/${repo}/actions/runs/900/logs`, runId: '900' }, fixAt);
    const run = (n: number, startedMsAgo: number, extra: Partial<Parameters<typeof ci.githubRuns.set>[1][number]>) => ({
      id: 900 + n,
      run_number: 70 + n,
      name: 'CI',
      head_branch: 'main',
      head_sha: 'a'.repeat(40),
      status: 'completed' as const,
      conclusion: 'success' as const,
      run_started_at: iso(startedMsAgo),
      ...extra,
    });
    ci.githubRuns.set(repo, [
      run(0, 60 * MINUTE, { conclusion: 'failure' }), // the failure that opened the incident, before the fix
      run(1, 5 * MINUTE, { name: 'Lint' }), // another workflow
      run(2, 4 * MINUTE, { conclusion: 'cancelled' }), // cancelled: says nothing
      run(3, 3 * MINUTE, { head_branch: 'feature' }), // another branch
      run(4, 1 * MINUTE, { status: 'in_progress', conclusion: null }), // still going
    ]);
    const { said, output } = verificationRecorder();
    const f = follower([github()], output);
    assert.equal(await f.round(), 0, 'nothing finished after the fix yet');
    assert.equal((await store.get(id))?.verification?.state, 'waiting');
    const asked = ci.requests.filter((r) => r.path === `/repos/${repo}/actions/runs`);
    assert.ok(asked.length > 0 && asked.every((r) => /branch=main/.test(r.query)), JSON.stringify(asked));

    const runs = ci.githubRuns.get(repo) ?? [];
    const going = runs.find((r) => r.id === 904);
    assert.ok(going);
    going.status = 'completed';
    going.conclusion = 'success';
    assert.equal(await f.round(), 1);
    const incident = await store.get(id);
    assert.equal(incident?.verification?.state, 'verified');
    assert.deepEqual(
      incident?.verification?.builds.map((b) => [b.label, b.number, b.status, b.via]),
      [[`${repo} CI #74 on main`, 74, 'success', 'github']],
    );
    assert.equal(said.filter((s) => s.startsWith('OFFER')).length, 1, 'Resolve offered once');
    const timeline = await store.timeline(id);
    assert.equal(timeline.filter((e) => /acme\/payments CI #74 on main success \(followed through GitHub\): 1 of 1 green build/.test(e.text)).length, 1);
    assert.equal(await f.round(), 0, 'a later round finds nothing left to do');
  });

  it("GitHub Enterprise Server: the API under /api/v3 of the run page's host, the workflow's runs by its id; a run the webhook already brought is not counted again", async () => {
    const repo = 'acme/billing';
    const pipeline = `github:${repo}:Build: release:main`; // a workflow name with a colon
    // Only the run's web page is known, on a host that is not github.com: the API is <origin>/api/v3.
    // Its webhook named the workflow's id: the runs are listed by workflow, whatever the runs are called.
    const id = await verifying(pipeline, 'github', { url: `${ci.url}/${repo}/actions/runs/1`, pipeline, workflowId: 42 }, iso(10 * MINUTE), 2);
    const done = (runId: number, n: number, startedMsAgo: number, workflowId = 42) => ({
      id: runId,
      run_number: n,
      name: 'release 2026.12',
      workflow_id: workflowId,
      head_branch: 'main',
      head_sha: 'b'.repeat(40),
      status: 'completed' as const,
      conclusion: 'success' as const,
      run_started_at: iso(startedMsAgo),
    });
    ci.githubRuns.set(repo, [done(2, 8, 3 * MINUTE), done(3, 9, 1 * MINUTE), done(4, 3, 1 * MINUTE, 43)]);
    // The webhook of run #8 arrived first.
    const { output } = verificationRecorder();
    const current = await store.get(id);
    assert.ok(current);
    await new FixVerifier({ store, config, logger }).recordBuild(
      current,
      { pipeline, label: `${repo} Build: release #8 on main`, number: 8, ok: true, status: 'success', at: iso(0), via: 'webhook' },
      output,
    );
    assert.equal((await store.get(id))?.verification?.state, 'waiting', '1 of 2 green builds');
    assert.equal(await follower([github()], output).round(), 1, 'only run #9 is new');
    const incident = await store.get(id);
    assert.equal(incident?.verification?.state, 'verified');
    assert.deepEqual(
      incident?.verification?.builds.map((b) => [b.number, b.via]),
      [
        [8, 'webhook'],
        [9, 'github'],
      ],
    );
    assert.ok(ci.requests.some((r) => r.path === `/api/v3/repos/${repo}/actions/workflows/42/runs`));
  });

  it("GitHub check_run pipelines (another CI app's check): that check's runs on the branch's newest commit; Actions' check runs and other checks do not count, nor does a run its webhook already brought", async () => {
    const repo = 'acme/checks';
    const pipeline = `github:${repo}:buildkite/payments:main`;
    const head = 'e'.repeat(40);
    ci.githubBranches.set(`${repo}:main`, head);
    // The check_run webhook that opened the incident: its page on GitHub (details_url would be the other CI's site).
    const id = await verifying(pipeline, 'github', { event: 'check_run', runId: '5000', url: `${ci.url}/${repo}/runs/5000`, pipeline }, iso(10 * MINUTE), 2);
    const check = (n: number, startedMsAgo: number, extra: Partial<Parameters<typeof ci.githubCheckRuns.set>[1][number]> = {}) => ({
      id: 5000 + n,
      name: 'buildkite/payments',
      head_sha: head,
      status: 'completed' as const,
      conclusion: 'success' as const,
      started_at: iso(startedMsAgo),
      completed_at: iso(startedMsAgo - 30_000),
      app_slug: 'buildkite',
      ...extra,
    });
    ci.githubCheckRuns.set(repo, [
      check(0, 60 * MINUTE, { conclusion: 'failure' }), // the failure that opened the incident
      check(1, 5 * MINUTE, { name: 'buildkite/lint' }), // another check
      check(2, 5 * MINUTE, { app_slug: 'github-actions', name: 'buildkite/payments' }), // an Actions job of the same name
      check(3, 4 * MINUTE, { conclusion: 'neutral' }), // says nothing
      check(4, 3 * MINUTE), // green, and its webhook came first
      check(5, 2 * MINUTE, { head_sha: 'f'.repeat(40) }), // an older commit's
      check(6, 1 * MINUTE, { status: 'in_progress', conclusion: null }), // a re-run still going
    ]);
    const { said, output } = verificationRecorder();
    const current = await store.get(id);
    assert.ok(current);
    await new FixVerifier({ store, config, logger }).recordBuild(
      current,
      { pipeline, label: `${repo} buildkite/payments on main`, number: 5004, ok: true, status: 'success', at: iso(0), via: 'webhook' },
      output,
    );
    const f = follower([github()], output);
    assert.equal(await f.round(), 0, 'run 5004 was counted by its webhook; 5006 is still going');
    assert.equal((await store.get(id))?.verification?.state, 'waiting');
    // Known only by its page on a host that is not github.com: GitHub Enterprise Server's API under /api/v3.
    const asked = ci.requests.filter((r) => r.path === `/api/v3/repos/${repo}/commits/main/check-runs`);
    assert.ok(asked.length > 0 && asked.every((r) => /check_name=buildkite%2Fpayments/.test(r.query) && /filter=all/.test(r.query)), JSON.stringify(asked));
    assert.ok(!ci.requests.some((r) => r.path.startsWith(`/api/v3/repos/${repo}/actions/`)), 'a check is not looked for among workflow runs');

    const rerun = ci.githubCheckRuns.get(repo)?.find((r) => r.id === 5006);
    assert.ok(rerun);
    rerun.status = 'completed';
    rerun.conclusion = 'success';
    assert.equal(await f.round(), 1);
    const incident = await store.get(id);
    assert.equal(incident?.verification?.state, 'verified');
    assert.deepEqual(
      incident?.verification?.builds.map((b) => [b.label, b.number, b.via, b.url]),
      [
        [`${repo} buildkite/payments on main`, 5004, 'webhook', undefined],
        [`${repo} buildkite/payments on main`, 5006, 'github', `${ci.url}/${repo}/runs/5006`],
      ],
    );
    assert.equal(said.filter((s) => s.startsWith('OFFER')).length, 1);
  });

  it("a check's details link on another CI's site is not taken for GitHub: no token goes there", async () => {
    const repo = 'acme/elsewhere';
    const pipeline = `github:${repo}:circleci/build:main`;
    // The same path as the repository on the other CI's host, but not one of GitHub's run pages.
    await verifying(pipeline, 'github', { event: 'check_run', runId: '1', url: `${ci.url}/${repo}/builds/1`, pipeline }, iso(10 * MINUTE));
    assert.equal(await follower([github()], verificationRecorder().output).round(), 0);
    assert.ok(!ci.requests.some((r) => r.path.includes(repo)), JSON.stringify(ci.requests.filter((r) => r.path.includes('elsewhere'))));
  });

  it('GitLab: a pipeline read through the project named in the job trace link; one still running waits for the next round', async () => {
    const fixAt = iso(10 * MINUTE);
    const pipeline = 'gitlab:platform/ledger:main';
    const id = await verifying(pipeline, 'gitlab', { logUrl: `${ci.url}/api/v4/projects/31/jobs/5001/trace`, pipeline }, fixAt);
    ci.gitlabPipelines.set(31, [
      { id: 700, iid: 40, ref: 'main', sha: 'c'.repeat(40), status: 'failed', created_at: iso(60 * MINUTE) },
      { id: 702, iid: 41, ref: 'main', sha: 'c'.repeat(40), status: 'canceled', created_at: iso(5 * MINUTE) },
      { id: 703, iid: 42, ref: 'main', sha: 'c'.repeat(40), status: 'running', created_at: iso(1 * MINUTE) },
    ]);
    const { said, output } = verificationRecorder();
    const f = follower([gitlab()], output);
    assert.equal(await f.round(), 0);
    assert.equal((await store.get(id))?.verification?.state, 'waiting');
    const p = ci.gitlabPipelines.get(31)?.find((x) => x.id === 703);
    assert.ok(p);
    p.status = 'success';
    assert.equal(await f.round(), 1);
    const incident = await store.get(id);
    assert.equal(incident?.verification?.state, 'verified');
    assert.deepEqual(
      incident?.verification?.builds.map((b) => [b.label, b.number, b.via]),
      [['platform/ledger pipeline #42 on main', 42, 'gitlab']],
    );
    assert.equal(said.filter((s) => s.startsWith('OFFER')).length, 1);
    assert.ok(ci.requests.some((r) => r.path === '/api/v4/projects/31/pipelines' && /ref=main/.test(r.query)));
  });

  it('GitLab: with only the pipeline page known, the project is asked for by its URL-encoded path; a failed pipeline after the fix fails it', async () => {
    const pipeline = 'gitlab:platform/audit:main';
    ci.gitlabProjectPaths.set('platform/audit', 32);
    ci.gitlabPipelines.set(32, [{ id: 800, iid: 7, ref: 'main', sha: 'd'.repeat(40), status: 'failed', created_at: iso(1 * MINUTE) }]);
    const id = await verifying(pipeline, 'gitlab', { url: `${ci.url}/platform/audit/-/pipelines/799`, pipeline }, iso(10 * MINUTE));
    const { said, output } = verificationRecorder();
    assert.equal(await follower([gitlab()], output).round(), 1, 'the failed pipeline is handed to the verification');
    assert.equal((await store.get(id))?.verification?.state, 'failed');
    assert.ok(
      said.some((s) => /platform\/audit pipeline #7 on main failed/.test(s)),
      said.join('\n'),
    );
    assert.ok(ci.requests.some((r) => r.path === '/api/v4/projects/platform%2Faudit/pipelines'));
  });

  it('no token, or no API address known: no request, said once; a refused token is warned once per failure streak', async () => {
    const pipeline = 'github:acme/ops:CI:main';
    await verifying(pipeline, 'github', { pipeline }, iso(10 * MINUTE)); // no link to any host
    const lines: string[] = [];
    const log = createLogger({ level: 'info', destination: { write: (s: string) => void lines.push(s) } });
    const before = ci.requests.length;
    const f = follower([github(), gitlab(undefined)], verificationRecorder().output, log);
    assert.equal(await f.round(), 0);
    assert.equal(await f.round(), 0);
    assert.equal(ci.requests.filter((r) => r.path.includes('acme/ops')).length, 0, 'no request without a known API address');
    assert.equal(lines.filter((l) => l.includes('acme/ops') && /cannot follow this pipeline's builds through GitHub/.test(l)).length, 1, lines.join('\n'));
    assert.ok(ci.requests.length >= before);

    const refused = 'github:acme/refused:CI:main';
    await verifying(refused, 'github', { logUrl: `${ci.url}/repos/acme/refused/actions/runs/1/logs`, pipeline: refused }, iso(10 * MINUTE));
    const bad = follower([github('ghp_wrongToken00000000000000000000000000')], verificationRecorder().output, log);
    assert.equal(await bad.round(), 0);
    assert.equal(await bad.round(), 0);
    const warned = lines.filter((l) => l.includes('acme/refused') && /could not read the recent builds of a pipeline from GitHub/.test(l));
    assert.equal(warned.length, 1, 'warned once per failure streak');
    assert.match(warned[0] ?? '', /the token cannot read the workflow runs of acme\/refused \(HTTP 401\)/);
    assert.ok(!lines.some((l) => l.includes('ghp_wrongToken')), 'the token is never logged');
  });
});
