import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isLanguageVersion, selectToolchain, switchesToDotZero, toolchainModuleVersion, type ToolchainInputs } from '../../../src/gomod/toolchain-select.ts';

function sel(localVersion: string, gotoolchain: string | undefined, go?: string, toolchain?: string) {
  const input: ToolchainInputs = {
    localVersion,
    gotoolchain,
    file: 'go.mod',
    ...(go ? { goLine: { version: go, line: 3 } } : {}),
    ...(toolchain ? { toolchainLine: { name: toolchain, line: 5 } } : {}),
  };
  return selectToolchain(input);
}

describe('toolchain selection (go ≥ 1.21, toolchain.Select)', () => {
  // [local go, GOTOOLCHAIN, go line, toolchain line] → [toolchain that runs, switched, pathOnly]
  const table: Array<[string, string | undefined, string | undefined, string | undefined, string, boolean, boolean]> = [
    ['1.21.5', 'auto', '1.21.0', undefined, 'go1.21.5', false, false],
    ['1.21.5', 'auto', '1.22.1', undefined, 'go1.22.1', true, false],
    ['1.21.5', 'auto', '1.21.0', 'go1.22.3', 'go1.22.3', true, false],
    // The go line wins over an older toolchain line.
    ['1.21.5', 'auto', '1.23.0', 'go1.22.3', 'go1.23.0', true, false],
    // A toolchain line at or below the minimum changes nothing.
    ['1.22.4', 'auto', '1.21.0', 'go1.21.6', 'go1.22.4', false, false],
    ['1.21.5', 'local', '1.22.1', 'go1.22.3', 'go1.21.5', false, false],
    ['1.21.5', 'path', '1.22.1', undefined, 'go1.22.1', true, true],
    ['1.21.5', 'local+path', '1.22.1', undefined, 'go1.22.1', true, true],
    ['1.21.5', 'go1.22.0', '1.21.0', 'go1.23.0', 'go1.22.0', true, false],
    ['1.21.5', 'go1.22.0+auto', '1.21.0', undefined, 'go1.22.0', true, false],
    ['1.21.5', 'go1.22.0+auto', '1.23.2', undefined, 'go1.23.2', true, false],
    ['1.21.5', 'go1.22.0+path', '1.21.0', undefined, 'go1.22.0', true, true],
    // "toolchain default": go.mod does not raise the minimum.
    ['1.21.5', 'auto', '1.22.0', 'default', 'go1.21.5', false, false],
    ['1.21.5', 'go1.22.0+auto', '1.23.0', 'default', 'go1.22.0', true, false],
    // A bare language version: go before 1.23 asks for "go1.22" (no such release), 1.23+ for go1.22.0.
    ['1.21.5', 'auto', '1.22', undefined, 'go1.22', true, false],
    ['1.23.1', 'auto', '1.24', undefined, 'go1.24.0', true, false],
    ['1.21.9', 'auto', '1.22', undefined, 'go1.22.0', true, false],
    ['1.22.3', 'auto', '1.23', undefined, 'go1.23', true, false],
    ['1.22.4', 'auto', '1.23', undefined, 'go1.23.0', true, false],
    ['1.21.5', 'auto', '1.21', undefined, 'go1.21.5', false, false],
    // Prereleases order below the release.
    ['1.21.5', 'auto', '1.22rc1', undefined, 'go1.22rc1', true, false],
    ['1.22.0', 'auto', '1.22rc2', undefined, 'go1.22.0', false, false],
  ];
  for (const [local, gt, go, tc, want, switched, pathOnly] of table) {
    it(`go ${local}, GOTOOLCHAIN=${gt}, go ${go}${tc ? `, toolchain ${tc}` : ''} → ${want}`, () => {
      const s = sel(local, gt, go, tc);
      assert.equal(s.toolchain, want, s.why);
      assert.equal(s.switched, switched);
      assert.equal(s.pathOnly, pathOnly);
      assert.equal(s.switching, true);
    });
  }

  it('knows which go versions switch a bare language version to its .0 release', () => {
    assert.deepEqual(['1.21.0', '1.21.8', '1.21.9', '1.22.0', '1.22.3', '1.22.4', '1.23.0'].map(switchesToDotZero), [
      false,
      false,
      true,
      false,
      false,
      true,
      true,
    ]);
  });

  it('marks a language-version toolchain as one no release is named after', () => {
    assert.equal(sel('1.21.5', 'auto', '1.22').languageVersionOnly, true);
    assert.equal(sel('1.23.1', 'auto', '1.24').languageVersionOnly, false);
    assert.equal(sel('1.21.5', 'go1.22', '1.21.0').languageVersionOnly, true);
    assert.equal(isLanguageVersion('1.22'), true);
    assert.equal(isLanguageVersion('1.22.0'), false);
    assert.equal(isLanguageVersion('1.22rc1'), false);
  });

  it('says go ≥ 1.21 refuses a go line newer than the toolchain that runs', () => {
    const s = sel('1.21.5', 'local', '1.22.1');
    assert.deepEqual(
      s.problems.map((p) => [p.kind, p.goMessage, p.downloadOk]),
      [['go-too-new', 'go: go.mod requires go >= 1.22.1 (running go 1.21.5; GOTOOLCHAIN=local)', false]],
    );
    // A pinned toolchain older than the go line: that one refuses.
    const pinned = sel('1.21.5', 'go1.22.0', '1.23.0');
    assert.equal(pinned.problems[0]?.goMessage, 'go: go.mod requires go >= 1.23.0 (running go 1.22.0; GOTOOLCHAIN=go1.22.0)');
    assert.deepEqual(sel('1.21.5', 'auto', '1.22.1').problems, []);
  });

  it("rejects malformed GOTOOLCHAIN values with go's messages", () => {
    assert.equal(sel('1.21.5', 'bash', '1.21.0').problems[0]?.goMessage, 'go: invalid GOTOOLCHAIN "bash"');
    assert.equal(
      sel('1.21.5', 'go1.22.0+always', '1.21.0').problems[0]?.goMessage,
      'go: invalid GOTOOLCHAIN "go1.22.0+always": only version suffixes are +auto and +path',
    );
    assert.equal(sel('1.21.5', 'latest+auto', '1.21.0').problems[0]?.goMessage, 'go: invalid GOTOOLCHAIN "latest+auto": invalid minimum toolchain "latest"');
  });

  it('runs the local go when nothing sets GOTOOLCHAIN', () => {
    const s = sel('1.21.5', undefined, '1.22.0');
    assert.equal(s.switched, false);
    assert.equal(s.problems[0]?.kind, 'go-too-new');
  });
});

