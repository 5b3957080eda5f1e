import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createPrivacyRules, matchPrefixPatterns, pathMatch } from '../../../src/goproxy/module-patterns.ts';

describe('pathMatch (Go path.Match)', () => {
  const table: Array<[string, string, boolean, boolean?]> = [
    ['abc', 'abc', true],
    ['*', 'abc', true],
    ['*c', 'abc', true],
    ['a*', 'a', true],
    ['a*', 'ab/c', false],
    ['a*/b', 'abc/b', true],
    ['a*b*c*d*e*/f', 'axbxcxdxe/f', true],
    ['a*b?c*x', 'abxbbxdbxebxczzx', true],
    ['a*b?c*x', 'abxbbxdbxebxczzy', false],
    ['ab[c]', 'abc', true],
    ['ab[b-d]', 'abc', true],
    ['ab[e-g]', 'abc', false],
    ['ab[^c]', 'abc', false],
    ['ab[^e-g]', 'abc', true],
    ['a\\*b', 'a*b', true],
    ['a\\*b', 'ab', false],
    ['a?b', 'a/b', false],
    ['a*b', 'a/b', false],
    ['[a-ζ]*', 'α', true],
    ['*x', 'xxx', true],
    ['[', 'a', false, true],
    ['[^', 'a', false, true],
    ['a[', 'x', false, true],
    ['*x[', 'xxx', false, true],
  ];
  for (const [pattern, name, matched, bad = false] of table) {
    it(`${JSON.stringify(pattern)} vs ${JSON.stringify(name)}`, () => {
      assert.deepEqual(pathMatch(pattern, name), { matched, bad });
    });
  }
});

describe('matchPrefixPatterns (module.MatchPrefixPatterns)', () => {
  const table: Array<[string, string, boolean]> = [
    ['', 'github.com/acme/x', false],
    ['github.com/acme', 'github.com/acme', true],
    ['github.com/acme', 'github.com/acme/x/v2', true],
    ['github.com/acme', 'github.com/acmeco/x', false],
    ['github.com/acme/', 'github.com/acme/x', true],
    ['*.corp.example', 'git.corp.example/team/lib', true],
    ['*.corp.example', 'corp.example/team/lib', false],
    ['corp.example', 'git.corp.example/team/lib', false],
    ['github.com/acme/*', 'github.com/acme/lib/sub', true],
    ['github.com/acme/*', 'github.com/acme', false],
    ['github.com/*/internal', 'github.com/acme/internal/x', true],
    ['github.com/*/internal', 'github.com/acme/public/x', false],
    ['gitlab.example.com,github.com/acme', 'github.com/acme/lib', true],
    [',,github.com/acme,', 'github.com/acme/lib', true],
    // no whitespace trimming, exactly like Go
    [' github.com/acme', 'github.com/acme/lib', false],
    ['none', 'github.com/acme/lib', false],
    ['*', 'github.com/acme/lib', true],
    ['[', 'github.com/acme/lib', false],
  ];
  for (const [globs, target, expected] of table) {
    it(`${JSON.stringify(globs)} vs ${target}`, () => {
      assert.equal(matchPrefixPatterns(globs, target), expected);
    });
  }
});

describe('createPrivacyRules', () => {
  it('GONOPROXY and GONOSUMDB default to GOPRIVATE', () => {
    const rules = createPrivacyRules({ GOPRIVATE: '*.corp.example,github.com/acme' });
    assert.equal(rules.bypassProxy('git.corp.example/x'), true);
    assert.equal(rules.bypassSumDb('github.com/acme/lib'), true);
    assert.equal(rules.bypassProxy('github.com/other/lib'), false);
    assert.equal(rules.noProxy, '*.corp.example,github.com/acme');
  });

  it('explicit GONOPROXY / GONOSUMDB win over GOPRIVATE; empty values do not', () => {
    const rules = createPrivacyRules({ GOPRIVATE: 'github.com/acme', GONOPROXY: 'none', GONOSUMDB: '' });
    assert.equal(rules.bypassProxy('github.com/acme/lib'), false);
    assert.equal(rules.bypassSumDb('github.com/acme/lib'), true);
  });

  it('nothing is private by default', () => {
    const rules = createPrivacyRules({});
    assert.equal(rules.bypassProxy('github.com/acme/lib'), false);
    assert.equal(rules.bypassSumDb('github.com/acme/lib'), false);
  });
});
