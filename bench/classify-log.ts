/**
 * The log classifier: corpus throughput, and a 100 MB log classified from a
 * stream (classifyLogStream, bounded memory) vs from one string held whole
 * (classifyLog). The big log is build noise with the cause in the middle,
 * produced on the fly for the stream and built once for the string.
 *
 *   node_modules/.bin/node bench/classify-log.ts [--mb 100] [--runs 5]
 *
 * Each 100 MB measurement runs in its own process (fresh heap).
 *
 * Prints a Markdown table (medians of the runs); exits 0.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { classifyLog } from '../src/classify/classify-log.ts';
import { classifyLogStream } from '../src/classify/classify-stream.ts';
import { checkCorpus } from '../scripts/check-corpus.ts';
import { percentile } from './lib/stats.ts';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const SELF = fileURLToPath(import.meta.url);
const MB = arg('mb', 100);
const RUNS = arg('runs', 5);
const CAUSE = 'go: github.com/acme/money@v0.3.1: verifying module: checksum mismatch';

const NOISE = Buffer.from(
  Array.from({ length: 1024 }, (_, i) =>
    i % 3 === 0
      ? `2024-05-02T10:11:12.${String(i).padStart(7, '0')}Z go: downloading github.com/acme/module${i} v1.2.${i % 97}`
      : i % 3 === 1
        ? `#12 4.${i} ok  \tgithub.com/acme/api/internal/ledger${i}\t0.${i}s`
        : `[INFO] compiling package ${i} with 12 workers, cache hit ratio 0.${i} (warning: none, error budget fine)`,
  ).join('\n') + '\n',
);
const CHUNKS = Math.ceil((MB * 1024 * 1024) / NOISE.length);

async function* bigLog(): AsyncGenerator<Buffer> {
  for (let i = 0; i < CHUNKS; i++) {
    if (i === Math.floor(CHUNKS / 2)) yield Buffer.from(`${CAUSE}\n`);
    yield NOISE;
  }
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

async function measure(run: () => Promise<unknown>): Promise<{ ms: number; rssGrowthMb: number }> {
  gc();
  const before = process.memoryUsage().rss;
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
  const started = performance.now();
  await run();
  const ms = performance.now() - started;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  return { ms, rssGrowthMb: (peak - before) / 1024 / 1024 };
}

const mode = process.argv[process.argv.indexOf('--mode') + 1];
if (process.argv.includes('--mode')) {
  // One measurement in a fresh process, so RSS growth is not hidden by an earlier run's heap.
  const result = await measure(async () => {
    let c;
    if (mode === 'stream') c = await classifyLogStream(bigLog());
    else {
      const parts: Buffer[] = [];
      for await (const b of bigLog()) parts.push(b);
      c = classifyLog(Buffer.concat(parts).toString('utf8'));
    }
    if (c.category !== 'checksum-mismatch') throw new Error(`${mode}: ${c.category}`);
  });
  process.stdout.write(JSON.stringify(result));
  process.exit(0);
}

function child(m: 'stream' | 'whole'): { ms: number; rssGrowthMb: number } {
  const out = execFileSync(process.execPath, [SELF, '--mode', m, '--mb', String(MB)], { encoding: 'utf8' });
  return JSON.parse(out) as { ms: number; rssGrowthMb: number };
}

const { entries } = checkCorpus();
const corpusMs: number[] = [];
for (let r = 0; r < RUNS; r++) {
  const t = performance.now();
  for (const e of entries) classifyLog(e.log);
  corpusMs.push(performance.now() - t);
}
const stream = Array.from({ length: RUNS }, () => child('stream'));
const whole = Array.from({ length: RUNS }, () => child('whole'));

const med = (xs: number[]): number =>
  percentile(
    [...xs].sort((a, b) => a - b),
    50,
  );
const corpusMed = med(corpusMs);
const streamMs = med(stream.map((s) => s.ms));
const wholeMs = med(whole.map((s) => s.ms));
const streamRss = med(stream.map((s) => s.rssGrowthMb));
const wholeRss = med(whole.map((s) => s.rssGrowthMb));
process.stdout.write(`### Log classifier (median of ${RUNS} runs)

| what | time | throughput | peak RSS growth |
| --- | ---: | ---: | ---: |
| ${entries.length} corpus logs, \`classifyLog\` | ${corpusMed.toFixed(0)} ms | ${((entries.length * 1000) / corpusMed).toFixed(0)} logs/s | – |
| ${MB} MB log, \`classifyLogStream\` (streamed) | ${(streamMs / 1000).toFixed(2)} s | ${((MB * 1000) / streamMs).toFixed(0)} MB/s | ${streamRss.toFixed(0)} MB |
| ${MB} MB log, read whole then \`classifyLog\` | ${(wholeMs / 1000).toFixed(2)} s | ${((MB * 1000) / wholeMs).toFixed(0)} MB/s | ${wholeRss.toFixed(0)} MB |

Streaming holds one chunk and one line: ${(wholeRss / Math.max(streamRss, 1)).toFixed(0)}× less memory than holding the log, at ${(streamMs / wholeMs).toFixed(2)}× the time.
`);
