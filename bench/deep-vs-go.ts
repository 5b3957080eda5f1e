/**
 * Benchmark (issue 12): `buildfix diagnose --deep` on the healthy
 * 200-requirement project of bench/diagnose-vs-go.ts (the GOPROXY fake adds
 * 50 ms to every answer; every module has a zip with real files, go.sum is
 * complete), against `go mod download` on the same go.mod, go.sum and
 * GOPROXY with an empty module cache. --deep downloads every zip, checks it
 * against go's zip rules and hashes it (and the .mod) against go.sum; go
 * does the same downloads and extracts the zips. Runs interleaved, medians.
 * Prints a Markdown section on stdout.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { goModHash } from '../src/gomod/dirhash.ts';
import { moduleZipHash } from '../src/modzip/check-zip.ts';
import { goModFor, zipFor, type FakeModule } from '../test/fakes/goproxy-server.ts';
import { startGoProxyFakeProcess } from './lib/goproxy-fake-process.ts';
import { fmt, median, timedRun, type TimedRun } from './lib/stats.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const REQUIREMENTS = 200;
const DELAY_MS = 50;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

export async function benchDeepVsGo(): Promise<string> {
  const modules: FakeModule[] = [];
  const lines: string[] = [];
  const sums: string[] = [];
  for (let i = 0; i < REQUIREMENTS; i++) {
    const path = `example.com/mod${String(i).padStart(3, '0')}`;
    const files: Record<string, string> = {
      LICENSE: 'MIT\n',
      'lib.go': `package mod${i}\n\n// F returns ${i}.\nfunc F() int { return ${i} }\n`,
      'internal/x/x.go': `package x\n\nconst N = ${i}\n`.repeat(20),
    };
    const m: FakeModule = { path, versions: [{ version: 'v1.0.0' }, { version: 'v1.0.1', files }] };
    modules.push(m);
    const v = m.versions[1]!;
    lines.push(`\t${path} v1.0.1`);
    sums.push(`${path} v1.0.1 ${await moduleZipHash(zipFor(m, v))}`, `${path} v1.0.1/go.mod ${goModHash(goModFor(m, v))}`);
  }
  const work = await mkdtemp(join(tmpdir(), 'buildfix-bench-deep-'));
  try {
    const fakeOptions = join(work, 'goproxy-fake.json');
    await writeFile(fakeOptions, JSON.stringify({ modules, delayMs: DELAY_MS }));
    const fake = await startGoProxyFakeProcess(fakeOptions);
    try {
      const repo = join(work, 'repo');
      await mkdir(repo, { recursive: true });
      await writeFile(join(repo, 'go.mod'), `module example.com/app\n\ngo 1.19\n\nrequire (\n${lines.join('\n')}\n)\n`);
      await writeFile(join(repo, 'go.sum'), `${sums.sort().join('\n')}\n`);
      const baseEnv = {
        PATH: process.env.PATH,
        HOME: join(work, 'home'),
        GOPROXY: fake.url,
        GOSUMDB: 'off',
        GOFLAGS: '-mod=mod',
        GOTOOLCHAIN: 'local',
        NO_COLOR: '1',
      };
      await mkdir(baseEnv.HOME, { recursive: true });
      const go: TimedRun[] = [];
      const deep: TimedRun[] = [];
      const engine: number[] = [];
      const deepStage: number[] = [];
      for (let run = 0; run < RUNS; run++) {
        const cache = join(work, `modcache-${run}`);
        const g = await timedRun(['go', 'mod', 'download'], { cwd: repo, env: { ...baseEnv, GOMODCACHE: cache, GOFLAGS: '-mod=mod -modcacherw' } });
        if (g.exitCode !== 0) throw new Error(`go mod download failed: ${g.stderr.slice(-500)}`);
        go.push(g);
        await rm(cache, { recursive: true, force: true });
        const d = await timedRun([process.execPath, join(ROOT, 'bin/buildfix.js'), 'diagnose', repo, '--deep', '--json'], { cwd: work, env: baseEnv });
        const report = JSON.parse(d.stdout) as { ok: boolean; durationMs: number; facts: Record<string, number>; findings: unknown[] };
        if (d.exitCode !== 0 || !report.ok) throw new Error(`diagnose --deep did not pass on the healthy project: ${d.stdout.slice(0, 800)}`);
        deep.push(d);
        engine.push(report.durationMs);
        deepStage.push(report.facts.deepMs ?? Number.NaN);
      }
      const goMs = median(go.map((r) => r.ms));
      const deepMs = median(deep.map((r) => r.ms));
      return [
        `A go.mod with ${REQUIREMENTS} requirements (go 1.19, every module has a zip of 3 files; go.sum complete), the GOPROXY fake adding ${DELAY_MS} ms to every answer, GOSUMDB=off (go.sum covers everything, so go never asks the checksum DB). Median of ${RUNS} interleaved runs; empty module cache for every go run.`,
        '',
        '| | wall time | peak RSS |',
        '|---|---:|---:|',
        `| \`go mod download\` | ${fmt(goMs)} | ${median(go.map((r) => r.peakRssMiB)).toFixed(0)} MiB |`,
        `| \`buildfix diagnose --deep --json\` (from the sources) | ${fmt(deepMs)} | ${median(deep.map((r) => r.peakRssMiB)).toFixed(0)} MiB |`,
        `| … its engine time (first pass, graph, deep stage) | ${fmt(median(engine))} | |`,
        `| … of which the deep stage (${REQUIREMENTS} \`.mod\` + ${REQUIREMENTS} \`.zip\`, zip rules, hashes) | ${fmt(median(deepStage))} | |`,
        '',
        `- --deep / go (wall): **${(deepMs / goMs).toFixed(3)}** (target ≤ 0.10).`,
      ].join('\n');
    } finally {
      await fake.close();
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(`${await benchDeepVsGo()}\n`);
}
