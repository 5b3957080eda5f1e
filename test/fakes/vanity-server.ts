/**
 * A vanity import server as the go command meets it: `GET /<path>?go-get=1`
 * answers an HTML page with `<meta name="go-import" content="prefix vcs
 * repo">` tags for every configured prefix that the requested path lies
 * under (as real servers such as govanityurls do), or scripted trouble: a
 * page without tags, an HTTP status, a redirect. Listens on a given loopback
 * address and port (port 80 on a private 127.x address lets the real go
 * reach it with GOINSECURE, since go-get URLs carry no port), or HTTPS when
 * given a key pair. Records every request.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

export interface VanityImport {
  /** Import path prefix, e.g. "127.77.0.1/lib". */
  prefix: string;
  vcs: string;
  /** Repository URL given to the go command. */
  repo: string;
}

export interface VanityRule {
  /** Paths (without host) this rule answers, exactly or as a path prefix: "/lib". */
  path: string;
  /** Serve a page without go-import tags. */
  noMeta?: boolean;
  /** Answer with this status (and no tags). */
  status?: number;
  /** Redirect (302) to this URL instead. */
  redirectTo?: string;
  /** Serve the tags of this import path (a landing page after a redirect). */
  metaFor?: string;
}

export interface VanityServerOptions {
  imports: VanityImport[];
  rules?: VanityRule[];
  /** Address to bind (default 127.0.0.1). */
  host?: string;
  /** Port (default: any free one). */
  port?: number;
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** Answer 401 (WWW-Authenticate: Basic) unless the request carries these credentials. */
  auth?: { user: string; pass: string };
}

export interface VanityServer {
  /** http(s)://host:port */
  url: string;
  host: string;
  port: number;
  /** "GET /lib/sub?go-get=1" lines, in order. */
  seen: string[];
  setImports(imports: VanityImport[]): void;
  setRules(rules: VanityRule[]): void;
  close(): Promise<void>;
}

function hasPathPrefix(path: string, prefix: string): boolean {
  return path === prefix || (path.startsWith(prefix) && path[prefix.length] === '/');
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export async function startVanityServer(options: VanityServerOptions): Promise<VanityServer> {
  let imports = options.imports;
  let rules = options.rules ?? [];
  const seen: string[] = [];
  const host = options.host ?? '127.0.0.1';
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    seen.push(`${req.method} ${req.url}`);
    if (options.auth && req.headers.authorization !== `Basic ${Buffer.from(`${options.auth.user}:${options.auth.pass}`).toString('base64')}`) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="vanity"', 'content-type': 'text/plain' }).end('401 Unauthorized\n');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://vanity');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const rule = rules.find((r) => hasPathPrefix(path, r.path));
    if (rule?.redirectTo) {
      res.writeHead(302, { location: rule.redirectTo }).end();
      return;
    }
    if (rule?.status) {
      res.writeHead(rule.status, { 'content-type': 'text/plain' }).end(`${rule.status} scripted\n`);
      return;
    }
    const importPath = rule?.metaFor ?? `${req.headers.host?.replace(/:80$/, '') ?? host}${path === '/' ? '' : path}`;
    const tags = rule?.noMeta || url.searchParams.get('go-get') !== '1' ? [] : imports.filter((i) => hasPathPrefix(importPath, i.prefix));
    const metas = tags.map((t) => `<meta name="go-import" content="${escapeHtml(`${t.prefix} ${t.vcs} ${t.repo}`)}">`).join('\n');
    res
      .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      .end(`<!DOCTYPE html>\n<html><head>\n${metas}\n</head><body>${escapeHtml(importPath)}</body></html>\n`);
  };
  const server: Server = options.tls ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, handler) : createHttpServer(handler);
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const scheme = options.tls ? 'https' : 'http';
  return {
    url: `${scheme}://${host}:${port}`,
    host,
    port,
    seen,
    setImports: (next) => {
      imports = next;
    },
    setRules: (next) => {
      rules = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
