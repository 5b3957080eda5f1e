/** The three parsers on the real payload shapes. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { incidentSource, incidentTitle, timelineText, verificationNumberOf, type CiEvent } from '../../../src/webhooks/ci-event.ts';
import { parseGithubEvent } from '../../../src/webhooks/parse-github-event.ts';
import { parseGitlabPipeline } from '../../../src/webhooks/parse-gitlab-pipeline.ts';
import { jenkinsFullName, parseJenkinsNotification } from '../../../src/webhooks/parse-jenkins-notification.ts';
import type { ParsedDelivery } from '../../../src/webhooks/parsed-delivery.ts';
import { checkRun, gitlabPipeline, jenkinsNotification, workflowRun } from './payloads.ts';

function eventOf(parsed: ParsedDelivery): CiEvent {
  assert.equal(parsed.kind, 'event', JSON.stringify(parsed));
  return (parsed as { event: CiEvent }).event;
}

describe('Jenkins Notification plugin payloads', () => {
  it('a FINALIZED FAILURE of a folder job', () => {
    const e = eventOf(parseJenkinsNotification(jenkinsNotification(), 'application/json;charset=UTF-8'));
    assert.equal(e.pipelineKey, 'jenkins:payments/main');
    assert.equal(e.job, 'payments/main');
    assert.equal(e.buildNumber, 4812);
    assert.equal(e.runId, '4812');
    assert.equal(e.branch, 'main');
    assert.equal(e.commit, '9f3c2e1d4b5a697887766554433221100ffeeddc');
    assert.equal(e.url, 'https://ci.example.test/job/payments/job/main/4812/');
    assert.equal(e.logUrl, 'https://ci.example.test/job/payments/job/main/4812/consoleText');
    assert.equal(e.status, 'FAILURE');
    assert.equal(e.outcome, 'failure');
    assert.equal(e.phase, 'FINALIZED');
    assert.equal(e.firstErrorLine, 'go: example.com/ledger@v1.9.9: reading https://proxy.golang.org/example.com/ledger/@v/v1.9.9.info: 404 Not Found');
    assert.equal(incidentTitle(e), 'payments/main #4812 failed');
    assert.equal(
      timelineText(e),
      'payments/main #4812 FAILURE (on main · commit 9f3c2e1) — first error: go: example.com/ledger@v1.9.9: reading https://proxy.golang.org/example.com/ledger/@v/v1.9.9.info: 404 Not Found',
    );
    assert.deepEqual(incidentSource(e), { ci: 'jenkins', job: 'payments/main', branch: 'main', commit: e.commit, buildUrl: e.url, buildNumber: 4812 });
  });

  it('COMPLETED and FINALIZED of one build hash to the same event; another build does not', () => {
    const completed = eventOf(parseJenkinsNotification(jenkinsNotification({ phase: 'COMPLETED' }), undefined));
    const finalized = eventOf(parseJenkinsNotification(jenkinsNotification({ phase: 'FINALIZED' }), undefined));
    const next = eventOf(parseJenkinsNotification(jenkinsNotification({ number: 4813 }), undefined));
    assert.equal(completed.eventKey, finalized.eventKey);
    assert.notEqual(next.eventKey, finalized.eventKey);
    assert.match(finalized.eventKey, /^[0-9a-f]{64}$/);
  });

  it('acts on FAILURE and SUCCESS only, and only once the build finished', () => {
    assert.equal(eventOf(parseJenkinsNotification(jenkinsNotification({ status: 'SUCCESS' }), undefined)).outcome, 'success');
    for (const status of ['UNSTABLE', 'ABORTED', 'NOT_BUILT']) {
      const p = parseJenkinsNotification(jenkinsNotification({ status }), undefined);
      assert.equal(p.kind, 'ignored');
      assert.match((p as { reason: string }).reason, new RegExp(status));
    }
    const started = parseJenkinsNotification(jenkinsNotification({ phase: 'STARTED', status: null }), undefined);
    assert.equal(started.kind, 'ignored');
    assert.match((started as { reason: string }).reason, /phase STARTED/);
  });

  it('job names from the job URL; the short name without one', () => {
    assert.equal(jenkinsFullName('job/payments/job/main/'), 'payments/main');
    assert.equal(jenkinsFullName('job/api/'), 'api');
    assert.equal(jenkinsFullName('https://ci.example.test/jenkins/job/a%20b/job/c/'), 'a b/c');
    assert.equal(jenkinsFullName(''), undefined);
    const noUrl = JSON.parse(jenkinsNotification().toString()) as Record<string, unknown>;
    delete noUrl.url;
    assert.equal(eventOf(parseJenkinsNotification(Buffer.from(JSON.stringify(noUrl)), undefined)).pipelineKey, 'jenkins:main');
  });

  it('malformed bodies name the problem; XML is 415', () => {
    assert.deepEqual(parseJenkinsNotification(Buffer.from('{"name":'), undefined).kind, 'invalid');
    const p = parseJenkinsNotification(Buffer.from('{"name":"api","build":{"phase":"FINALIZED","status":"FAILURE"}}'), undefined);
    assert.equal(p.kind, 'invalid');
    assert.match((p as { error: string }).error, /^not a valid Jenkins Notification plugin payload: build\.number: /);
    const xml = parseJenkinsNotification(Buffer.from('<jobState><name>api</name></jobState>'), 'application/xml');
    assert.deepEqual(xml, {
      kind: 'invalid',
      status: 415,
      error: "XML notifications are not supported: set the Notification plugin endpoint's format to JSON",
    });
    assert.equal(parseJenkinsNotification(Buffer.from(''), undefined).kind, 'invalid');
  });

  it('accepts the older string timestamp', () => {
    const p = JSON.parse(jenkinsNotification().toString()) as { build: { timestamp: unknown } };
    p.build.timestamp = 'Jan 1, 2026 2:10:00 AM';
    assert.equal(parseJenkinsNotification(Buffer.from(JSON.stringify(p)), undefined).kind, 'event');
  });
});

describe('GitHub payloads', () => {
  it('workflow_run completed with failure (octokit example, conclusion flipped)', () => {
    const e = eventOf(parseGithubEvent('workflow_run', workflowRun(), 'application/json', 'd-1'));
    assert.equal(e.pipelineKey, 'github:octo-org/octo-repo:test:master');
    assert.equal(e.job, 'octo-org/octo-repo');
    assert.equal(e.workflow, 'test');
    assert.equal(e.branch, 'master');
    assert.equal(e.defaultBranch, 'master');
    assert.equal(e.commit, '3484a3fb816e0859fd6e1cea078d76385ff50625');
    assert.equal(e.runId, '289782451');
    assert.equal(e.buildNumber, 163);
    assert.equal(e.workflowId, 2823525, 'the workflow id, by which the build follower lists its runs');
    assert.equal(e.attempt, 1);
    assert.equal(e.url, 'https://github.com/octo-org/octo-repo/actions/runs/289782451');
    assert.equal(e.logUrl, 'https://api.github.com/repos/octo-org/octo-repo/actions/runs/289782451/logs');
    assert.equal(e.deliveryId, 'd-1');
    assert.equal(e.label, 'octo-org/octo-repo test #163 on master');
    assert.deepEqual(incidentSource(e).job, 'octo-org/octo-repo · test');
  });

  it('failing conclusions are failure, timed_out and startup_failure; success is a recovery', () => {
    for (const c of ['failure', 'timed_out', 'startup_failure'])
      assert.equal(eventOf(parseGithubEvent('workflow_run', workflowRun({ conclusion: c }), undefined, undefined)).outcome, 'failure');
    assert.equal(eventOf(parseGithubEvent('workflow_run', workflowRun({ conclusion: 'success' }), undefined, undefined)).outcome, 'success');
    for (const c of ['action_required', 'cancelled', 'neutral', 'skipped', 'stale', null]) {
      assert.equal(parseGithubEvent('workflow_run', workflowRun({ conclusion: c }), undefined, undefined).kind, 'ignored', String(c));
    }
    for (const action of ['requested', 'in_progress']) {
      const p = parseGithubEvent('workflow_run', workflowRun({ action, conclusion: null }), undefined, undefined);
      assert.equal(p.kind, 'ignored');
      assert.match((p as { reason: string }).reason, /only completed runs/);
    }
  });

  it('a re-run attempt is a different event; the same attempt is the same event', () => {
    const a1 = eventOf(parseGithubEvent('workflow_run', workflowRun({ attempt: 1 }), undefined, 'x'));
    const a1again = eventOf(parseGithubEvent('workflow_run', workflowRun({ attempt: 1 }), undefined, 'y'));
    const a2 = eventOf(parseGithubEvent('workflow_run', workflowRun({ attempt: 2 }), undefined, 'z'));
    assert.equal(a1.eventKey, a1again.eventKey);
    assert.notEqual(a1.eventKey, a2.eventKey);
    assert.equal(a1.pipelineKey, a2.pipelineKey);
  });

  it('check_run from a CI app; Actions check runs are left to workflow_run', () => {
    const e = eventOf(parseGithubEvent('check_run', checkRun({ title: 'Lint failed\nmore' }), 'application/json', undefined));
    assert.equal(e.pipelineKey, 'github:Codertocat/Hello-World:Octocoders-linter:changes');
    assert.equal(e.eventType, 'check_run');
    assert.equal(e.firstErrorLine, 'Lint failed');
    assert.equal(e.url, 'https://github.com/Codertocat/Hello-World/runs/128620228');
    assert.equal(e.buildNumber, undefined, 'a check run has no run number');
    assert.equal(verificationNumberOf(e), 128620228, 'a fix verification counts it under its id, as the build follower does');
    const actions = parseGithubEvent('check_run', checkRun({ appSlug: 'github-actions' }), undefined, undefined);
    assert.equal(actions.kind, 'ignored');
    assert.match((actions as { reason: string }).reason, /covered by workflow_run/);
  });

  it('ping, other events, missing header, form encoding, malformed', () => {
    assert.equal(parseGithubEvent('ping', Buffer.from('{"zen":"x"}'), undefined, undefined).kind, 'ping');
    assert.equal(parseGithubEvent('push', Buffer.from('{}'), undefined, undefined).kind, 'ignored');
    assert.deepEqual(parseGithubEvent(undefined, Buffer.from('{}'), undefined, undefined), {
      kind: 'invalid',
      status: 400,
      error: 'missing X-GitHub-Event header',
    });
    const form = Buffer.from(`payload=${encodeURIComponent(workflowRun().toString())}`);
    assert.equal(eventOf(parseGithubEvent('workflow_run', form, 'application/x-www-form-urlencoded', undefined)).runId, '289782451');
    const bad = parseGithubEvent('workflow_run', Buffer.from('{"action":"completed","workflow_run":{"id":"nine"},"repository":{}}'), undefined, undefined);
    assert.equal(bad.kind, 'invalid');
    assert.match((bad as { error: string }).error, /^not a valid GitHub workflow_run payload: .*workflow_run\.id/);
    assert.match((parseGithubEvent('workflow_run', Buffer.from('nope'), undefined, undefined) as { error: string }).error, /^malformed JSON/);
  });
});

describe('GitLab Pipeline Hook payloads', () => {
  const builds = [
    { id: 377, stage: 'test', name: 'unit', status: 'failed', failure_reason: 'script_failure', allow_failure: false },
    { id: 379, stage: 'test', name: 'unit', status: 'failed', failure_reason: 'runner_system_failure', allow_failure: false },
    { id: 378, stage: 'lint', name: 'lint', status: 'failed', failure_reason: 'script_failure', allow_failure: true },
    { id: 380, stage: 'deploy', name: 'production', status: 'skipped' },
  ];

  it('status failed (GitLab docs example, status flipped)', () => {
    const e = eventOf(parseGitlabPipeline('Pipeline Hook', gitlabPipeline({ builds }), 'idem-1'));
    assert.equal(e.pipelineKey, 'gitlab:gitlab-org/gitlab-test:master');
    assert.equal(e.job, 'gitlab-org/gitlab-test');
    assert.equal(e.branch, 'master');
    assert.equal(e.commit, 'bcbb5ec396a2c0f828686f14fac9b80b780504f2');
    assert.equal(e.runId, '31');
    assert.equal(e.url, 'http://192.168.64.1:3005/gitlab-org/gitlab-test/-/pipelines/31', 'built from web_url when the hook has no url');
    assert.equal(e.deliveryId, 'idem-1');
    assert.deepEqual(e.failedJobs, [
      {
        name: 'unit',
        stage: 'test',
        reason: 'runner_system_failure',
        url: 'http://192.168.64.1:3005/gitlab-org/gitlab-test/-/jobs/379',
        logUrl: 'http://192.168.64.1:3005/api/v4/projects/1/jobs/379/trace',
      },
    ]);
    assert.equal(e.logUrl, 'http://192.168.64.1:3005/api/v4/projects/1/jobs/379/trace');
    assert.equal(e.firstErrorLine, 'job unit (test) failed: runner_system_failure');
    assert.equal(e.label, 'gitlab-org/gitlab-test pipeline #31 on master');
  });

  it('success is a recovery; running/canceled and other hooks are ignored', () => {
    assert.equal(eventOf(parseGitlabPipeline('Pipeline Hook', gitlabPipeline({ status: 'success' }), undefined)).outcome, 'success');
    for (const status of ['running', 'pending', 'canceled', 'skipped', 'manual'])
      assert.equal(parseGitlabPipeline('Pipeline Hook', gitlabPipeline({ status }), undefined).kind, 'ignored');
    assert.equal(parseGitlabPipeline('Push Hook', Buffer.from('{}'), undefined).kind, 'ignored');
    assert.equal(parseGitlabPipeline(undefined, Buffer.from('{"object_kind":"build"}'), undefined).kind, 'ignored');
  });

  it('a pipeline retried to a new failure is a new event (finished_at differs)', () => {
    const a = eventOf(parseGitlabPipeline('Pipeline Hook', gitlabPipeline({ finishedAt: '2026-01-01 02:10:00 UTC' }), undefined));
    const b = eventOf(parseGitlabPipeline('Pipeline Hook', gitlabPipeline({ finishedAt: '2026-01-01 02:20:00 UTC' }), undefined));
    assert.notEqual(a.eventKey, b.eventKey);
    assert.equal(a.pipelineKey, b.pipelineKey);
  });

  it('malformed bodies name the field', () => {
    const p = parseGitlabPipeline('Pipeline Hook', Buffer.from('{"object_kind":"pipeline","object_attributes":{"id":1}}'), undefined);
    assert.equal(p.kind, 'invalid');
    assert.match((p as { error: string }).error, /^not a valid GitLab Pipeline Hook payload: object_attributes\.ref: /);
  });
});
