import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixedVersionFor, osvToGoVersion, rangeContains, rangesAffect, type OsvRange } from '../../../src/health/osv-affects.ts';

const semver = (...events: OsvRange['events']): OsvRange => ({ type: 'SEMVER', events });

describe('OSV range evaluation (govulncheck rules, go semver)', () => {
  it('introduced 0 / fixed: everything below the fix', () => {
    const r = semver({ introduced: '0' }, { fixed: '1.2.3' });
    assert.equal(rangeContains(r, 'v0.0.1'), true);
    assert.equal(rangeContains(r, 'v1.2.2'), true);
    assert.equal(rangeContains(r, 'v1.2.3'), false);
    assert.equal(rangeContains(r, 'v1.10.0'), false, '1.10 > 1.2 numerically, not by string');
  });

  it('introduced at a version: that version and above, up to the fix', () => {
    const r = semver({ introduced: '1.3.0' }, { fixed: '1.4.2' });
    assert.equal(rangeContains(r, 'v1.2.9'), false);
    assert.equal(rangeContains(r, 'v1.3.0'), true);
    assert.equal(rangeContains(r, 'v1.4.1'), true);
    assert.equal(rangeContains(r, 'v1.4.2'), false);
  });

  it('several introduced/fixed pairs, in any order in the entry', () => {
    const r = semver({ fixed: '1.3.5' }, { introduced: '1.3.0' }, { fixed: '1.2.0' }, { introduced: '0' });
    assert.equal(rangeContains(r, 'v1.1.0'), true);
    assert.equal(rangeContains(r, 'v1.2.5'), false, 'between the first fix and the second introduction');
    assert.equal(rangeContains(r, 'v1.3.2'), true);
    assert.equal(rangeContains(r, 'v1.3.5'), false);
  });

  it('no fix: affected from the introduction on', () => {
    const r = semver({ introduced: '2.0.0' });
    assert.equal(rangeContains(r, 'v1.9.9'), false);
    assert.equal(rangeContains(r, 'v2.0.0'), true);
    assert.equal(rangeContains(r, 'v9.0.0'), true);
  });

  it('prereleases sort below their release; pseudo-versions are prereleases', () => {
    const r = semver({ introduced: '0' }, { fixed: '1.2.0' });
    assert.equal(rangeContains(r, 'v1.2.0-rc.1'), true);
    assert.equal(rangeContains(r, 'v1.2.0-0.20230101000000-abcdefabcdef'), true);
    assert.equal(rangeContains(r, 'v1.2.1-0.20230101000000-abcdefabcdef'), false);
    const pre = semver({ introduced: '1.0.0-beta.2' }, { fixed: '1.0.0' });
    assert.equal(rangeContains(pre, 'v1.0.0-beta.10'), true, 'numeric prerelease identifiers compare as numbers');
    assert.equal(rangeContains(pre, 'v1.0.0-beta.1'), false);
  });

  it('+incompatible is build metadata: ignored when comparing', () => {
    const r = semver({ introduced: '0' }, { fixed: '2.1.0+incompatible' });
    assert.equal(rangeContains(r, 'v2.0.5+incompatible'), true);
    assert.equal(rangeContains(r, 'v2.1.0+incompatible'), false);
  });

  it('last_affected is inclusive', () => {
    const r = semver({ introduced: '1.0.0' }, { last_affected: '1.0.4' });
    assert.equal(rangeContains(r, 'v1.0.4'), true);
    assert.equal(rangeContains(r, 'v1.0.5'), false);
  });

  it('only SEMVER ranges count; no ranges at all affects every version', () => {
    assert.equal(rangeContains({ type: 'GIT', events: [{ introduced: '0' }] }, 'v1.0.0'), false);
    assert.equal(rangesAffect([{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }], 'v1.0.0'), false);
    assert.equal(rangesAffect(undefined, 'v1.0.0'), true);
    assert.equal(rangesAffect([], 'v0.0.1'), true);
    assert.equal(rangesAffect([semver({ introduced: '0' }, { fixed: '1.0.0' }), semver({ introduced: '2.0.0' }, { fixed: '2.0.3' })], 'v2.0.1'), true);
  });

  it('the fixed version to upgrade to is the lowest fix above the version in use', () => {
    const ranges = [semver({ introduced: '0' }, { fixed: '1.2.0' }, { introduced: '1.3.0' }, { fixed: '1.3.5' })];
    assert.equal(fixedVersionFor(ranges, 'v1.3.1'), 'v1.3.5');
    assert.equal(fixedVersionFor(ranges, 'v1.1.0'), 'v1.2.0');
    assert.equal(fixedVersionFor([semver({ introduced: '0' })], 'v1.0.0'), undefined);
  });

  it('OSV versions have no "v"; a stray v or go prefix is tolerated', () => {
    assert.equal(osvToGoVersion('1.2.3'), 'v1.2.3');
    assert.equal(osvToGoVersion('v1.2.3'), 'v1.2.3');
    assert.equal(osvToGoVersion('go1.21.0'), 'v1.21.0');
  });
});
