/**
 * Helpers for the --deep tests: a project directory (go.mod, go.sum), the
 * real `go mod download` run against the fakes with a fresh GOPATH and module
 * cache, and the go.sum lines for a fake module version.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from '../../../src/exec/run-command.ts';
import { goModHash } from '../../../src/gomod/dirhash.ts';
import { moduleZipHash } from '../../../src/modzip/check-zip.ts';
import { goModFor, zipFor, type FakeModule, type FakeVersion } from '../../fakes/goproxy-server.ts';

export interface Project {
  dir: string;
  cleanup(): Promise<void>;
}

export async function writeProject(goMod: string, goSum: string | undefined): Promise<Project> {
  const dir = await mkdtemp(join(tmpdir(), 'bf-deep-proj-'));
  await writeFile(join(dir, 'go.mod'), goMod);
  if (goSum !== undefined) await writeFile(join(dir, 'go.sum'), goSum);
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** The hashes of what the goproxy fake serves for one version. */
export async function servedHashes(module: FakeModule, v: FakeVersion): Promise<{ zipHash: string; modHash: string }> {
  return { zipHash: await moduleZipHash(zipFor(module, v)), modHash: goModHash(goModFor(module, v)) };
}

export function goSumLines(module: string, version: string, h: { zipHash?: string; modHash?: string }): string {
  return `${h.zipHash ? `${module} ${version} ${h.zipHash}\n` : ''}${h.modHash ? `${module} ${version}/go.mod ${h.modHash}\n` : ''}`;
}

export interface GoRun {
  exitCode: number;
  stderr: string;
  durationMs: number;
}

/** `go mod download` in dir with a fresh GOPATH/GOMODCACHE (so go keeps no sumdb state between runs). */
export async function goModDownload(dir: string, env: Record<string, string>): Promise<GoRun> {
  const gopath = await mkdtemp(join(tmpdir(), 'bf-deep-gopath-'));
  const started = performance.now();
  try {
    const res = await runCommand(['go', 'mod', 'download'], {
      cwd: dir,
      reject: false,
      timeoutMs: 60_000,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: gopath,
        GOPATH: gopath,
        GOMODCACHE: join(gopath, 'pkg', 'mod'),
        GOFLAGS: '-modcacherw',
        GOTOOLCHAIN: 'local',
        GONOSUMDB: '',
        GOPRIVATE: '',
        GONOPROXY: '',
        GOINSECURE: '',
        ...env,
      },
    });
    return { exitCode: res.exitCode ?? -1, stderr: res.stderr, durationMs: Math.round(performance.now() - started) };
  } finally {
    await rm(gopath, { recursive: true, force: true });
  }
}
