/**
 * Asking a token's host when it expires, over real HTTP on 127.0.0.1: the
 * GitHub and GitLab fakes (their documented answers), a GitHub Enterprise
 * Server with rate limiting off (/rate_limit 404 → /user once), a host that
 * redirects (never followed: the token reaches no other host), and one that
 * never answers (the deadline).
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { PreflightConfigSchema } from '../../../src/config/preflight-schema.ts';
import type { FoundCredential } from '../../../src/preflight/credential-sources.ts';
import { askTokenExpiry } from '../../../src/preflight/token-expiry.ts';
import { Secret } from '../../../src/util/secret.ts';
import { githubExpirationHeader, startCiRestFake, type CiRestFake } from '../../fakes/ci-rest-server.ts';

const TOKEN = 'ghp_TokenExpiryTest0123456789abcdef';

async function listen(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

function credential(host: string, kind: 'github' | 'gitlab', api: string): FoundCredential {
  const target = PreflightConfigSchema.parse({ credentialHosts: [{ host, kind, api }] }).credentialHosts?.[0];
  assert.ok(target);
  return { target, source: `~/.netrc machine ${host}`, token: new Secret(TOKEN) };
}

describe('asking a host when its token expires', () => {
  let fake: CiRestFake;
  const servers: Server[] = [];
  before(async () => {
    fake = await startCiRestFake({ githubToken: 'ghp_unused', gitlabToken: 'glpat-unused' });
  });
  after(async () => {
    for (const s of servers) {
      s.closeAllConnections();
      s.close();
    }
    await fake.close();
  });
  const opts = { goEnv: {}, timeoutMs: 2000 };

  it('GitHub: the expiration header, or none; GitLab: expires_at as 00:00 UTC of that date', async () => {
    fake.githubTokens.set(TOKEN, { expiration: '2026-12-09 10:00:00 UTC' });
    const gh = await askTokenExpiry(credential('github.com', 'github', fake.url), opts);
    assert.deepEqual(gh, {
      host: 'github.com',
      source: '~/.netrc machine github.com',
      kind: 'github',
      api: fake.url,
      state: 'expires',
      expiresAt: '2026-12-09T10:00:00.000Z',
    });
    fake.githubTokens.set(TOKEN, {});
    assert.equal((await askTokenExpiry(credential('github.com', 'github', fake.url), opts)).state, 'no-expiry');
    fake.gitlabTokens.set(TOKEN, { expires_at: '2027-01-31' });
    const gl = await askTokenExpiry(credential('gitlab.corp.test', 'gitlab', `${fake.url}/api/v4`), opts);
    assert.equal(gl.state, 'expires');
    assert.equal(gl.expiresAt, '2027-01-31T00:00:00.000Z');
    fake.gitlabTokens.set(TOKEN, { expires_at: null });
    assert.equal((await askTokenExpiry(credential('gitlab.corp.test', 'gitlab', `${fake.url}/api/v4`), opts)).state, 'no-expiry');
    fake.gitlabTokens.set(TOKEN, { expires_at: '2027-01-31', revoked: true });
    assert.equal((await askTokenExpiry(credential('gitlab.corp.test', 'gitlab', `${fake.url}/api/v4`), opts)).state, 'rejected');
  });

  it('GitHub Enterprise Server with rate limiting off: /rate_limit is 404, so /user is asked once', async () => {
    fake.githubRateLimitDisabled = true;
    fake.githubTokens.set(TOKEN, { expiration: githubExpirationHeader(5) });
    const before = fake.requests.length;
    try {
      const s = await askTokenExpiry(credential('ghe.corp.test', 'github', fake.url), opts);
      assert.equal(s.state, 'expires', JSON.stringify(s));
      assert.deepEqual(
        fake.requests.slice(before).map((r) => r.path),
        ['/rate_limit', '/user'],
      );
    } finally {
      fake.githubRateLimitDisabled = false;
    }
  });

  it('a GitLab deploy token is not asked about (its API answers 401 to every deploy token): shown, never alerted as rejected', async () => {
    const before = fake.requests.length;
    const s = await askTokenExpiry({ ...credential('gitlab.corp.test', 'gitlab', `${fake.url}/api/v4`), login: 'gitlab+deploy-token-12' }, opts);
    assert.equal(s.state, 'error');
    assert.match(s.reason ?? '', /a GitLab deploy token, which gitlab\.corp\.test's API cannot report on/);
    assert.equal(fake.requests.length, before, 'no request');
  });

  it('a redirect is not followed: the token reaches no other host', async () => {
    const seen: IncomingHttpHeaders[] = [];
    const elsewhere = await listen((req, res) => {
      seen.push(req.headers);
      res.end('{}');
    });
    const redirecting = await listen((_req, res) => {
      res.writeHead(302, { location: `${elsewhere.url}/rate_limit` });
      res.end();
    });
    servers.push(elsewhere.server, redirecting.server);
    const s = await askTokenExpiry(credential('github.com', 'github', redirecting.url), opts);
    assert.equal(s.state, 'error');
    assert.equal(s.httpStatus, 302);
    assert.match(s.reason ?? '', /redirected \(HTTP 302\); not followed/);
    assert.equal(seen.length, 0);
  });

  it('a host that never answers: "did not answer within", after the deadline, once', async () => {
    let hits = 0;
    const silent = await listen(() => {
      hits++;
    });
    servers.push(silent.server);
    const t0 = Date.now();
    const s = await askTokenExpiry(credential('github.com', 'github', silent.url), { goEnv: {}, timeoutMs: 300 });
    assert.equal(s.state, 'error');
    assert.match(s.reason ?? '', /did not answer within 300 ms/);
    assert.ok(Date.now() - t0 < 2000, `${Date.now() - t0} ms`);
    assert.equal(hits, 1, 'no retry');
    assert.doesNotMatch(JSON.stringify(s), /TokenExpiryTest/);
  });
});
