import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { isProbablyBinary } from '../../../src/classify/is-probably-binary.ts';

const LOG_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/logs');

describe('isProbablyBinary', () => {
  it('says yes to NUL bytes, gzip, random bytes and ELF headers', () => {
    assert.equal(isProbablyBinary(Buffer.from('go: downloading\0 x')), true);
    assert.equal(isProbablyBinary(gzipSync(Buffer.from('go: example.com/x@v1.0.0: 404 Not Found\n'.repeat(200)))), true);
    assert.equal(isProbablyBinary(randomBytes(4096)), true);
    const elfLike = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]), Buffer.alloc(64, 0x01)]);
    assert.equal(isProbablyBinary(elfLike), true);
  });

  it('says no to text logs, including ANSI colours, CRs, tabs and UTF-8', () => {
    assert.equal(isProbablyBinary(Buffer.from('')), false);
    assert.equal(
      isProbablyBinary(Buffer.from('go: example.com/ledger@v1.9.9: reading https://proxy.golang.org/…: 404 Not Found\n\tserver response: ✓ ünïcödé 日本語\n')),
      false,
    );
    for (const file of [
      'npm/proxy-unreachable.enotfound.gitlab.log',
      'go/version-not-found.github-actions.log',
      'go/corporate-proxy.proxyconnect.jenkins.log',
    ]) {
      assert.equal(isProbablyBinary(readFileSync(join(LOG_DIR, file))), false, file);
    }
  });

  it('tolerates a few stray Latin-1 bytes in an otherwise text log', () => {
    const latin1 = Buffer.from('Build lief ohne Fehler durch, Größe: 12 MB\n'.repeat(50), 'latin1');
    assert.equal(isProbablyBinary(latin1), false);
  });

  it('only looks at the first 8 KiB', () => {
    const text = Buffer.from('x'.repeat(8192));
    assert.equal(isProbablyBinary(Buffer.concat([text, Buffer.from([0, 0, 0])])), false);
  });

  it('does not count a UTF-8 sequence cut at the 8 KiB boundary', () => {
    const buf = Buffer.concat([Buffer.from('a'.repeat(8191)), Buffer.from('日')]);
    assert.equal(isProbablyBinary(buf), false);
  });
});
