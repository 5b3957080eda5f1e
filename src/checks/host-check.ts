/**
 * Checks of the build host itself: free space and inodes where the workspace
 * and the module cache live, the installed go (version and `go env`), and
 * whether git has credentials for the private hosts go fetches directly.
 * Credentials are only ever reported as present or missing: no login,
 * password, token or helper script text reaches a finding.
 */
import { readdir, readFile, stat, statfs } from 'node:fs/promises';
import { homedir, hostname, tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { GoEnv, GoEnvKey } from '../config/env.ts';
import type { FileConfig } from '../config/schema.ts';
import { CommandFailedError } from '../errors.ts';
import { runCommand } from '../exec/run-command.ts';
import type { CheckResult, CheckStatus, Finding } from '../report/model.ts';
import { redactText } from '../util/redact.ts';
import { maskSecrets } from './proxy-lint.ts';

// ---------------------------------------------------------------------------
// go version / go env

export interface GoEnvironment {
  /** "1.19.8" from "go version go1.19.8 linux/amd64"; undefined when go is missing or unreadable. */
  version?: string;
  /** The whole `go version` line. */
  versionLine?: string;
  /** `go env -json` for GO_ENV_QUERY (GOMODCACHE, GOPROXY, GOROOT …), set ones only; undefined when it failed. */
  env?: Record<string, string>;
  /** True when no go binary was found. */
  missing: boolean;
  /** Why go could not be read (redacted), when it could not. */
  error?: string;
}

export interface ReadGoOptions {
  timeoutMs?: number;
  /** The build's go variables; default: what this process inherited. */
  goEnv?: GoEnv;
  signal?: AbortSignal;
  /** Default "go" from PATH. */
  goBinary?: string;
}

/**
 * The variables read from `go env`. Naming them matters: a bare `go env -json` also
 * computes the cgo flags by running the C compiler (~90 ms of CPU on both cores, in
 * the middle of the module check); named variables come back in a few ms.
 */
export const GO_ENV_QUERY = [
  'GOVERSION',
  'GOROOT',
  'GOPATH',
  'GOMODCACHE',
  'GOCACHE',
  'GOENV',
  'GOOS',
  'GOARCH',
  'GOPROXY',
  'GOPRIVATE',
  'GONOPROXY',
  'GONOSUMDB',
  'GOSUMDB',
  'GOFLAGS',
  'GOINSECURE',
  'GOTOOLCHAIN',
] as const;

function goVariables(goEnv: GoEnv | undefined): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(goEnv ?? {})) env[k] = v;
  // Never let GOTOOLCHAIN switch (and download) a toolchain just to answer `go version`.
  env.GOTOOLCHAIN = 'local';
  return env;
}

// `go env -w GOTOOLCHAIN=…` lives in the GOENV file; we ran with GOTOOLCHAIN=local, so read the real value back.
async function configuredToolchain(goEnvFile: string | undefined, goEnv: GoEnv | undefined): Promise<string | undefined> {
  if (goEnv?.GOTOOLCHAIN) return goEnv.GOTOOLCHAIN;
  if (!goEnvFile || goEnvFile === 'off') return undefined;
  try {
    const text = await readFile(goEnvFile, 'utf8');
    const m = /^GOTOOLCHAIN=(.*)$/m.exec(text);
    return m?.[1]?.trim();
  } catch {
    return undefined;
  }
}

