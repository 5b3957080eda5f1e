import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  decodeGoModulePath,
  extractGoModule,
  extractGoPackage,
  extractHost,
  extractNpmPackage,
  extractOrigin,
  looksPrivateModule,
  matchesGoPrivate,
  moduleFromProxyUrl,
  npmRegistryFromLine,
} from '../../../src/classify/extract.ts';
import { goPrivatePattern } from '../../../src/classify/fixes.ts';

describe('extractGoModule', () => {
  const cases: Array<[string, string, string | undefined]> = [
    ['go: example.com/ledger@v1.9.9: reading https://proxy.golang.org/example.com/ledger/@v/v1.9.9.info: 404 Not Found', 'example.com/ledger', 'v1.9.9'],
    ['verifying github.com/x/y@v1.2.3/go.mod: checksum mismatch', 'github.com/x/y', 'v1.2.3'],
    ['\tgithub.com/c/d@v0.3.0: reading https://proxy.golang.org/github.com/c/d/@v/v0.3.0.mod: 404 Not Found', 'github.com/c/d', 'v0.3.0'],
    ['go: github.com/x/y@v0.0.0-20240102030405-abcdefabcdef: invalid version', 'github.com/x/y', 'v0.0.0-20240102030405-abcdefabcdef'],
    ['go: github.com/x/y@v2.3.0+incompatible: bad', 'github.com/x/y', 'v2.3.0+incompatible'],
    ['go: github.com/jackc/pgx/v5@v5.5.5: module lookup disabled by GOPROXY=off', 'github.com/jackc/pgx/v5', 'v5.5.5'],
    ['go: example.com/m@master: invalid version: unknown revision master', 'example.com/m', 'master'],
    // from URLs only: case-decoded, proxy path prefixes skipped
    [
      'Get "https://proxy.golang.org/github.com/!azure/azure-sdk-for-go/@v/v68.0.0+incompatible.info": EOF',
      'github.com/Azure/azure-sdk-for-go',
      'v68.0.0+incompatible',
    ],
    ['reading https://artifactory.corp/api/go/go-remote/github.com/x/y/@v/list: 401 Unauthorized', 'github.com/x/y', undefined],
    ['reading https://sum.golang.org/lookup/git.corp/team/lib@v1.0.0: 410 Gone', 'git.corp/team/lib', 'v1.0.0'],
  ];
  for (const [line, module, version] of cases) {
    it(line.slice(0, 80), () => {
      const ref = extractGoModule(line);
      assert.equal(ref?.module, module);
      assert.equal(ref?.version, version);
    });
  }

  it('ignores ssh users and e-mail addresses', () => {
    assert.equal(extractGoModule('git@github.com: Permission denied (publickey).'), undefined);
    assert.equal(extractGoModule('Author: ci@company.com'), undefined);
  });

  it('decodes case-encoded paths and finds proxy URLs', () => {
    assert.equal(decodeGoModulePath('github.com/!burnt!sushi/toml'), 'github.com/BurntSushi/toml');
    assert.deepEqual(moduleFromProxyUrl('see https://proxy.golang.org/golang.org/x/text/@latest'), { module: 'golang.org/x/text' });
    assert.equal(moduleFromProxyUrl('no url here'), undefined);
  });

  it('finds the package named by go.sum / go.mod complaints', () => {
    assert.deepEqual(extractGoPackage('main.go:3:2: missing go.sum entry for module providing package github.com/x/y (imported by a/b)'), {
      module: 'github.com/x/y',
    });
    assert.deepEqual(extractGoPackage('go: no required module provides package github.com/x/y/z; to add it:'), { module: 'github.com/x/y/z' });
  });
});

