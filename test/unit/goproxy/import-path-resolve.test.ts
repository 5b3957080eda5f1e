import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { categoryForDirectFailure, fixForDirectFailure } from '../../../src/checks/direct-fixes.ts';
import { transportOf } from '../../../src/goproxy/direct-git.ts';
import { hasPathPrefix, parseGoImportMeta, resolveImportPath } from '../../../src/goproxy/import-path-resolve.ts';
import { basicAuthFor, netrcHasPasswordFor, parseNetrcLines } from '../../../src/goproxy/netrc.ts';
import { govcsDenial, parseGovcs } from '../../../src/goproxy/govcs.ts';

// Static rules never touch the network: any request fails the test.
const noNetwork = {
  get: (): never => {
    throw new Error('no request expected');
  },
};

describe('import path → repository without the network (vcs.go vcsPaths)', () => {
  const table: Array<[string, string, string, string]> = [
    ['github.com/acme/lib', 'github.com/acme/lib', 'https://github.com/acme/lib', 'known-host'],
    ['github.com/acme/lib/sub/v2', 'github.com/acme/lib', 'https://github.com/acme/lib', 'known-host'],
    ['bitbucket.org/acme/lib', 'bitbucket.org/acme/lib', 'https://bitbucket.org/acme/lib', 'known-host'],
    ['git.apache.org/thrift.git/lib/go', 'git.apache.org/thrift.git', 'https://git.apache.org/thrift.git', 'known-host'],
    ['git.corp.example/team/lib.git/sub', 'git.corp.example/team/lib.git', 'https://git.corp.example/team/lib.git', 'vcs-qualifier'],
    ['git.corp.example:8443/team/lib.git', 'git.corp.example:8443/team/lib.git', 'https://git.corp.example:8443/team/lib.git', 'vcs-qualifier'],
  ];
  for (const [path, root, url, via] of table) {
    it(`${path} → ${url}`, async () => {
      const r = await resolveImportPath(path, { http: noNetwork });
      assert.ok(r.ok, JSON.stringify(r));
      assert.equal(r.repo.root, root);
      assert.equal(r.repo.repoUrl, url);
      assert.equal(r.repo.via, via);
    });
  }

  it("rejects paths go rejects, with go's words", async () => {
    const short = await resolveImportPath('github.com/acme', { http: noNetwork });
    assert.deepEqual(short.ok ? undefined : [short.failure, short.message], ['bad-path', 'invalid github.com import path "github.com/acme"']);
    const suffix = await resolveImportPath('github.com/acme/lib.git', { http: noNetwork });
    assert.equal(suffix.ok ? undefined : suffix.message, 'invalid version control suffix in github.com/ path');
    const noDot = await resolveImportPath('corp/lib', { http: noNetwork });
    assert.equal(noDot.ok ? undefined : noDot.message, 'unrecognized import path "corp/lib": import path does not begin with hostname');
  });
});

describe('go-import meta tags', () => {
  it('reads tags in the head only, mod entries first', () => {
    const html = `<html><head><meta name="go-import" content="a.test/x git https://a.test/x.git">
      <meta content='a.test/y mod https://proxy.a.test' name="go-import"><meta name="go-source" content="a b c d">
      </head><body><meta name="go-import" content="a.test/z git https://late"></body></html>`;
    assert.deepEqual(parseGoImportMeta(html), [
      { prefix: 'a.test/y', vcs: 'mod', repo: 'https://proxy.a.test' },
      { prefix: 'a.test/x', vcs: 'git', repo: 'https://a.test/x.git' },
    ]);
  });

  it('matches prefixes by whole path elements', () => {
    assert.equal(hasPathPrefix('a.test/lib/sub', 'a.test/lib'), true);
    assert.equal(hasPathPrefix('a.test/library', 'a.test/lib'), false);
    assert.equal(hasPathPrefix('a.test/lib', 'a.test/lib'), true);
  });
});

