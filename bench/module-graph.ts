/**
 * Benchmark (issue 12): the module graph stage.
 *
 * 1. The 200-requirement project of bench/diagnose-vs-go.ts (one version
 *    missing, +50 ms per proxy answer): the first verdict's engine time
 *    (report.facts.firstVerdictMs) against the floor ceil(200/64) × 50 ms,
 *    and the graph-complete verdict (report.durationMs) against
 *    `go mod download` on the same go.mod, GOPROXY and an empty GOMODCACHE.
 * 2. A 1,000-module graph, depth 5, every dependency at go 1.16 (unpruned,
 *    so go reads every go.mod in it), two versions per module so MVS has to
 *    choose, +10 ms per answer: buildfix's time and peak RSS next to go's.
 *
 * buildfix runs in its shipped form (npm run build; diagnose --json with the
 * probe and host checks on, as a user would run it). Prints a Markdown section.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FakeModule } from '../test/fakes/goproxy-server.ts';
import { buildShippedApp } from './lib/build-app.ts';
import { startGoProxyFakeProcess, type FakeProcess } from './lib/goproxy-fake-process.ts';
import { fmt, median, timedRun, type TimedRun } from './lib/stats.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const CONCURRENCY = 64;

interface Project {
  modules: FakeModule[];
  goMod: string;
  delayMs: number;
}

/** bench/diagnose-vs-go.ts's project: 200 requirements (40 direct), example.com/mod137 v1.0.1 missing. */
function project200(): Project {
  const modules: FakeModule[] = [];
  const lines: string[] = [];
  for (let i = 0; i < 200; i++) {
    const path = `example.com/mod${String(i).padStart(3, '0')}`;
    modules.push({ path, versions: [{ version: 'v1.0.0' }, { version: 'v1.0.1', ...(path === 'example.com/mod137' ? { fail: { status: 404 } } : {}) }] });
    lines.push(`\t${path} v1.0.1${i >= 40 ? ' // indirect' : ''}`);
  }
  return { modules, goMod: `module example.com/app\n\ngo 1.19\n\nrequire (\n${lines.join('\n')}\n)\n`, delayMs: 50 };
}

export const LAYERS = [10, 40, 150, 300, 500];

/**
 * 1,000 modules in 5 layers (10, 40, 150, 300, 500); module i of a layer requires
 * every module j of the next layer with j ≡ i (mod layer size), plus one shared
 * neighbour, at v1.0.0 or v1.1.0, so every module is in the graph and MVS picks
 * between versions. go 1.16 go.mod files: nothing is pruned.
 */
function project1000(): Project {
  const name = (layer: number, i: number): string => `example.com/l${layer}/m${String(i).padStart(3, '0')}`;
  const modules: FakeModule[] = [];
  for (const [layer, size] of LAYERS.entries()) {
    const next = LAYERS[layer + 1];
    for (let i = 0; i < size; i++) {
      const path = name(layer, i);
      const versions = ['v1.0.0', 'v1.1.0'].map((version, vi) => {
        const targets = new Set<number>();
        if (next !== undefined) {
          for (let j = i; j < next; j += size) targets.add(j);
          targets.add((i + 1 + vi) % next);
        }
        const reqs = [...targets].map((j) => `\t${name(layer + 1, j)} v1.${(i + j) % 2}.0\n`);
        return { version, goMod: `module ${path}\n\ngo 1.16\n${reqs.length ? `\nrequire (\n${reqs.join('')})\n` : ''}` };
      });
      modules.push({ path, versions });
    }
  }
  const roots = Array.from({ length: LAYERS[0] ?? 0 }, (_, i) => `\t${name(0, i)} v1.1.0\n`).join('');
  return { modules, goMod: `module example.com/app\n\ngo 1.19\n\nrequire (\n${roots})\n`, delayMs: 10 };
}

interface Measured {
  /** The same diagnosis with --skip graph: the first pass alone, for comparison. */
  firstPassOnly: number[];
  buildfix: TimedRun[];
  go: TimedRun[];
  report: { durationMs: number; ok: boolean; stage?: string; facts: Record<string, number | string> }[];
}

