/**
 * Direct mode with the real go command as the oracle: a vanity import
 * server (go-get meta tags, plain http on port 80 of a private loopback
 * address, allowed by GOINSECURE), real git repositories over smart HTTP
 * (`git http-backend`, optionally behind basic auth) and file://, and a
 * HOME with its own .gitconfig and .netrc. For each set-up, `go mod
 * download` (fresh module cache) and `buildfix diagnose` must agree: an
 * error-severity finding exactly when go fails, for the module go names, in
 * a category that fits go's message.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { diagnose } from '../../../src/engine/diagnose.ts';
import { runCommand } from '../../../src/exec/run-command.ts';
import type { DiagnosisReport } from '../../../src/report/model.ts';
import { startGitHttpServer, type GitHttpServer } from '../../fakes/git-http-server.ts';
import { createGitRepo, isolatedGitEnv, startGoProxyFake, type GoProxyFake } from '../../fakes/goproxy-server.ts';
import { startVanityServer, type VanityImport, type VanityServer } from '../../fakes/vanity-server.ts';

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

interface Agent {
  home: string;
  gitconfig?: string;
  netrc?: string;
  /** ~/.git-credentials for `credential.helper = store`. */
  gitCredentials?: string;
}

describe('direct mode: buildfix agrees with go mod download', () => {
  let work: string;
  let repos: string;
  let git: GitHttpServer;
  let gitAuth: GitHttpServer;
  let vanity: VanityServer;
  let proxy: GoProxyFake;
  let modProxy: GoProxyFake;
  let vanityImports: VanityImport[];
  /** A commit on main after the v1.0.0 tag of `pseudo.git`: hash and UTC commit time (yyyymmddhhmmss). */
  let pseudoTip: { hash: string; time: string };

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'buildfix-direct-'));
    repos = join(work, 'repos');
    const mod = (path: string): Record<string, string> => ({ 'go.mod': `module ${path}\n\ngo 1.19\n`, 'x.go': `package ${path.split('/').at(-1)}\n` });
    await createGitRepo(repos, 'lib', { 'v1.0.0': mod(`${V}/lib`), 'v1.1.0': mod(`${V}/lib`) });
    await createGitRepo(repos, 'private', { 'v1.0.0': mod(`${V}/private`) });
    await createGitRepo(repos, 'acme/widget', { 'v1.0.0': mod('github.com/acme/widget') });
    await createGitRepo(repos, 'acme/withmod', { 'v2.0.0': mod('github.com/acme/withmod') });
    await createGitRepo(repos, 'acme/nomod', { 'v2.0.0': { 'x.go': 'package nomod\n' } });
    await createGitRepo(repos, 'moved', { 'v1.0.0': mod(`${V}/moved`) });
    await createGitRepo(repos, 'mono', { 'sub/v1.0.0': { 'sub/go.mod': `module ${V}/mono/sub\n\ngo 1.19\n`, 'sub/x.go': 'package sub\n' } });
    await createGitRepo(repos, 'major', { 'v2.0.0': { 'v2/go.mod': `module ${V}/major/v2\n\ngo 1.19\n`, 'v2/x.go': 'package major\n', 'go.mod': `module ${V}/major\n\ngo 1.19\n` } });
    await createGitRepo(repos, 'renamed', { 'v1.0.0': mod('example.com/renamed') });
    await createGitRepo(repos, 'withdep', { 'v1.0.0': { 'go.mod': `module ${V}/withdep\n\ngo 1.16\n\nrequire ${V}/lib v1.9.0\n`, 'x.go': 'package withdep\n' } });
    pseudoTip = await repoWithUntaggedTip(join(work, 'pseudo-work'), join(repos, 'pseudo.git'), `${V}/pseudo`);
    git = await startGitHttpServer({ root: repos });
    gitAuth = await startGitHttpServer({ root: repos, auth: { user: 'ci-bot', pass: 'right-token' } });
    vanityImports = [
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
    vanity = await startVanityServer({
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
    proxy = await startGoProxyFake({ modules: [] });
    // A module proxy that a go-import "mod" tag names.
    modProxy = await startGoProxyFake({ modules: [{ path: `${V}/modlib`, versions: [{ version: 'v1.0.0' }] }] });
    vanity.setImports([...vanityImports, { prefix: `${V}/modlib`, vcs: 'mod', repo: modProxy.url }]);
  });
  after(async () => {
    await vanity.close();
    await git.close();
    await gitAuth.close();
    await proxy.close();
    await modProxy.close();
    await rm(work, { recursive: true, force: true });
  });

  async function agent(setup: Omit<Agent, 'home'> = {}): Promise<Agent> {
    const home = await mkdtemp(join(work, 'home-'));
    if (setup.gitconfig) await writeFile(join(home, '.gitconfig'), setup.gitconfig);
    if (setup.netrc) await writeFile(join(home, '.netrc'), setup.netrc, { mode: 0o600 });
    if (setup.gitCredentials) await writeFile(join(home, '.git-credentials'), setup.gitCredentials, { mode: 0o600 });
    return { home, ...setup };
  }

  // `forBuildfix`: a second copy of the agent, for set-ups that go changes (git erases refused helper credentials).
  async function both(module: string, version: string, who: Agent, goEnv: Record<string, string>, forBuildfix: Agent = who): Promise<{ go: { exitCode: number; stderr: string }; report: DiagnosisReport }> {
    const dir = await mkdtemp(join(work, 'app-'));
    await writeFile(join(dir, 'go.mod'), `module example.com/app\n\ngo 1.19\n\nrequire ${module} ${version}\n`);
    await mkdir(join(dir, 'mc'));
    const env = { HOME: who.home, GIT_CONFIG_NOSYSTEM: '1', GIT_TERMINAL_PROMPT: '0', GOFLAGS: '-mod=mod', GOINSECURE: V, ...goEnv };
    const go = await runCommand(['go', 'mod', 'download'], { cwd: dir, reject: false, timeoutMs: 30_000, env: { ...env, GOMODCACHE: join(dir, 'mc'), GOTOOLCHAIN: 'local' } });
    const report = await diagnose(dir, {
      config: { repoUrlTemplate: 'https://github.com/{repo}.git', repos: {}, thresholds: THRESHOLDS, concurrency: 4, requestTimeoutMs: 5_000 },
      goEnv: { GOFLAGS: env.GOFLAGS, GOINSECURE: env.GOINSECURE, ...goEnv },
      host: 'test',
      parts: { probe: false, lint: false, host: false, toolchain: false },
      processEnv: { HOME: forBuildfix.home, GIT_CONFIG_NOSYSTEM: '1' },
    });
    return { go, report };
  }

  function errors(report: DiagnosisReport) {
    return report.findings.filter((f) => f.severity === 'error');
  }

  const privateEnv = (): Record<string, string> => ({ GOPROXY: proxy.url, GOPRIVATE: `${V},vanity.invalid,github.com/acme` });

  it('vanity import resolved through its meta tag (GOPROXY=direct): both succeed', async () => {
    const { go, report } = await both(`${V}/lib`, 'v1.1.0', await agent(), { GOPROXY: 'direct', GOSUMDB: 'off' });
    assert.equal(go.exitCode, 0, go.stderr);
    assert.deepEqual(errors(report), []);
    assert.ok(vanity.seen.some((l) => l.startsWith('GET /lib?go-get=1')));
  });

  it('tag missing: go says unknown revision, buildfix version-not-found', async () => {
    proxy.resetStats();
    const { go, report } = await both(`${V}/lib`, 'v1.2.0', await agent(), privateEnv());
    assert.notEqual(go.exitCode, 0);
    assert.match(go.stderr, /unknown revision v1\.2\.0/);
    const [f] = errors(report);
    assert.equal(f?.category, 'version-not-found');
    assert.equal(f?.module, `${V}/lib`);
    assert.equal(proxy.requests.length, 0, 'a GOPRIVATE module reached the proxy');
  });

  it('no go-import meta tag: vanity-import', async () => {
    const { go, report } = await both(`${V}/nometa`, 'v1.0.0', await agent(), privateEnv());
    assert.match(go.stderr, /unrecognized import path .*no go-import meta tags/);
    const [f] = errors(report);
    assert.equal(f?.category, 'vanity-import');
    assert.match(f?.message ?? '', /no go-import meta tags/);
    assert.match(f?.fix ?? '', /go-import/);
  });

  it('the vanity host does not resolve: vanity-import with a DNS fix', async () => {
    const { go, report } = await both('vanity.invalid/lib', 'v1.0.0', await agent(), privateEnv());
    assert.match(go.stderr, /unrecognized import path "vanity\.invalid\/lib": https fetch: .*no such host/);
    const [f] = errors(report);
    assert.equal(f?.category, 'vanity-import');
    assert.match(f?.message ?? '', /unrecognized import path "vanity\.invalid\/lib": https fetch/);
    assert.match(f?.fix ?? '', /does not resolve/);
  });

  it('private repository without credentials: private-module-auth', async () => {
    const { go, report } = await both(`${V}/private`, 'v1.0.0', await agent(), privateEnv());
    assert.match(go.stderr, /terminal prompts disabled/);
    const [f] = errors(report);
    assert.equal(f?.category, 'private-module-auth');
    assert.match(f?.message ?? '', /no credentials/);
    assert.match(f?.fix ?? '', /\.netrc/);
  });

  it('.netrc credentials: both succeed; a wrong token: git-credentials', async () => {
    const ok = await both(`${V}/private`, 'v1.0.0', await agent({ netrc: 'machine 127.0.0.1 login ci-bot password right-token\n' }), privateEnv());
    assert.equal(ok.go.exitCode, 0, ok.go.stderr);
    assert.deepEqual(errors(ok.report), []);
    const bad = await both(`${V}/private`, 'v1.0.0', await agent({ netrc: 'machine 127.0.0.1 login ci-bot password stale-token\n' }), privateEnv());
    assert.notEqual(bad.go.exitCode, 0);
    assert.match(bad.go.stderr, /terminal prompts disabled|Authentication failed/);
    const [f] = errors(bad.report);
    assert.equal(f?.category, 'git-credentials');
    assert.ok(!JSON.stringify(bad.report).includes('stale-token'));
  });

  it('url.insteadOf rewrites (to smart HTTP and to file://) are honoured like go does', async () => {
    const http = await both('github.com/acme/widget', 'v1.0.0', await agent({ gitconfig: `[url "${git.url}/"]\n\tinsteadOf = https://github.com/\n` }), privateEnv());
    assert.equal(http.go.exitCode, 0, http.go.stderr);
    assert.deepEqual(errors(http.report), []);
    const file = await both('github.com/acme/widget', 'v1.0.0', await agent({ gitconfig: `[url "file://${repos}/"]\n\tinsteadOf = https://github.com/\n` }), privateEnv());
    // go clones through git, which follows the rewrite to the local bare repository acme/widget.git.
    assert.equal(file.go.exitCode, 0, file.go.stderr);
    assert.deepEqual(errors(file.report), []);
    const missing = await both('github.com/acme/widget', 'v1.5.0', await agent({ gitconfig: `[url "${git.url}/"]\n\tinsteadOf = https://github.com/\n` }), privateEnv());
    assert.match(missing.go.stderr, /unknown revision v1\.5\.0/);
    assert.equal(errors(missing.report)[0]?.category, 'version-not-found');
  });

  it('a meta tag pointing at ssh:// on an https-only agent: vanity-import with the https rewrite as fix', async () => {
    const { go, report } = await both(`${V}/sshlib`, 'v1.0.0', await agent(), privateEnv());
    assert.notEqual(go.exitCode, 0);
    assert.match(go.stderr, /ssh: connect to host 127\.0\.0\.1 port 1/);
    const [f] = errors(report);
    assert.equal(f?.category, 'vanity-import');
    assert.match(f?.message ?? '', /points at ssh:\/\/\S*127\.0\.0\.1:1\/lib\.git/);
    assert.match(f?.fix ?? '', /url\."https:\/\/127\.0\.0\.1\/"\.insteadOf "ssh:\/\/git@127\.0\.0\.1:1\/"/);
  });

  it('a redirected go-get page is followed, as go follows it', async () => {
    const { go, report } = await both(`${V}/moved`, 'v1.0.0', await agent(), privateEnv());
    assert.equal(go.exitCode, 0, go.stderr);
    assert.deepEqual(errors(report), []);
    assert.ok(vanity.seen.some((l) => l.startsWith('GET /landing/moved?go-get=1')));
  });

  it('a go-get page answering 404, and two tags for one prefix: vanity-import, as go fails', async () => {
    const gone = await both(`${V}/gone`, 'v1.0.0', await agent(), privateEnv());
    assert.match(gone.go.stderr, /unrecognized import path .*404 Not Found/);
    assert.equal(errors(gone.report)[0]?.category, 'vanity-import');
    assert.match(errors(gone.report)[0]?.message ?? '', /reading http:\/\/\S+\/gone\?go-get=1: 404 Not Found/);
    const twice = await both(`${V}/twice`, 'v1.0.0', await agent(), privateEnv());
    assert.match(twice.go.stderr, /multiple meta tags match import path/);
    assert.equal(errors(twice.report)[0]?.category, 'vanity-import');
    assert.match(errors(twice.report)[0]?.message ?? '', /multiple meta tags match import path/);
  });

  it('a go.mod fetched direct that declares another path: module-path-mismatch, as go refuses it', async () => {
    const { go, report } = await both(`${V}/renamed`, 'v1.0.0', await agent(), privateEnv());
    assert.match(go.stderr, /module declares its path as: example\.com\/renamed/);
    const [f] = errors(report);
    assert.equal(f?.category, 'module-path-mismatch');
    assert.equal(f?.module, `${V}/renamed`);
  });

  it('the graph is followed through go.mod files read with git: a missing tag below an unpruned (go 1.16) module fails both', async () => {
    const { go, report } = await both(`${V}/withdep`, 'v1.0.0', await agent(), privateEnv());
    assert.match(go.stderr, /lib@v1\.9\.0.*unknown revision v1\.9\.0/);
    const found = errors(report).find((f) => f.module === `${V}/lib`);
    assert.equal(found?.category, 'version-not-found', JSON.stringify(errors(report)));
    assert.equal(found?.version, 'v1.9.0');
  });

  it('GOVCS forbidding git for the module: proxy-config, as go refuses to run git', async () => {
    const { go, report } = await both(`${V}/lib`, 'v1.0.0', await agent(), { ...privateEnv(), GOVCS: `${V}:hg` });
    assert.match(go.stderr, /GOVCS disallows using git for private/);
    const [f] = errors(report);
    assert.equal(f?.category, 'proxy-config');
    assert.match(f?.message ?? '', /GOVCS disallows using git for private/);
  });

  it('a go-import tag naming hg or svn on an agent without them: host-environment, as go cannot run the tool', async () => {
    const hg = await both(`${V}/hglib`, 'v1.0.0', await agent(), privateEnv());
    assert.match(hg.go.stderr, /exec: "hg": executable file not found/);
    assert.equal(errors(hg.report)[0]?.category, 'host-environment');
    // go 1.19 words a missing svn as "unknown revision" (its svn support only lists and exports); the cause is the same.
    const svn = await both(`${V}/svnlib`, 'v1.0.0', await agent(), privateEnv());
    assert.match(svn.go.stderr, /svnlib@v1\.0\.0: .*unknown revision v1\.0\.0/);
    assert.equal(errors(svn.report)[0]?.category, 'host-environment');
  });

  it('a `direct` fallback after the proxy\'s 404 (GOPROXY=proxy,direct): found there, or the direct error is the verdict', async () => {
    const env = { GOPROXY: `${proxy.url},direct`, GOSUMDB: 'off' };
    proxy.resetStats();
    const ok = await both(`${V}/lib`, 'v1.0.0', await agent(), env);
    assert.equal(ok.go.exitCode, 0, ok.go.stderr);
    assert.deepEqual(errors(ok.report), []);
    assert.ok(proxy.requests.length > 0, 'the proxy was asked first');
    const bad = await both(`${V}/nometa`, 'v1.0.0', await agent(), env);
    assert.match(bad.go.stderr, /no go-import meta tags/);
    assert.equal(errors(bad.report)[0]?.category, 'vanity-import');
  });

  it('the agent\'s insteadOf sends https to ssh, and ssh fails: git-credentials naming the rewrite', async () => {
    const { go, report } = await both('github.com/acme/widget', 'v1.0.0', await agent({ gitconfig: '[url "ssh://git@127.0.0.1:1/"]\n\tinsteadOf = https://github.com/\n' }), privateEnv());
    assert.match(go.stderr, /ssh: connect to host 127\.0\.0\.1 port 1/);
    const [f] = errors(report);
    assert.equal(f?.category, 'git-credentials', JSON.stringify(errors(report)));
    assert.match(f?.message ?? '', /insteadOf sends https:\/\/github\.com\/acme\/widget to ssh/);
    assert.match(f?.fix ?? '', /rewrites https:\/\/github\.com\/ to ssh/);
  });

  it('a pseudo-version for a branch tip: found with its go.mod; a wrong timestamp fails both', async () => {
    const good = `v1.0.1-0.${pseudoTip.time}-${pseudoTip.hash}`;
    const ok = await both(`${V}/pseudo`, good, await agent(), privateEnv());
    assert.equal(ok.go.exitCode, 0, ok.go.stderr);
    assert.deepEqual(errors(ok.report), []);
    // Its go.mod was read (with git), so the graph did not have to stop at it.
    assert.ok(!ok.report.findings.some((f) => f.key === 'graph:opaque'), JSON.stringify(ok.report.findings));
    const bad = await both(`${V}/pseudo`, `v1.0.1-0.20200101000000-${pseudoTip.hash}`, await agent(), privateEnv());
    assert.match(bad.go.stderr, /does not match version-control timestamp \(expected \d{14}\)/);
    const [f] = errors(bad.report);
    assert.equal(f?.category, 'version-not-found');
    assert.match(f?.evidence ?? '', new RegExp(`does not match version-control timestamp \\(expected ${pseudoTip.time}\\)`));
  });

  it('a go-import "mod" tag names a module proxy: asked with the proxy protocol, as go does', async () => {
    const ok = await both(`${V}/modlib`, 'v1.0.0', await agent(), privateEnv());
    assert.equal(ok.go.exitCode, 0, ok.go.stderr);
    assert.deepEqual(errors(ok.report), []);
    const missing = await both(`${V}/modlib`, 'v1.3.0', await agent(), privateEnv());
    assert.notEqual(missing.go.exitCode, 0);
    assert.equal(errors(missing.report)[0]?.category, 'version-not-found');
  });

  it('a credential helper (store): right token both succeed, a refused token is git-credentials', async () => {
    const helper = '[credential]\n\thelper = store\n';
    const host = new URL(gitAuth.url).host;
    const ok = await both(`${V}/private`, 'v1.0.0', await agent({ gitconfig: helper, gitCredentials: `http://ci-bot:right-token@${host}\n` }), privateEnv());
    assert.equal(ok.go.exitCode, 0, ok.go.stderr);
    assert.deepEqual(errors(ok.report), []);
    const revoked = { gitconfig: helper, gitCredentials: `http://ci-bot:revoked-token@${host}\n` };
    const bad = await both(`${V}/private`, 'v1.0.0', await agent(revoked), privateEnv(), await agent(revoked));
    assert.match(bad.go.stderr, /Authentication failed|terminal prompts disabled/);
    const [f] = errors(bad.report);
    assert.equal(f?.category, 'git-credentials', JSON.stringify(errors(bad.report)));
    assert.match(f?.message ?? '', /credential helper/);
    assert.ok(!JSON.stringify(bad.report).includes('revoked-token'));
  });

  it('an insteadOf rewrite that carries a token (the usual CI set-up): right token both succeed, a revoked one is git-credentials, never shown', async () => {
    const withToken = (token: string): string => `[url "http://ci-bot:${token}@${new URL(gitAuth.url).host}/"]\n\tinsteadOf = https://github.com/\n`;
    const ok = await both('github.com/acme/widget', 'v1.0.0', await agent({ gitconfig: withToken('right-token') }), privateEnv());
    assert.equal(ok.go.exitCode, 0, ok.go.stderr);
    assert.deepEqual(errors(ok.report), []);
    const bad = await both('github.com/acme/widget', 'v1.0.0', await agent({ gitconfig: withToken('revoked-token') }), privateEnv());
    assert.notEqual(bad.go.exitCode, 0);
    const [f] = errors(bad.report);
    assert.equal(f?.category, 'git-credentials', JSON.stringify(errors(bad.report)));
    assert.match(f?.message ?? '', /insteadOf rewrote it/);
    assert.ok(!JSON.stringify(bad.report).includes('revoked-token'), JSON.stringify(bad.report));
  });

  it('an http-only vanity host without GOINSECURE: go only tries https, so both fail (vanity-import naming GOINSECURE)', async () => {
    const { go, report } = await both(`${V}/lib`, 'v1.0.0', await agent(), { ...privateEnv(), GOINSECURE: '' });
    assert.match(go.stderr, /https fetch: Get "https:\/\/[\d.]+\/lib\?go-get=1": dial tcp [\d.]+:443: connect: connection refused/);
    const [f] = errors(report);
    assert.equal(f?.category, 'vanity-import');
    assert.match(f?.message ?? '', /https fetch: Get "https:\/\/[\d.]+\/lib\?go-get=1"/);
    assert.match(f?.fix ?? '', /GOINSECURE/);
  });

  it('a module in a subdirectory (tag sub/v1.0.0) and a /v2 major subdirectory, through a prefix meta tag', async () => {
    const sub = await both(`${V}/mono/sub`, 'v1.0.0', await agent(), privateEnv());
    assert.equal(sub.go.exitCode, 0, sub.go.stderr);
    assert.deepEqual(errors(sub.report), []);
    const subMissing = await both(`${V}/mono/sub`, 'v1.1.0', await agent(), privateEnv());
    assert.match(subMissing.go.stderr, /unknown revision sub\/v1\.1\.0/);
    assert.equal(errors(subMissing.report)[0]?.category, 'version-not-found');
    const major = await both(`${V}/major/v2`, 'v2.0.0', await agent(), privateEnv());
    assert.equal(major.go.exitCode, 0, major.go.stderr);
    assert.deepEqual(errors(major.report), []);
  });

  it('+incompatible: accepted for a repository without go.mod, refused (as go refuses it) when the tag has one', async () => {
    const rewrite = { gitconfig: `[url "${git.url}/"]\n\tinsteadOf = https://github.com/\n` };
    const ok = await both('github.com/acme/nomod', 'v2.0.0+incompatible', await agent(rewrite), privateEnv());
    assert.equal(ok.go.exitCode, 0, ok.go.stderr);
    assert.deepEqual(errors(ok.report), []);
    const bad = await both('github.com/acme/withmod', 'v2.0.0+incompatible', await agent(rewrite), privateEnv());
    assert.match(bad.go.stderr, /module contains a go\.mod file, so module path must match major version \("github\.com\/acme\/withmod\/v2"\)/);
    const [f] = errors(bad.report);
    assert.equal(f?.category, 'version-not-found');
    assert.match(f?.message ?? '', /module contains a go\.mod file, so module path must match major version \("github\.com\/acme\/withmod\/v2"\)/);
    assert.match(f?.fix ?? '', /require github\.com\/acme\/withmod\/v2 v2\.0\.0/);
  });
});
