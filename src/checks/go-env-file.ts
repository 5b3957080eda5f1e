/**
 * Reads the go command's own settings file (written by `go env -w`), so the
 * engine knows the GOPROXY/GOPRIVATE the host's go uses without waiting for
 * a `go env` process. Same lookup as go: $GOENV ("off" disables it), else
 * $XDG_CONFIG_HOME/go/env, else $HOME/.config/go/env.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export function goEnvFilePath(env: Record<string, string | undefined>): string | undefined {
  if (env.GOENV !== undefined && env.GOENV !== '') return env.GOENV === 'off' ? undefined : env.GOENV;
  if (env.XDG_CONFIG_HOME) return join(env.XDG_CONFIG_HOME, 'go', 'env');
  if (env.HOME) return join(env.HOME, '.config', 'go', 'env');
  return undefined;
}

/** Parses KEY=VALUE lines as go does (no quoting; later lines win; blank and malformed lines skipped). */
export function parseGoEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const eq = line.indexOf('=');
    if (line === '' || line.startsWith('#') || eq <= 0) continue;
    out[line.slice(0, eq).trim()] = line.slice(eq + 1);
  }
  return out;
}

export async function readGoEnvFile(env: Record<string, string | undefined>): Promise<Record<string, string>> {
  const path = goEnvFilePath(env);
  if (!path) return {};
  try {
    return parseGoEnvFile(await readFile(path, 'utf8'));
  } catch {
    return {};
  }
}
