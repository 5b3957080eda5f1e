/**
 * A GOPROXY on 127.0.0.1 that the real `go` command can download from:
 * `@v/list`, `.info`, `.mod`, `.zip` (store-only zips with
 * `<module>@<version>/` entries) and `@latest`, case-encoded paths, and
 * proxy.golang.org-style "not found: …" bodies. Tests script failures per
 * version (404/410/500/429 + Retry-After, slow answers, a .mod declaring
 * another path), change them at run time, and read what was requested:
 * per-path counts, the most requests in flight at once, sockets accepted.
 * Also answers `?go-get=1` with go-import meta tags when asked to.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect, createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { crc32 } from 'node:zlib';
import { runCommand } from '../../src/exec/run-command.ts';
import { compareModuleVersions } from '../../src/gomod/go-version.ts';
import { escapePath, escapeVersion, unescapePath, unescapeVersion } from '../../src/goproxy/escape-path.ts';

export interface FakeFailure {
  status: number;
  /** Body (text/plain); default: a proxy.golang.org-like message for 404/410, the status text otherwise. */
  message?: string;
  /** Retry-After header value (for 429/503). */
  retryAfter?: string | number;
  /** Only these files fail (default: info, mod and zip). */
  only?: Array<'info' | 'mod' | 'zip'>;
}

export interface FakeVersion {
  version: string;
  /** go.mod text; default "module <path>\n\ngo 1.19\n". */
  goMod?: string;
  /** Declare this module path in the default go.mod instead of the real one. */
  declaredPath?: string;
  /** Extra `retract` lines appended to the default go.mod, e.g. ["v1.0.1 // broken"]. */
  retract?: string[];
  /** A `// Deprecated: <text>` comment above the default go.mod's module line. */
  deprecated?: string;
  /** `require` lines of the default go.mod, e.g. ["example.com/dep v0.1.0"]. */
  require?: string[];
  /** Files in the zip besides go.mod (relative path → content). */
  files?: Record<string, string>;
  /** RFC 3339 commit time for .info and the list. */
  time?: string;
  /** Scripted failure for this version's files. */
  fail?: FakeFailure;
  /** Wait this long before answering this version's files. */
  delayMs?: number;
  /** Listed in @v/list (default: true unless it fails with 404/410). */
  listed?: boolean;
  /** Answer .info with this Version instead (a misbehaving proxy). */
  infoVersion?: string;
  /**
   * Serve exactly these zip entries (full names, prefix included) instead of
   * the zip built from goMod + files: for zips that break go's rules
   * (malformed names, case collisions, files outside `<module>@<version>/`).
   */
  zipEntries?: Array<{ name: string; data: string | Buffer }>;
}

export interface FakeModule {
  path: string;
  versions: FakeVersion[];
  /** Every request for this module fails like this (list and @latest too). */
  fail?: FakeFailure;
  /** Serve @latest (default true). */
  serveLatest?: boolean;
}

export interface GoProxyFakeOptions {
  modules: FakeModule[];
  /** Wait this long before every answer. */
  delayMs?: number;
  /** Serve HTTPS with this key pair (PEM). */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** go-import meta tags: import path prefix → [vcs, repo URL], answered for `?go-get=1`. */
  goImports?: Record<string, { vcs: string; url: string }>;
  /** Host to bind (default 127.0.0.1). */
  host?: string;
  /** Proxy a checksum database: `/sumdb/<name>/supported` answers 200 and `/sumdb/<name>/<rest>` goes to handle("/<rest>") (see sumdb-server.ts). */
  sumdb?: { name: string; handle(path: string): { status: number; body: string | Buffer; type: string } };
}

export interface RecordedRequest {
  method: string;
  /** Path as requested (case-encoded, percent-decoded: "/example.test/!hello/@v/list"), without the query. */
  path: string;
  query: string;
  status: number;
  /** Host header (shows the name a client used, e.g. goproxy.test:PORT). */
  host: string;
  /** Authorization header, when one was sent. */
  authorization?: string;
  /** Epoch ms when the answer was sent. */
  at: number;
}

export interface GoProxyFake {
  /** Base URL to put in GOPROXY, e.g. http://127.0.0.1:PORT. */
  url: string;
  port: number;
  /** Every answered request, in order. */
  requests: RecordedRequest[];
  /** Requests per case-encoded path (see fakePath). */
  count(path: string): number;
  /** The most requests that were being answered at the same time. */
  readonly maxInFlight: number;
  readonly inFlight: number;
  /** TCP connections accepted (keep-alive reuse keeps this low). */
  readonly connections: number;
  /** Replace or add a module (run-time change). */
  setModule(module: FakeModule): void;
  removeModule(path: string): void;
  /** Change one version in place (run-time change). */
  updateVersion(path: string, version: string, patch: Partial<FakeVersion>): void;
  /** Change global behaviour (delayMs). */
  configure(patch: Partial<Pick<GoProxyFakeOptions, 'delayMs' | 'goImports' | 'sumdb'>>): void;
  /** Forget recorded requests and counters. */
  resetStats(): void;
  close(): Promise<void>;
}

