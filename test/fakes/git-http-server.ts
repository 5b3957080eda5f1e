/**
 * Real git repositories over smart HTTP: every request is handed to
 * `git http-backend` (git's own CGI program) with the CGI variables a web
 * server would set, so clients (git, and the go command through git) speak
 * the real protocol, v0 or v2. Optional basic authentication answers 401
 * with a WWW-Authenticate challenge, as GitHub/GitLab do for private
 * repositories. Bare repositories come from createGitRepo (goproxy-server.ts).
 */
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { isolatedGitEnv } from './goproxy-server.ts';

export interface GitHttpServerOptions {
  /** Directory holding the bare repositories (<name>.git). */
  root: string;
  /** Require these credentials (HTTP basic). */
  auth?: { user: string; pass: string };
  /** Address to bind (default 127.0.0.1). */
  host?: string;
  port?: number;
  /** Serve HTTPS with this key pair (PEM). */
  tls?: { key: string | Buffer; cert: string | Buffer };
}

export interface GitHttpServer {
  /** http(s)://host:port — append "/<name>.git". */
  url: string;
  host: string;
  port: number;
  /** "GET /lib.git/info/refs?service=git-upload-pack 401" lines, in order. */
  seen: string[];
  close(): Promise<void>;
}

function authorized(req: IncomingMessage, auth: GitHttpServerOptions['auth']): string | undefined | false {
  if (!auth) return undefined;
  const header = req.headers.authorization ?? '';
  const expected = `Basic ${Buffer.from(`${auth.user}:${auth.pass}`).toString('base64')}`;
  return header === expected ? auth.user : false;
}

// Splits a CGI answer into status, headers and body.
function parseCgi(out: Buffer): { status: number; headers: Record<string, string>; body: Buffer } {
  let end = out.indexOf('\r\n\r\n');
  let sep = 4;
  if (end < 0) {
    end = out.indexOf('\n\n');
    sep = 2;
  }
  if (end < 0) return { status: 502, headers: { 'content-type': 'text/plain' }, body: Buffer.from('bad CGI answer\n') };
  const headers: Record<string, string> = {};
  let status = 200;
  for (const line of out.subarray(0, end).toString('latin1').split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const name = line.slice(0, i).trim();
    const value = line.slice(i + 1).trim();
    if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10) || 200;
    else headers[name] = value;
  }
  return { status, headers, body: out.subarray(end + sep) };
}

export async function startGitHttpServer(options: GitHttpServerOptions): Promise<GitHttpServer> {
  const seen: string[] = [];
  const host = options.host ?? '127.0.0.1';
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://git');
    const user = authorized(req, options.auth);
    if (user === false) {
      seen.push(`${req.method} ${req.url} 401`);
      res.writeHead(401, { 'www-authenticate': 'Basic realm="git"', 'content-type': 'text/plain' }).end('authentication required\n');
      return;
    }
    const env: Record<string, string> = {
      ...isolatedGitEnv(options.root),
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      GIT_PROJECT_ROOT: options.root,
      GIT_HTTP_EXPORT_ALL: '1',
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.replace(/^\?/, ''),
      REQUEST_METHOD: req.method ?? 'GET',
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
      SERVER_PROTOCOL: 'HTTP/1.1',
      ...(req.headers['content-length'] ? { CONTENT_LENGTH: req.headers['content-length'] } : {}),
      ...(req.headers['content-encoding'] ? { HTTP_CONTENT_ENCODING: req.headers['content-encoding'] } : {}),
      ...(req.headers['git-protocol'] ? { GIT_PROTOCOL: String(req.headers['git-protocol']) } : {}),
      ...(user ? { REMOTE_USER: user } : {}),
    };
    const child = spawn('git', ['http-backend'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.resume();
    req.pipe(child.stdin);
    child.on('error', () => res.writeHead(500).end('git http-backend failed to start\n'));
    child.on('close', () => {
      const { status, headers, body } = parseCgi(Buffer.concat(chunks));
      seen.push(`${req.method} ${req.url} ${status}`);
      res.writeHead(status, headers).end(body);
    });
  };
  const server: Server = options.tls ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, handler) : createServer(handler);
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
  return {
    url: `${options.tls ? 'https' : 'http'}://${host}:${port}`,
    host,
    port,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
