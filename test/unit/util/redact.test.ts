import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { maskUrlCredentials, redactText, registerSecret } from '../../../src/util/redact.ts';

describe('redactText', () => {
  it('masks proxy passwords, tokens and registered secrets', () => {
    registerSecret('hunter2-signing-secret');
    const text =
      'HTTPS_PROXY=http://bob:pa55w0rd@proxy.corp:3128 token xoxb-123-456-abc secret=hunter2-signing-secret Authorization: Bearer abc.def ?token=zzz';
    const out = redactText(text);
    for (const secret of ['pa55w0rd', 'xoxb-123-456-abc', 'hunter2-signing-secret', 'abc.def', 'zzz'])
      assert.ok(!out.includes(secret), `${secret} leaked: ${out}`);
    assert.match(out, /http:\/\/bob:\*\*\*@proxy\.corp:3128/);
  });
  it('masks the password but keeps the user in URLs', () => {
    assert.equal(maskUrlCredentials('https://u:p@h/x'), 'https://u:***@h/x');
    assert.equal(maskUrlCredentials('https://token@h/x'), 'https://token:***@h/x');
  });
});
