/**
 * Verify after fix in `buildfix shell` (in memory, no Slack):
 *   - `incident note fixed …` re-runs the diagnosis that found the cause;
 *     while the module is still missing it says the fix is not verified and
 *     the incident stays open; once the tag is published the next
 *     `incident note fixed` verifies it and points at `incident resolve`,
 *     whose report states how it was verified;
 *   - against a configured Jenkins (the fake): a clean rebuild typed in the
 *     shell is the fix, its build is followed through the Jenkins API to
 *     SUCCESS and counted, the re-check passes: verified.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startGoProxyFake, type GoProxyFake } from '../../fakes/goproxy-server.ts';
import { startJenkinsFake, type JenkinsFake } from '../../fakes/jenkins-server.ts';
import { BIN, NODE } from '../../helpers/run-cli.ts';

const MISSING = { path: 'example.com/ledger', versions: [{ version: 'v1.9.8' }, { version: 'v1.9.9', fail: { status: 404 } }] };
const PUBLISHED = { path: 'example.com/ledger', versions: [{ version: 'v1.9.8' }, { version: 'v1.9.9' }] };

interface Shell {
  /** Types a line, then waits until the output after it matches. */
  type(line: string, expect: RegExp, timeoutMs?: number): Promise<string>;
  /** Ends the input and waits for the exit status. */
  end(): Promise<number | null>;
  kill(): void;
}

function startShell(env: Record<string, string>): Shell {
  let out = '';
  const child: ChildProcessWithoutNullStreams = spawn(NODE, [BIN, 'shell'], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'warn', NO_COLOR: '1', ...env },
  });
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
  return {
    async type(line, expect, timeoutMs = 60_000) {
      const from = out.length;
      child.stdin.write(`${line}\n`);
      const deadline = Date.now() + timeoutMs;
      while (!expect.test(out.slice(from))) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${expect} after \`${line}\`; output:\n${out.slice(from)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      return out.slice(from);
    },
    async end() {
      child.stdin.end();
      if (child.exitCode !== null) return child.exitCode;
      return new Promise((r) => child.once('exit', r));
    },
    kill() {
      if (child.exitCode === null) child.kill('SIGTERM');
    },
  };
}

describe('verify after fix in buildfix shell', { timeout: 180_000 }, () => {
  let fake: GoProxyFake;
  let jenkins: JenkinsFake;
  let work: string;
  const shells: Shell[] = [];

  before(async () => {
    fake = await startGoProxyFake({ modules: [MISSING] });
    jenkins = await startJenkinsFake({
      csrf: 'api-token-exempt',
      jobs: [{ name: 'payments/main', builds: [{ number: 41, result: 'FAILURE' }], plan: { result: 'SUCCESS', console: ['go mod download', 'ok'] } }],
    });
    work = await mkdtemp(join(tmpdir(), 'buildfix-shell-verify-'));
    await mkdir(join(work, 'payments'));
    await writeFile(join(work, 'payments', 'go.mod'), 'module example.com/payments\n\ngo 1.19\n\nrequire example.com/ledger v1.9.9\n');
    await writeFile(join(work, 'buildfix.yaml'), `repos:\n  payments:\n    url: ${join(work, 'payments')}\nincidents:\n  autoOpen: true\n`);
    await writeFile(
      join(work, 'jenkins.yaml'),
      `repos:\n  payments:\n    url: ${join(work, 'payments')}\n    job: payments/main\njobs:\n  payments/main: {}\nincidents:\n  autoOpen: true\n`,
    );
  });

  after(async () => {
    for (const s of shells) s.kill();
    await fake.close();
    await jenkins.close();
    await rm(work, { recursive: true, force: true });
  });

  const env = (config: string): Record<string, string> => ({
    GOPROXY: fake.url,
    GOSUMDB: 'off',
    GOFLAGS: '-mod=mod',
    BUILDFIX_CONFIG: join(work, config),
    BUILDFIX_LOG_FILE: join(work, 'shell.log'),
  });

  it('`incident note fixed` re-runs the diagnosis: not verified while the tag is missing, verified once it is published', async () => {
    fake.setModule(MISSING);
    const shell = startShell(env('buildfix.yaml'));
    shells.push(shell);
    await shell.type('diagnose payments', /Incident #1 opened: payments: version-not-found example\.com\/ledger v1\.9\.9/);

    const first = await shell.type('incident note fixed bumped the proxy', /The fix is not verified|Fix verified/);
    assert.match(first, /Noted in incident #1's timeline/);
    assert.match(first, /Verifying the fix \(incident note fixed bumped the proxy\): re-running `diagnose payments`/);
    assert.match(first, /The fix is not verified: the re-check `diagnose payments`.* still fails: version-not-found \(example\.com\/ledger v1\.9\.9\)/);
    assert.match(first, /Incident #1 stays open/);

    fake.setModule(PUBLISHED);
    const second = await shell.type('incident note fixed published the v1.9.9 tag', /Fix verified|The fix is not verified/);
    assert.match(second, /Fix verified: after incident note fixed published the v1\.9\.9 tag .*re-check `diagnose payments`.* passed/);
    assert.match(second, /`incident resolve` closes incident #1/);

    const log = await shell.type('incident log', /timeline, \d+ entries:[\s\S]*verify {2}fix verified/);
    assert.match(log, /verify {2}verification #1 started/);
    assert.match(log, /verify {2}re-check `diagnose payments`.* still fails/);
    assert.match(log, /verify {2}verification #2 started/);
    assert.match(log, /verify {2}re-check `diagnose payments`.* passed/);

    const report = await shell.type('incident resolve tag published', /Incident #1 resolved\. Its report:[\s\S]*Timeline[\s\S]*resolve/);
    assert.match(report, /Fix verification:?\s+Verified at \S+ — after incident note fixed published the v1\.9\.9 tag/);
    // The shell's exit status says a command found a problem (the first diagnosis did); it leaves cleanly.
    assert.equal(await shell.end(), 1);
  });

  it('with Jenkins: a clean rebuild typed in the shell is followed to SUCCESS and counted; with the re-check passing, verified', async () => {
    fake.setModule(MISSING);
    const shell = startShell({ ...env('jenkins.yaml'), JENKINS_URL: jenkins.url, JENKINS_USER: jenkins.user, JENKINS_API_TOKEN: jenkins.token });
    shells.push(shell);
    await shell.type('diagnose payments', /Incident #1 opened: payments: version-not-found/);
    fake.setModule(PUBLISHED);
    await shell.type('rebuild payments/main --clean', /\[y\/N\]/);
    const out = await shell.type('y', /Fix verified|The fix is not verified/, 90_000);
    assert.match(
      out,
      /Verifying the fix \(rebuild payments\/main --clean\): re-running `diagnose payments`.*, then waiting for 1 green build of payments\/main/,
    );
    assert.match(
      out,
      /Fix verified: after rebuild payments\/main --clean .*re-check `diagnose payments`.* passed .*payments\/main: 1 of 1 green build \(payments\/main #42 SUCCESS at .* \(followed through Jenkins\)\)/,
    );
    const log = await shell.type('incident log', /timeline, \d+ entries:[\s\S]*verify {2}fix verified/);
    assert.match(log, /verify {2}payments\/main #42 SUCCESS \(followed through Jenkins\): 1 of 1 green build/);
    await shell.end();
  });
});
