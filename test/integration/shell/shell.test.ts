/** `buildfix shell` with piped stdin: the same router and engine, no Slack, no Redis. */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startGoProxyFake, type GoProxyFake } from '../../fakes/goproxy-server.ts';
import { runCli } from '../../helpers/run-cli.ts';

describe('buildfix shell (stdin not a TTY)', () => {
  let fake: GoProxyFake;
  let work: string;
  let env: Record<string, string>;
  before(async () => {
    fake = await startGoProxyFake({
      modules: [{ path: 'example.com/ledger', versions: [{ version: 'v1.9.8' }, { version: 'v1.9.9', fail: { status: 404 } }] }],
    });
    work = await mkdtemp(join(tmpdir(), 'buildfix-shell-'));
    await mkdir(join(work, 'payments'));
    await writeFile(join(work, 'payments', 'go.mod'), 'module example.com/payments\n\ngo 1.19\n\nrequire example.com/ledger v1.9.9\n');
    await writeFile(
      join(work, 'build.log'),
      'go: downloading example.com/ledger v1.9.9\ngo: example.com/ledger@v1.9.9: reading https://proxy.golang.org/example.com/ledger/@v/v1.9.9.info: 404 Not Found\n\tserver response: not found: example.com/ledger@v1.9.9: invalid version: unknown revision v1.9.9\n',
    );
    await writeFile(join(work, 'buildfix.yaml'), `repos:\n  payments:\n    url: ${join(work, 'payments')}\n`);
    env = { GOPROXY: fake.url, GOSUMDB: 'off', GOFLAGS: '-mod=mod', BUILDFIX_CONFIG: join(work, 'buildfix.yaml') };
  });
  after(async () => {
    await fake.close();
    await rm(work, { recursive: true, force: true });
  });

  it('runs a diagnosis by configured name and by path, streaming progress, and exits at end of input', async () => {
    const r = await runCli(['shell'], env, { input: `/buildfix diagnose payments\ndiagnose ${join(work, 'payments')}\n` });
    assert.equal(r.exitCode, 0, r.stderr);
    const reports = r.stdout.split('Root cause: version-not-found — example.com/ledger v1.9.9');
    assert.equal(reports.length, 3, r.stdout);
    assert.match(r.stdout, /⏳ diagnose payments — queued/);
    assert.match(r.stdout, /checking 1 modules/);
    assert.match(r.stdout, /Pin the last published version v1\.9\.8/);
  });

  it('explains a saved log, refuses unknown names with the known ones, and answers bad input with help', async () => {
    const r = await runCli(['shell'], env, { input: `explain ${join(work, 'build.log')}\ndiagnose paymnts\nrestart\nfrobnicate\n` });
    assert.equal(r.exitCode, 1, 'a piped shell exits 1 when a command failed');
    assert.match(r.stdout, /Root cause: version-not-found — example\.com\/ledger v1\.9\.9/);
    assert.match(r.stdout, /"paymnts" is not a configured repo, a path or a git URL\. Known repos: payments/);
    assert.match(r.stdout, /missing agent\nusage: \/buildfix restart <agent> \[--force\]/);
    assert.match(r.stdout, /unknown command "frobnicate"/);
  });

  it('asks before anything with side effects and does nothing on "no"', async () => {
    const r = await runCli(['shell'], env, { input: 'cache clear nosuchhost\ncache clear localhost-not-me\n' });
    assert.equal(r.exitCode, 1, r.stderr);
    assert.match(r.stdout, /no agents are configured; jobs run on this machine/);
    const host = hostname();
    const c = await runCli(['shell'], env, { input: `cache clear ${host}\nno\n` });
    assert.match(c.stdout, /Delete the whole Go module cache on .* \[y\/N\]/);
    assert.match(c.stdout, /Cancelled; nothing was done\./);
    assert.equal(c.exitCode, 0, 'answering no is not a failure');
    assert.doesNotMatch(c.stdout, /module cache cleared/);
  });
});
