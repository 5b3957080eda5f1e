/**
 * The in-process path: `buildfix shell` with piped input (no REDIS_URL, the
 * jobs run in the shell's own dispatcher) against the Jenkins fake. Restart
 * through Jenkins, restart through this machine's own "worker" when it is the
 * agent, clean rebuild, rollback, `diagnose --job`, and what happens without
 * JENKINS_URL.
 */
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startGoProxyFake, type GoProxyFake } from '../../fakes/goproxy-server.ts';
import { startJenkinsFake, type JenkinsFake } from '../../fakes/jenkins-server.ts';
import { runCli } from '../../helpers/run-cli.ts';
import { createTempDir, restartArgv, type TempDir } from './harness.ts';

const FAILING_LOG = new URL('../../fixtures/logs/go/proxy-unreachable.dns.jenkins.log', import.meta.url);
const SHA = '0123456789abcdef0123456789abcdef01234567';

function nodePosts(fake: JenkinsFake, node: string): string[] {
  return fake.requestsTo('POST', new RegExp(`^/computer/${node}/`)).map((r) => r.path.split('/').pop() ?? '');
}

describe('buildfix shell with Jenkins (in-process jobs)', () => {
  let fake: JenkinsFake;
  let goproxy: GoProxyFake;
  let tmp: TempDir;
  let base: Record<string, string>;
  let jenkins: Record<string, string>;
  let repo: string;

  before(async () => {
    fake = await startJenkinsFake({
      jobs: [
        { name: 'team/payments/main' },
        {
          name: 'team/payments/release',
          params: [{ name: 'REVISION', type: 'string' }],
          builds: [{ number: 9, result: 'SUCCESS', git: [{ sha: SHA, branch: 'origin/main' }] }],
        },
        {
          name: 'team/payments/broken',
          builds: [
            { number: 7, result: 'FAILURE', console: await readFile(FAILING_LOG, 'utf8') },
            { number: 8, result: 'SUCCESS' },
          ],
        },
      ],
      nodes: [{ name: 'agent-01' }, { name: 'jenkins-node-02' }],
    });
    goproxy = await startGoProxyFake({ modules: [] });
    tmp = await createTempDir('shell');
    repo = tmp.path('payments');
    await mkdir(repo);
    await writeFile(join(repo, 'go.mod'), 'module example.com/payments\n\ngo 1.19\n');
    const configPath = await tmp.writeConfig({
      agents: { 'agent-01': { restart: restartArgv(tmp.path('agent-01.marker')) }, 'agent-02': { node: 'jenkins-node-02' } },
      jobs: { 'team/payments/main': {}, 'team/payments/release': { revisionParam: 'REVISION' }, 'team/payments/broken': {} },
    });
    base = { BUILDFIX_CONFIG: configPath, GOPROXY: goproxy.url, GOSUMDB: 'off', GOFLAGS: '-mod=mod' };
    jenkins = { JENKINS_URL: fake.url, JENKINS_USER: fake.user, JENKINS_API_TOKEN: fake.token };
  });

  after(async () => {
    await fake?.close();
    await goproxy?.close();
    await tmp?.cleanup();
  });

  it('restart agent-01, then y: drained and restarted through Jenkins, each step shown with its time', async () => {
    const r = await runCli(['shell'], { ...base, ...jenkins, BUILDFIX_HOST: 'chat-host' }, { input: 'restart agent-01\ny\n' });
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stdout, /Restart the build agent agent-01\? It is drained first \(running builds finish\)\. \[y\/N\]/);
    assert.match(r.stdout, /⏳ restart agent-01 — queued/);
    assert.match(r.stdout, /i no live buildfix worker on agent-01: restarting agent-01 through Jenkins/);
    for (const step of ['mark-offline', 'drain', 'restart', 'wait-online', 'mark-online']) {
      assert.match(r.stdout, new RegExp(`✓ agent-01: ${step}: .* \\d+(\\.\\d+)? (ms|s)\\n`), `${step} in ${r.stdout}`);
    }
    assert.match(r.stdout, /✓ agent-01 restarted in .* \(through Jenkins\)/);
    assert.match(r.stdout, /now: online/);
    assert.deepEqual(nodePosts(fake, 'agent-01'), ['toggleOffline', 'doDisconnect', 'launchSlaveAgent', 'toggleOffline']);
    assert.match(
      fake.requestsTo('POST', '/computer/agent-01/toggleOffline')[0]?.params.offlineMessage ?? '',
      /^buildfix: restart requested by \S+ \(local:\S+\): buildfix restart from chat$/,
    );
    assert.equal(fake.node('agent-01').temporarilyOffline, false);
    assert.deepEqual(await tmp.markerLines('agent-01.marker'), [], 'no restart command ran on this machine');
  });

  it('on the agent itself (BUILDFIX_HOST=agent-01) the restart runs its configured command; a configured node name is used in Jenkins', async () => {
    const before = fake.requests.length;
    const r = await runCli(['shell'], { ...base, ...jenkins, BUILDFIX_HOST: 'agent-01' }, { input: 'restart agent-01 --force\ny\nrestart agent-02\ny\n' });
    assert.equal(r.exitCode, 0, r.stderr);
    assert.match(r.stdout, /--force: running builds are not drained\./);
    assert.match(r.stdout, /a buildfix worker is live on agent-01: it runs the agent's restart command/);
    assert.match(r.stdout, /agent-01: restarting agent-01: \/bin\/sh .*record-restart\.sh/);
    assert.match(r.stdout, /✓ agent-01 restarted in .* \(by the buildfix worker\)/);
    assert.match(r.stdout, /\$ \/bin\/sh .*record-restart\.sh .* exit 0 on agent-01/);
    assert.deepEqual(await tmp.markerLines('agent-01.marker'), ['restart ran: exit=0']);
    const posts = fake.requests
      .slice(before)
      .filter((q) => q.method === 'POST')
      .map((q) => q.path);
    assert.deepEqual(posts, [
      '/computer/agent-01/toggleOffline',
      '/computer/agent-01/toggleOffline',
      '/computer/jenkins-node-02/toggleOffline',
      '/computer/jenkins-node-02/doDisconnect',
      '/computer/jenkins-node-02/launchSlaveAgent',
      '/computer/jenkins-node-02/toggleOffline',
    ]);
    assert.match(r.stdout, /✓ jenkins-node-02 restarted in .* \(through Jenkins\)/);
  });

  it('clean rebuild, rollback and diagnose --job: each answered with the build, its progress and the log explained', async () => {
    const input = [
      `rebuild team/payments/main --clean`,
      'y',
      'rollback team/payments/release',
      'y',
      `diagnose ${repo} --job team/payments/broken`,
      'rebuild team/other',
      'y',
      '',
    ].join('\n');
    const r = await runCli(['shell'], { ...base, ...jenkins }, { input, timeoutMs: 90_000 });
    assert.equal(r.exitCode, 1, 'the refused team/other makes the piped shell exit 1');
    assert.match(r.stdout, /Trigger a clean build of team\/payments\/main\? The workspace is wiped\. \[y\/N\]/);
    assert.match(r.stdout, /team\/payments\/main: queued in Jenkins \(queue item \d+\)/);
    assert.match(r.stdout, /team\/payments\/main: started #1 http:\/\/127\.0\.0\.1:\d+\/job\/team\/job\/payments\/job\/main\/1\//);
    assert.match(r.stdout, /team\/payments\/main: #1 finished SUCCESS in /);
    assert.match(r.stdout, /✓ team\/payments\/main #1 SUCCESS in .* clean rebuild/);
    assert.match(r.stdout, /workspace: wiped out before the build/);
    assert.equal(fake.job('team/payments/main').wipeOuts, 1);

    assert.match(r.stdout, /✓ team\/payments\/release #10 SUCCESS in .* rolled back to #9 \(0123456\) on origin\/main/);
    assert.equal(fake.job('team/payments/release').builds.at(-1)?.params.REVISION, SHA);

    assert.match(r.stdout, /⏳ diagnose .*payments — queued/);
    assert.match(r.stdout, /⏳ explain the last failed build of team\/payments\/broken — queued/);
    assert.match(r.stdout, /last failed build of team\/payments\/broken: #7 FAILURE http:\/\/127\.0\.0\.1:\d+\/job\/team\/job\/payments\/job\/broken\/7\//);
    assert.match(r.stdout, /Root cause: proxy-unreachable/);
    assert.match(r.stdout, /lookup proxy\.golang\.org on 10\.255\.255\.53:53: no such host/);
    // The diagnosis ran first and found the path to the proxy healthy: the log's answer may be a passing failure.
    assert.match(r.stdout, /The live diagnosis on \S+ finds no problem now: the log's proxy-unreachable may have passed \(a retried build tells\)\./);

    assert.match(r.stdout, /"team\/other" is not a configured Jenkins job\. Known jobs: team\/payments\/main, team\/payments\/release, team\/payments\/broken/);
  });

  it('without JENKINS_URL: rebuild and rollback say Jenkins is not configured, restart runs the local restart command, diagnose --job says why no log was read', async () => {
    const ranBefore = (await tmp.markerLines('agent-01.marker')).length;
    // Refused before any question: no "y" follows rebuild and rollback.
    const input = [
      'rebuild team/payments/main',
      'rollback team/payments/release',
      'restart agent-01',
      'y',
      `diagnose ${repo} --job team/payments/broken`,
      '',
    ].join('\n');
    const r = await runCli(['shell'], { ...base, BUILDFIX_HOST: 'agent-01' }, { input, timeoutMs: 90_000 });
    assert.equal(r.exitCode, 1, 'the refused rebuild and rollback make the piped shell exit 1');
    assert.doesNotMatch(r.stdout, /Trigger a .*build|at the revision of its last successful build\?/);
    assert.doesNotMatch(r.stdout, /unknown command "y"/);
    assert.match(r.stdout, /`rebuild` needs Jenkins \(set JENKINS_URL, JENKINS_USER, JENKINS_API_TOKEN\), which is not configured here\./);
    assert.match(r.stdout, /`rollback` needs Jenkins \(set JENKINS_URL, JENKINS_USER, JENKINS_API_TOKEN\), which is not configured here\./);
    assert.match(r.stdout, /✓ agent restarted \(from agent-01/);
    assert.equal((await tmp.markerLines('agent-01.marker')).length, ranBefore + 1, 'the restart command ran once more');
    assert.match(r.stdout, /--job team\/payments\/broken: Jenkins is not configured here/);
    assert.doesNotMatch(r.stdout, /Root cause: proxy-unreachable/);
  });
});
