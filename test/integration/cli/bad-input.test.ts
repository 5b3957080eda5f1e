/** Bad input to the CLI: one clear line on stderr, exit 2, no stack trace unless --debug. */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../../helpers/run-cli.ts';

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

function assertOneCleanLine(stderr: string, pattern: RegExp): void {
  const lines = stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line on stderr, got:\n${stderr}`);
  assert.match(lines[0] ?? '', pattern);
  assert.doesNotMatch(stderr, /\n\s+at |\.ts:\d+:\d+/, 'no stack trace');
}

describe('buildfix CLI bad input', () => {
  let work: string;
  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'buildfix-bad-'));
  });
  after(async () => rm(work, { recursive: true, force: true }));

  it('diagnose: missing path', async () => {
    const r = await runCli(['diagnose', join(work, 'nope')]);
    assert.equal(r.exitCode, 2);
    assertOneCleanLine(r.stderr, /^buildfix: .*nope: no such directory$/);
    assert.equal(r.stdout, '');
  });

  it('diagnose: a repository without go.mod', async () => {
    await mkdir(join(work, 'empty'));
    const r = await runCli(['diagnose', join(work, 'empty')]);
    assert.equal(r.exitCode, 2);
    assertOneCleanLine(r.stderr, /no go\.mod here/);
  });

  it('diagnose: an unparsable go.mod is the root cause, at file:line (go fails on it too)', async () => {
    await mkdir(join(work, 'broken'));
    await writeFile(join(work, 'broken', 'go.mod'), 'module example.com/x\n\ngo 1.19\n\nrequire example.com/y\n');
    const r = await runCli(['diagnose', join(work, 'broken'), '--json', '--skip', 'host,probe'], { GOPROXY: 'off' });
    assert.equal(r.exitCode, 1, r.stderr);
    const report = r.json<{ ok: boolean; findings: Array<{ category: string; location?: string; evidence?: string }> }>();
    assert.equal(report.findings[0]?.category, 'invalid-go-mod');
    assert.equal(report.findings[0]?.location, 'go.mod:5');
    assert.match(report.findings[0]?.evidence ?? '', /^go: errors parsing go\.mod:\ngo\.mod:5: /);
  });

  it('diagnose: an unreachable git URL', async () => {
    const port = await closedPort();
    const r = await runCli(['diagnose', `http://127.0.0.1:${port}/acme/payments.git`]);
    assert.equal(r.exitCode, 2);
    assertOneCleanLine(r.stderr, /^buildfix: cannot clone http:\/\/127\.0\.0\.1:\d+\/acme\/payments\.git/);
  });

  it('diagnose: a name that is neither a path, URL nor configured repo lists the configured ones', async () => {
    const cfg = join(work, 'buildfix.yaml');
    await writeFile(cfg, 'repos:\n  payments:\n    url: /srv/payments\n');
    const r = await runCli(['diagnose', 'paymnts'], { BUILDFIX_CONFIG: cfg });
    assert.equal(r.exitCode, 2);
    assertOneCleanLine(r.stderr, /configured repos: payments/);
  });

  it('explain: a binary file', async () => {
    const bin = join(work, 'core.bin');
    await writeFile(bin, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0, 1, 2, 3, 0, 0, 0xff, 0xfe]));
    const r = await runCli(['explain', bin]);
    assert.equal(r.exitCode, 2);
    assertOneCleanLine(r.stderr, /looks like a binary file/);
  });

  it('explain: an empty file', async () => {
    const empty = join(work, 'empty.log');
    await writeFile(empty, '\n\n');
    const r = await runCli(['explain', empty]);
    assert.equal(r.exitCode, 2);
    assertOneCleanLine(r.stderr, /empty\.log is empty/);
  });

  it('explain exit codes: 0 when a cause is found, 1 when none is known', async () => {
    const found = await runCli(
      ['explain', '-'],
      {},
      { input: 'go: example.com/x@v1.2.0: reading https://proxy.golang.org/example.com/x/@v/v1.2.0.mod: 404 Not Found\n' },
    );
    assert.equal(found.exitCode, 0, found.stderr);
    const unknown = await runCli(['explain', '-'], {}, { input: 'compiling widgets\nall good until the power went out\n' });
    assert.equal(unknown.exitCode, 1, unknown.stdout);
    assert.match(unknown.stdout, /No known cause/);
  });

  it('explain: a missing file', async () => {
    const r = await runCli(['explain', join(work, 'missing.log')]);
    assert.equal(r.exitCode, 2);
    assertOneCleanLine(r.stderr, /missing\.log: no such file/);
  });

  it('unknown options and commands are usage errors, exit 2', async () => {
    const r = await runCli(['diagnose', '.', '--jsn']);
    assert.equal(r.exitCode, 2);
    assert.match(r.stderr, /unknown option --jsn \(did you mean --json\?\)/);
    const u = await runCli(['diagnoze', '.']);
    assert.equal(u.exitCode, 2);
    assert.match(u.stderr, /unknown command "diagnoze": did you mean `buildfix diagnose`\?/);
    const far = await runCli(['--jsn']);
    assert.equal(far.exitCode, 2);
    assert.match(far.stderr, /unknown command "--jsn": run `buildfix --help`/);
  });

  it('a bad configuration lists every bad key in one message', async () => {
    const r = await runCli(['diagnose', '.'], { PORT: 'x', LOG_LEVEL: 'chatty' });
    assert.equal(r.exitCode, 2);
    assert.match(r.stderr, /PORT: must be a TCP port/);
    assert.match(r.stderr, /LOG_LEVEL: must be one of/);
  });

  it('--debug adds the stack trace', async () => {
    const r = await runCli(['diagnose', join(work, 'nope'), '--debug']);
    assert.equal(r.exitCode, 2);
    assert.match(r.stderr, /\n\s+at /);
  });
});
