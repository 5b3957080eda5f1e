/**
 * The direct-mode world both direct-mode test files run in: a vanity import
 * server on port 80 of a private loopback address (http, allowed by
 * GOINSECURE), real git repositories over smart HTTP (`git http-backend`,
 * one server behind basic auth), a module proxy a go-import "mod" tag names,
 * a GOPROXY that GOPRIVATE modules must never reach, and `both()`: the same
 * go.mod through the real `go mod download` (fresh module cache, the agent's
 * own HOME) and through buildfix's diagnose engine.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diagnose } from '../../src/engine/diagnose.ts';
import { runCommand } from '../../src/exec/run-command.ts';
import type { DiagnosisReport, Finding } from '../../src/report/model.ts';
import { startGitHttpServer, type GitHttpServer } from '../fakes/git-http-server.ts';
import { createGitRepo, isolatedGitEnv, startGoProxyFake, type GoProxyFake } from '../fakes/goproxy-server.ts';
import { startVanityServer, type VanityImport, type VanityServer } from '../fakes/vanity-server.ts';

const THRESHOLDS = { minFreePercent: 0, minFreeBytes: 0, minFreeInodesPercent: 0 };
// go-get URLs carry no port: the vanity server takes port 80 on an address of its own.
const V = `127.${100 + Math.floor(Math.random() * 100)}.${Math.floor(Math.random() * 250) + 1}.${Math.floor(Math.random() * 250) + 1}`;

// A repository whose main branch ends one commit after its only tag: the commit a pseudo-version names.
async function repoWithUntaggedTip(workDir: string, bare: string, modulePath: string): Promise<{ hash: string; time: string }> {
  await mkdir(workDir, { recursive: true });
  const env = isolatedGitEnv(workDir);
  const git = (...args: string[]) => runCommand(['git', '-c', 'init.defaultBranch=main', ...args], { cwd: workDir, env, timeoutMs: 30_000 });
  await git('init', '-q');
  await writeFile(join(workDir, 'go.mod'), `module ${modulePath}\n\ngo 1.19\n`);
  await writeFile(join(workDir, 'p.go'), 'package pseudo\n');
  await git('add', '-A');
  await git('commit', '-q', '-m', 'v1.0.0');
  await git('tag', 'v1.0.0');
  await writeFile(join(workDir, 'p.go'), 'package pseudo\n\nconst Next = 1\n');
  await git('commit', '-q', '-am', 'after v1.0.0');
  const hash = (await git('rev-parse', 'HEAD')).stdout.trim().slice(0, 12);
  const seconds = Number((await git('show', '-s', '--format=%ct', 'HEAD')).stdout.trim());
  await runCommand(['git', 'clone', '-q', '--bare', workDir, bare], { env, timeoutMs: 30_000 });
  return { hash, time: new Date(seconds * 1000).toISOString().replace(/[-:T]/g, '').slice(0, 14) };
}

export interface Agent {
  home: string;
  gitconfig?: string;
  netrc?: string;
  /** ~/.git-credentials for `credential.helper = store`. */
  gitCredentials?: string;
}

export interface DirectFixture {
  V: string;
  work: string;
  repos: string;
  git: GitHttpServer;
  gitAuth: GitHttpServer;
  vanity: VanityServer;
  proxy: GoProxyFake;
  modProxy: GoProxyFake;
  /** A commit on main after the v1.0.0 tag of `pseudo.git`: hash and UTC commit time (yyyymmddhhmmss). */
  pseudoTip: { hash: string; time: string };
  agent(setup?: Omit<Agent, 'home'>): Promise<Agent>;
  both(
    module: string,
    version: string,
    who: Agent,
    goEnv: Record<string, string>,
    forBuildfix?: Agent,
  ): Promise<{ go: { exitCode: number; stderr: string }; report: DiagnosisReport }>;
  errors(report: DiagnosisReport): Finding[];
  /** GOPROXY = the proxy GOPRIVATE modules must not reach; GOPRIVATE = the vanity host, vanity.invalid, github.com/acme. */
  privateEnv(): Record<string, string>;
  close(): Promise<void>;
}

