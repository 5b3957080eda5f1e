import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { BuildProgress } from '../../../src/clients/jenkins/builds.ts';
import { JenkinsClient } from '../../../src/clients/jenkins/jenkins-client.ts';
import { JenkinsError, JenkinsJobError } from '../../../src/clients/jenkins/jenkins-errors.ts';
import { startJenkinsFake, type FakeParamDef, type JenkinsFake } from '../../fakes/jenkins-server.ts';

const SHA_GOOD = '0a1b2c3d4e5f60718293a4b5c6d7e8f901234567';
const SHA_BAD = 'deadbeefdeadbeefdeadbeefdeadbeefdeadbeef';
const SHA_LIB = '1111111111111111111111111111111111111111';
const APP = 'https://git.example.test/team/payments.git';
const GO_PARAMS: FakeParamDef[] = [
  { name: 'CLEAN_WORKSPACE', type: 'boolean', default: false },
  { name: 'GOFLAGS', type: 'string' },
  { name: 'GOPROXY', type: 'string' },
];

describe('clean build', () => {
  let fake: JenkinsFake;
  let client: JenkinsClient;
  before(async () => {
    fake = await startJenkinsFake({
      jobs: [
        { name: 'team/with-param', params: GO_PARAMS },
        { name: 'team/freestyle' },
        { name: 'team/custom-names', params: [{ name: 'BF_GOFLAGS' }, { name: 'BF_GOPROXY' }] },
        { name: 'team/pipeline', kind: 'pipeline', params: [{ name: 'GOPROXY' }] },
        { name: 'team/wipe-denied' },
      ],
      users: [{ user: 'buildfix', token: 'tok-0123456789abcdef' }],
    });
    client = new JenkinsClient({ baseUrl: fake.url, user: 'buildfix', apiToken: 'tok-0123456789abcdef', timeoutMs: 2000, pollIntervalMs: 10 });
  });
  after(async () => {
    await client.close();
    await fake.close();
  });

  it('sets the declared clean parameter and applies declared overrides', async () => {
    const events: BuildProgress[] = [];
    const r = await client.cleanBuild('team/with-param', {
      cleanParam: 'CLEAN_WORKSPACE',
      overrides: { GOFLAGS: '-mod=mod', GOPROXY: 'https://proxy.golang.org,direct' },
      onProgress: (e) => void events.push(e),
    });
    assert.equal(r.method, 'parameter');
    assert.deepEqual(r.appliedOverrides, { GOFLAGS: '-mod=mod', GOPROXY: 'https://proxy.golang.org,direct' });
    assert.deepEqual(r.refusedOverrides, []);
    assert.equal(r.build.result, 'SUCCESS');
    assert.deepEqual(fake.job('team/with-param').builds.at(-1)?.params, {
      CLEAN_WORKSPACE: 'true',
      GOFLAGS: '-mod=mod',
      GOPROXY: 'https://proxy.golang.org,direct',
    });
    assert.equal(fake.job('team/with-param').wipeOuts, 0);
    assert.deepEqual(
      events.map((e) => e.phase),
      ['queued', 'started', 'finished'],
    );
  });

  it('wipes the workspace, then builds, when the job has no clean parameter', async () => {
    const r = await client.cleanBuild('team/freestyle', { cleanParam: 'CLEAN_WORKSPACE' });
    assert.equal(r.method, 'wipe-out');
    assert.match(r.notes.join('\n'), /has no CLEAN_WORKSPACE parameter; wiped its workspace instead/);
    assert.equal(fake.job('team/freestyle').wipeOuts, 1);
    const order = fake.requests.filter((q) => q.method === 'POST').map((q) => q.path);
    assert.deepEqual(order.slice(-2), ['/job/team/job/freestyle/doWipeOutWorkspace', '/job/team/job/freestyle/build']);
    assert.equal(r.build.result, 'SUCCESS');
  });

  it('refuses overrides the job cannot take, before changing anything', async () => {
    const posts = fake.requests.filter((q) => q.method === 'POST').length;
    await assert.rejects(client.cleanBuild('team/freestyle', { overrides: { GOPROXY: 'off' } }), (e: unknown) => {
      assert.ok(e instanceof JenkinsJobError);
      assert.equal(e.problem, 'unsupported-overrides');
      assert.match(
        e.message,
        /job 'team\/freestyle' does not accept the GOPROXY \(no parameter named GOPROXY\) override: it declares no parameters; .*Nothing was changed\./,
      );
      return true;
    });
    assert.equal(fake.requests.filter((q) => q.method === 'POST').length, posts);
    assert.equal(fake.job('team/freestyle').wipeOuts, 1);
  });

  it('with strictOverrides: false builds anyway and reports what was not applied', async () => {
    const r = await client.cleanBuild('team/with-param', {
      cleanParam: 'CLEAN_WORKSPACE',
      overrides: { GOFLAGS: '-mod=mod' },
      paramNames: { GOFLAGS: 'MY_GOFLAGS' },
      strictOverrides: false,
    });
    assert.deepEqual(r.refusedOverrides, ['GOFLAGS']);
    assert.match(r.notes[0] ?? '', /not applied: GOFLAGS \(no parameter named MY_GOFLAGS\); it declares CLEAN_WORKSPACE, GOFLAGS, GOPROXY/);
    assert.equal(fake.job('team/with-param').builds.at(-1)?.params.GOFLAGS, '');
  });

  it('uses configured parameter names for the overrides', async () => {
    const r = await client.cleanBuild('team/custom-names', {
      overrides: { GOFLAGS: '-x', GOPROXY: 'direct' },
      paramNames: { GOFLAGS: 'BF_GOFLAGS', GOPROXY: 'BF_GOPROXY' },
    });
    assert.equal(r.method, 'wipe-out');
    assert.deepEqual(fake.job('team/custom-names').builds.at(-1)?.params, { BF_GOFLAGS: '-x', BF_GOPROXY: 'direct' });
  });

  it('a Pipeline job without a clean parameter is refused with what to do', async () => {
    await assert.rejects(client.cleanBuild('team/pipeline', { cleanParam: 'CLEAN_WORKSPACE', overrides: { GOPROXY: 'direct' } }), (e: unknown) => {
      assert.ok(e instanceof JenkinsJobError);
      assert.equal(e.problem, 'no-wipe-out');
      assert.match(e.message, /Pipeline job: .*Add a boolean parameter CLEAN_WORKSPACE/);
      return true;
    });
    assert.equal(fake.requestsTo('POST', /team\/job\/pipeline/).length, 0);
  });

  it('a 403 on wipe-out names the permission and nothing is built', async () => {
    fake.addFault({
      method: 'POST',
      path: '/job/team/job/wipe-denied/doWipeOutWorkspace',
      status: 403,
      body: 'buildfix is missing the Job/WipeOut permission',
      headers: { 'x-required-permission': 'hudson.model.Item.WipeOut' },
    });
    await assert.rejects(
      client.cleanBuild('team/wipe-denied'),
      (e: unknown) => e instanceof JenkinsError && e.kind === 'permission' && /Job\/WipeOut \(hudson\.model\.Item\.WipeOut\)/.test(e.message),
    );
    assert.equal(fake.requestsTo('POST', '/job/team/job/wipe-denied/build').length, 0);
  });
});

