import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { normalizeLine } from '../../../src/classify/normalize-log.ts';
import { passesPrefilter } from '../../../src/classify/prefilter.ts';
import { CI_VERDICT, ERROR_LOOKING, LOCAL_RULES, RESPONSE_RULES, RULES, SYMPTOM, matchRule } from '../../../src/classify/rules.ts';

const LOG_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/logs');

/** The hand-written .log fixtures; the real-thread corpus (corpus/*.yaml) has its own tests. */
function allLogs(dir = LOG_DIR): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'corpus' ? [] : allLogs(path);
    return name.endsWith('.log') ? [path] : [];
  });
}

/** Real lines for every rule: each must match its rule first and pass the prefilter. */
const SAMPLES: Record<string, string[]> = {
  'disk-full': [
    'write /root/go/pkg/mod/cache/download/x.zip: no space left on device',
    'mkdir /home/runner/go/pkg/mod/cache: disk quota exceeded',
    'npm ERR! code ENOSPC',
    'There is not enough space on the disk.',
  ],
  'go-proxyconnect': ['Get "https://proxy.golang.org/x/@v/list": proxyconnect tcp: dial tcp 10.1.1.1:3128: connect: connection refused'],
  'proxy-auth': [
    ' WARN  GET https://registry.npmjs.org/a/-/a-1.0.0.tgz error (ERR_PNPM_FETCH_407). Will retry in 10 seconds. 2 retries left.',
    '12 http fetch GET 407 https://registry.npmjs.org/a 210ms',
    'Get "https://proxy.golang.org/x/@v/list": Proxy Authentication Required',
    'npm ERR! code E407',
    "fatal: unable to access 'https://github.com/x/y/': Received HTTP code 407 from proxy after CONNECT",
    'npm ERR! network tunneling socket could not be established, cause=connect ECONNREFUSED 10.0.0.1:8080',
    "fatal: unable to access 'https://github.com/x/y/': Could not resolve proxy: proxy.corp",
  ],
  'tls-untrusted': [
    'Get "https://proxy.golang.org/x/@v/list": x509: certificate signed by unknown authority',
    "fatal: unable to access 'https://git.corp/x/': SSL certificate problem: self-signed certificate in certificate chain",
    "fatal: unable to access 'https://git.corp/x/': server certificate verification failed. CAfile: none CRLfile: none",
    'npm ERR! code SELF_SIGNED_CERT_IN_CHAIN',
    'npm error code UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    'npm ERR! code UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'npm ERR! code DEPTH_ZERO_SELF_SIGNED_CERT',
  ],
  'go-toolchain': [
    'go: go.mod requires go >= 1.22.0 (running go 1.19.8; GOTOOLCHAIN=local)',
    'note: module requires Go 1.22',
    'go build github.com/labstack/gommon/random: module requires Go 1.13',
    "go.mod:3: invalid go version '1.22.0': must match format 1.23",
    'go.mod:5: unknown directive: toolchain',
    'compile: version "go1.22.0" does not match go tool version "go1.21.5"',
  ],
  'pnpm-node-too-new': [
    ' WARN  GET https://registry.npmjs.org/react error (ERR_INVALID_THIS). Will retry in 10 seconds. 2 retries left.',
    ' ERR_PNPM_META_FETCH_FAIL  GET https://registry.npmjs.org/react: Value of "this" must be of type URLSearchParams',
  ],
  'npm-engine': [
    'warn: This version of pnpm requires at least Node.js v22.13',
    'warn: The current version of Node.js is v20.20.2',
    'npm ERR! code EBADENGINE',
    'npm ERR! notsup Unsupported engine for vite@6.0.1: wanted: {"node":">=18"}',
    'error vite@6.0.1: The engine "node" is incompatible with this module.',
  ],
  'go-proxy-off': ['go: github.com/x/y@v1.0.0: module lookup disabled by GOPROXY=off'],
  'go-vendor': [
    'main.go:3:2: cannot find module providing package github.com/x/y: import lookup disabled by -mod=vendor',
    'go: inconsistent vendoring in /src:',
    '\tgithub.com/x/y@v1.2.0: is marked as explicit in vendor/modules.txt, but not explicitly required in go.mod',
    '\tgithub.com/x/y@v1.3.0: is explicitly required in go.mod, but vendor/modules.txt indicates github.com/x/y@v1.2.0',
  ],
  'go-toolchain-download': ['go: download go1.22.3 for linux/amd64: toolchain not available', 'go: download go1.22 for darwin/arm64: toolchain not available'],
  'corepack-http-5xx': [
    'Internal Error: Server answered with HTTP 500 when performing the request to https://repo.yarnpkg.com/4.4.0/packages/yarnpkg-cli/bin/yarn.js',
    'Internal Error: Server answered with HTTP 503',
  ],
  'corepack-http': [
    'Internal Error: Server answered with HTTP 404',
    'Error: Server answered with HTTP 403 when performing the request to https://registry.npmjs.org/pnpm/-/pnpm-9.99.0.tgz',
  ],
  'npm-html-404': ['npm ERR! <p>The requested URL /content/groups/npm-all/@acme/ui was not found on this server.</p>'],
  'pnpm-tarball-extract': [
    ' ERR_PNPM_TARBALL_EXTRACT  Failed to add tarball from "https://registry.example.com/a/-/a-1.0.0.tgz" to store: Invalid checksum for TAR header at offset 2048. Expected 0, got NaN',
    'Invalid checksum for TAR header at offset 5038080. Expected 0, got NaN',
  ],
  'npm-fetch-failed-tarball': ['npm ERR! fetch failed https://registry.npmjs.org/left-pad/-/left-pad-1.1.0.tgz'],
  'npm-without-scopes': ["npm ERR! 404 'types/node' is not in the npm registry."],
  'pm-self-download': [
    '➤ YN0000: Retrieving https://repo.yarnpkg.com/4.1.0/packages/yarnpkg-cli/bin/yarn.js',
    'This error happened while installing a direct dependency of /home/ci/.local/share/pnpm/.tools/pnpm/9.1.0_tmp_12',
  ],
  'integrity-empty-body': [
    'error https://npm.corp/x/-/x-1.0.0.tgz: Integrity check failed for "x" (computed integrity doesn\'t match our records, got "sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg== sha1-2jmj7l5rSw0yVb/vlWAYkK/YBwk=")',
  ],
  'go-insecure-protocol': ['package git.x.net/y.git/z: cannot download, http://git.x.net/y uses insecure protocol'],
  'go-clone-address-path': ['package git@github.com:x/y.git: unrecognized import path "git@github.com:x/y.git"'],
  'pnpm-lockfile-version': [
    ' ERR_PNPM_FROZEN_LOCKFILE_WITH_OUTDATED_LOCKFILE  Cannot perform a frozen installation because the version of the lockfile is incompatible with this version of pnpm',
  ],
  'go-std-too-new': [
    'main.go:4:2: package slices is not in GOROOT (/usr/local/go/src/slices)',
    'package x.org/y/cmd: unrecognized import path "io/fs": import path does not begin with hostname',
    'package context: unrecognized import path "context" (import path does not begin with hostname)',
    'build x: cannot load embed: malformed module path "embed": missing dot in first path element',
  ],
  'go-vendor-package-missing': [
    'build github.com/example/app: cannot load github.com/example/dep/target: open /src/app/vendor/github.com/example/dep/target: no such file or directory',
  ],
  'go-get-dot-go-path': ['stat github.com/nats-io/nats.go: no such file or directory'],
  'gopkg-in-no-major': ['GitHub repository at https://github.com/tucnak/telebot has no branch or tag "v0", "v0.N" or "v0.N.M"'],
  'go-replace-placeholder': [
    'go: k8s.io/api@v0.0.0: reading k8s.io/api/go.mod at revision v0.0.0: unknown revision v0.0.0',
    'go: x.org/y@v0.0.0-00010101000000-000000000000: invalid version: unknown revision 000000000000',
  ],
  'go-invalid-mod': [
    'go: malformed module path "mylib": missing dot in first path element',
    'go.mod:7: unknown directive: requires',
    'go.mod:3: usage: require module/path v1.2.3',
  ],
  'proxy-5xx': [
    'npm http 502 http://npm.mirror.example.org/registry/express',
    '86 http fetch 503 https://registry.npmjs.org/thoughts/-/thoughts-2.0.0.tgz',
    'reading https://goproxy.corp/x/@v/list: 502 Bad Gateway',
    'npm ERR! code E503',
    'go: x.org/y@v1.0.0: unexpected status (http://athens:3000/x.org/y/@v/v1.0.0.info): 500 Internal Server Error',
    'error An unexpected error occurred: "https://registry.yarnpkg.com/x/-/x-1.0.0.tgz: Request failed \\"500 Internal Server Error\\"".',
  ],
  'proxy-bad-answer': [
    'npm ERR! registry error parsing json',
    'go: x.org/y@v1.0.0: unexpected status (https://goproxy.corp/x.org/y/@v/v1.0.0.mod): 400 Bad Request',
    'x.org/y@v1.0.0: zip: not a valid zip file',
    'x.org/y@v1.0.0: gzip: invalid header',
  ],
  'proxy-html-answer': [
    'go: x.org/y@v1.0.0: parsing go.mod:\n/root/go/pkg/mod/cache/download/x.org/y/@v/v1.0.0.mod:1: unknown directive: <!DOCTYPE'.split('\n')[1] ?? '',
    'go: x.org/y@v1.0.0: invalid version: go.mod: <html><head><title>Sign in</title>',
  ],
  'response-server-failure': [
    ' not found: example.com/x@v1.0.0: write /data/x.tmp: no space left on device',
    '\tinternal error: database is locked',
    '\topen /var/cache/x: too many open files',
  ],
  'response-upstream': ['\tGet "https://github.com/x/y.git/info/refs": dial tcp 140.82.112.3:443: i/o timeout', '\tupstream returned 502 Bad Gateway'],
  'go-env-invalid': [
    'verifying github.com/x/y@v1.0.0: invalid GOSUMDB: malformed verifier id',
    'go: github.com/x/y@v1.0.0: verifying go.mod: missing GOSUMDB',
    'go: github.com/x/y@v1.0.0: invalid proxy URL missing scheme: goproxy.cn',
    'go: GOPROXY list is not the empty string, but contains no entries',
  ],
  'go-pseudo-version-invalid': [
    'go: github.com/florianl/go-tc@v0.1.1-0.20200617173005-5c65c840f086: invalid pseudo-version: preceding tag (v0.1.0) not found',
    'go: example.com/m@v1.2.4-0.20200101000000-abcdef123456: invalid pseudo-version: revision abcdef123456 is not a descendent of preceding tag (v1.2.3)',
  ],
  'go-mod-newer-block': ['go.mod:206: unknown block type: tool'],
  'go-replace-two-paths': ['go: github.com/apache/thrift@v0.12.0 used for two different module paths (git.apache.org/thrift.git and github.com/apache/thrift)'],
  'go-mod-unknown-block': ['[linters_context] running gomoddirectives failed: parse /src/app/go.mod: go.mod:11: unknown block type: ignore'],
  'go-import-without-host': [
    'imports apibaiwandun/models/global: unrecognized import path "apibaiwandun/models/global"',
    'package acme/util: unrecognized import path "acme/util" (import path does not begin with hostname)',
  ],
  'go-pseudo-version-malformed': [
    'go: example.com/m@v0.0.0-20200101000000-abcdef123456: invalid pseudo-version: does not match version-control timestamp (expected 20200202020202)',
    'github.com/acme/vici@v0.0.0-20190223031456-9a5ae4453bd: invalid pseudo-version: revision is shorter than canonical (9a5ae4453bda)',
    'go: github.com/acme/cors@v0.0.0-20190309005821-6fd6a9bfe14e9: invalid pseudo-version: revision is longer than canonical (6fd6a9bfe14e)',
  ],
  'go-toolchain-sumdb-off': [
    'go: download go1.24.1: golang.org/toolchain@v0.0.1-go1.24.1.linux-amd64: verifying module: checksum database disabled by GOSUMDB=off',
  ],
  'tls-agent-trust': [
    'go: x.org/y@v1.0.0: unrecognized import path "x.org/y": https fetch: Get "https://x.org/y?go-get=1": x509: certificate has expired or is not yet valid: current time 2021-10-01T13:01:20Z is after 2021-09-30T14:01:15Z',
    'tls: failed to verify certificate: x509: certificate has expired or is not yet valid: current time 2019-03-14T08:02:11Z is before 2024-11-04T08:36:53Z',
    'npm ERR! code CERT_NOT_YET_VALID',
    'npm ERR! certificate is not yet valid',
  ],
  'tls-expired': [
    'tls: failed to verify certificate: x509: certificate has expired or is not yet valid',
    'Get "https://goproxy.io/x/@v/v1.0.0.mod": x509: certificate has expired or is not yet valid: current time 2021-09-26T01:00:00Z is after 2021-09-25T00:00:00Z',
    'npm ERR! code CERT_HAS_EXPIRED',
    'npm ERR! request to https://registry.npm.taobao.org/react failed, reason: certificate has expired',
  ],
  'vanity-meta': [
    'import "x.org/y": parse https://x.org/y?go-get=1: no go-import meta tags',
    'go: x.org/y@v1.0.0: unrecognized import path "x.org/y": https fetch: Get "https://x.org/y?go-get=1": x509: certificate has expired or is not yet valid',
    'unrecognized import path "gopkg.in/y.v1": reading https://gopkg.in/y.v1?go-get=1: 502 Bad Gateway',
  ],
  'vanity-no-meta': ['go: x.org/y/z@v1.0.0: no go-import meta tags (meta tag x.org/w did not match import path x.org/y/z)'],
  'vanity-retired-host': [
    "fatal: unable to access 'https://git.apache.org/thrift.git/': The requested URL returned error: 502",
    '\timports code.google.com/p/freetype-go/freetype/raster: unable to detect version control system for code.google.com/ path',
  ],
  'vanity-gitlab-group-root': [
    'go get gitlab.example.com/team/etcdclient: git ls-remote -q https://gitlab.example.com/team.git in /home/u/go/pkg/mod/cache/vcs/1987238e: exit status 128:',
  ],
  'vanity-host-unreachable': [
    'package mvdan.cc/xurls: unrecognized import path "mvdan.cc/xurls" (https fetch: Get https://mvdan.cc/xurls?go-get=1: dial tcp 178.62.67.243:443: getsockopt: connection refused)',
    'package x.org/y: unrecognized import path "x.org/y" (https fetch: Get https://x.org/y?go-get=1: dial tcp 1.2.3.4:443: i/o timeout)',
  ],
  'vanity-net': [
    'package golang.org/x/net/html: unrecognized import path "golang.org/x/net/html" (https fetch: Get https://golang.org/x/net/html?go-get=1: dial tcp 216.239.37.1:443: i/o timeout)',
  ],
  'go-team-import-squelched': ['package golang.org/x/net/context: unrecognized import path "golang.org/x/net/context"'],
  'vanity-unrecognized': ['go: x.org/y@v1.0.0: unrecognized import path "x.org/y": https fetch: Get "https://x.org/y?go-get=1"'],
  'npm-offline': [
    'npm ERR! code ENOTCACHED',
    "npm ERR! request to https://registry.npmjs.org/x failed: cache mode is 'only-if-cached' but no cached response is available.",
    ' ERR_PNPM_NO_OFFLINE_META  Failed to resolve next@16.2.10 in package mirror /root/.cache/pnpm/metadata/registry.npmjs.org/next.jsonl',
    'ERR_PNPM_NO_OFFLINE_TARBALL  A package is missing from the store but cannot download it in offline mode.',
    'error Couldn\'t find any versions for "babel" that matches "latest" in our cache. Possible versions: ""',
  ],
  'rate-limit': [
    'reading https://proxy.golang.org/x/@v/list: 429 Too Many Requests',
    'npm ERR! code E429',
    'remote: API rate limit exceeded for 203.0.113.7.',
    'You have exceeded a secondary rate limit.',
    'toomanyrequests: You have reached your pull rate limit.',
    "fatal: unable to access 'https://github.com/x/y/': The requested URL returned error: 429",
  ],
  'go-sumdb-not-found': ['verifying git.corp/x@v1.0.0: reading https://sum.golang.org/lookup/git.corp/x@v1.0.0: 410 Gone'],
  'go-sumdb-unreachable': [
    'go: x.org/y@v1.0.0: verifying module: x.org/y@v1.0.0: Get "https://sum.golang.org/lookup/x.org/y@v1.0.0": dial tcp 1.2.3.4:443: i/o timeout',
    'verifying go.mod: x.org/y@v1.0.0/go.mod: Get "https://sum.golang.org/tile/8/0/x105/372": dial tcp: lookup sum.golang.org on 127.0.0.11:53: no such host',
  ],
  'go-work-stale': ['go: module ./types listed in go.work file requires go >= 1.24.0, but go.work lists go 1.23.0; to update it:'],
  'git-connection-dropped': ['\tfatal: The remote end hung up unexpectedly', 'error: RPC failed; curl 56 GnuTLS recv error (-54): Error in the pull function.'],
  'git-auth': [
    "fatal: could not read Username for 'https://github.com': terminal prompts disabled",
    "Username for 'https://github.com': ",
    'git@github.com: Permission denied (publickey).',
    'Host key verification failed.',
    "fatal: Authentication failed for 'https://gitlab.corp/x.git/'",
    'remote: HTTP Basic: Access denied',
    'remote: Repository not found.',
    "fatal: repository 'https://github.com/acme/x/' not found",
  ],
  'go-proxy-auth': ['reading https://goproxy.corp/github.com/x/y/@v/list: 401 Unauthorized', 'reading https://goproxy.corp/x.org/y/@v/list: 403 Forbidden'],
  'npm-auth': [
    'Request "https://npm.corp.example.com/left-pad" returned a 403',
    'npm http fetch GET 401 https://npm.corp.example.com/api/npm/npm/left-pad/-/left-pad-1.3.0.tgz 112ms',
    'npm ERR! code E401',
    'npm ERR! code E403',
    'npm error code ENEEDAUTH',
    'verbose Request "https://npm.corp.example.com/repository/npm/left-pad" finished with status code 401.',
    'npm ERR! Unable to authenticate, need: Basic realm="Artifactory Realm"',
    'npm ERR! 401 Unauthorized - GET https://npm.pkg.github.com/@a%2fb - authentication token not provided',
  ],
  'net-specific': [
    'dial tcp: lookup proxy.golang.org on 10.0.0.2:53: no such host',
    'dial tcp: lookup proxy.golang.org on 8.8.8.8:53: write udp 127.0.0.1:45516->8.8.8.8:53: write: permission denied',
    'dial tcp 142.250.196.209:443: connectex: A connection attempt failed because the connected party did not properly respond after a period of time, or established connection failed because connected host has failed to respond.',
    'dial tcp 127.0.0.1:3128: connectex: No connection could be made because the target machine actively refused it.',
    'dial tcp 142.250.0.1:443: i/o timeout',
    'dial tcp 10.0.0.5:3000: connect: connection refused',
    'net/http: TLS handshake timeout',
    'dial tcp: lookup proxy.golang.org: Temporary failure in name resolution',
    "fatal: unable to access 'https://github.com/x/y/': Could not resolve host: github.com",
    'npm ERR! code ENOTFOUND',
    'npm error code ETIMEDOUT',
    'npm ERR! code ECONNREFUSED',
    'npm ERR! code EAI_AGAIN',
  ],
  checksum: [
    'verifying github.com/x/y@v1.2.3: checksum mismatch',
    'SECURITY ERROR',
    'npm ERR! code EINTEGRITY',
    'npm ERR! sha512-abc integrity checksum failed when using sha512: wanted sha512-abc but got sha512-def.',
  ],
  'go-module-path': [
    '\tmodule declares its path as: github.com/foo/bar',
    '\t        but was required as: github.com/Foo/bar',
    'go: github.com/x/y/v2@v2.0.0: go.mod has non-.../v2 module path "github.com/x/y" (and .../v2/go.mod does not exist) at revision v2.0.0',
    'go: github.com/x/y@v2.0.0: invalid version: module contains a go.mod file, so module path must match major version ("github.com/x/y/v2")',
  ],
  'go-replace': [
    'go: example.com/y@v0.0.0 (replaced by ../y): reading ../y/go.mod: open /src/y/go.mod: no such file or directory',
    '\tmore replace directives. It must not contain directives that would cause',
  ],
  'go-replace-dir-missing': [
    'go: parsing /go.mod: open /go.mod: no such file or directory',
    'go: example.com/lib@v0.0.0: reading ..\\lib\\go.mod: open C:\\src\\lib\\go.mod: The system cannot find the file specified.',
  ],
  'proxy-policy-page': [
    'go: github.com/x/y@v1.0.0: unexpected status (https://goproxy.io/github.com/x/y/@v/v1.0.0.info): 401 authenticationrequired',
    '<Error><Code>SecurityPolicyViolated</Code><Message>Request violates VPC Service Controls.</Message>',
  ],
  'go-sum-missing': [
    'missing go.sum entry for module providing package github.com/x/y',
    'go: updates to go.sum needed, disabled by -mod=readonly',
    'go: updates to go.mod needed; to update it:',
  ],
  'npm-lockfile': [
    'npm ERR! `npm ci` can only install packages when your package.json and package-lock.json or npm-shrinkwrap.json are in sync.',
    'npm error Missing: left-pad@1.3.0 from lock file',
    "npm error Invalid: lock file's foo@1.0.0 does not satisfy foo@2.0.0",
    ' ERR_PNPM_OUTDATED_LOCKFILE  Cannot install with "frozen-lockfile"',
    '➤ YN0028: │ The lockfile would have been modified by this install, which is explicitly forbidden.',
  ],
  'go-unknown-revision': [
    'go: github.com/x/y@v1.9.9: invalid version: unknown revision v1.9.9',
    'go: module github.com/x/y: no matching versions for query "latest"',
    'go: module github.com/x/y@v1.2.0 found, but does not contain package github.com/x/y/z',
    'main.go:3:2: cannot find module providing package github.com/x/y',
  ],
  'go-proxy-not-found': [
    'go: x.org/y@v1.9.9: reading https://proxy.golang.org/x.org/y/@v/v1.9.9.info: 404 Not Found',
    'go: x.org/y@v1.9.9: reading file:///tmp/gp/x.org/y/@v/v1.9.9.mod: no such file or directory',
  ],
  'go-ls-remote': ['go: x.org/y@v1.0.0: invalid version: git ls-remote -q origin in /root/go/pkg/mod/cache/vcs/abc: exit status 128:'],
  'npm-mirror-no-such-package': [
    'npm ERR! 404 no such package available : @acme/eslint-config',
    'error An unexpected error occurred: "http://npm.corp.example/@sailshq%2flodash: no such package available".',
  ],
  'npm-git-ref-missing': [
    'error Couldn\'t find match for "5927ccb78aff8a5464663730800503c6de3704e1" in "_c" for "git://github.com/acme/eslint-plugin.git".',
    "73 error git rev-list -n1 1.5: fatal: ambiguous argument '1.5': unknown revision or path not in the working tree.",
  ],
  'npm-not-found': [
    'npm ERR! version not found: request@2.69.1',
    '➤ YN0035: │   Response Code: 404 (Not Found)',
    'Request "https://registry.yarnpkg.com/left-pda" returned a 404',
    'npm WARN retry will retry, error on last attempt: Error: fetch failed with status code 404',
    'npm ERR! code E404',
    'npm ERR! code ETARGET',
    'npm ERR! notarget No matching version found for left-pad@9.9.9.',
    "npm error 404  '@acme/ledger@^2.0.0' is not in this registry.",
    ' ERR_PNPM_FETCH_404  GET https://registry.npmjs.org/x: Not Found - 404',
  ],
  'proxy-stream-reset': [
    'go: k8s.io/apimachinery@v0.30.3: read "https://goproxy.cn/k8s.io/apimachinery/@v/v0.30.3.zip": stream error: stream ID 1407; INTERNAL_ERROR; received from peer',
  ],
  'net-generic': [
    'Get "https://proxy.golang.org/x/@v/list": read tcp 192.168.1.5:50123->142.250.72.17:443: wsarecv: An existing connection was forcibly closed by the remote host.',
    'Get "https://proxy.golang.org/x/@v/list": read tcp 10.0.0.1:1234->1.2.3.4:443: read: connection reset by peer',
    'go: x.org/y@v1.0.0: unexpected EOF',
    'Get "https://proxy.golang.org/x/@v/list": EOF',
    'npm ERR! code ECONNRESET',
    'fatal: early EOF',
    'info There appears to be trouble with your network connection. Retrying...',
  ],
  'response-auth': [
    "\t\tfatal: could not read Username for 'https://github.com': terminal prompts disabled",
    '\tIf this is a private repository, see https://golang.org/doc/faq#git_https for additional information.',
  ],
  'response-unrecognized-import': [
    '\tnot found: git.corp/x@v1.0.0: unrecognized import path "git.corp/x": https fetch: Get "https://git.corp/x?go-get=1": dial tcp: lookup git.corp: no such host',
  ],
  'response-not-found': ['\tnot found: github.com/x/y@v1.9.9: invalid version: unknown revision v1.9.9'],
};

