import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { classifyLog } from '../../../src/classify/classify-log.ts';
import { createHttpClient } from '../../../src/goproxy/http-client.ts';
import { SumDbClient } from '../../../src/sumdb/index.ts';
import { startSumDbFake } from '../../fakes/sumdb-server.ts';
import { checkSumDbRecord, checkVanityHost, liveChecksFor } from '../../../src/incidents/category-checks.ts';

describe('live checks per classified category', () => {
  it('checksum family: the checksum DB record first, then a deep diagnosis', () => {
    const c = classifyLog('go: github.com/x/y@v1.2.3: verifying module: checksum mismatch\n\tdownloaded: h1:aaa=\n\tgo.sum:     h1:bbb=\nSECURITY ERROR');
    assert.equal(c.category, 'checksum-mismatch');
    assert.deepEqual(
      liveChecksFor(c).map((x) => [x.kind, x.kind === 'diagnose' ? x.deep : undefined]),
      [
        ['sumdb-lookup', undefined],
        ['diagnose', true],
      ],
    );
  });

  it('vanity-import: the vanity host of the module the log names', () => {
    const c = classifyLog(
      'go: example.dev/metrics@v0.9.1: unrecognized import path "example.dev/metrics": https fetch: Get "https://example.dev/metrics?go-get=1": x509: certificate has expired or is not yet valid',
    );
    assert.equal(c.category, 'vanity-import');
    const checks = liveChecksFor(c);
    assert.deepEqual(checks[0], {
      kind: 'vanity-host',
      url: 'https://example.dev/metrics?go-get=1',
      importPath: 'example.dev/metrics',
      why: "the vanity host's go-get answer for example.dev/metrics",
    });
    assert.equal(checks.at(-1)?.kind, 'diagnose');
  });

  it('proxy families: the probe first', () => {
    for (const line of [
      'go: x.org/y@v1.0.0: unexpected status (http://athens:3000/x.org/y/@v/v1.0.0.info): 500 Internal Server Error',
      'go: x.org/y@v1.0.0: Get "https://proxy.golang.org/x.org/y/@v/v1.0.0.mod": dial tcp: lookup proxy.golang.org: no such host',
      'Get "https://proxy.golang.org/x/@v/list": proxyconnect tcp: dial tcp 10.1.1.1:3128: connect: connection refused',
    ]) {
      assert.equal(liveChecksFor(classifyLog(line))[0]?.kind, 'probe', line);
    }
  });

  it('other causes go straight to the diagnosis; disk and toolchain look at the agent', () => {
    assert.deepEqual(
      liveChecksFor({ category: 'version-not-found', ecosystem: 'go' }).map((c) => c.kind),
      ['diagnose'],
    );
    assert.deepEqual(
      liveChecksFor({ category: 'disk-full', ecosystem: 'go' }).map((c) => c.kind),
      ['hostcheck', 'diagnose'],
    );
  });
});

describe('live checks for an answer the log alone cannot settle', () => {
  it("both causes' checks run: a mirror's 404 read as a missing version also gets the proxy probe", () => {
    const c = classifyLog(
      "npm error code E404\nnpm error 404 Not Found - GET https://registry.npmjs.org/@acme%2fledger - Not found\nnpm error 404  '@acme/ledger@^2.0.0' is not in this registry.",
    );
    assert.equal(c.category, 'version-not-found');
    assert.deepEqual(
      liveChecksFor(c).map((x) => x.kind),
      ['probe', 'diagnose'],
    );
  });

  it('a checksum failure that may be the mirror: the probe, the checksum DB record and a deep diagnosis', () => {
    const c = classifyLog(
      [
        'GOPROXY=https://goproxy.corp.example',
        'go: github.com/x/y@v1.2.3: verifying module: checksum mismatch',
        '\tdownloaded: h1:aaa=',
        '\tsum.golang.org: h1:bbb=',
        'SECURITY ERROR',
      ].join('\n'),
    );
    assert.equal(c.category, 'proxy-server-error');
    assert.deepEqual(
      liveChecksFor(c).map((x) => [x.kind, x.kind === 'diagnose' ? x.deep : undefined]),
      [
        ['probe', undefined],
        ['sumdb-lookup', undefined],
        ['diagnose', true],
      ],
    );
  });

  it('a sure answer runs only its own checks', () => {
    const c = classifyLog('go: x.org/y@v1.0.0: unexpected status (http://athens:3000/x.org/y/@v/v1.0.0.info): 500 Internal Server Error');
    assert.equal(c.candidates, undefined);
    assert.deepEqual(
      liveChecksFor(c).map((x) => x.kind),
      ['probe', 'diagnose'],
    );
  });
});

describe('direct checks against local servers', () => {
  let server: Server;
  let base: string;
  const http = createHttpClient({ timeoutMs: 5000 });
  before(async () => {
    server = createServer((req, res) => {
      if (req.url === '/good?go-get=1') {
        res.end('<html><head><meta name="go-import" content="127.0.0.1/good git https://github.com/acme/good"></head></html>');
      } else if (req.url === '/nometa?go-get=1') {
        res.end('<html>nothing here</html>');
      } else {
        res.statusCode = 502;
        res.end('not found: unknown revision');
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  after(async () => {
    await http.close();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('vanity host: a go-import answer, a page without meta, and a 5xx', async () => {
    const good = await checkVanityHost(http, `${base}/good?go-get=1`, '127.0.0.1/good');
    assert.equal(good.ok, true, good.text);
    assert.match(good.text, /go-import "127\.0\.0\.1\/good git https:\/\/github\.com\/acme\/good"/);
    const none = await checkVanityHost(http, `${base}/nometa?go-get=1`, '127.0.0.1/nometa');
    assert.deepEqual([none.ok, /no go-import meta tag/.test(none.text)], [false, true]);
    const broken = await checkVanityHost(http, `${base}/down?go-get=1`, '127.0.0.1/down');
    assert.deepEqual([broken.ok, /HTTP 502/.test(broken.text)], [false, true]);
  });

  it('checksum DB: a proven record, and a version the database does not know', async () => {
    const sumdb = await startSumDbFake({ name: 'sumdb.category.test' });
    try {
      sumdb.add({
        module: 'github.com/acme/lib',
        version: 'v1.0.0',
        zipHash: 'h1:Zp0BE2y8Bz9VwzEmShdVx1dk3GZpGC/hwDrVh1mOUvM=',
        modHash: 'h1:Q2eP7IPQXHB4dKAtlDnEKtBBsaHUdQfGcWAFFKyFKOc=',
      });
      const client = new SumDbClient({ goEnv: { GOPROXY: 'direct', GOSUMDB: `${sumdb.verifierKey} ${sumdb.url}` }, http });
      const found = await checkSumDbRecord(client, 'github.com/acme/lib', 'v1.0.0');
      assert.equal(found.ok, true, found.text);
      assert.match(found.text, /record \d+ in the signed tree/);
      const missing = await checkSumDbRecord(client, 'github.com/acme/lib', 'v9.9.9');
      assert.equal(missing.ok, false);
    } finally {
      await sumdb.close();
    }
  });
});