const DOS_DATE_1980 = (0 << 9) | (1 << 5) | 1;

/** A store-only (no compression) zip archive: enough for the go command's module zips. */
export function createStoredZip(entries: Array<{ name: string; data: string | Buffer }>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const data = typeof entry.data === 'string' ? Buffer.from(entry.data, 'utf8') : entry.data;
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(0, 8); // stored
    local.writeUInt16LE(0, 10); // time
    local.writeUInt16LE(DOS_DATE_1980, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, name, data);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4); // version made by
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(0, 10);
    central.writeUInt16LE(0, 12);
    central.writeUInt16LE(DOS_DATE_1980, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt16LE(0, 30); // extra
    central.writeUInt16LE(0, 32); // comment
    central.writeUInt16LE(0, 34); // disk
    central.writeUInt16LE(0, 36); // internal attrs
    central.writeUInt32LE(0, 38); // external attrs
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += local.length + name.length + data.length;
  }
  const centralSize = centrals.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(0, 4);
  end.writeUInt16LE(0, 6);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  end.writeUInt16LE(0, 20);
  return Buffer.concat([...locals, ...centrals, end]);
}

/** The go.mod a fake version serves. */
export function goModFor(module: FakeModule, v: FakeVersion): string {
  if (v.goMod !== undefined) return v.goMod;
  const retract = (v.retract ?? []).map((r) => `retract ${r}\n`).join('');
  const deprecated = v.deprecated !== undefined ? `// Deprecated: ${v.deprecated}\n` : '';
  const require = (v.require ?? []).map((r) => `require ${r}\n`).join('');
  return `${deprecated}module ${v.declaredPath ?? module.path}\n\ngo 1.19\n${require ? `\n${require}` : ''}${retract ? `\n${retract}` : ''}`;
}

/** The zip a fake version serves: go.mod plus its files under <module>@<version>/. */
export function zipFor(module: FakeModule, v: FakeVersion): Buffer {
  if (v.zipEntries) return createStoredZip(v.zipEntries);
  const prefix = `${module.path}@${v.version}/`;
  const files: Array<{ name: string; data: string }> = [{ name: `${prefix}go.mod`, data: goModFor(module, v) }];
  for (const [name, data] of Object.entries(v.files ?? {})) files.push({ name: `${prefix}${name}`, data });
  return createStoredZip(files);
}

