/**
 * `buildfix diagnose --json` prints exactly one JSON document on stdout for
 * every outcome: a healthy project (exit 0), findings (exit 1) and a diagnosis
 * that could not run (exit 2: bad target, bad config, bad arguments).
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startGoProxyFake, type GoProxyFake } from '../../fakes/goproxy-server.ts';
import { runCli, type CliRun } from '../../helpers/run-cli.ts';

interface JsonDoc {
  ok: boolean;
  error?: { code: string; message: string };
  target: string | null;
  findings: Array<{ category: string; severity: string; location?: string }>;
  checks: unknown[];
  facts: Record<string, unknown>;
}

/** stdout is one JSON document and nothing else. */
function oneDocument(run: CliRun): JsonDoc {
  const text = run.stdout.trim();
  assert.ok(text.startsWith('{') && text.endsWith('}'), `one JSON object on stdout, got:\n${run.stdout}\nstderr:\n${run.stderr}`);
  assert.equal(text.split('\n').length, 1, 'a single line');
  const doc = JSON.parse(text) as JsonDoc;
  for (const key of ['ok', 'target', 'findings', 'checks', 'facts']) assert.ok(key in doc, `key ${key}`);
  return doc;
}

describe('diagnose --json: one document for every outcome', () => {
  let fake: GoProxyFake;
  let work: string;
  let env: Record<string, string>;

  before(async () => {
    fake = await startGoProxyFake({ modules: [{ path: 'example.com/lib', versions: [{ version: 'v1.0.0' }] }] });
    work = await mkdtemp(join(tmpdir(), 'buildfix-json-'));
    env = { GOPROXY: fake.url, GOSUMDB: 'off', GOFLAGS: '-mod=mod', GONOSUMDB: '', GOPRIVATE: '', HOME: join(work, 'home') };
    await mkdir(env.HOME as string, { recursive: true });
  });
  after(async () => {
    await fake.close();
    await rm(work, { recursive: true, force: true });
  });

  async function project(name: string, goMod: string): Promise<string> {
    const dir = join(work, name);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'go.mod'), goMod);
    return dir;
  }

  it('ok: exit 0, ok true, no error', async () => {
    const dir = await project('ok', 'module example.com/app\n\ngo 1.19\n\nrequire example.com/lib v1.0.0\n');
    const run = await runCli(['diagnose', dir, '--json', '--skip', 'host,probe'], env);
    const doc = oneDocument(run);
    assert.equal(run.exitCode, 0, run.stderr);
    assert.equal(doc.ok, true);
    assert.equal(doc.error, undefined);
  });

  it('findings: exit 1, ok false, the finding first', async () => {
    const dir = await project('missing', 'module example.com/app\n\ngo 1.19\n\nrequire example.com/lib v1.2.0\n');
    const run = await runCli(['diagnose', dir, '--json', '--skip', 'host,probe'], env);
    const doc = oneDocument(run);
    assert.equal(run.exitCode, 1);
    assert.equal(doc.ok, false);
    assert.equal(doc.error, undefined);
    assert.equal(doc.findings[0]?.category, 'version-not-found');
  });

  it('error: a target that does not exist: exit 2 with error.code and message', async () => {
    const run = await runCli(['diagnose', join(work, 'nope'), '--json'], env);
    const doc = oneDocument(run);
    assert.equal(run.exitCode, 2);
    assert.equal(doc.ok, false);
    assert.equal(doc.error?.code, 'BF_TARGET');
    assert.match(doc.error?.message ?? '', /nope/);
    assert.equal(doc.target, join(work, 'nope'));
    assert.deepEqual(doc.findings, []);
  });

  it('error: a bad config file: exit 2 with BF_CONFIG', async () => {
    const dir = await project('cfg', 'module example.com/app\n\ngo 1.19\n');
    const config = join(work, 'bad.yaml');
    await writeFile(config, 'concurrency: lots\nnoSuchKey: 1\n');
    const run = await runCli(['diagnose', dir, '--json'], { ...env, BUILDFIX_CONFIG: config });
    const doc = oneDocument(run);
    assert.equal(run.exitCode, 2);
    assert.equal(doc.error?.code, 'BF_CONFIG');
    assert.match(doc.error?.message ?? '', /concurrency/);
  });

  it('error: bad arguments: exit 2 with BF_USAGE', async () => {
    const run = await runCli(['diagnose', work, '--json', '--skip', 'everything'], env);
    const doc = oneDocument(run);
    assert.equal(run.exitCode, 2);
    assert.equal(doc.error?.code, 'BF_USAGE');
  });

  it('explain --json: a missing log file is one JSON document too (exit 2)', async () => {
    const run = await runCli(['explain', join(work, 'no-such.log'), '--json'], env);
    assert.equal(run.exitCode, 2);
    const doc = JSON.parse(run.stdout.trim()) as { ok: boolean; error?: { code: string; message: string } };
    assert.equal(run.stdout.trim().split('\n').length, 1);
    assert.equal(doc.ok, false);
    assert.equal(doc.error?.code, 'BF_INPUT');
    assert.match(doc.error?.message ?? '', /no such file/);
  });
});
