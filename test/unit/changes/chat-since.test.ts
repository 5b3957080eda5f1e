import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCommand } from '../../../src/chat/parse-command.ts';
import { DiagnosePayloadSchema } from '../../../src/jobs/payload-schemas.ts';
import type { DiagnosisReport } from '../../../src/report/model.ts';
import { originBlocks } from '../../../src/slack/blocks/report-blocks.ts';

describe('diagnose --since / --since-green in chat', () => {
  it('parses the revision or the flag, and refuses both or an option-looking revision', () => {
    assert.deepEqual(parseCommand('diagnose payments --since 9f3c2e1'), { kind: 'diagnose', repo: 'payments', since: '9f3c2e1' });
    assert.deepEqual(parseCommand('diagnose payments --since-green --host agent-03'), {
      kind: 'diagnose',
      repo: 'payments',
      host: 'agent-03',
      sinceGreen: true,
    });
    assert.throws(() => parseCommand('diagnose payments --since 9f3c2e1 --since-green'), /either --since <revision> or --since-green/);
    assert.throws(() => parseCommand('diagnose payments --since=--upload-pack=x'), /needs a value|not a valid revision/);
    assert.throws(() => parseCommand('diagnose payments --since a..b'), /not a valid revision/);
  });
  it('the job payload carries them and validates them again on the worker', () => {
    assert.equal(DiagnosePayloadSchema.safeParse({ repo: 'payments', since: 'main~3' }).success, true);
    assert.equal(DiagnosePayloadSchema.safeParse({ repo: 'payments', since: '-x' }).success, false);
    assert.equal(DiagnosePayloadSchema.safeParse({ repo: 'payments', sinceGreen: true }).success, true);
  });
  it('the Slack report shows the verdict with outside text escaped', () => {
    const report: DiagnosisReport = {
      target: 'payments',
      host: 'agent-03',
      startedAt: '2026-12-05T02:10:00Z',
      durationMs: 1,
      ok: false,
      findings: [],
      checks: [],
      facts: {},
      origin: {
        verdict: 'code',
        summary: 'Code: go.mod:6 example.com/ledger v1.9.8 → v1.9.9 in 1234567 by <@U0ADMIN>, "bump <!channel>"',
        reasons: ['root cause now: version-not-found'],
      },
    };
    const text = JSON.stringify(originBlocks(report));
    assert.match(text, /Agent or code:\*/);
    assert.doesNotMatch(text, /<@U0ADMIN>|<!channel>/);
    assert.match(text, /&lt;@U0ADMIN&gt;/);
  });
});
