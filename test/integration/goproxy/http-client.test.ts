import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, type ServerResponse } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as tick } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { runCommand } from '../../../src/exec/run-command.ts';
import { HttpClient, HttpRequestError } from '../../../src/goproxy/http-client.ts';
import { startConnectProxy } from '../../fakes/connect-proxy.ts';
import { fakePath, startGoProxyFake, type GoProxyFake } from '../../fakes/goproxy-server.ts';

const MOD = 'example.test/Acme/lib';

function modules() {
  return [
    {
      path: MOD,
      versions: [
        { version: 'v1.0.0' },
        { version: 'v1.1.0', goMod: `module ${MOD}\n\ngo 1.19\n// ${'x'.repeat(5000)}\n` },
        { version: 'v1.9.9', fail: { status: 404 } },
        { version: 'v1.8.0', fail: { status: 410, message: 'gone: removed by the publisher' } },
        { version: 'v1.5.0', fail: { status: 500 } },
      ],
    },
  ];
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

async function selfSignedCert(dir: string): Promise<{ key: string; cert: string }> {
  await runCommand(
    [
      'openssl',
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
      '-days',
      '2',
      '-subj',
      '/CN=goproxy.test',
      '-addext',
      'subjectAltName=DNS:goproxy.test,IP:127.0.0.1',
    ],
    { timeoutMs: 30_000 },
  );
  return { key: await readFile(join(dir, 'key.pem'), 'utf8'), cert: await readFile(join(dir, 'cert.pem'), 'utf8') };
}

async function rejectsWith(promise: Promise<unknown>, check: (err: HttpRequestError) => void): Promise<HttpRequestError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof HttpRequestError, `expected HttpRequestError, got ${String(err)}`);
    check(err);
    return err;
  }
  assert.fail('expected the request to fail');
}

