/**
 * Where `buildfix shell` writes its logs: a file, never the prompt (a Redis
 * outage would otherwise bury the one line that matters under stack traces).
 * BUILDFIX_LOG_FILE names it; default $XDG_STATE_HOME/buildfix/shell.log
 * (~/.local/state/buildfix/shell.log).
 */
import { createWriteStream, mkdirSync } from 'node:fs';
import { buildfixStateDir } from '../util/state-dir.ts';
import { dirname, join } from 'node:path';

export function shellLogPath(env: NodeJS.ProcessEnv): string {
  if (env.BUILDFIX_LOG_FILE) return env.BUILDFIX_LOG_FILE;
  return join(buildfixStateDir(env), 'shell.log');
}

/** An append stream for the log file; undefined when it cannot be created (then logs go to stderr). */
export function openLogFile(path: string): NodeJS.WritableStream | undefined {
  try {
    mkdirSync(dirname(path), { recursive: true });
    const stream = createWriteStream(path, { flags: 'a', mode: 0o600 });
    stream.on('error', () => {});
    return stream;
  } catch {
    return undefined;
  }
}