describe('extractNpmPackage', () => {
  const cases: Array<[string, string, string | undefined]> = [
    ['npm error 404 Not Found - GET https://registry.npmjs.org/@acme%2fledger - Not found', '@acme/ledger', undefined],
    ["npm ERR! 404  '@acme/ledger@^2.0.0' is not in this registry.", '@acme/ledger', '^2.0.0'],
    ['npm ERR! notarget No matching version found for left-pad@9.9.9.', 'left-pad', '9.9.9'],
    ['npm error Missing: @types/node@20.12.7 from lock file', '@types/node', '20.12.7'],
    ['npm ERR! 404 Not Found - GET https://registry.npmjs.org/@acme/ui/-/ui-1.2.3.tgz', '@acme/ui', '1.2.3'],
    ['npm ERR! network request to https://registry.npmjs.org/express failed, reason: getaddrinfo ENOTFOUND registry.npmjs.org', 'express', undefined],
    [
      'npm ERR! 403 403 Forbidden - GET https://artifactory.corp/artifactory/api/npm/npm-virtual/@payments%2fledger-client - denied',
      '@payments/ledger-client',
      undefined,
    ],
    ['npm warn EBADENGINE Unsupported engine for vite@6.0.1: wanted: {"node":">=18"} (current: {"node":"16.20.2"})', 'vite', '6.0.1'],
  ];
  for (const [line, module, version] of cases) {
    it(line.slice(0, 80), () => {
      const ref = extractNpmPackage(line);
      assert.equal(ref?.module, module);
      assert.equal(ref?.version, version);
    });
  }
});

describe('registries and origins', () => {
  it('keys npm registries the way .npmrc does', () => {
    assert.equal(npmRegistryFromLine('npm ERR! 404 Not Found - GET https://registry.npmjs.org/@acme%2fledger - Not found'), '//registry.npmjs.org/');
    assert.equal(npmRegistryFromLine('npm ERR! 404 Not Found - GET https://registry.npmjs.org/left-pad/-/left-pad-9.9.9.tgz'), '//registry.npmjs.org/');
    assert.equal(npmRegistryFromLine('GET https://art.corp/artifactory/api/npm/npm-virtual/@a/b/-/b-1.0.0.tgz'), '//art.corp/artifactory/api/npm/npm-virtual/');
    assert.equal(npmRegistryFromLine('GET https://art.corp/artifactory/api/npm/npm-virtual/@a%2fb - denied'), '//art.corp/artifactory/api/npm/npm-virtual/');
    assert.equal(npmRegistryFromLine('no url'), undefined);
  });

  it('gives scheme, host and port of the first URL without credentials', () => {
    assert.equal(extractOrigin('Get "http://athens.build.svc:3000/github.com/x/@v/list": refused'), 'http://athens.build.svc:3000');
    assert.equal(extractOrigin('Get "https://bot:tok@proxy.golang.org/x": EOF'), 'https://proxy.golang.org');
  });
});

describe('hosts and private modules', () => {
  it('extracts hosts from URLs (without credentials) and DNS lookups', () => {
    assert.equal(extractHost('Get "https://user:pw@Proxy.Golang.org/x": EOF'), 'proxy.golang.org');
    assert.equal(extractHost('dial tcp: lookup sum.golang.org on 127.0.0.11:53: no such host'), 'sum.golang.org');
    assert.equal(extractHost('no host here'), undefined);
  });

  it('tells company hosts from public forges', () => {
    assert.equal(looksPrivateModule('git.corp.example.com/team/lib'), true);
    assert.equal(looksPrivateModule('gitlab.internal/team/lib'), true);
    assert.equal(looksPrivateModule('git.corp/x'), true);
    assert.equal(looksPrivateModule('github.com/acme-corp/lib'), false);
    assert.equal(looksPrivateModule('example.com/ledger'), false);
    assert.equal(looksPrivateModule('golang.org/x/text'), false);
    assert.equal(looksPrivateModule('github.com/acme-corp/lib', 'github.com/acme-corp/*'), true);
  });

  it('matches GOPRIVATE globs against path prefixes', () => {
    assert.equal(matchesGoPrivate('github.com/acme/x/v2', 'github.com/acme'), true);
    assert.equal(matchesGoPrivate('github.com/acme/x', '*.corp.example.com,github.com/acme/*'), true);
    assert.equal(matchesGoPrivate('git.corp.example.com/a', '*.corp.example.com'), true);
    assert.equal(matchesGoPrivate('github.com/other/x', 'github.com/acme/*'), false);
  });

  it('suggests a GOPRIVATE pattern per host kind', () => {
    assert.equal(goPrivatePattern('github.com/acme-corp/lib/v2'), 'github.com/acme-corp/*');
    assert.equal(goPrivatePattern('git.corp.example.com/team/lib'), 'git.corp.example.com');
  });
});
