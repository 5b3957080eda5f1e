/**
 * The BullMQ dispatcher against real Redis, with a worker runner in this
 * process: validation on both sides, same results as in-process, dedup,
 * progress, re-attaching from another dispatcher, status.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { loadConfig, type Config } from '../../../src/config/load-config.ts';
import { BullmqDispatcher } from '../../../src/jobs/bullmq-dispatcher.ts';
import { InProcessDispatcher } from '../../../src/jobs/in-process-dispatcher.ts';
import type { JobOutcome, JobProgress } from '../../../src/jobs/job-types.ts';
import { newJobId } from '../../../src/jobs/queue-names.ts';
import { startWorker, type RunningWorker } from '../../../src/jobs/worker-runner.ts';
import { createLogger } from '../../../src/logger.ts';
import { createTempFiles, deleteKeys, SHARED_REDIS_URL, uniquePrefix, type TempFiles } from '../../helpers/jobs-harness.ts';

const HOST = 'disp-host';
const logger = createLogger({ level: 'silent' });

// Timings and timestamps differ between two runs of the same job; everything else must match.
function withoutTimings(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutTimings);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([k]) => !['durationMs', 'startedAt', 'finishedAt', 'jobId', 'detail'].includes(k))
        .map(([k, v]) => [k, withoutTimings(v)]),
    );
  }
  return value;
}

describe('BullmqDispatcher with a worker', () => {
  const prefixValue = uniquePrefix('disp');
  const prefix = `{${prefixValue}}`;
  let files: TempFiles;
  let config: Config;
  let worker: RunningWorker;
  let dispatcher: BullmqDispatcher;
  let inProcess: InProcessDispatcher;
  let repo: string;

  before(async () => {
    files = await createTempFiles('disp');
    repo = await files.writeGoRepo('fixture');
    const script = await files.writeRestartScript('restart.sh');
    const configPath = await files.writeConfig({ agents: { [HOST]: { restart: [script, '0'] } }, repos: { fixture: { url: repo } } });
    config = loadConfig({ BUILDFIX_CONFIG: configPath, BUILDFIX_HOST: HOST, REDIS_URL: SHARED_REDIS_URL, REDIS_PREFIX: prefixValue });
    worker = startWorker({ config, logger, redisUrl: SHARED_REDIS_URL, prefix, host: HOST, concurrency: 2, heartbeatIntervalMs: 500 });
    await worker.ready;
    dispatcher = new BullmqDispatcher({ config, logger, redisUrl: SHARED_REDIS_URL, prefix, pollIntervalMs: 1000 });
    inProcess = new InProcessDispatcher({ config, logger });
  });

  after(async () => {
    await dispatcher?.close();
    await inProcess?.close();
    await worker?.close();
    await deleteKeys(SHARED_REDIS_URL, prefixValue);
    await files?.cleanup();
  });

  it('returns the same result as the in-process dispatcher for the same job', async () => {
    const jobs = [
      ['env-snapshot', { repo: 'fixture' }],
      ['noop', { delayMs: 1 }],
      ['restart-agent', { agent: HOST }],
      ['diagnose', { repo: 'fixture', skip: ['modules', 'probe', 'host', 'retractions'] }],
    ] as const;
    for (const [name, payload] of jobs) {
      const viaRedis = await dispatcher.waitFor((await dispatcher.submit(name, payload as never, { host: HOST, dedup: false })).id, { timeoutMs: 30_000 });
      const local = await inProcess.waitFor((await inProcess.submit(name, payload as never, { host: HOST, dedup: false })).id, { timeoutMs: 30_000 });
      assert.ok(viaRedis.ok, `${name} via Redis: ${JSON.stringify(viaRedis)}`);
      assert.ok(local.ok, `${name} in-process: ${JSON.stringify(local)}`);
      assert.deepEqual(withoutTimings(viaRedis), withoutTimings(local), name);
      assert.equal(viaRedis.host, HOST);
    }
  });

  it('streams progress while the job runs, then the outcome with its steps', async () => {
    const events: JobProgress[] = [];
    const handle = await dispatcher.submit('noop', { delayMs: 200 });
    const outcome = await dispatcher.waitFor(handle.id, { timeoutMs: 10_000, onProgress: (e) => events.push(e) });
    assert.ok(outcome.ok);
    assert.deepEqual(
      events.map((e) => e.status),
      ['running', 'pass'],
    );
    assert.equal(events[1]?.step, 'sleep');
    assert.ok((events[1]?.durationMs ?? 0) >= 190);
    assert.deepEqual(
      outcome.steps.map((s) => s.step),
      ['sleep'],
    );
  });

  it('fails a job whose payload does not validate, and keeps the worker running', async () => {
    // Bypass submit (which validates) as a buggy or hostile producer would.
    const queue = new Queue(`buildfix-host-${HOST}`, { connection: new Redis(SHARED_REDIS_URL, { maxRetriesPerRequest: null }), prefix });
    try {
      const badId = newJobId('noop', HOST);
      await queue.add('noop', { v: 1, payload: { delayMs: 'forever' }, host: HOST, submittedAt: Date.now() }, { jobId: badId });
      const unknownId = newJobId('reboot', HOST);
      await queue.add('reboot', { v: 1, payload: {}, host: HOST, submittedAt: Date.now() }, { jobId: unknownId });
      const bad = await dispatcher.waitFor(badId, { timeoutMs: 10_000 });
      assert.equal(bad.ok, false);
      if (!bad.ok) {
        assert.equal(bad.error.code, 'BF_INPUT');
        assert.match(bad.error.message, /invalid noop payload: delayMs/);
        assert.equal(bad.host, HOST);
      }
      const unknown = await dispatcher.waitFor(unknownId, { timeoutMs: 10_000 });
      assert.match(!unknown.ok ? unknown.error.message : '', /unknown job "reboot"/);
      const after = await dispatcher.waitFor((await dispatcher.submit('noop', {}, { host: HOST })).id, { timeoutMs: 10_000 });
      assert.ok(after.ok, 'the next job still runs');
      assert.equal(await (await queue.getJob(badId))?.getState(), 'failed');
    } finally {
      await queue.close();
      (queue.opts.connection as Redis).disconnect();
    }
  });

  it('refuses invalid submissions before anything is queued', async () => {
    await assert.rejects(dispatcher.submit('noop', { delayMs: 70_000 }), /invalid noop payload: delayMs/);
    await assert.rejects(dispatcher.submit('restart-agent', { agent: 'not-an-agent' }), /not a configured agent/);
    await assert.rejects(dispatcher.submit('diagnose', { repo: 'unknown-repo' }), /not a configured repo/);
  });

  it('dedups the same job within its window; dedup:false runs it again', async () => {
    const a = await dispatcher.submit('env-snapshot', {}, { host: HOST });
    const b = await dispatcher.submit('env-snapshot', {}, { host: HOST });
    assert.equal(b.deduplicated, true);
    assert.equal(b.id, a.id);
    const oa = await dispatcher.waitFor(a.id, { timeoutMs: 10_000 });
    const again = await dispatcher.submit('env-snapshot', {}, { host: HOST });
    assert.equal(again.id, a.id, 'still within the window after it finished');
    const ob = await dispatcher.waitFor(again.id, { timeoutMs: 10_000 });
    assert.deepEqual(ob, oa);
    const forced = await dispatcher.submit('env-snapshot', {}, { host: HOST, dedup: false });
    assert.notEqual(forced.id, a.id);
    assert.equal(forced.deduplicated, false);
  });

  it('lets another dispatcher (a restarted or second chat process) follow any job by id', async () => {
    const other = new BullmqDispatcher({ config, logger, redisUrl: SHARED_REDIS_URL, prefix, pollIntervalMs: 1000 });
    try {
      // Long enough that the job is still running when the other dispatcher has positioned its reader, even on a loaded machine.
      const running = await dispatcher.submit('noop', { delayMs: 1500 }, { replyTo: { channel: 'C123', threadTs: '1.5' }, requestedBy: 'U42' });
      const progress: JobProgress[] = [];
      const outcome = await other.waitFor(running.id, { timeoutMs: 10_000, onProgress: (e) => progress.push(e) });
      assert.ok(outcome.ok);
      assert.ok(progress.length >= 1, 'progress reaches a dispatcher that did not submit the job');
      const snap = await other.getJob(running.id);
      assert.equal(snap?.state, 'completed');
      assert.deepEqual(snap?.replyTo, { channel: 'C123', threadTs: '1.5' });
      assert.equal(snap?.requestedBy, 'U42');
      // Long finished: delivered from stored state, after the last step the worker reported.
      const lateProgress: JobProgress[] = [];
      const late: JobOutcome = await other.subscribe(running.id, { onProgress: (e) => lateProgress.push(e) }).outcome;
      assert.deepEqual(late, outcome);
      assert.equal(lateProgress.length, 1, JSON.stringify(lateProgress));
      assert.equal(lateProgress[0]?.step, 'sleep');
      const failed = await dispatcher.submit('env-snapshot', { repo: '/no/such/checkout' }, { host: HOST, dedup: false });
      await dispatcher.waitFor(failed.id, { timeoutMs: 10_000 });
      const lateFailure = await other.subscribe(failed.id).outcome;
      assert.equal(!lateFailure.ok && lateFailure.error.code, 'BF_TARGET');
      const lost = await other.subscribe(newJobId('noop', undefined)).outcome;
      assert.equal(!lost.ok && lost.error.code, 'BF_JOB_LOST');
    } finally {
      await other.close();
    }
  });

  it('shows the worker and the queue depths in status', async () => {
    const status = await dispatcher.status();
    assert.equal(status.mode, 'bullmq');
    assert.equal(status.redis?.prefix, prefix);
    const w = status.workers.find((x) => x.host === HOST);
    assert.ok(w, JSON.stringify(status.workers));
    assert.deepEqual(w.queues, [`buildfix-host-${HOST}`, 'buildfix-any']);
    assert.equal(w.state, 'running');
    assert.ok(Date.now() - Date.parse(w.lastSeen) < 5000);
    const hostQueue = status.queues.find((q) => q.queue === `buildfix-host-${HOST}`);
    assert.ok(hostQueue && hostQueue.completed >= 1 && hostQueue.failed >= 2);
    assert.equal(status.queues[0]?.queue, 'buildfix-any');
  });
});
