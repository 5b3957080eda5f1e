/**
 * The module graph stage against the real go command: for each scenario,
 * `go mod download` with a fresh GOMODCACHE and the diagnosis engine read the
 * same go.mod/go.sum through the same GOPROXY fake. buildfix must report an
 * error-severity finding exactly when go fails, and name the module@version
 * go names (deep in the graph, through replace, excluded, go.sum mismatches).
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { diagnose } from '../../../src/engine/diagnose.ts';
import { runCommand } from '../../../src/exec/run-command.ts';
import { goModHash } from '../../../src/gomod/dirhash.ts';
import type { DiagnosisReport, Finding } from '../../../src/report/model.ts';
import { mapLimit } from '../../../src/util/map-limit.ts';
import { runCli } from '../../helpers/run-cli.ts';
import { goModFor, startGoProxyFake, type FakeModule, type GoProxyFake } from '../../fakes/goproxy-server.ts';

const gm = (path: string, go: string | undefined, requires: string[] = [], declared = path): string =>
  `module ${declared}\n${go ? `\ngo ${go}\n` : ''}${requires.length ? `\nrequire (\n${requires.map((r) => `\t${r.replace('@', ' ')}\n`).join('')})\n` : ''}`;

const MODULES: FakeModule[] = [
  {
    path: 'example.com/a',
    versions: [
      { version: 'v1.0.0', goMod: gm('example.com/a', '1.19') },
      { version: 'v1.1.0', goMod: gm('example.com/a', '1.16', ['example.com/c@v1.1.0']) },
      { version: 'v1.2.0', goMod: gm('example.com/a', '1.19', ['example.com/c@v1.1.0']) },
      { version: 'v1.3.0', goMod: gm('example.com/a', '1.16', ['example.com/d@v1.0.0']) },
      { version: 'v1.4.0', goMod: gm('example.com/a', '1.16', ['example.com/b@v1.0.0']) },
      { version: 'v1.5.0', goMod: gm('example.com/a', '1.19', ['example.com/c@v1.2.0']) },
      { version: 'v1.6.0', goMod: gm('example.com/a', undefined, ['example.com/c@v1.1.0']) },
      { version: 'v1.7.0', goMod: gm('example.com/a', '1.16', ['example.com/b@v1.2.0']) },
    ],
  },
  {
    path: 'example.com/b',
    versions: [
      { version: 'v1.0.0', goMod: gm('example.com/b', '1.16', ['example.com/c@v1.0.0']) },
      { version: 'v1.1.0', goMod: gm('example.com/b', '1.19', ['example.com/a@v1.1.0']) },
      { version: 'v1.2.0', goMod: 'module example.com/b\n\ngo 1.16\n\nrequire example.com/c v1.0.0 v1.0.1\n' },
    ],
  },
  {
    path: 'example.com/c',
    versions: [
      { version: 'v1.0.0', goMod: gm('example.com/c', '1.19') },
      { version: 'v1.1.0', fail: { status: 404 } },
      { version: 'v1.2.0', goMod: gm('example.com/c', '1.19') },
    ],
  },
  { path: 'example.com/d', versions: [{ version: 'v1.0.0', goMod: gm('example.com/d', '1.19', [], 'example.org/d') }] },
  { path: 'example.org/d', versions: [{ version: 'v1.0.0', goMod: gm('example.org/d', '1.19') }] },
  {
    path: 'example.com/r',
    versions: [
      { version: 'v1.0.0', goMod: gm('example.com/r', '1.19') },
      { version: 'v1.1.0', goMod: gm('example.com/r', '1.19') },
      { version: 'v1.2.0', goMod: `${gm('example.com/r', '1.19')}\nretract v1.1.0 // corrupts the cache\n` },
    ],
  },
  { path: 'example.com/s', versions: [{ version: 'v1.0.0', goMod: gm('example.com/s', '1.19', ['example.com/r@v1.1.0']) }] },
  { path: 'example.com/e', versions: [{ version: 'v1.0.0', goMod: gm('example.com/e', '1.19') }] },
];

const modText = (path: string, version: string): string => {
  const m = MODULES.find((x) => x.path === path);
  const v = m?.versions.find((x) => x.version === version);
  if (!m || !v) throw new Error(`no fake ${path}@${version}`);
  return goModFor(m, v);
};
const sumLine = (path: string, version: string, hash = goModHash(modText(path, version))): string => `${path} ${version}/go.mod ${hash}\n`;
const TAMPERED = 'h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

interface Scenario {
  name: string;
  go: string | undefined;
  require: string[];
  extra?: string;
  goSum?: () => string;
  localDirs?: Record<string, string>;
  /** The module@version go names and the category buildfix must give it; undefined: go succeeds. */
  fails?: { module: string; category: Finding['category'] };
  /** A warning buildfix must give (go succeeds): category and module@version. */
  warn?: { module: string; category: Finding['category']; message: RegExp };
  /** What the fix must say. */
  fix?: RegExp;
  /** A chain buildfix must show for it. */
  chain?: string[];
}

