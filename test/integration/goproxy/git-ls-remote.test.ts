import assert from 'node:assert/strict';
import { createServer as createHttpServer, type Server } from 'node:http';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GitRemote, tagForVersion } from '../../../src/goproxy/git-ls-remote.ts';
import { parseGoImportMeta } from '../../../src/goproxy/import-path-resolve.ts';
import { HttpClient } from '../../../src/goproxy/http-client.ts';
import { createGitRepo, freePort, isolatedGitEnv, startGitDaemon, startGoProxyFake, type GitDaemon, type GoProxyFake } from '../../fakes/goproxy-server.ts';

describe('tagForVersion and go-import meta (pure)', () => {
  it('derives tags like the go command', () => {
    assert.equal(tagForVersion('github.com/acme/lib', 'github.com/acme/lib', 'v1.2.3'), 'v1.2.3');
    assert.equal(tagForVersion('github.com/acme/lib/v2', 'github.com/acme/lib', 'v2.0.1'), 'v2.0.1');
    assert.equal(tagForVersion('github.com/acme/lib/sub', 'github.com/acme/lib', 'v0.3.0'), 'sub/v0.3.0');
    assert.equal(tagForVersion('github.com/acme/lib/sub/v3', 'github.com/acme/lib', 'v3.1.0'), 'sub/v3.1.0');
    assert.equal(tagForVersion('github.com/acme/lib', 'github.com/acme/lib', 'v4.0.0+incompatible'), 'v4.0.0');
    assert.equal(tagForVersion('github.com/acme/lib', 'github.com/acme/lib', 'v0.0.0-20240102030405-abcdefabcdef'), undefined);
  });

  it('parses go-import meta tags in any attribute order', () => {
    const html = `<html><head>
      <meta name="go-import" content="example.test/a git https://git.example.test/a.git">
      <meta content="example.test/b mod https://proxy.example.test" name='go-import'>
      <meta name="go-source" content="x y z w">
      </head><body><meta name="go-import" content="example.test/late git https://x"></body></html>`;
    // "mod" entries first, as go's PreferMod parsing orders them.
    assert.deepEqual(parseGoImportMeta(html), [
      { prefix: 'example.test/b', vcs: 'mod', repo: 'https://proxy.example.test' },
      { prefix: 'example.test/a', vcs: 'git', repo: 'https://git.example.test/a.git' },
    ]);
  });

  it('maps known hosts and .git qualifiers without the network', async () => {
    const git = new GitRemote();
    assert.deepEqual(await git.resolveRepo('github.com/acme/lib/sub/v2'), {
      url: 'https://github.com/acme/lib',
      root: 'github.com/acme/lib',
      via: 'known-host',
    });
    assert.deepEqual(await git.resolveRepo('bitbucket.org/acme/lib'), {
      url: 'https://bitbucket.org/acme/lib',
      root: 'bitbucket.org/acme/lib',
      via: 'known-host',
    });
    assert.deepEqual(await git.resolveRepo('git.corp.example/team/lib.git/sub'), {
      url: 'https://git.corp.example/team/lib.git',
      root: 'git.corp.example/team/lib.git',
      via: 'vcs-qualifier',
    });
    assert.deepEqual(await git.resolveRepo('corp.example/lib/v3'), { url: 'https://corp.example/lib', root: 'corp.example/lib', via: 'guess' });
  });
});