/** The installed go's version and `go env -json`, read via runCommand from a neutral directory. Never throws for a missing go. */
export async function readGoEnvironment(opts: ReadGoOptions = {}): Promise<GoEnvironment> {
  const go = opts.goBinary ?? 'go';
  const runOpts = {
    cwd: tmpdir(),
    timeoutMs: opts.timeoutMs ?? 15_000,
    env: goVariables(opts.goEnv),
    ...(opts.signal ? { signal: opts.signal } : {}),
  };
  let versionLine: string;
  let failure: string | undefined;
  try {
    versionLine = (await runCommand([go, 'version'], runOpts)).stdout.trim();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const missing = err instanceof CommandFailedError && err.exitCode === undefined && /not found|ENOENT/i.test(message);
    if (missing || !(err instanceof CommandFailedError) || err.exitCode === undefined) return { missing, error: redactText(message) };
    // go ran but refused (a bad GOFLAGS breaks every go command): keep that error, still learn the version.
    failure = redactText(message);
    try {
      versionLine = (await runCommand([go, 'version'], { ...runOpts, env: { ...runOpts.env, GOFLAGS: '' } })).stdout.trim();
    } catch {
      return { missing: false, error: failure };
    }
  }
  const m = /\bgo(\d+(?:\.\d+){0,2}(?:(?:rc|beta)\d+)?)\b/.exec(versionLine.replace(/^go version /, ''));
  const out: GoEnvironment = { missing: false, versionLine, ...(m?.[1] ? { version: m[1] } : {}), ...(failure ? { error: failure } : {}) };
  try {
    const res = await runCommand([go, 'env', '-json', ...GO_ENV_QUERY], runOpts);
    const parsed = JSON.parse(res.stdout) as Record<string, unknown>;
    const env: Record<string, string> = {};
    // An older go prints "" for a variable it does not know (GOTOOLCHAIN before 1.21): leave those out.
    for (const [k, v] of Object.entries(parsed)) if (typeof v === 'string' && v !== '') env[k] = v;
    const toolchain = await configuredToolchain(env.GOENV, opts.goEnv);
    if (toolchain === undefined) delete env.GOTOOLCHAIN;
    else env.GOTOOLCHAIN = toolchain;
    out.env = env;
  } catch (err) {
    out.error ??= redactText(err instanceof Error ? err.message : String(err));
  }
  return out;
}

// ---------------------------------------------------------------------------
// Disk space

type Thresholds = FileConfig['thresholds'];

async function nearestExisting(path: string): Promise<string> {
  let cur = resolve(path);
  for (;;) {
    try {
      await stat(cur);
      return cur;
    } catch {
      const parent = dirname(cur);
      if (parent === cur) return cur;
      cur = parent;
    }
  }
}

function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 10 || i === 0 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}

function pct(n: number): string {
  return n >= 10 || n === 0 ? `${Math.round(n)}%` : `${n.toFixed(1)}%`;
}

interface Volume {
  measured: string;
  dev: number;
  roles: Array<{ role: string; path: string }>;
}

async function diskResult(volume: Volume, thresholds: Thresholds): Promise<CheckResult> {
  const t0 = performance.now();
  const what = volume.roles.map((r) => `${r.role} ${r.path}`).join(', ');
  const id = `disk:${volume.measured}`;
  const title = `free space for the ${volume.roles.map((r) => r.role).join(' and ')}`;
  let s;
  try {
    s = await statfs(volume.measured);
  } catch (err) {
    return {
      id,
      title,
      status: 'error',
      durationMs: Math.round(performance.now() - t0),
      detail: `statfs ${volume.measured} failed: ${err instanceof Error ? err.message : String(err)}`,
      findings: [],
    };
  }
  const total = s.blocks * s.bsize;
  const free = s.bavail * s.bsize;
  const freePct = s.blocks > 0 ? (s.bavail / s.blocks) * 100 : 100;
  const inodesPct = s.files > 0 ? (s.ffree / s.files) * 100 : undefined;
  const findings: Finding[] = [];
  const where = volume.measured === volume.roles[0]?.path ? volume.measured : `${volume.measured} (volume of ${volume.roles.map((r) => r.path).join(', ')})`;
  if (freePct < thresholds.minFreePercent || free < thresholds.minFreeBytes) {
    findings.push({
      category: 'disk-full',
      severity: 'error',
      message: `Only ${pct(freePct)} (${formatBytes(free)} of ${formatBytes(total)}) is free on ${where}: go mod download writes the module cache and unpacked modules there and fails with "no space left on device".`,
      evidence: `statfs ${volume.measured}: ${formatBytes(free)} available of ${formatBytes(total)} (${pct(freePct)}); thresholds ${thresholds.minFreePercent}% and ${formatBytes(thresholds.minFreeBytes)} · ${what}`,
      fix: 'Free space: `go clean -modcache` (it refills on the next build), delete old build workspaces on the agent, or grow the volume.',
    });
  }
  if (inodesPct !== undefined && inodesPct < thresholds.minFreeInodesPercent) {
    findings.push({
      category: 'disk-full',
      severity: 'error',
      message: `${where} is running out of inodes (${pct(inodesPct)} free, ${s.ffree} of ${s.files}): the module cache is many small files, so writes fail with "no space left on device" even with bytes to spare.`,
      evidence: `statfs ${volume.measured}: ${s.ffree} of ${s.files} inodes free (${pct(inodesPct)}); threshold ${thresholds.minFreeInodesPercent}% · ${what}`,
      fix: 'Run `go clean -modcache` and delete old workspaces (many small files), or rebuild the filesystem with more inodes.',
    });
  }
  const detail = `${pct(freePct)} free (${formatBytes(free)} of ${formatBytes(total)})${inodesPct === undefined ? '' : ` · inodes ${pct(inodesPct)} free`} · ${what}`;
  return { id, title, status: findings.length > 0 ? 'fail' : 'pass', durationMs: Math.round(performance.now() - t0), detail, findings };
}

