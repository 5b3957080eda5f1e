import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { ParseError } from '../../../src/errors.ts';
import { goSumHas, parseGoSum, readGoSumAsGo } from '../../../src/gomod/parse-go-sum.ts';

/** A well-formed h1: hash (SHA-256, base64) derived from a seed. */
function h1(seed: string): string {
  return `h1:${createHash('sha256').update(seed).digest('base64')}`;
}

function thrown(fn: () => unknown): ParseError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ParseError, `expected ParseError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a ParseError');
}

describe('parseGoSum', () => {
  it('reads zip and /go.mod lines with their line numbers', () => {
    const text = [
      `github.com/google/uuid v1.6.0 ${h1('uuid-zip')}`,
      `github.com/google/uuid v1.6.0/go.mod ${h1('uuid-mod')}`,
      '',
      `golang.org/x/text v0.14.0/go.mod ${h1('text-mod')}`,
      '',
    ].join('\n');
    const sum = parseGoSum(text);
    assert.equal(sum.file, 'go.sum');
    assert.deepEqual(sum.entries, [
      { path: 'github.com/google/uuid', version: 'v1.6.0', goMod: false, hash: h1('uuid-zip'), line: 1 },
      { path: 'github.com/google/uuid', version: 'v1.6.0', goMod: true, hash: h1('uuid-mod'), line: 2 },
      { path: 'golang.org/x/text', version: 'v0.14.0', goMod: true, hash: h1('text-mod'), line: 4 },
    ]);
  });

  it('accepts CRLF, extra spacing, pseudo-versions and +incompatible', () => {
    const text = [`example.com/a  v0.0.0-20230101000000-abcdefabcdef\t${h1('a')}\r`, `  example.com/b v2.0.0+incompatible/go.mod ${h1('b')}  \r`].join('\n');
    const sum = parseGoSum(text, 'svc/go.sum');
    assert.equal(sum.file, 'svc/go.sum');
    assert.equal(sum.entries.length, 2);
    assert.equal(sum.entries[0]?.version, 'v0.0.0-20230101000000-abcdefabcdef');
    assert.equal(sum.entries[1]?.version, 'v2.0.0+incompatible');
    assert.equal(sum.entries[1]?.goMod, true);
  });

  it('returns no entries for an empty file', () => {
    assert.deepEqual(parseGoSum('').entries, []);
    assert.deepEqual(parseGoSum('\n\n  \n').entries, []);
  });

  it('drops the empty-go.mod hash old go commands wrote by mistake, as cmd/go does', () => {
    const sum = parseGoSum(`example.com/old v1.0.0/go.mod h1:G7mAYYxgmS0lVkHyy2hEOLQCFB0DlQFTMLWggykrydY=\n`);
    assert.deepEqual(sum.entries, []);
  });

  it('rejects a line with the wrong number of fields, naming file:line', () => {
    const err = thrown(() => parseGoSum(`example.com/a v1.0.0 ${h1('a')}\nexample.com/b v1.0.0\n`));
    assert.equal(err.line, 2);
    assert.match(err.message, /^go\.sum:2: /);
    assert.match(err.message, /got 2 fields/);
    assert.match(thrown(() => parseGoSum(`x v1.0.0 ${h1('x')} extra`)).message, /^go\.sum:1: .*got 4 fields/);
  });

  it('rejects an invalid version', () => {
    const err = thrown(() => parseGoSum(`\nexample.com/a latest ${h1('a')}`, 'deps/go.sum'));
    assert.match(err.message, /^deps\/go\.sum:2: .*invalid version "latest"/);
    assert.match(thrown(() => parseGoSum(`example.com/a v1.0/go.mod ${h1('a')}`)).message, /go\.sum:1: .*invalid version "v1\.0\/go\.mod"/);
  });

  it('rejects a hash that is not h1:<base64 SHA-256>', () => {
    assert.match(thrown(() => parseGoSum('example.com/a v1.0.0 h1:short=')).message, /go\.sum:1: .*hash "h1:short="/);
    assert.match(thrown(() => parseGoSum(`example.com/a v1.0.0 ${h1('a').replace('h1:', 'h2:')}`)).message, /go\.sum:1: .*is not h1:/);
  });
});

describe('goSumHas', () => {
  const sum = parseGoSum(
    [`github.com/google/uuid v1.6.0 ${h1('1')}`, `github.com/google/uuid v1.6.0/go.mod ${h1('2')}`, `golang.org/x/text v0.14.0/go.mod ${h1('3')}`].join('\n'),
  );

  it('distinguishes the zip hash from the go.mod hash', () => {
    assert.equal(goSumHas(sum, 'github.com/google/uuid', 'v1.6.0', 'zip'), true);
    assert.equal(goSumHas(sum, 'github.com/google/uuid', 'v1.6.0', 'mod'), true);
    assert.equal(goSumHas(sum, 'golang.org/x/text', 'v0.14.0', 'mod'), true);
    assert.equal(goSumHas(sum, 'golang.org/x/text', 'v0.14.0', 'zip'), false);
  });

  it('misses other versions and paths', () => {
    assert.equal(goSumHas(sum, 'github.com/google/uuid', 'v1.5.0', 'zip'), false);
    assert.equal(goSumHas(sum, 'github.com/google/uuidx', 'v1.6.0', 'zip'), false);
    assert.equal(goSumHas(sum, 'github.com/google', 'uuid v1.6.0', 'zip'), false);
  });

  it('sees entries appended after the first lookup', () => {
    const grown = parseGoSum(`example.com/a v1.0.0 ${h1('a')}`);
    assert.equal(goSumHas(grown, 'example.com/b', 'v1.0.0', 'zip'), false);
    grown.entries.push({ path: 'example.com/b', version: 'v1.0.0', goMod: false, hash: h1('b'), line: 2 });
    assert.equal(goSumHas(grown, 'example.com/b', 'v1.0.0', 'zip'), true);
  });

  it('answers thousands of lookups against a large go.sum quickly (indexed, not a scan per lookup)', () => {
    const n = 20_000;
    const lines: string[] = [];
    for (let i = 0; i < n; i++) {
      lines.push(`example.com/mod${i} v1.${i}.0 ${h1(`z${i}`)}`, `example.com/mod${i} v1.${i}.0/go.mod ${h1(`m${i}`)}`);
    }
    const big = parseGoSum(lines.join('\n'));
    assert.equal(big.entries.length, 2 * n);
    const started = performance.now();
    let found = 0;
    for (let i = 0; i < n; i++) {
      if (goSumHas(big, `example.com/mod${i}`, `v1.${i}.0`, 'mod')) found++;
      if (goSumHas(big, `example.com/mod${i}`, `v1.${i}.1`, 'zip')) found++;
    }
    const elapsed = performance.now() - started;
    assert.equal(found, n);
    // A linear scan per lookup would be ~1.6e9 comparisons (many seconds); the index takes milliseconds.
    assert.ok(elapsed < 1500, `40k lookups took ${elapsed.toFixed(0)} ms`);
  });
});

describe('readGoSumAsGo (go.sum as go 1.19 reads it)', () => {
  it('stops at the first line with the wrong number of fields, as readGoSum does (initGoSum ignores the error)', () => {
    const read = readGoSumAsGo(`example.com/a v1.0.0 ${h1('a')}\nexample.com/b v1.0.0\nexample.com/c v1.0.0 ${h1('c')}\n`);
    assert.deepEqual(read.malformed, { line: 2, fields: 2 });
    assert.deepEqual(
      read.goSum.entries.map((e) => e.path),
      ['example.com/a'],
    );
  });
  it('keeps any hash and version text (go compares them as text)', () => {
    const read = readGoSumAsGo('example.com/a v1.0.0/go.mod h1:not-a-hash\n');
    assert.equal(read.malformed, undefined);
    assert.deepEqual(read.goSum.entries, [{ path: 'example.com/a', version: 'v1.0.0', goMod: true, hash: 'h1:not-a-hash', line: 1 }]);
  });
});