describe('rules and prefilter', () => {
  it('every rule has samples', () => {
    for (const rule of RULES) assert.ok((SAMPLES[rule.id] ?? []).length > 0, `samples for ${rule.id}`);
    for (const id of Object.keys(SAMPLES))
      assert.ok(
        RULES.some((r) => r.id === id),
        `${id} is a rule`,
      );
  });

  for (const rule of RULES) {
    it(`${rule.id}: samples match it first and pass the prefilter`, () => {
      const rules = rule.scope === 'local' ? LOCAL_RULES : RESPONSE_RULES;
      for (const sample of SAMPLES[rule.id] ?? []) {
        assert.equal(matchRule(rules, sample)?.id, rule.id, sample);
        assert.ok(passesPrefilter(sample.toLowerCase()), `prefilter passes: ${sample}`);
      }
    });
  }

  it('every fixture line a rule, the symptom or the error fallback would look at passes the prefilter', () => {
    let checked = 0;
    for (const file of allLogs()) {
      for (const raw of readFileSync(file, 'utf8').split('\n')) {
        const text = normalizeLine(raw);
        const interesting =
          matchRule(LOCAL_RULES, text) ||
          matchRule(RESPONSE_RULES, text) ||
          SYMPTOM.test(text) ||
          CI_VERDICT.test(text) ||
          ERROR_LOOKING.test(text) ||
          text.includes('GOPRIVATE');
        if (!interesting) continue;
        checked++;
        assert.ok(passesPrefilter(raw.toLowerCase()), `${file}: ${JSON.stringify(raw)}`);
      }
    }
    assert.ok(checked > 100, `checked ${checked} lines`);
  });

  it('lets ordinary build noise through without a closer look', () => {
    for (const line of [
      'go: downloading github.com/google/uuid v1.6.0',
      '=== RUN   TestLedger',
      '--- PASS: TestLedger (0.00s)',
      'ok  \tgithub.com/acme/api\t0.012s',
      '[Pipeline] sh',
    ]) {
      assert.equal(passesPrefilter(line.toLowerCase()), false, line);
    }
  });
});
