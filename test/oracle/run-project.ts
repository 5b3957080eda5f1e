/**
 * Runs one oracle project both ways against the same fakes: the real
 * `go mod download` (fresh GOMODCACHE, GOFLAGS=-modcacherw, GOTOOLCHAIN=local,
 * GOENV=off, only loopback endpoints) and buildfix's diagnose engine
 * in-process (host checks skipped: they judge the machine, not the project).
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { diagnose } from '../../src/engine/diagnose.ts';
import { FileConfigSchema } from '../../src/config/schema.ts';
import type { GoEnv } from '../../src/config/env.ts';
import { runCommand } from '../../src/exec/run-command.ts';
import type { DiagnosisReport } from '../../src/report/model.ts';
import type { OracleProject } from './generate.ts';

export interface GoOutcome {
  exitCode: number;
  /** go's stderr (what `go mod download` prints). */
  output: string;
  durationMs: number;
  timedOut: boolean;
}

export interface BuildfixOutcome {
  report?: DiagnosisReport;
  /** The engine threw (exit 2 for the CLI): code and message. */
  error?: { code: string; message: string };
  /** The deep option was asked for and the engine's report shows a deep stage. */
  deepRan: boolean;
  durationMs: number;
}

export interface ProjectDirs {
  root: string;
  app: string;
}

/**
 * Writes go.mod, go.sum and the other files under `<base>/<id>/<copy>/app`.
 * go and buildfix each get their own copy: `go mod download` may rewrite
 * go.mod and go.sum (it drops a requirement on an excluded version, for
 * one), and buildfix must read the files as they were before go ran.
 */
export async function materialize(project: OracleProject, base: string, copy: 'go' | 'buildfix'): Promise<ProjectDirs> {
  const root = join(base, project.id, copy);
  const app = join(root, 'app');
  await mkdir(app, { recursive: true });
  await writeFile(join(app, 'go.mod'), project.goMod);
  if (project.goSum !== undefined) await writeFile(join(app, 'go.sum'), project.goSum);
  for (const [rel, content] of Object.entries(project.files)) {
    const path = join(app, rel);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, content);
  }
  return { root, app };
}

export async function runGo(dirs: ProjectDirs, env: Record<string, string>, options: { goCache: string; timeoutMs?: number }): Promise<GoOutcome> {
  const flags = ['-modcacherw', env.GOFLAGS ?? ''].filter(Boolean).join(' ');
  const result = await runCommand(['go', 'mod', 'download'], {
    cwd: dirs.app,
    inheritEnv: ['PATH'],
    env: {
      HOME: join(dirs.root, 'home'),
      GOENV: 'off',
      GO111MODULE: 'on',
      GOTOOLCHAIN: 'local',
      GOMODCACHE: join(dirs.root, 'modcache'),
      GOPATH: join(dirs.root, 'gopath'),
      GOCACHE: options.goCache,
      GONOSUMDB: '',
      GOPRIVATE: '',
      GONOPROXY: '',
      GOINSECURE: '',
      ...env,
      GOFLAGS: flags,
    },
    reject: false,
    timeoutMs: options.timeoutMs ?? 30_000,
    tailBytes: 64 << 10,
  });
  return {
    exitCode: result.exitCode,
    output: `${result.stderr}${result.stdout ? `\n${result.stdout}` : ''}`.trim(),
    durationMs: result.durationMs,
    timedOut: result.timedOut,
  };
}

const CONFIG = FileConfigSchema.parse({ requestTimeoutMs: 800, concurrency: 16 });

/** The engine in-process, as `buildfix diagnose <dir> --json --skip host [--deep]` runs it. */
export async function runBuildfix(dirs: ProjectDirs, env: Record<string, string>, options: { deep: boolean }): Promise<BuildfixOutcome> {
  const started = performance.now();
  const goEnv: GoEnv = { GOFLAGS: '', GOPRIVATE: '', GONOPROXY: '', GONOSUMDB: '', ...env, GOTOOLCHAIN: 'local' };
  const opts: Parameters<typeof diagnose>[1] = {
    config: CONFIG,
    goEnv,
    host: 'oracle',
    parts: { host: false },
    processEnv: { HOME: join(dirs.root, 'home'), GOENV: 'off' },
    ...(options.deep ? { deep: true } : {}),
  };
  try {
    const report = await diagnose(dirs.app, opts);
    return { report, deepRan: report.stage === 'deep', durationMs: Math.round(performance.now() - started) };
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    return {
      error: { code: typeof code === 'string' ? code : 'BF_INTERNAL', message: err instanceof Error ? err.message : String(err) },
      deepRan: false,
      durationMs: Math.round(performance.now() - started),
    };
  }
}

export async function cleanup(dirs: ProjectDirs): Promise<void> {
  await rm(dirs.root, { recursive: true, force: true, maxRetries: 2 });
}
