import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseNetrc } from '../../../src/checks/host-check.ts';

describe('parseNetrc', () => {
  it('records machines with login/password presence only', () => {
    const text = [
      'machine git.corp.example login ci-bot password glpat-SECRET1',
      'machine goproxy.corp.example',
      '  login deploy',
      '  password SECRET2',
      'machine half.example login only-login',
      'default login anon password SECRET3',
    ].join('\n');
    const entries = parseNetrc(text);
    assert.deepEqual(entries, [
      { machine: 'git.corp.example', hasLogin: true, hasPassword: true },
      { machine: 'goproxy.corp.example', hasLogin: true, hasPassword: true },
      { machine: 'half.example', hasLogin: true, hasPassword: false },
      { machine: 'default', hasLogin: true, hasPassword: true },
    ]);
    const json = JSON.stringify(entries);
    for (const secret of ['SECRET1', 'SECRET2', 'SECRET3', 'ci-bot', 'deploy', 'anon']) assert.ok(!json.includes(secret), secret);
  });

  it('skips macdef bodies up to the blank line and comment lines', () => {
    const text = [
      '# machine commented.example password x',
      'macdef init',
      'machine fake.example password y',
      '',
      'machine Real.Example login u password p',
    ].join('\n');
    assert.deepEqual(parseNetrc(text), [{ machine: 'real.example', hasLogin: true, hasPassword: true }]);
  });

  it('treats a single-line file with CRLF endings like any other', () => {
    assert.deepEqual(parseNetrc('machine a.example login u password p\r\n'), [{ machine: 'a.example', hasLogin: true, hasPassword: true }]);
  });
});
