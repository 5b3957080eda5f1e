/**
 * `npm run bench`: runs every benchmark of the project, each in its own
 * process (so one's memory and sockets never colour another's figures),
 * and writes their Markdown into docs/benchmarks.md. Loopback only; every
 * benchmark is bounded in count and time.
 */
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

const BENCHMARKS: Array<{ file: string; title: string }> = [
  { file: 'bench/diagnose-vs-go.ts', title: 'Diagnosis engine vs go mod download' },
  { file: 'bench/module-graph.ts', title: 'Module graph stage vs go mod download' },
  { file: 'bench/deep-vs-go.ts', title: 'diagnose --deep vs go mod download' },
  { file: 'bench/queue-roundtrip.ts', title: 'Job queue round trip' },
  { file: 'bench/slack-ack.ts', title: 'Slack slash-command ack latency' },
  { file: 'bench/webhook-ingest.ts', title: 'CI webhook ingestion' },
  { file: 'bench/peak-rss.ts', title: 'Peak memory of serve and a worker under load' },
  { file: 'bench/classify-log.ts', title: 'Log classifier: corpus throughput, 100 MB streamed vs held' },
  { file: 'bench/agent-or-code.ts', title: 'Agent or code: CI webhook to verdict' },
  { file: 'bench/preflight-fleet.ts', title: 'Pre-flight fleet: 20 agents × 50 repos' },
];

function run(file: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [file], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      process.stderr.write(d);
    });
    const timer = setTimeout(() => child.kill('SIGTERM'), 15 * 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const only = process.argv.slice(2);
const sections: string[] = [];
let failed = 0;
for (const bench of BENCHMARKS) {
  if (only.length > 0 && !only.some((o) => bench.file.includes(o))) continue;
  process.stderr.write(`\n== ${bench.file} ==\n`);
  const started = Date.now();
  const result = await run(bench.file);
  const took = ((Date.now() - started) / 1000).toFixed(0);
  if (result.code === 0) {
    sections.push(`## ${bench.title}\n\n_\`node ${bench.file}\`, ${took} s._\n\n${result.stdout.trim()}\n`);
  } else {
    failed++;
    sections.push(
      `## ${bench.title}\n\n**Did not complete** (exit ${result.code}): \n\n\`\`\`\n${result.stderr.trim().split('\n').slice(-10).join('\n')}\n\`\`\`\n`,
    );
  }
}

const header = `# Benchmarks

Measured by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), ${(totalmem() / 1024 ** 3).toFixed(0)} GiB, Node ${process.version}, all traffic on loopback. Figures are medians and ratios from one run; these machines are shared and noisy, so compare ratios measured in the same run rather than absolute numbers across runs.
`;
if (only.length === 0) {
  await writeFile(`${ROOT}docs/benchmarks.md`, `${header}\n${sections.join('\n')}`);
  process.stderr.write(`\nwrote docs/benchmarks.md${failed ? ` (${failed} benchmark(s) did not complete)` : ''}\n`);
} else {
  process.stdout.write(`${sections.join('\n')}\n`);
}
process.exitCode = failed ? 1 : 0;