const SCENARIOS: Scenario[] = [
  { name: 'healthy, pruned', go: '1.19', require: ['example.com/a@v1.0.0'] },
  { name: 'pruned dependency (go 1.19) requires a missing version: go never reads it', go: '1.19', require: ['example.com/a@v1.2.0'] },
  {
    name: 'the same under a go 1.16 main module: read, and missing',
    go: '1.16',
    require: ['example.com/a@v1.2.0'],
    fails: { module: 'example.com/c@v1.1.0', category: 'version-not-found' },
  },
  {
    name: 'unpruned dependency (go 1.16) requires a missing version',
    go: '1.19',
    require: ['example.com/a@v1.1.0'],
    fails: { module: 'example.com/c@v1.1.0', category: 'version-not-found' },
    chain: ['example.com/app', 'example.com/a@v1.1.0', 'example.com/c@v1.1.0'],
    fix: /replace example\.com\/c v1\.1\.0 => example\.com\/c v1\.2\.0/,
  },
  {
    name: 'dependency without a go line reads as unpruned',
    go: '1.19',
    require: ['example.com/a@v1.6.0'],
    fails: { module: 'example.com/c@v1.1.0', category: 'version-not-found' },
  },
  {
    name: 'deep module declares another path',
    go: '1.19',
    require: ['example.com/a@v1.3.0'],
    fails: { module: 'example.com/d@v1.0.0', category: 'module-path-mismatch' },
    chain: ['example.com/app', 'example.com/a@v1.3.0', 'example.com/d@v1.0.0'],
  },
  {
    name: 'deep path mismatch fixed by a replace to the declared path',
    go: '1.19',
    require: ['example.com/a@v1.3.0'],
    extra: 'replace example.com/d v1.0.0 => example.org/d v1.0.0\n',
  },
  {
    name: 'deep missing version fixed by a versioned replace',
    go: '1.19',
    require: ['example.com/a@v1.1.0'],
    extra: 'replace example.com/c v1.1.0 => example.com/c v1.2.0\n',
  },
  { name: 'deep missing version excluded by the main module', go: '1.19', require: ['example.com/a@v1.1.0'], extra: 'exclude example.com/c v1.1.0\n' },
  {
    name: 'go 1.19: requiring an excluded version',
    go: '1.19',
    require: ['example.com/c@v1.0.0'],
    extra: 'exclude example.com/c v1.0.0\n',
    fails: { module: 'example.com/c@v1.0.0', category: 'excluded-version' },
  },
  { name: 'go 1.16: requiring an excluded version is only dropped', go: '1.16', require: ['example.com/c@v1.0.0'], extra: 'exclude example.com/c v1.0.0\n' },
  {
    name: "MVS raises a root; the raised version's graph is read",
    go: '1.19',
    require: ['example.com/a@v1.0.0', 'example.com/b@v1.1.0'],
    fails: { module: 'example.com/c@v1.1.0', category: 'version-not-found' },
  },
  { name: 'deep healthy unpruned chain', go: '1.19', require: ['example.com/a@v1.4.0'] },
  { name: 'root raised to a healthy version', go: '1.19', require: ['example.com/c@v1.0.0', 'example.com/a@v1.5.0'] },
  {
    name: 'directory replacement whose go.mod needs a missing version',
    go: '1.19',
    require: ['example.com/a@v1.0.0'],
    extra: 'replace example.com/a => ./fork\n',
    localDirs: { fork: gm('example.com/a', '1.16', ['example.com/c@v1.1.0']) },
    fails: { module: 'example.com/c@v1.1.0', category: 'version-not-found' },
  },
  {
    name: 'directory replacement without go.mod',
    go: '1.19',
    require: ['example.com/a@v1.0.0'],
    extra: 'replace example.com/a => ./gone\n',
    fails: { module: 'example.com/a', category: 'replace-directive' },
  },
  {
    name: 'replace target declares a third path',
    go: '1.19',
    require: ['example.com/a@v1.0.0'],
    extra: 'replace example.com/a v1.0.0 => example.com/d v1.0.0\n',
    fails: { module: 'example.com/d@v1.0.0', category: 'module-path-mismatch' },
  },
  {
    name: 'replace to another module that declares its own path',
    go: '1.19',
    require: ['example.com/a@v1.0.0'],
    extra: 'replace example.com/a v1.0.0 => example.com/e v1.0.0\n',
  },
  {
    name: 'go.sum /go.mod lines match (go agrees with our h1:)',
    go: '1.19',
    require: ['example.com/a@v1.4.0'],
    goSum: () => sumLine('example.com/a', 'v1.4.0') + sumLine('example.com/b', 'v1.0.0') + sumLine('example.com/c', 'v1.0.0'),
  },
  {
    name: 'go.sum /go.mod line tampered for a direct requirement',
    go: '1.19',
    require: ['example.com/a@v1.0.0'],
    goSum: () => sumLine('example.com/a', 'v1.0.0', TAMPERED),
    fails: { module: 'example.com/a@v1.0.0', category: 'checksum-mismatch' },
  },
  {
    name: 'go.sum /go.mod line tampered deep in the graph',
    go: '1.19',
    require: ['example.com/a@v1.4.0'],
    goSum: () => sumLine('example.com/a', 'v1.4.0') + sumLine('example.com/b', 'v1.0.0', TAMPERED),
    fails: { module: 'example.com/b@v1.0.0', category: 'checksum-mismatch' },
  },
  {
    name: 'direct requirement declares another path',
    go: '1.19',
    require: ['example.com/d@v1.0.0'],
    fails: { module: 'example.com/d@v1.0.0', category: 'module-path-mismatch' },
  },
  {
    name: 'direct requirement missing',
    go: '1.19',
    require: ['example.com/c@v1.1.0'],
    fails: { module: 'example.com/c@v1.1.0', category: 'version-not-found' },
  },
  {
    name: 'MVS raises a direct requirement to a retracted version: a warning, go succeeds',
    go: '1.19',
    require: ['example.com/r@v1.0.0', 'example.com/s@v1.0.0'],
    warn: { module: 'example.com/r@v1.1.0', category: 'retracted-version', message: /corrupts the cache/ },
  },
  {
    name: 'deep go.mod that does not parse',
    go: '1.19',
    require: ['example.com/a@v1.7.0'],
    fails: { module: 'example.com/b@v1.2.0', category: 'invalid-go-mod' },
  },
];