async function diskResults(paths: Array<{ role: string; path: string }>, thresholds: Thresholds): Promise<CheckResult[]> {
  const volumes: Volume[] = [];
  for (const { role, path } of paths) {
    const measured = await nearestExisting(path);
    let dev = -1;
    try {
      dev = (await stat(measured)).dev;
    } catch {
      dev = -1;
    }
    const same = volumes.find((v) => v.dev === dev && dev !== -1);
    if (same) same.roles.push({ role, path });
    else volumes.push({ measured, dev, roles: [{ role, path }] });
  }
  return Promise.all(volumes.map((v) => diskResult(v, thresholds)));
}

/** GOMODCACHE as go computes it: explicit, else the first GOPATH entry + /pkg/mod, else ~/go/pkg/mod. */
export function moduleCacheDir(explicit: string | undefined, goInfo: GoEnvironment | undefined, goEnv: GoEnv, home: string): string {
  if (explicit) return explicit;
  if (goInfo?.env?.GOMODCACHE) return goInfo.env.GOMODCACHE;
  if (goEnv.GOMODCACHE) return goEnv.GOMODCACHE;
  const gopath = (goEnv.GOPATH ?? '').split(':').find((p) => p !== '' && isAbsolute(p));
  return join(gopath ?? join(home, 'go'), 'pkg', 'mod');
}

// ---------------------------------------------------------------------------
// git credentials

export interface NetrcEntry {
  /** The machine name, or "default" for the default entry. */
  machine: string;
  hasLogin: boolean;
  hasPassword: boolean;
}

/** Parses .netrc tokens (machine/default/login/password/account/macdef); keeps only presence, never the values. */
export function parseNetrc(text: string): NetrcEntry[] {
  const entries: NetrcEntry[] = [];
  let current: NetrcEntry | undefined;
  let inMacro = false;
  let pending: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (inMacro) {
      if (line.trim() === '') inMacro = false;
      continue;
    }
    for (const token of line.split(/\s+/).filter(Boolean)) {
      if (pending) {
        const key = pending;
        pending = undefined;
        if (key === 'machine') {
          current = { machine: token.toLowerCase(), hasLogin: false, hasPassword: false };
          entries.push(current);
        } else if (key === 'login' && current) current.hasLogin = true;
        else if (key === 'password' && current) current.hasPassword = true;
        else if (key === 'macdef') inMacro = true;
        continue;
      }
      if (token === 'default') {
        current = { machine: 'default', hasLogin: false, hasPassword: false };
        entries.push(current);
      } else if (token === 'machine' || token === 'login' || token === 'password' || token === 'account' || token === 'macdef') {
        pending = token;
      } else if (token.startsWith('#') && pending === undefined) {
        break;
      }
    }
    if (pending === 'macdef') {
      pending = undefined;
      inMacro = true;
    }
  }
  return entries;
}

