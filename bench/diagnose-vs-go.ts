/**
 * Benchmark (issue 2): a go.mod with 200 requirements, one version missing,
 * the GOPROXY fake adding 50 ms to every answer. Median of 5 wall-clock runs
 * of `buildfix diagnose --json` until it reports the missing module, against
 * `go mod download` on the same go.mod, GOPROXY and an empty GOMODCACHE.
 * Prints a Markdown section on stdout.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startGoProxyFake, type FakeModule } from '../test/fakes/goproxy-server.ts';
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
  const baseEnv = { PATH: process.env.PATH, HOME: join(work, 'home'), GOPROXY: fake.url, GOSUMDB: 'off', GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local', NO_COLOR: '1' };
  await mkdir(baseEnv.HOME, { recursive: true });

  const node = process.execPath;
  const bin = join(ROOT, 'bin/buildfix.js');
  const concurrency = 64;
  const bfTimes: number[] = [];
  const bfEngine: number[] = [];
  const bfRss: number[] = [];
  const fastTimes: number[] = [];
  const fastEngine: number[] = [];
  const goTimes: number[] = [];
  const goRss: number[] = [];
  try {
    for (let run = 0; run < RUNS; run++) {
      const bf = await timedRun([node, bin, 'diagnose', repo, '--json', '--concurrency', String(concurrency)], { env: baseEnv });
      if (bf.exitCode !== 1 || !bf.stdout.includes(`"module":"${MISSING}"`)) throw new Error(`buildfix did not report ${MISSING} (exit ${bf.exitCode}): ${bf.stderr.slice(0, 400)}`);
      bfTimes.push(bf.ms);
      bfEngine.push((JSON.parse(bf.stdout) as { durationMs: number }).durationMs);
      bfRss.push(bf.peakRssMiB);

      const fast = await timedRun([node, bin, 'diagnose', repo, '--json', '--concurrency', String(concurrency), '--skip', 'retractions'], { env: baseEnv });
      if (fast.exitCode !== 1 || !fast.stdout.includes(`"module":"${MISSING}"`)) throw new Error(`buildfix --skip retractions did not report ${MISSING}`);
      fastTimes.push(fast.ms);
      fastEngine.push((JSON.parse(fast.stdout) as { durationMs: number }).durationMs);

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
  const bfMedian = median(bfTimes);
  const goMedian = median(goTimes);
  const floor = Math.ceil(REQUIREMENTS / concurrency) * DELAY_MS;
  const out = [
    `### Module check vs \`go mod download\` (${REQUIREMENTS} requirements, 1 missing, +${DELAY_MS} ms per proxy answer, median of ${RUNS})`,
    '',
    '| measure | buildfix diagnose --json | buildfix … --skip retractions | go mod download |',
    '|---|---|---|---|',
    `| wall time (whole process), median | ${fmt(bfMedian)} | ${fmt(median(fastTimes))} | ${fmt(goMedian)} |`,
    `| engine time (report.durationMs), median | ${fmt(median(bfEngine))} | ${fmt(median(fastEngine))} | – |`,
    `| wall time, all runs | ${bfTimes.map(fmt).join(', ')} | ${fastTimes.map(fmt).join(', ')} | ${goTimes.map(fmt).join(', ')} |`,
    `| peak RSS, median | ${median(bfRss).toFixed(0)} MiB | – | ${median(goRss).toFixed(0)} MiB |`,
    '',
    `- buildfix / go (wall): **${(bfMedian / goMedian).toFixed(2)}** (target ≤ 0.20)`,
    `- floor ceil(${REQUIREMENTS}/${concurrency}) × ${DELAY_MS} ms = ${floor} ms. Engine / floor: **${(median(bfEngine) / floor).toFixed(2)}** with the retraction check, **${(median(fastEngine) / floor).toFixed(2)}** without (target ≤ 1.5); whole process / floor: ${(bfMedian / floor).toFixed(2)}.`,
    `- The engine time covers go.mod parsing, \`go version\`/\`go env\`, the network probe, the module check (one \`.mod\` request per requirement) and, by default, the retraction check of the ${DIRECT} direct requirements (two more requests each: \`@v/list\` and the latest \`.mod\`). The rest of the wall time is Node start-up and module loading (about 250 ms here: undici, execa, zod and type stripping).`,
    '',
  ];
  return out.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(`${await benchDiagnoseVsGo()}\n`);
}
