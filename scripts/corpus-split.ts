/**
 * Splits the real-log corpus ONCE into a development part (70%) and a test
 * part (30%) by source thread (issue 13, item 4), and writes the split to
 * test/fixtures/logs/corpus-split.json.
 *
 *   node scripts/corpus-split.ts            # print the split that would be written
 *   node scripts/corpus-split.ts --write    # write corpus-split.json (only once: refuses to overwrite)
 *   node scripts/corpus-split.ts --write --extend [--added YYYY-MM-DD]
 *                                           # keep every assigned unit, assign only new ones (same
 *                                           # rule), and record them as an extension of that date
 *
 * The unit of the split is `splitUnit()` (the incident group, else the source
 * thread), so the same incident never sits on both sides. Units are
 * stratified by category (each category's units are ordered by a SHA-256 of
 * the unit id and the first ~30% go to the test part), so small categories
 * are represented on both sides. The result only depends on the corpus files.
 *
 * Rules are tuned on the development part only; the test part is scored by
 * `npm run accuracy` and never read while writing rules.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { checkCorpus, splitUnit, type CorpusEntry } from './check-corpus.ts';

export const SPLIT_PATH = fileURLToPath(new URL('../test/fixtures/logs/corpus-split.json', import.meta.url));
export const TEST_SHARE = 0.3;
const SALT = 'buildfix-corpus-split-v1';

export interface CorpusSplit {
  /** How the split was made, for a reader of the JSON. */
  method: string;
  /** Split unit id (group or source) → part. */
  units: Record<string, 'dev' | 'test'>;
  /**
   * Units added after the first split (`--write --extend`), one record per extension, so the
   * accuracy report can show the test logs no earlier measurement has seen as their own row.
   */
  extensions?: SplitExtension[];
}

export interface SplitExtension {
  /** Date the units were assigned (YYYY-MM-DD), with `.N` for a later round the same day. */
  added: string;
  /** Units first assigned by this extension. */
  units: string[];
}

function hash(unit: string): string {
  return createHash('sha256').update(`${SALT}\n${unit}`).digest('hex');
}

/** The split of `entries`; units already in `keep` stay where they are. */
export function computeSplit(entries: readonly CorpusEntry[], keep: Readonly<Record<string, 'dev' | 'test'>> = {}): CorpusSplit {
  // A unit's stratum: the category most of its logs carry (ties: alphabetical).
  const byUnit = new Map<string, CorpusEntry[]>();
  for (const e of entries) byUnit.set(splitUnit(e), [...(byUnit.get(splitUnit(e)) ?? []), e]);
  const strata = new Map<string, string[]>();
  for (const [unit, list] of byUnit) {
    const counts = new Map<string, number>();
    for (const e of list) counts.set(e.category, (counts.get(e.category) ?? 0) + 1);
    const category = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? 'unknown';
    strata.set(category, [...(strata.get(category) ?? []), unit]);
  }
  const units: Record<string, 'dev' | 'test'> = {};
  for (const category of [...strata.keys()].sort()) {
    const list = (strata.get(category) ?? []).sort((a, b) => hash(a).localeCompare(hash(b)));
    const fresh = list.filter((u) => keep[u] === undefined);
    const kept = list.filter((u) => keep[u] !== undefined);
    const testKept = kept.filter((u) => keep[u] === 'test').length;
    const wantTest = Math.max(0, Math.round(list.length * TEST_SHARE) - testKept);
    for (const u of kept) units[u] = keep[u] ?? 'dev';
    fresh.forEach((u, i) => {
      units[u] = i < wantTest ? 'test' : 'dev';
    });
  }
  const sorted: Record<string, 'dev' | 'test'> = {};
  for (const u of Object.keys(units).sort()) sorted[u] = units[u] ?? 'dev';
  return {
    method:
      'Unit = incident group, else source thread. Units stratified by their majority category, ordered by sha256(salt + unit); the first round(30%) of each stratum are test. Made once by scripts/corpus-split.ts before any rule was tuned. Units added later are assigned by the same rule with every earlier unit kept where it is (--extend: each stratum gets test units until round(30%) of it is test, new units in sha256 order), and are listed under extensions.',
    units: sorted,
  };
}

export function readSplit(path = SPLIT_PATH): CorpusSplit {
  return JSON.parse(readFileSync(path, 'utf8')) as CorpusSplit;
}

/** Which part an entry belongs to; throws for an entry the split does not know (run --extend). */
export function partOf(split: CorpusSplit, entry: CorpusEntry): 'dev' | 'test' {
  const part = split.units[splitUnit(entry)];
  if (part === undefined)
    throw new Error(`${entry.file}: unit "${splitUnit(entry)}" is not in corpus-split.json; run node scripts/corpus-split.ts --write --extend`);
  return part;
}

function main(argv: readonly string[]): number {
  const { entries, problems } = checkCorpus();
  if (problems.length > 0) {
    process.stderr.write(`corpus has ${problems.length} problem(s); run npm run corpus:check\n`);
    return 1;
  }
  const write = argv.includes('--write');
  const extend = argv.includes('--extend');
  if (write && existsSync(SPLIT_PATH) && !extend) {
    process.stderr.write(`${SPLIT_PATH} exists: the split is made once. Use --extend to assign new units only.\n`);
    return 1;
  }
  const previous = extend && existsSync(SPLIT_PATH) ? readSplit() : undefined;
  const keep = previous?.units ?? {};
  const split: CorpusSplit = computeSplit(entries, keep);
  if (previous) {
    const added = Object.keys(split.units).filter((u) => keep[u] === undefined);
    const dateAt = argv.indexOf('--added');
    const date = dateAt >= 0 ? (argv[dateAt + 1] ?? '') : new Date().toISOString().slice(0, 10);
    if (!/^\d{4}-\d{2}-\d{2}(?:\.\d+)?$/.test(date)) {
      process.stderr.write('--added takes a date, with an optional round: --added 2026-12-06 or --added 2026-12-06.2\n');
      return 2;
    }
    const extensions = [...(previous.extensions ?? [])];
    if (added.length > 0) {
      const same = extensions.find((x) => x.added === date);
      if (same) same.units = [...same.units, ...added].sort();
      else extensions.push({ added: date, units: added.sort() });
    }
    if (extensions.length > 0) split.extensions = extensions;
    process.stdout.write(`new units: ${added.length} (${added.filter((u) => split.units[u] === 'test').length} test)\n`);
  }
  const logs = { dev: 0, test: 0 };
  for (const e of entries) logs[partOf(split, e)]++;
  const unitCounts = { dev: 0, test: 0 };
  for (const p of Object.values(split.units)) unitCounts[p]++;
  process.stdout.write(
    `units: dev ${unitCounts.dev}, test ${unitCounts.test}; logs: dev ${logs.dev}, test ${logs.test} (${((100 * logs.test) / entries.length).toFixed(1)}% test)\n`,
  );
  if (write) writeFileSync(SPLIT_PATH, `${JSON.stringify(split, null, 2)}\n`);
  return 0;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = main(process.argv.slice(2));
}
