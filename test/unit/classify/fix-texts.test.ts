/**
 * The FIX text a reader acts on, for realistic log lines through the public classifier: the right ecosystem
 * (yarn and pnpm logs never get GOPROXY advice), the registry and package the log names, GOPROXY fallbacks
 * that work for the failure at hand (`|`, not `,`), and go's own wording where it printed a command. The
 * excerpts are written here in the tools' formats, not copied from the corpus.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyLog, createLogClassifier } from '../../../src/classify/classify-log.ts';

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
