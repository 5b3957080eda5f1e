import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BuildfixError } from '../../../src/errors.ts';
import { buildPath, isBuiltInNode, jobNameFromPath, jobPath, nodePath, normalizeJobName } from '../../../src/clients/jenkins/job-path.ts';

describe('jobPath', () => {
  it('nests folders as /job/<segment> per level', () => {
    assert.equal(jobPath('api'), '/job/api');
    assert.equal(jobPath('team/payments/main'), '/job/team/job/payments/job/main');
  });

  it('encodes each segment on its own', () => {
    assert.equal(jobPath('team a/pay#ments/main?x'), '/job/team%20a/job/pay%23ments/job/main%3Fx');
    // A multibranch branch job is literally named "feature%2Fx".
    assert.equal(jobPath('team/svc/feature%2Fx'), '/job/team/job/svc/job/feature%252Fx');
    assert.equal(jobPath('日本/ジョブ'), '/job/%E6%97%A5%E6%9C%AC/job/%E3%82%B8%E3%83%A7%E3%83%96');
  });

  it('accepts job URLs and /job/ paths', () => {
    assert.equal(jobPath('https://ci.example.test/jenkins/job/team/job/payments/job/main/'), '/job/team/job/payments/job/main');
    assert.equal(jobPath('/job/team/job/payments/'), '/job/team/job/payments');
    assert.equal(normalizeJobName('/team/payments/'), 'team/payments');
  });

  it('rejects empty and dot segments', () => {
    for (const bad of ['', 'a//b', 'a/./b', 'a/../b'])
      assert.throws(
        () => jobPath(bad),
        (e: unknown) => e instanceof BuildfixError && e.code === 'BF_INPUT' && /team\/payments\/main/.test(e.message),
      );
  });

  it('builds build paths for numbers and permalinks', () => {
    assert.equal(buildPath('team/api', 42), '/job/team/job/api/42');
    assert.equal(buildPath('team/api', 'lastSuccessfulBuild'), '/job/team/job/api/lastSuccessfulBuild');
  });
});

describe('jobNameFromPath', () => {
  it('inverts jobPath, ignoring build numbers and actions', () => {
    for (const name of ['api', 'team/payments/main', 'team a/feature%2Fx', '日本/ジョブ']) assert.equal(jobNameFromPath(jobPath(name)), name);
    assert.equal(jobNameFromPath('https://ci.example.test/job/team/job/api/42/console'), 'team/api');
    assert.equal(jobNameFromPath('/jenkins/job/a/job/b/lastBuild/api/json'), 'a/b');
  });

  it('refuses URLs without /job/', () => {
    assert.throws(() => jobNameFromPath('https://ci.example.test/computer/agent-01/'), /not a Jenkins job URL/);
  });
});

describe('nodePath', () => {
  it('encodes agent names and maps the controller to (built-in)', () => {
    assert.equal(nodePath('agent-01'), '/computer/agent-01');
    assert.equal(nodePath('build agent/2'), '/computer/build%20agent%2F2');
    for (const n of ['(built-in)', 'Built-In Node', 'master', '(master)']) {
      assert.equal(isBuiltInNode(n), true);
      assert.equal(nodePath(n), '/computer/(built-in)');
    }
    assert.equal(isBuiltInNode('agent-01'), false);
    assert.throws(() => nodePath('  '), /empty Jenkins node name/);
  });
});
