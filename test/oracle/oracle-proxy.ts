/**
 * The fakes every oracle project talks to, on 127.0.0.1:
 * - one GOPROXY server for all projects: `/<project>/<mode>/<module>/@v/…`,
 *   mode `ok` serves the project's universe (list, .info, .mod, real zips,
 *   @latest, case-encoded paths, proxy.golang.org-style "not found" bodies;
 *   410 for versions marked gone), modes `404`/`410`/`500` answer every
 *   request with that status; `/sumdb/…` is not proxied (404, as most
 *   proxies do), so go goes to GOSUMDB directly;
 * - the same handler over HTTPS with a certificate from an untrusted CA (tls);
 * - a server that accepts connections and drops them unanswered after
 *   `hangMs` (timeout: go has no client timeout for GOPROXY requests, so a
 *   truly silent server would hang it forever);
 * - a port nothing listens on (refused);
 * - per project with GOSUMDB={sumdb}, its own checksum DB that signs its
 *   notes (test/fakes/sumdb-server.ts) and vouches for the project's
 *   universe, or states other hashes / knows nothing where the project says.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { compareModuleVersions } from '../../src/gomod/go-version.ts';
import { unescapePath, unescapeVersion } from '../../src/goproxy/escape-path.ts';
import { freePort } from '../fakes/goproxy-server.ts';
import { startTlsServer, type TlsTestServer } from '../fakes/tls-server.ts';
import { startSumDbFake, type SumDbFake } from '../fakes/sumdb-server.ts';
import type { OracleEnv, OracleProject } from './generate.ts';
import { buildZip, goModText, modHash, zipHash, type UniverseModule } from './universe.ts';

export interface OracleFakes {
  /** GOPROXY / GOSUMDB of a project with the templates filled in. */
  envFor(project: Pick<OracleProject, 'id' | 'env'>): Record<string, string>;
  /** Requests answered, per project id. */
  requests(projectId: string): number;
  close(): Promise<void>;
}

export interface OracleFakesOptions {
  projects: Array<Pick<OracleProject, 'id' | 'modules' | 'env' | 'sumdb'>>;
  /** How long the "timeout" entry holds a connection before dropping it (default 1000 ms). */
  hangMs?: number;
}

function sendText(res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': type, 'content-length': String(Buffer.byteLength(body)) });
  res.end(body);
}

