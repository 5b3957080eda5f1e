import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyLog } from '../../../src/classify/classify-log.ts';

// Build noise as GitHub Actions would log it: timestamps, go test output, downloads.
const NOISE = [
  'go: downloading github.com/acme/module{i} v1.2.{j}',
  '=== RUN   TestLedgerPosting/case_{i}',
  '--- PASS: TestLedgerPosting/case_{i} (0.00s)',
  'ok  \tgithub.com/acme/api/internal/ledger{i}\t0.{j}s',
  '\x1b[32m[INFO]\x1b[0m compiling package {i} with 12 workers, cache hit ratio 0.{j}',
  'Step {i}/{j} : RUN apt-get update && apt-get install -y ca-certificates git',
  '##[group]Run make test-{i}',
];

function buildLog(lineCount: number, causeAt: number, cause: string): string {
  const lines: string[] = new Array(lineCount);
  for (let i = 0; i < lineCount; i++) {
    const body = i === causeAt ? cause : (NOISE[i % NOISE.length] ?? '').replace('{i}', String(i)).replace('{j}', String(i % 97));
    lines[i] = `2024-05-02T10:11:${String(12 + (i % 40)).padStart(2, '0')}.${String(i).padStart(7, '0')}Z ${body}`;
  }
  // Fallout and symptoms after the cause.
  lines.push('2024-05-02T10:59:00.0000000Z go: github.com/acme/other@v1.0.0: unexpected EOF');
  lines.push('2024-05-02T10:59:00.0000001Z make: *** [deps] Error 1');
  lines.push('2024-05-02T10:59:00.0000002Z ##[error]Process completed with exit code 2.');
  return lines.join('\n');
}

describe('large logs', () => {
  it('classifies a 200k-line log and points at the right original line', () => {
    const cause = 'go: github.com/acme/money@v0.3.1: reading https://proxy.golang.org/github.com/acme/money/@v/v0.3.1.mod: 404 Not Found';
    const text = buildLog(200_000, 150_000, cause);
    const started = performance.now();
    const result = classifyLog(text);
    const ms = performance.now() - started;
    assert.equal(result.category, 'version-not-found');
    assert.equal(result.module, 'github.com/acme/money');
    assert.equal(result.version, 'v0.3.1');
    assert.deepEqual(result.evidenceLines, [150_001]);
    assert.equal(result.evidence[0], cause);
    assert.deepEqual(
      result.secondary.map((s) => [s.category, s.line]),
      [['proxy-unreachable', 200_001]],
    );
    assert.ok(ms < 2000, `took ${ms.toFixed(0)} ms`);
  });

  it('finds a root cause near the start of a ~50 MB log quickly', () => {
    const cause =
      'go: golang.org/x/text@v0.14.0: Get "https://proxy.golang.org/golang.org/x/text/@v/v0.14.0.mod": tls: failed to verify certificate: x509: certificate signed by unknown authority';
    const text = buildLog(700_000, 12, cause);
    assert.ok(text.length > 45_000_000, `${text.length} chars`);
    const started = performance.now();
    const result = classifyLog(text);
    const ms = performance.now() - started;
    assert.equal(result.category, 'tls-interception');
    assert.deepEqual(result.evidenceLines, [13]);
    // Measured ~0.7 s on the dev machine; the bound leaves room for a loaded CI host.
    assert.ok(ms < 4000, `took ${ms.toFixed(0)} ms`);
  });

  it('does not blow up on pathological lines', () => {
    const longLine = 'github.com/acme/'.repeat(400_000); // 6.4 MB, one line, no newline
    // Rules read the first 8 KiB of a line; the cause is at its start, as go prints it.
    const manyAts = `go: x.org/y@v1.0.0: dial tcp 10.0.0.1:443: i/o timeout ${'a.b/c@'.repeat(50_000)}v1`;
    const started = performance.now();
    assert.equal(classifyLog(longLine).category, 'unknown');
    assert.equal(classifyLog(manyAts).category, 'proxy-unreachable');
    assert.equal(classifyLog('\n'.repeat(1_000_000)).category, 'unknown');
    assert.ok(performance.now() - started < 3000);
  });
});