describe('go before 1.21 (no switching, the old go.mod grammar)', () => {
  it('ignores GOTOOLCHAIN and never switches', () => {
    const s = sel('1.19.8', 'go1.22.0', '1.19');
    assert.equal(s.switching, false);
    assert.equal(s.switched, false);
    assert.equal(s.toolchain, 'go1.19.8');
    assert.deepEqual(s.problems, []);
  });

  it('matches go 1.19: a patch go line and a toolchain line are parse errors, a newer go line is not', () => {
    assert.deepEqual(
      sel('1.19.8', undefined, '1.21.0').problems.map((p) => p.goMessage),
      ["go.mod:3: invalid go version '1.21.0': must match format 1.23"],
    );
    assert.deepEqual(
      sel('1.20.14', undefined, '1.22rc1').problems.map((p) => p.goMessage),
      ["go.mod:3: invalid go version '1.22rc1': must match format 1.23"],
    );
    assert.deepEqual(
      sel('1.19.8', undefined, '1.19', 'go1.21.3').problems.map((p) => p.goMessage),
      ['go.mod:5: unknown directive: toolchain'],
    );
    const newer = sel('1.19.8', undefined, '1.22');
    assert.equal(newer.problems.length, 1);
    assert.equal(newer.problems[0]?.downloadOk, true);
  });

  it('a go ≥ 1.21 pinned to an old toolchain gets the old grammar from it', () => {
    const s = sel('1.21.5', 'go1.20.14', '1.21.0');
    assert.equal(s.toolchain, 'go1.20.14');
    assert.deepEqual(
      s.problems.map((p) => p.kind),
      ['invalid-go-version'],
    );
  });
});

describe('toolchain module version', () => {
  it('is golang.org/toolchain@v0.0.1-<toolchain>.<goos>-<goarch>', () => {
    assert.equal(toolchainModuleVersion('go1.22.3', 'linux', 'amd64'), 'v0.0.1-go1.22.3.linux-amd64');
  });
});
