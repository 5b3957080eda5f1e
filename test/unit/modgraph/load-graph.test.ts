import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { goModHash } from '../../../src/gomod/dirhash.ts';
import { parseGoMod } from '../../../src/gomod/parse-go-mod.ts';
import { parseGoSum } from '../../../src/gomod/parse-go-sum.ts';
import {
  buildList,
  downloadList,
  graphFindings,
  loadModuleGraph,
  modKey,
  readLocalGoMod,
  RequirementGraph,
  type GoModFetch,
  type GoModSource,
  type ModVer,
} from '../../../src/modgraph/index.ts';

/** go.mod files by module@version, as a proxy would serve them; anything else is 404. */
class MapSource implements GoModSource {
  readonly asked: string[] = [];
  readonly #mods: Map<string, string>;
  constructor(mods: Record<string, string>) {
    this.#mods = new Map(Object.entries(mods));
  }
  async fetch(m: ModVer): Promise<GoModFetch> {
    this.asked.push(modKey(m));
    const text = this.#mods.get(modKey(m));
    return text === undefined ? { ok: false, kind: 'not-found', message: `${modKey(m)}: 404 Not Found` } : { ok: true, text };
  }
  readLocal(dir: string): Promise<GoModFetch> {
    // Directories are read from disk by the real implementation.
    return readLocalGoMod(dir);
  }
}

const mod = (path: string, go: string | undefined, requires: string[] = [], declared = path): string =>
  `module ${declared}\n${go ? `\ngo ${go}\n` : ''}${requires.length ? `\nrequire (\n${requires.map((r) => `\t${r.replace('@', ' ')}\n`).join('')})\n` : ''}`;

const app = (go: string, requires: string[], extra = ''): ReturnType<typeof parseGoMod> =>
  parseGoMod(`${mod('example.com/app', go, requires)}${extra}`, 'go.mod');

