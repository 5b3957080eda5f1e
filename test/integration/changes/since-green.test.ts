/**
 * "Agent or code" on real git history: a bare repository with a green
 * commit, an unrelated commit and a commit that bumps a module to a version
 * the proxy does not have, cloned shallowly over file:// as a worker does.
 * The real go command confirms the premise of each case (green downloads,
 * the failing revision does not) before buildfix is asked.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { diagnoseSinceGreen } from '../../../src/engine/diagnose-since-green.ts';
import { runCommand } from '../../../src/exec/run-command.ts';
import type { DiagnosisReport } from '../../../src/report/model.ts';
import { isolatedGitEnv, startGoProxyFake, type GoProxyFake } from '../../fakes/goproxy-server.ts';
import { startJenkinsFake } from '../../fakes/jenkins-server.ts';
import { goModWith, makeHistory, type History } from '../../helpers/git-history.ts';
import { runCli } from '../../helpers/run-cli.ts';

const THRESHOLDS = { minFreePercent: 0, minFreeBytes: 0, minFreeInodesPercent: 0 };
describe('diagnose since the last green build', () => {
  let fake: GoProxyFake;
  let root: string;
  let goEnv: Record<string, string>;
  let bump: History;
  let upstream: History;

  const run = (target: string, green: string): Promise<DiagnosisReport> =>
    diagnoseSinceGreen(target, {
      green,
      greenSource: '--since',
      config: { repoUrlTemplate: 'https://github.com/{repo}.git', repos: {}, thresholds: THRESHOLDS, concurrency: 8, requestTimeoutMs: 5_000 },
      goEnv,
      host: 'agent-03',
      parts: { host: false, probe: false },
      processEnv: { HOME: join(root, 'home') },
    });

  /** The real go command's verdict on one revision of a repository. */
  async function goDownloads(history: History, sha: string, tag: string): Promise<{ ok: boolean; output: string }> {
    const dir = join(root, `go-${tag}`);
    await runCommand(['git', 'clone', '-q', history.bare, dir], { env: isolatedGitEnv(root), timeoutMs: 30_000 });
    await runCommand(['git', '-C', dir, 'checkout', '-q', sha], { env: isolatedGitEnv(root), timeoutMs: 30_000 });
    const r = await runCommand(['go', 'mod', 'download'], {
      cwd: dir,
      env: { ...goEnv, HOME: join(root, 'home'), GOMODCACHE: join(root, `cache-${tag}`), GOPATH: join(root, `gopath-${tag}`), GOFLAGS: '-mod=mod -modcacherw' },
      reject: false,
      timeoutMs: 60_000,
    });
    return { ok: r.exitCode === 0, output: r.stderr };
  }

  before(async () => {
    fake = await startGoProxyFake({
      modules: [
        { path: 'example.com/ledger', versions: [{ version: 'v1.9.8' }, { version: 'v1.9.9', fail: { status: 404 } }] },
        { path: 'example.com/util', versions: [{ version: 'v1.1.0' }] },
        { path: 'example.com/vanishing', versions: [{ version: 'v1.0.0' }] },
      ],
    });
    root = await mkdtemp(join(tmpdir(), 'buildfix-since-green-'));
    await mkdir(join(root, 'home'), { recursive: true });
    goEnv = { GOPROXY: fake.url, GOSUMDB: 'off', GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local', GONOSUMDB: '', GOPRIVATE: '', GONOPROXY: '' };
    bump = await makeHistory(root, 'payments', [
      {
        author: 'bob',
        subject: 'green build',
        files: { 'go.mod': goModWith(['example.com/ledger v1.9.8', 'example.com/util v1.1.0']), 'README.md': 'payments\n' },
      },
      { author: 'carol', subject: 'docs: setup', files: { 'README.md': 'payments service\n' } },
      { author: 'ann', subject: 'bump ledger', files: { 'go.mod': goModWith(['example.com/ledger v1.9.9', 'example.com/util v1.1.0']) } },
      { author: 'dave', subject: 'handler tweak', files: { 'main.go': 'package main\n\nfunc main() {}\n' } },
    ]);
    upstream = await makeHistory(root, 'billing', [
      { author: 'bob', subject: 'green build', files: { 'go.mod': goModWith(['example.com/vanishing v1.0.0']) } },
      { author: 'carol', subject: 'docs', files: { 'README.md': 'billing\n' } },
    ]);
  });
  after(async () => {
    await fake.close();
    await rm(root, { recursive: true, force: true });
  });

  it('names the commit and the go.mod line that broke it: verdict code', async () => {
    const [green, , bumpSha] = bump.shas as [string, string, string, string];
    assert.equal((await goDownloads(bump, green, 'bump-green')).ok, true, 'go downloads the green revision');
    const failingGo = await goDownloads(bump, bump.shas[3] as string, 'bump-red');
    assert.equal(failingGo.ok, false);
    assert.match(failingGo.output, /example\.com\/ledger@v1\.9\.9/);

    const report = await run(`file://${bump.bare}`, green.slice(0, 10));
    assert.equal(report.ok, false);
    assert.equal(report.origin?.verdict, 'code', JSON.stringify(report.origin));
    assert.equal(report.sinceGreen?.green, green);
    assert.deepEqual(
      report.sinceGreen?.commits.map((c) => c.subject),
      ['bump ledger'],
      'only the commit that changed a dependency file',
    );
    assert.deepEqual(report.sinceGreen?.files, [{ path: 'go.mod', status: 'M', kind: 'go' }]);
    const blamed = report.sinceGreen?.blamed;
    assert.ok(blamed, JSON.stringify(report.sinceGreen));
    assert.equal(blamed.text, `go.mod:6 example.com/ledger v1.9.8 → v1.9.9 in ${bumpSha.slice(0, 7)} by ann, "bump ledger"`);
    assert.equal(blamed.revert, 'require example.com/ledger v1.9.8');
    assert.match(report.origin?.summary ?? '', /^Code: go\.mod:6 example\.com\/ledger v1\.9\.8 → v1\.9\.9 in [0-9a-f]{7} by ann/);
    assert.ok(
      report.origin?.reasons.some((r) => /still resolves from this agent/.test(r)),
      JSON.stringify(report.origin?.reasons),
    );
  });

  it('the green revision fails now too: verdict environment/upstream', async () => {
    const [green, red] = upstream.shas as [string, string];
    fake.updateVersion('example.com/vanishing', 'v1.0.0', { fail: { status: 410 } });
    try {
      const goRed = await goDownloads(upstream, red, 'up-red');
      assert.equal(goRed.ok, false, 'go fails on the failing revision');
      assert.equal((await goDownloads(upstream, green, 'up-green')).ok, false, 'and on the green one: the module left the proxy');
      const report = await run(`file://${upstream.bare}`, green);
      assert.equal(report.origin?.verdict, 'environment/upstream', JSON.stringify(report.origin));
      assert.deepEqual(report.sinceGreen?.files, []);
      assert.ok(
        report.origin?.reasons.some((r) =>
          r.startsWith(`the green revision ${green.slice(0, 7)} fails now too: version-not-found (example.com/vanishing@v1.0.0)`),
        ),
        JSON.stringify(report.origin?.reasons),
      );
    } finally {
      fake.updateVersion('example.com/vanishing', 'v1.0.0', { fail: undefined });
    }
  });

  it('the CLI: --since in the report and --json, --since-green from the Jenkins job, and the reason when there is none', async () => {
    const [green, , bumpSha] = bump.shas as [string, string, string, string];
    const env = { ...goEnv, HOME: join(root, 'home') };
    const cli = await runCli(['diagnose', `file://${bump.bare}`, '--since', green, '--skip', 'host,probe'], env);
    assert.equal(cli.exitCode, 1, cli.stderr);
    assert.match(cli.stdout, /Agent or code: code — Code: go\.mod:6 example\.com\/ledger v1\.9\.8 → v1\.9\.9/);
    assert.match(
      cli.stdout,
      new RegExp(
        `✗ go\\.mod:6 example\\.com/ledger v1\\.9\\.8 → v1\\.9\\.9 in ${bumpSha.slice(0, 7)} by ann, "bump ledger"  revert: require example\\.com/ledger v1\\.9\\.8`,
      ),
    );

    const jenkins = await startJenkinsFake({
      jobs: [{ name: 'payments/main', builds: [{ number: 41, result: 'SUCCESS', git: [{ sha: green, remoteUrls: [`file://${bump.bare}`] }] }] }],
    });
    try {
      const config = join(root, 'buildfix.yaml');
      await writeFile(config, `repos:\n  payments:\n    url: file://${bump.bare}\n    job: payments/main\n  payments-nojob:\n    url: file://${bump.bare}\n`);
      const withJenkins = { ...env, BUILDFIX_CONFIG: config, JENKINS_URL: jenkins.url, JENKINS_USER: jenkins.user, JENKINS_API_TOKEN: jenkins.token };
      const json = await runCli(['diagnose', 'payments', '--since-green', '--json', '--skip', 'host,probe'], withJenkins);
      const doc = json.json<DiagnosisReport>();
      assert.equal(doc.origin?.verdict, 'code', json.stdout);
      assert.equal(doc.sinceGreen?.source, 'Jenkins build #41 of payments/main');
      assert.equal(doc.sinceGreen?.blamed?.commit?.author, 'ann');

      const noJob = await runCli(['diagnose', 'payments-nojob', '--since-green', '--json', '--skip', 'host,probe'], withJenkins);
      const none = noJob.json<DiagnosisReport>();
      assert.equal(none.origin?.verdict, 'unknown');
      assert.match(none.origin?.summary ?? '', /no Jenkins job for this repo \(set repos\.<name>\.job/);
      const noJenkins = await runCli(['diagnose', 'payments', '--since-green', '--skip', 'host,probe'], { ...env, BUILDFIX_CONFIG: config });
      assert.match(noJenkins.stdout, /Cannot tell agent from code: no last green build known: Jenkins not configured/);
    } finally {
      await jenkins.close();
    }
    // The shell is a chat: the same command runs as an in-process job and renders for the terminal.
    const config = join(root, 'buildfix.yaml');
    const shell = await runCli(
      ['shell'],
      { ...env, BUILDFIX_CONFIG: config },
      { input: `diagnose payments --since ${green.slice(0, 12)}\ndiagnose payments --since-green\n` },
    );
    assert.match(
      shell.stdout,
      /Agent or code: code — Code: go\.mod:6 example\.com\/ledger v1\.9\.8 → v1\.9\.9 in [0-9a-f]{7} by ann/,
      shell.stdout + shell.stderr,
    );
    assert.match(shell.stdout, /no last green build known: Jenkins not configured/);
    const both = await runCli(['diagnose', 'payments', '--since', green, '--since-green'], env);
    assert.equal(both.exitCode, 2);
    assert.match(both.stderr, /either --since <revision> or --since-green/);
  });

  it('a revision the repository does not have is a clear input error', async () => {
    await assert.rejects(run(`file://${bump.bare}`, 'deadbeefdeadbeefdeadbeefdeadbeefdeadbeef'), (err: Error & { code?: string }) => {
      assert.match(err.message, /cannot fetch deadbeef|not in the repository/);
      return true;
    });
    await assert.rejects(run(`file://${bump.bare}`, '--upload-pack=evil'), /is not a git revision/);
  });

  it('a checkout without git history is refused with the reason', async () => {
    const dir = join(root, 'plain');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'go.mod'), goModWith(['example.com/util v1.1.0']));
    await assert.rejects(run(dir, 'HEAD~1'), /is not a git checkout: comparing with the last green build needs its history/);
  });
});
