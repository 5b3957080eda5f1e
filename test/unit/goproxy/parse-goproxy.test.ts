import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_GOPROXY, GoEnvValueError, parseGoSumDb, parseGoproxy } from '../../../src/goproxy/parse-goproxy.ts';
import type { ProxyEntry } from '../../../src/goproxy/types.ts';

const url = (u: string, fallThroughOnAnyError = false): ProxyEntry => ({ kind: 'url', url: u, fallThroughOnAnyError });

describe('parseGoproxy: the go command list semantics', () => {
  const table: Array<[string | undefined, ProxyEntry[]]> = [
    [undefined, [url('https://proxy.golang.org'), { kind: 'direct' }]],
    ['', [url('https://proxy.golang.org'), { kind: 'direct' }]],
    ['direct', [{ kind: 'direct' }]],
    ['off', [{ kind: 'off' }]],
    ['https://a.example', [url('https://a.example')]],
    ['https://a.example,https://b.example', [url('https://a.example'), url('https://b.example')]],
    ['https://a.example|https://b.example', [url('https://a.example', true), url('https://b.example')]],
    ['https://a.example|https://b.example,direct', [url('https://a.example', true), url('https://b.example'), { kind: 'direct' }]],
    ['https://a.example,https://b.example|direct', [url('https://a.example'), url('https://b.example', true), { kind: 'direct' }]],
    // direct and off end the list: later entries are ignored, even invalid ones
    ['direct,https://never.example', [{ kind: 'direct' }]],
    ['https://a.example,off,https://never.example', [url('https://a.example'), { kind: 'off' }]],
    ['https://a.example|off', [url('https://a.example', true), { kind: 'off' }]],
    ['off,ftp://ignored', [{ kind: 'off' }]],
    // bare hosts get https://; spaces and empty entries are skipped
    ['proxy.corp.example', [url('https://proxy.corp.example')]],
    ['proxy.corp.example:8443/go', [url('https://proxy.corp.example:8443/go')]],
    [' https://a.example , , direct ', [url('https://a.example'), { kind: 'direct' }]],
    ['http://127.0.0.1:3000', [url('http://127.0.0.1:3000')]],
    ['file:///srv/goproxy', [url('file:///srv/goproxy')]],
    ['file:/srv/goproxy', [url('file:/srv/goproxy')]],
    ['file:///srv/goproxy|https://a.example', [url('file:///srv/goproxy', true), url('https://a.example')]],
    // the separator belongs to the entry before it; a trailing separator is harmless
    ['https://a.example|', [url('https://a.example', true)]],
  ];
  for (const [value, expected] of table) {
    it(`GOPROXY=${JSON.stringify(value)}`, () => {
      assert.deepEqual(parseGoproxy(value), expected);
    });
  }

  it('the default is proxy.golang.org then direct', () => {
    assert.equal(DEFAULT_GOPROXY, 'https://proxy.golang.org,direct');
  });

  const bad: Array<[string, RegExp, string]> = [
    ['ftp://mirror.example', /unsupported proxy scheme "ftp"/, 'ftp://mirror.example'],
    ['socks5://127.0.0.1:1080', /unsupported proxy scheme "socks5"/, 'socks5://127.0.0.1:1080'],
    ['https://a.example,gopher://x.example', /unsupported proxy scheme "gopher"/, 'gopher://x.example'],
    ['myproxy', /missing scheme: myproxy/, 'myproxy'],
    ['/srv/goproxy', /missing scheme: \/srv\/goproxy/, '/srv/goproxy'],
    ['file://host/srv/goproxy', /non-path elements/, 'file://host/srv/goproxy'],
    ['file:///srv/goproxy?x=1', /non-path elements/, 'file:///srv/goproxy?x=1'],
    // like Go, "file:srv" gets https:// (it has ':' but not ':/'), which is then not a valid URL
    ['file:srv/goproxy', /invalid proxy URL: https:\/\/file:srv\/goproxy/, 'file:srv/goproxy'],
    ['proxy.example:port', /invalid proxy URL/, 'proxy.example:port'],
    [',', /contains no entries/, ','],
    [' | ', /contains no entries/, ' | '],
  ];
  for (const [value, message, entry] of bad) {
    it(`rejects GOPROXY=${JSON.stringify(value)} naming the entry`, () => {
      assert.throws(
        () => parseGoproxy(value),
        (err: unknown) => err instanceof GoEnvValueError && err.code === 'BF_CONFIG' && message.test(err.message) && err.entry === entry,
      );
    });
  }

  it('never shows a password or token from a rejected entry', () => {
    assert.throws(
      () => parseGoproxy('ftp://user:s3cret@mirror.example'),
      (err: unknown) =>
        err instanceof GoEnvValueError && !err.message.includes('s3cret') && err.message.includes('user:***@') && err.entry === 'ftp://user:***@mirror.example',
    );
    assert.throws(
      () => parseGoproxy('ftp://tok3n@mirror.example'),
      (err: unknown) => err instanceof GoEnvValueError && !err.message.includes('tok3n'),
    );
  });
});

describe('parseGoSumDb', () => {
  it('defaults to sum.golang.org with its known key', () => {
    for (const value of [undefined, '', 'sum.golang.org']) {
      const db = parseGoSumDb(value);
      assert.equal(db?.name, 'sum.golang.org');
      assert.equal(db?.url, 'https://sum.golang.org');
      assert.equal(db?.explicitUrl, false);
      assert.match(db?.key ?? '', /^sum\.golang\.org\+033de0ae\+/);
    }
  });

  it('off disables it', () => {
    assert.equal(parseGoSumDb('off'), undefined);
  });

  it('sum.golang.google.cn is the same database at another URL', () => {
    const db = parseGoSumDb('sum.golang.google.cn');
    assert.equal(db?.name, 'sum.golang.org');
    assert.equal(db?.url, 'https://sum.golang.google.cn');
    assert.equal(db?.explicitUrl, true);
  });

  it('accepts "name+hash+key url" and "name+hash+key"', () => {
    const key = 'sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8';
    assert.deepEqual(parseGoSumDb(`${key} https://sumdb.corp.example/go`), {
      name: 'sum.golang.org',
      key,
      url: 'https://sumdb.corp.example/go',
      explicitUrl: true,
    });
    assert.deepEqual(parseGoSumDb(key), { name: 'sum.golang.org', key, url: 'https://sum.golang.org', explicitUrl: false });
    assert.equal(parseGoSumDb('sum.golang.org https://mirror.example')?.url, 'https://mirror.example');
  });

  const bad: Array<[string, RegExp]> = [
    ['sumdb.corp.example', /malformed verifier id/],
    ['sum.golang.org+033de0af+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8', /invalid verifier hash/],
    ['sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8 https://a b', /too many fields/],
    ['   ', /missing GOSUMDB/],
  ];
  for (const [value, message] of bad) {
    it(`rejects GOSUMDB=${JSON.stringify(value)}`, () => {
      assert.throws(
        () => parseGoSumDb(value),
        (err: unknown) => err instanceof GoEnvValueError && message.test(err.message),
      );
    });
  }
});
