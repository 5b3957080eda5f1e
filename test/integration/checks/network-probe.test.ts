import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connect as tlsConnect, type DetailedPeerCertificate } from 'node:tls';
import { chainsToPublicRoot, probeEndpoints } from '../../../src/checks/network-probe.ts';
import type { CheckResult, ProgressEvent } from '../../../src/report/model.ts';
import { startConnectProxy, type ConnectProxy } from '../../fakes/connect-proxy.ts';
import { createTestCa, startTlsServer, type TestCa, type TlsTestServer } from '../../fakes/tls-server.ts';
import { closedPort, startHttpServer, startSilentServer, type LoopbackServer } from '../../helpers/checks-servers.ts';

/**
 * The names these tests use, answered without the system resolver (no DNS query
 * leaves the machine): none of them exists on this host. The fake CONNECT proxy
 * resolves goproxy.test and sum.test itself, as a corporate proxy would.
 */
const NO_DNS = { 'nonexistent.invalid': '', 'goproxy.test': '', 'sum.test': '' };

function byId(results: CheckResult[], prefix: string): CheckResult {
  const found = results.find((r) => r.id.startsWith(prefix));
  assert.ok(found, `no result with id ${prefix}…; got ${results.map((r) => r.id).join(', ')}`);
  return found;
}

