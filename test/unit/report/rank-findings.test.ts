import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CATEGORIES, CHECK_CATEGORIES, type Finding } from '../../../src/report/model.ts';
import { CATEGORY_PRIORITY, rankFindings } from '../../../src/report/rank-findings.ts';

const f = (category: Finding['category'], severity: Finding['severity']): Finding => ({ category, severity, message: category });

describe('rankFindings', () => {
  it('puts errors first and environment causes before their symptoms', () => {
    const ranked = rankFindings([
      f('sumdb-disabled', 'warning'),
      f('version-not-found', 'error'),
      f('missing-go-sum', 'error'),
      f('disk-full', 'error'),
      f('corporate-proxy', 'error'),
    ]);
    assert.deepEqual(
      ranked.map((x) => x.category),
      ['disk-full', 'corporate-proxy', 'version-not-found', 'missing-go-sum', 'sumdb-disabled'],
    );
  });
  it('keeps input order within a category', () => {
    const a = { ...f('version-not-found', 'error'), module: 'a' };
    const b = { ...f('version-not-found', 'error'), module: 'b' };
    assert.deepEqual(
      rankFindings([a, b]).map((x) => x.module),
      ['a', 'b'],
    );
  });
});

describe('CATEGORY_PRIORITY', () => {
  it('ranks every category exactly once', () => {
    const all = [...CATEGORIES, ...CHECK_CATEGORIES];
    for (const category of all) assert.equal(CATEGORY_PRIORITY.filter((c) => c === category).length, 1, category);
    assert.equal(CATEGORY_PRIORITY.length, all.length);
  });
});
