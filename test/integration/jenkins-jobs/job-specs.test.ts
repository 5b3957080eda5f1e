/** The Jenkins job definitions: never run a trigger twice, any worker, bounded, and every handler loads. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  checkJenkinsAgent,
  checkJenkinsJob,
  jenkinsNodeFor,
  JenkinsRebuildPayloadSchema,
  JenkinsRestartAgentPayloadSchema,
} from '../../../src/jobs/jenkins-job-types.ts';
import { JENKINS_JOBS } from '../../../src/jobs/jenkins-jobs.ts';

describe('JENKINS_JOBS', () => {
  it('build triggers and restarts run once (no retry, a dedup window against double clicks); only the log explanation retries', () => {
    for (const name of ['jenkins-rebuild', 'jenkins-rollback', 'jenkins-restart-agent'] as const) {
      const spec = JENKINS_JOBS[name];
      assert.equal(spec.idempotent, false, name);
      assert.equal(spec.options.attempts, 1, name);
      assert.equal(spec.options.backoff, undefined, name);
      assert.ok(spec.options.dedupWindowMs >= 5_000 && spec.options.dedupWindowMs <= 120_000, name);
    }
    assert.equal(JENKINS_JOBS['jenkins-explain'].idempotent, true);
    for (const [name, spec] of Object.entries(JENKINS_JOBS)) {
      assert.equal(spec.routing, 'any', `${name} runs on any worker`);
      assert.ok(spec.options.timeoutMs >= 10_000 && spec.options.timeoutMs <= 30 * 60_000, `${name} timeout`);
    }
  });

  it('loads a handler for every job', async () => {
    for (const [name, spec] of Object.entries(JENKINS_JOBS)) assert.equal(typeof (await spec.load()), 'function', name);
  });

  it('checks job and agent names against the config only when the config lists them', () => {
    assert.doesNotThrow(() => checkJenkinsJob('team/anything', { jobs: {} }));
    assert.throws(
      () => checkJenkinsJob('team/other', { jobs: { 'team/main': {} } }),
      /refused: "team\/other" is not a configured Jenkins job \(configured jobs: team\/main\)/,
    );
    assert.doesNotThrow(() => checkJenkinsAgent('any-agent', { agents: {} }));
    assert.throws(() => checkJenkinsAgent('agent-9', { agents: { 'agent-01': {} } }), /refused: "agent-9" is not a configured agent/);
    assert.deepEqual(jenkinsNodeFor('AGENT-01', { agents: { 'agent-01': { node: 'Build Agent 01' } } }), { agent: 'agent-01', node: 'Build Agent 01' });
    assert.deepEqual(jenkinsNodeFor('agent-02', { agents: {} }), { agent: 'agent-02', node: 'agent-02' });
  });

  it('refuses payloads with credentials, control characters or malformed names', () => {
    assert.equal(JenkinsRebuildPayloadSchema.safeParse({ job: 'team/payments/main', clean: true, overrides: { GOFLAGS: '-mod=mod -x' } }).success, true);
    assert.equal(JenkinsRebuildPayloadSchema.safeParse({ job: 'team/../etc', clean: true }).success, false);
    assert.equal(
      JenkinsRebuildPayloadSchema.safeParse({ job: 'x', clean: false, overrides: { GOPROXY: 'https://user:s3cret@proxy.internal' } }).success,
      false,
    );
    assert.equal(JenkinsRebuildPayloadSchema.safeParse({ job: 'x', clean: false, overrides: { GOPROXY: 'a b' } }).success, false);
    assert.equal(JenkinsRebuildPayloadSchema.safeParse({ job: 'x', clean: false, extra: 1 }).success, false);
    assert.equal(JenkinsRestartAgentPayloadSchema.safeParse({ agent: 'agent-01', force: false, requestedBy: 'ann', reason: 'line\nbreak' }).success, false);
    assert.equal(JenkinsRestartAgentPayloadSchema.safeParse({ agent: 'agent-01', force: false, requestedBy: '', reason: 'x' }).success, false);
  });
});
