/** Block Kit renderers: every ChatMessage kind renders within Slack's limits, long output goes to a file. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChatMessage } from '../../../src/chat/chat-surface.ts';
import type { Config } from '../../../src/config/load-config.ts';
import type { JobOutcome } from '../../../src/jobs/job-types.ts';
import type { DiagnosisReport, Finding } from '../../../src/report/model.ts';
import { clip, codeBlock, escapeMrkdwn, fitBlocks, LIMITS, section, type KnownBlock } from '../../../src/slack/blocks/block-kit.ts';
import { decodeButtonValue, encodeButtonValue } from '../../../src/slack/blocks/button-value.ts';
import { renderSlackMessage } from '../../../src/slack/blocks/render-slack-message.ts';
import type { SlackMessage } from '../../../src/slack/blocks/slack-message.ts';

const config = {
  agents: { 'agent-03': {} },
  repos: { payments: { url: '/src/payments', job: 'payments/main' } },
  jobs: { 'payments/main': { goproxyParam: 'GOPROXY' } },
} as unknown as Pick<Config, 'agents' | 'repos' | 'jobs'>;
const ctx = { config };

/** Walks a message and checks every limit the renderers promise. */
function assertWithinLimits(m: SlackMessage): void {
  assert.ok(m.blocks.length <= LIMITS.blocksPerMessage, `${m.blocks.length} blocks`);
  assert.ok(m.text.length > 0 && m.text.length <= LIMITS.fallbackText);
  for (const b of m.blocks as Array<Record<string, any>>) {
    if (b.type === 'section') assert.ok(b.text.text.length >= 1 && b.text.text.length <= LIMITS.sectionText, `section of ${b.text.text.length}`);
    if (b.type === 'header') assert.ok(b.text.text.length <= LIMITS.headerText);
    if (b.type === 'context') {
      assert.ok(b.elements.length >= 1 && b.elements.length <= LIMITS.contextElements);
      for (const e of b.elements) assert.ok(e.text.length <= LIMITS.contextText);
    }
    if (b.type === 'actions') {
      assert.ok(b.elements.length <= LIMITS.actionsElements);
      const ids = new Set<string>();
      for (const e of b.elements) {
        assert.ok(e.text.text.length <= LIMITS.buttonText, `button text ${e.text.text.length}`);
        assert.ok(e.value.length <= LIMITS.buttonValue);
        assert.ok(!ids.has(e.action_id), 'action ids unique');
        ids.add(e.action_id);
        if (e.confirm) {
          assert.ok(e.confirm.title.text.length <= LIMITS.confirmTitle);
          assert.ok(e.confirm.text.text.length <= LIMITS.confirmText);
          assert.ok(e.confirm.confirm.text.length <= LIMITS.confirmButton && e.confirm.deny.text.length <= LIMITS.confirmButton);
        }
      }
    }
  }
}

function finding(i: number, severity: Finding['severity'], category: Finding['category'] = 'version-not-found'): Finding {
  return {
    category,
    severity,
    message: `module ${i} <b>&</b> `.repeat(40),
    module: `example.com/m${i}`,
    version: 'v1.0.0',
    evidence: Array.from({ length: 30 }, (_, l) => `line ${l} \`\`\` 404`).join('\n'),
    fix: 'pin it '.repeat(100),
  };
}

function report(findings: Finding[], checks = 5): DiagnosisReport {
  return {
    target: 'payments',
    host: 'agent-03',
    startedAt: new Date().toISOString(),
    durationMs: 612,
    ok: !findings.some((f) => f.severity === 'error'),
    findings,
    checks: Array.from({ length: checks }, (_, i) => ({
      id: `c${i}`,
      title: `check ${i} `.repeat(20),
      status: i % 3 === 0 ? 'fail' : 'pass',
      durationMs: 38,
      detail: 'x'.repeat(200),
      findings: [],
    })),
    facts: { module: 'example.com/payments', requirements: 212, goproxy: 'https://proxy.golang.org,direct' },
  };
}

