/**
 * What the Jenkins job tests share: a unique Redis key prefix (deleted after),
 * real `buildfix worker` processes with the Jenkins fake in their
 * environment, config files, the restart fixture, and a chat surface that
 * records what the router posts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { ChatMessage, ChatSurface, MessageHandle } from '../../../src/chat/chat-surface.ts';

import {
  createTempFiles,
  type TempFiles,
  deleteKeys as deleteKeysAt,
  NODE,
  ROOT,
  SHARED_REDIS_URL,
  uniquePrefix as sharedUniquePrefix,
  waitUntil,
} from '../../helpers/jobs-harness.ts';

export { NODE, ROOT, waitUntil };
export const REDIS_URL = SHARED_REDIS_URL;
export const RESTART_FIXTURE = fileURLToPath(new URL('./fixtures/record-restart.sh', import.meta.url));

export function uniquePrefix(label: string): string {
  return sharedUniquePrefix(`jj-${label}`);
}

/** Deletes every key containing the test's prefix. */
export function deleteKeys(fragment: string): Promise<void> {
  return deleteKeysAt(REDIS_URL, fragment);
}

/** The environment a buildfix process gets: PATH and HOME only, plus what the test says. */
export function cleanEnv(extra: Record<string, string>): Record<string, string> {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', LOG_LEVEL: 'warn', NO_COLOR: '1', ...extra };
}

export interface WorkerProcess {
  host: string;
  child: ChildProcess;
  logs(): string;
  stop(): Promise<void>;
}

/** `node bin/buildfix.js worker --host <host>`, resolved once it announced itself (the caller waits on status). */
export function spawnWorker(host: string, env: Record<string, string>): WorkerProcess {
  const child = spawn(NODE, ['bin/buildfix.js', 'worker', '--host', host], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], env: cleanEnv(env) });
  let logs = '';
  child.stderr?.on('data', (d: Buffer) => {
    logs = (logs + d.toString()).slice(-100_000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    host,
    child,
    logs: () => logs,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export interface TempDir extends TempFiles {
  /** Lines the restart fixture wrote to this marker (empty when it never ran). */
  markerLines(name: string): Promise<string[]>;
}

export async function createTempDir(label: string): Promise<TempDir> {
  const files = await createTempFiles(`jj-${label}`);
  return {
    ...files,
    async markerLines(name) {
      try {
        return (await readFile(files.path(name), 'utf8')).split('\n').filter(Boolean);
      } catch {
        return [];
      }
    },
  };
}

/** The agent restart argv for the config: the fixture writing to `marker`. */
export function restartArgv(marker: string, exitCode = 0, seconds = 0): string[] {
  return ['/bin/sh', RESTART_FIXTURE, marker, String(exitCode), String(seconds)];
}

/** A chat surface that records every message (confirmations are answered by the test through dispatch). */
export class RecordingSurface implements ChatSurface {
  readonly replyTo = undefined;
  readonly updateIntervalMs = 0;
  readonly localFiles = false;
  readonly posted: ChatMessage[] = [];
  readonly whispered: ChatMessage[] = [];
  readonly updates: ChatMessage[] = [];
  #next = 0;

  async post(message: ChatMessage): Promise<MessageHandle> {
    this.posted.push(message);
    return { id: String(++this.#next) };
  }
  async update(_handle: MessageHandle, message: ChatMessage): Promise<void> {
    this.updates.push(message);
  }
  async whisper(message: ChatMessage): Promise<void> {
    this.whispered.push(message);
  }
  async askConfirmation(): Promise<boolean> {
    return true;
  }
  results(): Array<Extract<ChatMessage, { kind: 'result' }>> {
    return this.posted.filter((m): m is Extract<ChatMessage, { kind: 'result' }> => m.kind === 'result');
  }
}
