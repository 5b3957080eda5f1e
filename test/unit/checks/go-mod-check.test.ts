/** go.mod validity: go's own messages (checked against go 1.19's output) with the go.mod line. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkModulePaths, goModCheckResult, readMainGoMod } from '../../../src/checks/go-mod-check.ts';
import { pickFromList } from '../../../src/goproxy/resolve-query.ts';

const head = 'module example.com/app\n\ngo 1.19\n\n';

describe('readMainGoMod', () => {
  it("an unknown directive is an invalid-go-mod error at its line, in go's words", () => {
    const { goMod, finding } = readMainGoMod(`${head}require example.com/lib v1.0.0\nfoo bar\n`);
    assert.equal(goMod.require.length, 0, 'nothing is checked past a go.mod go cannot parse');
    assert.equal(finding?.category, 'invalid-go-mod');
    assert.equal(finding?.severity, 'error');
    assert.equal(finding?.location, 'go.mod:6');
    assert.equal(finding?.evidence, 'go: errors parsing go.mod:\ngo.mod:6: unknown directive: foo');
    assert.match(finding?.fix ?? '', /line 6 of go\.mod/);
  });

  it("a version that does not fit the /vN suffix: go's message", () => {
    const { finding } = readMainGoMod(`${head}require example.com/lib/v2 v1.0.0\n`);
    assert.equal(finding?.evidence, 'go: errors parsing go.mod:\ngo.mod:5: require example.com/lib/v2: version "v1.0.0" invalid: should be v2, not v1');
  });

  it('non-canonical versions are queries (go 1.19 resolves them), not parse errors', () => {
    const { goMod, finding } = readMainGoMod(
      `${head}require (\n\texample.com/lib v1.9\n\texample.com/other master\n)\nexclude example.com/x 1.0.0\nreplace example.com/y v1 => example.com/z v2.0\n`,
    );
    assert.equal(finding, undefined);
    assert.deepEqual(
      goMod.versionQueries?.map((q) => `${q.verb} ${q.path} ${q.query} @${q.line}`),
      [
        'require example.com/lib v1.9 @6',
        'require example.com/other master @7',
        'exclude example.com/x 1.0.0 @9',
        'replace example.com/y v1 @10',
        'replace example.com/z v2.0 @10',
      ],
    );
    assert.equal(goMod.require[0]?.version, 'v1.9');
  });
});

describe('checkModulePaths', () => {
  const paths = (text: string) => checkModulePaths(readMainGoMod(`${head}${text}`).goMod);

  it('an upper-case host: go refuses it before any request; the fix lower-cases it', () => {
    const { findings, invalid } = paths('require Example.com/lib v1.0.0\n');
    assert.deepEqual([...invalid], ['Example.com/lib']);
    const [f] = findings;
    assert.equal(f?.category, 'invalid-go-mod');
    assert.equal(f?.severity, 'error');
    assert.equal(f?.location, 'go.mod:5');
    // Exactly what `go mod download` (1.19) prints.
    assert.equal(f?.evidence, `go: Example.com/lib@v1.0.0: malformed module path "Example.com/lib": invalid char 'E' in first path element`);
    assert.match(f?.fix ?? '', /example\.com\/lib at go\.mod:5/);
  });

  it('a first element without a dot, bad characters, a leading dot or dash', () => {
    const got = paths(
      'require (\n\texample/lib v1.0.0\n\texample.com/li~b! v1.0.0\n\texample.com/x/.hidden v1.0.0\n\t-example.com/lib v1.0.0\n\tgithub.com/ok/fine v1.0.0\n)\n',
    ).findings.map((f) => f.evidence);
    assert.deepEqual(got, [
      'go: example/lib@v1.0.0: malformed module path "example/lib": missing dot in first path element',
      `go: example.com/li~b!@v1.0.0: malformed module path "example.com/li~b!": invalid char '!'`,
      'go: example.com/x/.hidden@v1.0.0: malformed module path "example.com/x/.hidden": leading dot in path element',
      'go: -example.com/lib@v1.0.0: malformed module path "-example.com/lib": leading dash',
    ]);
  });

  it('a replace to a malformed path points at the replace line; unused replaces and excludes are ignored as go does', () => {
    const { findings } = paths(
      'require example.com/ok v1.0.0\nreplace example.com/ok => Example.com/lib v1.0.0\nreplace Example.com/unused => example.com/ok v1.0.0\nexclude Example.com/x v1.0.0\n',
    );
    assert.equal(findings.length, 1);
    assert.equal(findings[0]?.location, 'go.mod:6');
    assert.equal(findings[0]?.evidence, `go: example.com/ok@v1.0.0: malformed module path "Example.com/lib": invalid char 'E' in first path element`);
  });

  it('valid paths give nothing; the check result passes', () => {
    const { findings } = paths('require (\n\tgithub.com/BurntSushi/toml v1.0.0\n\tgopkg.in/yaml.v3 v3.0.1\n\texample.com/lib/v2 v2.1.0\n)\n');
    assert.deepEqual(findings, []);
    assert.equal(goModCheckResult(findings, 1).status, 'pass');
  });
});

describe("pickFromList (go's query matcher for vX.Y and latest)", () => {
  const list = ['v1.8.0', 'v1.9.0', 'v1.9.2', 'v1.10.0-rc.1', 'v1.10.0', 'v1.11.0-beta', 'v2.0.0+incompatible'];
  it('a prefix picks the newest release with that prefix, never a lower one', () => {
    assert.equal(pickFromList('v1.9', list), 'v1.9.2');
    assert.equal(pickFromList('v1.10', list), 'v1.10.0');
    assert.equal(pickFromList('v1.11', list), undefined, 'v1.11 means >= v1.11.0: its prereleases are below it (golang.org/issue/31972)');
    assert.equal(pickFromList('v1.7', list), undefined);
    assert.equal(pickFromList('v1', list), 'v1.10.0');
  });
  it('latest: the newest release', () => {
    assert.equal(pickFromList('latest', ['v1.0.0', 'v1.1.0-rc.1']), 'v1.0.0');
  });
});
