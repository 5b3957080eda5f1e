/**
 * Real processes for the Slack tests: `buildfix serve` and `buildfix worker`
 * started from bin/buildfix.js on the pinned Node, with a clean environment
 * (only what the test passes, plus PATH/HOME), and Redis key prefixes that
 * are unique per test and deleted afterwards.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from '../fakes/goproxy-server.ts';
import { BIN, NODE } from './run-cli.ts';
import { TEST_SIGNING_SECRET } from './slack-sign.ts';

export const REDIS_URL = 'redis://127.0.0.1:6379';

export interface ChildHandle {
  child: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** SIGTERM, then the exit code (SIGKILL after timeoutMs). */
  stop(timeoutMs?: number): Promise<number | null>;
  kill(): void;
  readonly exited: boolean;
}

function startChild(args: string[], env: Record<string, string>, readyPattern: RegExp, readyTimeoutMs: number): Promise<ChildHandle> {
  const child = spawn(NODE, [BIN, ...args], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', LOG_LEVEL: 'info', NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let exited = false;
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => ((exited = true), resolve(code))));
  const handle: ChildHandle = {
    child,
    output: () => out,
    get exited() {
      return exited;
    },
    async stop(timeoutMs = 15_000) {
      if (exited) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const code = await exit;
      clearTimeout(timer);
      return code;
    },
    kill() {
      if (!exited) child.kill('SIGKILL');
    },
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      handle.kill();
      reject(new Error(`${args.join(' ')} not ready within ${readyTimeoutMs} ms:\n${out}`));
    }, readyTimeoutMs);
    const onData = (d: Buffer): void => {
      out += d.toString();
      if (readyPattern.test(out)) {
        clearTimeout(timer);
        resolve(handle);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exit.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${args.join(' ')} exited with ${code} before it was ready:\n${out}`));
    });
  });
}

export interface ServeHandle extends ChildHandle {
  port: number;
  url: string;
  eventsUrl: string;
}

export async function startServe(env: Record<string, string>, port: number, extraArgs: string[] = []): Promise<ServeHandle> {
  const handle = await startChild(['serve', '--listen', '127.0.0.1', '--port', String(port), ...extraArgs], env, /buildfix serve listening on/, 20_000);
  const url = `http://127.0.0.1:${port}`;
  return Object.assign(handle, { port, url, eventsUrl: `${url}/slack/events` });
}

/** `buildfix serve` on a free port of 127.0.0.1, with the half-second grace period on SIGTERM the tests run it with. */
export async function startServeOnFreePort(env: Record<string, string>): Promise<ServeHandle> {
  return startServe(env, await freePort(), ['--grace-ms', '500']);
}

/** Serves started on free ports with the same extra arguments, remembered so that a test stops every one it started. */
export interface ServeFleet {
  start(env: Record<string, string>): Promise<ServeHandle>;
  /** Stops every serve started (a live child would keep the test process alive after a failed test). */
  stopAll(): Promise<void>;
}

export function serveFleet(extraArgs: string[]): ServeFleet {
  const started: ServeHandle[] = [];
  return {
    async start(env) {
      const handle = await startServe(env, await freePort(), extraArgs);
      started.push(handle);
      return handle;
    },
    async stopAll() {
      await Promise.all(started.map((s) => s.stop()));
    },
  };
}

/** The Slack part of a serve's environment: a bot token, the secret the tests sign with, and the fake Web API. */
export function slackEnv(slack: { apiUrl: string }): Record<string, string> {
  return { SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET, SLACK_API_URL: slack.apiUrl };
}

/** The go environment of a serve or worker that fetches modules from one GOPROXY (a fake) without a checksum database. */
export function goproxyEnv(url: string): Record<string, string> {
  return { GOPROXY: url, GOSUMDB: 'off', GOFLAGS: '-mod=mod' };
}

/** A temp directory `buildfix-<label>-…` holding buildfix.yaml with the given text (more files may be written into `work`). */
export async function workDirWithConfig(label: string, yaml: string): Promise<{ work: string; configPath: string }> {
  const work = await mkdtemp(join(tmpdir(), `buildfix-${label}-`));
  const configPath = join(work, 'buildfix.yaml');
  await writeFile(configPath, yaml);
  return { work, configPath };
}

export function startWorkerProcess(host: string, env: Record<string, string>): Promise<ChildHandle> {
  return startChild(['worker', '--host', host], env, /"msg":"worker ready"/, 20_000);
}

/** A REDIS_PREFIX of its own for one test file. */
export function uniquePrefix(): string {
  return `bf-test-${randomUUID().slice(0, 8)}`;
}

/** Deletes every key under a prefix ({prefix}… as normalizeKeyPrefix wraps it). */
export async function deletePrefix(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `{${prefix}}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
