import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../../src/config/load-config.ts';
import { InProcessDispatcher } from '../../../src/jobs/in-process-dispatcher.ts';
import type { JobOutcome, JobProgress } from '../../../src/jobs/job-types.ts';
import { createLogger } from '../../../src/logger.ts';
import { createTempFiles, type TempFiles } from '../../helpers/jobs-harness.ts';

const logger = createLogger({ level: 'silent' });

describe('InProcessDispatcher', () => {
  let files: TempFiles;
  let dispatcher: InProcessDispatcher;

  before(async () => {
    files = await createTempFiles('inproc');
    const ok = await files.writeRestartScript('restart.sh');
    const configPath = await files.writeConfig({
      agents: { 'unit-host': { restart: [ok, '0'] }, 'other-host': { restart: [ok, '3'] } },
      repos: { fixture: { url: await files.writeGoRepo('repo') } },
    });
    dispatcher = new InProcessDispatcher({ config: loadConfig({ BUILDFIX_CONFIG: configPath, BUILDFIX_HOST: 'unit-host' }), logger, concurrency: 2 });
  });

  after(async () => {
    await dispatcher.close();
    await files.cleanup();
  });

  it('runs a job and reports progress, then a typed outcome', async () => {
    const events: JobProgress[] = [];
    const handle = await dispatcher.submit('noop', { delayMs: 30 }, { replyTo: { channel: 'C1' } });
    assert.equal(handle.deduplicated, false);
    assert.equal(handle.queue, 'buildfix-any');
    const outcome = await dispatcher.waitFor(handle.id, { timeoutMs: 5000, onProgress: (e) => events.push(e) });
    assert.ok(outcome.ok);
    assert.deepEqual(outcome.result, { sleptMs: 30 });
    assert.equal(outcome.host, 'unit-host');
    assert.equal(outcome.jobId, handle.id);
    assert.equal(outcome.attempts, 1);
    assert.ok(outcome.durationMs >= 25);
    assert.deepEqual(
      events.map((e) => [e.step, e.status]),
      [
        ['sleep', 'running'],
        ['sleep', 'pass'],
      ],
    );
    assert.equal(outcome.steps[0]?.step, 'sleep');
    const snap = await dispatcher.getJob(handle.id);
    assert.equal(snap?.state, 'completed');
    assert.deepEqual(snap?.replyTo, { channel: 'C1' });
  });

  it('delivers the last step and the outcome to a late subscriber, and a lost outcome for an unknown id', async () => {
    const handle = await dispatcher.submit('noop', { delayMs: 20 });
    await dispatcher.waitFor(handle.id);
    const steps: string[] = [];
    const late = await dispatcher.subscribe(handle.id, { onProgress: (e) => steps.push(e.step) }).outcome;
    assert.ok(late.ok);
    assert.deepEqual(steps, ['sleep'], 'the last step reported, as the BullMQ dispatcher gives it');
    const unknown = await dispatcher.subscribe('noop-0000000000000000').outcome;
    assert.equal(unknown.ok, false);
    assert.equal(!unknown.ok && unknown.error.code, 'BF_JOB_LOST');
  });

  it('runs the agent restart command and reports its output', async () => {
    const handle = await dispatcher.submit('restart-agent', { agent: 'unit-host', reason: 'test' });
    assert.equal(handle.host, 'unit-host');
    const outcome = await dispatcher.waitFor(handle.id, { timeoutMs: 10_000 });
    assert.ok(outcome.ok, JSON.stringify(outcome));
    const result = outcome.result as { exitCode: number; outputTail: string; agent: string };
    assert.equal(result.exitCode, 0);
    assert.equal(result.agent, 'unit-host');
    assert.match(result.outputTail, /restarting agent: 0/);
  });

  it('refuses other hosts and unknown agents before anything runs', async () => {
    await assert.rejects(dispatcher.submit('restart-agent', { agent: 'other-host' }), /no worker for "other-host"|not this host/);
    await assert.rejects(dispatcher.submit('restart-agent', { agent: 'ghost' }), (e: Error & { code?: string }) => e.code === 'BF_PERMISSION');
    await assert.rejects(dispatcher.submit('probe', {}, { host: 'elsewhere' }), /no worker for "elsewhere"/);
    await assert.rejects(dispatcher.submit('noop', { delayMs: -1 }), /delayMs/);
  });

  it('dedups the same job within its window', async () => {
    const a = await dispatcher.submit('env-snapshot', { repo: 'fixture' });
    const b = await dispatcher.submit('env-snapshot', { repo: 'fixture' });
    assert.equal(b.id, a.id);
    assert.equal(b.deduplicated, true);
    const c = await dispatcher.submit('env-snapshot', { repo: 'fixture' }, { dedup: false });
    assert.notEqual(c.id, a.id);
    const [oa, oc] = await Promise.all([dispatcher.waitFor(a.id), dispatcher.waitFor(c.id)]);
    assert.ok(oa.ok && oc.ok);
    assert.deepEqual(oa.result, oc.result);
    const r = oa.result as { lockfiles?: { goMod: boolean; goSum: boolean }; host: string };
    assert.deepEqual(r.lockfiles, { goMod: true, goSum: true, goWorkSum: false, vendorModulesTxt: false });
    assert.equal(r.host, 'unit-host');
  });

  it('fails a job with a clear error when its handler fails (no stack)', async () => {
    const handle = await dispatcher.submit('env-snapshot', { repo: '/definitely/not/here' });
    const outcome: JobOutcome = await dispatcher.waitFor(handle.id);
    assert.equal(outcome.ok, false);
    if (!outcome.ok) {
      assert.equal(outcome.error.code, 'BF_TARGET');
      assert.match(outcome.error.message, /no such directory/);
      assert.doesNotMatch(outcome.error.message, /\n\s+at /);
      assert.equal(outcome.attempts, 1, 'BF_TARGET is not retried');
    }
  });

  it('reports its status as one in-process worker', async () => {
    const status = await dispatcher.status();
    assert.equal(status.mode, 'in-process');
    assert.equal(status.workers.length, 1);
    assert.equal(status.workers[0]?.host, 'unit-host');
    assert.match(status.workers[0]?.version ?? '', /^\d+\.\d+\.\d+/);
  });
});
