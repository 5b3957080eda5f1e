/**
 * The go.work file the go command would use from a directory (modload.FindGoWork:
 * $GOWORK, "off" disables it, else the nearest go.work upwards) and its `go` and
 * `toolchain` lines, which take the place of go.mod's for toolchain selection and
 * which go before 1.21 parses with the old grammar.
 */
import { readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';

export interface GoWorkLines {
  go?: { version: string; line: number };
  toolchain?: { name: string; line: number };
}

/** The `go` and `toolchain` directives of a go.work (or go.mod) text, with their line numbers. */
export function goWorkLines(text: string): GoWorkLines {
  const out: GoWorkLines = {};
  let depth = 0;
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.replace(/\/\/.*$/, '').trim();
    if (line === '') continue;
    if (depth > 0) {
      if (line === ')') depth--;
      continue;
    }
    if (line.endsWith('(')) {
      depth++;
      continue;
    }
    const [verb, arg] = line.split(/\s+/);
    if (verb === 'go' && arg && out.go === undefined) out.go = { version: arg, line: i + 1 };
    if (verb === 'toolchain' && arg && out.toolchain === undefined) out.toolchain = { name: arg, line: i + 1 };
  }
  return out;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * The go.work go would use when run in `dir`, or undefined (none, or GOWORK=off).
 * `stopAt`: search no higher than this directory (a temporary clone is not where the build runs).
 */
export async function findGoWork(dir: string, gowork: string | undefined, stopAt?: string): Promise<string | undefined> {
  if (gowork === 'off') return undefined;
  if (gowork) {
    const path = isAbsolute(gowork) ? gowork : resolve(dir, gowork);
    return (await isFile(path)) ? path : undefined;
  }
  let cur = resolve(dir);
  for (;;) {
    const candidate = join(cur, 'go.work');
    if (await isFile(candidate)) return candidate;
    const parent = dirname(cur);
    if (parent === cur || (stopAt !== undefined && cur === resolve(stopAt))) return undefined;
    cur = parent;
  }
}

/** Reads the go.work's lines; undefined when it cannot be read. */
export async function readGoWork(path: string): Promise<GoWorkLines | undefined> {
  try {
    return goWorkLines(await readFile(path, 'utf8'));
  } catch {
    return undefined;
  }
}
