/** `status` lists the Jenkins agents next to the job system when Jenkins is configured. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startJenkinsFake, type JenkinsFake } from '../../fakes/jenkins-server.ts';
import { runCli } from '../../helpers/run-cli.ts';

describe('status with Jenkins', () => {
  let jenkins: JenkinsFake;
  before(async () => {
    jenkins = await startJenkinsFake({
      nodes: [
        { name: 'agent-01', numExecutors: 2, busy: 1 },
        { name: 'agent-02', numExecutors: 2, temporarilyOffline: true, offlineCauseReason: 'disk full' },
      ],
    });
  });
  after(async () => jenkins.close());

  it('shows each agent online or drained, with busy executors', async () => {
    const r = await runCli(['shell'], { JENKINS_URL: jenkins.url, JENKINS_USER: jenkins.user, JENKINS_API_TOKEN: jenkins.token }, { input: 'status\n' });
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stdout, /jobs: in-process/);
    assert.match(r.stdout, /Jenkins agents \(\d+\):/);
    assert.match(r.stdout, /agent-01: online, 1\/2 executors busy/);
    assert.match(r.stdout, /agent-02: temporarily offline \(disk full\)/);
    assert.ok(!r.stdout.includes(jenkins.token) && !r.stderr.includes(jenkins.token));
  });

  it('says so when Jenkins cannot be read, without failing the command', async () => {
    const r = await runCli(['shell'], { JENKINS_URL: 'http://127.0.0.1:1', JENKINS_USER: 'u', JENKINS_API_TOKEN: 'secret-token-xyz' }, { input: 'status\n' });
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stdout, /Jenkins agents could not be read: .*unreachable|Jenkins agents could not be read/);
    assert.ok(!r.stdout.includes('secret-token-xyz'));
  });
});
