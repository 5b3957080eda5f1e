/**
 * The last green build's commit from each CI, through its REST API on a
 * local fake (GitHub runs, GitLab pipelines, Jenkins' BuildData), and the
 * reasons given when a CI is not configured or never went green.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { lastGreenForEvent, lastGreenOnJenkins } from '../../../src/changes/last-green.ts';
import { JenkinsClient } from '../../../src/clients/jenkins/jenkins-client.ts';
import type { CiEvent } from '../../../src/webhooks/ci-event.ts';
import { startCiRestFake, type CiRestFake } from '../../fakes/ci-rest-server.ts';
import { startJenkinsFake, type JenkinsFake } from '../../fakes/jenkins-server.ts';

const sha = (c: string): string => c.repeat(40);

describe('last green build', () => {
  let rest: CiRestFake;
  let jenkins: JenkinsFake;

  before(async () => {
    rest = await startCiRestFake({ githubToken: 'ghp_test', gitlabToken: 'glpat-test' });
    rest.githubRuns.set('acme/payments', [
      { id: 900, run_number: 76, name: 'CI', head_branch: 'main', head_sha: sha('a'), status: 'completed', conclusion: 'success' },
      { id: 901, run_number: 77, name: 'Lint', head_branch: 'main', head_sha: sha('b'), status: 'completed', conclusion: 'success' },
      { id: 902, run_number: 78, name: 'CI', head_branch: 'release', head_sha: sha('c'), status: 'completed', conclusion: 'success' },
      { id: 903, run_number: 79, name: 'CI', head_branch: 'main', head_sha: sha('d'), status: 'completed', conclusion: 'failure' },
    ]);
    rest.gitlabPipelines.set(42, [
      { id: 300, iid: 30, ref: 'main', sha: sha('e'), status: 'success' },
      { id: 301, iid: 31, ref: 'main', sha: sha('f'), status: 'failed' },
    ]);
    jenkins = await startJenkinsFake({
      jobs: [
        {
          name: 'payments/main',
          builds: [
            { number: 41, result: 'SUCCESS', git: [{ sha: sha('1'), remoteUrls: ['https://git.example.test/acme/payments.git'] }] },
            { number: 42, result: 'FAILURE', git: [{ sha: sha('2') }] },
          ],
        },
        { name: 'payments/never', builds: [{ number: 1, result: 'FAILURE' }] },
      ],
    });
  });
  after(async () => {
    await rest.close();
    await jenkins.close();
  });

  const github: CiEvent = {
    source: 'github',
    eventType: 'workflow_run',
    pipelineKey: 'github:acme/payments:CI:main',
    job: 'acme/payments',
    workflow: 'CI',
    branch: 'main',
    runId: '903',
    status: 'failure',
    outcome: 'failure',
    eventKey: 'k',
    label: 'acme/payments CI #79 on main',
  };

  it('GitHub: the newest successful run of the same workflow on the branch', async () => {
    const event = { ...github, jobsUrl: `${rest.url}/repos/acme/payments/actions/runs/903/jobs` };
    const r = await lastGreenForEvent(event, { githubToken: 'ghp_test' });
    assert.deepEqual(r, { ok: true, green: { sha: sha('a'), source: 'GitHub run #76 of CI on main', url: `${rest.url}/acme/payments/actions/runs/900` } });
    assert.match(rest.requests.at(-1)?.query ?? '', /branch=main&status=success/);
  });

  it('GitHub: a missing or refused token is a reason, never an exception', async () => {
    const event = { ...github, jobsUrl: `${rest.url}/repos/acme/payments/actions/runs/903/jobs` };
    const none = await lastGreenForEvent(event, {});
    assert.deepEqual(none, {
      ok: false,
      reason: 'no last green build known: GitHub not configured (GITHUB_TOKEN is not set), so buildfix cannot ask GitHub for the last successful run',
    });
    const bad = await lastGreenForEvent(event, { githubToken: 'ghp_wrong' });
    assert.equal(bad.ok, false);
    assert.match(!bad.ok ? bad.reason : '', /token cannot read the list of successful workflow runs \(HTTP 401\)/);
    assert.doesNotMatch(!bad.ok ? bad.reason : '', /ghp_wrong/);
  });

  it('GitLab: the newest successful pipeline of the ref', async () => {
    const event: CiEvent = {
      source: 'gitlab',
      eventType: 'pipeline',
      pipelineKey: 'gitlab:g/p:main',
      job: 'g/p',
      branch: 'main',
      runId: '301',
      status: 'failed',
      outcome: 'failure',
      eventKey: 'k',
      label: 'g/p pipeline #31 on main',
      logUrl: `${rest.url}/api/v4/projects/42/jobs/7/trace`,
    };
    const r = await lastGreenForEvent(event, { gitlabToken: 'glpat-test' });
    assert.deepEqual(r, { ok: true, green: { sha: sha('e'), source: 'GitLab pipeline #30 on main', url: `${rest.url}/g/p/-/pipelines/300` } });
    const other = await lastGreenForEvent({ ...event, branch: 'feature' }, { gitlabToken: 'glpat-test' });
    assert.deepEqual(other, { ok: false, reason: 'no last green build known: g/p has no successful pipeline on feature' });
  });

  it('Jenkins: the last successful build and the commit it checked out', async () => {
    const client = new JenkinsClient({ baseUrl: jenkins.url, user: jenkins.user, apiToken: jenkins.token, timeoutMs: 2000 });
    const r = await lastGreenOnJenkins(client, 'payments/main', 'git@git.example.test:acme/payments.git');
    assert.equal(r.ok && r.green.sha, sha('1'));
    assert.equal(r.ok && r.green.source, 'Jenkins build #41 of payments/main');
    const never = await lastGreenOnJenkins(client, 'payments/never', undefined);
    assert.deepEqual(never, { ok: false, reason: 'no last green build known: Jenkins job payments/never has never succeeded' });
    const unconfigured = await lastGreenOnJenkins(undefined, 'payments/main', undefined);
    assert.deepEqual(unconfigured, { ok: false, reason: 'no last green build known: Jenkins not configured (JENKINS_URL, JENKINS_USER, JENKINS_API_TOKEN)' });
  });
});
