/**
 * Direct mode, resolving the import path, with the real go command as the
 * oracle (test/helpers/direct-fixture.ts): go-get meta tags from a vanity
 * server (found, missing, 404, ambiguous, redirected, ssh://, "mod"), DNS and
 * GOINSECURE, GOVCS and tools go cannot run, subdirectory and /vN modules,
 * and a `direct` fallback. `go mod download` and buildfix must agree: an
 * error-severity finding exactly when go fails, in a category that fits
 * go's message.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { GoProxyFake } from '../../fakes/goproxy-server.ts';
import type { VanityServer } from '../../fakes/vanity-server.ts';
import { startDirectFixture, type DirectFixture } from '../../helpers/direct-fixture.ts';

describe('direct mode: resolving import paths, as go mod download does', () => {
  let fx: DirectFixture;
  let V: string;
  let vanity: VanityServer;
  let proxy: GoProxyFake;
  let agent: DirectFixture['agent'];
  let both: DirectFixture['both'];
  let errors: DirectFixture['errors'];
  let privateEnv: DirectFixture['privateEnv'];

  before(async () => {
    fx = await startDirectFixture();
    ({ V, vanity, proxy, agent, both, errors, privateEnv } = fx);
  });
  after(async () => {
    await fx.close();
  });

  it('vanity import resolved through its meta tag (GOPROXY=direct): both succeed', async () => {
    const { go, report } = await both(`${V}/lib`, 'v1.1.0', await agent(), { GOPROXY: 'direct', GOSUMDB: 'off' });
    assert.equal(go.exitCode, 0, go.stderr);
    assert.deepEqual(errors(report), []);
    assert.ok(vanity.seen.some((l) => l.startsWith('GET /lib?go-get=1')));
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

  it("a `direct` fallback after the proxy's 404 (GOPROXY=proxy,direct): found there, or the direct error is the verdict", async () => {
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

  it('a go-import "mod" tag names a module proxy: asked with the proxy protocol, as go does', async () => {
    const ok = await both(`${V}/modlib`, 'v1.0.0', await agent(), privateEnv());
    assert.equal(ok.go.exitCode, 0, ok.go.stderr);
    assert.deepEqual(errors(ok.report), []);
    const missing = await both(`${V}/modlib`, 'v1.3.0', await agent(), privateEnv());
    assert.notEqual(missing.go.exitCode, 0);
    assert.equal(errors(missing.report)[0]?.category, 'version-not-found');
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
});
