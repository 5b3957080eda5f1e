import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dependencyFileKind } from '../../../src/changes/dependency-files.ts';
import { diffGoMod, revertLine } from '../../../src/changes/go-mod-changes.ts';

const before = `module example.com/app

go 1.21

require (
	example.com/ledger v1.9.8
	example.com/gone v0.3.0
)

replace example.com/fork => ../fork
`;
const after = `module example.com/app

go 1.22.0

toolchain go1.22.4

require (
	example.com/ledger v1.9.9
	example.com/new v1.0.0 // indirect
)

replace example.com/fork => example.com/fork v1.2.0

exclude example.com/ledger v1.9.7
`;

describe('diffGoMod', () => {
  const changes = diffGoMod(before, after);
  it('reports requirement moves, additions and removals with the lines of each side', () => {
    assert.deepEqual(
      changes.filter((c) => c.kind === 'require'),
      [
        { kind: 'require', subject: 'example.com/gone', before: 'v0.3.0', beforeLine: 7 },
        { kind: 'require', subject: 'example.com/ledger', before: 'v1.9.8', after: 'v1.9.9', line: 8, beforeLine: 6 },
        { kind: 'require', subject: 'example.com/new', after: 'v1.0.0', line: 9 },
      ],
    );
  });
  it('reports go, toolchain, replace and exclude changes', () => {
    assert.deepEqual(
      changes.find((c) => c.kind === 'go'),
      { kind: 'go', subject: 'go', before: '1.21', beforeLine: 3, after: '1.22.0', line: 3 },
    );
    assert.deepEqual(
      changes.find((c) => c.kind === 'toolchain'),
      { kind: 'toolchain', subject: 'toolchain', after: 'go1.22.4', line: 5 },
    );
    assert.deepEqual(
      changes.find((c) => c.kind === 'replace'),
      { kind: 'replace', subject: 'example.com/fork', before: '=> ../fork', after: '=> example.com/fork v1.2.0', line: 12, beforeLine: 10 },
    );
    assert.deepEqual(
      changes.find((c) => c.kind === 'exclude'),
      { kind: 'exclude', subject: 'example.com/ledger', after: 'v1.9.7', line: 14 },
    );
  });
  it('writes the line that undoes a change, or none when the fix is deleting it', () => {
    const ledger = changes.find((c) => c.subject === 'example.com/ledger' && c.kind === 'require');
    assert.equal(ledger && revertLine(ledger), 'require example.com/ledger v1.9.8');
    const added = changes.find((c) => c.subject === 'example.com/new');
    assert.equal(added && revertLine(added), undefined);
  });
  it('an unreadable go.mod on one side still shows the other side as added or removed', () => {
    const c = diffGoMod('this is not go.mod {{{', after);
    assert.ok(c.some((x) => x.subject === 'example.com/ledger' && x.before === undefined && x.after === 'v1.9.9'));
    assert.deepEqual(diffGoMod(before, before), []);
  });
});

describe('dependencyFileKind', () => {
  it('knows the files that decide what a build downloads and nothing else', () => {
    assert.equal(dependencyFileKind('go.mod'), 'go');
    assert.equal(dependencyFileKind('services/api/go.sum'), 'go');
    assert.equal(dependencyFileKind('vendor/modules.txt'), 'vendor');
    assert.equal(dependencyFileKind('web/package-lock.json'), 'npm');
    assert.equal(dependencyFileKind('.github/workflows/ci.yml'), 'ci');
    assert.equal(dependencyFileKind('Jenkinsfile'), 'ci');
    assert.equal(dependencyFileKind('build/Dockerfile.ci'), 'docker');
    assert.equal(dependencyFileKind('main.go'), undefined);
    assert.equal(dependencyFileKind('docs/modules.txt'), undefined);
  });
});
