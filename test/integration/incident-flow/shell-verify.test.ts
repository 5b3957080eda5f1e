/**
 * Verify after fix in `buildfix shell` (in memory, no Slack): `incident note
 * fixed …` re-runs the diagnosis that found the cause; while the module is
 * still missing it says the fix is not verified and the incident stays open;
 * once the tag is published the next `incident note fixed` verifies it and
 * points at `incident resolve`, whose report states how it was verified.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startGoProxyFake, type GoProxyFake } from '../../fakes/goproxy-server.ts';
import { BIN, NODE } from '../../helpers/run-cli.ts';

describe('verify after fix in buildfix shell', { timeout: 120_000 }, () => {
  let fake: GoProxyFake;
  let work: string;
  let shell: ChildProcessWithoutNullStreams | undefined;
  let out = '';

  before(async () => {
    fake = await startGoProxyFake({
      modules: [{ path: 'example.com/ledger', versions: [{ version: 'v1.9.8' }, { version: 'v1.9.9', fail: { status: 404 } }] }],
    });
    work = await mkdtemp(join(tmpdir(), 'buildfix-shell-verify-'));
    await mkdir(join(work, 'payments'));
    await writeFile(join(work, 'payments', 'go.mod'), 'module example.com/payments\n\ngo 1.19\n\nrequire example.com/ledger v1.9.9\n');
    await writeFile(join(work, 'buildfix.yaml'), `repos:\n  payments:\n    url: ${join(work, 'payments')}\nincidents:\n  autoOpen: true\n`);
  });

  after(async () => {
    if (shell && shell.exitCode === null) shell.kill('SIGTERM');
    await fake.close();
    await rm(work, { recursive: true, force: true });
  });

  /** Types a line, then waits until the output (after what was there) matches. */
  async function type(line: string, expect: RegExp, timeoutMs = 60_000): Promise<string> {
    const from = out.length;
    shell?.stdin.write(`${line}\n`);
    const deadline = Date.now() + timeoutMs;
    while (!expect.test(out.slice(from))) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${expect} after \`${line}\`; output:\n${out.slice(from)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return out.slice(from);
  }

  it('`incident note fixed` re-runs the diagnosis: not verified while the tag is missing, verified once it is published', async () => {
    shell = spawn(NODE, [BIN, 'shell'], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        LOG_LEVEL: 'warn',
        NO_COLOR: '1',
        GOPROXY: fake.url,
        GOSUMDB: 'off',
        GOFLAGS: '-mod=mod',
        BUILDFIX_CONFIG: join(work, 'buildfix.yaml'),
        BUILDFIX_LOG_FILE: join(work, 'shell.log'),
      },
    });
    shell.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    shell.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));

    await type('diagnose payments', /Incident #1 opened: payments: version-not-found example\.com\/ledger v1\.9\.9/);

    const first = await type('incident note fixed bumped the proxy', /The fix is not verified|Fix verified/);
    assert.match(first, /Noted in incident #1's timeline/);
    assert.match(first, /Verifying the fix \(incident note fixed bumped the proxy\): re-running `diagnose payments`/);
    assert.match(first, /The fix is not verified: the re-check `diagnose payments`.* still fails: version-not-found \(example\.com\/ledger v1\.9\.9\)/);
    assert.match(first, /Incident #1 stays open/);

    fake.setModule({ path: 'example.com/ledger', versions: [{ version: 'v1.9.8' }, { version: 'v1.9.9' }] });
    const second = await type('incident note fixed published the v1.9.9 tag', /Fix verified|The fix is not verified/);
    assert.match(second, /Fix verified: after incident note fixed published the v1\.9\.9 tag .*re-check `diagnose payments`.* passed/);
    assert.match(second, /`incident resolve` closes incident #1/);

    const log = await type('incident log', /timeline, \d+ entries:[\s\S]*verify {2}fix verified/);
    assert.match(log, /verify {2}verification #1 started/);
    assert.match(log, /verify {2}re-check `diagnose payments`.* still fails/);
    assert.match(log, /verify {2}verification #2 started/);
    assert.match(log, /verify {2}re-check `diagnose payments`.* passed/);

    const report = await type('incident resolve tag published', /Incident #1 resolved\. Its report:[\s\S]*Timeline/);
    assert.match(report, /Fix verification:?\s+Verified at \S+ — after incident note fixed published the v1\.9\.9 tag/);
    shell.stdin.end();
    // The shell's exit status says a command found a problem (the first diagnosis did); it leaves cleanly.
    const code = await new Promise<number | null>((r) => shell?.once('exit', r));
    assert.equal(code, 1);
  });
});
