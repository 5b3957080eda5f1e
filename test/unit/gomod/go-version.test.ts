import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  canonicalModuleVersion,
  compareGoVersions,
  compareModuleVersions,
  invalidModuleVersionReason,
  isPseudoVersion,
  isRetracted,
  isValidModuleVersion,
  modulePathMajor,
  parseGoVersion,
  pathMajorMismatch,
  toolchainVersion,
} from '../../../src/gomod/go-version.ts';
import type { Retraction } from '../../../src/gomod/types.ts';

/** Asserts every adjacent pair is strictly increasing, and the relation is antisymmetric. */
function assertAscending(cmp: (a: string, b: string) => number, list: string[]): void {
  for (let i = 0; i < list.length; i++) {
    for (let j = i + 1; j < list.length; j++) {
      const a = list[i] as string;
      const b = list[j] as string;
      assert.ok(cmp(a, b) < 0, `${a} < ${b}`);
      assert.ok(cmp(b, a) > 0, `${b} > ${a}`);
    }
  }
}

describe('compareModuleVersions', () => {
  it('orders releases, prereleases and pseudo-versions as semver 2.0 does', () => {
    assertAscending(compareModuleVersions, [
      'v0.0.0-20190101000000-aaaaaaaaaaaa',
      'v0.0.0-20230101000000-abcdefabcdef',
      'v0.0.1',
      'v0.9.0',
      'v1.0.0-0.20230101000000-abcdefabcdef',
      'v1.0.0-alpha',
      'v1.0.0-alpha.1',
      'v1.0.0-alpha.beta',
      'v1.0.0-beta',
      'v1.0.0-beta.2',
      'v1.0.0-beta.11',
      'v1.0.0-rc.1',
      'v1.0.0',
      'v1.0.1-0.20230101000000-abcdefabcdef',
      'v1.0.1',
      // A pseudo-version built on a prerelease tag sorts after that tag (more identifiers win).
      'v1.2.3-pre',
      'v1.2.3-pre.0.20230101000000-abcdefabcdef',
      'v1.2.3',
      'v1.10.0',
      'v2.0.0+incompatible',
      'v10.0.0',
      'v99999999999999999999.0.0',
    ]);
  });

  it('ignores build metadata such as +incompatible', () => {
    assert.equal(compareModuleVersions('v2.0.0+incompatible', 'v2.0.0'), 0);
    assert.equal(compareModuleVersions('v1.0.0+meta', 'v1.0.0'), 0);
  });

  it('treats the v1 / v1.2 shorthands like Go semver does', () => {
    assert.equal(compareModuleVersions('v1', 'v1.0.0'), 0);
    assert.equal(compareModuleVersions('v1.2', 'v1.2.0'), 0);
  });

  it('sorts invalid versions below valid ones and equal to each other', () => {
    assert.ok(compareModuleVersions('latest', 'v0.0.0-20230101000000-abcdefabcdef') < 0);
    assert.ok(compareModuleVersions('v1.0.0', '1.0.0') > 0);
    assert.equal(compareModuleVersions('master', 'v01.0.0'), 0);
  });

  it('works as an Array.prototype.sort comparator', () => {
    const sorted = ['v1.10.0', 'v1.2.0', 'v1.2.0-rc.1', 'v0.1.0'].sort(compareModuleVersions);
    assert.deepEqual(sorted, ['v0.1.0', 'v1.2.0-rc.1', 'v1.2.0', 'v1.10.0']);
  });
});

