/**
 * The FIX text a reader acts on, for realistic log lines through the public classifier: the right ecosystem
 * (yarn and pnpm logs never get GOPROXY advice), the registry and package the log names, GOPROXY fallbacks
 * that work for the failure at hand (`|`, not `,`), and go's own wording where it printed a command. The
 * excerpts are written here in the tools' formats, not copied from the corpus.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyLog, createLogClassifier } from '../../../src/classify/classify-log.ts';

const GO_ADVICE = /GOPROXY|GOPRIVATE|GOSUMDB|go mod|go clean/;

describe('checksum-mismatch names the module whose checksum failed', () => {
  it('`verifying m@v/go.mod: checksum mismatch`', () => {
    const result = classifyLog(
      [
        'go: downloading github.com/acme/tool v1.4.0',
        'verifying github.com/acme/lib@v1.2.3/go.mod: checksum mismatch',
        '\tdownloaded: h1:AAAA=',
        '\tgo.sum:     h1:BBBB=',
      ].join('\n'),
    );
    assert.equal(result.category, 'checksum-mismatch');
    assert.equal(result.module, 'github.com/acme/lib');
    assert.equal(result.version, 'v1.2.3');
    assert.match(result.fix, /sum\.golang\.org\/lookup\/github\.com\/acme\/lib@v1\.2\.3/);
  });

  it('a parent module named first on the line is not the one that failed', () => {
    const result = classifyLog('go: github.com/acme/app@v0.9.0 requires github.com/acme/lib@v1.2.3: verifying go.mod: checksum mismatch');
    assert.equal(result.category, 'checksum-mismatch');
    assert.equal(result.module, 'github.com/acme/lib');
    assert.equal(result.version, 'v1.2.3');
  });
});

describe('GOPROXY fallbacks use `|` when the failure is not a 404/410', () => {
  it("a company proxy's 502 falls back with `|` on its own URL (with `,` go would not move on)", () => {
    const result = classifyLog('go: github.com/spf13/cobra@v1.8.0: reading https://athens.example.com/github.com/spf13/cobra/@v/v1.8.0.mod: 502 Bad Gateway');
    assert.equal(result.category, 'proxy-server-error');
    assert.match(result.fix, /`GOPROXY=https:\/\/athens\.example\.com\|https:\/\/proxy\.golang\.org,direct`/);
    assert.match(result.fix, /only after a 404 or 410/);
    assert.doesNotMatch(result.fix, /GOPROXY=[^`]*,https:\/\/proxy\.golang\.org/);
  });

  it('a proxy with a path (Artifactory) keeps the path in the fallback', () => {
    const result = classifyLog(
      'go: github.com/spf13/cobra@v1.8.0: reading https://art.example.com/artifactory/api/go/go-virtual/github.com/spf13/cobra/@v/v1.8.0.zip: 503 Service Unavailable',
    );
    assert.equal(result.category, 'proxy-server-error');
    assert.match(result.fix, /`GOPROXY=https:\/\/art\.example\.com\/artifactory\/api\/go\/go-virtual\|https:\/\/proxy\.golang\.org,direct`/);
  });

  it('proxy.golang.org failing falls back to direct with `|`', () => {
    const result = classifyLog('go: golang.org/x/sys@v0.20.0: reading https://proxy.golang.org/golang.org/x/sys/@v/v0.20.0.zip: 502 Bad Gateway');
    assert.equal(result.category, 'proxy-server-error');
    assert.match(result.fix, /`GOPROXY=https:\/\/proxy\.golang\.org\|direct`/);
  });

  it('an unreachable company proxy falls back with `|`, since `,` does not move on after a timeout', () => {
    const result = classifyLog(
      'go: github.com/spf13/cobra@v1.8.0: Get "https://goproxy.corp.example.com/github.com/spf13/cobra/@v/v1.8.0.mod": dial tcp 10.1.2.3:443: i/o timeout',
    );
    assert.equal(result.category, 'proxy-unreachable');
    assert.match(result.fix, /`GOPROXY=https:\/\/goproxy\.corp\.example\.com\|https:\/\/proxy\.golang\.org,direct`/);
    assert.match(result.fix, /only when the proxy answers 404 or 410/);
  });
});

describe('toolchain-mismatch does not offer GOTOOLCHAIN to Go before 1.21', () => {
  const noToolchainSwitch = (fix: string): void => {
    assert.doesNotMatch(fix, /GOTOOLCHAIN=auto/);
    assert.match(fix, /go-version-file: go\.mod/);
    assert.match(fix, /Go before 1\.21 does not know it/);
  };

  it('`unknown directive: toolchain` is a Go before 1.21', () => {
    const result = classifyLog('go: errors parsing go.mod:\n/src/app/go.mod:5: unknown directive: toolchain');
    assert.equal(result.category, 'toolchain-mismatch');
    noToolchainSwitch(result.fix);
  });

  it("a three-part go line rejected as `invalid go version '1.22.1'` is a Go before 1.21", () => {
    const result = classifyLog("go: errors parsing go.mod:\n/src/app/go.mod:3: invalid go version '1.22.1': must match format 1.23");
    assert.equal(result.category, 'toolchain-mismatch');
    noToolchainSwitch(result.fix);
  });

  it("tidy's maximum version names the running Go", () => {
    const result = classifyLog('go: go.mod file indicates go 1.22, but maximum version supported by tidy is 1.19');
    assert.equal(result.category, 'toolchain-mismatch');
    assert.match(result.fix, /the agent runs Go 1\.19/);
    noToolchainSwitch(result.fix);
  });

  it('Go 1.21+ with GOTOOLCHAIN=local is told that the setting blocks the switch', () => {
    const result = classifyLog('go: go.mod requires go >= 1.23.0 (running go 1.22.5; GOTOOLCHAIN=local)');
    assert.equal(result.category, 'toolchain-mismatch');
    assert.match(result.fix, /needs Go 1\.23\.0 but the agent runs Go 1\.22\.5/);
    assert.match(result.fix, /the log shows GOTOOLCHAIN=local/);
    assert.match(result.fix, /GOTOOLCHAIN=auto/);
  });
});

describe('toolchain texts for Go 1.21+', () => {
  it('a known Go 1.21+ without GOTOOLCHAIN=local in the log is told it can switch itself', () => {
    const result = classifyLog('go: github.com/acme/tool@v1.0.0 requires go >= 1.23.0 (running go 1.22.5)');
    assert.equal(result.category, 'toolchain-mismatch');
    assert.match(result.fix, /Go 1\.22\.5 can instead download the required toolchain itself with `GOTOOLCHAIN=auto`/);
  });

  it('a go1.22 toolchain that does not exist is explained by release numbering', () => {
    const result = classifyLog(['go: downloading go1.22 (linux/amd64)', 'go: download go1.22 for linux/amd64: toolchain not available'].join('\n'));
    assert.equal(result.category, 'toolchain-unavailable');
    assert.match(result.fix, /there is no `go1\.22` toolchain to download/);
    assert.match(result.fix, /`go 1\.22\.0`/);
  });
});

describe("missing-go-sum quotes go's own command", () => {
  const log = [
    '$ go build ./...',
    'go: github.com/spf13/cobra@v1.8.0: missing go.sum entry for go.mod file; to add it:',
    '\tgo mod download github.com/spf13/cobra',
  ].join('\n');

  it('the command on the line after `; to add it:`', () => {
    const result = classifyLog(log);
    assert.equal(result.category, 'missing-go-sum');
    assert.match(result.fix, /Run the command go printed, `go mod download github\.com\/spf13\/cobra`, locally/);
  });

  it('the same through the streaming classifier', () => {
    const classifier = createLogClassifier();
    for (const line of log.split('\n')) classifier.push(line);
    assert.match(classifier.finish().fix, /`go mod download github\.com\/spf13\/cobra`/);
  });

  it("go's `go get` suggestion for a package, even when more lines follow", () => {
    const result = classifyLog(
      [
        'main.go:5:2: missing go.sum entry for module providing package golang.org/x/net/http2 (imported by example.com/app/server); to add:',
        '\tgo get example.com/app/server',
        'make: *** [build] Error 1',
      ].join('\n'),
    );
    assert.equal(result.category, 'missing-go-sum');
    assert.match(result.fix, /`go get example\.com\/app\/server`/);
  });

  it('`go mod tidy` suggested by go is not repeated as an alternative', () => {
    const result = classifyLog('go: updates to go.mod needed; to update it:\n\tgo mod tidy');
    assert.equal(result.category, 'missing-go-sum');
    assert.match(result.fix, /Run the command go printed, `go mod tidy`, locally in the module, commit/);
  });
});

describe('proxy-config says what an empty GOPROXY / GOSUMDB really is', () => {
  it('`GOPROXY list is not the empty string, but contains no entries`: go.env missing or GOPROXY set to ""', () => {
    const result = classifyLog('go: github.com/spf13/cobra@v1.8.0: GOPROXY list is not the empty string, but contains no entries');
    assert.equal(result.category, 'proxy-config');
    assert.doesNotMatch(result.fix, /malformed/);
    assert.match(result.fix, /\$GOROOT\/go\.env/);
    assert.match(result.fix, /`go env -w GOPROXY=https:\/\/proxy\.golang\.org,direct`/);
  });

  it('`missing GOSUMDB`: empty, from a missing go.env, not turned off', () => {
    const result = classifyLog('go: golang.org/toolchain@v0.0.1-go1.22.2.linux-amd64: missing GOSUMDB');
    assert.equal(result.category, 'proxy-config');
    assert.match(result.fix, /GOSUMDB is empty/);
    assert.match(result.fix, /go\.env/);
    assert.match(result.fix, /`go env -w GOSUMDB=sum\.golang\.org`/);
  });
});

describe('sumdb-unreachable', () => {
  it("sumdb-unreachable gives GOSUMDB's mirror syntax and never GOSUMDB=off as a fix", () => {
    const result = classifyLog(
      'verifying github.com/acme/lib@v1.2.3: github.com/acme/lib@v1.2.3: Get "https://sum.golang.org/lookup/github.com/acme/lib@v1.2.3": dial tcp 142.250.1.1:443: i/o timeout',
    );
    assert.equal(result.category, 'sumdb-unreachable');
    assert.match(result.fix, /`GOSUMDB="sum\.golang\.org https:\/\/<mirror>\/sumdb\/sum\.golang\.org"`/);
    assert.match(result.fix, /do not set GOSUMDB=off/);
  });
});

describe('yarn and pnpm logs get npm-family fixes, never Go advice', () => {
  it("yarn 1's request timeout names the registry and yarn's files, not GOPROXY", () => {
    const result = classifyLog(
      [
        'yarn install v1.22.19',
        '[1/4] Resolving packages...',
        '[2/4] Fetching packages...',
        'info There appears to be trouble with your network connection. Retrying...',
        'error An unexpected error occurred: "https://registry.yarnpkg.com/rxjs/-/rxjs-5.5.12.tgz: ESOCKETTIMEDOUT".',
        'info If you think this is a bug, please open a bug report with the information provided in "/app/yarn-error.log".',
      ].join('\n'),
    );
    assert.equal(result.category, 'proxy-unreachable');
    assert.equal(result.ecosystem, 'npm');
    assert.doesNotMatch(result.fix, GO_ADVICE);
    assert.match(result.fix, /The agent cannot reach the registry registry\.yarnpkg\.com/);
    assert.match(result.fix, /curl -v https:\/\/registry\.yarnpkg\.com\/rxjs/);
  });

  it("yarn 1's network warning alone is read as yarn's, not Go's", () => {
    const result = classifyLog(
      [
        'info There appears to be trouble with your network connection. Retrying...',
        'error An unexpected error occurred: "https://registry.yarnpkg.com/stylus: ETIMEDOUT".',
      ].join('\n'),
    );
    assert.equal(result.ecosystem, 'npm');
    assert.doesNotMatch(result.fix, GO_ADVICE);
  });

  it("yarn 1's 500 from the registry is the registry failing, in npm-family words", () => {
    const result = classifyLog(
      'error An unexpected error occurred: "https://registry.yarnpkg.com/@types/lodash/-/lodash-4.14.61.tgz: Request failed \\"500 Internal Server Error\\"".',
    );
    assert.equal(result.category, 'proxy-server-error');
    assert.equal(result.ecosystem, 'npm');
    assert.equal(result.module, '@types/lodash');
    assert.match(result.fix, /^registry\.yarnpkg\.com failed on its side/);
    assert.doesNotMatch(result.fix, GO_ADVICE);
  });

  it("yarn 1's full disk cleans yarn's cache, not npm's or go's", () => {
    const result = classifyLog(
      'error An unexpected error occurred: "https://registry.yarnpkg.com/caniuse-db/-/caniuse-db-1.0.30000847.tgz: ENOSPC: no space left on device, write".',
    );
    assert.equal(result.category, 'disk-full');
    assert.equal(result.ecosystem, 'npm');
    assert.match(result.fix, /`yarn cache clean`/);
    assert.doesNotMatch(result.fix, /go clean/);
  });

  it("yarn berry's authentication error puts the token in .yarnrc.yml (yarn 2+ ignores .npmrc)", () => {
    const result = classifyLog(
      [
        '➤ YN0000: ┌ Fetch step',
        '➤ YN0001: │ HTTPError: @acme/ui@npm:2.3.1: Request failed "401 Unauthorized"',
        '➤ YN0000: └ Completed in 1s',
        '➤ YN0000: Failed with errors in 1s',
      ].join('\n'),
    );
    assert.equal(result.category, 'registry-auth');
    assert.equal(result.ecosystem, 'npm');
    assert.match(result.fix, /npmScopes: \{ acme: \{ npmRegistryServer: "[^"]+", npmAuthToken: "\$\{NPM_TOKEN\}" \} \}` in \.yarnrc\.yml/);
    assert.match(result.fix, /yarn npm whoami --scope acme/);
    assert.doesNotMatch(result.fix, GO_ADVICE);
  });

  it("pnpm's 401 from a company registry keys the token by that registry in .npmrc", () => {
    const result = classifyLog(
      [
        'Progress: resolved 1, reused 0, downloaded 0, added 0',
        ' ERR_PNPM_FETCH_401  GET https://npm.corp.example.com/repository/npm-group/@acme%2Fui: Unauthorized - 401',
        'No authorization header was set for the request.',
      ].join('\n'),
    );
    assert.equal(result.category, 'registry-auth');
    assert.equal(result.ecosystem, 'npm');
    assert.match(result.fix, /`\/\/npm\.corp\.example\.com\/repository\/npm-group\/:_authToken=\$\{NPM_TOKEN\}` in the project's \.npmrc/);
    assert.match(result.fix, /`@acme:registry=https:\/\/npm\.corp\.example\.com\/repository\/npm-group\/`/);
    assert.doesNotMatch(result.fix, /registry\.npmjs\.org|GOPROXY/);
  });
});

describe("Node's certificate errors are npm-family, git's in a Go log stay Go", () => {
  it("yarn 2+'s RequestError and Node's SELF_SIGNED_CERT_IN_CHAIN get Node's CA advice", () => {
    for (const line of [
      'RequestError: self signed certificate in certificate chain',
      'Fetch failed (1/5): https://npm.corp.example.com/matchdep [Error: SELF_SIGNED_CERT_IN_CHAIN]',
    ]) {
      const result = classifyLog(line);
      assert.equal(result.category, 'tls-interception', line);
      assert.equal(result.ecosystem, 'npm', line);
      assert.match(result.fix, /NODE_EXTRA_CA_CERTS/);
      assert.doesNotMatch(result.fix, /GOINSECURE|GOSUMDB/);
    }
  });

  it("git's `SSL certificate problem` during a go download keeps Go's advice", () => {
    const result = classifyLog(
      [
        'go: github.com/acme/lib@v1.2.3: invalid version: git ls-remote -q origin in /root/go/pkg/mod/cache/vcs/abc: exit status 128:',
        "\tfatal: unable to access 'https://github.com/acme/lib/': SSL certificate problem: self signed certificate in certificate chain",
      ].join('\n'),
    );
    assert.equal(result.category, 'tls-interception');
    assert.equal(result.ecosystem, 'go');
  });
});

describe('registry-auth names the registry from the log', () => {
  it('a GitHub Packages 401 without a URL is about npm.pkg.github.com, with what its token needs', () => {
    const result = classifyLog(['npm ERR! code E401', 'npm ERR! Unable to authenticate, need: Basic realm="GitHub Package Registry"'].join('\n'));
    assert.equal(result.category, 'registry-auth');
    assert.match(result.fix, /^The registry npm\.pkg\.github\.com refused the request/);
    assert.match(result.fix, /`\/\/npm\.pkg\.github\.com\/:_authToken=\$\{NPM_TOKEN\}`/);
    assert.match(result.fix, /read:packages/);
    assert.doesNotMatch(result.fix, /registry\.npmjs\.org/);
  });

  it('an Artifactory 401 names the Artifactory registry path from the request URL', () => {
    const result = classifyLog(
      [
        'npm ERR! code E401',
        'npm ERR! 401 Unauthorized - GET https://artifactory.example.com/artifactory/api/npm/npm-virtual/@acme%2fledger - Unauthorized',
      ].join('\n'),
    );
    assert.equal(result.category, 'registry-auth');
    assert.match(result.fix, /`\/\/artifactory\.example\.com\/artifactory\/api\/npm\/npm-virtual\/:_authToken=\$\{NPM_TOKEN\}`/);
    assert.match(result.fix, /`@acme:registry=https:\/\/artifactory\.example\.com\/artifactory\/api\/npm\/npm-virtual\/`/);
    assert.match(result.fix, /npm whoami --registry https:\/\/artifactory\.example\.com\/artifactory\/api\/npm\/npm-virtual\//);
  });

  it('a registry named only in the configuration the log prints is the one the fix names', () => {
    const result = classifyLog(
      ['npm config set registry https://nexus.example.com/repository/npm-all/', 'npm ERR! code E401', 'npm ERR! Incorrect or missing password.'].join('\n'),
    );
    assert.equal(result.category, 'registry-auth');
    assert.match(result.fix, /`\/\/nexus\.example\.com\/repository\/npm-all\/:_authToken=\$\{NPM_TOKEN\}`/);
  });

  it('a registry set in a printed .npmrc or .yarnrc.yml (lines the prefilter skips) is the one the fix names, in both classifiers', () => {
    const npmLog = [
      '$ cat .npmrc',
      'registry=https://nexus.example.com/repository/npm-all/',
      'npm ERR! code E401',
      'npm ERR! Incorrect or missing password.',
    ].join('\n');
    const berryLog = [
      '$ cat .yarnrc.yml',
      'npmRegistryServer: "https://npm.corp.example.com"',
      '➤ YN0001: │ HTTPError: left-pad@npm:1.3.0: Request failed "401 Unauthorized"',
    ].join('\n');
    for (const [log, key] of [
      [npmLog, /`\/\/nexus\.example\.com\/repository\/npm-all\/:_authToken=\$\{NPM_TOKEN\}`/],
      [berryLog, /`npmRegistries: \{ "\/\/npm\.corp\.example\.com": \{ npmAuthToken: "\$\{NPM_TOKEN\}" \} \}` in \.yarnrc\.yml/],
    ] as const) {
      const result = classifyLog(log);
      assert.equal(result.category, 'registry-auth');
      assert.match(result.fix, key);
      const classifier = createLogClassifier();
      for (const line of log.split('\n')) classifier.push(line);
      assert.equal(classifier.finish().fix, result.fix);
    }
  });

  it('without any registry in the log it does not claim registry.npmjs.org, and says how to find the registry', () => {
    const result = classifyLog(['npm ERR! code E401', 'npm ERR! Incorrect or missing password.'].join('\n'));
    assert.equal(result.category, 'registry-auth');
    assert.doesNotMatch(result.fix, /registry\.npmjs\.org/);
    assert.match(result.fix, /`npm config get registry`/);
    assert.match(result.fix, /package-lock\.json/);
  });

  it("a GitHub Packages tarball URL (/download/@scope/name/<version>/<sha>) keys the token at the registry root, not at the tarball's path", () => {
    const result = classifyLog(
      [
        'npm ERR! code E401',
        'npm ERR! 401 Unauthorized - GET https://npm.pkg.github.com/download/@acme/widgets/0.2.1/ecdb3353590590a95d3cafa98a1e11c36ee877089a669129f43a6de45599c0fa',
      ].join('\n'),
    );
    assert.equal(result.category, 'registry-auth');
    assert.match(result.fix, /refused the request for @acme\/widgets@0\.2\.1 /);
    assert.match(result.fix, /`\/\/npm\.pkg\.github\.com\/:_authToken=\$\{NPM_TOKEN\}`/);
    assert.match(result.fix, /`@acme:registry=https:\/\/npm\.pkg\.github\.com\/`/);
  });

  it("npm 6's scoped 401 names the package and maps its scope", () => {
    const result = classifyLog(['npm ERR! code E401', 'npm ERR! 401 Unauthorized: @sentry/utils@4.4.0'].join('\n'));
    assert.equal(result.category, 'registry-auth');
    assert.match(result.fix, /refused the request for @sentry\/utils@4\.4\.0/);
    assert.match(result.fix, /`@sentry:registry=https:\/\/<registry host>\/`/);
  });
});

describe('other npm-family fix texts', () => {
  it("a package name with the line's colon stuck to it is cleaned, and the other cause's fix is pnpm's too", () => {
    const result = classifyLog(' ERR_PNPM_FETCH_404  GET https://registry.example.com/@acme%2Fwidgets: Not Found - 404');
    assert.equal(result.ecosystem, 'npm');
    assert.match(result.fix, /@acme\/widgets(?!:)/);
    assert.doesNotMatch(result.fix, /@acme\/widgets:/);
    assert.ok(result.otherFix, 'a bare 404 names the other cause');
    assert.match(result.otherFix ?? '', /pnpm retries/);
  });

  it('npm behind TLS inspection gets the CA, and strict-ssl=false only as something not to do', () => {
    const result = classifyLog(
      [
        'npm ERR! code SELF_SIGNED_CERT_IN_CHAIN',
        'npm ERR! request to https://registry.npmjs.org/left-pad failed, reason: self signed certificate in certificate chain',
      ].join('\n'),
    );
    assert.equal(result.category, 'tls-interception');
    assert.match(result.fix, /NODE_EXTRA_CA_CERTS/);
    assert.match(result.fix, /Do not turn off certificate checks \(strict-ssl=false/);
  });

  it("pnpm's outdated lockfile is pnpm's frozen install and pnpm-lock.yaml", () => {
    const result = classifyLog(
      ' ERR_PNPM_OUTDATED_LOCKFILE  Cannot install with "frozen-lockfile" because pnpm-lock.yaml is not up to date with <ROOT>/package.json',
    );
    assert.equal(result.category, 'missing-go-sum');
    assert.match(result.fix, /pnpm-lock\.yaml does not match package\.json/);
    assert.match(result.fix, /`pnpm install --frozen-lockfile`/);
    assert.doesNotMatch(result.fix, /npm ci|package-lock/);
  });
});

describe('proxy and checksum-DB URLs in fix texts', () => {
  it('spell upper-case module paths the way the proxy protocol does (!lower)', () => {
    const result = classifyLog(
      'go: github.com/Azure/go-autorest@v99.0.0: reading https://proxy.golang.org/github.com/!azure/go-autorest/@v/v99.0.0.info: 404 Not Found\n\tserver response: not found: github.com/Azure/go-autorest@v99.0.0: invalid version: unknown revision v99.0.0',
    );
    assert.equal(result.category, 'version-not-found');
    assert.match(result.fix, /`curl https:\/\/proxy\.golang\.org\/github\.com\/!azure\/go-autorest\/@v\/list`/);
    assert.match(result.fix, /`go list -m -versions github\.com\/Azure\/go-autorest`/);
  });
});

describe('a version go could not find says where go looked', () => {
  it('`unknown revision` from the repository itself (GOPROXY=direct) points at the public proxy, which keeps deleted tags', () => {
    const result = classifyLog(
      [
        'go build -mod=mod ./cmd/agent',
        'go: example.org/net/wire@v0.0.0-20200205215550-e35592f146e4 requires',
        '\texample.org/net/core@v0.0.20200121: reading example.org/net/core/go.mod at revision v0.0.20200121: unknown revision v0.0.20200121',
      ].join('\n'),
    );
    assert.equal(result.category, 'version-not-found');
    assert.match(result.fix, /go asked the repository itself/);
    assert.match(result.fix, /GOPROXY=https:\/\/proxy\.golang\.org,direct/);
  });

  it("the same words in a proxy's answer are not told to try the proxy", () => {
    const result = classifyLog(
      [
        'go: example.org/net/core@v1.4.0: reading https://proxy.golang.org/example.org/net/core/@v/v1.4.0.mod: 404 Not Found',
        '\tserver response: not found: example.org/net/core@v1.4.0: invalid version: unknown revision v1.4.0',
      ].join('\n'),
    );
    assert.equal(result.category, 'version-not-found');
    assert.doesNotMatch(result.fix, /asked the repository itself/);
  });
});

describe('go install refusing a go.mod names both directives it refuses', () => {
  it('exclude directives get the same advice as replace directives', () => {
    const result = classifyLog(
      [
        '$ go install example.org/tools/cmd/gen@v4.0.1',
        'go: example.org/tools/cmd/gen@v4.0.1 (in example.org/tools@v4.0.1):',
        '\tThe go.mod file for the module providing named packages contains one or',
        '\tmore exclude directives. It must not contain directives that would cause',
        '\tit to be interpreted differently than if it were the main module.',
      ].join('\n'),
    );
    assert.equal(result.category, 'replace-directive');
    assert.match(result.fix, /replace or exclude directives/);
    assert.doesNotMatch(result.fix, /has no replace\b/);
  });
});