interface GitCredentialFacts {
  gitMissing: boolean;
  globalHelpers: string[];
  hostHelpers: Array<{ url: string; helper: string }>;
  rewrites: Array<{ base: string; insteadOf: string }>;
}

// Only the helper's name is ever shown: inline shell helpers can embed tokens.
function helperName(value: string): string {
  const first = value.trim().split(/\s+/)[0] ?? '';
  if (first === '') return '(empty: resets the list)';
  if (first.startsWith('!')) return 'custom shell helper';
  if (/^[A-Za-z0-9_.-]+$/.test(first)) return first;
  return 'custom helper';
}

// `git config --get…` exits 1 when the key is unset; only a missing git binary is an error here.
async function gitLines(args: string[], env: Record<string, string | undefined>, timeoutMs: number, signal: AbortSignal | undefined): Promise<string[]> {
  try {
    const res = await runCommand(['git', ...args], { cwd: tmpdir(), env, timeoutMs, ...(signal ? { signal } : {}) });
    return res.stdout.split('\n').filter((l) => l.trim() !== '');
  } catch (err) {
    if (err instanceof CommandFailedError && err.exitCode === undefined && /not found/i.test(err.message)) throw err;
    return [];
  }
}

async function readGitCredentialFacts(home: string, timeoutMs: number, signal: AbortSignal | undefined): Promise<GitCredentialFacts> {
  // What go's git sees: system + global config for this HOME, never a repository's local config.
  const env = { HOME: home, XDG_CONFIG_HOME: join(home, '.config'), GIT_CEILING_DIRECTORIES: tmpdir(), GIT_TERMINAL_PROMPT: '0' };
  try {
    const [helpers, hostHelpers, rewrites] = await Promise.all([
      gitLines(['config', '--get-all', 'credential.helper'], env, timeoutMs, signal),
      gitLines(['config', '--get-regexp', '^credential\\..+\\.helper$'], env, timeoutMs, signal),
      gitLines(['config', '--get-regexp', '^url\\..+\\.insteadof$'], env, timeoutMs, signal),
    ]);
    return {
      gitMissing: false,
      globalHelpers: helpers.map(helperName),
      hostHelpers: hostHelpers.map((line) => {
        const sp = line.indexOf(' ');
        const key = sp < 0 ? line : line.slice(0, sp);
        return { url: key.replace(/^credential\./i, '').replace(/\.helper$/i, ''), helper: helperName(sp < 0 ? '' : line.slice(sp + 1)) };
      }),
      rewrites: rewrites.map((line) => {
        const sp = line.indexOf(' ');
        const key = sp < 0 ? line : line.slice(0, sp);
        return { base: key.replace(/^url\./i, '').replace(/\.insteadof$/i, ''), insteadOf: sp < 0 ? '' : line.slice(sp + 1).trim() };
      }),
    };
  } catch (err) {
    if (err instanceof CommandFailedError && /not found/i.test(err.message)) return { gitMissing: true, globalHelpers: [], hostHelpers: [], rewrites: [] };
    throw err;
  }
}

// The host of a git URL in any of its spellings: https://h/…, ssh://u@h/…, u@h:path, bare h/….
function gitUrlHost(value: string): string | undefined {
  const m = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/]*@)?(\[[^\]]+\]|[^/:?#]+)/i.exec(value) ?? /^(?:[^@/\s]+@)?([^/:\s]+)(?::|\/|$)/.exec(value);
  return m?.[1]?.toLowerCase();
}

function hostMatches(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase();
  if (!p.includes('*')) return p === host;
  const re = new RegExp(
    `^${p
      .split('*')
      .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('[^.]*')}$`,
  );
  return re.test(host);
}

async function gitCredentialsFileHasHost(home: string, host: string): Promise<boolean> {
  for (const file of [join(home, '.git-credentials'), join(home, '.config', 'git', 'credentials')]) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split(/\r?\n/)) {
      if (gitUrlHost(line.trim()) === host && line.includes('@')) return true;
    }
  }
  return false;
}

