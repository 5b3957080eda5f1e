/**
 * Asking a token's host when it expires, over real HTTP on 127.0.0.1: the
 * GitHub and GitLab fakes (their documented answers), a GitHub Enterprise
 * Server with rate limiting off (/rate_limit 404 → /user once), a host that
 * redirects (never followed: the token reaches no other host), one that
 * never answers (the deadline), one that answers 500 and a closed port (the
 * credential-check-failed finding), and GitLab deploy tokens with a custom
 * login (not asked with gldt-, not "rejected" on a 401 without glpat-).
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { PreflightConfigSchema } from '../../../src/config/preflight-schema.ts';
import type { FoundCredential } from '../../../src/preflight/credential-sources.ts';
import { summarizeCredentials } from '../../../src/preflight/summarize.ts';
import { askTokenExpiry } from '../../../src/preflight/token-expiry.ts';
import { Secret } from '../../../src/util/secret.ts';
import { githubExpirationHeader, startCiRestFake, type CiRestFake } from '../../fakes/ci-rest-server.ts';

const TOKEN = 'ghp_TokenExpiryTest0123456789abcdef';
const GITLAB_TOKEN = 'glpat-TokenExpiryTest-0123456789';

async function listen(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

function credential(host: string, kind: 'github' | 'gitlab', api: string, token = kind === 'github' ? TOKEN : GITLAB_TOKEN): FoundCredential {
  const target = PreflightConfigSchema.parse({ credentialHosts: [{ host, kind, api }] }).credentialHosts?.[0];
  assert.ok(target);
  return { target, source: `~/.netrc machine ${host}`, token: new Secret(token) };
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
    fake.gitlabTokens.set(GITLAB_TOKEN, { expires_at: '2027-01-31' });
    const gl = await askTokenExpiry(credential('gitlab.corp.test', 'gitlab', `${fake.url}/api/v4`), opts);
    assert.equal(gl.state, 'expires');
    assert.equal(gl.expiresAt, '2027-01-31T00:00:00.000Z');
    fake.gitlabTokens.set(GITLAB_TOKEN, { expires_at: null });
    assert.equal((await askTokenExpiry(credential('gitlab.corp.test', 'gitlab', `${fake.url}/api/v4`), opts)).state, 'no-expiry');
    fake.gitlabTokens.set(GITLAB_TOKEN, { expires_at: '2027-01-31', revoked: true });
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

  it('a GitLab deploy token with a custom login: gldt- is not asked; a 401 for a token without glpat- cannot be checked, not "rejected"', async () => {
    const before = fake.requests.length;
    const gldt = await askTokenExpiry(
      { ...credential('gitlab.corp.test', 'gitlab', `${fake.url}/api/v4`, 'gldt-DeployTokenExpiryTest01'), login: 'ci-deployer' },
      opts,
    );
    assert.equal(gldt.state, 'error');
    assert.match(gldt.reason ?? '', /a GitLab deploy token/);
    assert.equal(fake.requests.length, before, 'no request');
    const legacy = await askTokenExpiry(
      { ...credential('gitlab.corp.test', 'gitlab', `${fake.url}/api/v4`, 'x9YdLegacyDeployToken7Qm2'), login: 'ci-deployer' },
      opts,
    );
    assert.equal(legacy.state, 'error');
    assert.equal(legacy.httpStatus, 401);
    assert.match(legacy.reason ?? '', /answered 401 to a token that is not a personal, project or group access token \(no glpat- prefix\)/);
    assert.match(legacy.hint ?? '', /Deploy tokens/);
    // A personal access token GitLab answers 401 for is rejected, as before.
    const pat = await askTokenExpiry(credential('gitlab.corp.test', 'gitlab', `${fake.url}/api/v4`, 'glpat-NotKnownToTheFake-0000'), opts);
    assert.equal(pat.state, 'rejected');
  });

  it('a host that answers 500, and one on a closed port: credential-check-failed saying what failed, where, and what to check', async () => {
    const failing = await listen((req, res) => {
      req.resume();
      res.writeHead(500);
      res.end('boom');
    });
    servers.push(failing.server);
    const closed = await new Promise<string>((resolve) => {
      const probe = createServer();
      probe.listen(0, '127.0.0.1', () => {
        const url = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
        probe.close(() => resolve(url));
      });
    });
    const states = [
      await askTokenExpiry(credential('gitlab.corp.test', 'gitlab', `${failing.url}/api/v4`), opts),
      await askTokenExpiry(credential('ghe.corp.test', 'github', closed), opts),
    ];
    assert.deepEqual(
      states.map((s) => [s.state, s.httpStatus]),
      [
        ['error', 500],
        ['error', undefined],
      ],
    );
    const s = summarizeCredentials({ missing: [], unchecked: [], netrc: { label: '~/.netrc', present: true }, defaults: false }, states, {
      now: Date.now(),
      days: 7,
    });
    assert.equal(s.status, 'warn');
    assert.deepEqual(
      s.findings.map((f) => [f.key, f.category, f.severity, f.alert]),
      [
        ['credential-check-failed:gitlab.corp.test', 'credential-check-failed', 'warning', false],
        ['credential-check-failed:ghe.corp.test', 'credential-check-failed', 'warning', false],
      ],
    );
    const host = (url: string): string => new URL(url).host;
    assert.equal(
      s.findings[0]?.message,
      `Could not check the token this agent uses for gitlab.corp.test (~/.netrc machine gitlab.corp.test): ${host(failing.url)} answered HTTP 500. Whether it still works and when it expires are unknown; check that ${failing.url}/api/v4 is gitlab.corp.test's GitLab API (preflight.credentialHosts) and whether gitlab.corp.test is having trouble.`,
    );
    assert.equal(
      s.findings[1]?.message,
      `Could not check the token this agent uses for ghe.corp.test (~/.netrc machine ghe.corp.test): ${host(closed)} refused the connection. Whether it still works and when it expires are unknown; check that this agent reaches ${closed} on go's route (DNS, HTTPS_PROXY/NO_PROXY, firewall) and trusts its certificate (system roots, SSL_CERT_FILE).`,
    );
    assert.equal(
      s.summary,
      `gitlab.corp.test: could not check (${host(failing.url)} answered HTTP 500) · ghe.corp.test: could not check (${host(closed)} refused the connection)`,
    );
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
