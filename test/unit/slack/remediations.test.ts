/** Which remediation buttons a result offers: a pure decision table over findings, config names and the command. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCommand, type Command } from '../../../src/chat/parse-command.ts';
import { alternativeGoproxy, formatCommand, suggestRemediations } from '../../../src/chat/remediations.ts';
import type { Config } from '../../../src/config/load-config.ts';
import type { JobOutcome } from '../../../src/jobs/job-types.ts';
import type { Finding } from '../../../src/report/model.ts';
import { stripMention } from '../../../src/slack/listeners/events/app-mention.ts';

const config = {
  agents: { 'agent-03': {} },
  repos: { payments: { url: '/src/payments', job: 'payments/main' }, ledger: { url: '/src/ledger' } },
  jobs: { 'payments/main': { goproxyParam: 'GOPROXY' } },
} as unknown as Pick<Config, 'agents' | 'repos' | 'jobs'>;

function diagnosed(
  findings: Array<Partial<Finding> & Pick<Finding, 'category'>>,
  host = 'agent-03',
  goproxy = 'https://proxy.corp.example,https://proxy.golang.org,direct',
): JobOutcome {
  return {
    ok: true,
    jobId: 'diagnose-abcdefabcdef',
    name: 'diagnose',
    host,
    durationMs: 1,
    attempts: 1,
    steps: [],
    finishedAt: '',
    result: {
      report: {
        target: 'payments',
        host,
        startedAt: '',
        durationMs: 1,
        ok: false,
        checks: [],
        facts: { goproxy },
        findings: findings.map((f) => ({ severity: 'error', message: 'm', ...f })),
      },
    },
  };
}

const diagnose: Command = { kind: 'diagnose', repo: 'payments' };
const labels = (command: Command, outcome: JobOutcome): string[] =>
  suggestRemediations(command, outcome, config).map((r) => formatCommand(r.command) + (r.goproxy ? ` @${r.goproxy}` : ''));

describe('suggestRemediations', () => {
  it('restart for a broken proxy environment on a configured agent', () => {
    assert.deepEqual(labels(diagnose, diagnosed([{ category: 'corporate-proxy' }])), ['restart agent-03']);
    assert.deepEqual(labels(diagnose, diagnosed([{ category: 'corporate-proxy' }], 'agent-99')), [], 'an agent the config does not know is never offered');
  });

  it('clear the cache and clean rebuild for a checksum mismatch', () => {
    assert.deepEqual(labels(diagnose, diagnosed([{ category: 'checksum-mismatch' }])), ['cache clear agent-03', 'rebuild payments/main --clean']);
  });

  it('retry through the next GOPROXY when the first is unreachable and the job takes a GOPROXY parameter', () => {
    assert.deepEqual(labels(diagnose, diagnosed([{ category: 'proxy-unreachable' }])), ['rebuild payments/main @https://proxy.golang.org,direct']);
    assert.equal(alternativeGoproxy('https://proxy.golang.org,direct'), 'direct');
    assert.equal(alternativeGoproxy('https://proxy.golang.org'), 'direct');
    assert.equal(alternativeGoproxy('https://corp'), 'https://proxy.golang.org,direct');
  });

  it("never offers a GOPROXY entry the config does not know, and never shows a mirror's credentials", () => {
    // The agent's list names an unconfigured host after the failing one: the config's mirror is offered instead.
    assert.equal(alternativeGoproxy('https://a.corp.example,https://b.corp.example,direct', {}), 'https://proxy.golang.org,direct');
    assert.equal(
      alternativeGoproxy('https://a.corp.example,https://b.corp.example,direct', { mirrors: ['https://b.corp.example'] }),
      'https://b.corp.example,direct',
    );
    const withSecret = { ...config, mirrors: ['https://bot:hunter2-mirror@mirror.corp.example'] };
    const offers = suggestRemediations(diagnose, diagnosed([{ category: 'proxy-unreachable' }], 'agent-03', 'https://proxy.golang.org'), withSecret);
    const retry = offers.find((r) => r.goproxy);
    assert.equal(retry?.goproxy, 'https://bot:***@mirror.corp.example,direct');
    assert.equal(retry?.label, 'Rebuild payments/main with GOPROXY=https://bot:***@mirror.corp.example,direct');
    assert.ok(!JSON.stringify(offers).includes('hunter2'));
    // The agent's own list as the report shows it (masked) still maps to the configured mirror.
    assert.equal(
      alternativeGoproxy('https://proxy.golang.org,https://bot:***@mirror.corp.example,direct', withSecret),
      'https://bot:***@mirror.corp.example,direct',
    );
  });

  it('roll back when the code asks for a version that does not exist; nothing without a known job', () => {
    assert.deepEqual(labels(diagnose, diagnosed([{ category: 'version-not-found' }])), ['rollback payments/main']);
    assert.deepEqual(labels({ kind: 'diagnose', repo: 'ledger' }, diagnosed([{ category: 'version-not-found' }])), []);
    assert.deepEqual(labels({ kind: 'diagnose', repo: 'ledger', job: 'payments/main' }, diagnosed([{ category: 'version-not-found' }])), [
      'rollback payments/main',
    ]);
  });

  it('no roll back when agent or code says the last green revision would not help (agent, environment/upstream)', () => {
    const withVerdict = (verdict: 'code' | 'agent' | 'environment/upstream' | 'unknown'): JobOutcome => {
      const outcome = diagnosed([{ category: 'version-not-found' }]);
      const result = outcome.ok ? (outcome.result as { report: Record<string, unknown> }) : undefined;
      if (result) result.report.origin = { verdict, summary: 's', reasons: [] };
      return outcome;
    };
    assert.deepEqual(labels(diagnose, withVerdict('code')), ['rollback payments/main']);
    assert.deepEqual(labels(diagnose, withVerdict('unknown')), ['rollback payments/main']);
    assert.deepEqual(labels(diagnose, withVerdict('agent')), []);
    assert.deepEqual(labels(diagnose, withVerdict('environment/upstream')), []);
  });

  it('offers nothing for warnings, healthy reports, failures or other commands', () => {
    assert.deepEqual(labels(diagnose, diagnosed([{ category: 'corporate-proxy', severity: 'warning' }])), []);
    assert.deepEqual(labels(diagnose, diagnosed([])), []);
    assert.deepEqual(labels({ kind: 'status' }, diagnosed([{ category: 'corporate-proxy' }])), []);
    const failed: JobOutcome = {
      ok: false,
      jobId: 'x',
      name: 'diagnose',
      durationMs: 1,
      attempts: 1,
      steps: [],
      finishedAt: '',
      error: { code: 'BF_TIMEOUT', message: 't' },
    };
    assert.deepEqual(labels(diagnose, failed), []);
  });

  it('dedupes and caps the offers at five', () => {
    const many = diagnosed(
      ['corporate-proxy', 'proxy-config', 'checksum-mismatch', 'disk-full', 'proxy-unreachable', 'version-not-found', 'tls-interception'].map(
        (category) => ({ category }) as Finding,
      ),
    );
    const offers = labels(diagnose, many);
    assert.equal(offers.length, 5);
    assert.equal(new Set(offers).size, 5);
  });
});

describe('formatCommand', () => {
  it('round-trips through the grammar', () => {
    for (const text of [
      'diagnose payments --host agent-03 --job team/payments/main',
      'probe',
      'probe agent-03',
      'modules owner/repo --host a1',
      'hostcheck a1',
      'envdiff a1 a2 a3',
      'restart a1 --force',
      'restart a1',
      'rebuild team/x --clean',
      'rollback team/x',
      'cache clear a1',
      'cache warm a1 payments',
      'status',
      'help restart',
    ]) {
      const command = parseCommand(text);
      assert.deepEqual(parseCommand(formatCommand(command)), command, text);
    }
  });
});

describe('stripMention', () => {
  it('takes the text after the bot mention, wherever it is', () => {
    assert.equal(stripMention('<@UBOT> diagnose payments', 'UBOT'), 'diagnose payments');
    assert.equal(stripMention('hey <@UBOT|buildfix>: probe agent-03', 'UBOT'), 'probe agent-03');
    assert.equal(stripMention('<@UOTHER> look <@UBOT> status', 'UBOT'), 'status');
    assert.equal(stripMention('<@UBOT> diagnose x', undefined), 'diagnose x');
    assert.equal(stripMention('<@UBOT>', 'UBOT'), '');
  });
});
