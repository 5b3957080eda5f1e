import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sumVerdict, type SumWitnesses } from '../../../src/deep/sum-verdict.ts';
import { supersede } from '../../../src/engine/deep-stage.ts';
import { checkFilePath } from '../../../src/goproxy/escape-path.ts';

const served = { hash: 'h1:P', source: 'https://proxy.corp', url: 'https://proxy.corp/m/@v/v1.0.0.zip' };
const w = (patch: Partial<SumWitnesses>): SumWitnesses => ({
  module: 'example.com/m',
  version: 'v1.0.0',
  kind: 'zip',
  served,
  sumDb: { hash: 'h1:P', db: 'sum.golang.org', url: 'u' },
  ...patch,
});

describe('sumVerdict: which side changed', () => {
  it('go.sum matches the download: go accepts it, no finding', () => {
    assert.equal(sumVerdict(w({ goSum: { hash: 'h1:P', line: 3 } })), undefined);
  });
  it('DB agrees with the proxy, go.sum differs: go.sum is stale (fix go.sum)', () => {
    const f = sumVerdict(w({ goSum: { hash: 'h1:G', line: 3 } }))!;
    assert.equal(f.key, 'checksum-mismatch:example.com/m@v1.0.0');
    assert.equal(f.location, 'go.sum:3');
    assert.match(f.message, /go\.sum is stale/);
    assert.match(f.fix!, /delete the "example\.com\/m v1\.0\.0" line \(go\.sum:3\)/);
  });
  it('DB agrees with go.sum, the proxy differs: do not edit go.sum', () => {
    const f = sumVerdict(w({ goSum: { hash: 'h1:G', line: 3 }, sumDb: { hash: 'h1:G', db: 'sum.golang.org', url: 'u' } }))!;
    assert.match(f.message, /https:\/\/proxy\.corp serves a module zip .* differs from the checksum DB/);
    assert.match(f.fix!, /Do not edit go\.sum/);
  });
  it('no DB answer: says it cannot tell which side changed', () => {
    const f = sumVerdict(w({ goSum: { hash: 'h1:G', line: 3 }, sumDb: { notConsulted: 'GOSUMDB=off' } }))!;
    assert.match(f.message, /could not say which side changed/);
  });
  it('no go.sum line: go asks the DB; mismatch is the proxy, match is fine', () => {
    assert.equal(sumVerdict(w({})), undefined);
    assert.match(sumVerdict(w({ sumDb: { hash: 'h1:D', db: 'd', url: 'u' } }))!.message, /differs from the checksum DB \(go\.sum has no line/);
    assert.equal(sumVerdict(w({ sumDb: { notConsulted: 'GONOSUMDB' } })), undefined);
  });
  it('/go.mod hashes get their own key', () => {
    assert.equal(sumVerdict(w({ kind: 'mod', goSum: { hash: 'h1:G', line: 4 } }))!.key, 'checksum-mismatch:example.com/m@v1.0.0/go.mod');
  });
});

describe('supersede', () => {
  it('a later finding replaces the earlier one with its key, and keyless checksum findings of the same version', () => {
    const earlier = [
      { category: 'checksum-mismatch' as const, severity: 'error' as const, message: 'log says', module: 'm', version: 'v1' },
      { category: 'version-not-found' as const, severity: 'error' as const, message: 'x', key: 'version-not-found:a@v1' },
      { category: 'checksum-mismatch' as const, severity: 'error' as const, message: 'graph', key: 'checksum-mismatch:m@v1/go.mod' },
    ];
    const later = [
      {
        category: 'checksum-mismatch' as const,
        severity: 'error' as const,
        message: 'graph again',
        key: 'checksum-mismatch:m@v1/go.mod',
        module: 'm',
        version: 'v1',
      },
      { category: 'checksum-mismatch' as const, severity: 'error' as const, message: 'deep', key: 'checksum-mismatch:m@v1/go.mod', module: 'm', version: 'v1' },
    ];
    assert.deepEqual(
      supersede(earlier, later).map((f) => f.message),
      ['x', 'deep'],
    );
  });
});

describe('checkFilePath (module.CheckFilePath)', () => {
  it('uses go words for the rules', () => {
    assert.equal(checkFilePath('a/b.go'), undefined);
    assert.equal(checkFilePath('a:b.go'), 'malformed file path "a:b.go": invalid char \':\'');
    assert.equal(checkFilePath('x/CON.txt'), 'malformed file path "x/CON.txt": "CON" disallowed as path element component on Windows');
    assert.equal(checkFilePath('a/./b'), 'malformed file path "a/./b": invalid path element "."');
    assert.equal(checkFilePath('dir./x'), 'malformed file path "dir./x": trailing dot in path element');
  });
});
