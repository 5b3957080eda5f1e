/**
 * Rules that tell "the proxy, mirror or registry itself is failing" and "the vanity host is down"
 * apart from network-path causes (issue 13, weak categories). Each case is shaped like the tool's
 * own output (go's `read "<url>": …` and `unrecognized import path … (https fetch: …)`, old npm's
 * retry warnings, yarn's retry notice).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyLog } from '../../../src/classify/classify-log.ts';

describe('HTTP/2 stream reset by the proxy (proxy-stream-reset)', () => {
  it('a zip download the mirror reset with INTERNAL_ERROR is the mirror failing, not the network', () => {
    const result = classifyLog(
      [
        '#14 [builder 5/7] RUN go mod download',
        '#14 182.1 go: github.com/x/y/v2@v2.3.0: read "https://goproxy.example.cn/github.com/x/y/v2/@v/v2.3.0.zip": stream error: stream ID 1381; INTERNAL_ERROR; received from peer',
      ].join('\n'),
    );
    assert.equal(result.category, 'proxy-server-error');
    assert.equal(result.module, 'github.com/x/y/v2');
    assert.deepEqual(result.evidenceLines, [2]);
    assert.ok(result.confidence < 0.8, `confidence ${result.confidence}`);
  });

  it('other stream errors stay a generic network blip (PROTOCOL_ERROR is the server side since round 2026-12-07.2)', () => {
    const result = classifyLog('go: github.com/x/y@v1.0.0: stream error: stream ID 3; CANCEL');
    assert.equal(result.category, 'proxy-unreachable');
  });
});

describe('vanity host unreachable on the go-get lookup (vanity-host-unreachable)', () => {
  for (const [what, error] of [
    ['connection refused', 'dial tcp 203.0.113.7:443: getsockopt: connection refused'],
    ['a timeout', 'dial tcp 203.0.113.7:443: i/o timeout'],
    ['a DNS failure', 'dial tcp: lookup example.dev on 127.0.0.53:53: no such host'],
  ]) {
    it(`${what} at a vanity host is the vanity server down, offered with the network as the other cause`, () => {
      const result = classifyLog(
        `package example.dev/tool: unrecognized import path "example.dev/tool" (https fetch: Get https://example.dev/tool?go-get=1: ${error})`,
      );
      assert.equal(result.category, 'vanity-import');
      assert.deepEqual(
        result.candidates?.map((c) => c.category),
        ['vanity-import', 'proxy-unreachable'],
      );
    });
  }

  it("the same failure at the Go team's hosts or a forge stays on the network path", () => {
    for (const line of [
      'go: golang.org/x/sys@v0.1.0: unrecognized import path "golang.org/x/sys": https fetch: Get "https://golang.org/x/sys?go-get=1": dial tcp 142.250.4.141:443: connect: connection refused',
      'package gopkg.in/yaml.v2: unrecognized import path "gopkg.in/yaml.v2" (https fetch: Get https://gopkg.in/yaml.v2?go-get=1: dial tcp 35.196.143.184:443: i/o timeout)',
    ]) {
      assert.equal(classifyLog(line).category, 'proxy-unreachable', line);
    }
  });
});

describe("old npm's retry warnings once the fetch failed for good", () => {
  const log = [
    'npm ERR! fetch failed https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz',
    'npm WARN retry will retry, error on last attempt: Error: fetch failed with status code 502',
    'npm ERR! fetch failed https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz',
    'npm ERR! Linux 4.4.0-21-generic',
  ].join('\n');

  it('the warned status is the cause: the registry answered 502', () => {
    const result = classifyLog(log);
    assert.equal(result.category, 'proxy-server-error');
    assert.ok(result.evidenceLines.includes(2), JSON.stringify(result.evidenceLines));
    assert.match(result.evidence.join('\n'), /status code 502/);
  });

  it('without a final fetch failure the retry warning stays a warning', () => {
    const result = classifyLog(
      [
        'npm WARN retry will retry, error on last attempt: Error: fetch failed with status code 502',
        'npm ERR! code E404',
        'npm ERR! 404 Not Found - GET https://registry.npmjs.org/no-such-pkg - Not found',
      ].join('\n'),
    );
    assert.equal(result.category, 'version-not-found');
  });
});

describe("yarn's retry notice is not a network cause", () => {
  it('a 503 from the registry after "trouble with your network connection" is the registry failing', () => {
    const result = classifyLog(
      [
        'info There appears to be trouble with your network connection. Retrying...',
        'error An unexpected error occurred: "https://registry.yarnpkg.com/left-pad/-/left-pad-1.3.0.tgz: Request failed \\"503 Service Unavailable\\"".',
      ].join('\n'),
    );
    assert.equal(result.category, 'proxy-server-error');
    assert.deepEqual(result.evidenceLines, [2]);
  });

  it('with a socket timeout after it, the network stays the cause', () => {
    const result = classifyLog(
      [
        'info There appears to be trouble with your network connection. Retrying...',
        'error An unexpected error occurred: "https://registry.yarnpkg.com/left-pad/-/left-pad-1.3.0.tgz: ESOCKETTIMEDOUT".',
      ].join('\n'),
    );
    assert.equal(result.category, 'proxy-unreachable');
    assert.deepEqual(result.evidenceLines, [2]);
  });
});

describe('npm registry unreachable with no proxy in the log', () => {
  it('names the network, unsure, with the company proxy as the other candidate', () => {
    const result = classifyLog(
      [
        'npm ERR! code ENOTFOUND',
        'npm ERR! network getaddrinfo ENOTFOUND registry.npmjs.org registry.npmjs.org:443',
        'npm ERR! network In most cases you are behind a proxy or have bad network settings.',
      ].join('\n'),
    );
    assert.equal(result.category, 'proxy-unreachable');
    assert.ok(result.confidence < 0.6);
    assert.deepEqual(
      result.candidates?.map((c) => c.category),
      ['proxy-unreachable', 'corporate-proxy'],
    );
  });

  it('with a proxy configured in the log it is the corporate proxy', () => {
    const result = classifyLog(
      [
        'npm config set https-proxy http://proxy.corp.example:8080',
        'npm ERR! code ECONNRESET',
        'npm ERR! network request to https://registry.npmjs.org/vue failed, reason: socket hang up',
      ].join('\n'),
    );
    assert.equal(result.category, 'corporate-proxy');
  });
});

describe('a mirror serving other bytes for a public package (integrity failure off the public registry)', () => {
  it("yarn's `Bad hash` for an unscoped package from a company registry is the registry's cache, with the lockfile as the other cause", () => {
    const result = classifyLog(
      [
        '[4/5] Fetching packages...',
        'error http://nexus.corp.example:8081/repository/npm-all/left-pad/-/left-pad-1.3.0.tgz: Bad hash. Expected "5b4cd0f4a3a1f1a0b1c2d3e4f5a6b7c8d9e0f1a2" but got "0123456789abcdef0123456789abcdef01234567"',
        'info Visit https://yarnpkg.com/en/docs/cli/install for documentation about this command.',
      ].join('\n'),
    );
    assert.equal(result.category, 'proxy-server-error');
    assert.deepEqual(result.evidenceLines, [2]);
    assert.deepEqual(
      result.candidates?.map((c) => c.category),
      ['proxy-server-error', 'checksum-mismatch'],
    );
  });

  it("cnpm's `…/download/…` tarball path counts as a mirror's too", () => {
    const result = classifyLog(
      'error http://registry.mirror.example/left-pad/download/left-pad-1.3.0.tgz: Fetch succeeded for undefined. However, extracting "http://registry.mirror.example/left-pad/download/left-pad-1.3.0.tgz" resulted in hash "aa", which did not match the requested hash "bb".',
    );
    assert.equal(result.category, 'proxy-server-error');
  });

  it('the same failure from the public registry, or for a scoped (possibly private, republished) package, is the lockfile: checksum-mismatch', () => {
    const publicRegistry = classifyLog(
      'error https://registry.yarnpkg.com/left-pad/-/left-pad-1.3.0.tgz: Integrity check failed for "left-pad" (computed integrity doesn\'t match our records, got "sha512-aa")',
    );
    assert.equal(publicRegistry.category, 'checksum-mismatch');
    const scoped = classifyLog(
      ' ERR_PNPM_TARBALL_INTEGRITY  Got unexpected checksum for "https://acme.jfrog.io/artifactory/api/npm/npm/@acme/sdk/-/sdk-0.5.2.tgz". Wanted "sha512-aa". Got "sha512-bb".',
    );
    assert.equal(scoped.category, 'checksum-mismatch');
  });
});