function notFoundMessage(module: string, version: string): string {
  return `not found: ${module}@${version}: invalid version: unknown revision ${version}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function startGoProxyFake(options: GoProxyFakeOptions): Promise<GoProxyFake> {
  const modules = new Map<string, FakeModule>();
  for (const m of options.modules) modules.set(m.path, structuredClone(m));
  let delayMs = options.delayMs ?? 0;
  let goImports = options.goImports ?? {};
  let sumdb = options.sumdb;
  const requests: RecordedRequest[] = [];
  const counts = new Map<string, number>();
  let inFlight = 0;
  let maxInFlight = 0;
  let connections = 0;
  const sockets = new Set<Socket>();

  const send = (res: ServerResponse, status: number, body: string | Buffer, type = 'text/plain; charset=utf-8', extra: Record<string, string> = {}): void => {
    res.writeHead(status, { 'content-type': type, 'content-length': String(Buffer.byteLength(body)), ...extra });
    res.end(body);
  };

  const fail = (res: ServerResponse, f: FakeFailure, module: string, version: string | undefined): void => {
    const extra: Record<string, string> = f.retryAfter !== undefined ? { 'retry-after': String(f.retryAfter) } : {};
    let message = f.message;
    if (message === undefined) {
      if (f.status === 404 || f.status === 410) message = version ? notFoundMessage(module, version) : `not found: module ${module}: no matching versions`;
      else if (f.status === 429) message = 'Too Many Requests: rate limit exceeded';
      else message = `${f.status} fake proxy failure`;
    }
    send(res, f.status, `${message}\n`, 'text/plain; charset=utf-8', extra);
  };

  const goImportPage = (path: string): string | undefined => {
    const match = Object.entries(goImports)
      .filter(([prefix]) => path === prefix || path.startsWith(`${prefix}/`))
      .sort((a, b) => b[0].length - a[0].length)[0];
    if (!match) return undefined;
    const [prefix, { vcs, url }] = match;
    return `<!DOCTYPE html>\n<html><head>\n<meta name="go-import" content="${prefix} ${vcs} ${url}">\n</head><body>go get ${prefix}</body></html>\n`;
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake.invalid');
    const path = decodeURIComponent(url.pathname);
    if (delayMs > 0) await sleep(delayMs);
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed\n');

    if (url.searchParams.get('go-get') === '1') {
      const page = goImportPage(path.replace(/^\//, ''));
      return page ? send(res, 200, page, 'text/html; charset=utf-8') : send(res, 404, 'no go-import meta here\n');
    }

    if (sumdb && path.startsWith(`/sumdb/${sumdb.name}/`)) {
      const out = sumdb.handle(path.slice(`/sumdb/${sumdb.name}`.length));
      return send(res, out.status, out.body, out.type);
    }

    let escapedModule: string;
    let rest: string;
    const at = path.indexOf('/@v/');
    if (at >= 0) {
      escapedModule = path.slice(1, at);
      rest = path.slice(at + 4);
    } else if (path.endsWith('/@latest')) {
      escapedModule = path.slice(1, -'/@latest'.length);
      rest = '@latest';
    } else {
      return send(res, 404, `not found: ${path}\n`);
    }
    let modulePath: string;
    try {
      modulePath = unescapePath(escapedModule);
    } catch (err) {
      return send(res, 400, `bad request: ${(err as Error).message}\n`);
    }
    const module = modules.get(modulePath);
    if (!module) return send(res, 404, `not found: module ${modulePath}: no matching versions\n`);
    if (module.fail) return fail(res, module.fail, modulePath, undefined);

    if (rest === 'list') {
      const lines = module.versions.filter((v) => v.listed ?? !(v.fail && (v.fail.status === 404 || v.fail.status === 410))).map((v) => v.version);
      return send(res, 200, lines.map((l) => `${l}\n`).join(''));
    }
    if (rest === '@latest') {
      if (module.serveLatest === false) return send(res, 404, `not found: module ${modulePath}: no @latest\n`);
      const candidates = module.versions.filter((v) => !v.fail).sort((a, b) => compareModuleVersions(a.version, b.version));
      const latest = candidates.at(-1);
      if (!latest) return send(res, 404, `not found: module ${modulePath}: no matching versions\n`);
      return send(res, 200, JSON.stringify({ Version: latest.version, Time: latest.time ?? '2024-01-02T03:04:05Z' }), 'application/json');
    }
    const m = /^(.+)\.(info|mod|zip)$/.exec(rest);
    if (!m) return send(res, 404, `not found: ${path}\n`);
    let version: string;
    try {
      version = unescapeVersion(m[1]!);
    } catch (err) {
      return send(res, 400, `bad request: ${(err as Error).message}\n`);
    }
    const file = m[2] as 'info' | 'mod' | 'zip';
    const v = module.versions.find((x) => x.version === version);
    if (!v) return send(res, 404, `${notFoundMessage(modulePath, version)}\n`);
    if (v.delayMs) await sleep(v.delayMs);
    if (v.fail && (!v.fail.only || v.fail.only.includes(file))) return fail(res, v.fail, modulePath, version);
    switch (file) {
      case 'info':
        return send(res, 200, JSON.stringify({ Version: v.infoVersion ?? v.version, Time: v.time ?? '2024-01-02T03:04:05Z' }), 'application/json');
      case 'mod':
        return send(res, 200, goModFor(module, v));
      case 'zip':
        return send(res, 200, zipFor(module, v), 'application/zip');
    }
  }

  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      inFlight--;
      const url = new URL(req.url ?? '/', 'http://fake.invalid');
      let path = url.pathname;
      try {
        path = decodeURIComponent(path);
      } catch {
        // keep the raw path
      }
      const authorization = req.headers.authorization;
      requests.push({
        method: req.method ?? 'GET',
        path,
        query: url.search,
        status: res.statusCode,
        host: req.headers.host ?? '',
        ...(authorization ? { authorization } : {}),
        at: Date.now(),
      });
      counts.set(path, (counts.get(path) ?? 0) + 1);
    };
    res.on('finish', finish);
    res.on('close', finish);
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, `fake crashed: ${String(err)}\n`);
      else res.destroy();
    });
  };

  const server: Server = options.tls ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, listener) : createHttpServer(listener);
  server.keepAliveTimeout = 30_000;
  server.on(options.tls ? 'secureConnection' : 'connection', (s: Socket) => {
    connections++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  // TLS sockets that never finish the handshake still need closing.
  if (options.tls)
    server.on('connection', (s: Socket) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });

  await new Promise<void>((resolve) => server.listen(0, options.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const scheme = options.tls ? 'https' : 'http';

  return {
    url: `${scheme}://127.0.0.1:${port}`,
    port,
    requests,
    count: (path) => counts.get(path) ?? 0,
    get maxInFlight() {
      return maxInFlight;
    },
    get inFlight() {
      return inFlight;
    },
    get connections() {
      return connections;
    },
    setModule(module) {
      modules.set(module.path, structuredClone(module));
    },
    removeModule(path) {
      modules.delete(path);
    },
    updateVersion(path, version, patch) {
      const module = modules.get(path);
      const v = module?.versions.find((x) => x.version === version);
      if (!v) throw new Error(`fake has no ${path}@${version}`);
      Object.assign(v, patch);
    },
    configure(patch) {
      if (patch.delayMs !== undefined) delayMs = patch.delayMs;
      if (patch.goImports !== undefined) goImports = patch.goImports;
      if (patch.sumdb !== undefined) sumdb = patch.sumdb;
    },
    resetStats() {
      requests.length = 0;
      counts.clear();
      maxInFlight = inFlight;
      connections = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The escaped request path for a module file, for asserting on fake.count(). */
export function fakePath(module: string, file: 'list' | 'latest' | { version: string; ext: 'info' | 'mod' | 'zip' }): string {
  if (file === 'list') return `/${escapePath(module)}/@v/list`;
  if (file === 'latest') return `/${escapePath(module)}/@latest`;
  return `/${escapePath(module)}/@v/${escapeVersion(file.version)}.${file.ext}`;
}

// ---------------------------------------------------------------------------
// The other half of a GOPROXY chain: `direct` reads git repositories. These
// helpers build bare repositories with tags and serve them with a real
// `git daemon` on 127.0.0.1, so GitRemote is tested against real git.

/** Environment that keeps the developer's git config out of test repositories. */
export function isolatedGitEnv(home: string): Record<string, string> {
  return {
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'buildfix test',
    GIT_AUTHOR_EMAIL: 'test@example.test',
    GIT_COMMITTER_NAME: 'buildfix test',
    GIT_COMMITTER_EMAIL: 'test@example.test',
  };
}

/**
 * Creates `<baseDir>/<name>.git`, a bare repository with one commit per tag:
 * tags maps tag name → files (relative path → content) of that commit.
 */
export async function createGitRepo(baseDir: string, name: string, tags: Record<string, Record<string, string>>): Promise<string> {
  const work = await mkdtemp(join(tmpdir(), 'bf-gitwork-'));
  const env = isolatedGitEnv(work);
  const git = (...args: string[]) => runCommand(['git', '-c', 'init.defaultBranch=main', ...args], { cwd: work, env, timeoutMs: 30_000 });
  try {
    await git('init', '-q');
    let n = 0;
    for (const [tag, files] of Object.entries(tags)) {
      for (const [path, content] of Object.entries(files)) {
        await mkdir(dirname(join(work, path)), { recursive: true });
        await writeFile(join(work, path), content);
      }
      await writeFile(join(work, '.commit'), String(n++));
      await git('add', '-A');
      await git('commit', '-q', '-m', `release ${tag}`);
      await git('tag', tag);
    }
    const bare = join(baseDir, `${name}.git`);
    await mkdir(dirname(bare), { recursive: true });
    await runCommand(['git', 'clone', '-q', '--bare', work, bare], { env, timeoutMs: 30_000 });
    return bare;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** A TCP port that was free a moment ago (git daemon cannot report an ephemeral port). */
export async function freePort(): Promise<number> {
  const s = createTcpServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

async function waitForPort(port: number, deadlineMs: number): Promise<void> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`git daemon did not listen on 127.0.0.1:${port} within ${deadlineMs} ms`);
    await sleep(50);
  }
}

export interface GitDaemon {
  /** git://127.0.0.1:PORT — append "/<name>.git". */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** `git daemon --export-all --base-path=<baseDir>` on 127.0.0.1, read-only. */
export async function startGitDaemon(baseDir: string): Promise<GitDaemon> {
  const port = await freePort();
  const controller = new AbortController();
  const running = runCommand(
    ['git', 'daemon', '--reuseaddr', '--export-all', `--base-path=${baseDir}`, '--listen=127.0.0.1', `--port=${port}`, '--informative-errors', baseDir],
    { signal: controller.signal, reject: false, timeoutMs: 30 * 60_000, env: isolatedGitEnv(baseDir) },
  );
  let exited = false;
  void running.finally(() => {
    exited = true;
  });
  try {
    await waitForPort(port, 10_000);
  } catch (err) {
    controller.abort();
    const result = await running.catch(() => undefined);
    throw new Error(`${(err as Error).message}${exited && result ? `: ${result.stderrTail}` : ''}`);
  }
  return {
    url: `git://127.0.0.1:${port}`,
    port,
    close: async () => {
      controller.abort();
      await running.catch(() => undefined);
    },
  };
}
