import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  describeHttpStatus,
  describeRequestFailure,
  errorPageText,
  isCrumbRejection,
  JenkinsError,
  parseMissingPermission,
  type HttpFailureContext,
} from '../../../src/clients/jenkins/jenkins-errors.ts';

const TOKEN = '11secrettokenvalue0123456789abcd';
const ctx = (over: Partial<HttpFailureContext> = {}): HttpFailureContext => ({
  method: 'POST',
  path: '/job/team/job/api/build',
  user: 'buildfix',
  origin: 'https://ci.example.test',
  scrub: (t) => t.split(TOKEN).join('***'),
  ...over,
});

describe('parseMissingPermission', () => {
  it('reads the body sentence and the X-Required-Permission header', () => {
    assert.deepEqual(parseMissingPermission('<p>alice is missing the Job/Build permission</p>', { 'x-required-permission': 'hudson.model.Item.Build' }), {
      title: 'Job/Build',
      id: 'hudson.model.Item.Build',
      who: 'alice',
    });
    assert.deepEqual(parseMissingPermission('', { 'x-required-permission': 'hudson.model.Computer.Connect', 'x-you-are-authenticated-as': 'bob' }), {
      title: 'Agent/Connect',
      id: 'hudson.model.Computer.Connect',
      who: 'bob',
    });
    assert.deepEqual(parseMissingPermission('bob is missing the Overall/Administer permission', {}), { title: 'Overall/Administer', who: 'bob' });
    assert.equal(parseMissingPermission('Forbidden', {}), undefined);
  });
});

describe('describeHttpStatus', () => {
  it('401 points at the credentials variables', () => {
    const err = describeHttpStatus(401, 'Invalid password/token for user: buildfix', {}, ctx());
    assert.equal(err.kind, 'auth');
    assert.equal(err.status, 401);
    assert.match(err.message, /check JENKINS_USER \/ JENKINS_API_TOKEN/);
    assert.match(err.message, /POST \/job\/team\/job\/api\/build/);
  });

  it('403 names the missing permission', () => {
    const err = describeHttpStatus(403, 'buildfix is missing the Job/Build permission', { 'x-required-permission': 'hudson.model.Item.Build' }, ctx());
    assert.equal(err.kind, 'permission');
    assert.equal(err.permission, 'Job/Build (hudson.model.Item.Build)');
    assert.match(err.message, /user 'buildfix' lacks the Job\/Build \(hudson\.model\.Item\.Build\) permission needed for POST \/job\/team\/job\/api\/build/);
  });

  it('403 without details still says it is a permission problem', () => {
    const err = describeHttpStatus(403, '<html><body>Forbidden</body></html>', {}, ctx());
    assert.equal(err.kind, 'permission');
    assert.match(err.message, /not allowed to POST \/job\/team\/job\/api\/build .*Forbidden/);
  });

  it('403 as anonymous is a credentials problem', () => {
    const err = describeHttpStatus(403, 'anonymous is missing the Overall/Read permission', {}, ctx());
    assert.equal(err.kind, 'auth');
    assert.match(err.message, /anonymous/);
  });

  it('403 for the crumb is recognised', () => {
    assert.equal(isCrumbRejection(403, 'No valid crumb was included in the request'), true);
    assert.equal(isCrumbRejection(403, 'alice is missing the Job/Build permission'), false);
    assert.equal(describeHttpStatus(403, 'No valid crumb was included in the request', {}, ctx()).kind, 'crumb');
  });

  it('404 names what is missing', () => {
    const job = describeHttpStatus(404, '', {}, ctx({ method: 'GET', path: '/job/team/job/nope/api/json', subject: "job 'team/nope'" }));
    assert.equal(job.kind, 'not-found');
    assert.match(job.message, /^Jenkins has no job 'team\/nope' \(404 Not Found on GET \/job\/team\/job\/nope\/api\/json\); check the name/);
    const custom = describeHttpStatus(404, '', {}, ctx({ notFound: "Jenkins has no agent named 'x'" }));
    assert.match(custom.message, /^Jenkins has no agent named 'x' \(404/);
  });

  it('409 and 5xx', () => {
    assert.equal(describeHttpStatus(409, '', {}, ctx()).kind, 'conflict');
    const e500 = describeHttpStatus(502, '<html>proxy error</html>', {}, ctx());
    assert.equal(e500.kind, 'unreachable');
    assert.match(e500.message, /Jenkins at https:\/\/ci\.example\.test is unreachable or failing: 502 Bad Gateway on POST/);
  });

  it('scrubs text taken from the response', () => {
    const err = describeHttpStatus(403, `<p>echo ${TOKEN}</p>`, {}, ctx());
    assert.ok(!err.message.includes(TOKEN));
  });
});

describe('describeRequestFailure', () => {
  const base = { ...ctx({ method: 'GET', path: '/api/json' }), timedOut: false, timeoutMs: 500, durationMs: 3 };
  it('maps codes to unreachable / timeout', () => {
    const refused = describeRequestFailure(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), base);
    assert.equal(refused.kind, 'unreachable');
    assert.match(refused.message, /connection refused for GET \/api\/json/);
    const timeout = describeRequestFailure(new Error('aborted'), { ...base, timedOut: true });
    assert.equal(timeout.kind, 'timeout');
    assert.match(timeout.message, /did not answer GET \/api\/json within 500 ms: Jenkins unreachable/);
    const reset = describeRequestFailure(new Error('x', { cause: Object.assign(new Error('socket'), { code: 'UND_ERR_SOCKET' }) }), base);
    assert.match(reset.message, /connection was closed/);
    assert.ok(reset instanceof JenkinsError);
  });
});

describe('errorPageText', () => {
  it('drops tags and scripts and cuts long text', () => {
    assert.equal(errorPageText('<html><script>x()</script><h1>Access&nbsp;</h1><p>a &amp; b</p></html>'), 'Access&nbsp; a & b');
    assert.equal(errorPageText('x'.repeat(500), 10).length, 10);
  });
});