describe('isValidModuleVersion', () => {
  const cases: [string, boolean][] = [
    ['v1.2.3', true],
    ['v0.0.0', true],
    ['v1.2.3-rc.1', true],
    ['v1.2.3-0.20230101000000-abcdefabcdef', true],
    ['v2.0.0+incompatible', true],
    ['v2.0.0-beta.1+incompatible', true],
    ['v1.2.3+meta', false],
    ['v1.2', false],
    ['v1', false],
    ['1.2.3', false],
    ['v01.2.3', false],
    ['v1.2.3-01', false],
    ['v1.2.3-', false],
    ['v1.2.3-a..b', false],
    ['latest', false],
    ['', false],
  ];
  for (const [v, want] of cases) {
    it(`${JSON.stringify(v)} → ${want}`, () => assert.equal(isValidModuleVersion(v), want));
  }

  it('explains why a version is rejected', () => {
    assert.equal(invalidModuleVersionReason('v1.2.3'), undefined);
    assert.match(invalidModuleVersionReason('v1.2') ?? '', /write v1\.2\.0/);
    assert.match(invalidModuleVersionReason('1.2.3') ?? '', /missing the "v" prefix/);
    assert.match(invalidModuleVersionReason('v1.2.3+meta') ?? '', /build metadata/);
    assert.equal(invalidModuleVersionReason('master'), 'must be of the form v1.2.3');
  });

  it('canonicalizes like module.CanonicalVersion', () => {
    assert.equal(canonicalModuleVersion('v1.2'), 'v1.2.0');
    assert.equal(canonicalModuleVersion('v1'), 'v1.0.0');
    assert.equal(canonicalModuleVersion('v1.2.3+meta'), 'v1.2.3');
    assert.equal(canonicalModuleVersion('v2.0.0-rc.1+incompatible'), 'v2.0.0-rc.1+incompatible');
    assert.equal(canonicalModuleVersion('master'), undefined);
  });
});

describe('isPseudoVersion', () => {
  const cases: [string, boolean][] = [
    ['v0.0.0-20230101000000-abcdefabcdef', true],
    ['v1.2.4-0.20230101000000-abcdefabcdef', true],
    ['v1.2.3-pre.0.20230101000000-abcdefabcdef', true],
    ['v2.0.1-0.20230101000000-abcdefabcdef+incompatible', true],
    ['v1.2.3', false],
    ['v1.0.0-rc.1', false],
    ['v0.0.0-2023010100000-abcdefabcdef', false],
    ['v1.2.4-1.20230101000000-abcdefabcdef', false],
    ['v0.0.0-20230101000000', false],
  ];
  for (const [v, want] of cases) {
    it(`${v} → ${want}`, () => assert.equal(isPseudoVersion(v), want));
  }
});

describe('isRetracted', () => {
  const retractions: Retraction[] = [
    { low: 'v1.0.1', high: 'v1.0.1', rationale: 'published by mistake', line: 5 },
    { low: 'v1.2.0', high: 'v1.3.0', line: 6 },
  ];

  it('matches a single-version retraction exactly', () => {
    assert.equal(isRetracted('v1.0.1', retractions)?.rationale, 'published by mistake');
    assert.equal(isRetracted('v1.0.0', retractions), undefined);
    assert.equal(isRetracted('v1.0.2', retractions), undefined);
  });

  it('treats intervals as closed at both ends', () => {
    assert.equal(isRetracted('v1.2.0', retractions)?.line, 6);
    assert.equal(isRetracted('v1.2.7', retractions)?.line, 6);
    assert.equal(isRetracted('v1.3.0', retractions)?.line, 6);
    assert.equal(isRetracted('v1.3.1', retractions), undefined);
    assert.equal(isRetracted('v1.1.9', retractions), undefined);
  });

  it('orders prereleases and pseudo-versions inside the interval', () => {
    assert.equal(isRetracted('v1.3.0-rc.1', retractions)?.line, 6);
    assert.equal(isRetracted('v1.2.0-rc.1', retractions), undefined);
    assert.equal(isRetracted('v1.2.1-0.20230101000000-abcdefabcdef', retractions)?.line, 6);
  });

  it('returns undefined with no retractions', () => {
    assert.equal(isRetracted('v1.0.0', []), undefined);
  });
});

describe('module path major versions', () => {
  const majors: [string, string | undefined][] = [
    ['example.com/m', ''],
    ['example.com/m/v2', '/v2'],
    ['example.com/m/v10', '/v10'],
    ['example.com/m/v1', undefined],
    ['example.com/m/v0', undefined],
    ['example.com/m/v2.1', undefined],
    ['example.com/v2x', ''],
    ['gopkg.in/yaml.v3', '.v3'],
    ['gopkg.in/check.v1', '.v1'],
    ['gopkg.in/yaml', undefined],
  ];
  for (const [path, want] of majors) {
    it(`${path} → ${String(want)}`, () => assert.equal(modulePathMajor(path), want));
  }

  it('checks a version against the path suffix like module.CheckPathMajor', () => {
    assert.equal(pathMajorMismatch('v1.5.0', ''), undefined);
    assert.equal(pathMajorMismatch('v0.1.0', ''), undefined);
    assert.equal(pathMajorMismatch('v2.0.0+incompatible', ''), undefined);
    assert.equal(pathMajorMismatch('v2.0.0', ''), 'should be v0 or v1, not v2');
    assert.equal(pathMajorMismatch('v2.3.0', '/v2'), undefined);
    assert.equal(pathMajorMismatch('v1.0.0', '/v2'), 'should be v2, not v1');
    assert.equal(pathMajorMismatch('v3.0.1', '.v3'), undefined);
    assert.equal(pathMajorMismatch('v2.0.0', '.v3'), 'should be v3, not v2');
    assert.equal(pathMajorMismatch('v0.0.0-20161208181325-20d25e280405', '.v1'), undefined);
  });
});