describe('HttpClient against the GOPROXY fake', () => {
  let fake: GoProxyFake;
  let tmp: string;
  before(async () => {
    fake = await startGoProxyFake({ modules: modules() });
    tmp = await mkdtemp(join(tmpdir(), 'bf-http-'));
  });
  after(async () => {
    await fake.close();
    await rm(tmp, { recursive: true, force: true });
  });

  it('returns status, body, duration and the URL for 200, 404 and 410', async () => {
    const client = new HttpClient();
    try {
      const ok = await client.get(`${fake.url}${fakePath(MOD, { version: 'v1.0.0', ext: 'mod' })}`);
      assert.equal(ok.status, 200);
      assert.equal(ok.body, `module ${MOD}\n\ngo 1.19\n`);
      assert.equal(ok.truncated, false);
      assert.ok(ok.durationMs >= 0);
      assert.equal(ok.url, `${fake.url}/example.test/!acme/lib/@v/v1.0.0.mod`);
      assert.equal(ok.via, undefined);

      const missing = await client.get(`${fake.url}${fakePath(MOD, { version: 'v1.9.9', ext: 'info' })}`);
      assert.equal(missing.status, 404);
      assert.equal(missing.body.trim(), `not found: ${MOD}@v1.9.9: invalid version: unknown revision v1.9.9`);

      const gone = await client.get(`${fake.url}${fakePath(MOD, { version: 'v1.8.0', ext: 'info' })}`);
      assert.equal(gone.status, 410);
      assert.equal(gone.body.trim(), 'gone: removed by the publisher');
    } finally {
      await client.close();
    }
  });

  it('caps the body and says so', async () => {
    const client = new HttpClient({ maxBodyBytes: 100 });
    try {
      const res = await client.get(`${fake.url}${fakePath(MOD, { version: 'v1.1.0', ext: 'mod' })}`);
      assert.equal(res.status, 200);
      assert.equal(res.body.length, 100);
      assert.equal(res.truncated, true);
    } finally {
      await client.close();
    }
  });

  it('sends GOPROXY URL credentials as basic auth and never shows the secret', async () => {
    const client = new HttpClient();
    try {
      fake.resetStats();
      const base = fake.url.replace('http://', 'http://ci-bot:s3cret-token@');
      const res = await client.get(`${base}${fakePath(MOD, 'list')}`);
      assert.equal(res.status, 200);
      assert.equal(fake.requests[0]?.authorization, `Basic ${Buffer.from('ci-bot:s3cret-token').toString('base64')}`);
      assert.ok(!res.url.includes('s3cret'), res.url);
      assert.match(res.url, /ci-bot:\*\*\*@/);
    } finally {
      await client.close();
    }
  });

  it('times out fast on a slow server, naming the phase', async () => {
    const slow = await startGoProxyFake({ modules: modules(), delayMs: 5_000 });
    const client = new HttpClient({ timeoutMs: 300 });
    try {
      const started = performance.now();
      await rejectsWith(client.get(`${slow.url}${fakePath(MOD, 'list')}`), (err) => {
        assert.equal(err.kind, 'timeout');
        assert.equal(err.phase, 'headers');
        assert.equal(err.code, 'BF_UPSTREAM');
        assert.match(err.message, /timed out after \d+ ms waiting for a response \(limit 300 ms\)/);
      });
      assert.ok(performance.now() - started < 2_000, 'the deadline was not honoured');
    } finally {
      await client.close();
      await slow.close();
    }
  });

  it('bounds requests in flight (configured limit)', async () => {
    const slow = await startGoProxyFake({ modules: modules(), delayMs: 40 });
    const client = new HttpClient({ maxConcurrent: 4 });
    try {
      const results = await Promise.all(Array.from({ length: 24 }, () => client.get(`${slow.url}${fakePath(MOD, 'list')}`)));
      assert.ok(results.every((r) => r.status === 200));
      assert.equal(slow.maxInFlight, 4);
      assert.equal(client.stats().maxInFlight, 4);
      assert.equal(client.stats().inFlight, 0);
    } finally {
      await client.close();
      await slow.close();
    }
  });

  it('bounds requests in flight at 64 by default', async () => {
    const slow = await startGoProxyFake({ modules: modules(), delayMs: 100 });
    const client = new HttpClient();
    try {
      assert.equal(client.maxConcurrent, 64);
      await Promise.all(Array.from({ length: 150 }, () => client.get(`${slow.url}${fakePath(MOD, 'list')}`)));
      assert.equal(slow.maxInFlight, 64);
    } finally {
      await client.close();
      await slow.close();
    }
  });

  it('reuses keep-alive connections', async () => {
    const server = await startGoProxyFake({ modules: modules() });
    const client = new HttpClient();
    try {
      for (let batch = 0; batch < 20; batch++) {
        await Promise.all(Array.from({ length: 3 }, () => client.get(`${server.url}${fakePath(MOD, 'list')}`)));
        // Let undici mark the sockets idle (it does so just after the body ends).
        await tick();
      }
      assert.equal(server.requests.length, 60);
      assert.ok(server.connections <= 3, `opened ${server.connections} sockets for 60 requests`);
    } finally {
      await client.close();
      await server.close();
    }
  });

  it('follows redirects across origins (e.g. a proxy sending .zip to a CDN)', async () => {
    const redirector = createHttpServer((req, res) => {
      res.writeHead(302, { location: `${fake.url}${req.url ?? '/'}` }).end();
    });
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
    const { port } = redirector.address() as AddressInfo;
    const client = new HttpClient();
    try {
      const res = await client.get(`http://127.0.0.1:${port}${fakePath(MOD, 'list')}`);
      assert.equal(res.status, 200);
      assert.equal(res.url, `${fake.url}${fakePath(MOD, 'list')}`);
      assert.match(res.body, /^v1\.0\.0$/m);
    } finally {
      await client.close();
      redirector.closeAllConnections();
      await new Promise<void>((resolve) => redirector.close(() => resolve()));
    }
  });

  it("a caller's Authorization and Cookie headers never follow a redirect to another host or port (Go's rule); other headers do", async () => {
    const seen: Array<{ server: string; path: string; authorization?: string; cookie?: string; accept?: string }> = [];
    const record = (server: string) => (req: { url?: string; headers: Record<string, string | string[] | undefined> }) =>
      seen.push({
        server,
        path: req.url ?? '',
        ...(typeof req.headers.authorization === 'string' ? { authorization: req.headers.authorization } : {}),
        ...(typeof req.headers.cookie === 'string' ? { cookie: req.headers.cookie } : {}),
        ...(typeof req.headers.accept === 'string' ? { accept: req.headers.accept } : {}),
      });
    const elsewhere = createHttpServer((req, res) => {
      record('elsewhere')(req);
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
    await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
    const other = (elsewhere.address() as AddressInfo).port;
    const origin = createHttpServer((req, res) => {
      record('origin')(req);
      if (req.url === '/start') res.writeHead(302, { location: '/same-origin' }).end();
      else res.writeHead(302, { location: `http://127.0.0.1:${other}/landed` }).end();
    });
    await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
    const { port } = origin.address() as AddressInfo;
    const client = new HttpClient();
    try {
      const res = await client.get(`http://127.0.0.1:${port}/start`, {
        headers: { authorization: 'Bearer tok-never-elsewhere', cookie: 'session=abc', accept: 'text/plain' },
      });
      assert.equal(res.status, 200);
      assert.deepEqual(seen, [
        { server: 'origin', path: '/start', authorization: 'Bearer tok-never-elsewhere', cookie: 'session=abc', accept: 'text/plain' },
        { server: 'origin', path: '/same-origin', authorization: 'Bearer tok-never-elsewhere', cookie: 'session=abc', accept: 'text/plain' },
        { server: 'elsewhere', path: '/landed', accept: 'text/plain' },
      ]);
    } finally {
      await client.close();
      for (const server of [origin, elsewhere]) {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    }
  });

  it('a caller abort while queued for a slot is an aborted error', async () => {
    const slow = await startGoProxyFake({ modules: modules(), delayMs: 300 });
    const client = new HttpClient({ maxConcurrent: 1 });
    try {
      const first = client.get(`${slow.url}${fakePath(MOD, 'list')}`);
      const controller = new AbortController();
      const second = client.get(`${slow.url}${fakePath(MOD, 'list')}`, { signal: controller.signal });
      controller.abort();
      await rejectsWith(second, (err) => assert.equal(err.kind, 'aborted'));
      assert.equal((await first).status, 200);
      assert.equal(slow.requests.length, 1);
    } finally {
      await client.close();
      await slow.close();
    }
  });

  // A server that sends the head at once, then the body the test asks for.
  async function bodyServer(send: (res: ServerResponse) => void): Promise<{ url: string; close: () => Promise<void> }> {
    const server = createHttpServer((_req, res) => send(res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      close: () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    };
  }

  it('a body that stalls after the head times out in the body phase', async () => {
    const server = await bodyServer((res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('module example.test/stall\n');
    });
    const client = new HttpClient({ timeoutMs: 300 });
    try {
      await rejectsWith(client.get(`${server.url}/x/@v/v1.0.0.mod`), (err) => {
        assert.equal(err.kind, 'timeout');
        assert.equal(err.phase, 'body');
        assert.match(err.message, /reading the response body/);
      });
    } finally {
      await client.close();
      await server.close();
    }
  });

  it('a body cut short by the server is an error, never a short success', async () => {
    const server = await bodyServer((res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('module example.test/cut\n', () => res.socket?.destroy());
    });
    const client = new HttpClient({ timeoutMs: 5_000 });
    try {
      await rejectsWith(client.get(`${server.url}/x/@v/v1.0.0.mod`), (err) => {
        assert.notEqual(err.kind, 'timeout');
        assert.match(err.message, /GET http:\/\/127\.0\.0\.1:\d+\/x\/@v\/v1\.0\.0\.mod: /);
      });
    } finally {
      await client.close();
      await server.close();
    }
  });

  it('a caller abort while the request is in flight is "cancelled", not a timeout', async () => {
    let arrived = 0;
    const server = await bodyServer(() => {
      arrived++; // and never answers
    });
    const client = new HttpClient({ timeoutMs: 10_000 });
    try {
      const controller = new AbortController();
      const pending = client.get(`${server.url}/x/@v/list`, { signal: controller.signal });
      while (arrived === 0) await tick();
      const started = performance.now();
      controller.abort();
      await rejectsWith(pending, (err) => {
        assert.equal(err.kind, 'aborted');
        assert.match(err.message, /: cancelled$/);
      });
      assert.ok(performance.now() - started < 1_000, 'the abort did not end the request');
    } finally {
      await client.close();
      await server.close();
    }
  });

  it('reports a refused connection with its code', async () => {
    const port = await closedPort();
    const client = new HttpClient();
    try {
      await rejectsWith(client.get(`http://127.0.0.1:${port}/x/@v/list`), (err) => {
        assert.equal(err.kind, 'connect-refused');
        assert.equal(err.undiciCode, 'ECONNREFUSED');
        assert.match(err.message, /connection refused/);
      });
    } finally {
      await client.close();
    }
  });

  it('reports a DNS failure with its code', async () => {
    const client = new HttpClient({ hosts: { 'goproxy.nowhere.test': '' } });
    try {
      await rejectsWith(client.get('http://goproxy.nowhere.test:8080/x/@v/list'), (err) => {
        assert.equal(err.kind, 'dns');
        assert.equal(err.undiciCode, 'ENOTFOUND');
        assert.match(err.message, /DNS lookup of host goproxy\.nowhere\.test failed/);
      });
    } finally {
      await client.close();
    }
  });

  it('reads file:// proxies; a missing file is a 404', async () => {
    const dir = join(tmp, 'fileproxy');
    await mkdir(join(dir, 'example.test/!acme/lib/@v'), { recursive: true });
    await writeFile(join(dir, 'example.test/!acme/lib/@v/list'), 'v1.0.0\n');
    const client = new HttpClient();
    try {
      const base = pathToFileURL(dir).href;
      const ok = await client.get(`${base}/example.test/!acme/lib/@v/list`);
      assert.equal(ok.status, 200);
      assert.equal(ok.body, 'v1.0.0\n');
      const missing = await client.get(`${base}/example.test/!acme/lib/@v/v9.9.9.info`);
      assert.equal(missing.status, 404);
      assert.match(missing.body, /no such file or directory/);
    } finally {
      await client.close();
    }
  });

  describe('TLS', () => {
    let tls: { key: string; cert: string };
    let secure: GoProxyFake;
    before(async () => {
      tls = await selfSignedCert(tmp);
      secure = await startGoProxyFake({ modules: modules(), tls });
    });
    after(async () => {
      await secure.close();
    });

    it('reports an untrusted certificate as a TLS failure with the code', async () => {
      const client = new HttpClient({ hosts: { 'goproxy.test': '127.0.0.1' } });
      try {
        await rejectsWith(client.get(`https://goproxy.test:${secure.port}${fakePath(MOD, 'list')}`), (err) => {
          assert.equal(err.kind, 'tls');
          assert.equal(err.undiciCode, 'DEPTH_ZERO_SELF_SIGNED_CERT');
          assert.match(err.message, /TLS handshake failed/);
        });
      } finally {
        await client.close();
      }
    });

    it('trusts an extra CA', async () => {
      const client = new HttpClient({ ca: tls.cert, hosts: { 'goproxy.test': '127.0.0.1' } });
      try {
        const res = await client.get(`https://goproxy.test:${secure.port}${fakePath(MOD, 'list')}`);
        assert.equal(res.status, 200);
      } finally {
        await client.close();
      }
    });

    it('tunnels https through HTTPS_PROXY with CONNECT host:port', async () => {
      const proxy = await startConnectProxy();
      const client = new HttpClient({ ca: tls.cert, goEnv: { HTTPS_PROXY: proxy.url } });
      try {
        const res = await client.get(`https://goproxy.test:${secure.port}${fakePath(MOD, 'list')}`);
        assert.equal(res.status, 200);
        assert.equal(res.via, `${proxy.url}/`);
        assert.deepEqual(proxy.seen, [`CONNECT goproxy.test:${secure.port}`]);
      } finally {
        await client.close();
        await proxy.close();
      }
    });
  });

  describe('through an HTTP proxy', () => {
    it('sends plain-http targets in absolute form through HTTP_PROXY, as Go does', async () => {
      const proxy = await startConnectProxy();
      const client = new HttpClient({ goEnv: { HTTP_PROXY: proxy.url } });
      try {
        fake.resetStats();
        const target = `http://goproxy.test:${fake.port}${fakePath(MOD, 'list')}`;
        const res = await client.get(target);
        assert.equal(res.status, 200);
        assert.deepEqual(proxy.seen, [`GET ${target}`]);
        assert.equal(fake.requests[0]?.host, `goproxy.test:${fake.port}`);
      } finally {
        await client.close();
        await proxy.close();
      }
    });

    it('tunnels plain http with CONNECT in tunnel mode', async () => {
      const proxy = await startConnectProxy();
      const client = new HttpClient({ goEnv: { HTTP_PROXY: proxy.url }, httpProxyMode: 'tunnel' });
      try {
        const res = await client.get(`http://goproxy.test:${fake.port}${fakePath(MOD, 'list')}`);
        assert.equal(res.status, 200);
        assert.deepEqual(proxy.seen, [`CONNECT goproxy.test:${fake.port}`]);
      } finally {
        await client.close();
        await proxy.close();
      }
    });

    it('does not use the proxy for a host NO_PROXY names', async () => {
      const proxy = await startConnectProxy();
      const client = new HttpClient({ goEnv: { HTTP_PROXY: proxy.url, NO_PROXY: 'other.example,goproxy.test' }, hosts: { 'goproxy.test': '127.0.0.1' } });
      try {
        const res = await client.get(`http://goproxy.test:${fake.port}${fakePath(MOD, 'list')}`);
        assert.equal(res.status, 200);
        assert.equal(res.via, undefined);
        assert.deepEqual(proxy.seen, []);
      } finally {
        await client.close();
        await proxy.close();
      }
    });

    it('never proxies loopback targets (Go semantics)', async () => {
      const proxy = await startConnectProxy();
      const client = new HttpClient({ goEnv: { HTTP_PROXY: proxy.url } });
      try {
        const res = await client.get(`${fake.url}${fakePath(MOD, 'list')}`);
        assert.equal(res.status, 200);
        assert.deepEqual(proxy.seen, []);
      } finally {
        await client.close();
        await proxy.close();
      }
    });

    for (const mode of ['absolute-form', 'tunnel'] as const) {
      it(`407 without credentials is a clear proxy-auth error (${mode})`, async () => {
        const proxy = await startConnectProxy({ auth: { user: 'bob', pass: 'hunter22' } });
        const client = new HttpClient({ goEnv: { HTTP_PROXY: proxy.url }, httpProxyMode: mode });
        try {
          await rejectsWith(client.get(`http://goproxy.test:${fake.port}${fakePath(MOD, 'list')}`), (err) => {
            assert.equal(err.kind, 'proxy-auth');
            assert.equal(err.status, 407);
            assert.match(err.message, /proxy http:\/\/127\.0\.0\.1:\d+\/ requires authentication \(407 Proxy Authentication Required\)/);
          });
          assert.equal(proxy.seen.length, 1);
        } finally {
          await client.close();
          await proxy.close();
        }
      });

      it(`credentials in the proxy URL are used and never shown (${mode})`, async () => {
        const proxy = await startConnectProxy({ auth: { user: 'bob', pass: 'hunter22' } });
        const good = new HttpClient({ goEnv: { HTTP_PROXY: proxy.url.replace('http://', 'http://bob:hunter22@') }, httpProxyMode: mode });
        const bad = new HttpClient({ goEnv: { HTTP_PROXY: proxy.url.replace('http://', 'http://bob:wrong-pass@') }, httpProxyMode: mode });
        try {
          const res = await good.get(`http://goproxy.test:${fake.port}${fakePath(MOD, 'list')}`);
          assert.equal(res.status, 200);
          assert.ok(!String(res.via).includes('hunter22'));
          const err = await rejectsWith(bad.get(`http://goproxy.test:${fake.port}${fakePath(MOD, 'list')}`), (e) => assert.equal(e.kind, 'proxy-auth'));
          assert.ok(!err.message.includes('wrong-pass'), err.message);
          assert.ok(!String(err.via).includes('wrong-pass'));
          assert.ok(!JSON.stringify(err.details).includes('wrong-pass'));
        } finally {
          await good.close();
          await bad.close();
          await proxy.close();
        }
      });
    }

    it('a proxy that refuses the tunnel is a proxy error with its status', async () => {
      const proxy = await startConnectProxy({ refuseWith: 403 });
      const client = new HttpClient({ goEnv: { HTTP_PROXY: proxy.url }, httpProxyMode: 'tunnel' });
      try {
        await rejectsWith(client.get(`http://goproxy.test:${fake.port}${fakePath(MOD, 'list')}`), (err) => {
          assert.equal(err.kind, 'proxy');
          assert.equal(err.status, 403);
          assert.match(err.message, /refused the tunnel with HTTP 403/);
        });
      } finally {
        await client.close();
        await proxy.close();
      }
    });

    it('a proxy that is down is a proxy error', async () => {
      const port = await closedPort();
      const client = new HttpClient({ goEnv: { HTTP_PROXY: `http://127.0.0.1:${port}` } });
      try {
        await rejectsWith(client.get(`http://goproxy.test:${fake.port}${fakePath(MOD, 'list')}`), (err) => {
          assert.equal(err.kind, 'proxy');
          assert.equal(err.undiciCode, 'ECONNREFUSED');
          assert.match(err.message, /connection to proxy http:\/\/127\.0\.0\.1:\d+\/ refused/);
        });
      } finally {
        await client.close();
      }
    });

    it('keeps one ProxyAgent per proxy URL', async () => {
      const proxy = await startConnectProxy();
      const client = new HttpClient({ goEnv: { HTTP_PROXY: proxy.url } });
      try {
        for (let i = 0; i < 5; i++) await client.get(`http://goproxy.test:${fake.port}${fakePath(MOD, 'list')}`);
        assert.equal(client.stats().proxyAgents, 1);
      } finally {
        await client.close();
        await proxy.close();
      }
    });
  });
});