function outcome(result: unknown, name = 'diagnose'): JobOutcome {
  return {
    ok: true,
    jobId: `${name}-abcdefabcdef`,
    name,
    durationMs: 700,
    attempts: 1,
    steps: [],
    finishedAt: new Date().toISOString(),
    host: 'agent-03',
    result,
  };
}

describe('Block Kit helpers', () => {
  it('escapes mrkdwn control characters and clips with a visible note', () => {
    assert.equal(escapeMrkdwn('<@U1> & <!channel>'), '&lt;@U1&gt; &amp; &lt;!channel&gt;');
    const clipped = clip('x'.repeat(5000), 100);
    assert.equal(clipped.length, 100);
    assert.match(clipped, /… \(truncated\)$/);
    assert.equal(clip('😀'.repeat(60), 101).includes('\uFFFD'), false);
  });

  it('keeps code fences intact when clipping and neutralises fences inside', () => {
    const block = codeBlock('a```b\n'.repeat(2000), 500);
    assert.ok(block.length <= 500);
    assert.ok(block.startsWith('```\n') && block.endsWith('\n```'));
    assert.equal(block.slice(4, -4).includes('```'), false);
  });

  it('fits 80 blocks into 50, keeping the trailing buttons and saying what was left out', () => {
    const blocks: KnownBlock[] = Array.from({ length: 80 }, (_, i) => section(`b${i}`));
    blocks.push({ type: 'actions', elements: [] });
    const fitted = fitBlocks(blocks);
    assert.equal(fitted.blocks.length, 50);
    assert.equal(fitted.blocks.at(-1)?.type, 'actions');
    assert.match(JSON.stringify(fitted.blocks.at(-2)), /32 more blocks not shown/);
  });

  it('round-trips button values and rejects foreign ones', () => {
    const v = encodeButtonValue({ k: 'remedy', c: 'restart agent-03', g: 'direct' });
    assert.deepEqual(decodeButtonValue(v), { v: 1, k: 'remedy', c: 'restart agent-03', g: 'direct' });
    assert.equal(decodeButtonValue('{"v":2}'), undefined);
    assert.equal(decodeButtonValue('not json'), undefined);
    assert.throws(() => encodeButtonValue({ k: 'remedy', c: 'x'.repeat(2100) }), RangeError);
  });
});