async function sshKeysPresent(home: string): Promise<boolean> {
  try {
    const files = await readdir(join(home, '.ssh'));
    return files.some((f) => /^id_[a-z0-9_]+$/.test(f));
  } catch {
    return false;
  }
}

async function readNetrc(home: string): Promise<NetrcEntry[] | undefined> {
  for (const name of ['.netrc', '_netrc']) {
    try {
      return parseNetrc(await readFile(join(home, name), 'utf8'));
    } catch {
      continue;
    }
  }
  return undefined;
}

async function credentialResults(hosts: string[], home: string, timeoutMs: number, signal: AbortSignal | undefined): Promise<CheckResult[]> {
  if (hosts.length === 0) return [];
  const t0 = performance.now();
  const facts = await readGitCredentialFacts(home, timeoutMs, signal);
  const netrc = await readNetrc(home);
  const keys = await sshKeysPresent(home);
  const durationMs = Math.round(performance.now() - t0);
  if (facts.gitMissing) {
    return [
      {
        id: 'git-credentials',
        title: 'git for private modules',
        status: 'fail',
        durationMs,
        detail: 'git is not installed',
        findings: [
          {
            category: 'host-environment',
            severity: 'error',
            message: `git is not installed on this host, so the go command cannot fetch private modules from ${hosts.join(', ')} directly.`,
            evidence: 'git: not found on PATH',
            fix: 'Install git on the agent (apt-get install git), or serve the private modules through a GOPROXY that has them.',
          },
        ],
      },
    ];
  }
  const results: CheckResult[] = [];
  for (const raw of hosts) {
    const host = raw.toLowerCase();
    const parts: string[] = [];
    let strong = false;
    let weak = false;
    const hostHelper = facts.hostHelpers.find((h) => {
      const urlHost = gitUrlHost(h.url.includes('://') ? h.url : `https://${h.url}`);
      return urlHost !== undefined && hostMatches(urlHost, host) && h.helper !== '(empty: resets the list)';
    });
    if (hostHelper) {
      strong = true;
      parts.push(`host helper: ${hostHelper.helper}`);
    } else parts.push('host helper: missing');
    const machine = netrc?.find((e) => e.machine === host);
    if (machine?.hasPassword) {
      strong = true;
      parts.push(`netrc: present${machine.hasLogin ? '' : ' (no login)'}`);
    } else if (machine) {
      parts.push('netrc: entry without password');
    } else if (netrc?.some((e) => e.machine === 'default' && e.hasPassword)) {
      weak = true;
      parts.push('netrc: default entry only');
    } else parts.push(netrc ? 'netrc: missing' : 'netrc: no file');
    if (facts.globalHelpers.length > 0) {
      const names = [...new Set(facts.globalHelpers)];
      if (names.includes('store') && (await gitCredentialsFileHasHost(home, host))) {
        strong = true;
        parts.push('helper: store (entry present)');
      } else {
        weak = true;
        parts.push(`helper: ${names.join(', ')} (global)`);
      }
    }
    const rewrite = facts.rewrites.find((r) => gitUrlHost(r.insteadOf) === host);
    if (rewrite) {
      const toSsh = /^ssh:\/\//i.test(rewrite.base) || /^[^@/:\s]+@[^:/\s]+:/.test(rewrite.base);
      const embedded = /^[a-z][a-z0-9+.-]*:\/\/[^/@]+@/i.test(rewrite.base) && !toSsh;
      if (toSsh) {
        if (keys) strong = true;
        else weak = true;
        parts.push(`insteadOf → ssh (${keys ? 'ssh keys present' : 'no ~/.ssh/id_* key; maybe an agent'})`);
      } else if (embedded) {
        strong = true;
        parts.push('insteadOf with embedded credentials');
      }
    }
    const status: CheckStatus = strong ? 'pass' : weak ? 'warn' : 'fail';
    const findings: Finding[] = [];
    if (status === 'fail') {
      findings.push({
        category: 'git-credentials',
        severity: 'error',
        message: `No git credentials for the private host ${host}: the go command runs git with GIT_TERMINAL_PROMPT=0, so fetching modules from it fails with "terminal prompts disabled" or "could not read Username".`,
        evidence: `${host}: ${parts.join(' · ')}`,
        fix: `For the build user, add a ~/.netrc entry (machine ${host} login <user> password <token>, chmod 600), or a credential helper (git config --global credential.https://${host}.helper store), or rewrite to SSH with a deploy key (git config --global url."git@${host}:".insteadOf "https://${host}/").`,
      });
    } else if (status === 'warn') {
      findings.push({
        category: 'git-credentials',
        severity: 'warning',
        message: `Git credentials for ${host} could not be confirmed: only a global helper, a netrc default entry or an SSH rewrite without a key file is configured.`,
        evidence: `${host}: ${parts.join(' · ')}`,
        fix: `Confirm with: GIT_TERMINAL_PROMPT=0 git ls-remote https://${host}/<group>/<repo>.git as the build user.`,
      });
    }
    results.push({ id: `git-credentials:${host}`, title: `git credentials for ${host}`, status, durationMs, detail: parts.join(' · '), findings });
  }
  return results;
}

