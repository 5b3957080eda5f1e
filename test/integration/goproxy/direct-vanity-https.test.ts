/**
 * A private vanity server over HTTPS, as go meets it: go checks its
 * certificate (trusted here through SSL_CERT_FILE, a CA made at test time)
 * and sends the agent's ~/.netrc credentials with the go-get request. The
 * real go 1.19 is the oracle: without the .netrc entry the page answers 401
 * and both fail (vanity-import); with it both succeed; with a certificate
 * the agent does not trust both fail (vanity-import, TLS).
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { diagnose } from '../../../src/engine/diagnose.ts';
import { runCommand } from '../../../src/exec/run-command.ts';
import { GoProxyClient } from '../../../src/goproxy/goproxy-client.ts';
import type { DiagnosisReport, Finding } from '../../../src/report/model.ts';
import { startGitHttpServer, type GitHttpServer } from '../../fakes/git-http-server.ts';
import { createGitRepo, startGoProxyFake, type GoProxyFake } from '../../fakes/goproxy-server.ts';
import { createTestCa, issueCertificate, type TestCa } from '../../fakes/tls-server.ts';
import { startVanityServer, type VanityServer } from '../../fakes/vanity-server.ts';

const THRESHOLDS = { minFreePercent: 0, minFreeBytes: 0, minFreeInodesPercent: 0 };
// go-get URLs carry no port: the vanity server takes 443 on an address of its own.
const V = `127.${100 + Math.floor(Math.random() * 100)}.${Math.floor(Math.random() * 250) + 1}.${Math.floor(Math.random() * 250) + 1}`;

describe('private vanity server over https (.netrc, certificates) against go', () => {
  let work: string;
  let ca: TestCa;
  let git: GitHttpServer;
  let gitTls: GitHttpServer;
  let vanity: VanityServer;
  let proxy: GoProxyFake;

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'buildfix-vanity-https-'));
    const repos = join(work, 'repos');
    await createGitRepo(repos, 'lib', { 'v1.0.0': { 'go.mod': `module ${V}/lib\n\ngo 1.19\n`, 'lib.go': 'package lib\n' } });
    await createGitRepo(repos, 'tlslib', { 'v1.0.0': { 'go.mod': `module ${V}/tlslib\n\ngo 1.19\n`, 'lib.go': 'package tlslib\n' } });
    await createGitRepo(repos, 'old', { 'v1.0.0': { 'go.mod': `module ${V}/old\n\ngo 1.19\n`, 'old.go': 'package old\n' } });
    git = await startGitHttpServer({ root: repos });
    ca = await createTestCa({ commonName: 'Vanity Test CA', organization: 'buildfix tests' });
    const leaf = await issueCertificate(ca, [V]);
    const gitLeaf = await issueCertificate(ca, ['127.0.0.1']);
    gitTls = await startGitHttpServer({ root: repos, tls: { key: gitLeaf.keyPem, cert: gitLeaf.certPem } });
    vanity = await startVanityServer({
      host: V,
      port: 443,
      tls: { key: leaf.keyPem, cert: leaf.certPem },
      auth: { user: 'ci-bot', pass: 'vanity-token' },
      imports: [
        { prefix: `${V}/lib`, vcs: 'git', repo: `${git.url}/lib.git` },
        { prefix: `${V}/tlslib`, vcs: 'git', repo: `${gitTls.url}/tlslib.git` },
        { prefix: `${V}/old`, vcs: 'git', repo: `${git.url}/old.git` },
      ],
      rules: [
        { path: '/old', redirectTo: `https://${V}/landing/old?go-get=1` },
        { path: '/landing/old', metaFor: `${V}/old` },
      ],
    });
    proxy = await startGoProxyFake({ modules: [] });
  });
  after(async () => {
    await vanity.close();
    await git.close();
    await gitTls.close();
    await proxy.close();
    await ca.dispose();
    await rm(work, { recursive: true, force: true });
  });

  async function both(
    netrc: string | undefined,
    trustCa: boolean,
    module = `${V}/lib`,
    gitconfig?: string,
    extraEnv: Record<string, string> = {},
  ): Promise<{ go: { exitCode: number; stderr: string }; errors: Finding[]; report: DiagnosisReport }> {
    const dir = await mkdtemp(join(work, 'app-'));
    const home = join(dir, 'home');
    await runCommand(['mkdir', '-p', home]);
    if (netrc) await writeFile(join(home, '.netrc'), netrc, { mode: 0o600 });
    if (gitconfig) await writeFile(join(home, '.gitconfig'), gitconfig);
    await writeFile(join(dir, 'go.mod'), `module example.com/app\n\ngo 1.19\n\nrequire ${module} v1.0.0\n`);
    const goEnv = { GOPROXY: proxy.url, GOPRIVATE: V, GOFLAGS: '-mod=mod', ...extraEnv };
    const go = await runCommand(['go', 'mod', 'download'], {
      cwd: dir,
      reject: false,
      timeoutMs: 30_000,
      env: {
        ...goEnv,
        HOME: home,
        GOMODCACHE: join(dir, 'mc'),
        GIT_CONFIG_NOSYSTEM: '1',
        ...(trustCa ? { SSL_CERT_FILE: ca.certPath } : { SSL_CERT_FILE: join(dir, 'no-ca.pem') }),
      },
    });
    const client = new GoProxyClient({ timeoutMs: 5_000, ...(trustCa ? { ca: ca.certPem } : {}) });
    try {
      const report = await diagnose(dir, {
        config: { repoUrlTemplate: 'https://github.com/{repo}.git', repos: {}, thresholds: THRESHOLDS, concurrency: 4, requestTimeoutMs: 5_000 },
        goEnv,
        host: 'test',
        parts: { probe: false, lint: false, host: false, toolchain: false },
        processEnv: { HOME: home, GIT_CONFIG_NOSYSTEM: '1' },
        client,
      });
      return { go, report, errors: report.findings.filter((f) => f.severity === 'error') };
    } finally {
      await client.close();
    }
  }

  it('without a .netrc entry the page answers 401: both fail, vanity-import', async () => {
    const r = await both(undefined, true);
    assert.match(r.go.stderr, /unrecognized import path .*401 Unauthorized/);
    assert.equal(r.errors[0]?.category, 'vanity-import', JSON.stringify(r.errors));
    assert.match(r.errors[0]?.message ?? '', /reading https:\/\/\S+\/lib\?go-get=1: 401 Unauthorized/);
  });

  it('with the .netrc entry go sends, both succeed; the token never reaches the report', async () => {
    const r = await both(`machine ${V} login ci-bot password vanity-token\n`, true);
    assert.equal(r.go.exitCode, 0, r.go.stderr);
    assert.deepEqual(r.errors, []);
    assert.ok(!JSON.stringify(r.report).includes('vanity-token'));
  });

  it('a certificate the agent does not trust: both fail, vanity-import with the TLS fix', async () => {
    const r = await both(`machine ${V} login ci-bot password vanity-token\n`, false);
    assert.match(r.go.stderr, /x509: certificate signed by unknown authority/);
    assert.equal(r.errors[0]?.category, 'vanity-import', JSON.stringify(r.errors));
    assert.match(r.errors[0]?.fix ?? '', /certificate/);
  });

  it("git over https with the corporate CA: trusted through the agent's .gitconfig both succeed, untrusted both fail (tls-interception)", async () => {
    const netrc = `machine ${V} login ci-bot password vanity-token\n`;
    const trusted = await both(netrc, true, `${V}/tlslib`, `[http]\n\tsslCAInfo = ${ca.certPath}\n`);
    assert.equal(trusted.go.exitCode, 0, trusted.go.stderr);
    assert.deepEqual(trusted.errors, []);
    const untrusted = await both(netrc, true, `${V}/tlslib`);
    assert.match(untrusted.go.stderr, /SSL certificate problem|server certificate verification failed/);
    assert.equal(untrusted.errors[0]?.category, 'tls-interception', JSON.stringify(untrusted.errors));
    assert.match(untrusted.errors[0]?.fix ?? '', /sslCAInfo/);
  });

  it('GOINSECURE: go reads the https page without checking its certificate (following redirects), and so does buildfix', async () => {
    const r = await both(`machine ${V} login ci-bot password vanity-token\n`, false, `${V}/lib`, undefined, { GOINSECURE: V });
    assert.equal(r.go.exitCode, 0, r.go.stderr);
    assert.deepEqual(r.errors, []);
    const moved = await both(`machine ${V} login ci-bot password vanity-token\n`, false, `${V}/old`, undefined, { GOINSECURE: V });
    assert.equal(moved.go.exitCode, 0, moved.go.stderr);
    assert.deepEqual(moved.errors, []);
    assert.ok(vanity.seen.some((l) => l.startsWith('GET /landing/old?go-get=1')));
  });
});
