/**
 * Agent or code from the terminal shell (embedded mode, this host is
 * agent-03) against GitHub and GitLab through their REST APIs on the local
 * fake: the same revision built green on agent-01's runner and red on
 * agent-03's → `agent`, naming the run / pipeline. Without a token, or
 * without Jenkins, each CI system's "not configured" reason is shown.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startCiRestFake, type CiRestFake } from '../../fakes/ci-rest-server.ts';
import { startGoProxyFake, type GoProxyFake } from '../../fakes/goproxy-server.ts';
import { goModWith, makeHistory, type History } from '../../helpers/git-history.ts';
import { runCli } from '../../helpers/run-cli.ts';

describe('agent or code in the shell against GitHub and GitLab', () => {
  let root: string;
  let rest: CiRestFake;
  let bad: GoProxyFake;
  let history: History;
  let env: Record<string, string>;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'buildfix-origin-rest-'));
    await mkdir(join(root, 'home'), { recursive: true });
    bad = await startGoProxyFake({ modules: [] });
    history = await makeHistory(root, 'svc', [
      { author: 'bob', subject: 'green build', files: { 'go.mod': goModWith(['example.com/util v1.1.0']) } },
      { author: 'carol', subject: 'docs', files: { 'README.md': 'svc\n' } },
    ]);
    const [g, r] = history.shas as [string, string];
    rest = await startCiRestFake({ githubToken: 'ghp_test', gitlabToken: 'glpat-test' });
    const t = (m: number): string => new Date(Date.now() - m * 60_000).toISOString();
    rest.githubRuns.set('acme/svc', [
      {
        id: 900,
        run_number: 1,
        name: 'CI',
        head_branch: 'main',
        head_sha: g,
        status: 'completed',
        conclusion: 'success',
        created_at: t(30),
        jobs: [{ name: 'build', runner_name: 'agent-01' }],
      },
      {
        id: 901,
        run_number: 2,
        name: 'CI',
        head_branch: 'main',
        head_sha: r,
        status: 'completed',
        conclusion: 'failure',
        created_at: t(20),
        jobs: [{ name: 'build', runner_name: 'agent-03' }],
      },
      {
        id: 902,
        run_number: 3,
        name: 'CI',
        head_branch: 'main',
        head_sha: r,
        status: 'completed',
        conclusion: 'success',
        created_at: t(10),
        jobs: [{ name: 'build', runner_name: 'agent-01' }],
      },
    ]);
    rest.gitlabPipelines.set(42, [
      { id: 300, iid: 30, ref: 'main', sha: g, status: 'success', created_at: t(30), jobs: [{ name: 'build', runner: 'agent-01' }] },
      { id: 301, iid: 31, ref: 'main', sha: r, status: 'failed', created_at: t(20), jobs: [{ name: 'build', runner: 'agent-03' }] },
      { id: 302, iid: 32, ref: 'main', sha: r, status: 'success', created_at: t(10), jobs: [{ name: 'build', runner: 'agent-01' }] },
    ]);
    const config = join(root, 'buildfix.yaml');
    const url = `file://${history.bare}`;
    await writeFile(
      config,
      JSON.stringify({
        repos: {
          gh: { url, github: { repo: 'acme/svc', workflow: 'CI', api: rest.url } },
          gl: { url, gitlab: { project: 42, api: `${rest.url}/api/v4` } },
          jk: { url, job: 'svc/main' },
        },
        thresholds: { minFreePercent: 0, minFreeBytes: 0, minFreeInodesPercent: 0 },
      }),
    );
    env = {
      BUILDFIX_CONFIG: config,
      BUILDFIX_HOST: 'agent-03',
      GOPROXY: bad.url,
      GOSUMDB: 'off',
      GOFLAGS: '-mod=mod',
      GOTOOLCHAIN: 'local',
      GOPRIVATE: '',
      GONOPROXY: '',
      GONOSUMDB: '',
      HOME: join(root, 'home'),
      GOMODCACHE: join(root, 'cache'),
      GOPATH: join(root, 'gopath'),
    };
  });
  after(async () => {
    await Promise.all([rest?.close(), bad?.close()]);
    await rm(root, { recursive: true, force: true });
  });

  it('the same revision green on another runner → agent, from GitHub and from GitLab', async () => {
    const shell = await runCli(
      ['shell'],
      { ...env, GITHUB_TOKEN: 'ghp_test', GITLAB_TOKEN: 'glpat-test' },
      { input: 'diagnose gh --since-green\ndiagnose gl --since-green\n', timeoutMs: 120_000 },
    );
    const out = shell.stdout + shell.stderr;
    assert.match(out, /Agent or code: agent — Agent: .*built green on agent-01 \(GitHub run #3 of CI on main\)/, out);
    assert.match(out, /the same revision built green on agent-01 \(GitHub run #3 of CI on main\), and failed on agent-03/);
    assert.match(out, /Agent or code: agent — Agent: .*built green on agent-01 \(GitLab pipeline #32 on main\)/, out);
    // The runners come from the jobs APIs.
    assert.ok(rest.requests.some((r) => r.path === '/repos/acme/svc/actions/runs/902/jobs'));
    assert.ok(rest.requests.some((r) => r.path === '/api/v4/projects/42/pipelines/302/jobs'));
  });

  it('each CI system not configured: the reason says which', async () => {
    const shell = await runCli(['shell'], env, {
      input: 'diagnose gh --since-green\ndiagnose gl --since-green\ndiagnose jk --since-green\n',
      timeoutMs: 120_000,
    });
    const out = shell.stdout + shell.stderr;
    assert.match(out, /no last green build known: GitHub not configured \(GITHUB_TOKEN is not set\)/, out);
    assert.match(out, /no last green build known: GitLab not configured \(GITLAB_TOKEN is not set\)/, out);
    assert.match(out, /no last green build known: Jenkins not configured/, out);
  });
});