// ---------------------------------------------------------------------------
// The exported checks

export interface HostCheckOptions {
  workspaceDir: string;
  goModCache?: string;
  thresholds: Thresholds;
  goEnv: GoEnv;
  /** Hosts of private modules go fetches directly with git. */
  privateHosts: string[];
  /** Default: the process's home directory. */
  homeDir?: string;
  timeoutMs: number;
  /** A previous readGoEnvironment() result, to avoid running go twice. */
  goInfo?: GoEnvironment;
  /** Default "go" from PATH. */
  goBinary?: string;
  signal?: AbortSignal;
}

function goResult(info: GoEnvironment, durationMs: number): CheckResult {
  if (info.missing || info.versionLine === undefined) {
    return {
      id: 'host:go',
      title: 'go toolchain on this host',
      status: 'fail',
      durationMs,
      detail: info.missing ? 'go not found' : `go version failed: ${info.error ?? 'unknown error'}`,
      findings: [
        {
          category: 'host-environment',
          severity: 'error',
          message: info.missing
            ? 'go is not installed on this host (or not on the PATH the build uses).'
            : `Running "go version" failed: ${info.error ?? 'unknown error'}.`,
          evidence: info.error ?? 'go: not found',
          fix: info.missing
            ? 'Install Go on the agent (or add it to PATH for the build user), e.g. from https://go.dev/dl/ or the Jenkins Go plugin tool installer.'
            : 'Run `go version` as the build user on the agent to see why it fails (a broken install, a wrong GOROOT, or a go binary for another architecture).',
        },
      ],
    };
  }
  const findings: Finding[] = [];
  if (info.error || !info.env) {
    findings.push({
      category: 'host-environment',
      severity: 'error',
      message: `go commands fail on this host before doing any work: ${info.error ?? 'go env -json returned nothing usable'}.`,
      evidence: info.error ?? '',
      fix: 'Fix the variable go complains about (often a malformed GOFLAGS, GOPROXY or GOSUMDB) in the agent or job environment, or in `go env -w` settings (go env GOENV shows the file).',
    });
  }
  const modcache = info.env?.GOMODCACHE;
  return {
    id: 'host:go',
    title: 'go toolchain on this host',
    status: findings.length > 0 ? 'fail' : 'pass',
    durationMs,
    detail: `${info.versionLine ?? `go ${info.version}`}${modcache ? ` · GOMODCACHE ${modcache}` : ''}`,
    findings,
  };
}

