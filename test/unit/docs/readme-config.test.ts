/** The README's configuration reference cannot drift from the schema. */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { EnvSchema, GO_ENV_KEYS } from '../../../src/config/env.ts';
import { FileConfigSchema } from '../../../src/config/schema.ts';

const readme = await readFile(new URL('../../../README.md', import.meta.url), 'utf8');

describe('README configuration reference', () => {
  it('names every environment variable buildfix reads', () => {
    const missing = Object.keys(EnvSchema.shape).filter((key) => !readme.includes(`\`${key}\``));
    assert.deepEqual(missing, []);
  });
  it('names the go variables it documents', () => {
    for (const key of GO_ENV_KEYS.filter((k) => k === k.toUpperCase() && !['GOPATH', 'GOINSECURE', 'GOTOOLCHAIN'].includes(k))) {
      assert.ok(readme.includes(`\`${key}\``), key);
    }
  });
  it('shows every top-level config key in the example file', () => {
    const missing = Object.keys(FileConfigSchema.shape).filter((key) => !new RegExp(`^${key}:`, 'm').test(readme));
    assert.deepEqual(missing, []);
  });
});
