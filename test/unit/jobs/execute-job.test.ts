import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../../src/config/load-config.ts';
import { CommandFailedError } from '../../../src/errors.ts';
import { backoffDelayMs, executeJob, fromEngineProgress, isRetryableCode, toJobError } from '../../../src/jobs/execute-job.ts';
import type { JobProgress } from '../../../src/jobs/job-types.ts';
import { createLogger } from '../../../src/logger.ts';

const config = loadConfig({ BUILDFIX_HOST: 'exec-host' });
const logger = createLogger({ level: 'silent' });
const base = { jobId: 'noop-0123456789abcdef', attempt: 1, workerHost: 'exec-host', config, logger, onProgress: () => {} };

describe('executeJob', () => {
  it('fails an invalid payload with a clear, permanent error', async () => {
    const r = await executeJob({ ...base, name: 'noop', data: { v: 1, payload: { delayMs: 'soon' }, submittedAt: 1 } });
    assert.equal(r.outcome.ok, false);
    assert.equal(r.retry, false);
    if (!r.outcome.ok) {
      assert.equal(r.outcome.error.code, 'BF_INPUT');
      assert.match(r.outcome.error.message, /^invalid noop payload: delayMs: /);
      assert.equal(r.outcome.host, 'exec-host');
    }
  });

  it('fails unknown jobs and malformed envelopes', async () => {
    const unknown = await executeJob({ ...base, name: 'format-disk', data: { v: 1, payload: {}, submittedAt: 1 } });
    assert.match(!unknown.outcome.ok ? unknown.outcome.error.message : '', /unknown job "format-disk"/);
    const raw = await executeJob({ ...base, name: 'noop', data: { delayMs: 5 } });
    assert.match(!raw.outcome.ok ? raw.outcome.error.message : '', /invalid noop job data/);
  });

  it('refuses a job addressed to another host', async () => {
    const r = await executeJob({ ...base, name: 'noop', data: { v: 1, payload: {}, host: 'elsewhere', submittedAt: 1 } });
    assert.equal(!r.outcome.ok && r.outcome.error.code, 'BF_PERMISSION');
  });

  it('does not re-run an interrupted non-idempotent job', async () => {
    const r = await executeJob({
      ...base,
      name: 'restart-agent',
      data: { v: 1, payload: { agent: 'exec-host' }, host: 'exec-host', submittedAt: 1 },
      interruptedBefore: true,
    });
    assert.equal(!r.outcome.ok && r.outcome.error.code, 'BF_JOB_INTERRUPTED');
    assert.equal(r.retry, false);
  });

  it('hands an idempotent job back when the worker shuts down', async () => {
    const shutdown = new AbortController();
    const events: JobProgress[] = [];
    const running = executeJob({
      ...base,
      name: 'noop',
      data: { v: 1, payload: { delayMs: 10_000 }, submittedAt: 1 },
      shutdownSignal: shutdown.signal,
      onProgress: (e) => events.push(e),
    });
    await new Promise((r) => setTimeout(r, 50));
    shutdown.abort();
    const r = await running;
    assert.equal(r.handBack, true);
    assert.equal(events[0]?.status, 'running');
  });

  it('fails a job that runs past its timeout, aborting its signal', async (t) => {
    t.mock.timers.enable({ apis: ['setInterval', 'Date'], now: Date.now() });
    const running = executeJob({ ...base, name: 'noop', data: { v: 1, payload: { delayMs: 60_000 }, submittedAt: 1 } });
    await new Promise((r) => setImmediate(r));
    t.mock.timers.tick(64_000);
    await new Promise((r) => setImmediate(r));
    t.mock.timers.tick(1_500);
    const r = await running;
    assert.equal(r.outcome.ok, false);
    if (!r.outcome.ok) {
      assert.equal(r.outcome.error.code, 'BF_TIMEOUT');
      assert.match(r.outcome.error.message, /noop timed out after 65 s on exec-host/);
    }
    assert.equal(r.retry, false, 'a timeout is not retried');
  });

  it('runs a job and records its steps', async () => {
    const r = await executeJob({ ...base, name: 'noop', data: { v: 1, payload: { delayMs: 5 }, submittedAt: 1 } });
    assert.ok(r.outcome.ok);
    assert.deepEqual(
      r.outcome.steps.map((s) => s.status),
      ['pass'],
    );
  });
});

describe('errors and retries', () => {
  it('turns errors into one line without a stack, keeping command facts', () => {
    const err = new CommandFailedError('systemctl restart jenkins-agent', '`systemctl restart jenkins-agent` exited with code 3: unit not found', {
      exitCode: 3,
      stderrTail: 'Failed to restart jenkins-agent.service: Unit not found.',
    });
    assert.deepEqual(toJobError(err), {
      code: 'BF_COMMAND_FAILED',
      message: '`systemctl restart jenkins-agent` exited with code 3: unit not found',
      details: { command: 'systemctl restart jenkins-agent', exitCode: 3, stderrTail: 'Failed to restart jenkins-agent.service: Unit not found.' },
    });
    const plain = new Error('boom\n    at foo (x.js:1:1)\n    at bar (y.js:2:2)');
    assert.deepEqual(toJobError(plain), { code: 'BF_INTERNAL', message: 'unexpected error: boom' });
    assert.match(toJobError(new Error('token xoxb-123-456-abc leaked')).message, /xox\*-\*\*\*/);
  });

  it('retries only transient failures, with exponential backoff', () => {
    assert.equal(isRetryableCode('BF_UPSTREAM'), true);
    assert.equal(isRetryableCode('BF_INTERNAL'), true);
    for (const code of ['BF_INPUT', 'BF_PERMISSION', 'BF_TARGET', 'BF_TIMEOUT', 'BF_JOB_INTERRUPTED'] as const)
      assert.equal(isRetryableCode(code), false, code);
    const spec = { options: { attempts: 3, backoff: { type: 'exponential' as const, delayMs: 1000 }, timeoutMs: 1, dedupWindowMs: 0 } };
    assert.deepEqual(
      [1, 2, 3].map((n) => backoffDelayMs(spec, n)),
      [1000, 2000, 4000],
    );
  });

  it('maps engine progress to job progress', () => {
    assert.deepEqual(
      fromEngineProgress({
        check: 'probe:direct:proxy.golang.org',
        phase: 'done',
        message: 'proxy.golang.org direct: 120 ms',
        status: 'pass',
        durationMs: 120,
      }),
      {
        step: 'probe:direct:proxy.golang.org',
        message: 'proxy.golang.org direct: 120 ms',
        status: 'pass',
        durationMs: 120,
      },
    );
    assert.equal(fromEngineProgress({ check: 'modules', phase: 'start', message: 'checking' }).status, 'running');
  });
});
