/**
 * Test harness for the job layer: unique key prefixes on the shared Redis
 * (cleaned up after), a private redis-server for fault tests, real
 * `buildfix worker` processes, temp config files and fake restart scripts.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const NODE = join(ROOT, 'node_modules/.bin/node');
export const SHARED_REDIS_URL = process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379';

/** A REDIS_PREFIX value unique to one test file; its normalized form is `{<value>}`. */
export function uniquePrefix(label: string): string {
  return `bft-${label}-${randomUUID().slice(0, 8)}`;
}

/** Deletes every key containing `fragment` (the test's prefix). */
export async function deleteKeys(url: string, fragment: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: false });
  redis.on('error', () => {});
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `*${fragment}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

export async function waitUntil<T>(
  what: string,
  fn: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 15_000,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v as T;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface OwnRedis {
  url: string;
  port: number;
  /** Kill (SIGKILL by default) and wait for exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Start again on the same port and data directory; resolves when it answers PING. */
  start(): Promise<void>;
  /** Stop and delete the data directory. */
  destroy(): Promise<void>;
}

/**
 * A private redis-server on a free port, so fault tests never disturb the
 * shared one. With `persist`, it keeps an append-only file (fsync always) in
 * a temp directory, like a production Redis: a restart loses nothing.
 */
export async function startOwnRedis(options: { persist: boolean }): Promise<OwnRedis> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'buildfix-redis-'));
  let child: ChildProcess | undefined;
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--dir',
    dir,
    '--daemonize',
    'no',
    '--appendonly',
    options.persist ? 'yes' : 'no',
    '--appendfsync',
    'always',
    '--logfile',
    '',
  ];
  const url = `redis://127.0.0.1:${port}`;
  const ping = async (): Promise<boolean> => {
    const r = new Redis(url, { maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true });
    r.on('error', () => {});
    try {
      await r.connect();
      return (await r.ping()) === 'PONG';
    } catch {
      return false;
    } finally {
      r.disconnect();
    }
  };
  const start = async (): Promise<void> => {
    child = spawn('redis-server', args, { stdio: 'ignore' });
    await waitUntil('own redis-server to answer', () => ping(), 10_000, 50);
  };
  const stop = async (signal: NodeJS.Signals = 'SIGKILL'): Promise<void> => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = once(c, 'exit');
    c.kill(signal);
    await exited;
  };
  await start();
  return {
    url,
    port,
    stop,
    start,
    destroy: async () => {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface WorkerProcess {
  child: ChildProcess;
  host: string;
  /** stderr so far (JSON log lines). */
  logs(): string;
  /** Resolves with the exit code (or the signal name). */
  exited: Promise<number | string>;
  /** SIGTERM, wait for the exit; SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<number | string>;
  kill9(): Promise<void>;
}

/** This process's environment without buildfix's own variables (a worker gets only what a test gives it). */
export function inheritedEnv(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || k.startsWith('BUILDFIX_') || k.startsWith('REDIS_') || k === 'LOG_LEVEL' || k.startsWith('NODE_TEST')) continue;
    out[k] = v;
  }
  return out;
}

/** A worker's (or the CLI's) environment on the shared Redis under the test's prefix, with its config file. */
export function sharedRedisEnv(prefixValue: string, configPath: string, extra: Record<string, string> = {}): Record<string, string> {
  return { REDIS_URL: SHARED_REDIS_URL, REDIS_PREFIX: prefixValue, BUILDFIX_CONFIG: configPath, ...extra };
}

const execFileP = promisify(execFile);

/** Runs `node bin/buildfix.js <args>` with this process's environment (less buildfix's own) plus `env`; rejects on a non-zero exit. */
export function runBuildfix(args: string[], env: Record<string, string> = {}): Promise<{ stdout: string; stderr: string }> {
  return execFileP(NODE, ['bin/buildfix.js', ...args], { cwd: ROOT, env: { ...inheritedEnv(), ...env } });
}

/** Spawns `node bin/buildfix.js worker --host <host>` with the given environment. */
export function spawnWorker(host: string, env: Record<string, string>, extraArgs: string[] = []): WorkerProcess {
  const child = spawn(NODE, ['bin/buildfix.js', 'worker', '--host', host, ...extraArgs], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...inheritedEnv(), LOG_LEVEL: 'info', ...env },
  });
  let logs = '';
  child.stderr?.on('data', (d: Buffer) => {
    logs += d.toString();
    if (logs.length > 200_000) logs = logs.slice(-100_000);
  });
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  return {
    child,
    host,
    logs: () => logs,
    exited,
    async stop(graceMs = 20_000) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
    async kill9() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

export interface TempFiles {
  dir: string;
  path(name: string): string;
  /** Writes a config YAML (a JSON object is valid YAML) and returns its path. */
  writeConfig(config: Record<string, unknown>): Promise<string>;
  /**
   * A stand-in for `systemctl restart jenkins-agent`: prints its arguments,
   * writes a line to stderr, exits with the code it was given.
   */
  writeRestartScript(name: string): Promise<string>;
  /** A minimal Go module checkout (go.mod + go.sum). */
  writeGoRepo(name: string): Promise<string>;
  cleanup(): Promise<void>;
}

export async function createTempFiles(label: string): Promise<TempFiles> {
  const dir = await mkdtemp(join(tmpdir(), `buildfix-${label}-`));
  const path = (name: string): string => join(dir, name);
  return {
    dir,
    path,
    async writeConfig(config) {
      const file = path(`config-${randomUUID().slice(0, 6)}.yaml`);
      await writeFile(file, JSON.stringify(config, null, 2));
      return file;
    },
    async writeRestartScript(name) {
      const file = path(name);
      await writeFile(file, '#!/bin/sh\necho "restarting agent: $*"\necho "exit code will be $1" >&2\nexit "$1"\n');
      await chmod(file, 0o755);
      return file;
    },
    async writeGoRepo(name) {
      const repo = path(name);
      const { mkdir } = await import('node:fs/promises');
      await mkdir(repo, { recursive: true });
      await writeFile(join(repo, 'go.mod'), 'module example.com/fixture\n\ngo 1.19\n');
      await writeFile(join(repo, 'go.sum'), '');
      return repo;
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}