export async function startOracleFakes(options: OracleFakesOptions): Promise<OracleFakes> {
  const universes = new Map<string, Map<string, UniverseModule>>();
  for (const p of options.projects) universes.set(p.id, new Map(p.modules.map((m) => [m.path, m])));
  const zips = new Map<string, Promise<Buffer>>();
  const counts = new Map<string, number>();
  const hangMs = options.hangMs ?? 1000;
  // Oversized zips take seconds to deflate: build them before any client waits on one (its timeout would measure the fake).
  for (const p of options.projects) {
    for (const m of p.modules) {
      for (const v of m.versions) if (v.zeros !== undefined) zips.set(`${p.id} ${m.path}@${v.version}`, buildZip(m.path, v));
    }
  }
  await Promise.all(zips.values());

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake.invalid');
    const raw = decodeURIComponent(url.pathname);
    const m = /^\/([^/]+)\/([^/]+)\/(.*)$/.exec(raw);
    if (!m) return sendText(res, 404, 'not found\n');
    const [, pid, mode, rest] = m as unknown as [string, string, string, string];
    counts.set(pid, (counts.get(pid) ?? 0) + 1);
    if (rest.startsWith('sumdb/')) return sendText(res, 404, 'not found: sumdb not proxied\n');
    if (mode === '404') return sendText(res, 404, `not found: ${rest}\n`);
    if (mode === '410') return sendText(res, 410, `not found: ${rest}: gone\n`);
    if (mode === '500') return sendText(res, 500, 'internal server error: upstream fetch failed\n');
    const universe = universes.get(pid);
    if (mode !== 'ok' || !universe) return sendText(res, 404, 'not found\n');

    let escapedModule: string;
    let file: string;
    const at = rest.indexOf('/@v/');
    if (at >= 0) {
      escapedModule = rest.slice(0, at);
      file = rest.slice(at + 4);
    } else if (rest.endsWith('/@latest')) {
      escapedModule = rest.slice(0, -'/@latest'.length);
      file = '@latest';
    } else {
      return sendText(res, 404, `not found: ${rest}\n`);
    }
    let modulePath: string;
    try {
      modulePath = unescapePath(escapedModule);
    } catch (err) {
      return sendText(res, 400, `bad request: ${(err as Error).message}\n`);
    }
    const module = universe.get(modulePath);
    const live = (module?.versions ?? []).filter((v) => !v.gone).sort((a, b) => compareModuleVersions(a.version, b.version));
    if (file === 'list') return sendText(res, 200, live.map((v) => `${v.version}\n`).join(''));
    if (file === '@latest') {
      const latest = live.at(-1);
      if (!latest) return sendText(res, 404, `not found: module ${modulePath}: no matching versions\n`);
      return sendText(res, 200, JSON.stringify({ Version: latest.version, Time: latest.time ?? '2024-01-02T03:04:05Z' }), 'application/json');
    }
    const fm = /^(.+)\.(info|mod|zip)$/.exec(file);
    if (!fm) return sendText(res, 404, `not found: ${rest}\n`);
    let version: string;
    try {
      version = unescapeVersion(fm[1]!);
    } catch (err) {
      return sendText(res, 400, `bad request: ${(err as Error).message}\n`);
    }
    const v = module?.versions.find((x) => x.version === version);
    if (!module || !v) return sendText(res, 404, `not found: ${modulePath}@${version}: invalid version: unknown revision ${version}\n`);
    if (v.gone) return sendText(res, 410, `not found: ${modulePath}@${version}: invalid version: unknown revision ${version}\n`);
    switch (fm[2]) {
      case 'info':
        return sendText(res, 200, JSON.stringify({ Version: v.version, Time: v.time ?? '2024-01-02T03:04:05Z' }), 'application/json');
      case 'mod':
        return sendText(res, 200, goModText(modulePath, v));
      default: {
        const key = `${pid} ${modulePath}@${version}`;
        let zip = zips.get(key);
        if (!zip) {
          zip = buildZip(modulePath, v);
          zips.set(key, zip);
        }
        const body = await zip;
        res.writeHead(200, { 'content-type': 'application/zip', 'content-length': String(body.length) });
        res.end(body);
      }
    }
  }

  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendText(res, 500, `fake crashed: ${String(err)}\n`);
      else res.destroy();
    });
  };

  const sockets = new Set<Socket>();
  const track = (s: Socket): void => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  };
  const http: Server = createServer(listener);
  http.keepAliveTimeout = 30_000;
  http.on('connection', track);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const httpPort = (http.address() as AddressInfo).port;

  const tls: TlsTestServer = await startTlsServer({ names: ['127.0.0.1', 'localhost'], handler: listener });

  const timers = new Set<NodeJS.Timeout>();
  const hang = createTcpServer((s) => {
    track(s);
    s.on('error', () => {});
    const t = setTimeout(() => {
      timers.delete(t);
      s.destroy();
    }, hangMs);
    timers.add(t);
  });
  await new Promise<void>((resolve) => hang.listen(0, '127.0.0.1', resolve));
  const hangPort = (hang.address() as AddressInfo).port;
  const refusedPort = await freePort();

  const sumdbs = new Map<string, SumDbFake>();
  for (const p of options.projects) {
    if (!p.env.GOSUMDB.includes('{sumdb}')) continue;
    const db = await startSumDbFake({ name: 'sum.oracle.test' });
    sumdbs.set(p.id, db);
    const differs = p.sumdb?.differs ?? [];
    const unknown = new Set(p.sumdb?.unknown ?? []);
    for (const m of p.modules) {
      for (const v of m.versions) {
        if (v.gone || unknown.has(`${m.path}@${v.version}`)) continue;
        const d = differs.find((x) => x.path === m.path && x.version === v.version);
        db.add({
          module: m.path,
          version: v.version,
          zipHash: d?.zip
            ? zipHash(m.path, { ...v, files: { 'lib.go': 'package lib\n\n// what the checksum DB saw first\n' } })
            : v.zeros !== undefined
              ? 'h1:' + 'A'.repeat(43) + '='
              : zipHash(m.path, v),
          modHash: d?.mod ? modHash(m.path, { ...v, goMod: `module ${m.path}\n\ngo 1.17\n` }) : modHash(m.path, v),
        });
      }
    }
  }

  const entryUrl = (pid: string, entry: string): string => {
    switch (entry) {
      case 'ok':
      case '404':
      case '410':
      case '500':
        return `http://127.0.0.1:${httpPort}/${pid}/${entry}`;
      case 'tls':
        return `https://127.0.0.1:${tls.port}/${pid}/ok`;
      case 'timeout':
        return `http://127.0.0.1:${hangPort}/${pid}/ok`;
      case 'refused':
        return `http://127.0.0.1:${refusedPort}/${pid}/ok`;
      case 'sumdb-refused':
        return `sum.golang.org http://127.0.0.1:${refusedPort}`;
      case 'sumdb': {
        const db = sumdbs.get(pid);
        if (!db) throw new Error(`project ${pid} has no checksum DB fake`);
        return `${db.verifierKey} ${db.url}`;
      }
      default:
        throw new Error(`unknown fake entry {${entry}}`);
    }
  };
  const fill = (pid: string, template: string): string => template.replace(/\{([a-z0-9-]+)\}/g, (_, entry: string) => entryUrl(pid, entry));

  return {
    envFor(project) {
      const out: Record<string, string> = {};
      for (const [key, value] of Object.entries(project.env) as Array<[keyof OracleEnv, string | undefined]>) {
        if (value !== undefined) out[key] = fill(project.id, value);
      }
      return out;
    },
    requests: (pid) => counts.get(pid) ?? 0,
    async close() {
      for (const t of timers) clearTimeout(t);
      for (const s of sockets) s.destroy();
      await Promise.all([
        new Promise<void>((resolve) => http.close(() => resolve())),
        new Promise<void>((resolve) => hang.close(() => resolve())),
        tls.close(),
        ...[...sumdbs.values()].map((db) => db.close()),
      ]);
    },
  };
}