describe('the module graph agrees with go mod download (go 1.19)', { timeout: 60_000 }, () => {
  let fake: GoProxyFake;
  let work: string;
  const results = new Map<string, { go: { exitCode: number; out: string }; report: DiagnosisReport; first: DiagnosisReport | undefined }>();

  before(async () => {
    fake = await startGoProxyFake({ modules: MODULES });
    work = await mkdtemp(join(tmpdir(), 'bf-graph-agree-'));
    const goEnv = { GOPROXY: fake.url, GOSUMDB: 'off', GOFLAGS: '-mod=mod', GOPRIVATE: '', GONOSUMDB: '', GONOPROXY: '', GOTOOLCHAIN: 'local' };
    await mapLimit(SCENARIOS, 3, async (sc, i) => {
      const dir = join(work, `s${i}`, 'app');
      await mkdir(dir, { recursive: true });
      const requires = sc.require.map((r) => `\t${r.replace('@', ' ')}\n`).join('');
      await writeFile(
        join(dir, 'go.mod'),
        `module example.com/app\n${sc.go ? `\ngo ${sc.go}\n` : ''}\nrequire (\n${requires})\n${sc.extra ? `\n${sc.extra}` : ''}`,
      );
      if (sc.goSum) await writeFile(join(dir, 'go.sum'), sc.goSum());
      for (const [rel, text] of Object.entries(sc.localDirs ?? {})) {
        await mkdir(join(dir, rel), { recursive: true });
        await writeFile(join(dir, rel, 'go.mod'), text);
      }
      // The engine first: go mod download rewrites go.mod/go.sum in -mod=mod.
      let first: DiagnosisReport | undefined;
      const report = await diagnose(dir, {
        config: {
          repoUrlTemplate: 'https://github.com/{repo}.git',
          repos: {},
          thresholds: { minFreePercent: 10, minFreeBytes: 1, minFreeInodesPercent: 5 },
          concurrency: 16,
          requestTimeoutMs: 5_000,
        },
        goEnv,
        host: 'test',
        parts: { probe: false, host: false, lint: false, toolchain: false },
        processEnv: { HOME: join(work, 'home') },
        onFirstVerdict: (r) => {
          first = r;
        },
      });
      const go = await runCommand(['go', 'mod', 'download', '-json'], {
        cwd: dir,
        env: { ...goEnv, HOME: join(work, 'home'), GOMODCACHE: join(work, `s${i}`, 'modcache'), GOPATH: join(work, `s${i}`, 'gopath'), GOFLAGS: '-mod=mod' },
        inheritEnv: ['PATH'],
        reject: false,
        timeoutMs: 30_000,
        tailBytes: 1 << 20,
      });
      results.set(sc.name, { go: { exitCode: go.exitCode ?? -1, out: `${go.stdout}\n${go.stderr}` }, report, first });
    });
  });
  after(async () => {
    await fake.close();
    await rm(work, { recursive: true, force: true });
  });

  it('the CLI streams the first verdict, then prints the refined report with the chain', async () => {
    const i = SCENARIOS.findIndex((sc) => sc.name === 'deep module declares another path');
    const dir = join(work, 'cli', 'app');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'go.mod'), `module example.com/app\n\ngo 1.19\n\nrequire example.com/a v1.3.0\n`);
    const cli = await runCli(['diagnose', dir, '--skip', 'host,probe,lint,toolchain,retractions'], {
      GOPROXY: fake.url,
      GOSUMDB: 'off',
      GOFLAGS: '-mod=mod',
      HOME: join(work, 'home'),
    });
    assert.ok(i >= 0);
    assert.equal(cli.exitCode, 1, cli.stderr);
    // The first pass sees nothing wrong with the direct requirement; the graph finds the deep mismatch.
    assert.match(cli.stderr, /first pass \(\d+ ms\): ✓ no blocking problem · checking the module graph…/);
    assert.match(cli.stdout, /module graph checked/);
    assert.match(cli.stdout, /Root cause: module-path-mismatch — example\.com\/d v1\.0\.0/);
    assert.match(cli.stdout, /via example\.com\/app → example\.com\/a@v1\.3\.0 → example\.com\/d@v1\.0\.0/);
    assert.match(cli.stdout, /replace example\.com\/d v1\.0\.0 => example\.org\/d v1\.0\.0/);
  });

  for (const sc of SCENARIOS) {
    it(sc.name, () => {
      const r = results.get(sc.name);
      assert.ok(r, 'scenario ran');
      const errors = r.report.findings.filter((f) => f.severity === 'error');
      const show = `go exit ${r.go.exitCode}:\n${r.go.out}\nbuildfix: ${JSON.stringify(r.report.findings, null, 1)}`;
      assert.equal(r.report.stage, 'graph');
      assert.equal(r.first?.stage, 'first-pass');
      // buildfix fails exactly when go does…
      assert.equal(errors.length > 0, r.go.exitCode !== 0, show);
      assert.equal(sc.fails !== undefined, r.go.exitCode !== 0, `scenario expectation vs go: ${show}`);
      if (sc.warn) {
        const [wp, wv] = sc.warn.module.split('@');
        const w = r.report.findings.find((f) => f.category === sc.warn?.category && f.module === wp && f.version === wv);
        assert.equal(w?.severity, 'warning', show);
        assert.match(w?.message ?? '', sc.warn.message);
      }
      if (!sc.fails) return;
      // …and names the module version go names, with a category that fits go's message.
      const [path, version] = sc.fails.module.split('@') as [string, string | undefined];
      assert.ok(r.go.out.includes(sc.fails.module) || r.go.out.includes(sc.fails.module.replace('@', ' ')), `go names ${sc.fails.module}: ${r.go.out}`);
      const hit = errors.find((f) => f.module === path && (version === undefined || f.version === version));
      assert.ok(hit, `buildfix names ${sc.fails.module}: ${show}`);
      assert.equal(hit.category, sc.fails.category, show);
      assert.equal(errors[0], hit, `the root cause is ${sc.fails.module}: ${show}`);
      assert.ok(hit.fix, 'a fix is given');
      if (sc.chain) assert.deepEqual(hit.chain, sc.chain);
      if (sc.fix) assert.match(hit.fix, sc.fix);
      // One finding per module version: the graph updates the first pass's instead of adding a second.
      const keys = r.report.findings.map((f) => f.key).filter(Boolean);
      assert.equal(new Set(keys).size, keys.length, `duplicate keys: ${keys.join(', ')}`);
    });
  }
});
