/**
 * The outage drill: does this repository's `go mod download` pass from the
 * agent's module cache alone? The real go runs in a temporary copy of the
 * repository with GOPROXY=off, GOFLAGS=-mod=mod, GOVCS=*:off (no network at
 * all) and a temporary GOMODCACHE whose `cache/download` mirrors the agent's:
 * zips hard-linked (go never rewrites a zip in place), every other file
 * copied, so go reads the agent's cache and writes (locks, extracted
 * sources, a recomputed .ziphash) only into the temporary one. Nothing of the
 * agent's changes; the temporary directory is always removed.
 */
import { chmod, cp, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GoEnv } from '../config/env.ts';
import { BuildfixError } from '../errors.ts';
import { runCommand } from '../exec/run-command.ts';
import { linkTree } from '../util/link-tree.ts';
import { redactText } from '../util/redact.ts';

export interface DrillFailure {
  path: string;
  version: string;
  /** go's words (one line). */
  message: string;
}

export interface DrillResult {
  passed: boolean;
  exitCode: number;
  timedOut: boolean;
  /** Modules go could not get offline, as it named them. */
  failures: DrillFailure[];
  /** go's error lines that name no module (go.mod problems, a missing go.sum line). */
  otherErrors: string[];
  /** Files mirrored from the agent's cache/download (copied: not hard-linked). */
  mirrored: { files: number; copied: number };
  /** The variables the drill set for go. */
  env: Record<string, string>;
  durationMs: number;
}

export interface DrillOptions {
  /** The agent's go variables (GOPRIVATE, GONOSUMDB, GOSUMDB … are kept; the drill overrides the rest). */
  goEnv?: GoEnv;
  goBinary?: string;
  /** Budget for go mod download (default 120 s). */
  timeoutMs?: number;
  signal?: AbortSignal;
  tempRoot?: string;
}

/** One record of `go mod download -json` (cmd/go/internal/modcmd moduleJSON). */
interface DownloadRecord {
  Path?: unknown;
  Version?: unknown;
  Error?: unknown;
}

/** The records of `go mod download -json`: a stream of JSON objects, one per module. */
export function parseDownloadJson(stdout: string): DownloadRecord[] {
  const out: DownloadRecord[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < stdout.length; i++) {
    const c = stdout[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') {
      if (depth++ === 0) start = i;
    } else if (c === '}' && --depth === 0 && start >= 0) {
      try {
        out.push(JSON.parse(stdout.slice(start, i + 1)) as DownloadRecord);
      } catch {
        // a truncated record: go's stderr says what happened
      }
    }
  }
  return out;
}

// "go: example.test/app@v1 requires" / "\texample.test/c@v1.0.0: module lookup disabled by GOPROXY=off"
const REQUIRES = /^(?:go: )?(\S+@\S+) requires$/;
const MODULE_ERROR = /^(?:go: )?(?:verifying )?([^\s@]+)@(v[^\s:]+?)(?:\/go\.mod)?: (.+)$/;

/**
 * `go mod download -json`'s output → the modules it failed on: the records'
 * Error fields, and on stderr the module go stopped on while loading the
 * graph (after its "… requires" chain); other error lines are kept as they are.
 */
export function parseDownloadErrors(stdout: string, stderr: string): { failures: DrillFailure[]; otherErrors: string[] } {
  const failures: DrillFailure[] = [];
  const seen = new Set<string>();
  const add = (path: string, version: string, message: string): void => {
    if (seen.has(`${path}@${version}`)) return;
    seen.add(`${path}@${version}`);
    failures.push({ path, version, message: redactText(message) });
  };
  for (const r of parseDownloadJson(stdout)) {
    if (typeof r.Error !== 'string' || r.Error === '' || typeof r.Path !== 'string') continue;
    add(r.Path, typeof r.Version === 'string' ? r.Version : '', r.Error);
  }
  const otherErrors: string[] = [];
  let chain: string[] = [];
  for (const raw of stderr.split('\n')) {
    const line = raw.trim();
    if (line === '' || /^go: downloading /.test(line)) continue;
    const req = REQUIRES.exec(line);
    if (req) {
      chain.push(req[1] as string);
      continue;
    }
    const m = MODULE_ERROR.exec(line);
    if (m) add(m[1] as string, m[2] as string, `${m[3] as string}${chain.length > 0 ? ` (required by ${chain.join(' → ')})` : ''}`);
    else otherErrors.push(redactText(line.replace(/^go: /, '')));
    chain = [];
  }
  return { failures, otherErrors: otherErrors.slice(0, 20) };
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** go leaves extracted sources read-only; our own directories only (never a hard-linked file) become writable again. */
async function makeDirsWritable(dir: string): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  await chmod(dir, 0o755).catch(() => {});
  for (const e of entries) if (e.isDirectory()) await makeDirsWritable(join(dir, e.name));
}

export async function runModcacheDrill(dir: string, modcache: string, options: DrillOptions = {}): Promise<DrillResult> {
  const started = performance.now();
  const download = join(modcache, 'cache', 'download');
  if (!(await isDirectory(download))) {
    throw new BuildfixError(
      'BF_TARGET',
      `${modcache} has no cache/download directory: not a module cache, or an empty one (pass --modcache, or set GOMODCACHE)`,
    );
  }
  const temp = await mkdtemp(join(options.tempRoot ?? tmpdir(), 'buildfix-drill-'));
  try {
    const repo = join(temp, 'repo');
    await cp(dir, repo, { recursive: true, filter: (src) => !/[\\/]\.git$/.test(src) });
    const tempCache = join(temp, 'modcache');
    const mirrored = await linkTree(download, join(tempCache, 'cache', 'download'), {
      linkIf: (name) => name.endsWith('.zip'),
      skip: (name) => name.endsWith('.lock') || name.endsWith('.tmp') || name.includes('.tmp-'),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const env: Record<string, string> = {
      GOPROXY: 'off',
      GOFLAGS: '-mod=mod',
      GOVCS: '*:off',
      GOWORK: 'off',
      GOTOOLCHAIN: 'local',
      GOMODCACHE: tempCache,
      GOPATH: join(temp, 'gopath'),
      GOCACHE: join(temp, 'gocache'),
    };
    const keep: Record<string, string | undefined> = {};
    for (const k of ['GOPRIVATE', 'GONOPROXY', 'GONOSUMDB', 'GOSUMDB', 'GOINSECURE'] as const) keep[k] = options.goEnv?.[k];
    const res = await runCommand([options.goBinary ?? 'go', 'mod', 'download', '-json'], {
      cwd: repo,
      timeoutMs: options.timeoutMs ?? 120_000,
      ...(options.signal ? { signal: options.signal } : {}),
      env: { ...keep, ...env, HTTP_PROXY: undefined, HTTPS_PROXY: undefined, http_proxy: undefined, https_proxy: undefined },
      reject: false,
      tailBytes: 64 * 1024,
      maxBuffer: 32 * 1024 * 1024,
    });
    const parsed = parseDownloadErrors(res.stdout, res.stderr);
    if (res.timedOut) parsed.otherErrors.unshift(`go mod download did not finish within ${options.timeoutMs ?? 120_000} ms`);
    return {
      passed: res.exitCode === 0 && !res.timedOut,
      exitCode: res.exitCode,
      timedOut: res.timedOut,
      ...parsed,
      mirrored,
      env,
      durationMs: Math.round(performance.now() - started),
    };
  } finally {
    await makeDirsWritable(temp);
    await rm(temp, { recursive: true, force: true });
  }
}
