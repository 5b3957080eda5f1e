/**
 * ~/.netrc as the go command reads it (cmd/go/internal/auth): $NETRC or
 * $HOME/.netrc, "machine/login/password" triples, macros skipped, nothing
 * after a "default" entry. go sends these credentials with its https
 * requests (go-get pages, GOPROXY); git's curl reads the same file on its
 * own. Values stay in memory for request headers and are never shown.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface NetrcLine {
  machine: string;
  login: string;
  password: string;
}

/** auth.parseNetrc: complete machine entries only. */
export function parseNetrcLines(data: string): NetrcLine[] {
  const out: NetrcLine[] = [];
  let l: Partial<NetrcLine> = {};
  let inMacro = false;
  for (const line of data.split('\n')) {
    if (inMacro) {
      if (line === '') inMacro = false;
      continue;
    }
    const f = line.split(/\s+/).filter(Boolean);
    let i = 0;
    for (; i < f.length - 1; i += 2) {
      const value = f[i + 1]!;
      switch (f[i]) {
        case 'machine':
          l = { machine: value };
          break;
        case 'login':
          l.login = value;
          break;
        case 'password':
          l.password = value;
          break;
        case 'macdef':
          inMacro = true;
          break;
        default:
          break;
      }
      if (l.machine && l.login && l.password) {
        out.push({ machine: l.machine, login: l.login, password: l.password });
        l = {};
      }
    }
    if (i < f.length && f[i] === 'default') break;
  }
  return out;
}

/** $NETRC, else $HOME/.netrc; undefined without either. */
export function netrcPath(env: Record<string, string | undefined>): string | undefined {
  if (env.NETRC) return env.NETRC;
  return env.HOME ? join(env.HOME, '.netrc') : undefined;
}

/** The entries of the agent's .netrc ([] when there is none). */
export async function readNetrcLines(env: Record<string, string | undefined>): Promise<NetrcLine[]> {
  const path = netrcPath(env);
  if (!path) return [];
  try {
    return parseNetrcLines(await readFile(path, 'utf8'));
  } catch {
    return [];
  }
}

/** The Authorization header go would send to `host` (auth.AddCredentials), if any. */
export function basicAuthFor(lines: readonly NetrcLine[], host: string): string | undefined {
  const l = lines.find((x) => x.machine === host);
  return l ? `Basic ${Buffer.from(`${l.login}:${l.password}`).toString('base64')}` : undefined;
}

/** Whether curl (git) finds a password for `host`: its machine entry, or the "default" entry. Presence only. */
export function netrcHasPasswordFor(data: string, host: string): boolean {
  let current: string | undefined;
  const tokens = data.split(/\s+/).filter(Boolean);
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t === 'machine') current = tokens[++i]?.toLowerCase();
    else if (t === 'default') current = 'default';
    else if (t === 'login' || t === 'account') i++;
    else if (t === 'password') {
      if (current === host.toLowerCase() || current === 'default') return true;
      i++;
    }
  }
  return false;
}
