/**
 * The whole real-log corpus runs as a test (issue 13): the test part's top-1
 * accuracy must stay at or above the figure docs/accuracy.md records, and
 * every answer must point at real lines of its log.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ACCURACY_DOC, docWithSection, loadParts, recordedFigure, scorePart, sectionMarkdown } from '../../../scripts/accuracy.ts';
import { checkCorpus, splitUnit } from '../../../scripts/check-corpus.ts';
import { readSplit } from '../../../scripts/corpus-split.ts';

describe('classifier accuracy on the real-log corpus', () => {
  const parts = loadParts();
  const test = scorePart('test', parts.test);
  const dev = scorePart('dev', parts.dev);

  it('splits by source thread: every unit on one side, about 30% test', () => {
    const split = readSplit();
    const { entries } = checkCorpus();
    for (const e of entries) assert.ok(split.units[splitUnit(e)] !== undefined, `${e.file} is in the split`);
    const share = parts.test.length / entries.length;
    assert.ok(share > 0.25 && share < 0.35, `test share ${share}`);
    const testUnits = new Set(parts.test.map(splitUnit));
    for (const e of parts.dev) assert.ok(!testUnits.has(splitUnit(e)), `${e.file}: its thread is on both sides`);
  });

  it('keeps the test-part top-1 accuracy at or above what docs/accuracy.md records', () => {
    const recorded = recordedFigure(readFileSync(ACCURACY_DOC, 'utf8'));
    assert.ok(recorded, 'docs/accuracy.md records the classifier figure (npm run accuracy)');
    assert.equal(recorded.total, test.total, 'the recorded figure is for this test part');
    const misses = test.scored.filter((s) => !s.correct).map((s) => `${s.entry.file}: want ${s.entry.category}, got ${s.result.category}`);
    assert.ok(
      test.correct >= recorded.correct,
      `test top-1 ${test.correct}/${test.total} < recorded ${recorded.correct}/${recorded.total}\n${misses.join('\n')}`,
    );
  });

  it('docs/accuracy.md is what npm run accuracy writes now (re-run it after changing rules)', () => {
    const doc = readFileSync(ACCURACY_DOC, 'utf8');
    assert.equal(docWithSection(doc, sectionMarkdown(test, dev)), doc);
  });

  it('points every answer at real lines of its log', () => {
    for (const s of [...test.scored, ...dev.scored]) {
      const lines = s.entry.log.split('\n');
      assert.equal(s.result.evidence.length, s.result.evidenceLines.length, s.entry.file);
      for (const n of s.result.evidenceLines) assert.ok(n >= 1 && n <= lines.length, `${s.entry.file}: line ${n}`);
      assert.ok(s.result.confidence >= 0 && s.result.confidence <= 1, s.entry.file);
    }
  });
});
