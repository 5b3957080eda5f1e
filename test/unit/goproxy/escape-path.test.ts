import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  InvalidModulePathError,
  checkModulePath,
  escapePath,
  escapeVersion,
  splitPathVersion,
  unescapePath,
  unescapeVersion,
} from '../../../src/goproxy/escape-path.ts';

describe('escapePath / unescapePath', () => {
  const table: Array<[string, string]> = [
    ['github.com/BurntSushi/toml', 'github.com/!burnt!sushi/toml'],
    ['github.com/Azure/azure-sdk-for-go/v68', 'github.com/!azure/azure-sdk-for-go/v68'],
    ['example.com/ABC', 'example.com/!a!b!c'],
    ['golang.org/x/text', 'golang.org/x/text'],
    ['gopkg.in/yaml.v3', 'gopkg.in/yaml.v3'],
    ['example.com/a_b~c-d.e', 'example.com/a_b~c-d.e'],
  ];
  for (const [path, escaped] of table) {
    it(`${path} ⇄ ${escaped}`, () => {
      assert.equal(escapePath(path), escaped);
      assert.equal(unescapePath(escaped), path);
    });
  }

  const invalid: Array<[string, RegExp]> = [
    ['', /empty string/],
    ['github.com//x', /double slash/],
    ['github.com/x/', /trailing slash/],
    ['/github.com/x', /empty path element|leading slash/],
    ['localhost/x', /missing dot in first path element/],
    ['GitHub.com/x', /invalid char 'G' in first path element/],
    ['github.com/x y', /invalid char ' '/],
    ['github.com/x!y', /invalid char '!'/],
    ['github.com/.x', /leading dot/],
    ['github.com/x.', /trailing dot/],
    ['github.com/x/v1', /invalid version/],
    ['github.com/x/v0', /invalid version/],
    ['github.com/x/v02', /invalid version/],
    ['github.com/x/con', /disallowed as path element component on Windows/],
    ['github.com/x/PROGRA~1', /trailing tilde and digits/],
    ['-bad.com/x', /leading dash/],
  ];
  for (const [path, reason] of invalid) {
    it(`rejects ${JSON.stringify(path)}`, () => {
      assert.throws(
        () => escapePath(path),
        (err: unknown) => err instanceof InvalidModulePathError && err.code === 'BF_INPUT' && reason.test(err.message),
      );
      assert.match(checkModulePath(path) ?? '', reason);
    });
  }

  it('rejects malformed escaped paths', () => {
    for (const bad of ['github.com/Azure/x', 'github.com/!/x', 'github.com/!1x', 'github.com/x!']) {
      assert.throws(() => unescapePath(bad), InvalidModulePathError, bad);
    }
  });
});

describe('escapeVersion / unescapeVersion', () => {
  const table: Array<[string, string]> = [
    ['v1.2.3', 'v1.2.3'],
    ['v1.0.0-RC1', 'v1.0.0-!r!c1'],
    ['v2.3.0+incompatible', 'v2.3.0+incompatible'],
    ['v0.0.0-20240102030405-abcdefabcdef', 'v0.0.0-20240102030405-abcdefabcdef'],
    ['master', 'master'],
  ];
  for (const [version, escaped] of table) {
    it(`${version} ⇄ ${escaped}`, () => {
      assert.equal(escapeVersion(version), escaped);
      assert.equal(unescapeVersion(escaped), version);
    });
  }

  it('rejects versions the module cache cannot hold', () => {
    for (const bad of ['', 'v1.0.0!', 'v1/2', 'v1.0.0.', '..', 'v1.0.0\n']) {
      assert.throws(
        () => escapeVersion(bad),
        (err: unknown) => err instanceof InvalidModulePathError && /disallowed version string/.test(err.message),
        JSON.stringify(bad),
      );
    }
    assert.throws(() => unescapeVersion('v1.0.0-RC1'), InvalidModulePathError);
  });
});

describe('splitPathVersion', () => {
  it('splits major-version suffixes like module.SplitPathVersion', () => {
    assert.deepEqual(splitPathVersion('github.com/x/y/v2'), { prefix: 'github.com/x/y', pathMajor: '/v2', ok: true });
    assert.deepEqual(splitPathVersion('github.com/x/y'), { prefix: 'github.com/x/y', pathMajor: '', ok: true });
    assert.deepEqual(splitPathVersion('github.com/x/y/v1'), { prefix: 'github.com/x/y/v1', pathMajor: '', ok: false });
    assert.deepEqual(splitPathVersion('github.com/x/y/v2.1'), { prefix: 'github.com/x/y/v2.1', pathMajor: '', ok: false });
    assert.deepEqual(splitPathVersion('gopkg.in/yaml.v3'), { prefix: 'gopkg.in/yaml', pathMajor: '.v3', ok: true });
    assert.deepEqual(splitPathVersion('gopkg.in/yaml'), { prefix: 'gopkg.in/yaml', pathMajor: '', ok: false });
  });
});
