import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bypassesProxy, parseProxyValue, proxyForUrl } from '../../../src/goproxy/proxy-env.ts';

describe('proxyForUrl (go command semantics)', () => {
  const https = new URL('https://proxy.golang.org/');
  it('reads uppercase before lowercase and skips empty values', () => {
    assert.equal(proxyForUrl(https, { HTTPS_PROXY: 'http://upper:1', https_proxy: 'http://lower:2' }).proxy?.host, 'upper:1');
    assert.equal(proxyForUrl(https, { HTTPS_PROXY: '', https_proxy: 'http://lower:2' }).proxy?.host, 'lower:2');
  });
  it('uses only HTTPS_PROXY for https targets and HTTP_PROXY for http', () => {
    assert.equal(proxyForUrl(https, { HTTP_PROXY: 'http://p:1' }).proxy, undefined);
    assert.equal(proxyForUrl(new URL('http://x.example/'), { HTTP_PROXY: 'http://p:1' }).proxy?.host, 'p:1');
  });
  it('never proxies loopback', () => {
    assert.equal(proxyForUrl(new URL('http://127.0.0.1:9/'), { HTTP_PROXY: 'http://p:1' }).reason, 'loopback');
    assert.equal(proxyForUrl(new URL('http://localhost:9/'), { HTTP_PROXY: 'http://p:1' }).proxy, undefined);
  });
  it('adds http:// to a bare host:port', () => {
    assert.equal(parseProxyValue('proxy.corp:3128')?.href, 'http://proxy.corp:3128/');
  });
});

describe('NO_PROXY matching', () => {
  it('matches domains, subdomains, ports, CIDR and *', () => {
    assert.equal(bypassesProxy('git.corp.example', '443', 'corp.example'), true);
    assert.equal(bypassesProxy('corp.example', '443', 'corp.example'), true);
    assert.equal(bypassesProxy('corp.example', '443', '.corp.example'), false);
    assert.equal(bypassesProxy('a.corp.example', '443', '*.corp.example'), true);
    assert.equal(bypassesProxy('corp.example', '8443', 'corp.example:443'), false);
    assert.equal(bypassesProxy('10.1.2.3', '443', '10.0.0.0/8'), true);
    assert.equal(bypassesProxy('11.1.2.3', '443', '10.0.0.0/8'), false);
    assert.equal(bypassesProxy('anything', '80', '*'), true);
    assert.equal(bypassesProxy('proxy.golang.org', '443', 'git.corp, .internal'), false);
  });
});
