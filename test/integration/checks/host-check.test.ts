import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { checkHost, readGoEnvironment, snapshotEnvironment, type HostCheckOptions } from '../../../src/checks/host-check.ts';
import { runCommand } from '../../../src/exec/run-command.ts';
import type { CheckResult } from '../../../src/report/model.ts';

const RELAXED = { minFreePercent: 0, minFreeBytes: 0, minFreeInodesPercent: 0 };

function find(results: CheckResult[], id: string): CheckResult {
  const r = results.find((x) => x.id === id);
  assert.ok(r, `no ${id} in ${results.map((x) => x.id).join(', ')}`);
  return r;
}

describe('readGoEnvironment', () => {
  it('reads the version and go env of the real /usr/bin/go', async () => {
    const info = await readGoEnvironment({ goBinary: '/usr/bin/go', timeoutMs: 30_000 });
    const line = (await runCommand(['/usr/bin/go', 'version'], { timeoutMs: 30_000 })).stdout.trim();
    assert.equal(info.missing, false);
    assert.equal(info.versionLine, line);
    // Debian 12's golang-go is 1.19.x; the parse must match whatever is installed.
    assert.match(info.version ?? '', /^1\.\d+(\.\d+)?$/);
    assert.ok(line.includes(`go${info.version}`));
    assert.ok(info.env?.GOROOT, 'go env -json parsed');
    assert.ok(info.env?.GOMODCACHE);
  });

  it('reports a missing go without throwing', async () => {
    const info = await readGoEnvironment({ goBinary: '/nonexistent/bin/go' });
    assert.equal(info.missing, true);
    assert.equal(info.version, undefined);
    assert.match(info.error ?? '', /not found/);
  });
});

