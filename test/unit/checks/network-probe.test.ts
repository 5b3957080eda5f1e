import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { describe, it } from 'node:test';
import { rootCertificates, type DetailedPeerCertificate } from 'node:tls';
import { chainsToPublicRoot, probeTargetsFromGoEnv } from '../../../src/checks/network-probe.ts';

describe('probeTargetsFromGoEnv', () => {
  it('defaults to proxy.golang.org and sum.golang.org', () => {
    assert.deepEqual(probeTargetsFromGoEnv({}), [
      { kind: 'goproxy', url: 'https://proxy.golang.org' },
      { kind: 'sumdb', url: 'https://sum.golang.org' },
    ]);
  });

  it('takes every http(s) entry up to direct, skipping file:// entries', () => {
    const targets = probeTargetsFromGoEnv({
      GOPROXY: 'https://goproxy.corp.example|file:///srv/mirror,http://athens.corp.example:3000,direct,https://never.example',
      GOSUMDB: 'off',
    });
    assert.deepEqual(targets, [
      { kind: 'goproxy', url: 'https://goproxy.corp.example' },
      { kind: 'goproxy', url: 'http://athens.corp.example:3000' },
    ]);
  });

  it('uses the URL GOSUMDB names', () => {
    const targets = probeTargetsFromGoEnv({ GOPROXY: 'off', GOSUMDB: 'sum.golang.org https://goproxy.cn/sumdb/sum.golang.org' });
    assert.deepEqual(targets, [{ kind: 'sumdb', url: 'https://goproxy.cn/sumdb/sum.golang.org' }]);
  });
});

describe('chainsToPublicRoot', () => {
  it('accepts a chain that ends in a bundled public root', () => {
    const root = new X509Certificate(rootCertificates[0]!);
    const cert = { raw: root.raw, fingerprint256: root.fingerprint256 } as unknown as DetailedPeerCertificate;
    (cert as { issuerCertificate: DetailedPeerCertificate }).issuerCertificate = cert;
    assert.equal(chainsToPublicRoot(cert), true);
  });
});
