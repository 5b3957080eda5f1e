import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { classifyLog } from '../../../src/classify/classify-log.ts';
import { otherCause } from '../../../src/classify/other-cause.ts';
import { renderExplanation } from '../../../src/render/terminal-explanation.ts';
import { renderExplanationBlocks } from '../../../src/slack/blocks/misc-blocks.ts';

const log = (rel: string): string => readFileSync(new URL(`../../fixtures/logs/${rel}`, import.meta.url), 'utf8');

describe('answers the log alone cannot settle name the other cause', () => {
  it("a registry's bare 404 (below 0.8, a message with a known opposite cause) carries both candidates and their checks", () => {
    const c = classifyLog(log('npm/version-not-found.e404.github-actions.log'));
    assert.equal(c.category, 'version-not-found');
    assert.ok(c.confidence >= 0.6 && c.confidence < 0.8, `confidence ${c.confidence}`);
    assert.deepEqual(
      c.candidates?.map((k) => k.category),
      ['version-not-found', 'proxy-server-error'],
    );
    assert.equal(otherCause(c), 'proxy-server-error');

    const text = renderExplanation(c, { source: 'build.log' });
    assert.match(text.split('\n')[0] ?? '', /^Root cause: version-not-found \(or proxy-server-error\) — @acme\/ledger/);
    assert.match(
      text,
      /the log alone does not settle it; to tell them apart:\n {4}version-not-found: npm view @acme\/ledger versions --registry https:\/\/registry\.npmjs\.org\/: .*\n {4}proxy-server-error: npm view @acme\/ledger versions against the configured registry/,
    );

    const slack = renderExplanationBlocks(c, 'build.log');
    assert.equal(slack.text, 'Root cause: version-not-found (or proxy-server-error)');
    const shown = JSON.stringify(slack.blocks);
    assert.match(shown, /🔴 Root cause: version-not-found \(or proxy-server-error\) — @acme\/ledger/);
    assert.match(shown, /The log alone does not settle it; to tell them apart:\*\\n• `version-not-found`: .*\\n• `proxy-server-error`: /);

    // What to do if it is the other one, not only how to tell: the other cause's own fix, after the checks.
    assert.match(c.otherFix ?? '', /^registry\.npmjs\.org failed on its side .*not synced yet/);
    assert.match(text, /\n {2}fix if it is proxy-server-error: registry\.npmjs\.org failed on its side/);
    assert.ok(text.indexOf('fix if it is proxy-server-error') > text.indexOf('to tell them apart'), 'after the checks');
    assert.match(shown, /\*Fix if it is `proxy-server-error`:\* registry\.npmjs\.org failed on its side/);
  });

  it("the other cause's fix reads the same log for that cause (a mirror's 404 for a public Go module)", () => {
    const c = classifyLog('go: github.com/acme/ledger@v1.9.9: reading https://goproxy.corp.example/github.com/acme/ledger/@v/v1.9.9.info: 404 Not Found');
    assert.equal(c.category, 'proxy-server-error');
    assert.equal(otherCause(c), 'version-not-found');
    assert.match(c.otherFix ?? '', /github\.com\/acme\/ledger@v1\.9\.9 does not exist on goproxy\.corp\.example/);
  });

  it('a confident answer names one cause and no checks', () => {
    const c = classifyLog(log('go/checksum-mismatch.jenkins.log'));
    assert.ok(c.confidence >= 0.8);
    assert.equal(c.candidates, undefined);
    assert.equal(otherCause(c), undefined);
    assert.equal(c.otherFix, undefined);
    assert.doesNotMatch(renderExplanation(c), /\(or |to tell them apart/);
    assert.doesNotMatch(JSON.stringify(renderExplanationBlocks(c, 'x').blocks), /\(or |to tell them apart/);
  });

  it('`unknown` lists its closest cause with what to check, without naming it as the cause', () => {
    // Only a retry warning names a cause; the last error is make's.
    const c = classifyLog(
      'npm warn network request to https://registry.npmjs.org/left-pad failed, reason: connect ETIMEDOUT 104.16.2.35:443\nmake: *** [Makefile:3: deps] Error 1\n',
    );
    assert.equal(c.category, 'unknown');
    assert.equal(otherCause(c), undefined);
    assert.equal(c.otherFix, undefined, 'unknown gives no fix for a cause it does not name');
    const text = renderExplanation(c);
    assert.match(text, /^No known cause recognised/);
    assert.match(text, /closest cause; what to check:\n {4}proxy-unreachable: curl -v "\$\(npm config get registry\)" from the agent/);
    assert.match(JSON.stringify(renderExplanationBlocks(c, 'x').blocks), /Closest cause; what to check:\*\\n• `proxy-unreachable`: /);
  });
});

describe("what to check speaks the log's ecosystem", () => {
  it('an unsure Go answer gets go and curl checks, not npm commands', () => {
    const c = classifyLog(
      'go: golang.org/x/crypto@v0.1.0: Get "https://proxy.golang.org/golang.org/x/crypto/@v/v0.1.0.mod": dial tcp: lookup proxy.golang.org on [::1]:53: read udp [::1]:44672->[::1]:53: read: connection refused',
    );
    assert.equal(c.candidates?.length, 2);
    assert.match(c.candidates?.[0]?.check ?? '', /^curl -v the proxy or registry URL/);
    for (const candidate of c.candidates ?? []) assert.doesNotMatch(candidate.check, /npm /);
  });
});
