import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mergeStageCheck } from '../../../src/engine/graph-stage.ts';
import { renderTerminalReport, verdictLine } from '../../../src/render/terminal-report.ts';
import type { CheckResult, DiagnosisReport } from '../../../src/report/model.ts';
import { renderReportBlocks } from '../../../src/slack/blocks/report-blocks.ts';

const firstPass: CheckResult[] = [
  {
    id: 'modules',
    title: 'module versions exist on the proxy chain',
    status: 'fail',
    durationMs: 10,
    findings: [
      {
        category: 'version-not-found',
        severity: 'error',
        key: 'version-not-found:example.com/a@v1.0.0',
        module: 'example.com/a',
        version: 'v1.0.0',
        message: 'first-pass text',
        fix: 'pin v0.9.0',
      },
    ],
  },
];

describe('graph stage merge and rendering', () => {
  it('a graph finding with a first-pass key updates that finding (chain added) instead of adding a second', () => {
    const stage: CheckResult = {
      id: 'graph',
      title: 'module graph loads as go loads it',
      status: 'fail',
      durationMs: 5,
      findings: [
        {
          category: 'version-not-found',
          severity: 'error',
          key: 'version-not-found:example.com/a@v1.0.0',
          module: 'example.com/a',
          version: 'v1.0.0',
          message: 'graph text',
          chain: ['example.com/app', 'example.com/a@v1.0.0'],
        },
        {
          category: 'module-path-mismatch',
          severity: 'error',
          key: 'module-path-mismatch:example.com/d@v1.0.0',
          module: 'example.com/d',
          version: 'v1.0.0',
          message: 'deep',
          chain: ['example.com/app', 'example.com/b@v1.0.0', 'example.com/d@v1.0.0'],
        },
      ],
    };
    const merged = mergeStageCheck(firstPass, stage);
    assert.equal(merged.length, 2);
    assert.deepEqual(
      merged[0]?.findings.map((f) => [f.message, f.fix, f.chain?.length]),
      [['first-pass text', 'pin v0.9.0', 2]],
    );
    assert.deepEqual(
      merged[1]?.findings.map((f) => f.key),
      ['module-path-mismatch:example.com/d@v1.0.0'],
    );
    assert.equal(merged[1]?.status, 'fail');
  });

  it("renderers show the stage and a deep finding's chain", () => {
    const report: DiagnosisReport = {
      target: '/repo',
      host: 'agent-01',
      startedAt: new Date(0).toISOString(),
      durationMs: 420,
      ok: false,
      stage: 'graph',
      checks: [],
      facts: {},
      findings: [
        {
          category: 'module-path-mismatch',
          severity: 'error',
          module: 'example.com/d',
          version: 'v1.0.0',
          message: 'deep *bold*',
          chain: ['example.com/app', 'example.com/b@v1.0.0', 'example.com/d@v1.0.0'],
        },
      ],
    };
    assert.equal(verdictLine(report), 'module graph (420 ms): ✗ root cause: module-path-mismatch — example.com/d v1.0.0');
    assert.equal(verdictLine({ ...report, stage: 'first-pass', findings: [], ok: true }), 'first pass (420 ms): ✓ no blocking problem');
    const text = renderTerminalReport(report);
    assert.match(text, /module graph checked/);
    assert.match(text, /via example\.com\/app → example\.com\/b@v1\.0\.0 → example\.com\/d@v1\.0\.0/);
    const blocks = JSON.stringify(renderReportBlocks(report).blocks);
    assert.match(blocks, /_via example\.com\/app → example\.com\/b@v1\.0\.0 → example\.com\/d@v1\.0\.0_/);
  });
});
