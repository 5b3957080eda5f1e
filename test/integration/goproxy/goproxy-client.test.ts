import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { GoProxyClient, GoProxyError, declaredModulePath, parseRevInfo, parseVersionList, proxyFileUrl } from '../../../src/goproxy/goproxy-client.ts';
import { fakePath, startGoProxyFake, type GoProxyFake } from '../../fakes/goproxy-server.ts';

const MOD = 'example.test/Acme/lib';

describe('GoProxyClient helpers (pure)', () => {
  it('builds case-encoded URLs under any base path', () => {
    assert.equal(proxyFileUrl('https://proxy.example/', MOD, { kind: 'list' }), 'https://proxy.example/example.test/!acme/lib/@v/list');
    assert.equal(
      proxyFileUrl('https://proxy.example/go/', MOD, { kind: 'info', version: 'v1.0.0-RC1' }),
      'https://proxy.example/go/example.test/!acme/lib/@v/v1.0.0-!r!c1.info',
    );
    assert.equal(proxyFileUrl('http://127.0.0.1:9/a', MOD, { kind: 'latest' }), 'http://127.0.0.1:9/a/example.test/!acme/lib/@latest');
    assert.equal(
      proxyFileUrl('file:///srv/proxy', MOD, { kind: 'zip', version: 'v2.0.0+incompatible' }),
      'file:///srv/proxy/example.test/!acme/lib/@v/v2.0.0+incompatible.zip',
    );
  });

  it('parses @v/list like the go command: first field, valid, no pseudo-versions, sorted', () => {
    const body = 'v1.10.0\nv1.2.0 2024-01-02T03:04:05Z\n\nnot-a-version\nv0.0.0-20240102030405-abcdefabcdef\nv1.2.0\nv2.0.0-rc.1\nv1.9.0\n';
    assert.deepEqual(parseVersionList(body), ['v1.2.0', 'v1.9.0', 'v1.10.0', 'v2.0.0-rc.1']);
  });

  it('checks .info bodies', () => {
    assert.deepEqual(parseRevInfo('{"Version":"v1.0.0","Time":"2024-01-02T03:04:05Z"}', 'v1.0.0'), {
      info: { Version: 'v1.0.0', Time: '2024-01-02T03:04:05Z' },
    });
    assert.match(
      (parseRevInfo('{"Version":"v1.0.1"}', 'v1.0.0') as { problem: string }).problem,
      /proxy returned info for version v1\.0\.1 instead of requested version v1\.0\.0/,
    );
    assert.match((parseRevInfo('<html>', 'v1.0.0') as { problem: string }).problem, /not JSON/);
    assert.match((parseRevInfo('{"Time":"x"}', 'v1.0.0') as { problem: string }).problem, /no "Version"/);
    // a non-canonical query (branch name) may resolve to any version
    assert.ok('info' in parseRevInfo('{"Version":"v0.0.0-20240102030405-abcdefabcdef"}', 'master'));
  });

  it('reads the module directive', () => {
    assert.equal(declaredModulePath('// comment\nmodule example.test/x // trailing\n\ngo 1.19\n'), 'example.test/x');
    assert.equal(declaredModulePath('module "example.test/quoted"\n'), 'example.test/quoted');
    assert.equal(declaredModulePath('go 1.19\n'), undefined);
  });
});

