/** Which module cache an agent's go uses: --modcache, else `go env GOMODCACHE`, else GOMODCACHE / first GOPATH entry + /pkg/mod / ~/go/pkg/mod. */
import { homedir } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import type { GoEnv } from '../config/env.ts';
import { UsageError } from '../errors.ts';
import { moduleCacheDir, readGoEnvironment } from '../checks/host-check.ts';

export async function agentModcache(explicit: string | undefined, goEnv: GoEnv, options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<string> {
  if (explicit !== undefined) {
    if (explicit.trim() === '') throw new UsageError('--modcache needs a directory');
    return resolve(explicit);
  }
  const info = await readGoEnvironment({ goEnv, timeoutMs: options.timeoutMs ?? 15_000, ...(options.signal ? { signal: options.signal } : {}) });
  const dir = moduleCacheDir(undefined, info, goEnv, homedir());
  return isAbsolute(dir) ? dir : resolve(dir);
}