describe('renderSlackMessage', () => {
  it('puts the root cause first with its evidence and fix, then the checks', () => {
    const r = report([
      {
        category: 'version-not-found',
        severity: 'error',
        message: 'example.com/ledger v1.9.9 does not exist',
        module: 'example.com/ledger',
        version: 'v1.9.9',
        evidence: 'proxy.golang.org: 404',
        fix: 'Pin v1.9.8',
        location: 'go.mod:14',
      },
    ]);
    const m = renderSlackMessage(
      { kind: 'result', command: { kind: 'diagnose', repo: 'payments' }, outcome: outcome({ report: r }), requestedBy: 'U012ABCDEF' },
      ctx,
    );
    assertWithinLimits(m);
    assert.equal(m.blocks[0]?.type, 'header');
    assert.match(JSON.stringify(m.blocks[0]), /Root cause: version-not-found — example.com\/ledger v1.9.9/);
    assert.match(JSON.stringify(m.blocks[1]), /Evidence.*proxy.golang.org: 404.*Fix:\* Pin v1.9.8/s);
    assert.match(JSON.stringify(m.blocks), /Checks from agent-03/);
    assert.match(JSON.stringify(m.blocks), /Roll back payments\/main/);
    assert.equal(m.file, undefined);
  });

  it('cuts a huge report to Slack limits and attaches the full text', () => {
    const findings = [
      ...Array.from({ length: 120 }, (_, i) => finding(i, 'error', i === 0 ? 'checksum-mismatch' : 'proxy-unreachable')),
      ...Array.from({ length: 60 }, (_, i) => finding(i, 'warning')),
    ];
    const m = renderSlackMessage({ kind: 'result', command: { kind: 'diagnose', repo: 'payments' }, outcome: outcome({ report: report(findings, 400) }) }, ctx);
    assertWithinLimits(m);
    assert.ok(m.file, 'the full report is attached');
    assert.match(m.file.content, /module 119/);
    assert.doesNotMatch(JSON.stringify(m.blocks), /<b>/, 'user text is escaped');
    assert.match(JSON.stringify(m.blocks), /more failing findings in the attached report/);
  });

  it('renders every message kind within the limits', () => {
    const long = 'y'.repeat(10_000);
    const messages: ChatMessage[] = [
      { kind: 'text', text: long, tone: 'error' },
      { kind: 'text', text: `first\n${long}` },
      { kind: 'help', text: `usage\n${long}` },
      {
        kind: 'status',
        title: long,
        state: 'running',
        lines: Array.from({ length: 500 }, (_, i) => ({ step: 's', message: `step ${i} ${'z'.repeat(50)}`, status: 'pass', atMs: i })),
        jobId: 'diagnose-abcdefabcdef',
        host: 'agent-03',
        requestedBy: 'U012ABCDEF',
      },
      { kind: 'confirm', command: { kind: 'restart', agent: 'agent-03', force: false }, prompt: long, actionLabel: long, requestedBy: 'U012ABCDEF' },
      {
        kind: 'envdiff',
        diff: {
          hosts: ['a', 'b'],
          rows: Array.from({ length: 300 }, (_, i) => ({ key: `K${i}`, values: { a: long.slice(0, 100), b: 'x' }, differs: true })),
          failed: { c: 'down' },
        },
      },
      {
        kind: 'cluster-status',
        status: {
          mode: 'bullmq',
          redis: { url: 'redis://x', prefix: '{b}' },
          workers: Array.from({ length: 200 }, (_, i) => ({
            id: `w${i}`,
            host: `agent-${i}`,
            version: '0.1.0',
            pid: i,
            hostname: 'h',
            startedAt: '',
            lastSeen: new Date().toISOString(),
            concurrency: 2,
            queues: [],
            running: [],
            state: 'running' as const,
          })),
          queues: [],
        },
      },
      {
        kind: 'explanation',
        classification: {
          category: 'version-not-found',
          confidence: 0.9,
          evidence: [long],
          evidenceLines: [3],
          fix: long,
          ecosystem: 'go',
          secondary: [],
        } as never,
        source: 'build.log',
      },
      {
        kind: 'result',
        command: { kind: 'restart', agent: 'agent-03', force: false },
        outcome: outcome({ agent: 'agent-03', command: 'systemctl restart jenkins-agent', exitCode: 0, durationMs: 1200, outputTail: long }, 'restart-agent'),
      },
      {
        kind: 'result',
        command: { kind: 'probe' },
        outcome: outcome({ ok: false, goproxy: 'https://proxy.golang.org,direct', gosumdb: 'sum.golang.org', checks: report([], 300).checks }, 'probe'),
      },
      {
        kind: 'result',
        command: { kind: 'diagnose', repo: 'payments' },
        outcome: {
          ok: false,
          jobId: 'diagnose-x',
          name: 'diagnose',
          durationMs: 1,
          attempts: 3,
          steps: [],
          finishedAt: '',
          error: { code: 'BF_TIMEOUT', message: long, details: { stderrTail: long } },
        },
      },
    ];
    for (const message of messages) assertWithinLimits(renderSlackMessage(message, ctx));
  });

  it('a confirmation carries run and cancel buttons whose value re-parses to the command', () => {
    const m = renderSlackMessage(
      {
        kind: 'confirm',
        command: { kind: 'restart', agent: 'agent-03', force: true },
        prompt: 'Restart agent-03?',
        actionLabel: 'Restart agent-03',
        requestedBy: 'U012ABCDEF',
      },
      ctx,
    );
    const actions = m.blocks.find((b) => b.type === 'actions') as { elements: Array<{ action_id: string; value: string }> };
    assert.deepEqual(
      actions.elements.map((e) => e.action_id),
      ['bf-run', 'bf-cancel'],
    );
    assert.equal(decodeButtonValue(actions.elements[0]?.value)?.c, 'restart agent-03 --force');
    assert.match(JSON.stringify(m.blocks), /only people in `permissions.restart` can confirm/);
  });
});
