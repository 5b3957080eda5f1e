/**
 * Benchmark (issue 2): a go.mod with 200 requirements, one version missing,
 * the GOPROXY fake adding 50 ms to every answer. Median of 5 wall-clock runs
 * of `buildfix diagnose --json` until it reports the missing module, against
 * `go mod download` on the same go.mod, GOPROXY and an empty GOMODCACHE.
 * buildfix runs in its shipped form (`npm run build`: the bundle in dist/,
 * no src/) and from the sources (a checkout), runs interleaved.
 * Prints a Markdown section on stdout.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startGoProxyFake, type FakeModule } from '../test/fakes/goproxy-server.ts';
import { buildShippedApp } from './lib/build-app.ts';
import { fmt, median, timedRun } from './lib/stats.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const REQUIREMENTS = 200;
const DIRECT = 40;
const DELAY_MS = 50;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const MISSING = 'example.com/mod137';

export async function benchDiagnoseVsGo(): Promise<string> {
  const modules: FakeModule[] = [];
  const lines: string[] = [];
  for (let i = 0; i < REQUIREMENTS; i++) {
    const path = `example.com/mod${String(i).padStart(3, '0')}`;
    const missing = path === MISSING;
    modules.push({ path, versions: [{ version: 'v1.0.0' }, { version: 'v1.0.1', ...(missing ? { fail: { status: 404 } } : {}) }] });
    lines.push(`\t${path} v1.0.1${i >= DIRECT ? ' // indirect' : ''}`);
  }
  const fake = await startGoProxyFake({ modules, delayMs: DELAY_MS });
  const work = await mkdtemp(join(tmpdir(), 'buildfix-bench-'));
  const repo = join(work, 'repo');
  await mkdir(repo, { recursive: true });
  await writeFile(join(repo, 'go.mod'), `module example.com/app\n\ngo 1.19\n\nrequire (\n${lines.join('\n')}\n)\n`);
  const baseEnv = { PATH: process.env.PATH, HOME: join(work, 'home'), GOPROXY: fake.url, GOSUMDB: 'off', GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local', NO_COLOR: '1', NODE_COMPILE_CACHE: join(work, 'compile-cache') };
  await mkdir(baseEnv.HOME, { recursive: true });

  const node = process.execPath;
  const sourcesBin = join(ROOT, 'bin/buildfix.js');
  // What an installed package and the Docker image run: the bundle from `npm run build`, no src/.
  const shippedBin = await buildShippedApp(work);
  const concurrency = 64;
  const floor = Math.ceil(REQUIREMENTS / concurrency) * DELAY_MS;
  const diagnoseArgs = ['diagnose', repo, '--json', '--concurrency', String(concurrency)];
  const variants = [
    { key: 'shipped', label: 'buildfix diagnose --json (npm run build)', bin: shippedBin, extra: [] as string[] },
    { key: 'fast', label: '… --skip retractions', bin: shippedBin, extra: ['--skip', 'retractions'] },
    { key: 'sources', label: 'from the sources (checkout)', bin: sourcesBin, extra: [] as string[] },
  ];
  const wall = new Map<string, number[]>(variants.map((v) => [v.key, []]));
  const engine = new Map<string, number[]>(variants.map((v) => [v.key, []]));
  const rss = new Map<string, number[]>(variants.map((v) => [v.key, []]));
  const firstRun = new Map<string, number>();
  const goTimes: number[] = [];
  const goRss: number[] = [];
  try {
    // One untimed run of each form first: it fills Node's compile cache, as any earlier run on a host would.
    for (const v of variants) {
      const warm = await timedRun([node, v.bin, ...diagnoseArgs, ...v.extra], { env: baseEnv });
      firstRun.set(v.key, warm.ms);
    }
    for (let run = 0; run < RUNS; run++) {
      for (const v of variants) {
        const r = await timedRun([node, v.bin, ...diagnoseArgs, ...v.extra], { env: baseEnv });
        if (r.exitCode !== 1 || !r.stdout.includes(`"module":"${MISSING}"`)) throw new Error(`${v.label} did not report ${MISSING} (exit ${r.exitCode}): ${r.stderr.slice(0, 400)}`);
        wall.get(v.key)?.push(r.ms);
        engine.get(v.key)?.push((JSON.parse(r.stdout) as { durationMs: number }).durationMs);
        rss.get(v.key)?.push(r.peakRssMiB);
      }
      const cache = join(work, `modcache-${run}`);
      const go = await timedRun(['go', 'mod', 'download'], { cwd: repo, env: { ...baseEnv, GOMODCACHE: cache, GOPATH: join(work, `gopath-${run}`) } });
      if (go.exitCode === 0 || !go.stderr.includes(MISSING)) throw new Error(`go did not fail on ${MISSING}: ${go.stderr.slice(0, 400)}`);
      goTimes.push(go.ms);
      goRss.push(go.peakRssMiB);
      await rm(cache, { recursive: true, force: true }).catch(() => {});
    }
  } finally {
    await fake.close();
    await rm(work, { recursive: true, force: true }).catch(() => {});
  }
  const med = (m: Map<string, number[]>, k: string): number => median(m.get(k) ?? []);
  const goMedian = median(goTimes);
  const cells = (f: (k: string) => string): string => variants.map((v) => f(v.key)).join(' | ');
  const out = [
    `### Module check vs \`go mod download\` (${REQUIREMENTS} requirements, 1 missing, +${DELAY_MS} ms per proxy answer, median of ${RUNS})`,
    '',
    `| measure | ${variants.map((v) => v.label).join(' | ')} | go mod download |`,
    `|---|${variants.map(() => '---').join('|')}|---|`,
    `| wall time (whole process), median | ${cells((k) => fmt(med(wall, k)))} | ${fmt(goMedian)} |`,
    `| engine time (report.durationMs), median | ${cells((k) => fmt(med(engine, k)))} | – |`,
    `| wall time, all runs | ${cells((k) => (wall.get(k) ?? []).map(fmt).join(', '))} | ${goTimes.map(fmt).join(', ')} |`,
    `| first run (empty compile cache), not in the median | ${cells((k) => fmt(firstRun.get(k) ?? NaN))} | – |`,
    `| peak RSS, median | ${cells((k) => `${med(rss, k).toFixed(0)} MiB`)} | ${median(goRss).toFixed(0)} MiB |`,
    '',
    `- buildfix / go (wall, npm run build): **${(med(wall, 'shipped') / goMedian).toFixed(2)}** (target ≤ 0.20); from the sources ${(med(wall, 'sources') / goMedian).toFixed(2)}.`,
    `- floor ceil(${REQUIREMENTS}/${concurrency}) × ${DELAY_MS} ms = ${floor} ms (target ≤ 1.5×). Whole process / floor: **${(med(wall, 'shipped') / floor).toFixed(2)}** (npm run build), ${(med(wall, 'fast') / floor).toFixed(2)} with --skip retractions, ${(med(wall, 'sources') / floor).toFixed(2)} from the sources. Engine / floor: **${(med(engine, 'shipped') / floor).toFixed(2)}**, ${(med(engine, 'fast') / floor).toFixed(2)} with --skip retractions.`,
    `- The engine time covers go.mod parsing, \`go version\`/\`go env\`, the network probe, the module check (one \`.mod\` request per requirement) and, by default, the retraction check of the ${DIRECT} direct requirements (their \`@v/list\` goes out with the \`.mod\` request; the latest version's \`.mod\` is fetched only when it is not the required version — here every requirement is its module's latest release, so 240 requests in all). The rest of the wall time is Node start-up, loading the bundle (undici is most of it) and exit.`,
    '',
  ];
  return out.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(`${await benchDiagnoseVsGo()}\n`);
}