async function measure(work: string, bin: string, label: string, p: Project, expectFailure: string | undefined): Promise<Measured> {
  const dir = join(work, label);
  await mkdir(join(dir, 'repo'), { recursive: true });
  await mkdir(join(dir, 'home'), { recursive: true });
  await writeFile(join(dir, 'fake.json'), JSON.stringify({ modules: p.modules, delayMs: p.delayMs }));
  await writeFile(join(dir, 'repo', 'go.mod'), p.goMod);
  const fake: FakeProcess = await startGoProxyFakeProcess(join(dir, 'fake.json'));
  const env = {
    PATH: process.env.PATH,
    HOME: join(dir, 'home'),
    GOPROXY: fake.url,
    GOSUMDB: 'off',
    GOFLAGS: '-mod=mod',
    GOTOOLCHAIN: 'local',
    NO_COLOR: '1',
    NODE_COMPILE_CACHE: join(work, 'compile-cache'),
  };
  const argv = [process.execPath, bin, 'diagnose', join(dir, 'repo'), '--json', '--concurrency', String(CONCURRENCY)];
  const out: Measured = { firstPassOnly: [], buildfix: [], go: [], report: [] };
  try {
    await timedRun(argv, { env }); // fills the compile cache, not measured
    for (let run = 0; run < RUNS; run++) {
      const r = await timedRun(argv, { env });
      const report = JSON.parse(r.stdout) as Measured['report'][number];
      if (report.stage !== 'graph') throw new Error(`${label}: the graph stage did not run: ${r.stdout.slice(0, 300)} ${r.stderr.slice(0, 300)}`);
      if (expectFailure ? !r.stdout.includes(`"module":"${expectFailure}"`) : !report.ok)
        throw new Error(`${label}: unexpected verdict (exit ${r.exitCode}): ${r.stdout.slice(0, 600)}`);
      out.buildfix.push(r);
      out.report.push(report);
      const alone = await timedRun([...argv, '--skip', 'graph'], { env });
      out.firstPassOnly.push((JSON.parse(alone.stdout) as { durationMs: number }).durationMs);
      const cache = join(dir, `modcache-${run}`);
      const go = await timedRun(['go', 'mod', 'download'], { cwd: join(dir, 'repo'), env: { ...env, GOMODCACHE: cache, GOPATH: join(dir, `gopath-${run}`) } });
      if ((go.exitCode === 0) !== (expectFailure === undefined)) throw new Error(`${label}: go exit ${go.exitCode}: ${go.stderr.slice(0, 400)}`);
      out.go.push(go);
      await rm(cache, { recursive: true, force: true }).catch(() => {});
      await writeFile(join(dir, 'repo', 'go.mod'), p.goMod); // go mod download may rewrite it
      await rm(join(dir, 'repo', 'go.sum'), { force: true });
    }
  } finally {
    await fake.close();
  }
  return out;
}

export async function benchModuleGraph(): Promise<string> {
  const work = await mkdtemp(join(tmpdir(), 'buildfix-bench-graph-'));
  try {
    // The shipped form (npm run build), as bench/diagnose-vs-go.ts measures it.
    const bin = await buildShippedApp(work);
    const small = await measure(work, bin, 'p200', project200(), 'example.com/mod137');
    const big = await measure(work, bin, 'p1000', project1000(), undefined);
    const floor = Math.ceil(200 / CONCURRENCY) * 50;
    const firstMs = median(small.report.map((r) => Number(r.facts.firstVerdictMs)));
    const graphMs = median(small.report.map((r) => r.durationMs));
    const goMs = median(small.go.map((r) => r.ms));
    const aloneMs = median(small.firstPassOnly);
    const bigFirst = median(big.report.map((r) => Number(r.facts.firstVerdictMs)));
    const bigGraph = median(big.report.map((r) => r.durationMs));
    const bigWall = median(big.buildfix.map((r) => r.ms));
    const bigGo = median(big.go.map((r) => r.ms));
    const facts = big.report[0]?.facts ?? {};
    return [
      `### Module graph stage (median of ${RUNS}, buildfix as shipped (npm run build), concurrency ${CONCURRENCY})`,
      '',
      '| project | first verdict (engine) | graph-complete verdict (engine) | buildfix wall | buildfix peak RSS | go mod download | go peak RSS |',
      '|---|---:|---:|---:|---:|---:|---:|',
      `| 200 requirements, 1 missing, +50 ms per answer | ${fmt(firstMs)} | ${fmt(graphMs)} | ${fmt(median(small.buildfix.map((r) => r.ms)))} | ${median(small.buildfix.map((r) => r.peakRssMiB)).toFixed(0)} MiB | ${fmt(goMs)} | ${median(small.go.map((r) => r.peakRssMiB)).toFixed(0)} MiB |`,
      `| 1,000-module graph, depth ${LAYERS.length}, go 1.16 dependencies, +10 ms per answer | ${fmt(bigFirst)} | ${fmt(bigGraph)} | ${fmt(bigWall)} | ${median(big.buildfix.map((r) => r.peakRssMiB)).toFixed(0)} MiB | ${fmt(bigGo)} | ${median(big.go.map((r) => r.peakRssMiB)).toFixed(0)} MiB |`,
      '',
      `- 200 requirements: first verdict / floor (ceil(200/${CONCURRENCY}) × 50 ms = ${floor} ms): **${(firstMs / floor).toFixed(2)}×** (target ≤ 1.5×); the same diagnosis with \`--skip graph\` in the same run: ${fmt(aloneMs)} (${(aloneMs / floor).toFixed(2)}×) — the graph stage starts after the first verdict is out, so it does not delay it. Graph-complete verdict / go mod download: **${(graphMs / goMs).toFixed(2)}** (target ≤ 0.20). Every dependency here is a go 1.19 module without requirements, so the graph needs no go.mod beyond the first pass's: the stage reuses the first pass's \`.mod\` answers.`,
      `- 1,000-module graph: ${facts.graphModules ?? '?'} modules in the build list, ${facts.graphGoModsRead ?? '?'} go.mod files read (both versions of most modules: go 1.16 modules are not pruned); buildfix's graph-complete verdict / go mod download: **${(bigGraph / bigGo).toFixed(2)}** (go reads go.mod files with GOMAXPROCS workers; buildfix with ${CONCURRENCY} requests in flight).`,
      '',
    ].join('\n');
  } finally {
    await rm(work, { recursive: true, force: true }).catch(() => {});
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(`${await benchModuleGraph()}\n`);
}
