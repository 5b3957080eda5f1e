/**
 * The FIX text a reader acts on, for realistic log lines through the public classifier: the right ecosystem
 * (yarn and pnpm logs never get GOPROXY advice), the registry and package the log names, GOPROXY fallbacks
 * that work for the failure at hand (`|`, not `,`), and go's own wording where it printed a command. The
 * excerpts are written here in the tools' formats, not copied from the corpus.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyLog } from '../../../src/classify/classify-log.ts';

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