export async function startDirectFixture(): Promise<DirectFixture> {
  const work = await mkdtemp(join(tmpdir(), 'buildfix-direct-'));
  const repos = join(work, 'repos');
  const mod = (path: string): Record<string, string> => ({ 'go.mod': `module ${path}\n\ngo 1.19\n`, 'x.go': `package ${path.split('/').at(-1)}\n` });
  await createGitRepo(repos, 'lib', { 'v1.0.0': mod(`${V}/lib`), 'v1.1.0': mod(`${V}/lib`) });
  await createGitRepo(repos, 'private', { 'v1.0.0': mod(`${V}/private`) });
  await createGitRepo(repos, 'acme/widget', { 'v1.0.0': mod('github.com/acme/widget') });
  await createGitRepo(repos, 'acme/withmod', { 'v2.0.0': mod('github.com/acme/withmod') });
  await createGitRepo(repos, 'acme/nomod', { 'v2.0.0': { 'x.go': 'package nomod\n' } });
  await createGitRepo(repos, 'moved', { 'v1.0.0': mod(`${V}/moved`) });
  await createGitRepo(repos, 'mono', { 'sub/v1.0.0': { 'sub/go.mod': `module ${V}/mono/sub\n\ngo 1.19\n`, 'sub/x.go': 'package sub\n' } });
  await createGitRepo(repos, 'major', {
    'v2.0.0': { 'v2/go.mod': `module ${V}/major/v2\n\ngo 1.19\n`, 'v2/x.go': 'package major\n', 'go.mod': `module ${V}/major\n\ngo 1.19\n` },
  });
  await createGitRepo(repos, 'renamed', { 'v1.0.0': mod('example.com/renamed') });
  await createGitRepo(repos, 'withdep', { 'v1.0.0': { 'go.mod': `module ${V}/withdep\n\ngo 1.16\n\nrequire ${V}/lib v1.9.0\n`, 'x.go': 'package withdep\n' } });
  const pseudoTip = await repoWithUntaggedTip(join(work, 'pseudo-work'), join(repos, 'pseudo.git'), `${V}/pseudo`);
  const git = await startGitHttpServer({ root: repos });
  const gitAuth = await startGitHttpServer({ root: repos, auth: { user: 'ci-bot', pass: 'right-token' } });
  const vanityImports: VanityImport[] = [
    { prefix: `${V}/lib`, vcs: 'git', repo: `${git.url}/lib.git` },
    { prefix: `${V}/private`, vcs: 'git', repo: `${gitAuth.url}/private.git` },
    { prefix: `${V}/sshlib`, vcs: 'git', repo: 'ssh://git@127.0.0.1:1/lib.git' },
    { prefix: `${V}/moved`, vcs: 'git', repo: `${git.url}/moved.git` },
    { prefix: `${V}/renamed`, vcs: 'git', repo: `${git.url}/renamed.git` },
    { prefix: `${V}/withdep`, vcs: 'git', repo: `${git.url}/withdep.git` },
    { prefix: `${V}/pseudo`, vcs: 'git', repo: `${git.url}/pseudo.git` },
    { prefix: `${V}/mono`, vcs: 'git', repo: `${git.url}/mono.git` },
    { prefix: `${V}/major`, vcs: 'git', repo: `${git.url}/major.git` },
    { prefix: `${V}/svnlib`, vcs: 'svn', repo: `${git.url}/svnlib` },
    { prefix: `${V}/hglib`, vcs: 'hg', repo: `${git.url}/hglib` },
    { prefix: `${V}/twice`, vcs: 'git', repo: `${git.url}/lib.git` },
    { prefix: `${V}/twice`, vcs: 'git', repo: `${git.url}/moved.git` },
  ];
  const vanity = await startVanityServer({
    host: V,
    port: 80,
    imports: vanityImports,
    rules: [
      { path: '/nometa', noMeta: true },
      { path: '/gone', status: 404 },
      { path: '/moved', redirectTo: `http://${V}/landing/moved?go-get=1` },
      { path: '/landing/moved', metaFor: `${V}/moved` },
    ],
  });
  // GOPRIVATE modules must never reach this proxy.
  const proxy = await startGoProxyFake({ modules: [] });
  // A module proxy that a go-import "mod" tag names.
  const modProxy = await startGoProxyFake({ modules: [{ path: `${V}/modlib`, versions: [{ version: 'v1.0.0' }] }] });
  vanity.setImports([...vanityImports, { prefix: `${V}/modlib`, vcs: 'mod', repo: modProxy.url }]);

  async function agent(setup: Omit<Agent, 'home'> = {}): Promise<Agent> {
    const home = await mkdtemp(join(work, 'home-'));
    if (setup.gitconfig) await writeFile(join(home, '.gitconfig'), setup.gitconfig);
    if (setup.netrc) await writeFile(join(home, '.netrc'), setup.netrc, { mode: 0o600 });
    if (setup.gitCredentials) await writeFile(join(home, '.git-credentials'), setup.gitCredentials, { mode: 0o600 });
    return { home, ...setup };
  }

  // `forBuildfix`: a second copy of the agent, for set-ups that go changes (git erases refused helper credentials).
  async function both(
    module: string,
    version: string,
    who: Agent,
    goEnv: Record<string, string>,
    forBuildfix: Agent = who,
  ): Promise<{ go: { exitCode: number; stderr: string }; report: DiagnosisReport }> {
    const dir = await mkdtemp(join(work, 'app-'));
    await writeFile(join(dir, 'go.mod'), `module example.com/app\n\ngo 1.19\n\nrequire ${module} ${version}\n`);
    await mkdir(join(dir, 'mc'));
    const env = { HOME: who.home, GIT_CONFIG_NOSYSTEM: '1', GIT_TERMINAL_PROMPT: '0', GOFLAGS: '-mod=mod', GOINSECURE: V, ...goEnv };
    const go = await runCommand(['go', 'mod', 'download'], {
      cwd: dir,
      reject: false,
      timeoutMs: 30_000,
      env: { ...env, GOMODCACHE: join(dir, 'mc'), GOTOOLCHAIN: 'local' },
    });
    const report = await diagnose(dir, {
      config: { repoUrlTemplate: 'https://github.com/{repo}.git', repos: {}, thresholds: THRESHOLDS, concurrency: 4, requestTimeoutMs: 5_000 },
      goEnv: { GOFLAGS: env.GOFLAGS, GOINSECURE: env.GOINSECURE, ...goEnv },
      host: 'test',
      parts: { probe: false, lint: false, host: false, toolchain: false },
      processEnv: { HOME: forBuildfix.home, GIT_CONFIG_NOSYSTEM: '1' },
    });
    return { go, report };
  }

  function errors(report: DiagnosisReport): Finding[] {
    return report.findings.filter((f) => f.severity === 'error');
  }

  const privateEnv = (): Record<string, string> => ({ GOPROXY: proxy.url, GOPRIVATE: `${V},vanity.invalid,github.com/acme` });

  return {
    V,
    work,
    repos,
    git,
    gitAuth,
    vanity,
    proxy,
    modProxy,
    pseudoTip,
    agent,
    both,
    errors,
    privateEnv,
    close: async () => {
      await vanity.close();
      await git.close();
      await gitAuth.close();
      await proxy.close();
      await modProxy.close();
      await rm(work, { recursive: true, force: true });
    },
  };
}
