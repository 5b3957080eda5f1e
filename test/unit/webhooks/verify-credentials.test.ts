import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { basicAuthPassword, signGithubBody, tokensEqual, verifyGithubSignature } from '../../../src/webhooks/verify-credentials.ts';

describe('webhook credentials', () => {
  it('tokensEqual compares any lengths in constant time and refuses empty', () => {
    assert.equal(tokensEqual('s3cret', 's3cret'), true);
    assert.equal(tokensEqual('s3cres', 's3cret'), false);
    assert.equal(tokensEqual('s3cret-longer', 's3cret'), false);
    assert.equal(tokensEqual('', 's3cret'), false);
    assert.equal(tokensEqual(undefined, 's3cret'), false);
  });

  it('verifies X-Hub-Signature-256 over the raw bytes', () => {
    const body = Buffer.from('{"zen":"Keep it logically awesome."}');
    const header = signGithubBody('k', body);
    assert.match(header, /^sha256=[0-9a-f]{64}$/);
    assert.equal(verifyGithubSignature('k', body, header), true);
    assert.equal(verifyGithubSignature('k', body, header.toUpperCase().replace('SHA256=', 'sha256=')), true, 'hex case does not matter');
    assert.equal(verifyGithubSignature('other', body, header), false);
    assert.equal(verifyGithubSignature('k', Buffer.from('{"zen": "Keep it logically awesome."}'), header), false, 'reformatted JSON fails');
    assert.equal(verifyGithubSignature('k', body, undefined), false);
    assert.equal(verifyGithubSignature('k', body, 'sha1=abcd'), false);
    assert.equal(verifyGithubSignature('k', body, 'sha256=zz'), false);
    assert.equal(verifyGithubSignature('k', body, `${header}00`), false);
  });

  it('reads the password of Basic auth', () => {
    assert.equal(basicAuthPassword(`Basic ${Buffer.from('jenkins:tok:en').toString('base64')}`), 'tok:en');
    assert.equal(basicAuthPassword(`Basic ${Buffer.from('nocolon').toString('base64')}`), undefined);
    assert.equal(basicAuthPassword('Bearer x'), undefined);
    assert.equal(basicAuthPassword(undefined), undefined);
  });
});
