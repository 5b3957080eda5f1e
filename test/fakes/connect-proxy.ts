/**
 * An HTTP forward proxy on loopback that follows the real protocol: CONNECT
 * tunnels (for https and, as undici does by default, http targets) and
 * absolute-form GET requests. Every hostname is resolved to a fixed address
 * (127.0.0.1 by default) so tests can use names like goproxy.test:PORT that
 * the go command would not treat as loopback. Records what it saw.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';

export interface ConnectProxyOptions {
  /** Require "Proxy-Authorization: Basic base64(user:pass)"; answer 407 otherwise. */
  auth?: { user: string; pass: string };
  /** Address every target resolves to. */
  resolveTo?: string;
  /** Refuse every CONNECT with this status (simulate a blocking corporate proxy). */
  refuseWith?: number;
}

export interface ConnectProxy {
  url: string;
  port: number;
  /** "CONNECT host:port" or "GET http://…" lines, in order. */
  seen: string[];
  close(): Promise<void>;
}

export async function startConnectProxy(options: ConnectProxyOptions = {}): Promise<ConnectProxy> {
  const seen: string[] = [];
  const resolveTo = options.resolveTo ?? '127.0.0.1';
  const sockets = new Set<Socket>();
  const authorized = (req: IncomingMessage): boolean => {
    if (!options.auth) return true;
    const expected = `Basic ${Buffer.from(`${options.auth.user}:${options.auth.pass}`).toString('base64')}`;
    return req.headers['proxy-authorization'] === expected;
  };

  const server: Server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    if (!authorized(req)) {
      res.writeHead(407, { 'proxy-authenticate': 'Basic realm="fake"' }).end();
      return;
    }
    let target: URL;
    try {
      target = new URL(req.url ?? '');
    } catch {
      res.writeHead(400).end('absolute-form URL required');
      return;
    }
    const upstream = httpRequest(
      {
        host: resolveTo,
        port: Number(target.port || 80),
        path: `${target.pathname}${target.search}`,
        method: req.method,
        headers: { ...req.headers, host: target.host },
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end('bad gateway'));
    req.pipe(upstream);
  });

  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    seen.push(`CONNECT ${req.url}`);
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    if (options.refuseWith) {
      client.end(`HTTP/1.1 ${options.refuseWith} Refused\r\ncontent-length: 0\r\n\r\n`);
      return;
    }
    if (!authorized(req)) {
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nproxy-authenticate: Basic realm="fake"\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    const [, portText] = (req.url ?? '').split(/:(?=\d+$)/);
    const upstream = connect(Number(portText ?? 443), resolveTo, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => {
      client.end('HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n');
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
