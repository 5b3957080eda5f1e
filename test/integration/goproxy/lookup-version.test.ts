import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { GitRemote } from '../../../src/goproxy/git-ls-remote.ts';
import { GoProxyClient } from '../../../src/goproxy/goproxy-client.ts';
import { lookupVersion, type LookupVersionOptions } from '../../../src/goproxy/lookup-version.ts';
import { createPrivacyRules } from '../../../src/goproxy/module-patterns.ts';
import { parseGoproxy } from '../../../src/goproxy/parse-goproxy.ts';
import {
  createGitRepo,
  fakePath,
  isolatedGitEnv,
  startGitDaemon,
  startGoProxyFake,
  type FakeModule,
  type GitDaemon,
  type GoProxyFake,
} from '../../fakes/goproxy-server.ts';

const MOD = 'example.test/Acme/lib';
const PRIVATE = 'git.corp.example/team/lib';

function onA(): FakeModule[] {
  return [
    {
      path: MOD,
      versions: [
        { version: 'v1.0.0' },
        { version: 'v1.1.0', declaredPath: 'example.test/acme/lib' },
        { version: 'v1.9.9', fail: { status: 404 } },
        { version: 'v1.8.0', fail: { status: 410 } },
        { version: 'v1.5.0', fail: { status: 500, message: 'internal error: upstream exploded' } },
        { version: 'v1.4.0', fail: { status: 429, retryAfter: 60 } },
        { version: 'v1.6.0', delayMs: 3_000 },
        { version: 'v1.7.0', infoVersion: 'v1.7.1' },
      ],
    },
  ];
}

function onB(): FakeModule[] {
  return [
    {
      path: MOD,
      versions: ['v1.0.0', 'v1.5.0', 'v1.4.0', 'v1.6.0', 'v1.7.0', 'v1.8.0', 'v2.0.0'].map((version) => ({ version, time: '2024-06-01T00:00:00Z' })),
    },
  ];
}

