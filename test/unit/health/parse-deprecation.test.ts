import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDeprecation } from '../../../src/health/parse-deprecation.ts';

describe('parseDeprecation (golang.org/x/mod/modfile rules)', () => {
  it('a comment directly above the module line', () => {
    assert.equal(parseDeprecation('// Deprecated: use example.com/new.\nmodule example.com/old\n\ngo 1.19\n'), 'use example.com/new.');
  });

  it('the end-of-line comment of the module line', () => {
    assert.equal(parseDeprecation('module example.com/old // Deprecated: gone\n'), 'gone');
  });

  it('a paragraph that starts with Deprecated:, up to the paragraph end', () => {
    const text = '// Package old does things.\n//\n// Deprecated: use new,\n// which is faster.\n//\n// More words.\nmodule example.com/old\n';
    assert.equal(parseDeprecation(text), 'use new,\nwhich is faster.');
  });

  it('"Deprecated:" must start a paragraph and is case sensitive', () => {
    assert.equal(parseDeprecation('// This is not Deprecated: really\nmodule m\n'), undefined);
    assert.equal(parseDeprecation('// deprecated: lower case\nmodule m\n'), undefined);
  });

  it('a comment separated by a blank line is not the module comment', () => {
    assert.equal(parseDeprecation('// Deprecated: detached\n\nmodule m\n'), undefined);
  });

  it('an empty message is no deprecation (go returns "")', () => {
    assert.equal(parseDeprecation('// Deprecated:\nmodule m\n'), undefined);
  });

  it('comments elsewhere do not count', () => {
    assert.equal(parseDeprecation('module m\n\n// Deprecated: on require\nrequire x.com/y v1.0.0\n'), undefined);
    assert.equal(parseDeprecation('module m\n'), undefined);
  });

  it('module in a block', () => {
    assert.equal(parseDeprecation('module (\n\t// Deprecated: inner\n\texample.com/old\n)\n'), 'inner');
    assert.equal(parseDeprecation('// Deprecated: block\nmodule (\n\texample.com/old\n)\n'), 'block');
  });

  it('a quoted module path with // inside is not a comment', () => {
    assert.equal(parseDeprecation('module "example.com//x" // Deprecated: q\n'), 'q');
  });
});
