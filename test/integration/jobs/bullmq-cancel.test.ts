/**
 * Cancelling a job that runs on a real `buildfix worker` process through
 * BullMQ (real Redis, own key prefix): the cancel request reaches the worker
 * over pub/sub, the job's signal aborts, it ends BF_CANCELLED at once, and
 * the worker takes the next job as usual.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../../src/config/load-config.ts';
import { BullmqDispatcher } from '../../../src/jobs/bullmq-dispatcher.ts';
import type { JobProgress } from '../../../src/jobs/job-types.ts';
import { createLogger } from '../../../src/logger.ts';
import { deleteKeys, SHARED_REDIS_URL, spawnWorker, uniquePrefix, waitUntil, type WorkerProcess } from '../../helpers/jobs-harness.ts';

const logger = createLogger({ level: 'silent' });

describe('cancelling a job running on a BullMQ worker', () => {
  const prefixValue = uniquePrefix('cancel');
  const prefix = `{${prefixValue}}`;
  const host = `cx-${prefixValue.slice(-4)}`;
  const env = { REDIS_URL: SHARED_REDIS_URL, REDIS_PREFIX: prefixValue, BUILDFIX_CONFIG: '' };
  let worker: WorkerProcess;
  let dispatcher: BullmqDispatcher;

  before(async () => {
    worker = spawnWorker(host, env);
    dispatcher = new BullmqDispatcher({ config: loadConfig(env), logger, redisUrl: SHARED_REDIS_URL, prefix, pollIntervalMs: 1000 });
    await waitUntil('the worker', async () => (await dispatcher.status()).workers.some((w) => w.host === host), 15_000);
  });

  after(async () => {
    await dispatcher?.close();
    await worker?.stop(5000);
    await deleteKeys(SHARED_REDIS_URL, prefixValue);
  });

  it('stops the running job within 2 s as BF_CANCELLED, and the worker runs the next job', { timeout: 20_000 }, async () => {
    const long = await dispatcher.submit('noop', { delayMs: 30_000 }, { host });
    const progress: JobProgress[] = [];
    const outcomeP = dispatcher.waitFor(long.id, { timeoutMs: 15_000, onProgress: (e) => progress.push(e) });
    await waitUntil('the job to start sleeping', () => progress.some((p) => p.step === 'sleep'), 10_000, 20);

    const started = Date.now();
    assert.equal(await dispatcher.cancel(long.id, 'test-user'), true);
    const outcome = await outcomeP;
    const tookMs = Date.now() - started;
    assert.equal(outcome.ok, false);
    assert.equal(outcome.ok ? '' : outcome.error.code, 'BF_CANCELLED');
    assert.ok(tookMs < 2000, `cancelled after ${tookMs} ms`);

    const job = await dispatcher.queue(`buildfix-host-${host}`).getJob(long.id);
    assert.equal(await job?.getState(), 'failed');
    assert.equal(job?.attemptsMade, 1);
    assert.match(worker.logs(), /"msg":"cancelling the job on request"/);
    assert.match(worker.logs(), /"by":"test-user"/);

    const next = await dispatcher.submit('noop', { delayMs: 10 }, { host });
    const nextOutcome = await dispatcher.waitFor(next.id, { timeoutMs: 5000 });
    assert.equal(nextOutcome.ok, true);
    assert.equal((await dispatcher.status()).workers.filter((w) => w.host === host).length, 1);
  });

  it('a job still waiting (its host has no worker) is removed and ends BF_CANCELLED', { timeout: 10_000 }, async () => {
    const waiting = await dispatcher.submit('noop', {}, { host: `${host}-idle` });
    const outcomeP = dispatcher.waitFor(waiting.id, { timeoutMs: 5000 });
    assert.equal(await dispatcher.cancel(waiting.id, 'test-user'), true);
    const outcome = await outcomeP;
    assert.equal(outcome.ok ? '' : outcome.error.code, 'BF_CANCELLED');
    assert.match(outcome.ok ? '' : outcome.error.message, /cancelled by test-user before it started/);
    assert.equal(await dispatcher.queue(`buildfix-host-${host}-idle`).getJob(waiting.id), undefined);
    // Another process asking later gets the stored outcome.
    const snap = await dispatcher.getJob(waiting.id);
    assert.equal(snap?.outcome?.ok === false ? snap.outcome.error.code : '', 'BF_CANCELLED');
  });

  it('a request for a job the worker does not run changes nothing', { timeout: 10_000 }, async () => {
    const job = await dispatcher.submit('noop', { delayMs: 300 }, { host });
    const outcomeP = dispatcher.waitFor(job.id, { timeoutMs: 5000 });
    // Heard by the worker, which runs another id: the running job is left alone.
    assert.equal(await dispatcher.cancel(`noop-0123456789abcdef@${host}`), true);
    const outcome = await outcomeP;
    assert.equal(outcome.ok, true);
  });
});