describe('parseGoVersion', () => {
  const cases: [string, ReturnType<typeof parseGoVersion>][] = [
    ['1.21', { major: 1, minor: 21 }],
    ['1.21.3', { major: 1, minor: 21, patch: 3 }],
    ['1.21rc1', { major: 1, minor: 21, pre: 'rc1' }],
    ['go1.21.3', { major: 1, minor: 21, patch: 3 }],
    ['go1.22.0 linux/amd64', { major: 1, minor: 22, patch: 0 }],
    ['go version go1.22.0 linux/amd64', { major: 1, minor: 22, patch: 0 }],
    ['go1.22.3+auto', { major: 1, minor: 22, patch: 3 }],
    ['go: go.mod requires go >= 1.22.3 (running go 1.21.0; GOTOOLCHAIN=local)', { major: 1, minor: 22, patch: 3 }],
    ['requires go 1.22.', { major: 1, minor: 22 }],
    // Before 1.21 a missing patch meant .0.
    ['1.20', { major: 1, minor: 20, patch: 0 }],
    ['1.20rc1', { major: 1, minor: 20, pre: 'rc1' }],
    ['1.21.3rc1', undefined],
    ['v1.21', undefined],
    ['1.021', undefined],
    ['no version here', undefined],
    ['', undefined],
  ];
  for (const [text, want] of cases) {
    it(`${JSON.stringify(text)}`, () => assert.deepEqual(parseGoVersion(text), want));
  }
});

describe('compareGoVersions', () => {
  it('follows Go’s own order: 1.21 < 1.21rc1 < 1.21.0 < 1.21.3 < 1.22', () => {
    assertAscending(compareGoVersions, [
      '1.19',
      '1.20rc1',
      '1.20',
      '1.20.1',
      '1.21',
      '1.21rc1',
      '1.21rc2',
      '1.21.0',
      '1.21.3',
      '1.21.10',
      '1.22',
      '1.22rc1',
      '1.22.0',
    ]);
  });

  it('orders prerelease kinds alpha < beta < rc', () => {
    assertAscending(compareGoVersions, ['1.21alpha1', '1.21beta1', '1.21beta2', '1.21rc1']);
  });

  it('equates 1.20 and 1.20.0 but not 1.21 and 1.21.0', () => {
    assert.equal(compareGoVersions('1.20', '1.20.0'), 0);
    assert.ok(compareGoVersions('1.21', '1.21.0') < 0);
  });

  it('accepts go-prefixed strings and parsed versions', () => {
    assert.equal(compareGoVersions('go1.22.3', '1.22.3'), 0);
    const host = parseGoVersion('go version go1.21.6 linux/amd64');
    const need = parseGoVersion('1.22.1');
    assert.ok(host && need);
    assert.ok(compareGoVersions(need, host) > 0);
  });

  it('sorts unparseable versions lowest', () => {
    assert.ok(compareGoVersions('garbage', '1.0') < 0);
    assert.equal(compareGoVersions('garbage', 'junk'), 0);
  });
});

describe('toolchainVersion', () => {
  const cases: [string, string | undefined][] = [
    ['go1.22.3', '1.22.3'],
    ['go1.22.3+auto', '1.22.3'],
    ['go1.22.3-custom', '1.22.3'],
    ['go1.21rc1', '1.21rc1'],
    ['gccgo-go1.20.3', '1.20.3'],
    ['default', undefined],
    ['local', undefined],
    ['go/1.22', undefined],
    ['gofoo', undefined],
  ];
  for (const [name, want] of cases) {
    it(`${name} → ${String(want)}`, () => assert.equal(toolchainVersion(name), want));
  }
});
