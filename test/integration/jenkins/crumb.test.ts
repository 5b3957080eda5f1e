import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JenkinsClient } from '../../../src/clients/jenkins/jenkins-client.ts';
import { JenkinsError } from '../../../src/clients/jenkins/jenkins-errors.ts';
import { startJenkinsFake, type JenkinsFakeOptions } from '../../fakes/jenkins-server.ts';

const JOB = 'team/payments/main';
const BUILD_PATH = '/job/team/job/payments/job/main/build';

async function withFake(
  options: JenkinsFakeOptions,
  clientOptions: { crumb?: 'auto' | 'on-demand' | 'off' },
  body: (fake: Awaited<ReturnType<typeof startJenkinsFake>>, client: JenkinsClient) => Promise<void>,
): Promise<void> {
  const fake = await startJenkinsFake({ jobs: [{ name: JOB }], ...options });
  const client = new JenkinsClient({ baseUrl: fake.url, user: fake.user, apiToken: fake.token, timeoutMs: 2000, pollIntervalMs: 10, ...clientOptions });
  try {
    await body(fake, client);
  } finally {
    await client.close();
    await fake.close();
  }
}

describe('CSRF crumb', () => {
  it('is fetched once and reused for every POST', async () => {
    await withFake({}, {}, async (fake, client) => {
      await client.queueBuild(JOB);
      fake.setPlan(JOB, { queueMs: 60_000 });
      await client.queueBuild(JOB, undefined, { quietPeriod: true });
      assert.equal(fake.requestsTo('GET', '/crumbIssuer/api/json').length, 1);
      const posts = fake.requestsTo('POST', BUILD_PATH);
      assert.equal(posts.length, 2);
      assert.ok(posts.every((p) => p.crumbOk === true && p.status === 201));
    });
  });

  it('is refreshed once after a crumb 403, and the POST retried', async () => {
    await withFake({}, {}, async (fake, client) => {
      await client.queueBuild(JOB);
      fake.rotateCrumb();
      const q = await client.queueBuild(JOB);
      assert.ok(q.queueId > 0);
      assert.equal(fake.requestsTo('GET', '/crumbIssuer/api/json').length, 2);
      assert.deepEqual(
        fake.requestsTo('POST', BUILD_PATH).map((r) => [r.crumbOk, r.status]),
        [
          [true, 201],
          [false, 403],
          [true, 201],
        ],
      );
    });
  });

  it('a crumb that keeps failing gives one clear error, not a loop', async () => {
    await withFake({}, {}, async (fake, client) => {
      fake.addFault({ method: 'POST', path: BUILD_PATH, status: 403, body: '<html>Error 403 No valid crumb was included in the request</html>' });
      await assert.rejects(
        client.queueBuild(JOB),
        (e: unknown) =>
          e instanceof JenkinsError && e.kind === 'crumb' && /rejected the CSRF crumb for POST \/job\/team\/job\/payments\/job\/main\/build/.test(e.message),
      );
      assert.equal(fake.requestsTo('POST', BUILD_PATH).length, 2);
      assert.equal(fake.requestsTo('GET', '/crumbIssuer/api/json').length, 2);
    });
  });

  it('no crumb issuer (404): POSTs go without a crumb', async () => {
    await withFake({ csrf: 'off' }, {}, async (fake, client) => {
      await client.queueBuild(JOB);
      await client.queueBuild(JOB);
      assert.equal(fake.requestsTo('GET', '/crumbIssuer/api/json').length, 1);
      assert.deepEqual(
        fake.requestsTo('POST', BUILD_PATH).map((r) => r.status),
        [201, 201],
      );
    });
  });

  it('session-bound crumbs work because the session cookie is sent back', async () => {
    await withFake({ crumbBoundToSession: true }, {}, async (fake, client) => {
      await client.queueBuild(JOB);
      const post = fake.requestsTo('POST', BUILD_PATH)[0];
      assert.equal(post?.hasCookie, true);
      assert.equal(post?.crumbOk, true);
    });
  });

  it('on-demand: no crumb request when the API token is exempt; fetched after a crumb 403 otherwise', async () => {
    await withFake({ csrf: 'api-token-exempt' }, { crumb: 'on-demand' }, async (fake, client) => {
      await client.queueBuild(JOB);
      assert.equal(fake.requestsTo('GET', '/crumbIssuer/api/json').length, 0);
    });
    await withFake({ csrf: 'required' }, { crumb: 'on-demand' }, async (fake, client) => {
      await client.queueBuild(JOB);
      await client.queueBuild(JOB);
      assert.equal(fake.requestsTo('GET', '/crumbIssuer/api/json').length, 1);
      assert.deepEqual(
        fake.requestsTo('POST', BUILD_PATH).map((r) => r.status),
        [403, 201, 201],
      );
    });
  });
});
