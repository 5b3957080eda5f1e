/**
 * `buildfix diagnose <repo> --log <file>`: the failed build's log and the live diagnosis in one answer, with no
 * Slack, Redis or Jenkins. The real CLI process against a GOPROXY fake on 127.0.0.1.
 *
 * The log is the company mirror's 404 for a public module, which leaves two causes open (the mirror failing, or a
 * version that does not exist). The diagnosis asks the proxy the project is configured with: a version it does not
 * have settles it as missing; a version it serves means the log's failure does not reproduce now.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startGoProxyFake, type GoProxyFake } from '../../fakes/goproxy-server.ts';
import { runCli } from '../../helpers/run-cli.ts';

const MIRROR_404 = [
  '+ go mod download',
  'go: downloading github.com/acme/ledger v1.9.9',
  'go: github.com/acme/ledger@v1.9.9: reading https://goproxy.corp.example/github.com/acme/ledger/@v/v1.9.9.info: 404 Not Found',
  'ERROR: script returned exit code 1',
  '',
].join('\n');

describe('diagnose --log: the build log and the live diagnosis, one answer', () => {
  let fake: GoProxyFake;
  let work: string;
  let env: Record<string, string>;
  let logFile: string;

  before(async () => {
    fake = await startGoProxyFake({
      modules: [
        { path: 'github.com/acme/ledger', versions: [{ version: 'v1.9.8' }, { version: 'v1.9.9', fail: { status: 404 } }] },
        { path: 'github.com/acme/billing', versions: [{ version: 'v1.4.1' }] },
      ],
    });
    work = await mkdtemp(join(tmpdir(), 'buildfix-diagnose-log-'));
    env = { GOPROXY: fake.url, GOSUMDB: 'off', GOFLAGS: '-mod=mod', GONOSUMDB: '', GOPRIVATE: '', HOME: join(work, 'home') };
    await mkdir(env.HOME as string, { recursive: true });
    logFile = join(work, 'build-4812.log');
    await writeFile(logFile, MIRROR_404);
  });
  after(async () => {
    await fake.close();
    await rm(work, { recursive: true, force: true });
  });

  async function project(name: string, require: string): Promise<string> {
    const dir = join(work, name);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'go.mod'), `module example.com/${name}\n\ngo 1.19\n\nrequire ${require}\n`);
    return dir;
  }

  it('the version is missing on the proxy too: the diagnosis settles the log’s open question', async () => {
    const dir = await project('ledger-app', 'github.com/acme/ledger v1.9.9');
    const run = await runCli(['diagnose', dir, '--log', logFile, '--skip', 'host,probe'], env);
    assert.equal(run.exitCode, 1, run.stderr);
    assert.match(run.stdout, /The failed build's log:\nRoot cause: proxy-server-error \(or version-not-found\)/);
    assert.match(run.stdout, /line 3: go: github\.com\/acme\/ledger@v1\.9\.9: reading https:\/\/goproxy\.corp\.example/);
    assert.match(
      run.stdout,
      /\nThe live diagnosis on \S+ settles what the log left open: root cause version-not-found, not proxy-server-error\. github\.com\/acme\/ledger v1\.9\.9 does not exist/,
    );
  });

  it('--json: the report, the log’s classification and the settlement in one document', async () => {
    const dir = await project('ledger-json', 'github.com/acme/ledger v1.9.9');
    const run = await runCli(['diagnose', dir, '--log', logFile, '--json', '--skip', 'host,probe'], env);
    assert.equal(run.exitCode, 1, run.stderr);
    const doc = JSON.parse(run.stdout.trim()) as {
      ok: boolean;
      findings: Array<{ category: string }>;
      log: { source: string; category: string; evidenceLines: number[]; candidates?: Array<{ category: string }> };
      settlement: { category: string; basis: string; logSaid?: string; sentence?: string };
    };
    assert.equal(doc.ok, false);
    assert.equal(doc.findings[0]?.category, 'version-not-found');
    assert.equal(doc.log.source, logFile);
    assert.equal(doc.log.category, 'proxy-server-error');
    assert.deepEqual(doc.log.evidenceLines, [3]);
    assert.deepEqual(
      doc.log.candidates?.map((c) => c.category),
      ['proxy-server-error', 'version-not-found'],
    );
    assert.deepEqual([doc.settlement.category, doc.settlement.basis, doc.settlement.logSaid], ['version-not-found', 'live', 'proxy-server-error']);
    assert.match(doc.settlement.sentence ?? '', /^The live diagnosis on \S+ settles what the log left open/);
  });

  it('the proxy serves what the log failed on: no problem now, the log’s causes kept, exit 0', async () => {
    const billingLog = join(work, 'billing.log');
    await writeFile(billingLog, MIRROR_404.replaceAll('ledger', 'billing').replaceAll('v1.9.9', 'v1.4.1'));
    const dir = await project('billing-app', 'github.com/acme/billing v1.4.1');
    const run = await runCli(['diagnose', dir, '--log', billingLog, '--skip', 'host,probe'], env);
    assert.equal(run.exitCode, 0, run.stdout + run.stderr);
    assert.match(
      run.stdout,
      /\nThe live diagnosis on \S+ finds no problem now: the log's proxy-server-error \(or version-not-found\) may have passed \(a retried build tells\)\.$/,
    );
  });

  it('a log that is missing, empty or binary stops before any request (exit 2, BF_INPUT), --json included', async () => {
    const dir = await project('untouched', 'github.com/acme/ledger v1.9.9');
    const before = fake.requests.length;
    const missing = await runCli(['diagnose', dir, '--log', join(work, 'nope.log')], env);
    assert.equal(missing.exitCode, 2);
    assert.match(missing.stderr, /nope\.log: no such file/);
    const empty = join(work, 'empty.log');
    await writeFile(empty, '');
    const emptyRun = await runCli(['diagnose', dir, '--log', empty, '--json'], env);
    assert.equal(emptyRun.exitCode, 2);
    const doc = JSON.parse(emptyRun.stdout.trim()) as { ok: boolean; error: { code: string }; target: string };
    assert.deepEqual([doc.ok, doc.error.code, doc.target], [false, 'BF_INPUT', dir]);
    const binary = join(work, 'core.bin');
    await writeFile(binary, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0, 0, 1, 2, 3, 0, 0, 0]));
    assert.equal((await runCli(['diagnose', dir, '--log', binary], env)).exitCode, 2);
    assert.equal(fake.requests.length, before, 'no request reached the proxy');
  });

  it('reads the log from standard input with --log -', async () => {
    const dir = await project('ledger-stdin', 'github.com/acme/ledger v1.9.9');
    const run = await runCli(['diagnose', dir, '--log', '-', '--skip', 'host,probe'], env, { input: MIRROR_404 });
    assert.equal(run.exitCode, 1, run.stderr);
    assert.match(
      run.stdout,
      /Root cause: proxy-server-error \(or version-not-found\) — github\.com\/acme\/ledger v1\.9\.9 {2}\(confidence 60%, standard input\)/,
    );
    assert.match(run.stdout, /settles what the log left open: root cause version-not-found/);
  });
});