describe('GitRemote against a real git daemon on 127.0.0.1', () => {
  let base: string;
  let daemon: GitDaemon;
  let fake: GoProxyFake;
  let http: HttpClient;
  let git: GitRemote;

  before(async () => {
    base = await mkdtemp(join(tmpdir(), 'bf-gitd-'));
    await createGitRepo(base, 'lib', {
      'v1.0.0': { 'go.mod': 'module example.test/lib\n\ngo 1.19\n' },
      'v1.1.0': { 'lib.go': 'package lib\n' },
      'sub/v2.1.0': { 'sub/go.mod': 'module example.test/meta/sub/v2\n\ngo 1.19\n' },
    });
    daemon = await startGitDaemon(base);
    fake = await startGoProxyFake({
      modules: [],
      goImports: { 'example.test/meta': { vcs: 'git', url: `${daemon.url}/lib.git` }, 'example.test/hg': { vcs: 'hg', url: 'https://hg.example.test/x' } },
    });
    http = new HttpClient();
    git = new GitRemote({
      timeoutMs: 15_000,
      goEnv: {},
      env: isolatedGitEnv(base),
      http,
      goGetUrl: (path) => `${fake.url}/${path}?go-get=1`,
      repoFor: (path) =>
        path.startsWith('example.test/lib')
          ? { url: `${daemon.url}/lib.git`, root: 'example.test/lib', via: 'override' }
          : path.startsWith('example.test/missing')
            ? `${daemon.url}/missing.git`
            : undefined,
    });
  });
  after(async () => {
    await http.close();
    await fake.close();
    await daemon.close();
    await rm(base, { recursive: true, force: true });
  });

  it('finds an existing tag', async () => {
    const r = await git.checkVersion('example.test/lib', 'v1.1.0');
    assert.equal(r.outcome, 'ok');
    assert.equal(r.reason, 'found');
    assert.equal(r.tag, 'v1.1.0');
    assert.equal(r.repoUrl, `${daemon.url}/lib.git`);
  });

  it('reports a missing tag as not-found', async () => {
    const r = await git.checkVersion('example.test/lib', 'v1.9.9');
    assert.equal(r.outcome, 'not-found');
    assert.equal(r.reason, 'tag-missing');
    assert.match(r.message, /unknown revision v1\.9\.9: tag v1\.9\.9 not found/);
  });

  it('treats a pseudo-version as found when the repository answers', async () => {
    const r = await git.checkVersion('example.test/lib', 'v0.0.0-20240102030405-abcdefabcdef');
    assert.equal(r.outcome, 'ok');
    assert.equal(r.tag, undefined);
  });

  it('reports a missing repository', async () => {
    const r = await git.checkVersion('example.test/missing', 'v1.0.0');
    assert.equal(r.outcome, 'not-found');
    assert.equal(r.reason, 'repo-missing');
    assert.match(r.message, /repository git:\/\/127\.0\.0\.1:\d+\/missing\.git not found/);
  });

  it('follows a go-get meta tag and prefixes the tag with the subdirectory', async () => {
    const repo = await git.resolveRepo('example.test/meta/sub/v2');
    assert.deepEqual(repo, { url: `${daemon.url}/lib.git`, root: 'example.test/meta', via: 'go-get' });
    const r = await git.checkVersion('example.test/meta/sub/v2', 'v2.1.0');
    assert.equal(r.outcome, 'ok');
    assert.equal(r.tag, 'sub/v2.1.0');
    const missing = await git.checkVersion('example.test/meta/sub/v2', 'v2.2.0');
    assert.equal(missing.reason, 'tag-missing');
  });

  it('a non-git go-import vcs: an error only when the tool is missing (go would fail), else no verdict', async () => {
    const missing = await new GitRemote({
      timeoutMs: 15_000,
      goEnv: {},
      env: { ...isolatedGitEnv(base), PATH: join(base, 'no-bin') },
      http,
      goGetUrl: (path) => `${fake.url}/${path}?go-get=1`,
    }).checkVersion('example.test/hg/x', 'v1.0.0');
    assert.equal(missing.outcome, 'error');
    assert.equal(missing.reason, 'vcs-missing');
    const bin = join(base, 'bin');
    await mkdir(bin, { recursive: true });
    await writeFile(join(bin, 'hg'), '#!/bin/sh\nexit 0\n');
    await chmod(join(bin, 'hg'), 0o755);
    const present = await new GitRemote({
      timeoutMs: 15_000,
      goEnv: {},
      env: { ...isolatedGitEnv(base), PATH: `${bin}:${process.env.PATH ?? ''}` },
      http,
      goGetUrl: (path) => `${fake.url}/${path}?go-get=1`,
    }).checkVersion('example.test/hg/x', 'v1.0.0');
    assert.equal(present.outcome, 'ok');
    assert.equal(present.reason, 'unsupported-vcs');
  });

  it("says why the go-get lookup failed, in go's words (resolveRepo falls back to a guess)", async () => {
    const repo = await git.resolveRepo('example.test/nometa/x');
    assert.equal(repo.url, 'https://example.test/nometa/x');
    assert.equal(repo.via, 'guess');
    assert.match(
      repo.note ?? '',
      /^unrecognized import path "example\.test\/nometa\/x": reading http:\/\/127\.0\.0\.1:\d+\/example\.test\/nometa\/x\?go-get=1: 404 Not Found$/,
    );
    const r = await git.checkVersion('example.test/nometa/x', 'v1.0.0');
    assert.equal(r.outcome, 'error');
    assert.equal(r.reason, 'vanity:http-status');
  });

  it('reports authentication required when the server asks for credentials (prompts disabled)', async () => {
    const server: Server = createHttpServer((_req, res) => {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="git"', 'content-type': 'text/plain' }).end('auth required\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const privateGit = new GitRemote({ timeoutMs: 15_000, goEnv: {}, env: isolatedGitEnv(base), repoFor: () => `http://127.0.0.1:${port}/private.git` });
    try {
      const r = await privateGit.checkVersion('git.corp.example/private', 'v1.0.0');
      assert.equal(r.outcome, 'error');
      assert.equal(r.reason, 'auth');
      assert.match(r.message, /authentication required for http:\/\/127\.0\.0\.1:\d+\/private\.git/);
      assert.match(r.message, /terminal prompts disabled/);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('never shows credentials from the repository URL', async () => {
    const server: Server = createHttpServer((_req, res) => {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="git"' }).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const privateGit = new GitRemote({
      timeoutMs: 15_000,
      goEnv: {},
      env: isolatedGitEnv(base),
      repoFor: () => `http://deploy:tok3n-value@127.0.0.1:${port}/private.git`,
    });
    try {
      const r = await privateGit.checkVersion('git.corp.example/private', 'v1.0.0');
      // The URL carries credentials and the server refuses them.
      assert.equal(r.reason, 'credentials-rejected');
      assert.ok(!JSON.stringify(r).includes('tok3n-value'), JSON.stringify(r));
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('reports an unreachable server', async () => {
    const port = await freePort();
    const down = new GitRemote({ timeoutMs: 15_000, goEnv: {}, env: isolatedGitEnv(base), repoFor: () => `git://127.0.0.1:${port}/lib.git` });
    const r = await down.checkVersion('example.test/down', 'v1.0.0');
    assert.equal(r.outcome, 'error');
    assert.equal(r.reason, 'unreachable');
    assert.match(r.message, /cannot reach git:\/\/127\.0\.0\.1:\d+\/lib\.git/);
  });

  it('times out on a server that never answers', async () => {
    const sockets = new Set<Socket>();
    const silent = createTcpServer((s) => {
      sockets.add(s);
      s.on('error', () => {});
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    const slow = new GitRemote({ timeoutMs: 500, goEnv: {}, env: isolatedGitEnv(base), repoFor: () => `git://127.0.0.1:${port}/lib.git` });
    try {
      const started = performance.now();
      const r = await slow.checkVersion('example.test/slow', 'v1.0.0');
      assert.equal(r.outcome, 'error');
      assert.equal(r.reason, 'timeout');
      assert.match(r.message, /timed out after 500 ms/);
      assert.ok(performance.now() - started < 5_000);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});
