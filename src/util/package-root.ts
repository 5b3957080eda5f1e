/**
 * The directory holding buildfix's package.json, found by walking up from
 * this module: the same answer from the sources (src/util/), the compiled
 * files and the bundle (dist/chunks/), wherever the package is installed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: { root: string; version: string } | undefined;

function find(): { root: string; version: string } {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      try {
        const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
        if (pkg.name === 'buildfix') return { root: dir, version: typeof pkg.version === 'string' ? pkg.version : '0.0.0' };
      } catch {
        // Not ours or unreadable: keep walking up.
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`buildfix's package.json not found above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

/** Absolute path of the package directory. */
export function packageRoot(): string {
  cached ??= find();
  return cached.root;
}

/** The package's version; "0.0.0" when package.json cannot be read. */
export function packageVersion(): string {
  try {
    cached ??= find();
    return cached.version;
  } catch {
    return '0.0.0';
  }
}

/** Whether this code runs from the TypeScript sources (type stripping) rather than a build. */
export function runningFromSources(): boolean {
  return import.meta.url.endsWith('.ts');
}