describe('rollback', () => {
  let fake: JenkinsFake;
  let client: JenkinsClient;
  before(async () => {
    fake = await startJenkinsFake({
      jobs: [
        {
          name: 'team/payments',
          params: [{ name: 'REVISION', type: 'string', default: '' }],
          builds: [
            { number: 40, result: 'FAILURE', git: [{ sha: SHA_BAD, remoteUrls: [APP] }] },
            { number: 41, result: 'SUCCESS', git: [{ sha: SHA_GOOD, remoteUrls: [APP], branch: 'origin/main' }] },
            { number: 42, result: 'FAILURE', git: [{ sha: SHA_BAD, remoteUrls: [APP] }] },
          ],
          plan: { git: (p) => [{ sha: p.REVISION ?? SHA_BAD, remoteUrls: [APP] }] },
        },
        { name: 'team/never-green', params: [{ name: 'REVISION' }], builds: [{ number: 1, result: 'FAILURE' }] },
        { name: 'team/no-git', params: [{ name: 'REVISION' }], builds: [{ number: 7, result: 'SUCCESS', git: [] }] },
        { name: 'team/no-param', builds: [{ number: 3, result: 'SUCCESS', git: [{ sha: SHA_GOOD }] }] },
        {
          name: 'team/with-lib',
          params: [{ name: 'REVISION' }],
          builds: [
            {
              number: 9,
              result: 'SUCCESS',
              git: [
                { sha: SHA_LIB, remoteUrls: ['https://git.example.test/shared/pipeline-lib.git'] },
                { sha: SHA_GOOD, remoteUrls: [APP] },
              ],
            },
          ],
        },
      ],
    });
    client = new JenkinsClient({ baseUrl: fake.url, user: fake.user, apiToken: fake.token, timeoutMs: 2000, pollIntervalMs: 10 });
  });
  after(async () => {
    await client.close();
    await fake.close();
  });

  it('rebuilds the last successful revision and says so', async () => {
    const r = await client.rollback('team/payments', { revisionParam: 'REVISION' });
    assert.equal(r.summary, `rolled back to #41 (${SHA_GOOD.slice(0, 7)})`);
    assert.equal(r.sha, SHA_GOOD);
    assert.equal(r.branch, 'origin/main');
    assert.equal(r.from.number, 41);
    assert.equal(r.build.number, 43);
    assert.equal(r.build.result, 'SUCCESS');
    assert.deepEqual(fake.job('team/payments').builds.at(-1)?.params, { REVISION: SHA_GOOD });
    const read = fake.requestsTo('GET', '/job/team/job/payments/41/api/json').at(-1);
    assert.match(read?.query.tree ?? '', /actions\[_class,lastBuiltRevision\[SHA1/);
  });

  it('no successful build', async () => {
    await assert.rejects(
      client.rollback('team/never-green', { revisionParam: 'REVISION' }),
      (e: unknown) => e instanceof JenkinsJobError && e.problem === 'no-successful-build' && /has no successful build to roll back to/.test(e.message),
    );
  });

  it('no git data on the successful build', async () => {
    await assert.rejects(
      client.rollback('team/no-git', { revisionParam: 'REVISION' }),
      (e: unknown) => e instanceof JenkinsJobError && e.problem === 'no-git-data' && /build #7 of job 'team\/no-git' has no git revision/.test(e.message),
    );
  });

  it('the job lacks the revision parameter', async () => {
    await assert.rejects(client.rollback('team/no-param', { revisionParam: 'REVISION' }), (e: unknown) => {
      assert.ok(e instanceof JenkinsJobError);
      assert.equal(e.problem, 'missing-parameter');
      assert.match(e.message, /job 'team\/no-param' has no REVISION parameter \(it declares no parameters\)/);
      return true;
    });
  });

  it('several repositories: needs repoUrl, then picks the application', async () => {
    await assert.rejects(
      client.rollback('team/with-lib', { revisionParam: 'REVISION' }),
      (e: unknown) => e instanceof JenkinsJobError && e.problem === 'ambiguous-revision',
    );
    const r = await client.rollback('team/with-lib', { revisionParam: 'REVISION', repoUrl: 'git@git.example.test:team/payments.git' });
    assert.equal(r.sha, SHA_GOOD);
  });

  it('refusals trigger nothing', () => {
    for (const job of ['never-green', 'no-git', 'no-param']) {
      assert.equal(fake.requestsTo('POST', new RegExp(`/job/team/job/${job}/`)).length, 0);
    }
    assert.equal(fake.requestsTo('POST', /\/job\/team\/job\/with-lib\//).length, 1);
  });
});
