import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { BuildProgress } from '../../../src/clients/jenkins/builds.ts';
import { JenkinsClient } from '../../../src/clients/jenkins/jenkins-client.ts';
import { JenkinsJobError, JenkinsWaitTimeoutError, QueuedBuildCancelledError } from '../../../src/clients/jenkins/jenkins-errors.ts';
import { startJenkinsFake, type JenkinsFake } from '../../fakes/jenkins-server.ts';

const FOLDER_JOB = 'team/payments/main';

describe('builds against the fake', () => {
  let fake: JenkinsFake;
  let client: JenkinsClient;
  before(async () => {
    fake = await startJenkinsFake({
      contextPath: '/jenkins',
      jobs: [
        {
          name: FOLDER_JOB,
          plan: {
            queueMs: 250,
            why: 'Waiting for next available executor on agent-01',
            buildMs: 120,
            result: 'FAILURE',
            console: ['go: downloading example.test/lib v1.0.0', 'go: example.test/lib@v1.0.0: 410 Gone'],
          },
        },
        {
          name: 'team/params',
          params: [
            { name: 'BRANCH', type: 'string', default: 'main' },
            { name: 'CLEAN', type: 'boolean', default: false },
          ],
          plan: { result: 'SUCCESS' },
        },
        { name: 'team/cancelled', plan: { queueMs: 40, cancel: true } },
        { name: 'team/stuck', plan: { queueMs: 60_000, why: 'Waiting for next available executor' } },
        { name: 'team/slow', plan: { buildMs: 60_000 } },
        { name: 'team/disabled', disabled: true },
        { name: 'team/elsewhere', plan: { result: 'UNSTABLE' } },
        {
          name: 'team/history',
          builds: [
            { number: 1, result: 'SUCCESS' },
            { number: 2, result: 'FAILURE' },
            { number: 3, result: 'SUCCESS', console: 'ok\n' },
            { number: 4, result: 'FAILURE', console: 'go: verifying module: checksum mismatch\nFinished: FAILURE\n' },
          ],
        },
        { name: 'team/empty' },
        { name: 'team/log', plan: { buildMs: 400, console: Array.from({ length: 8 }, (_v, i) => `line ${i + 1} ✓ ünïcödé`) } },
      ],
    });
    client = new JenkinsClient({ baseUrl: fake.url, user: fake.user, apiToken: fake.token, timeoutMs: 2000, pollIntervalMs: 15 });
  });
  after(async () => {
    await client.close();
    await fake.close();
  });

  it('reads a folder job through /job/a/job/b/job/c (under a context path)', async () => {
    const info = await client.getJob(FOLDER_JOB);
    assert.equal(info.name, FOLDER_JOB);
    assert.equal(info.isFolder, false);
    assert.equal(info.buildable, true);
    assert.equal(info.url, `${fake.url}job/team/job/payments/job/main/`);
    assert.equal(fake.requests.at(-1)?.rawPath, '/job/team/job/payments/job/main/api/json');
    const folder = await client.getJob('team/payments');
    assert.equal(folder.isFolder, true);
    await assert.rejects(
      client.triggerBuild('team/payments'),
      (e: unknown) => e instanceof JenkinsJobError && e.problem === 'folder' && /is a folder, not a job/.test(e.message),
    );
  });

  it('trigger → queued → started → finished, in order', async () => {
    const events: BuildProgress[] = [];
    const run = await client.triggerBuild(FOLDER_JOB, undefined, { onProgress: (e) => void events.push(e) });
    assert.equal(run.result, 'FAILURE');
    assert.equal(run.building, false);
    assert.equal(run.durationMs, 120);
    assert.deepEqual(
      events.map((e) => e.phase),
      ['queued', 'started', 'finished'],
    );
    const [queued, started, finished] = events;
    assert.deepEqual(queued, { phase: 'queued', job: FOLDER_JOB, queueId: run.queueId, why: 'Waiting for next available executor on agent-01' });
    assert.deepEqual(started, {
      phase: 'started',
      job: FOLDER_JOB,
      queueId: run.queueId,
      number: run.number,
      url: `${fake.url}job/team/job/payments/job/main/${run.number}/`,
    });
    assert.deepEqual(finished, {
      phase: 'finished',
      job: FOLDER_JOB,
      queueId: run.queueId,
      number: run.number,
      url: started?.phase === 'started' ? started.url : '',
      result: 'FAILURE',
      durationMs: 120,
    });
    const post = fake.requestsTo('POST', '/job/team/job/payments/job/main/build').at(-1);
    assert.equal(post?.query.delay, '0sec');
  });

  it('until: started returns as soon as the build has a number', async () => {
    const run = await client.triggerBuild('team/slow', undefined, { until: 'started' });
    assert.equal(run.building, true);
    assert.equal(run.result, null);
    assert.ok(run.number >= 1);
  });

  it('parameters go to buildWithParameters as a form; undeclared ones are refused', async () => {
    const run = await client.triggerBuild('team/params', { BRANCH: 'release/1.2', CLEAN: true });
    assert.equal(run.result, 'SUCCESS');
    const post = fake.requestsTo('POST', '/job/team/job/params/buildWithParameters').at(-1);
    assert.deepEqual(post?.form, { BRANCH: 'release/1.2', CLEAN: 'true' });
    assert.deepEqual(fake.job('team/params').builds.at(-1)?.params, { BRANCH: 'release/1.2', CLEAN: 'true' });
    // No parameters given: defaults, still through buildWithParameters.
    await client.triggerBuild('team/params');
    assert.deepEqual(fake.job('team/params').builds.at(-1)?.params, { BRANCH: 'main', CLEAN: 'false' });

    const before = fake.requests.length;
    await assert.rejects(
      client.triggerBuild('team/params', { GOPROXY: 'off' }),
      (e: unknown) =>
        e instanceof JenkinsJobError && e.problem === 'unknown-parameters' && /does not declare GOPROXY \(it declares BRANCH, CLEAN\)/.test(e.message),
    );
    await assert.rejects(client.triggerBuild(FOLDER_JOB, { X: '1' }), (e: unknown) => e instanceof JenkinsJobError && e.problem === 'not-parameterized');
    assert.equal(fake.requests.slice(before).filter((r) => r.method === 'POST').length, 0, 'nothing was triggered');
  });

  it('a disabled job is refused before POSTing', async () => {
    await assert.rejects(client.triggerBuild('team/disabled'), (e: unknown) => e instanceof JenkinsJobError && e.problem === 'disabled');
    assert.equal(fake.requestsTo('POST', /team\/job\/disabled/).length, 0);
  });

  it('a cancelled queue item is a typed error', async () => {
    const events: BuildProgress[] = [];
    await assert.rejects(client.triggerBuild('team/cancelled', undefined, { onProgress: (e) => void events.push(e) }), (e: unknown) => {
      assert.ok(e instanceof QueuedBuildCancelledError);
      assert.match(e.message, /^the queued build was cancelled: queue item \d+ for team\/cancelled/);
      return true;
    });
    assert.deepEqual(
      events.map((e) => e.phase),
      ['queued'],
    );
  });

  it('bounded waits: stuck in the queue, still running', async () => {
    await assert.rejects(client.triggerBuild('team/stuck', undefined, { queueTimeoutMs: 100 }), (e: unknown) => {
      assert.ok(e instanceof JenkinsWaitTimeoutError);
      assert.equal(e.code, 'BF_TIMEOUT');
      assert.match(
        e.message,
        /still waiting in the Jenkins queue after \d+ ms \(queue item \d+: Waiting for next available executor\); it was left in the queue/,
      );
      return true;
    });
    await assert.rejects(client.triggerBuild('team/slow', undefined, { buildTimeoutMs: 100 }), (e: unknown) => {
      assert.ok(e instanceof JenkinsWaitTimeoutError);
      assert.match(e.message, /^build #\d+ of job 'team\/slow' was still running after \d+ ms; it was left running: http/);
      return true;
    });
  });

  it('an identical queued item is reused (201 to the same item)', async () => {
    const a = await client.queueBuild('team/stuck');
    const b = await client.queueBuild('team/stuck');
    assert.equal(a.queueId, b.queueId);
    fake.cancelQueueItem(a.queueId);
  });

  it('console text, and the tail when it is too long', async () => {
    assert.equal(await client.getConsoleText('team/history', 4), 'go: verifying module: checksum mismatch\nFinished: FAILURE\n');
    const tail = await client.getConsoleText('team/history', 4, { maxBytes: 18 });
    assert.equal(tail, '[buildfix: log cut, showing its last 18 bytes]\nFinished: FAILURE\n');
  });

  it('progressive text follows a running build until X-More-Data disappears', async () => {
    const run = await client.triggerBuild('team/log', undefined, { until: 'started' });
    const chunks: string[] = [];
    const { size } = await client.streamProgressiveText('team/log', run.number, (t) => void chunks.push(t), { pollIntervalMs: 30 });
    const full = chunks.join('');
    assert.ok(chunks.length > 1, `expected several chunks, got ${chunks.length}`);
    assert.equal(full, await client.getConsoleText('team/log', run.number));
    assert.match(full, /line 8 ✓ ünïcödé\nFinished: SUCCESS\n$/);
    assert.equal(size, Buffer.byteLength(full));
    const starts = fake.requestsTo('GET', new RegExp(`/job/team/job/log/${run.number}/logText/progressiveText`)).map((r) => Number(r.query.start));
    assert.equal(starts[0], 0);
    assert.ok(starts.every((s, i) => i === 0 || s >= (starts[i - 1] as number)));
    // Resuming from the end returns nothing new.
    const again: string[] = [];
    await client.streamProgressiveText('team/log', run.number, (t) => void again.push(t), { start: size });
    assert.deepEqual(again, []);
  });

  it('lastBuild / lastSuccessfulBuild / lastFailedBuild', async () => {
    assert.equal((await client.lastBuild('team/history'))?.number, 4);
    const ok = await client.lastSuccessfulBuild('team/history');
    assert.equal(ok?.number, 3);
    assert.equal(ok?.result, 'SUCCESS');
    assert.equal(ok?.url, `${fake.url}job/team/job/history/3/`);
    assert.equal((await client.lastFailedBuild('team/history'))?.number, 4);
    assert.equal(await client.lastSuccessfulBuild('team/empty'), null);
    assert.equal(await client.lastBuild('team/empty'), null);
  });

  it('polls on our base URL even when Jenkins advertises another root URL', async () => {
    const other = await startJenkinsFake({ rootUrl: 'https://jenkins.public.example.test/', jobs: [{ name: 'x', plan: { result: 'SUCCESS' } }] });
    const c = new JenkinsClient({ baseUrl: other.url, user: other.user, apiToken: other.token, timeoutMs: 2000, pollIntervalMs: 10 });
    try {
      const run = await c.triggerBuild('x');
      assert.equal(run.result, 'SUCCESS');
      assert.equal(run.url, 'https://jenkins.public.example.test/job/x/1/');
      assert.ok(other.requestsTo('GET', /^\/queue\/item\/\d+\/api\/json$/).length >= 1);
    } finally {
      await c.close();
      await other.close();
    }
  });

  it('a transient 503 while polling does not fail the wait', async () => {
    fake.addFault({ path: /^\/queue\/item\/\d+\/api\/json$/, status: 503, times: 2 });
    const run = await client.triggerBuild('team/elsewhere');
    assert.equal(run.result, 'UNSTABLE');
  });
});
