/**
 * Loopback servers for the live-check tests: a scripted HTTP server, a port
 * that is known to be closed, and a server that accepts connections and never
 * answers (a black-holed endpoint).
 */
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';

export interface LoopbackServer {
  url: string;
  port: number;
  /** "GET /path" lines in order. */
  seen: string[];
  close(): Promise<void>;
}

function tracked(server: { on(event: 'connection', fn: (s: Socket) => void): unknown }): Set<Socket> {
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return sockets;
}

export async function startHttpServer(handler?: (req: IncomingMessage, res: ServerResponse) => void): Promise<LoopbackServer> {
  const seen: string[] = [];
  const server = createHttpServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    if (handler) handler(req, res);
    else res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
  });
  const sockets = tracked(server);
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

/** Accepts TCP connections, reads everything, never writes a byte. */
export async function startSilentServer(): Promise<LoopbackServer> {
  const seen: string[] = [];
  const server = createNetServer((socket) => {
    seen.push('connection');
    socket.on('data', () => {});
    socket.on('error', () => {});
  });
  const sockets = tracked(server);
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

/** A loopback port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
