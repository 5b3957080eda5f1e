/**
 * Rules added from development-part misses of round 2026-12-06.7, each for a family of messages
 * shaped by the tools' own formats (go's `server response:` block from web.HTTPError, go's
 * `invalid version: git ls-remote` for a required version, npm/pnpm's HTTP status lines, yarn's
 * request errors). The excerpts are written here, not copied from the corpus.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyLog } from '../../../src/classify/classify-log.ts';

describe("a proxy's answer describing its own failure (response-server-failure)", () => {
  it('a 404 whose server response is the mirror running out of disk is the mirror failing, not a missing version', () => {
    const result = classifyLog(
      [
        '$ go mod download',
        'go: example.com/lib/util@v1.4.2: reading https://goproxy.example.net/example.com/lib/util/@v/v1.4.2.mod: 404 Not Found',
        '\tserver response: not found: example.com/lib/util@v1.4.2: write /data/cache/example.com/lib/util/@v/v1.4.2.tmp: no space left on device',
      ].join('\n'),
    );
    assert.equal(result.category, 'proxy-server-error');
    assert.equal(result.rule, 'response-server-failure');
    assert.equal(result.module, 'example.com/lib/util');
    assert.ok(result.evidenceLines.includes(3), `evidence lines ${result.evidenceLines.join(',')}`);
  });

  it('an internal error reported in the body of a 410 is the proxy failing', () => {
    const result = classifyLog(
      [
        'go: github.com/acme/widgets@v0.3.0: reading https://athens.example.internal/github.com/acme/widgets/@v/v0.3.0.info: 410 Gone',
        '\tserver response: internal error: database is locked',
      ].join('\n'),
    );
    assert.equal(result.category, 'proxy-server-error');
  });

  it('a full disk on the agent itself stays disk-full', () => {
    const result = classifyLog('go: writing go.mod cache: write /root/go/pkg/mod/cache/download/x/@v/v1.0.0.mod: no space left on device');
    assert.equal(result.category, 'disk-full');
  });

  it('a server response that explains a missing version stays version-not-found', () => {
    const result = classifyLog(
      [
        'go: github.com/acme/widgets@v9.9.9: reading https://proxy.golang.org/github.com/acme/widgets/@v/v9.9.9.info: 404 Not Found',
        '\tserver response: not found: github.com/acme/widgets@v9.9.9: invalid version: unknown revision v9.9.9',
      ].join('\n'),
    );
    assert.equal(result.category, 'version-not-found');
  });
});
