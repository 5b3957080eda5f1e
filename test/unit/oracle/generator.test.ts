/** The oracle generator: reproducible from its seed, every family and variant, well-formed projects. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseGoSum } from '../../../src/gomod/parse-go-sum.ts';
import { FAMILIES, VARIANTS, allVariants, generateProjects, DEFAULT_COUNT } from '../../oracle/generate.ts';
import { firstGoError, goNamedModules, ruleFor } from '../../oracle/judge.ts';
import { zipEntries, zipHash } from '../../oracle/universe.ts';

describe('oracle generator', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const a = JSON.stringify(generateProjects());
    const b = JSON.stringify(generateProjects());
    assert.equal(a, b);
    assert.notEqual(JSON.stringify(generateProjects({ seed: 7 })), a);
  });

  it('makes at least 300 projects covering every family and variant', () => {
    const projects = generateProjects();
    assert.ok(DEFAULT_COUNT >= 300);
    assert.equal(projects.length, DEFAULT_COUNT);
    assert.equal(new Set(projects.map((p) => p.id)).size, projects.length, 'ids are unique');
    for (const family of FAMILIES) {
      const variants = new Set(projects.filter((p) => p.family === family).map((p) => p.variant));
      assert.deepEqual([...variants].sort(), Object.keys(VARIANTS[family]).sort(), family);
    }
    assert.ok(allVariants().length >= 100);
  });

  it('writes go.sum files the engine parses, with hashes of what the fake serves', () => {
    for (const p of generateProjects()) {
      if (p.goSum === undefined || /malformed/.test(p.variant)) continue;
      const sum = parseGoSum(p.goSum, 'go.sum');
      if (p.family !== 'healthy') continue;
      for (const e of sum.entries.filter((x) => !x.goMod)) {
        const m = p.modules.find((x) => x.path === e.path);
        const v = m?.versions.find((x) => x.version === e.version);
        assert.ok(m && v, `${p.id}: go.sum names ${e.path}@${e.version} from the universe`);
        assert.equal(e.hash, zipHash(m.path, v));
      }
    }
  });

  it("lays zips out by go's rules unless the variant breaks them", () => {
    for (const p of generateProjects().filter((x) => x.family === 'healthy')) {
      for (const m of p.modules)
        for (const v of m.versions) for (const e of zipEntries(m.path, v)) assert.ok(e.name.startsWith(`${m.path}@${v.version}/`), e.name);
    }
  });
});

describe("oracle judge: reading go's output", () => {
  const out =
    'go: downloading example.com/a v1.0.0\ngo: example.com/a@v1.0.0 (replaced by example.com/b@v1.2.0): parsing go.mod:\n\tmodule declares its path as: example.com/c\n\t        but was required as: example.com/a\ngo: other error';
  it("takes go's first error and every module@version it names", () => {
    assert.equal(firstGoError(out).split('\n').length, 3);
    assert.deepEqual(goNamedModules(out), [
      { path: 'example.com/a', version: 'v1.0.0' },
      { path: 'example.com/b', version: 'v1.2.0' },
    ]);
    assert.deepEqual(ruleFor(out)?.accept, ['module-path-mismatch', 'replace-directive']);
  });
  it('does not read a port in a URL as a module path', () => {
    const sumdb =
      'go: example.org/x/yaml@v1.1.7: verifying go.mod: example.org/x/yaml@v1.1.7/go.mod: Get "http://127.0.0.1:34943/lookup/example.org/x/yaml@v1.1.7": dial tcp 127.0.0.1:34943: connect: connection refused';
    assert.deepEqual(goNamedModules(sumdb), [{ path: 'example.org/x/yaml', version: 'v1.1.7' }]);
    assert.deepEqual(ruleFor(sumdb)?.accept, ['sumdb-unreachable', 'private-module-routing']);
  });
});
