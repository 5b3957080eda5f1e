/**
 * The go command as the oracle, on a fixed sample of the seeded generator:
 * five variants spread over each family's list (one project each), run through the real
 * `go mod download` and buildfix's engine against the same fakes. Fails on
 * any disagreement that test/oracle/exceptions.ts does not list with go's
 * output and its cause. The full measurement (320 projects) is
 * `npm run accuracy:go`. Left out of the sample for time: the variants whose
 * go run waits on the dropping server through `|` (several seconds) and the
 * 501 MiB zip (its deflate takes seconds); the full run covers them.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ORACLE_EXCEPTIONS, exceptionKey } from '../../oracle/exceptions.ts';
import { FAMILIES, VARIANTS, generateProjects, type OracleProject } from '../../oracle/generate.ts';
import { measureAgreement } from '../../oracle/measure.ts';

const SLOW = /timeout-pipe|oversized/;
const PER_FAMILY = 5;

function sample(): OracleProject[] {
  const out: OracleProject[] = [];
  const projects = generateProjects();
  for (const family of FAMILIES) {
    // Five variants spread over the family's list (so GOPROXY lists get 404, 500, refused, TLS… and not five 404s).
    const variants = Object.keys(VARIANTS[family]).filter((v) => !SLOW.test(v));
    const picked = new Set(
      Array.from(
        { length: Math.min(PER_FAMILY, variants.length) },
        (_, k) => variants[Math.floor((k * variants.length) / Math.min(PER_FAMILY, variants.length))]!,
      ),
    );
    for (const variant of picked) {
      const p = projects.find((x) => x.family === family && x.variant === variant);
      if (p) out.push(p);
    }
  }
  return out;
}

describe('buildfix agrees with go mod download on the oracle sample', () => {
  it('every disagreement is a listed exception', { timeout: 60_000 }, async () => {
    const projects = sample();
    assert.ok(projects.length >= 60 && projects.length <= 80, `sample of ${projects.length}`);
    const results = await measureAgreement(projects, { concurrency: 2 });
    const unlisted = results.filter((r) => !r.verdict.agree && ORACLE_EXCEPTIONS[exceptionKey(r.project)] === undefined);
    const stale = results.filter((r) => r.verdict.agree && ORACLE_EXCEPTIONS[exceptionKey(r.project)] !== undefined);
    if (stale.length > 0) console.log(`agree now, remove from test/oracle/exceptions.ts: ${stale.map((r) => exceptionKey(r.project)).join(', ')}`);
    assert.deepEqual(
      unlisted.map((r) => `${r.project.id}: ${r.verdict.reasons.join('; ')}\n  go (exit ${r.go.exitCode}): ${r.go.output.slice(0, 400)}`),
      [],
    );
    // The sample exercises both outcomes of go.
    assert.ok(results.some((r) => r.verdict.goFailed) && results.some((r) => !r.verdict.goFailed));
  });
});