describe('direct-mode categories and fixes', () => {
  it('maps each failure to the category a person acts on', () => {
    assert.equal(categoryForDirectFailure('vanity:dns'), 'vanity-import');
    assert.equal(categoryForDirectFailure('vanity:ssh-meta'), 'vanity-import');
    assert.equal(categoryForDirectFailure('credentials-rejected'), 'git-credentials');
    assert.equal(categoryForDirectFailure('ssh-auth'), 'git-credentials');
    assert.equal(categoryForDirectFailure('auth'), 'private-module-auth');
    assert.equal(categoryForDirectFailure('unreachable'), undefined);
  });

  it('names the exact setting to change and never a public mirror', () => {
    const ssh = fixForDirectFailure('vanity:ssh-meta', { module: 'go.corp.test/lib', repoUrl: 'ssh://***@git.corp.test:2222/lib.git' }) ?? '';
    assert.match(ssh, /url\."https:\/\/git\.corp\.test\/"\.insteadOf "ssh:\/\/git@git\.corp\.test:2222\/"/);
    for (const f of [
      'vanity:dns',
      'vanity:connect',
      'vanity:no-meta',
      'vanity:govcs',
      'auth',
      'credentials-rejected',
      'ssh-auth',
      'ssh-rewrite',
      'vanity:ssh-meta',
      'unreachable',
      'timeout',
      'tls',
      'error',
      'git-missing',
      'vcs-missing',
    ]) {
      assert.ok(fixForDirectFailure(f, { module: 'go.corp.test/lib' }), `no direct fix for ${f}`);
      assert.doesNotMatch(fixForDirectFailure(f, { module: 'go.corp.test/lib' }) ?? '', /proxy\.golang\.org|goproxy\.(io|cn)/);
      // GOINSECURE turns off what protects the download: never offered as the plain fix.
      const text = fixForDirectFailure(f, { module: 'go.corp.test/lib' }) ?? '';
      if (text.includes('GOINSECURE')) assert.match(text, /last resort, for an internal host only|last resort for an internal host only/, f);
    }
  });

  it('tells transports apart', () => {
    assert.equal(transportOf('https://h/x.git'), 'https');
    assert.equal(transportOf('ssh://git@h/x.git'), 'ssh');
    assert.equal(transportOf('git@h:x.git'), 'ssh');
    assert.equal(transportOf('file:///srv/x.git'), 'file');
    assert.equal(transportOf('git://h/x.git'), 'git');
  });
});

describe('.netrc as go and git read it', () => {
  const text =
    'machine a.test login u1 password p1\nmachine b.test\n  login u2\n  password p2\nmacdef init\nmachine c.test login x password y\n\ndefault login d password dp\nmachine after.test login z password zz\n';
  it('keeps go\'s complete machine entries and skips macros (a "default" only ends parsing as a line\'s last token)', () => {
    assert.deepEqual(
      parseNetrcLines(text).map((l) => l.machine),
      ['a.test', 'b.test', 'after.test'],
    );
    assert.equal(basicAuthFor(parseNetrcLines(text), 'b.test'), `Basic ${Buffer.from('u2:p2').toString('base64')}`);
    assert.deepEqual(
      parseNetrcLines('machine a.test login u password p\ndefault\nmachine b.test login v password q\n').map((l) => l.machine),
      ['a.test'],
    );
  });
  it('answers presence for git (which also uses the default entry)', () => {
    assert.equal(netrcHasPasswordFor('machine a.test login u password p\n', 'a.test'), true);
    assert.equal(netrcHasPasswordFor('machine a.test login u\nmachine b.test password p\n', 'a.test'), false);
    assert.equal(netrcHasPasswordFor('default login u password p\n', 'any.test'), true);
  });
});

describe('GOVCS (vcs.go CheckGOVCS)', () => {
  it('defaults to private:all,public:git|hg with GOPRIVATE deciding private', () => {
    assert.equal(govcsDenial('example.com/x', 'git', {}), undefined);
    assert.equal(govcsDenial('example.com/x', 'svn', {}), "GOVCS disallows using svn for public example.com/x; see 'go help vcs'");
    assert.equal(govcsDenial('corp.test/x', 'svn', { GOPRIVATE: 'corp.test' }), undefined);
    assert.equal(govcsDenial('example.com/x', 'mod', { GOVCS: 'public:off' }), undefined);
  });
  it("puts the user's rules first; the first matching rule decides", () => {
    assert.equal(
      govcsDenial('corp.test/x', 'git', { GOPRIVATE: 'corp.test', GOVCS: 'corp.test:hg' }),
      "GOVCS disallows using git for private corp.test/x; see 'go help vcs'",
    );
    assert.equal(govcsDenial('example.com/x', 'bzr', { GOVCS: 'example.com:bzr' }), undefined);
    assert.equal(govcsDenial('example.com/x', 'git', { GOVCS: 'public:off' }), "GOVCS disallows using git for public example.com/x; see 'go help vcs'");
  });
  it("reports a malformed GOVCS with go's message", () => {
    assert.equal(govcsDenial('example.com/x', 'git', { GOVCS: 'example.com' }), 'malformed entry in GOVCS (missing colon): "example.com"');
    assert.throws(() => parseGovcs('a:git,a:hg'), /unreachable pattern in GOVCS/);
  });
});