describe('GoProxyClient against the fake', () => {
  let fake: GoProxyFake;
  let client: GoProxyClient;
  let tmp: string;
  before(async () => {
    fake = await startGoProxyFake({
      modules: [
        {
          path: MOD,
          versions: [
            { version: 'v1.0.0', time: '2023-05-06T07:08:09Z' },
            { version: 'v1.2.0', declaredPath: 'example.test/acme/lib' },
            { version: 'v1.3.0', retract: ['v1.2.0 // broken build'] },
            { version: 'v1.9.9', fail: { status: 404 } },
            { version: 'v1.4.0', fail: { status: 429, retryAfter: 30 } },
            { version: 'v1.5.0', infoVersion: 'v1.5.1' },
          ],
        },
        { path: 'example.test/broken', versions: [], fail: { status: 500, message: 'upstream exploded' } },
      ],
    });
    client = new GoProxyClient({ concurrency: 8, timeoutMs: 5_000 });
    tmp = await mkdtemp(join(tmpdir(), 'bf-gpc-'));
  });
  after(async () => {
    await client.close();
    await fake.close();
    await rm(tmp, { recursive: true, force: true });
  });

  it('uses the concurrency option', () => {
    assert.equal(client.http.maxConcurrent, 8);
  });

  it('list, info, mod and latest', async () => {
    assert.deepEqual(await client.list(fake.url, MOD), ['v1.0.0', 'v1.2.0', 'v1.3.0', 'v1.4.0', 'v1.5.0']);
    assert.deepEqual(await client.info(fake.url, MOD, 'v1.0.0'), { Version: 'v1.0.0', Time: '2023-05-06T07:08:09Z' });
    assert.equal(await client.mod(fake.url, MOD, 'v1.2.0'), 'module example.test/acme/lib\n\ngo 1.19\n');
    assert.match(await client.mod(fake.url, MOD, 'v1.3.0'), /^retract v1\.2\.0 \/\/ broken build$/m);
    assert.equal((await client.latest(fake.url, MOD)).Version, 'v1.5.0');
    assert.equal(fake.count(fakePath(MOD, { version: 'v1.0.0', ext: 'info' })), 1);
  });

  it('404 is a not-found GoProxyError carrying the proxy message', async () => {
    await assert.rejects(client.info(fake.url, MOD, 'v1.9.9'), (err: unknown) => {
      assert.ok(err instanceof GoProxyError);
      assert.equal(err.status, 404);
      assert.equal(err.notFound, true);
      assert.equal(err.detail, `not found: ${MOD}@v1.9.9: invalid version: unknown revision v1.9.9`);
      return true;
    });
  });

  it('429 keeps Retry-After; 500 is not a not-found', async () => {
    await assert.rejects(
      client.mod(fake.url, MOD, 'v1.4.0'),
      (err: unknown) => err instanceof GoProxyError && err.status === 429 && err.retryAfter === '30' && !err.notFound,
    );
    await assert.rejects(
      client.list(fake.url, 'example.test/broken'),
      (err: unknown) => err instanceof GoProxyError && err.status === 500 && err.detail === 'upstream exploded',
    );
  });

  it('rejects an .info that names another version', async () => {
    await assert.rejects(client.info(fake.url, MOD, 'v1.5.0'), /proxy returned info for version v1\.5\.1 instead of requested version v1\.5\.0/);
  });

  it('raw fetch returns any status with the first body line', async () => {
    const res = await client.fetch(fake.url, MOD, { kind: 'info', version: 'v1.9.9' });
    assert.equal(res.status, 404);
    assert.equal(res.notFound, true);
    assert.equal(res.message, `not found: ${MOD}@v1.9.9: invalid version: unknown revision v1.9.9`);
  });

  it('sees run-time changes in the fake', async () => {
    fake.updateVersion(MOD, 'v1.9.9', { fail: { status: 410 } });
    const gone = await client.fetch(fake.url, MOD, { kind: 'info', version: 'v1.9.9' });
    assert.equal(gone.status, 410);
    assert.equal(gone.notFound, true);
    fake.updateVersion(MOD, 'v1.9.9', { fail: undefined });
    assert.equal((await client.info(fake.url, MOD, 'v1.9.9')).Version, 'v1.9.9');
    fake.updateVersion(MOD, 'v1.9.9', { fail: { status: 404 } });
  });

  it('works with a file:// GOPROXY laid out like the module cache', async () => {
    const dir = join(tmp, 'cache', 'download');
    const vdir = join(dir, 'example.test/!acme/lib/@v');
    await mkdir(vdir, { recursive: true });
    await writeFile(join(vdir, 'list'), 'v1.0.0\n');
    await writeFile(join(vdir, 'v1.0.0.info'), '{"Version":"v1.0.0"}');
    await writeFile(join(vdir, 'v1.0.0.mod'), `module ${MOD}\n`);
    const base = pathToFileURL(dir).href;
    assert.deepEqual(await client.list(base, MOD), ['v1.0.0']);
    assert.equal((await client.info(base, MOD, 'v1.0.0')).Version, 'v1.0.0');
    assert.equal(await client.mod(base, MOD, 'v1.0.0'), `module ${MOD}\n`);
    await assert.rejects(client.info(base, MOD, 'v2.0.0'), (err: unknown) => err instanceof GoProxyError && err.notFound && err.status === 404);
  });
});
