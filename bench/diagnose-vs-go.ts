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
import type { FakeModule } from '../test/fakes/goproxy-server.ts';
import { startGoProxyFakeProcess } from './lib/goproxy-fake-process.ts';
import { buildShippedApp } from './lib/build-app.ts';
import { fmt, median, timedRun, type TimedRun } from './lib/stats.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const REQUIREMENTS = 200;
const DIRECT = 40;
const DELAY_MS = 50;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const MISSING = 'example.com/mod137';
/** The config's default (src/config/schema.ts). */
const DEFAULT_CONCURRENCY = 64;
const SWEEP = [16, 32, 128];

export async function benchDiagnoseVsGo(): Promise<string> {
  const modules: FakeModule[] = [];
  const lines: string[] = [];
  for (let i = 0; i < REQUIREMENTS; i++) {
    const path = `example.com/mod${String(i).padStart(3, '0')}`;
    const missing = path === MISSING;
    modules.push({ path, versions: [{ version: 'v1.0.0' }, { version: 'v1.0.1', ...(missing ? { fail: { status: 404 } } : {}) }] });
    lines.push(`\t${path} v1.0.1${i >= DIRECT ? ' // indirect' : ''}`);
  }
  const work = await mkdtemp(join(tmpdir(), 'buildfix-bench-'));
  const fakeOptions = join(work, 'goproxy-fake.json');
  await writeFile(fakeOptions, JSON.stringify({ modules, delayMs: DELAY_MS }));
  const fake = await startGoProxyFakeProcess(fakeOptions);
  const repo = join(work, 'repo');
  await mkdir(repo, { recursive: true });
  await writeFile(join(repo, 'go.mod'), `module example.com/app\n\ngo 1.19\n\nrequire (\n${lines.join('\n')}\n)\n`);
  const baseEnv = {
    PATH: process.env.PATH,
    HOME: join(work, 'home'),
    GOPROXY: fake.url,
    GOSUMDB: 'off',
    GOFLAGS: '-mod=mod',
    GOTOOLCHAIN: 'local',
    NO_COLOR: '1',
    NODE_COMPILE_CACHE: join(work, 'compile-cache'),
  };
  await mkdir(baseEnv.HOME, { recursive: true });

  const node = process.execPath;
  const sourcesBin = join(ROOT, 'bin/buildfix.js');
  // What an installed package and the Docker image run: the bundle from `npm run build`, no src/.
  const shippedBin = await buildShippedApp(work);
  const bareClient = join(ROOT, 'bench/lib/bare-undici-client.ts');
  const requirements = modules.map((m) => `${m.path}@v1.0.1`);
  const floorAt = (concurrency: number): number => Math.ceil(REQUIREMENTS / concurrency) * DELAY_MS;
  const diagnose = (bin: string, concurrency: number, extra: string[] = []): string[] => [
    node,
    bin,
    'diagnose',
    repo,
    '--json',
    '--concurrency',
    String(concurrency),
    ...extra,
  ];

  interface Variant {
    key: string;
    label: string;
    argv: string[];
    /** Time the work itself took, from the process's own output. */
    engineOf: (stdout: string) => number;
    check: (r: TimedRun) => void;
  }
  const reportsMissing =
    (label: string) =>
    (r: TimedRun): void => {
      if (r.exitCode !== 1 || !r.stdout.includes(`"module":"${MISSING}"`))
        throw new Error(`${label} did not report ${MISSING} (exit ${r.exitCode}): ${r.stderr.slice(0, 400)}`);
    };
  const durationOf = (stdout: string): number => (JSON.parse(stdout) as { durationMs: number }).durationMs;
  const variants: Variant[] = [
    {
      key: 'shipped',
      label: 'buildfix diagnose --json (npm run build)',
      argv: diagnose(shippedBin, DEFAULT_CONCURRENCY),
      engineOf: durationOf,
      check: reportsMissing('buildfix'),
    },
    {
      key: 'fast',
      label: '… --skip retractions',
      argv: diagnose(shippedBin, DEFAULT_CONCURRENCY, ['--skip', 'retractions']),
      engineOf: durationOf,
      check: reportsMissing('buildfix --skip retractions'),
    },
    {
      key: 'sources',
      label: 'from the sources (checkout)',
      argv: diagnose(sourcesBin, DEFAULT_CONCURRENCY),
      engineOf: durationOf,
      check: reportsMissing('buildfix from the sources'),
    },
    {
      key: 'bare',
      label: 'bare undici client (reference)',
      argv: [node, bareClient, fake.url, String(DEFAULT_CONCURRENCY), ...requirements],
      engineOf: (stdout) => (JSON.parse(stdout) as { requestMs: number }).requestMs,
      check: (r) => {
        if (r.exitCode !== 0 || !r.stdout.includes('"failures":1')) throw new Error(`bare client: ${r.stdout} ${r.stderr.slice(0, 400)}`);
      },
    },
  ];
  const sweep: Variant[] = SWEEP.map((c) => ({
    key: `c${c}`,
    label: String(c),
    argv: diagnose(shippedBin, c),
    engineOf: durationOf,
    check: reportsMissing(`buildfix --concurrency ${c}`),
  }));
  const wall = new Map<string, number[]>();
  const engine = new Map<string, number[]>();
  const rss = new Map<string, number[]>();
  const firstRun = new Map<string, number>();
  const push = (m: Map<string, number[]>, k: string, v: number): void => void m.set(k, [...(m.get(k) ?? []), v]);
  const measure = async (v: Variant): Promise<void> => {
    const r = await timedRun(v.argv, { env: baseEnv });
    v.check(r);
    push(wall, v.key, r.ms);
    push(engine, v.key, v.engineOf(r.stdout));
    push(rss, v.key, r.peakRssMiB);
  };
  const goTimes: number[] = [];
  const goRss: number[] = [];
  /** An empty Node process: start-up and exit, the part of every wall time no code of ours can remove. */
  const nodeBoot: number[] = [];
  try {
    // One untimed run of each form first: it fills Node's compile cache, as any earlier run on a host would.
    for (const v of variants) firstRun.set(v.key, (await timedRun(v.argv, { env: baseEnv })).ms);
    // Interleaved, so a noisy moment of the machine touches every column alike.
    for (let run = 0; run < RUNS; run++) {
      for (const v of [...variants, ...sweep]) await measure(v);
      nodeBoot.push((await timedRun([node, '-e', '0'], { env: baseEnv })).ms);
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
  const floor = floorAt(DEFAULT_CONCURRENCY);
  const cells = (f: (k: string) => string): string => variants.map((v) => f(v.key)).join(' | ');
  const ratio = (ms: number, of: number): string => `${(ms / of).toFixed(2)}×`;
  const out = [
    `### Module check vs \`go mod download\` (${REQUIREMENTS} requirements, 1 missing, +${DELAY_MS} ms per proxy answer, concurrency ${DEFAULT_CONCURRENCY}, median of ${RUNS})`,
    '',
    `| measure | ${variants.map((v) => v.label).join(' | ')} | go mod download |`,
    `|---|${variants.map(() => '---').join('|')}|---|`,
    `| wall time (whole process), median | ${cells((k) => fmt(med(wall, k)))} | ${fmt(goMedian)} |`,
    `| engine time (report.durationMs; the reference: first request to last answer), median | ${cells((k) => fmt(med(engine, k)))} | – |`,
    `| wall time, all runs | ${cells((k) => (wall.get(k) ?? []).map(fmt).join(', '))} | ${goTimes.map(fmt).join(', ')} |`,
    `| first run (empty compile cache), not in the median | ${cells((k) => fmt(firstRun.get(k) ?? NaN))} | – |`,
    `| peak RSS, median | ${cells((k) => `${med(rss, k).toFixed(0)} MiB`)} | ${median(goRss).toFixed(0)} MiB |`,
    '',
    `- buildfix / go (wall, npm run build): **${(med(wall, 'shipped') / goMedian).toFixed(2)}** (target ≤ 0.20); from the sources ${(med(wall, 'sources') / goMedian).toFixed(2)}.`,
    `- Floor ceil(${REQUIREMENTS}/${DEFAULT_CONCURRENCY}) × ${DELAY_MS} ms = ${floor} ms (target ≤ 1.5×). Whole process / floor: **${ratio(med(wall, 'shipped'), floor)}** (npm run build), ${ratio(med(wall, 'fast'), floor)} with --skip retractions, ${ratio(med(wall, 'sources'), floor)} from the sources. Engine / floor: **${ratio(med(engine, 'shipped'), floor)}**, ${ratio(med(engine, 'fast'), floor)} with --skip retractions.`,
    `- The reference column is what this machine allows at all: a bare undici client in a fresh Node process making only the ${REQUIREMENTS} \`.mod\` requests (no parsing, routing, probe, host checks or report) takes ${ratio(med(engine, 'bare'), floor)} the floor for its requests alone and ${ratio(med(wall, 'bare'), floor)} as a whole process. buildfix's engine time is ${ratio(med(engine, 'shipped'), med(engine, 'bare'))} the reference's request time; its whole process ${ratio(med(wall, 'shipped'), med(wall, 'bare'))} the reference's.`,
    `- The engine time covers go.mod parsing, \`go version\`/\`go env\`, the network probe, the module check (one \`.mod\` request per requirement) and, by default, the retraction check of the ${DIRECT} direct requirements (their \`@v/list\` goes out with the \`.mod\` request; the latest version's \`.mod\` is fetched only when it is not the required version — here every requirement is its module's latest release, so 240 requests in all). The rest of the wall time is Node start-up and exit (an empty \`node -e 0\` takes ${fmt(median(nodeBoot))} here), loading the bundle, reading the configuration and writing the report.`,
    '',
    `#### The same go.mod at other concurrencies (npm run build, median of ${RUNS})`,
    '',
    '| --concurrency | floor | wall time | engine time | wall / floor | engine / floor |',
    '|---:|---:|---:|---:|---:|---:|',
    ...SWEEP.map(
      (c) =>
        `| ${c} | ${fmt(floorAt(c))} | ${fmt(med(wall, `c${c}`))} | ${fmt(med(engine, `c${c}`))} | ${ratio(med(wall, `c${c}`), floorAt(c))} | ${ratio(med(engine, `c${c}`), floorAt(c))} |`,
    ),
    '',
    "Start-up and the first wave's connections cost about the same at every concurrency, so the ratio to the floor shrinks as the floor grows.",
    '',
  ];
  return out.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(`${await benchDiagnoseVsGo()}\n`);
}