describe('checkHost', () => {
  let root: string;
  let home: string;
  let workspace: string;
  const base = (): HostCheckOptions => ({
    workspaceDir: workspace,
    thresholds: RELAXED,
    goEnv: {},
    privateHosts: [],
    homeDir: home,
    timeoutMs: 30_000,
    goBinary: '/usr/bin/go',
  });

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'buildfix-host-'));
    home = join(root, 'home');
    workspace = join(root, 'ws');
    await mkdir(home);
    await mkdir(workspace);
  });
  after(() => rm(root, { recursive: true, force: true }));

  it('passes with relaxed thresholds and reports the go version', async () => {
    const results = await checkHost({ ...base(), goModCache: join(root, 'cache', 'not', 'yet') });
    const go = find(results, 'host:go');
    assert.equal(go.status, 'pass');
    assert.match(go.detail ?? '', /go version go1\.\d+/);
    const disks = results.filter((r) => r.id.startsWith('disk:'));
    assert.equal(disks.length, 1, 'workspace and a not-yet-created cache on one volume are measured once');
    assert.equal(disks[0]?.status, 'pass');
    assert.match(disks[0]?.detail ?? '', /% free \(.+ of .+\).*workspace .*module cache .*cache\/not\/yet/);
  });

  it('trips the free-space and inode thresholds at 100%', async () => {
    const results = await checkHost({ ...base(), thresholds: { minFreePercent: 100, minFreeBytes: 0, minFreeInodesPercent: 100 } });
    const disk = results.find((r) => r.id.startsWith('disk:'));
    assert.equal(disk?.status, 'fail');
    const bytes = disk?.findings.find((f) => /is free on/.test(f.message));
    assert.equal(bytes?.category, 'disk-full');
    assert.equal(bytes?.severity, 'error');
    assert.match(bytes?.evidence ?? '', /thresholds 100%/);
    const inodes = disk?.findings.find((f) => /inodes/.test(f.message));
    // Some filesystems (btrfs) report no inode counts; where they do, 100% must trip.
    if (/inodes \d/.test(disk?.detail ?? '')) assert.equal(inodes?.category, 'disk-full');
  });

  it('trips the byte threshold', async () => {
    const results = await checkHost({ ...base(), thresholds: { minFreePercent: 0, minFreeBytes: Number.MAX_SAFE_INTEGER, minFreeInodesPercent: 0 } });
    assert.equal(results.find((r) => r.id.startsWith('disk:'))?.findings[0]?.category, 'disk-full');
  });

  it('reports a missing go as a finding, not a crash', async () => {
    const results = await checkHost({ ...base(), goBinary: '/nonexistent/bin/go' });
    const go = find(results, 'host:go');
    assert.equal(go.status, 'fail');
    assert.equal(go.findings[0]?.category, 'host-environment');
    assert.match(go.findings[0]?.message ?? '', /go is not installed/);
  });

  it('reports go refusing to run (bad GOFLAGS) and still reads the version', async () => {
    const results = await checkHost({ ...base(), goEnv: { GOFLAGS: '-mod vendor' } });
    const go = find(results, 'host:go');
    assert.equal(go.status, 'fail');
    assert.equal(go.findings[0]?.category, 'host-environment');
    assert.match(go.findings[0]?.message ?? '', /non-flag "vendor"/);
    assert.match(go.detail ?? '', /go version go1\.\d+/);
  });

  it('reads .netrc presence for private hosts without leaking login or password', async () => {
    await writeFile(join(home, '.netrc'), 'machine git.corp.example\n  login ci-bot-user\n  password SuperSecret-123\n', { mode: 0o600 });
    const results = await checkHost({ ...base(), privateHosts: ['git.corp.example', 'git.other.example'] });
    const ok = find(results, 'git-credentials:git.corp.example');
    assert.equal(ok.status, 'pass');
    assert.match(ok.detail ?? '', /netrc: present/);
    const missing = find(results, 'git-credentials:git.other.example');
    assert.equal(missing.status, 'fail');
    assert.equal(missing.findings[0]?.category, 'git-credentials');
    assert.match(missing.findings[0]?.message ?? '', /No git credentials for the private host git\.other\.example/);
    const json = JSON.stringify(results);
    assert.ok(!json.includes('SuperSecret-123'), 'password leaked');
    assert.ok(!json.includes('ci-bot-user'), 'login leaked');
    await rm(join(home, '.netrc'));
  });

  it('finds host-specific helpers, ssh rewrites and tokens in insteadOf without printing them', async () => {
    const git = (args: string[]) => runCommand(['git', 'config', '--global', ...args], { env: { HOME: home, XDG_CONFIG_HOME: join(home, '.config') } });
    await git(['credential.https://git.helper.example.helper', 'store']);
    await git(['url.git@git.ssh.example:.insteadOf', 'https://git.ssh.example/']);
    await git(['url.https://oauth2:tok-INSTEADOF-999@git.tok.example/.insteadOf', 'https://git.tok.example/']);
    await mkdir(join(home, '.ssh'), { recursive: true });
    await writeFile(join(home, '.ssh', 'id_ed25519'), 'not a real key\n', { mode: 0o600 });
    const results = await checkHost({ ...base(), privateHosts: ['git.helper.example', 'git.ssh.example', 'git.tok.example'] });
    assert.match(find(results, 'git-credentials:git.helper.example').detail ?? '', /host helper: store/);
    assert.equal(find(results, 'git-credentials:git.helper.example').status, 'pass');
    assert.match(find(results, 'git-credentials:git.ssh.example').detail ?? '', /insteadOf → ssh \(ssh keys present\)/);
    assert.equal(find(results, 'git-credentials:git.ssh.example').status, 'pass');
    assert.match(find(results, 'git-credentials:git.tok.example').detail ?? '', /insteadOf with embedded credentials/);
    assert.ok(!JSON.stringify(results).includes('tok-INSTEADOF-999'));
  });

  it('checks ~/.git-credentials for the store helper and never shows inline helper scripts', async () => {
    const git = (args: string[]) => runCommand(['git', 'config', '--global', ...args], { env: { HOME: home, XDG_CONFIG_HOME: join(home, '.config') } });
    await git(['--add', 'credential.helper', 'store']);
    await git(['--add', 'credential.helper', '!f() { echo password=InlineSecret-42; }; f']);
    await writeFile(join(home, '.git-credentials'), 'https://ci:glpat-STORED-777@git.stored.example\n', { mode: 0o600 });
    const results = await checkHost({ ...base(), privateHosts: ['git.stored.example', 'git.unknown.example'] });
    assert.equal(find(results, 'git-credentials:git.stored.example').status, 'pass');
    const unknown = find(results, 'git-credentials:git.unknown.example');
    assert.equal(unknown.status, 'warn', 'a global helper may or may not hold the host');
    assert.match(unknown.detail ?? '', /helper: store, custom shell helper \(global\)/);
    const json = JSON.stringify(results);
    for (const secret of ['InlineSecret-42', 'glpat-STORED-777']) assert.ok(!json.includes(secret), secret);
  });
});

describe('snapshotEnvironment', () => {
  it('captures the go version and the go/proxy variables with secrets masked', async () => {
    const snap = await snapshotEnvironment(
      {
        GOPROXY: 'https://deploy:art-TOKEN-1@artifactory.corp.example/api/go/go,direct',
        HTTPS_PROXY: 'http://bob:hunter2@proxy.corp.example:3128',
        NO_PROXY: 'localhost,.corp.example',
        GOFLAGS: '-mod=mod',
        GOMODCACHE: '/cache',
      },
      { goBinary: '/usr/bin/go' },
    );
    assert.match(snap.goVersion ?? '', /^1\.\d+/);
    assert.ok(snap.host.length > 0);
    assert.deepEqual(snap.variables, {
      GOPROXY: 'https://deploy:***@artifactory.corp.example/api/go/go,direct',
      GOFLAGS: '-mod=mod',
      HTTPS_PROXY: 'http://bob:***@proxy.corp.example:3128',
      NO_PROXY: 'localhost,.corp.example',
    });
  });
});
