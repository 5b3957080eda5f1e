/**
 * "Did the same job pass on another agent since?" for a failed CI event, as a
 * CI alert asks it: Jenkins (builds with builtOn), GitHub (runs' jobs,
 * runner_name), GitLab (pipelines' jobs, runner.description) on the local
 * fakes; the failing build's agent mapped back to a buildfix agent.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { agentOfFailingBuild, greenElsewhereForEvent } from '../../../src/changes/green-elsewhere-event.ts';
import { JenkinsClient } from '../../../src/clients/jenkins/jenkins-client.ts';
import type { CiEvent } from '../../../src/webhooks/ci-event.ts';
import { startCiRestFake, type CiRestFake } from '../../fakes/ci-rest-server.ts';
import { startJenkinsFake, type JenkinsFake } from '../../fakes/jenkins-server.ts';

const sha = (c: string): string => c.repeat(40);
const base = { eventType: 'x', status: 'failure', outcome: 'failure' as const, eventKey: 'k', label: 'l' };

describe('green elsewhere for a CI event', () => {
  let rest: CiRestFake;
  let jenkins: JenkinsFake;
  before(async () => {
    rest = await startCiRestFake({ githubToken: 'ghp_test', gitlabToken: 'glpat-test' });
    rest.githubRuns.set('acme/payments', [
      {
        id: 900,
        run_number: 1,
        name: 'CI',
        head_branch: 'main',
        head_sha: sha('a'),
        status: 'completed',
        conclusion: 'success',
        jobs: [{ name: 'b', runner_name: 'gh-runner-1' }],
      },
      {
        id: 901,
        run_number: 2,
        name: 'CI',
        head_branch: 'main',
        head_sha: sha('b'),
        status: 'completed',
        conclusion: 'failure',
        jobs: [{ name: 'b', runner_name: 'gh-runner-3' }],
      },
    ]);
    rest.gitlabPipelines.set(7, [
      { id: 70, iid: 1, ref: 'main', sha: sha('a'), status: 'success', jobs: [{ name: 'b', runner: 'runner-3' }] },
      { id: 71, iid: 2, ref: 'main', sha: sha('b'), status: 'failed', jobs: [{ name: 'b', runner: 'runner-3' }] },
      { id: 72, iid: 3, ref: 'main', sha: sha('c'), status: 'success', jobs: [{ name: 'b', runner: 'runner-1' }] },
    ]);
    jenkins = await startJenkinsFake({
      jobs: [
        {
          name: 'payments/main',
          builds: [
            { number: 41, result: 'SUCCESS', builtOn: 'node-01', durationMs: 1, git: [{ sha: sha('a') }] },
            { number: 42, result: 'FAILURE', builtOn: 'node-03', durationMs: 1, git: [{ sha: sha('b') }] },
            { number: 43, result: 'SUCCESS', builtOn: 'node-01', durationMs: 1, git: [{ sha: sha('b') }] },
          ],
        },
        { name: 'pipe/main', kind: 'pipeline', builds: [{ number: 1, result: 'FAILURE', durationMs: 1, builtOn: 'node-03' }] },
      ],
    });
  });
  after(async () => {
    await rest.close();
    await jenkins.close();
  });

  it('Jenkins: the same revision green on another node; the failing node mapped to its agent', async () => {
    const client = new JenkinsClient({ baseUrl: jenkins.url, user: jenkins.user, apiToken: jenkins.token });
    try {
      const event: CiEvent = { ...base, source: 'jenkins', pipelineKey: 'jenkins:payments/main', job: 'payments/main', runId: '42', buildNumber: 42 };
      const r = await greenElsewhereForEvent(event, { jenkins: client });
      assert.equal(r.found?.build, 'Jenkins build #43 of payments/main');
      assert.equal(r.found?.agent, 'node-01');
      assert.equal(r.found?.sameRevision, true);
      assert.deepEqual(agentOfFailingBuild(r.found?.failingAgent, { agents: { 'agent-03': { node: 'node-03' } } }), { agent: 'agent-03' });
      const pipeline = await greenElsewhereForEvent(
        { ...event, pipelineKey: 'jenkins:pipe/main', job: 'pipe/main', runId: '1', buildNumber: 1 },
        { jenkins: client },
      );
      assert.match(pipeline.note ?? '', /Pipeline runs export no builtOn/);
      assert.match((await greenElsewhereForEvent(event, {})).note ?? '', /Jenkins not configured/);
    } finally {
      await client.close();
    }
  });

  it('GitHub and GitLab: the runners from the jobs APIs', async () => {
    const gh: CiEvent = {
      ...base,
      source: 'github',
      pipelineKey: 'github:acme/payments:CI:main',
      job: 'acme/payments',
      workflow: 'CI',
      branch: 'main',
      runId: '901',
      jobsUrl: `${rest.url}/repos/acme/payments/actions/runs/901/jobs`,
    };
    const none = await greenElsewhereForEvent(gh, { githubToken: 'ghp_test' });
    assert.match(none.note ?? '', /no green build of CI on main on another agent than gh-runner-3 since GitHub run #1/);
    assert.equal(none.failingAgent, 'gh-runner-3');
    assert.match((await greenElsewhereForEvent(gh, {})).note ?? '', /GitHub not configured \(GITHUB_TOKEN is not set\)/);
    const gl: CiEvent = {
      ...base,
      source: 'gitlab',
      pipelineKey: 'gitlab:g/p:main',
      job: 'g/p',
      branch: 'main',
      runId: '71',
      logUrl: `${rest.url}/api/v4/projects/7/jobs/710/trace`,
    };
    const later = await greenElsewhereForEvent(gl, { gitlabToken: 'glpat-test' });
    assert.equal(later.found?.build, 'GitLab pipeline #3 on main');
    assert.equal(later.found?.agent, 'runner-1');
    assert.equal(later.found?.sameRevision, false);
    assert.match((await greenElsewhereForEvent(gl, {})).note ?? '', /GitLab not configured \(GITLAB_TOKEN is not set\)/);
  });
});