describe('probeEndpoints (direct)', () => {
  let http: LoopbackServer;
  before(async () => {
    http = await startHttpServer((req, res) => {
      if (req.url === '/latest') res.writeHead(200).end('go.sum database tree\n1\nabc=\n');
      else if (req.url === '/busy/') res.writeHead(503).end('overloaded');
      else if (req.url === '/limited/') res.writeHead(429, { 'retry-after': '30' }).end();
      else res.writeHead(200).end('ok');
    });
  });
  after(() => http.close());

  it('passes for a reachable GOPROXY and reports timings', async () => {
    const events: ProgressEvent[] = [];
    const results = await probeEndpoints([{ kind: 'goproxy', url: http.url }], {
      goEnv: {},
      timeoutMs: 2000,
      hosts: NO_DNS,
      onProgress: (e) => events.push(e),
    });
    assert.equal(results.length, 1, 'no proxy configured: only the direct route');
    const r = byId(results, `probe:direct:${http.url}`);
    assert.equal(r.status, 'pass');
    assert.deepEqual(r.findings, []);
    assert.match(r.detail ?? '', /TCP \d+ ms · HTTP 200 in \d+ ms/);
    assert.match(r.title, /go's route/);
    assert.ok(r.durationMs >= 0 && r.durationMs < 2000);
    assert.deepEqual(
      events.map((e) => e.phase),
      ['start', 'done'],
    );
    assert.equal(events[1]?.status, 'pass');
    assert.deepEqual(http.seen.slice(-1), ['GET /']);
  });

  it('asks a checksum DB for /latest', async () => {
    const results = await probeEndpoints([{ kind: 'sumdb', url: http.url }], { goEnv: {}, timeoutMs: 2000, hosts: NO_DNS });
    assert.equal(results[0]?.status, 'pass');
    assert.deepEqual(http.seen.slice(-1), ['GET /latest']);
  });

  it('reports a closed port as proxy-unreachable with "connection refused"', async () => {
    const port = await closedPort();
    const [r] = await probeEndpoints([{ kind: 'goproxy', url: `http://127.0.0.1:${port}` }], { goEnv: {}, timeoutMs: 2000, hosts: NO_DNS });
    assert.equal(r?.status, 'fail');
    assert.equal(r?.findings[0]?.category, 'proxy-unreachable');
    assert.equal(r?.findings[0]?.severity, 'error');
    assert.match(r?.findings[0]?.message ?? '', /connection refused/);
    assert.match(r?.detail ?? '', /TCP connection refused/);
  });

  it('reports a closed checksum DB port as sumdb-unreachable', async () => {
    const port = await closedPort();
    const [r] = await probeEndpoints([{ kind: 'sumdb', url: `http://127.0.0.1:${port}` }], {
      goEnv: { GOSUMDB: 'sum.golang.org http://127.0.0.1:1' },
      timeoutMs: 2000,
      hosts: NO_DNS,
    });
    assert.equal(r?.findings[0]?.category, 'sumdb-unreachable');
    assert.equal(r?.status, 'fail');
  });

  it('reports a name that does not resolve as a DNS failure', async () => {
    const [r] = await probeEndpoints([{ kind: 'goproxy', url: 'https://nonexistent.invalid' }], { goEnv: {}, timeoutMs: 5000, hosts: NO_DNS });
    assert.equal(r?.status, 'fail');
    assert.equal(r?.id, 'probe:direct:https://nonexistent.invalid');
    assert.equal(r?.findings[0]?.category, 'proxy-unreachable');
    assert.match(r?.findings[0]?.message ?? '', /DNS lookup of nonexistent\.invalid failed/);
    assert.match(r?.detail ?? '', /^DNS /);
  });

  it('times out on a server that never answers, within the configured bound', async () => {
    const silent = await startSilentServer();
    try {
      const timeoutMs = 400;
      const t0 = performance.now();
      const [r] = await probeEndpoints([{ kind: 'goproxy', url: silent.url }], { goEnv: {}, timeoutMs, hosts: NO_DNS });
      const elapsed = performance.now() - t0;
      assert.ok(elapsed < timeoutMs + 300, `took ${elapsed} ms`);
      assert.ok(elapsed >= timeoutMs - 50, `gave up early: ${elapsed} ms`);
      assert.equal(r?.status, 'fail');
      assert.equal(r?.findings[0]?.category, 'proxy-unreachable');
      assert.match(r?.findings[0]?.message ?? '', /sent no HTTP response: timed out after 400 ms/);
      assert.match(r?.detail ?? '', /HTTP timed out after \d+ ms/);
    } finally {
      await silent.close();
    }
  });

  it('turns HTTP 5xx into an error and 429 into rate-limited', async () => {
    const [busy] = await probeEndpoints([{ kind: 'goproxy', url: `${http.url}/busy` }], { goEnv: {}, timeoutMs: 2000, hosts: NO_DNS });
    assert.equal(busy?.status, 'fail');
    assert.equal(busy?.findings[0]?.category, 'proxy-unreachable');
    assert.match(busy?.findings[0]?.message ?? '', /HTTP 503/);
    const [limited] = await probeEndpoints([{ kind: 'goproxy', url: `${http.url}/limited` }], { goEnv: {}, timeoutMs: 2000, hosts: NO_DNS });
    assert.equal(limited?.status, 'warn');
    assert.equal(limited?.findings[0]?.category, 'rate-limited');
    assert.match(limited?.findings[0]?.evidence ?? '', /Retry-After: 30/);
  });

  it('skips entries that are not http(s) URLs', async () => {
    const [r] = await probeEndpoints([{ kind: 'goproxy', url: 'file:///srv/goproxy' }], { goEnv: {}, timeoutMs: 1000, hosts: NO_DNS });
    assert.equal(r?.status, 'skip');
  });

  it('throws when cancelled', async () => {
    const silent = await startSilentServer();
    try {
      const ac = new AbortController();
      setTimeout(() => ac.abort(new Error('job cancelled')), 100);
      await assert.rejects(
        probeEndpoints([{ kind: 'goproxy', url: silent.url }], { goEnv: {}, timeoutMs: 5000, hosts: NO_DNS, signal: ac.signal }),
        /job cancelled/,
      );
    } finally {
      await silent.close();
    }
  });
});

describe('probeEndpoints (TLS)', () => {
  let ca: TestCa;
  let tls: TlsTestServer;
  before(async () => {
    ca = await createTestCa({ commonName: 'Corp Inspection CA', organization: 'Acme Corp' });
    tls = await startTlsServer({ ca });
  });
  after(async () => {
    await tls.close();
    await ca.dispose();
  });

  it('reports an untrusted CA as tls-interception naming the issuer', async () => {
    const [r] = await probeEndpoints([{ kind: 'goproxy', url: tls.url }], { goEnv: {}, timeoutMs: 3000, hosts: NO_DNS });
    assert.equal(r?.status, 'fail');
    const f = r?.findings[0];
    assert.equal(f?.category, 'tls-interception');
    assert.equal(f?.severity, 'error');
    assert.match(f?.message ?? '', /CN=Corp Inspection CA, O=Acme Corp/);
    assert.match(f?.message ?? '', /UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY/);
    assert.match(f?.evidence ?? '', /issuer CN=Corp Inspection CA, O=Acme Corp/);
    assert.match(f?.fix ?? '', /Corp Inspection CA/);
    assert.match(r?.detail ?? '', /TLS untrusted/);
    assert.deepEqual(tls.seen, [], 'no HTTP request is sent over an untrusted connection');
  });

  it('names the issuer when the server sends the whole chain (SELF_SIGNED_CERT_IN_CHAIN)', async () => {
    const chained = await startTlsServer({ ca, sendChain: true });
    try {
      const [r] = await probeEndpoints([{ kind: 'sumdb', url: chained.url }], {
        goEnv: { GOSUMDB: `sum.golang.org ${chained.url}` },
        timeoutMs: 3000,
        hosts: NO_DNS,
      });
      assert.equal(r?.findings[0]?.category, 'tls-interception');
      assert.match(r?.findings[0]?.message ?? '', /SELF_SIGNED_CERT_IN_CHAIN/);
      assert.match(r?.findings[0]?.message ?? '', /Corp Inspection CA/);
    } finally {
      await chained.close();
    }
  });

  it('passes with TLS timing once the CA is trusted', async () => {
    const [r] = await probeEndpoints([{ kind: 'goproxy', url: tls.url }], { goEnv: {}, timeoutMs: 3000, hosts: NO_DNS, extraCaPem: [ca.certPem] });
    assert.equal(r?.status, 'pass', JSON.stringify(r));
    assert.match(r?.detail ?? '', /TCP \d+ ms · TLS \d+ ms · HTTP 200 in \d+ ms/);
  });

  it('sees that a chain signed by the throwaway CA does not end in a public root', async () => {
    const cert = await new Promise<DetailedPeerCertificate>((resolve, reject) => {
      const socket = tlsConnect({ host: '127.0.0.1', port: tls.port, ca: [ca.certPem], servername: 'goproxy.test' }, () => {
        const peer = socket.getPeerCertificate(true);
        socket.end();
        resolve(peer);
      });
      socket.on('error', reject);
    });
    assert.equal(chainsToPublicRoot(cert), false);
  });

  it('reports a certificate for another name as tls-interception', async () => {
    const other = await startTlsServer({ ca, names: ['elsewhere.test'] });
    try {
      const [r] = await probeEndpoints([{ kind: 'goproxy', url: other.url }], { goEnv: {}, timeoutMs: 3000, hosts: NO_DNS, extraCaPem: [ca.certPem] });
      assert.equal(r?.findings[0]?.category, 'tls-interception');
      assert.match(r?.findings[0]?.message ?? '', /does not name that host/);
    } finally {
      await other.close();
    }
  });
});

describe('probeEndpoints (through an HTTP proxy)', () => {
  let ca: TestCa;
  let tls: TlsTestServer;
  let http: LoopbackServer;
  let proxy: ConnectProxy;
  before(async () => {
    ca = await createTestCa();
    tls = await startTlsServer({ ca, names: ['goproxy.test', 'sum.test'] });
    http = await startHttpServer();
    proxy = await startConnectProxy();
  });
  after(async () => {
    await proxy.close();
    await http.close();
    await tls.close();
    await ca.dispose();
  });

  it('tunnels with CONNECT, then TLS, and marks the proxy route as the one go uses', async () => {
    const seenBefore = proxy.seen.length;
    const target = `https://goproxy.test:${tls.port}`;
    const results = await probeEndpoints([{ kind: 'goproxy', url: target }], {
      goEnv: { HTTPS_PROXY: proxy.url },
      timeoutMs: 3000,
      hosts: NO_DNS,
      extraCaPem: [ca.certPem],
    });
    assert.equal(results.length, 2);
    const via = byId(results, `probe:via-proxy:${target}`);
    assert.equal(via.status, 'pass', JSON.stringify(via));
    assert.match(via.title, /go's route/);
    assert.match(via.detail ?? '', /proxy TCP \d+ ms · CONNECT 200 in \d+ ms · TLS \d+ ms · HTTP 200 in \d+ ms/);
    assert.deepEqual(proxy.seen.slice(seenBefore), [`CONNECT goproxy.test:${tls.port}`]);
    assert.equal(tls.seen.at(-1), 'GET /');
    // goproxy.test only resolves inside the proxy: the direct route fails, informatively.
    const direct = byId(results, `probe:direct:${target}`);
    assert.match(direct.title, /informative/);
    assert.equal(direct.status, 'warn');
    assert.ok(direct.findings.every((f) => f.severity === 'info'));
  });

  it('sends plain-http targets to the proxy in absolute form, as go does', async () => {
    const seenBefore = proxy.seen.length;
    const target = `http://goproxy.test:${http.port}`;
    const results = await probeEndpoints([{ kind: 'goproxy', url: target }], { goEnv: { HTTP_PROXY: proxy.url }, timeoutMs: 3000, hosts: NO_DNS });
    assert.equal(byId(results, 'probe:via-proxy:').status, 'pass');
    assert.deepEqual(proxy.seen.slice(seenBefore), [`GET ${target}/`]);
  });

  it('does not use the proxy for hosts in NO_PROXY', async () => {
    const results = await probeEndpoints([{ kind: 'goproxy', url: `https://goproxy.test:${tls.port}` }], {
      goEnv: { HTTPS_PROXY: proxy.url, NO_PROXY: 'goproxy.test' },
      timeoutMs: 3000,
      hosts: NO_DNS,
    });
    assert.deepEqual(
      results.map((r) => r.id.split(':')[1]),
      ['direct'],
    );
    assert.match(results[0]?.title ?? '', /go's route/);
  });

  it('reports a proxy that needs auth as corporate-proxy (407)', async () => {
    const authProxy = await startConnectProxy({ auth: { user: 'builder', pass: 's3cret-pass' } });
    try {
      const results = await probeEndpoints([{ kind: 'goproxy', url: `https://goproxy.test:${tls.port}` }], {
        goEnv: { HTTPS_PROXY: authProxy.url },
        timeoutMs: 3000,
        hosts: NO_DNS,
      });
      const via = byId(results, 'probe:via-proxy:');
      assert.equal(via.status, 'fail');
      assert.equal(via.findings[0]?.category, 'corporate-proxy');
      assert.match(via.findings[0]?.message ?? '', /requires authentication \(407/);
      assert.match(via.findings[0]?.evidence ?? '', /407/);
      assert.match(via.detail ?? '', /CONNECT 407/);
    } finally {
      await authProxy.close();
    }
  });

  it('passes through an authenticating proxy with credentials in HTTPS_PROXY, and never prints the password', async () => {
    const authProxy = await startConnectProxy({ auth: { user: 'builder', pass: 's3cret-pass' } });
    try {
      const proxyUrl = `http://builder:s3cret-pass@127.0.0.1:${authProxy.port}`;
      const results = await probeEndpoints([{ kind: 'goproxy', url: `https://goproxy.test:${tls.port}` }], {
        goEnv: { HTTPS_PROXY: proxyUrl },
        timeoutMs: 3000,
        hosts: NO_DNS,
        extraCaPem: [ca.certPem],
      });
      assert.equal(byId(results, 'probe:via-proxy:').status, 'pass');
      assert.ok(!JSON.stringify(results).includes('s3cret-pass'));
      assert.match(byId(results, 'probe:via-proxy:').title, /builder:\*\*\*@/);
    } finally {
      await authProxy.close();
    }
  });

  it('reports wrong proxy credentials as rejected', async () => {
    const authProxy = await startConnectProxy({ auth: { user: 'builder', pass: 's3cret-pass' } });
    try {
      const results = await probeEndpoints([{ kind: 'goproxy', url: `https://goproxy.test:${tls.port}` }], {
        goEnv: { HTTPS_PROXY: `http://builder:wrong@127.0.0.1:${authProxy.port}` },
        timeoutMs: 3000,
        hosts: NO_DNS,
      });
      const f = byId(results, 'probe:via-proxy:').findings[0];
      assert.equal(f?.category, 'corporate-proxy');
      assert.match(f?.message ?? '', /rejects the credentials/);
      assert.ok(!JSON.stringify(results).includes('wrong@'));
    } finally {
      await authProxy.close();
    }
  });

  it('reports a proxy that is down as corporate-proxy, not as the target being down', async () => {
    const port = await closedPort();
    const results = await probeEndpoints([{ kind: 'goproxy', url: `https://goproxy.test:${tls.port}` }], {
      goEnv: { HTTPS_PROXY: `http://127.0.0.1:${port}` },
      timeoutMs: 3000,
      hosts: NO_DNS,
    });
    const via = byId(results, 'probe:via-proxy:');
    assert.equal(via.status, 'fail');
    assert.equal(via.findings[0]?.category, 'corporate-proxy');
    assert.match(via.findings[0]?.message ?? '', /connection refused/);
  });

  it('reports a proxy whose host does not resolve as corporate-proxy', async () => {
    const results = await probeEndpoints([{ kind: 'sumdb', url: `https://sum.test:${tls.port}` }], {
      goEnv: { HTTPS_PROXY: 'http://nonexistent.invalid:3128', GOSUMDB: `sum.golang.org https://sum.test:${tls.port}` },
      timeoutMs: 5000,
      hosts: NO_DNS,
    });
    const via = byId(results, 'probe:via-proxy:');
    assert.equal(via.findings[0]?.category, 'corporate-proxy');
    assert.match(via.findings[0]?.message ?? '', /does not resolve/);
  });

  it('reports a refused CONNECT as corporate-proxy', async () => {
    const strict = await startConnectProxy({ refuseWith: 403 });
    try {
      const results = await probeEndpoints([{ kind: 'goproxy', url: `https://goproxy.test:${tls.port}` }], {
        goEnv: { HTTPS_PROXY: strict.url },
        timeoutMs: 3000,
        hosts: NO_DNS,
      });
      const f = byId(results, 'probe:via-proxy:').findings[0];
      assert.equal(f?.category, 'corporate-proxy');
      assert.match(f?.message ?? '', /refuses to tunnel .*403/);
    } finally {
      await strict.close();
    }
  });

  it('reports the target being down behind a working proxy as proxy-unreachable / sumdb-unreachable', async () => {
    const port = await closedPort();
    const results = await probeEndpoints(
      [
        { kind: 'goproxy', url: `https://goproxy.test:${port}` },
        { kind: 'sumdb', url: `https://sum.test:${port}` },
      ],
      { goEnv: { HTTPS_PROXY: proxy.url, GOSUMDB: `sum.golang.org https://sum.test:${port}` }, timeoutMs: 3000, hosts: NO_DNS },
    );
    const goproxy = byId(results, `probe:via-proxy:https://goproxy.test:${port}`);
    assert.equal(goproxy.findings[0]?.category, 'proxy-unreachable');
    assert.match(goproxy.findings[0]?.message ?? '', /unreachable from the proxy.*502/);
    const sumdb = byId(results, `probe:via-proxy:https://sum.test:${port}`);
    assert.equal(sumdb.findings[0]?.category, 'sumdb-unreachable');
    assert.equal(sumdb.status, 'fail');
  });

  it('finds TLS interception inside the tunnel', async () => {
    const results = await probeEndpoints([{ kind: 'goproxy', url: `https://goproxy.test:${tls.port}` }], {
      goEnv: { HTTPS_PROXY: proxy.url },
      timeoutMs: 3000,
      hosts: NO_DNS,
    });
    const via = byId(results, 'probe:via-proxy:');
    assert.equal(via.findings[0]?.category, 'tls-interception');
    assert.match(via.findings[0]?.message ?? '', /through the proxy.*Corp Inspection CA/);
  });
});

describe('probeEndpoints (checksum DB relayed by GOPROXY)', () => {
  it('downgrades an unreachable checksum DB when the first GOPROXY serves /sumdb/<name>/supported', async () => {
    const goproxy = await startHttpServer((req, res) => {
      if (req.url === '/sumdb/sum.golang.org/supported') res.writeHead(200).end();
      else res.writeHead(404).end();
    });
    try {
      const port = await closedPort();
      const [r] = await probeEndpoints([{ kind: 'sumdb', url: `http://127.0.0.1:${port}` }], {
        goEnv: { GOPROXY: `${goproxy.url},direct` },
        timeoutMs: 2000,
        hosts: NO_DNS,
      });
      assert.equal(r?.findings[0]?.category, 'sumdb-unreachable');
      assert.equal(r?.findings[0]?.severity, 'info');
      assert.match(r?.findings[0]?.message ?? '', /reaches it through http:\/\/127\.0\.0\.1:\d+\/sumdb\/sum\.golang\.org/);
      assert.equal(r?.status, 'pass');
      assert.ok(goproxy.seen.includes('GET /sumdb/sum.golang.org/supported'));
    } finally {
      await goproxy.close();
    }
  });
});
