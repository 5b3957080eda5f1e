import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JOB_CATALOGUE } from '../../../src/jobs/catalogue.ts';
import { ReplyToSchema } from '../../../src/jobs/job-types.ts';
import { describeZodError, NoopPayloadSchema, RepoRefSchema } from '../../../src/jobs/payload-schemas.ts';

function ok(name: keyof typeof JOB_CATALOGUE, payload: unknown): void {
  const r = JOB_CATALOGUE[name].payload.safeParse(payload);
  assert.ok(r.success, `${name} ${JSON.stringify(payload)}: ${r.success ? '' : describeZodError(r.error)}`);
}

function bad(name: keyof typeof JOB_CATALOGUE, payload: unknown, mentions: RegExp): void {
  const r = JOB_CATALOGUE[name].payload.safeParse(payload);
  assert.equal(r.success, false, `${name} ${JSON.stringify(payload)} should be refused`);
  if (!r.success) assert.match(describeZodError(r.error), mentions);
}

describe('payload schemas', () => {
  it('accept the payloads the chat side sends', () => {
    ok('diagnose', { repo: 'payments' });
    ok('diagnose', { repo: 'https://git.corp/team/payments.git', skip: ['probe', 'retractions'], concurrency: 8, requestTimeoutMs: 5000 });
    ok('modules', { repo: 'acme/payments', checkRetractions: false });
    ok('probe', {});
    ok('probe', { goproxy: 'https://goproxy.corp,direct', timeoutMs: 2000 });
    ok('host-check', { workspaceDir: '/var/lib/jenkins/workspace' });
    ok('env-snapshot', {});
    ok('env-snapshot', { repo: '/srv/payments' });
    ok('restart-agent', { agent: 'agent-03', reason: 'proxy variables fixed' });
    ok('clear-modcache', { agent: 'agent-03' });
    ok('warm-modcache', { agent: 'agent-03', repo: 'payments' });
    ok('noop', {});
    ok('noop', { delayMs: 60_000 });
  });

  it('refuse malformed payloads with the field named', () => {
    bad('noop', { delayMs: 60_001 }, /delayMs/);
    bad('noop', { delayMs: 1.5 }, /delayMs/);
    bad('noop', { extra: 1 }, /extra|unrecognized/i);
    bad('diagnose', {}, /repo/);
    bad('diagnose', { repo: '' }, /repo/);
    bad('diagnose', { repo: '--upload-pack=evil' }, /repo/);
    bad('diagnose', { repo: 'payments', skip: ['everything'] }, /skip/);
    bad('restart-agent', { agent: 'agent 03' }, /agent/);
    bad('restart-agent', { agent: '../etc' }, /agent/);
    bad('restart-agent', {}, /agent/);
    bad('host-check', { workspaceDir: 'relative/path' }, /workspaceDir/);
    bad('probe', { timeoutMs: 10 }, /timeoutMs/);
    bad('probe', { goproxy: 'https://proxy.corp direct' }, /goproxy/);
  });

  it('refuse credentials in payloads', () => {
    bad('probe', { goproxy: 'https://user:s3cret@goproxy.corp' }, /credentials/);
    bad('diagnose', { repo: 'https://bob:hunter2@git.corp/payments.git' }, /credentials/);
    assert.equal(RepoRefSchema.safeParse('https://ghp_abcdefghijklmnopqrstuvwxyz0123456789@github.com/a/b').success, false);
  });

  it('have no transforms: a parsed payload parses again to itself', () => {
    const parsed = NoopPayloadSchema.parse({ delayMs: 5 });
    assert.deepEqual(NoopPayloadSchema.parse(parsed), parsed);
  });

  it('keep replyTo small, flat and free of secrets', () => {
    assert.ok(ReplyToSchema.safeParse({ channel: 'C012AB3CD', threadTs: '1712345678.000100' }).success);
    assert.equal(ReplyToSchema.safeParse({ token: 'x' }).success, false);
    assert.equal(ReplyToSchema.safeParse({ channel: 'xoxb-123-456-abcdef' }).success, false);
    assert.equal(ReplyToSchema.safeParse({ nested: { a: 1 } }).success, false);
    assert.equal(ReplyToSchema.safeParse(Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, i]))).success, false);
  });
});
