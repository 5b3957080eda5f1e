/**
 * Direct mode, reaching the repository with the agent's own git set-up,
 * with the real go command as the oracle (test/helpers/direct-fixture.ts):
 * tags and pseudo-versions, credentials (none, .netrc, a credential helper,
 * tokens in insteadOf rewrites — right and refused), insteadOf rewrites to
 * smart HTTP, file:// and ssh, go.mod files read with git (declared path,
 * +incompatible, the graph below). `go mod download` and buildfix must agree.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { GitHttpServer } from '../../fakes/git-http-server.ts';
import type { GoProxyFake } from '../../fakes/goproxy-server.ts';
import { startDirectFixture, type DirectFixture } from '../../helpers/direct-fixture.ts';

describe("direct mode: reaching repositories with the agent's git, as go mod download does", () => {
  let fx: DirectFixture;
  let V: string;
  let repos: string;
  let git: GitHttpServer;
  let gitAuth: GitHttpServer;
  let proxy: GoProxyFake;
  let pseudoTip: DirectFixture['pseudoTip'];
  let agent: DirectFixture['agent'];
  let both: DirectFixture['both'];
  let errors: DirectFixture['errors'];
  let privateEnv: DirectFixture['privateEnv'];

  before(async () => {
    fx = await startDirectFixture();
    ({ V, repos, git, gitAuth, proxy, pseudoTip, agent, both, errors, privateEnv } = fx);
  });
  after(async () => {
    await fx.close();
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
    const http = await both(
      'github.com/acme/widget',
      'v1.0.0',
      await agent({ gitconfig: `[url "${git.url}/"]\n\tinsteadOf = https://github.com/\n` }),
      privateEnv(),
    );
    assert.equal(http.go.exitCode, 0, http.go.stderr);
    assert.deepEqual(errors(http.report), []);
    const file = await both(
      'github.com/acme/widget',
      'v1.0.0',
      await agent({ gitconfig: `[url "file://${repos}/"]\n\tinsteadOf = https://github.com/\n` }),
      privateEnv(),
    );
    // go clones through git, which follows the rewrite to the local bare repository acme/widget.git.
    assert.equal(file.go.exitCode, 0, file.go.stderr);
    assert.deepEqual(errors(file.report), []);
    const missing = await both(
      'github.com/acme/widget',
      'v1.5.0',
      await agent({ gitconfig: `[url "${git.url}/"]\n\tinsteadOf = https://github.com/\n` }),
      privateEnv(),
    );
    assert.match(missing.go.stderr, /unknown revision v1\.5\.0/);
    assert.equal(errors(missing.report)[0]?.category, 'version-not-found');
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

  it("the agent's insteadOf sends https to ssh, and ssh fails: git-credentials naming the rewrite", async () => {
    const { go, report } = await both(
      'github.com/acme/widget',
      'v1.0.0',
      await agent({ gitconfig: '[url "ssh://git@127.0.0.1:1/"]\n\tinsteadOf = https://github.com/\n' }),
      privateEnv(),
    );
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
