/**
 * The GOPROXY fake in a process of its own, so the CPU it spends answering
 * never competes with the benchmark's own bookkeeping (timers, /proc
 * sampling) on the same event loop.
 *
 *   node bench/lib/goproxy-fake-process.ts <options.json>
 *
 * options.json holds GoProxyFakeOptions (modules, delayMs). Prints the base
 * URL on its first stdout line; exits when its stdin closes or on SIGTERM.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startGoProxyFake, type GoProxyFakeOptions } from '../../test/fakes/goproxy-server.ts';

export interface FakeProcess {
  url: string;
  close(): Promise<void>;
}

/** Starts the fake in a child process with the options written to `optionsFile`. */
export async function startGoProxyFakeProcess(optionsFile: string): Promise<FakeProcess> {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), optionsFile], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('GOPROXY fake process did not start within 10 s')), 10_000);
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve(line.trim());
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`GOPROXY fake process exited with ${code}`));
    });
  });
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.stdin.end();
        setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
      }),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const options = JSON.parse(await readFile(process.argv[2] ?? '', 'utf8')) as GoProxyFakeOptions;
  const fake = await startGoProxyFake(options);
  const stop = async (): Promise<void> => {
    await fake.close();
    process.exit(0);
  };
  process.stdin.on('end', () => void stop()).resume();
  process.once('SIGTERM', () => void stop());
  process.stdout.write(`${fake.url}\n`);
}
