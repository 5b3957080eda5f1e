/** `clear-modcache`: `go clean -modcache` on the agent, with the space it freed. Not retried. */
import { statfs } from 'node:fs/promises';
import { dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { readGoEnvironment } from '../../checks/host-check.ts';
import { runCommand } from '../../exec/run-command.ts';
import type { ClearModcacheJobResult } from '../job-results.ts';
import type { JobContext } from '../job-types.ts';
import type { ClearModcachePayload } from '../payload-schemas.ts';
import { combinedTail } from './output-tail.ts';

// Free bytes on the volume holding path (or its nearest existing parent).
async function freeBytes(path: string): Promise<number | undefined> {
  let p = path;
  for (let i = 0; i < 64; i++) {
    try {
      const s = await statfs(p);
      return s.bavail * s.bsize;
    } catch {
      const parent = dirname(p);
      if (parent === p) return undefined;
      p = parent;
    }
  }
  return undefined;
}

export async function runClearModcacheJob(_payload: ClearModcachePayload, ctx: JobContext): Promise<ClearModcacheJobResult> {
  const goInfo = await ctx.timed('go-env', 'reading GOMODCACHE', () => readGoEnvironment({ goEnv: ctx.config.goEnv, timeoutMs: 15_000, signal: ctx.signal }));
  const modCacheDir = goInfo.env?.GOMODCACHE;
  const before = modCacheDir ? await freeBytes(modCacheDir) : undefined;
  const run = await ctx.timed('clean', `go clean -modcache${modCacheDir ? ` (${modCacheDir})` : ''}`, () =>
    runCommand(['go', 'clean', '-modcache'], { cwd: tmpdir(), timeoutMs: 9 * 60_000, signal: ctx.signal, env: { GOTOOLCHAIN: 'local' } }),
  );
  const after = modCacheDir ? await freeBytes(modCacheDir) : undefined;
  const result: ClearModcacheJobResult = { command: run.command, exitCode: run.exitCode, durationMs: run.durationMs, outputTail: combinedTail(run) };
  if (modCacheDir) result.modCacheDir = modCacheDir;
  if (before !== undefined && after !== undefined) result.freedBytes = Math.max(0, after - before);
  return result;
}
