import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { JenkinsClient } from '../../../src/clients/jenkins/jenkins-client.ts';
import { JenkinsError } from '../../../src/clients/jenkins/jenkins-errors.ts';
import { ConfigError } from '../../../src/errors.ts';
import { startJenkinsFake, type JenkinsFake } from '../../fakes/jenkins-server.ts';

const TOKEN = '11c0ffee1234567890abcdefdeadbeef';
const BASIC = Buffer.from(`buildfix:${TOKEN}`).toString('base64');

// The token (plain or inside the Basic header) must appear nowhere a person or a log could see.
function assertNoSecret(err: unknown): void {
  assert.ok(err instanceof Error);
  const surfaces = [err.message, String(err), err.stack ?? '', JSON.stringify((err as { details?: unknown }).details ?? {})];
  for (const text of surfaces) {
    assert.ok(!text.includes(TOKEN), `token leaked: ${text}`);
    assert.ok(!text.includes(BASIC), `basic header leaked: ${text}`);
  }
}

async function expectJenkinsError(work: Promise<unknown>, check: (e: JenkinsError) => void): Promise<void> {
  await assert.rejects(work, (err: unknown) => {
    assert.ok(err instanceof JenkinsError, `expected JenkinsError, got ${String(err)}`);
    assertNoSecret(err);
    check(err);
    return true;
  });
}

