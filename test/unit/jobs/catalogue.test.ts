import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getJobSpec, isJobName, JOB_CATALOGUE, JOB_NAMES } from '../../../src/jobs/catalogue.ts';
import { bullmqJobOptions, RETENTION } from '../../../src/jobs/job-options.ts';

const ALL = [
  'diagnose',
  'modules',
  'probe',
  'host-check',
  'env-snapshot',
  'env-history',
  'restart-agent',
  'clear-modcache',
  'warm-modcache',
  'modcache-drill',
  'dependency-health',
  'preflight',
  'noop',
];

describe('job catalogue', () => {
  it('lists every job of the issue plus noop (and the Jenkins jobs registered beside them)', () => {
    for (const name of ALL) assert.ok(JOB_NAMES.includes(name as never), name);
    for (const name of JOB_NAMES) assert.ok(ALL.includes(name) || name.startsWith('jenkins-'), `unexpected job ${name}`);
    for (const name of ALL) assert.ok(isJobName(name));
    assert.equal(isJobName('rm-rf'), false);
    assert.equal(getJobSpec('toString'), undefined, 'prototype keys are not jobs');
  });

  it('never retries non-idempotent host actions', () => {
    for (const name of ['restart-agent', 'clear-modcache'] as const) {
      const spec = JOB_CATALOGUE[name];
      assert.equal(spec.idempotent, false, name);
      assert.equal(spec.options.attempts, 1, name);
      assert.equal(spec.options.backoff, undefined, name);
      assert.equal(spec.routing, 'host', `${name} runs on the agent's own worker`);
      const opts = bullmqJobOptions({ spec, jobId: 'x-1', dedupKey: undefined, dedupWindowMs: 0 });
      assert.equal(opts.attempts, 1);
      assert.equal(opts.backoff, undefined);
    }
  });

  it('retries idempotent checks with exponential backoff', () => {
    for (const name of ['diagnose', 'modules', 'probe', 'host-check', 'env-snapshot', 'warm-modcache'] as const) {
      const spec = JOB_CATALOGUE[name];
      assert.equal(spec.idempotent, true, name);
      assert.ok(spec.options.attempts >= 2, name);
      assert.equal(spec.options.backoff?.type, 'exponential', name);
      const opts = bullmqJobOptions({ spec, jobId: 'x-1', dedupKey: undefined, dedupWindowMs: 0 });
      assert.equal(opts.attempts, spec.options.attempts);
      assert.deepEqual(opts.backoff, { type: 'exponential', delay: spec.options.backoff?.delayMs });
    }
  });

  it('gives every job a timeout and bounded retention', () => {
    for (const name of JOB_NAMES) {
      const spec = JOB_CATALOGUE[name];
      assert.ok(spec.options.timeoutMs >= 10_000 && spec.options.timeoutMs <= 30 * 60_000, `${name} timeout ${spec.options.timeoutMs}`);
      const opts = bullmqJobOptions({ spec, jobId: `${name}-1`, dedupKey: undefined, dedupWindowMs: 0 });
      assert.deepEqual(opts.removeOnComplete, RETENTION.removeOnComplete);
      assert.deepEqual(opts.removeOnFail, RETENTION.removeOnFail);
      assert.equal(opts.jobId, `${name}-1`);
    }
  });

  it('dedups for a short window, except noop', () => {
    for (const name of JOB_NAMES) {
      const w = JOB_CATALOGUE[name].options.dedupWindowMs;
      if (name === 'noop') assert.equal(w, 0);
      else assert.ok(w >= 5_000 && w <= 120_000, `${name} window ${w}`);
    }
    const spec = JOB_CATALOGUE.probe;
    const opts = bullmqJobOptions({ spec, jobId: 'probe-1', dedupKey: 'probe.abc', dedupWindowMs: 15_000 });
    assert.deepEqual(opts.deduplication, { id: 'probe.abc', ttl: 15_000 });
    assert.equal(bullmqJobOptions({ spec, jobId: 'probe-1', dedupKey: undefined, dedupWindowMs: 0 }).deduplication, undefined);
  });

  it('loads a handler for every job', async () => {
    for (const name of JOB_NAMES) {
      const handler = await (JOB_CATALOGUE[name] as { load: () => Promise<unknown> }).load();
      assert.equal(typeof handler, 'function', name);
    }
  });
});
