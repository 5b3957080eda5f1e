/** The README's configuration reference cannot drift from the schema. */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { globalRegistry } from 'zod';
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

// ---- every key at every depth, in the README's example and in config/buildfix.example.yaml ----

interface ZodLike {
  _zod: { def: { type: string; shape?: Record<string, ZodLike>; valueType?: ZodLike; innerType?: ZodLike; element?: ZodLike; in?: ZodLike } };
}

/** Key paths a schema accepts; a record's user-chosen keys are "*": jobs.*.goproxyParam. Deprecated names (their meta says so) are left out. */
function schemaPaths(schema: ZodLike, prefix = ''): string[] {
  const def = schema._zod.def;
  switch (def.type) {
    case 'object':
      return Object.entries(def.shape ?? {})
        .filter(([, child]) => globalRegistry.get(child as unknown as Parameters<typeof globalRegistry.get>[0])?.deprecated !== true)
        .flatMap(([key, child]) => [`${prefix}${key}`, ...schemaPaths(child, `${prefix}${key}.`)]);
    case 'record':
      return def.valueType ? schemaPaths(def.valueType, `${prefix}*.`) : [];
    case 'optional':
    case 'default':
    case 'nullable':
    case 'readonly':
    case 'catch':
    case 'prefault':
      return def.innerType ? schemaPaths(def.innerType, prefix) : [];
    case 'pipe':
      return def.in ? schemaPaths(def.in, prefix) : [];
    default:
      return [];
  }
}

/** Key paths present in a parsed YAML document, records matched against the schema. */
function documentPaths(value: unknown, schema: ZodLike, prefix = ''): string[] {
  const def = schema._zod.def;
  if (['optional', 'default', 'nullable', 'readonly', 'catch', 'prefault'].includes(def.type) && def.innerType)
    return documentPaths(value, def.innerType, prefix);
  if (def.type === 'pipe' && def.in) return documentPaths(value, def.in, prefix);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  const out: string[] = [];
  for (const [key, child] of Object.entries(value)) {
    if (def.type === 'object' && def.shape?.[key]) out.push(`${prefix}${key}`, ...documentPaths(child, def.shape[key], `${prefix}${key}.`));
    if (def.type === 'record' && def.valueType) out.push(...documentPaths(child, def.valueType, `${prefix}*.`));
  }
  return out;
}

function readmeYaml(): string {
  const section = readme.slice(readme.indexOf('## Configuration'));
  const start = section.indexOf('```yaml\n') + '```yaml\n'.length;
  return section.slice(start, section.indexOf('```', start));
}

describe('configuration examples cover the whole schema', async () => {
  const { parse } = await import('yaml');
  const example = await readFile(new URL('../../../config/buildfix.example.yaml', import.meta.url), 'utf8');
  const all = schemaPaths(FileConfigSchema as unknown as ZodLike);
  for (const [name, text] of [
    ['README.md', readmeYaml()],
    ['config/buildfix.example.yaml', example],
  ] as const) {
    it(`${name}: validates against the schema and shows every key, nested ones included`, () => {
      const doc: unknown = parse(text);
      const result = FileConfigSchema.safeParse(doc);
      assert.ok(result.success, result.success ? '' : result.error.message);
      const shown = new Set(documentPaths(doc, FileConfigSchema as unknown as ZodLike));
      assert.deepEqual(
        all.filter((p) => !shown.has(p)),
        [],
      );
    });
  }
  it('the schema walk sees nested keys (goproxyParam, goflagsParam)', () => {
    assert.ok(all.includes('jobs.*.goproxyParam') && all.includes('jobs.*.goflagsParam') && all.includes('repos.*.url'), all.join(', '));
  });
  it('the README deployment steps create config/buildfix.yaml from the example before starting compose', () => {
    const deployment = readme.slice(readme.indexOf('## Deployment'));
    const copy = deployment.indexOf('cp config/buildfix.example.yaml config/buildfix.yaml');
    assert.ok(copy > 0 && copy < deployment.indexOf('docker compose up'));
  });
});
