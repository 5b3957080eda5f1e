/** Small statistics and process-measurement helpers shared by the benchmarks. */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? NaN;
}

export function median(values: readonly number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

export interface TimedRun {
  ms: number;
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** Peak resident set size in MiB (VmHWM, the kernel's high-water mark, read from /proc every 20 ms until exit). */
  peakRssMiB: number;
}

/** Runs a command, timing it wall-clock and sampling its peak RSS. */
export function timedRun(argv: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<TimedRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(argv[0] ?? '', argv.slice(1), { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let peakKiB = 0;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const sample = async (): Promise<void> => {
      try {
        const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
        const m = /VmHWM:\s+(\d+) kB/.exec(status);
        if (m) peakKiB = Math.max(peakKiB, Number(m[1]));
      } catch {
        /* the process is gone */
      }
    };
    // VmHWM only grows, so the last read before exit holds the peak up to then; reading more often only adds load.
    const timer = setInterval(() => void sample(), 20);
    child.on('error', (err) => {
      clearInterval(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearInterval(timer);
      resolve({ ms: performance.now() - started, exitCode: code, stdout, stderr, peakRssMiB: peakKiB / 1024 });
    });
  });
}

export function fmt(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 2 : 0)} ms`;
}