/** Disk, go toolchain and git-credential checks for this host. */
export async function checkHost(opts: HostCheckOptions): Promise<CheckResult[]> {
  const home = opts.homeDir ?? homedir();
  const t0 = performance.now();
  const goInfo =
    opts.goInfo ??
    (await readGoEnvironment({
      timeoutMs: opts.timeoutMs,
      goEnv: opts.goEnv,
      ...(opts.goBinary ? { goBinary: opts.goBinary } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    }));
  const goCheck = goResult(goInfo, Math.round(performance.now() - t0));
  const modCache = moduleCacheDir(opts.goModCache, goInfo, opts.goEnv, home);
  const [disks, creds] = await Promise.all([
    diskResults(
      [
        { role: 'workspace', path: resolve(opts.workspaceDir) },
        { role: 'module cache', path: resolve(modCache) },
      ],
      opts.thresholds,
    ),
    credentialResults([...new Set(opts.privateHosts.map((h) => h.toLowerCase()).filter(Boolean))], home, opts.timeoutMs, opts.signal),
  ]);
  return [goCheck, ...disks, ...creds];
}

export const SNAPSHOT_KEYS = [
  'GOPROXY',
  'GOFLAGS',
  'GOPRIVATE',
  'GONOPROXY',
  'GONOSUMDB',
  'GOSUMDB',
  'GOINSECURE',
  'GOTOOLCHAIN',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
] as const satisfies readonly GoEnvKey[];

export interface EnvironmentSnapshot {
  host: string;
  /** "1.19.8", or undefined when go is missing. */
  goVersion?: string;
  /** Set variables only, secrets masked (user:***@). */
  variables: Partial<Record<(typeof SNAPSHOT_KEYS)[number], string>>;
  /** git's url.<base>.insteadOf rewrites go's git sees, as "<prefix> → <base>" ("https://git.corp/ → ssh://git@git.corp/"), credentials masked; when read. */
  gitInsteadOf?: string[];
  /** Whether ~/.netrc (or _netrc) exists: presence only, never its contents; when read. */
  netrc?: 'present' | 'absent';
}

/** The git rewrites and netrc presence of a HOME, for environment snapshots (never a credential). */
export async function readSnapshotGitFacts(
  home: string,
  opts: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<Pick<EnvironmentSnapshot, 'gitInsteadOf' | 'netrc'>> {
  const env = { HOME: home, XDG_CONFIG_HOME: join(home, '.config'), GIT_CEILING_DIRECTORIES: tmpdir(), GIT_TERMINAL_PROMPT: '0' };
  let lines: string[] = [];
  try {
    lines = await gitLines(['config', '--get-regexp', '^url\\..+\\.insteadof$'], env, opts.timeoutMs ?? 10_000, opts.signal);
  } catch {
    lines = [];
  }
  const gitInsteadOf = lines
    .map((line) => {
      const sp = line.indexOf(' ');
      const key = sp < 0 ? line : line.slice(0, sp);
      const base = key.replace(/^url\./i, '').replace(/\.insteadof$/i, '');
      return redactText(maskSecrets(`${sp < 0 ? '' : line.slice(sp + 1).trim()} → ${base}`));
    })
    .sort();
  let netrc: 'present' | 'absent' = 'absent';
  for (const name of ['.netrc', '_netrc']) {
    try {
      if ((await stat(join(home, name))).isFile()) netrc = 'present';
    } catch {
      continue;
    }
  }
  return { gitInsteadOf, netrc };
}

/** The facts two agents are compared on (envdiff): go version and the go/proxy variables, masked. */
export async function snapshotEnvironment(
  goEnv: GoEnv,
  opts: { goInfo?: GoEnvironment; timeoutMs?: number; goBinary?: string; home?: string; signal?: AbortSignal } = {},
): Promise<EnvironmentSnapshot> {
  const info = opts.goInfo ?? (await readGoEnvironment({ goEnv, timeoutMs: opts.timeoutMs ?? 15_000, ...(opts.goBinary ? { goBinary: opts.goBinary } : {}) }));
  const variables: EnvironmentSnapshot['variables'] = {};
  for (const key of SNAPSHOT_KEYS) {
    const value = goEnv[key];
    if (value !== undefined) variables[key] = redactText(maskSecrets(value));
  }
  const git = opts.home ? await readSnapshotGitFacts(opts.home, { timeoutMs: opts.timeoutMs ?? 10_000, ...(opts.signal ? { signal: opts.signal } : {}) }) : {};
  return { host: hostname(), ...(info.version ? { goVersion: info.version } : {}), variables, ...git };
}