describe('module graph (MVS, pruning, replace, exclude)', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bf-modgraph-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('RequirementGraph selects the highest version and finds the breadth-first chain', () => {
    const top = { path: 'app', version: '' };
    const g = new RequirementGraph(top, [
      { path: 'a', version: 'v1.0.0' },
      { path: 'b', version: 'v1.0.0' },
    ]);
    g.require({ path: 'b', version: 'v1.0.0' }, [
      { path: 'a', version: 'v1.2.0' },
      { path: 'c', version: 'v0.1.0' },
    ]);
    g.require({ path: 'a', version: 'v1.2.0' }, [{ path: 'c', version: 'v0.3.0' }]);
    assert.equal(g.selected('a'), 'v1.2.0');
    assert.equal(g.selected('c'), 'v0.3.0');
    assert.equal(g.selected('zzz'), 'none');
    assert.deepEqual(g.buildList().map(modKey), ['app', 'a@v1.2.0', 'b@v1.0.0', 'c@v0.3.0']);
    assert.deepEqual(g.findPath((m) => m.path === 'c')?.map(modKey), ['app', 'b@v1.0.0', 'c@v0.1.0']);
  });

  it("pruned main module: a go 1.17+ dependency's requirements are recorded but their go.mod files are not read", async () => {
    const source = new MapSource({ 'example.com/a@v1.0.0': mod('example.com/a', '1.19', ['example.com/c@v1.1.0']) });
    const g = await loadModuleGraph(app('1.19', ['example.com/a@v1.0.0']), { mainDir: dir, goSum: undefined, source });
    assert.deepEqual(g.problems, []);
    assert.deepEqual(source.asked, ['example.com/a@v1.0.0']);
    assert.deepEqual(buildList(g).map(modKey), ['example.com/app', 'example.com/a@v1.0.0', 'example.com/c@v1.1.0']);
    assert.deepEqual(downloadList(g).map(modKey), ['example.com/a@v1.0.0']);
  });

  it('a go 1.16 dependency is read transitively, so a missing deep version fails with its chain', async () => {
    const source = new MapSource({
      'example.com/a@v1.0.0': mod('example.com/a', '1.16', ['example.com/b@v1.0.0']),
      'example.com/b@v1.0.0': mod('example.com/b', '1.19', ['example.org/c@v1.1.0']),
    });
    const g = await loadModuleGraph(app('1.19', ['example.com/a@v1.0.0']), { mainDir: dir, goSum: undefined, source });
    assert.equal(g.problems.length, 1);
    const p = g.problems[0]!;
    assert.equal(p.kind, 'not-found');
    assert.deepEqual(p.chain.map(modKey), ['example.com/app', 'example.com/a@v1.0.0', 'example.com/b@v1.0.0', 'example.org/c@v1.1.0']);
    const [f] = graphFindings(g, undefined);
    assert.equal(f?.category, 'version-not-found');
    assert.equal(f?.key, 'version-not-found:example.org/c@v1.1.0');
    assert.equal(f?.location, 'example.com/b@v1.0.0/go.mod:6');
    assert.match(f?.message ?? '', /example\.com\/app → example\.com\/a@v1\.0\.0 → example\.com\/b@v1\.0\.0 → example\.org\/c@v1\.1\.0/);
    assert.match(f?.fix ?? '', /replace example\.org\/c v1\.1\.0 => example\.org\/c <published version>/);
  });

  it('an unpruned main module (go 1.16) reads everything and downloads the whole build list', async () => {
    const source = new MapSource({
      'example.com/a@v1.0.0': mod('example.com/a', '1.19', ['example.com/b@v1.2.0']),
      'example.com/b@v1.2.0': mod('example.com/b', '1.19'),
      'example.com/b@v1.0.0': mod('example.com/b', '1.19'),
    });
    const g = await loadModuleGraph(app('1.16', ['example.com/a@v1.0.0', 'example.com/b@v1.0.0']), { mainDir: dir, goSum: undefined, source });
    assert.deepEqual(g.problems, []);
    assert.deepEqual(source.asked.sort(), ['example.com/a@v1.0.0', 'example.com/b@v1.0.0', 'example.com/b@v1.2.0']);
    assert.deepEqual(downloadList(g).map(modKey), ['example.com/a@v1.0.0', 'example.com/b@v1.2.0']);
  });

  it("a root below its selected version is raised and the new version's go.mod is read (expandGraph)", async () => {
    const source = new MapSource({
      'example.com/a@v1.0.0': mod('example.com/a', '1.19'),
      'example.com/b@v1.0.0': mod('example.com/b', '1.19', ['example.com/a@v1.1.0']),
      'example.com/a@v1.1.0': mod('example.com/a', '1.19', ['example.com/d@v0.9.0']),
    });
    const g = await loadModuleGraph(app('1.19', ['example.com/a@v1.0.0', 'example.com/b@v1.0.0']), { mainDir: dir, goSum: undefined, source });
    assert.deepEqual(g.problems, []);
    assert.ok(source.asked.includes('example.com/a@v1.1.0'));
    assert.deepEqual(downloadList(g).map(modKey), ['example.com/a@v1.1.0', 'example.com/b@v1.0.0']);
    assert.equal(g.selected.get('example.com/d'), 'v0.9.0');
  });

  it('replace: to another module (its own path or the original is accepted), to a directory, version-specific or not', async () => {
    const local = join(dir, 'fork');
    await mkdir(local, { recursive: true });
    await writeFile(join(local, 'go.mod'), mod('example.com/anything', '1.16', ['example.com/e@v1.0.0']));
    const source = new MapSource({
      'example.com/fork@v1.5.0': mod('example.com/fork', '1.19'),
      'example.com/b2@v1.0.0': mod('example.com/b', '1.19'),
      'example.com/e@v1.0.0': mod('example.com/e', '1.19'),
    });
    const goMod = app(
      '1.19',
      ['example.com/a@v1.0.0', 'example.com/b@v1.0.0', 'example.com/l@v1.0.0'],
      '\nreplace example.com/a v1.0.0 => example.com/fork v1.5.0\nreplace example.com/b => example.com/b2 v1.0.0\nreplace example.com/l => ./fork\n',
    );
    const g = await loadModuleGraph(goMod, { mainDir: dir, goSum: undefined, source });
    assert.deepEqual(g.problems, []);
    assert.deepEqual(downloadList(g).map(modKey), ['example.com/fork@v1.5.0', 'example.com/b2@v1.0.0']);
    // The directory's go 1.16 module is unpruned: its requirement was read.
    assert.ok(source.asked.includes('example.com/e@v1.0.0'));
  });

  it('a replace target that declares a third path, and a directory without go.mod, are errors', async () => {
    const source = new MapSource({ 'example.com/other@v1.0.0': mod('example.com/other', '1.19', [], 'example.com/third') });
    const goMod = app(
      '1.19',
      ['example.com/a@v1.0.0', 'example.com/l@v1.0.0'],
      '\nreplace example.com/a => example.com/other v1.0.0\nreplace example.com/l => ./nowhere\n',
    );
    const g = await loadModuleGraph(goMod, { mainDir: dir, goSum: undefined, source });
    const kinds = g.problems.map((p) => `${p.kind} ${modKey(p.module)}`).sort();
    assert.deepEqual(kinds, ['local-missing example.com/l@v1.0.0', 'path-mismatch example.com/a@v1.0.0']);
    const findings = graphFindings(g, undefined);
    const mismatch = findings.find((f) => f.category === 'module-path-mismatch');
    assert.equal(mismatch?.module, 'example.com/other');
    assert.match(mismatch?.fix ?? '', /replace target declares another module/);
    assert.equal(findings.find((f) => f.category === 'replace-directive')?.key, 'replace-directive:example.com/l');
  });

  it('exclude: a required excluded version is dropped (go ≥ 1.17: "not a known dependency"); excluded deep requirements are dropped', async () => {
    const source = new MapSource({
      'example.com/a@v1.0.0': mod('example.com/a', '1.16', ['example.com/c@v1.1.0']),
      'example.com/x@v1.2.0': mod('example.com/x', '1.19'),
    });
    const goMod = app(
      '1.19',
      ['example.com/a@v1.0.0', 'example.com/x@v1.2.0', 'example.com/y@v1.0.0'],
      '\nexclude (\n\texample.com/c v1.1.0\n\texample.com/y v1.0.0\n)\n',
    );
    const g = await loadModuleGraph(goMod, { mainDir: dir, goSum: undefined, source });
    assert.deepEqual(
      g.problems.map((p) => `${p.kind} ${modKey(p.module)}`),
      ['excluded-root example.com/y@v1.0.0'],
    );
    assert.ok(!source.asked.includes('example.com/c@v1.1.0'));
    const [f] = graphFindings(g, undefined);
    assert.equal(f?.category, 'excluded-version');
    assert.equal(f?.location, 'go.mod:8');
    assert.match(f?.fix ?? '', /delete the exclude at go\.mod:13/);
    // At go 1.16 the same go.mod only warns.
    const old = await loadModuleGraph(app('1.16', ['example.com/y@v1.0.0'], '\nexclude example.com/y v1.0.0\n'), { mainDir: dir, goSum: undefined, source });
    assert.deepEqual(old.problems, []);
    assert.equal(graphFindings(old, undefined)[0]?.severity, 'warning');
  });

  it('go.sum /go.mod lines: a differing h1: is a checksum mismatch; a missing line is only noted', async () => {
    const aMod = mod('example.com/a', '1.19', ['example.com/b@v1.0.0']);
    const source = new MapSource({ 'example.com/a@v1.0.0': aMod, 'example.com/z@v1.0.0': mod('example.com/z', '1.19') });
    const good = parseGoSum(`example.com/a v1.0.0/go.mod ${goModHash(aMod)}\n`, 'go.sum');
    const ok = await loadModuleGraph(app('1.19', ['example.com/a@v1.0.0', 'example.com/z@v1.0.0']), { mainDir: dir, goSum: good, source });
    assert.deepEqual(ok.problems, []);
    assert.deepEqual(ok.missingGoSum.map(modKey), ['example.com/z@v1.0.0']);
    const bad = parseGoSum(
      'example.com/a v1.0.0 h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\nexample.com/a v1.0.0/go.mod h1:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB=\n',
      'go.sum',
    );
    const g = await loadModuleGraph(app('1.19', ['example.com/a@v1.0.0']), { mainDir: dir, goSum: bad, source });
    assert.equal(g.problems[0]?.kind, 'checksum-mismatch');
    const [f] = graphFindings(g, bad);
    assert.equal(f?.category, 'checksum-mismatch');
    assert.equal(f?.location, 'go.sum:2');
    assert.match(f?.evidence ?? '', new RegExp(goModHash(aMod).replace(/[+/=]/g, '\\$&')));
  });
});
