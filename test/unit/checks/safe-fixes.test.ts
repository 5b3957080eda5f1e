/** Fixes never route a private module through a public proxy, mirror or checksum DB; other mirrors only from the config. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { alternativeGoproxy, suggestRemediations } from '../../../src/chat/remediations.ts';
import { applySafeFixes, createMirrorPolicy, isSafeGoproxyValue, suggestGoproxy } from '../../../src/checks/safe-fixes.ts';
import { createPrivacyRules } from '../../../src/goproxy/module-patterns.ts';
import type { JobOutcome } from '../../../src/jobs/job-types.ts';
import type { Finding } from '../../../src/report/model.ts';

const goEnv = { GOPROXY: 'https://athens.corp.example,direct', GOPRIVATE: 'git.acme.example' };
const policy = (mirrors: string[] = []) => createMirrorPolicy(mirrors, goEnv, createPrivacyRules(goEnv), ['code.acme.example']);

describe('safe fixes', () => {
  it('a private module (GOPRIVATE or a configured repo host) is only ever suggested direct', () => {
    assert.equal(suggestGoproxy(policy(['https://mirror.acme.example']), undefined, 'git.acme.example/team/lib'), 'direct');
    assert.equal(suggestGoproxy(policy(), undefined, 'code.acme.example/payments'), 'direct');
    assert.equal(isSafeGoproxyValue(policy(), 'https://proxy.golang.org,direct', 'code.acme.example/payments'), false);
  });
  it("public modules: the config's mirrors first, else only the official proxy", () => {
    assert.equal(suggestGoproxy(policy(['https://mirror.acme.example/']), undefined, 'github.com/a/b'), 'https://mirror.acme.example,direct');
    assert.equal(suggestGoproxy(policy(), 'https://proxy.golang.org', 'github.com/a/b'), 'direct');
    assert.equal(suggestGoproxy(policy(), undefined, 'github.com/a/b'), 'https://proxy.golang.org,direct');
    assert.equal(isSafeGoproxyValue(policy(), 'https://goproxy.cn,direct', 'github.com/a/b'), false, 'not in the config');
    assert.equal(isSafeGoproxyValue(policy(['https://goproxy.cn']), 'https://goproxy.cn,direct', 'github.com/a/b'), true);
    assert.equal(isSafeGoproxyValue(policy(), 'https://athens.corp.example|https://proxy.golang.org', 'github.com/a/b'), true, "the agent's own proxy");
  });
  it('applySafeFixes rewrites an unsafe GOPROXY suggestion and keeps safe ones', () => {
    const findings: Finding[] = [
      {
        category: 'proxy-unreachable',
        severity: 'error',
        message: 'm',
        module: 'code.acme.example/payments',
        fix: 'Retry through another GOPROXY (e.g. GOPROXY=https://proxy.golang.org,direct).',
      },
      { category: 'proxy-unreachable', severity: 'error', message: 'm', module: 'github.com/a/b', fix: 'Set `GOPROXY=https://goproxy.io,direct` in CI.' },
      { category: 'proxy-unreachable', severity: 'error', message: 'm', module: 'github.com/a/b', fix: 'Set GOPROXY=https://proxy.golang.org,direct.' },
    ];
    const out = applySafeFixes(findings, policy(['https://mirror.acme.example']));
    assert.equal(out[0]?.fix, 'Retry through another GOPROXY (e.g. GOPROXY=direct).');
    assert.equal(out[1]?.fix, 'Set `GOPROXY=https://mirror.acme.example,direct` in CI.');
    assert.equal(out[2], findings[2], 'unchanged object when safe');
  });
  it('a grouped finding with a private module among its modules is treated as private', () => {
    const grouped: Finding = {
      category: 'proxy-unreachable',
      severity: 'error',
      message: '2 modules could not be checked',
      evidence: 'https://athens.corp.example: error (5 ms)\nmodules: github.com/a/b@v1.0.0, git.acme.example/team/lib@v1.2.0',
      fix: 'Retry (e.g. GOPROXY=https://proxy.golang.org,direct).',
    };
    assert.equal(applySafeFixes([grouped], policy())[0]?.fix, 'Retry (e.g. GOPROXY=direct).');
  });
  it("chat remediation: retry direct for a module on a configured repo host; the config's mirror when the chain is exhausted", () => {
    const config = {
      agents: { 'agent-03': {} },
      repos: { payments: { url: 'https://code.acme.example/payments.git', job: 'payments/main' } },
      jobs: { 'payments/main': { goproxyParam: 'GOPROXY' } },
      mirrors: ['https://mirror.acme.example'],
    };
    const outcome = (module: string): JobOutcome =>
      ({
        ok: true,
        host: 'agent-03',
        result: {
          report: {
            target: 'payments',
            host: 'agent-03',
            startedAt: '',
            durationMs: 1,
            ok: false,
            checks: [],
            facts: { goproxy: 'https://proxy.golang.org' },
            findings: [{ category: 'proxy-unreachable', severity: 'error', message: 'm', module }],
          },
        },
      }) as unknown as JobOutcome;
    const retry = (module: string) => suggestRemediations({ kind: 'diagnose', repo: 'payments' }, outcome(module), config).find((r) => r.goproxy)?.goproxy;
    assert.equal(retry('code.acme.example/payments/lib'), 'direct');
    assert.equal(retry('github.com/a/b'), 'https://mirror.acme.example,direct');
    assert.equal(alternativeGoproxy('https://corp'), 'https://proxy.golang.org,direct');
  });
});
