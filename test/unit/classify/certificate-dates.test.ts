import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyLog } from '../../../src/classify/classify-log.ts';
import { otherCause } from '../../../src/classify/other-cause.ts';

describe('certificate dates: whose clock or whose certificate', () => {
  it("Node's CERT_NOT_YET_VALID is the agent's clock behind, with time sync as the fix", () => {
    const c = classifyLog(
      ['npm ERR! node v6.10.3', 'npm ERR! npm  v3.10.10', 'npm ERR! code CERT_NOT_YET_VALID', '', 'npm ERR! certificate is not yet valid'].join('\n'),
    );
    assert.equal(c.category, 'tls-interception');
    assert.ok(c.confidence >= 0.8, `confidence ${c.confidence}`);
    assert.equal(c.evidenceLines[0], 3);
    assert.match(c.fix, /clock is behind/);
    assert.match(c.fix, /timedatectl set-ntp true/);
    assert.doesNotMatch(c.fix, /corporate root CA|strict-ssl=false$/);
  });

  it("an undated expired certificate at a mirror is unsure: the agent's path first, the mirror's own lapse second", () => {
    const c = classifyLog(
      'go: github.com/gomodule/redigo@v1.8.5: Get "https://goproxy.io/github.com/gomodule/redigo/@v/v1.8.5.mod": x509: certificate has expired or is not yet valid',
    );
    assert.equal(c.category, 'tls-interception');
    assert.ok(c.confidence < 0.8, `confidence ${c.confidence}`);
    assert.equal(otherCause(c), 'proxy-server-error');
    assert.match(c.fix, /openssl s_client -connect goproxy\.io:443/);
    assert.match(c.fix, /Expired everywhere: goproxy\.io let its own certificate lapse/);
    assert.match(c.fix, /Do not turn verification off/);
  });

  it("npm's CERT_HAS_EXPIRED gets the same look-first advice, for the registry", () => {
    const c = classifyLog(
      [
        'npm ERR! code CERT_HAS_EXPIRED',
        'npm ERR! errno CERT_HAS_EXPIRED',
        'npm ERR! request to https://registry.npm.taobao.org/react failed, reason: certificate has expired',
      ].join('\n'),
    );
    assert.equal(c.category, 'tls-interception');
    assert.equal(otherCause(c), 'proxy-server-error');
    assert.match(c.fix, /registry\.npm\.taobao\.org/);
    assert.match(c.fix, /switch the registry in \.npmrc to another mirror/);
  });

  it("a retired root's expiry date stays the agent's CA bundle, sure", () => {
    const c = classifyLog(
      'go: gopkg.in/yaml.v3@v3.0.1: Get "https://gopkg.in/yaml.v3?go-get=1": x509: certificate has expired or is not yet valid: current time 2021-10-04T09:00:00Z is after 2021-09-30T14:01:15Z',
    );
    assert.equal(c.category, 'tls-interception');
    assert.ok(c.confidence >= 0.8);
    assert.match(c.fix, /retired root CA/);
  });
});
