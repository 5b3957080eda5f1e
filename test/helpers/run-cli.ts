/** Runs the real `buildfix` CLI as a child process (the pinned Node, the real bin). */
import { fileURLToPath } from 'node:url';
import { runCommand, type RunResult } from '../../src/exec/run-command.ts';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const NODE = process.execPath;
export const BIN = `${ROOT}bin/buildfix.js`;

export interface CliRun extends RunResult {
  json<T = unknown>(): T;
}

/** A clean environment: only what the test passes (plus PATH), so the host's GOPROXY etc. never leak in. */
export async function runCli(
  args: string[],
  env: Record<string, string | undefined> = {},
  options: { input?: string; timeoutMs?: number; cwd?: string } = {},
): Promise<CliRun> {
  const result = await runCommand([NODE, BIN, ...args], {
    inheritEnv: ['PATH'],
    env: { HOME: process.env.HOME, LOG_LEVEL: 'warn', NO_COLOR: '1', ...env },
    reject: false,
    timeoutMs: options.timeoutMs ?? 60_000,
    ...(options.input !== undefined ? { input: options.input } : {}),
    ...(options.cwd ? { cwd: options.cwd } : {}),
    tailBytes: 1 << 20,
  });
  return { ...result, json: <T>() => JSON.parse(result.stdout) as T };
}