describe('lookupVersion walks GOPROXY like the go command', () => {
  let a: GoProxyFake;
  let b: GoProxyFake;
  let gitBase: string;
  let daemon: GitDaemon;
  let client: GoProxyClient;
  let git: GitRemote;

  before(async () => {
    a = await startGoProxyFake({ modules: onA() });
    b = await startGoProxyFake({ modules: onB() });
    gitBase = await mkdtemp(join(tmpdir(), 'bf-lookup-git-'));
    await createGitRepo(gitBase, 'lib', { 'v1.0.0': { 'go.mod': `module ${MOD}\n` }, 'v1.9.9': { 'x.go': 'package lib\n' } });
    await createGitRepo(gitBase, 'private', { 'v0.3.0': { 'go.mod': `module ${PRIVATE}\n` } });
    daemon = await startGitDaemon(gitBase);
    client = new GoProxyClient({ timeoutMs: 500 });
    git = new GitRemote({
      timeoutMs: 15_000,
      goEnv: {},
      env: isolatedGitEnv(gitBase),
      repoFor: (path) => (path === PRIVATE ? `${daemon.url}/private.git` : `${daemon.url}/lib.git`),
    });
  });
  after(async () => {
    await client.close();
    await a.close();
    await b.close();
    await daemon.close();
    await rm(gitBase, { recursive: true, force: true });
  });
  beforeEach(() => {
    a.resetStats();
    b.resetStats();
  });

  const opts = (goproxy: string, extra: Partial<LookupVersionOptions> = {}, goprivate = ''): LookupVersionOptions => ({
    chain: parseGoproxy(goproxy),
    privacy: createPrivacyRules({ GOPRIVATE: goprivate }),
    client,
    git,
    fetchMod: false,
    ...extra,
  });

  it('found on the first proxy: one .info request, nothing else', async () => {
    const r = await lookupVersion(MOD, 'v1.0.0', opts(`${a.url},${b.url}`));
    assert.equal(r.outcome, 'found');
    assert.equal(r.private, false);
    assert.equal(r.attempts.length, 1);
    assert.deepEqual(
      { ...r.decidedBy, durationMs: 0 },
      { source: a.url, chainIndex: 0, status: 200, durationMs: 0, file: 'info', url: `${a.url}/example.test/!acme/lib/@v/v1.0.0.info`, outcome: 'ok' },
    );
    assert.equal(r.time, '2024-01-02T03:04:05Z');
    assert.equal(a.count(fakePath(MOD, { version: 'v1.0.0', ext: 'info' })), 1);
    assert.equal(b.requests.length, 0);
  });

  for (const [version, status] of [
    ['v1.9.9', 404],
    ['v1.8.0', 410],
  ] as const) {
    it(`"," falls through on ${status} and records both attempts`, async () => {
      const r = await lookupVersion(MOD, version, opts(`${a.url},${b.url}`));
      if (version === 'v1.9.9') {
        // nobody has it
        assert.equal(r.outcome, 'not-found');
        assert.equal(r.attempts.length, 2);
        assert.equal(r.decidedBy?.source, b.url, 'go reports the last not-found');
      } else {
        assert.equal(r.outcome, 'found');
        assert.equal(r.decidedBy?.source, b.url);
      }
      const first = r.attempts[0];
      assert.equal(first?.status, status);
      assert.equal(first?.outcome, 'not-found');
      assert.match(first?.message ?? '', /^(not found: example\.test\/Acme\/lib@v1\.(9\.9|8\.0): invalid version: unknown revision v1\.(9\.9|8\.0))$/);
      assert.equal(b.requests.length, 1);
    });
  }

  it('"," stops on a 500: the next proxy is never asked', async () => {
    const r = await lookupVersion(MOD, 'v1.5.0', opts(`${a.url},${b.url}`));
    assert.equal(r.outcome, 'error');
    assert.equal(r.decidedBy?.status, 500);
    assert.equal(r.decidedBy?.message, 'internal error: upstream exploded');
    assert.equal(r.decidedBy?.failure, 'http-500');
    assert.equal(r.attempts.length, 1);
    assert.equal(b.requests.length, 0);
  });

  it('"|" falls through on a 500', async () => {
    const r = await lookupVersion(MOD, 'v1.5.0', opts(`${a.url}|${b.url}`));
    assert.equal(r.outcome, 'found');
    assert.equal(r.decidedBy?.source, b.url);
    assert.deepEqual(
      r.attempts.map((x) => [x.status, x.outcome]),
      [
        [500, 'error'],
        [200, 'ok'],
      ],
    );
  });

  it('"," stops on 429 and keeps Retry-After', async () => {
    const r = await lookupVersion(MOD, 'v1.4.0', opts(`${a.url},${b.url}`));
    assert.equal(r.outcome, 'error');
    assert.equal(r.decidedBy?.status, 429);
    assert.equal(r.decidedBy?.retryAfter, '60');
    assert.equal(r.decidedBy?.failure, 'rate-limited');
    assert.equal(b.requests.length, 0);
  });

  it('a timeout is an error: "," stops, "|" falls through', async () => {
    const started = performance.now();
    const stop = await lookupVersion(MOD, 'v1.6.0', opts(`${a.url},${b.url}`));
    assert.equal(stop.outcome, 'error');
    assert.equal(stop.decidedBy?.failure, 'timeout');
    assert.match(stop.decidedBy?.message ?? '', /timed out after \d+ ms/);
    assert.equal(stop.decidedBy?.status, undefined);
    assert.ok(performance.now() - started < 2_500);
    const through = await lookupVersion(MOD, 'v1.6.0', opts(`${a.url}|${b.url}`));
    assert.equal(through.outcome, 'found');
    assert.equal(through.decidedBy?.source, b.url);
  });

  it('an unreachable proxy is an error that stops ","', async () => {
    const r = await lookupVersion(MOD, 'v1.0.0', opts(`http://127.0.0.1:1,${b.url}`));
    assert.equal(r.outcome, 'error');
    assert.equal(r.decidedBy?.failure, 'connect-refused');
    assert.equal(b.requests.length, 0);
  });

  it('after "|", a proxy error outranks a later not-found (TryProxies ranking)', async () => {
    const r = await lookupVersion(MOD, 'v1.9.9', opts(`${b.url}|${a.url}`));
    assert.equal(r.outcome, 'not-found');
    b.updateVersion(MOD, 'v1.0.0', { fail: { status: 502, message: 'bad gateway' } });
    try {
      const ranked = await lookupVersion(MOD, 'v1.9.9', opts(`${a.url}|${b.url}`));
      assert.equal(ranked.outcome, 'not-found', 'both not-found');
      a.updateVersion(MOD, 'v1.9.9', { fail: { status: 503, message: 'maintenance' } });
      const err = await lookupVersion(MOD, 'v1.9.9', opts(`${a.url}|${b.url}`));
      assert.equal(err.outcome, 'error');
      assert.equal(err.decidedBy?.source, a.url);
      assert.equal(err.decidedBy?.message, 'maintenance');
    } finally {
      a.updateVersion(MOD, 'v1.9.9', { fail: { status: 404 } });
      b.updateVersion(MOD, 'v1.0.0', { fail: undefined });
    }
  });

  it('off disables the lookup; after not-found it is what go reports', async () => {
    const off = await lookupVersion(MOD, 'v1.0.0', opts('off'));
    assert.equal(off.outcome, 'disabled');
    assert.equal(off.decidedBy?.source, 'off');
    assert.equal(a.requests.length, 0);
    const after404 = await lookupVersion(MOD, 'v1.9.9', opts(`${a.url},off`));
    assert.equal(after404.outcome, 'disabled');
    assert.equal(after404.attempts.length, 2);
  });

  it('direct asks git: tag present → found, tag missing → not-found', async () => {
    const found = await lookupVersion(MOD, 'v1.9.9', opts(`${a.url},direct`));
    assert.equal(found.outcome, 'found');
    assert.equal(found.decidedBy?.source, 'direct');
    assert.equal(found.decidedBy?.file, 'git');
    assert.equal(found.attempts.length, 2);

    const missing = await lookupVersion(MOD, 'v3.0.0', opts('direct'));
    assert.equal(missing.outcome, 'not-found');
    assert.equal(missing.decidedBy?.failure, 'tag-missing');
    assert.match(missing.decidedBy?.message ?? '', /tag v3\.0\.0 not found/);
  });

  it('GOPRIVATE modules skip every proxy and go straight to git', async () => {
    const r = await lookupVersion(PRIVATE, 'v0.3.0', opts(`${a.url},${b.url}`, {}, 'git.corp.example'));
    assert.equal(r.outcome, 'found');
    assert.equal(r.private, true);
    assert.deepEqual(
      r.attempts.map((x) => x.source),
      ['direct'],
    );
    assert.equal(a.requests.length + b.requests.length, 0);
    // even GOPROXY=off does not stop the go command from fetching GONOPROXY modules directly
    const off = await lookupVersion(PRIVATE, 'v0.4.0', opts('off', {}, 'git.corp.example'));
    assert.equal(off.outcome, 'not-found');
    assert.equal(off.decidedBy?.source, 'direct');
  });

  it('fetchMod requests only the .mod and reports the declared path', async () => {
    const r = await lookupVersion(MOD, 'v1.1.0', opts(a.url, { fetchMod: true }));
    assert.equal(r.outcome, 'found');
    assert.equal(r.declaredPath, 'example.test/acme/lib');
    assert.equal(r.modFile, 'module example.test/acme/lib\n\ngo 1.19\n');
    assert.equal(a.count(fakePath(MOD, { version: 'v1.1.0', ext: 'mod' })), 1);
    assert.equal(a.count(fakePath(MOD, { version: 'v1.1.0', ext: 'info' })), 0);

    const both = await lookupVersion(MOD, 'v1.1.0', opts(a.url, { fetchMod: true, fetchInfo: true }));
    assert.deepEqual(
      both.attempts.map((x) => x.file),
      ['info', 'mod'],
    );

    const missing = await lookupVersion(MOD, 'v1.9.9', opts(`${a.url},${b.url}`, { fetchMod: true }));
    assert.equal(missing.outcome, 'not-found');
    assert.deepEqual(
      missing.attempts.map((x) => [x.file, x.status]),
      [
        ['mod', 404],
        ['mod', 404],
      ],
    );
  });

  it('an .info naming another version is an error', async () => {
    const r = await lookupVersion(MOD, 'v1.7.0', opts(`${a.url},${b.url}`));
    assert.equal(r.outcome, 'error');
    assert.match(r.decidedBy?.message ?? '', /proxy returned info for version v1\.7\.1/);
    assert.equal(b.requests.length, 0);
  });

  it('rejects an invalid module path without any request', async () => {
    const r = await lookupVersion('Example.test/x', 'v1.0.0', opts(a.url));
    assert.equal(r.outcome, 'error');
    assert.equal(r.decidedBy?.source, 'input');
    assert.match(r.decidedBy?.message ?? '', /malformed module path/);
    assert.equal(a.requests.length, 0);
  });

  it('masks proxy credentials in the report; chainIndex leads back to the entry', async () => {
    const chainText = `${a.url.replace('http://', 'http://bot:pa55word@')},${b.url}`;
    const r = await lookupVersion(MOD, 'v1.9.9', opts(chainText));
    assert.ok(!JSON.stringify(r).includes('pa55word'));
    const first = r.attempts[0];
    assert.equal(first?.source, a.url.replace('http://', 'http://bot:***@'));
    const entry = parseGoproxy(chainText)[first?.chainIndex ?? -1];
    assert.equal(entry?.kind === 'url' ? entry.url : '', a.url.replace('http://', 'http://bot:pa55word@'));
  });
});
