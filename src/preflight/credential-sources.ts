/**
 * The tokens this agent's go (and git) would send to the private module
 * hosts, found where they look: the netrc file ($NETRC, else ~/.netrc,
 * parsed as cmd/go/internal/auth does: complete machine/login/password
 * entries, the first match for a host wins, macdef skipped, nothing after
 * "default"), then credentials in a GOPROXY entry's URL (go's net/http uses
 * them only when netrc gave none for that host). Each token is held in a
 * Secret, only to be sent to the host's own API; what leaves this module
 * for results and messages is the host and the token's source.
 */
import { readFile } from 'node:fs/promises';
import type { GoEnv } from '../config/env.ts';
import { DEFAULT_CREDENTIAL_HOSTS, type CredentialHost } from '../config/preflight-schema.ts';
import { parseNetrcLines, type NetrcLine } from '../goproxy/netrc.ts';
import { parseGoproxy } from '../goproxy/parse-goproxy.ts';
import { Secret } from '../util/secret.ts';

export interface FoundCredential {
  target: CredentialHost;
  /** "~/.netrc machine github.com", "$NETRC (/etc/netrc) machine gitlab.corp", "GOPROXY entry https://gitlab.corp/api/v4/projects/7/packages/go". */
  source: string;
  token: Secret;
  /** The login sent with it (kept in memory only: it tells a GitLab deploy token apart). */
  login?: string | undefined;
}

export interface CredentialDiscovery {
  found: FoundCredential[];
  /** Hosts asked about (configured, or the defaults) for which no token was found. */
  missing: string[];
  /** Private hosts this agent has a token for, but whose API kind is not configured (preflight.credentialHosts). */
  unchecked: Array<{ host: string; source: string }>;
  /** The netrc file looked at, as shown to people ("~/.netrc", "$NETRC (/path)"), and whether it exists. */
  netrc: { label: string; present: boolean };
  /** Whether the hosts are the defaults (github.com, gitlab.com) rather than preflight.credentialHosts. */
  defaults: boolean;
}

export interface DiscoverOptions {
  /** preflight.credentialHosts; undefined: the defaults. */
  targets: readonly CredentialHost[] | undefined;
  /** The worker's environment (HOME, NETRC) and go's variables (GOPROXY, GOPRIVATE, GONOPROXY) as go sees them. */
  env: Record<string, string | undefined>;
  goEnv: GoEnv;
  /** Hosts of the configured repos (private module hosts). */
  privateHosts: readonly string[];
}

/** Where the netrc is and how to name it: $NETRC wins, as for go. */
function netrcLocation(env: Record<string, string | undefined>): { path: string | undefined; label: string } {
  if (env.NETRC) return { path: env.NETRC, label: `$NETRC (${env.NETRC})` };
  return { path: env.HOME ? `${env.HOME.replace(/\/+$/, '')}/.netrc` : undefined, label: '~/.netrc' };
}

async function readNetrc(path: string | undefined): Promise<NetrcLine[] | undefined> {
  if (!path) return undefined;
  try {
    return parseNetrcLines(await readFile(path, 'utf8'));
  } catch {
    // Missing or unreadable: go treats both as "no credentials".
    return undefined;
  }
}

/** go's auth.AddCredentials: the first complete entry whose machine is exactly the host. */
export function netrcEntryFor(lines: readonly NetrcLine[], host: string): NetrcLine | undefined {
  return lines.find((l) => l.machine === host);
}

/** https GOPROXY entries with credentials in the URL, by host: the token (the password, else the user) and the entry without them. */
export function goproxyCredentials(goproxy: string | undefined): Array<{ host: string; shown: string; token: string; login?: string }> {
  let entries;
  try {
    entries = parseGoproxy(goproxy);
  } catch {
    return [];
  }
  const out: Array<{ host: string; shown: string; token: string; login?: string }> = [];
  for (const e of entries) {
    if (e.kind !== 'url') continue;
    let u: URL;
    try {
      u = new URL(e.url);
    } catch {
      continue;
    }
    if (!u.username && !u.password) continue;
    const token = decodeURIComponent(u.password || u.username);
    if (!token) continue;
    const shown = `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}`;
    out.push({ host: u.hostname.toLowerCase(), shown, token, ...(u.password && u.username ? { login: decodeURIComponent(u.username) } : {}) });
  }
  return out;
}

function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|\\]/g, '\\$&')
    .replace(/\*/g, '[^/]*')
    .replace(/\?/g, '[^/]');
  return new RegExp(`^${body}$`, 'i');
}

/** Whether a host is private to go: a configured repo's host, or the first element of a GOPRIVATE/GONOPROXY pattern matches it. */
function isPrivateHost(host: string, goEnv: GoEnv, privateHosts: readonly string[]): boolean {
  if (privateHosts.includes(host)) return true;
  const patterns = [goEnv.GOPRIVATE, goEnv.GONOPROXY]
    .flatMap((v) => (v ?? '').split(','))
    .map((p) => p.trim().split('/')[0] ?? '')
    .filter(Boolean);
  return patterns.some((p) => globToRegExp(p).test(host));
}

export async function discoverCredentials(options: DiscoverOptions): Promise<CredentialDiscovery> {
  const defaults = options.targets === undefined;
  const targets = options.targets ?? DEFAULT_CREDENTIAL_HOSTS;
  const where = netrcLocation(options.env);
  const lines = await readNetrc(where.path);
  const proxied = goproxyCredentials(options.goEnv.GOPROXY);
  const found: FoundCredential[] = [];
  const missing: string[] = [];
  for (const target of targets) {
    const entry = lines ? netrcEntryFor(lines, target.host) : undefined;
    if (entry) {
      found.push({ target, source: `${where.label} machine ${target.host}`, token: new Secret(entry.password), login: entry.login });
      continue;
    }
    const viaProxy = proxied.find((p) => p.host === target.host);
    if (viaProxy) {
      found.push({ target, source: `GOPROXY entry ${viaProxy.shown}`, token: new Secret(viaProxy.token), login: viaProxy.login });
      continue;
    }
    missing.push(target.host);
  }
  const known = new Set(targets.map((t) => t.host));
  const unchecked = new Map<string, string>();
  for (const l of lines ?? []) {
    if (!known.has(l.machine) && !unchecked.has(l.machine) && isPrivateHost(l.machine, options.goEnv, options.privateHosts)) {
      unchecked.set(l.machine, `${where.label} machine ${l.machine}`);
    }
  }
  for (const p of proxied) {
    if (!known.has(p.host) && !unchecked.has(p.host)) unchecked.set(p.host, `GOPROXY entry ${p.shown}`);
  }
  return {
    found,
    missing,
    unchecked: [...unchecked].map(([host, source]) => ({ host, source })),
    netrc: { label: where.label, present: lines !== undefined },
    defaults,
  };
}