describe('JenkinsClient error mapping against the fake', () => {
  let fake: JenkinsFake;
  let client: JenkinsClient;
  before(async () => {
    fake = await startJenkinsFake({
      users: [
        { user: 'buildfix', token: TOKEN },
        { user: 'viewer', token: `${TOKEN}v`, denied: ['hudson.model.Item.Build'] },
      ],
      jobs: [{ name: 'team/payments/main' }],
      nodes: [{ name: 'agent-01' }],
    });
    client = new JenkinsClient({ baseUrl: fake.url, user: 'buildfix', apiToken: TOKEN, timeoutMs: 2000, pollIntervalMs: 10 });
  });
  after(async () => {
    await client.close();
    await fake.close();
  });

  it('authenticates with user + token (whoAmI)', async () => {
    const me = await client.whoAmI();
    assert.equal(me.name, 'buildfix');
    assert.equal(fake.requests.at(-1)?.authOk, true);
  });

  it('401: bad token → check JENKINS_USER / JENKINS_API_TOKEN', async () => {
    const bad = new JenkinsClient({ baseUrl: fake.url, user: 'buildfix', apiToken: `${TOKEN}x`, timeoutMs: 2000 });
    await expectJenkinsError(bad.getJob('team/payments/main'), (e) => {
      assert.equal(e.kind, 'auth');
      assert.equal(e.status, 401);
      assert.match(
        e.message,
        /rejected the credentials of user 'buildfix' \(401 Unauthorized on GET \/job\/team\/job\/payments\/job\/main\/api\/json\): check/,
      );
      assert.match(e.message, /check JENKINS_USER \/ JENKINS_API_TOKEN/);
      assert.equal(e.path, '/job/team/job/payments/job/main/api/json');
      assert.ok(!e.message.includes(`${TOKEN}x`));
    });
    assert.equal(fake.requests.at(-1)?.authOk, false);
    await bad.close();
  });

  it('403: names the missing permission', async () => {
    const viewer = new JenkinsClient({ baseUrl: fake.url, user: 'viewer', apiToken: `${TOKEN}v`, timeoutMs: 2000 });
    await expectJenkinsError(viewer.queueBuild('team/payments/main'), (e) => {
      assert.equal(e.kind, 'permission');
      assert.equal(e.status, 403);
      assert.equal(e.permission, 'Job/Build (hudson.model.Item.Build)');
      assert.match(
        e.message,
        /user 'viewer' lacks the Job\/Build \(hudson\.model\.Item\.Build\) permission needed for POST \/job\/team\/job\/payments\/job\/main\/build/,
      );
    });
    await viewer.close();
  });

  it('404: names the job, the build and the agent', async () => {
    await expectJenkinsError(client.getJob('team/payments/nope'), (e) => {
      assert.equal(e.kind, 'not-found');
      assert.match(e.message, /^Jenkins has no job 'team\/payments\/nope' \(404 Not Found on GET \/job\/team\/job\/payments\/job\/nope\/api\/json/);
    });
    await expectJenkinsError(client.getBuild('team/payments/main', 99), (e) => {
      assert.match(e.message, /^Jenkins has no build #99 of job 'team\/payments\/main' \(404/);
    });
    await expectJenkinsError(client.getNode('agent-99'), (e) => {
      assert.match(e.message, /^Jenkins has no agent named 'agent-99'.*\(404 Not Found on GET \/computer\/agent-99\/api\/json/);
    });
  });

  it('500: Jenkins unreachable or failing, with the path', async () => {
    fake.addFault({ path: '/computer/api/json', status: 500, times: 1 });
    await expectJenkinsError(client.listNodes(), (e) => {
      assert.equal(e.kind, 'unreachable');
      assert.equal(e.status, 500);
      assert.match(e.message, /is unreachable or failing: 500 Internal Server Error on GET \/computer\/api\/json/);
    });
  });

  it('timeout: a slow answer hits the per-call deadline', async () => {
    const quick = new JenkinsClient({ baseUrl: fake.url, user: 'buildfix', apiToken: TOKEN, timeoutMs: 150 });
    fake.addFault({ path: '/whoAmI/api/json', delayMs: 1000, times: 1 });
    const t = performance.now();
    await expectJenkinsError(quick.whoAmI(), (e) => {
      assert.equal(e.kind, 'timeout');
      assert.match(e.message, /did not answer GET \/whoAmI\/api\/json within 150 ms: Jenkins unreachable or overloaded/);
    });
    assert.ok(performance.now() - t < 900);
    await quick.close();
  });

  it('connection destroyed: Jenkins unreachable (after one retry for GETs)', async () => {
    fake.addFault({ path: '/whoAmI/api/json', destroy: true, times: 2 });
    const before = fake.requestsTo('GET', '/whoAmI/api/json').length;
    await expectJenkinsError(client.whoAmI(), (e) => {
      assert.equal(e.kind, 'unreachable');
      assert.match(e.message, /connection was closed during GET \/whoAmI\/api\/json/);
    });
    assert.equal(fake.requestsTo('GET', '/whoAmI/api/json').length - before, 2);
    // A single reset on a GET is retried transparently.
    fake.addFault({ path: '/whoAmI/api/json', destroy: true, times: 1 });
    assert.equal((await client.whoAmI()).name, 'buildfix');
  });

  it('a POST is never retried after a dropped connection', async () => {
    fake.addFault({ method: 'POST', path: '/job/team/job/payments/job/main/build', destroy: true, times: 1 });
    const before = fake.requestsTo('POST', '/job/team/job/payments/job/main/build').length;
    await expectJenkinsError(client.queueBuild('team/payments/main'), (e) => assert.equal(e.kind, 'unreachable'));
    assert.equal(fake.requestsTo('POST', '/job/team/job/payments/job/main/build').length - before, 1);
  });

  it('a login page instead of JSON is a bad-response error', async () => {
    fake.addFault({ path: '/whoAmI/api/json', status: 200, body: '<html>Sign in</html>', times: 1 });
    await expectJenkinsError(client.whoAmI(), (e) => {
      assert.equal(e.kind, 'bad-response');
      assert.match(e.message, /not JSON: is JENKINS_URL .* the Jenkins root/);
    });
  });
});

describe('JenkinsClient without a server', () => {
  it('connection refused: Jenkins unreachable', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const client = new JenkinsClient({ baseUrl: `http://127.0.0.1:${port}/`, user: 'buildfix', apiToken: TOKEN, timeoutMs: 2000 });
    await expectJenkinsError(client.listNodes(), (e) => {
      assert.equal(e.kind, 'unreachable');
      assert.match(e.message, new RegExp(`Jenkins at http://127\\.0\\.0\\.1:${port} is unreachable: connection refused for GET /computer/api/json`));
    });
    await client.close();
  });

  it('rejects bad options at construction, naming the variables', () => {
    assert.throws(
      () => new JenkinsClient({ baseUrl: 'ftp://x', user: '', apiToken: '' }),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.problems.length === 3 &&
        /JENKINS_URL/.test(e.message) &&
        /JENKINS_USER/.test(e.message) &&
        /JENKINS_API_TOKEN/.test(e.message),
    );
  });

  it('drops credentials from the base URL and keeps a context path', () => {
    const c = new JenkinsClient({ baseUrl: 'https://u:p@ci.example.test/jenkins', user: 'buildfix', apiToken: TOKEN });
    assert.equal(c.baseUrl, 'https://ci.example.test/jenkins/');
    assert.equal(c.origin, 'https://ci.example.test/jenkins');
    assert.equal(c.urlFor('/job/a/42/'), 'https://ci.example.test/jenkins/job/a/42/');
    assert.equal(c.scrub(`x ${TOKEN} Authorization: Basic ${BASIC}`), 'x *** Authorization: Basic ***');
  });
});
