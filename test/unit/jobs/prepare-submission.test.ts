import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dedupKeyFor, prepareSubmission } from '../../../src/jobs/prepare-submission.ts';

const config = { agents: { 'agent-03': {}, 'agent-07': {} }, repos: { payments: { url: '/srv/payments' } } };
const ctx = { config, localHost: undefined, now: 1_700_000_000_000 };

describe('prepareSubmission', () => {
  it('routes host actions to the agent named in the payload', () => {
    const p = prepareSubmission('restart-agent', { agent: 'Agent-03' }, {}, ctx);
    assert.equal(p.host, 'agent-03');
    assert.equal(p.queue, 'buildfix-host-agent-03');
    assert.match(p.jobId, /^restart-agent-[0-9a-f]{16}@agent-03$/);
    assert.deepEqual(p.envelope, { v: 1, payload: { agent: 'Agent-03' }, host: 'agent-03', submittedAt: ctx.now });
  });

  it('refuses a host that contradicts the agent, and host actions without a host', () => {
    assert.throws(() => prepareSubmission('restart-agent', { agent: 'agent-03' }, { host: 'agent-07' }, ctx), /runs on that agent's own worker/);
    assert.throws(
      () => prepareSubmission('restart-agent', { agent: 'agent-99' }, {}, ctx),
      (e: Error & { code?: string }) => e.code === 'BF_PERMISSION',
    );
  });

  it('sends checks to a host or to any worker', () => {
    assert.equal(prepareSubmission('probe', {}, {}, ctx).queue, 'buildfix-any');
    assert.equal(prepareSubmission('probe', {}, { host: 'agent-07' }, ctx).queue, 'buildfix-host-agent-07');
  });

  it('validates the payload, the repo and the reply metadata before anything is queued', () => {
    assert.throws(() => prepareSubmission('noop', { delayMs: 999_999 }, {}, ctx), /invalid noop payload: delayMs/);
    assert.throws(() => prepareSubmission('diagnose', { repo: 'paymnets' }, {}, ctx), /not a configured repo/);
    assert.throws(() => prepareSubmission('nope', {}, {}, ctx), /unknown job "nope" \(known jobs: diagnose/);
    assert.throws(() => prepareSubmission('noop', {}, { replyTo: { apiToken: 'x' } }, ctx), /invalid replyTo/);
    assert.throws(() => prepareSubmission('noop', {}, { requestedBy: 'a b' }, ctx), /invalid requestedBy/);
    const p = prepareSubmission('noop', {}, { replyTo: { channel: 'C1', threadTs: '1.2' }, requestedBy: 'U012ABC' }, ctx);
    assert.deepEqual(p.envelope.replyTo, { channel: 'C1', threadTs: '1.2' });
    assert.equal(p.envelope.requestedBy, 'U012ABC');
  });

  it('dedups the same job for the same host and payload, whatever the key order', () => {
    const a = prepareSubmission('diagnose', { repo: 'payments', skip: ['probe'] }, { host: 'agent-03' }, ctx);
    const b = prepareSubmission('diagnose', { skip: ['probe'], repo: 'payments' }, { host: 'agent-03', replyTo: { channel: 'C9' } }, ctx);
    assert.equal(a.dedupKey, b.dedupKey, 'replyTo does not change what runs');
    assert.notEqual(a.jobId, b.jobId);
    assert.notEqual(a.dedupKey, prepareSubmission('diagnose', { repo: 'payments', skip: ['probe'] }, { host: 'agent-07' }, ctx).dedupKey);
    assert.notEqual(a.dedupKey, prepareSubmission('diagnose', { repo: 'payments' }, { host: 'agent-03' }, ctx).dedupKey);
    assert.equal(a.dedupWindowMs, 30_000);
    const forced = prepareSubmission('diagnose', { repo: 'payments' }, { dedup: false }, ctx);
    assert.equal(forced.dedupKey, undefined);
    assert.equal(prepareSubmission('noop', {}, {}, ctx).dedupKey, undefined, 'noop never dedups');
    assert.equal(dedupKeyFor('x', undefined, { a: 1, b: [1, { c: 2, d: undefined }] }), dedupKeyFor('x', undefined, { b: [1, { c: 2 }], a: 1 }));
  });
});
