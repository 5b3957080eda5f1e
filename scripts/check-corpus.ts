/**
 * Validates the corpus of real dependency-download failure logs
 * (test/fixtures/logs/corpus/<ecosystem>/<slug>.yaml) and prints its counts.
 *
 *   node scripts/check-corpus.ts              # validate, print counts as text
 *   node scripts/check-corpus.ts --markdown   # validate, print the README counts block
 *   node scripts/check-corpus.ts --write-readme
 *                                             # validate, rewrite the counts block in
 *                                             # test/fixtures/logs/README.md
 *
 * Exit code 1 when any entry is invalid. The unit test
 * test/unit/corpus/corpus-schema.test.ts runs the same checks.
 */
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { CATEGORIES } from '../src/report/model.ts';

export const CORPUS_DIR = fileURLToPath(new URL('../test/fixtures/logs/corpus', import.meta.url));
export const README_PATH = fileURLToPath(new URL('../test/fixtures/logs/README.md', import.meta.url));

/**
 * Categories issue 13 asks for that src/report/model.ts does not list yet.
 * Once the classifier adds them there, they simply appear in both lists.
 */
export const CORPUS_EXTRA_CATEGORIES = [
  'vendor-inconsistent',
  'invalid-go-mod',
  'toolchain-unavailable',
  'vanity-import',
  'proxy-server-error',
  'registry-auth',
] as const;

export const KNOWN_CATEGORIES: readonly string[] = [...new Set<string>([...CATEGORIES, ...CORPUS_EXTRA_CATEGORIES])];
export const ECOSYSTEMS = ['go', 'npm', 'yarn', 'pnpm'] as const;
export const WRAPPERS = ['plain', 'docker', 'github-actions', 'gitlab', 'jenkins', 'bazel'] as const;
export const SURENESS = ['settled', 'likely'] as const;

export type Ecosystem = (typeof ECOSYSTEMS)[number];
export type Wrapper = (typeof WRAPPERS)[number];
export type Sureness = (typeof SURENESS)[number];

export interface CorpusEntry {
  /** Path relative to the corpus directory: "go/some-slug.yaml". */
  file: string;
  source: string;
  url: string;
  /** Incident id shared by entries that report the same failure in different threads. */
  group?: string;
  ecosystem: Ecosystem;
  wrapper: Wrapper;
  category: string;
  cause: string;
  sureness: Sureness;
  hard: boolean;
  log: string;
}

export interface CorpusProblem {
  file: string;
  message: string;
}

const FIELDS = ['source', 'url', 'group', 'ecosystem', 'wrapper', 'category', 'cause', 'sureness', 'hard', 'log'] as const;
const REQUIRED = FIELDS.filter((f) => f !== 'group');
const SOURCE_REF = /^([A-Za-z0-9][\w.-]*\/[\w.-]+)#(\d+)$/;
const SLUG = /^[a-z0-9][a-z0-9-]*$/;

/** Credentials that must never be committed; redacted logs show "[hidden]", "<redacted>" or "***". */
const SECRET_PATTERNS: readonly { name: string; pattern: RegExp }[] = [
  { name: 'GitHub token', pattern: /\b(?:ghp|gho|ghs|ghu|github_pat)_[A-Za-z0-9_]{20,}/ },
  { name: 'npm token', pattern: /\bnpm_[A-Za-z0-9]{30,}/ },
  { name: 'AWS access key', pattern: /\bAKIA[0-9A-Z]{16}\b/ },
  { name: 'GitLab token', pattern: /\bglpat-[A-Za-z0-9_-]{20,}/ },
  { name: 'JWT', pattern: /\beyJ[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{10,}/ },
  { name: 'auth token value', pattern: /_auth(?:Token)?\s*=\s*(?!\[hidden\]|<redacted>|\$\{|\*{3})[A-Za-z0-9+/=_-]{16,}/ },
  { name: 'password in URL', pattern: /https?:\/\/[^\s/:@]+:(?!\*\*\*|<redacted>|\[hidden\])[^\s/@]{6,}@/ },
];

export function listCorpusFiles(dir = CORPUS_DIR): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? listCorpusFiles(path) : [path];
    })
    .sort();
}

/** Normalised for duplicate detection: line endings and trailing blanks do not make a log new. */
function logKey(log: string): string {
  return log
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n')
    .trim();
}

function isOneOf<T extends string>(values: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (values as readonly string[]).includes(value);
}

/** Checks one parsed document; returns the entry when it is valid. */
export function checkEntry(file: string, doc: unknown): { entry?: CorpusEntry; problems: string[] } {
  const problems: string[] = [];
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return { problems: ['not a YAML mapping'] };
  const raw = doc as Record<string, unknown>;
  for (const key of Object.keys(raw)) if (!(FIELDS as readonly string[]).includes(key)) problems.push(`unknown field "${key}"`);
  for (const key of REQUIRED) if (raw[key] === undefined || raw[key] === null) problems.push(`missing field "${key}"`);
  if (problems.length > 0) return { problems };

  const { source, url, group, ecosystem, wrapper, category, cause, sureness, hard, log } = raw;
  if (typeof source !== 'string') problems.push('source must be a string');
  else {
    const ref = SOURCE_REF.exec(source);
    if (ref === null && !/^https:\/\/\S+$/.test(source)) problems.push(`source "${source}" is neither owner/repo#N nor an https URL`);
    if (ref !== null && typeof url === 'string' && !url.startsWith(`https://github.com/${ref[1]}/`)) problems.push(`url ${url} is not in ${ref[1]}`);
    if (ref !== null && typeof url === 'string' && !new RegExp(`/(?:issues|pull|discussions)/${ref[2]}(?:$|[#?])`).test(url)) {
      problems.push(`url ${url} does not point at #${ref[2]}`);
    }
  }
  if (typeof url !== 'string' || !/^https:\/\/\S+$/.test(url)) problems.push('url must be an https URL');
  if (group !== undefined && (typeof group !== 'string' || !SLUG.test(group))) problems.push('group must be a lower-case slug');
  if (!isOneOf(ECOSYSTEMS, ecosystem)) problems.push(`ecosystem must be one of ${ECOSYSTEMS.join(', ')}`);
  if (!isOneOf(WRAPPERS, wrapper)) problems.push(`wrapper must be one of ${WRAPPERS.join(', ')}`);
  if (typeof category !== 'string' || !KNOWN_CATEGORIES.includes(category)) problems.push(`category "${String(category)}" is not a known id`);
  if (category === 'unknown') problems.push('category "unknown" is not a settled root cause');
  if (typeof cause !== 'string' || cause.trim().length < 20) problems.push('cause must be a sentence');
  if (!isOneOf(SURENESS, sureness)) problems.push(`sureness must be one of ${SURENESS.join(', ')}`);
  if (typeof hard !== 'boolean') problems.push('hard must be true or false');
  if (typeof log !== 'string' || log.trim().length === 0) problems.push('log must be non-empty text');
  else {
    for (const { name, pattern } of SECRET_PATTERNS) if (pattern.test(log)) problems.push(`log contains what looks like a ${name}`);
    if (log.includes('\0')) problems.push('log contains a NUL byte');
  }
  const dir = dirname(file);
  if (isOneOf(ECOSYSTEMS, ecosystem) && dir !== ecosystem) problems.push(`file is under ${dir}/ but ecosystem is ${ecosystem}`);
  if (!SLUG.test(basename(file, '.yaml')) || !file.endsWith('.yaml')) problems.push('file name must be <slug>.yaml');
  if (problems.length > 0) return { problems };
  return {
    problems,
    entry: {
      file,
      source: source as string,
      url: url as string,
      ...(group === undefined ? {} : { group: group as string }),
      ecosystem: ecosystem as Ecosystem,
      wrapper: wrapper as Wrapper,
      category: category as string,
      cause: cause as string,
      sureness: sureness as Sureness,
      hard: hard as boolean,
      log: log as string,
    },
  };
}

export interface CorpusCheck {
  entries: CorpusEntry[];
  problems: CorpusProblem[];
}

/** Reads and validates every file, then checks the corpus as a whole (duplicates). */
export function checkCorpus(dir = CORPUS_DIR): CorpusCheck {
  const entries: CorpusEntry[] = [];
  const problems: CorpusProblem[] = [];
  for (const path of listCorpusFiles(dir)) {
    const file = relative(dir, path);
    let doc: unknown;
    try {
      doc = parse(readFileSync(path, 'utf8'));
    } catch (err) {
      problems.push({ file, message: `YAML does not parse: ${err instanceof Error ? err.message : String(err)}` });
      continue;
    }
    const result = checkEntry(file, doc);
    for (const message of result.problems) problems.push({ file, message });
    for (const line of linesOutsideLogBlock(readFileSync(path, 'utf8')))
      problems.push({
        file,
        message: `line ${line} is less indented than the rest of the log block, so YAML drops it from the log (a '#…' line becomes a comment): indent the block evenly or write 'log: |2'`,
      });
    for (const line of fieldsCutByComment(readFileSync(path, 'utf8')))
      problems.push({ file, message: `line ${line}: YAML reads ' #…' in an unquoted value as a comment and drops it: quote the value` });
    if (result.entry) entries.push(result.entry);
  }
  const seen = new Map<string, string>();
  for (const e of entries) {
    const key = `${e.source}\n${logKey(e.log)}`;
    const first = seen.get(key);
    if (first !== undefined) problems.push({ file: e.file, message: `same source and log as ${first}` });
    else seen.set(key, e.file);
  }
  return { entries, problems };
}

/**
 * Line numbers (1-based) after `log: |` that YAML does not read as part of the log: a block scalar's
 * indentation is set by its first line (or an explicit `|N`), and a later, less indented line ends the
 * block; a BuildKit `#5 0.473 …` line there is taken as a comment and silently leaves the log.
 */
export function linesOutsideLogBlock(text: string): number[] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => /^log:\s*\|/.test(l));
  if (start < 0) return [];
  const explicit = /^log:\s*\|[-+]?(\d)/.exec(lines[start] ?? '');
  const first = lines.slice(start + 1).find((l) => l.trim() !== '');
  // YAML indentation is spaces only (a tab after them is content).
  const spaces = (l: string): number => /^ */.exec(l)?.[0].length ?? 0;
  const indent = explicit ? Number(explicit[1]) : spaces(first ?? '');
  const out: number[] = [];
  for (let i = start + 1; i < lines.length; i++) {
    const l = lines[i] ?? '';
    if (l.trim() !== '' && spaces(l) < indent) out.push(i + 1);
  }
  return out;
}

/**
 * Line numbers (1-based) of top-level fields before `log:` whose plain (unquoted) value holds ` #`:
 * YAML reads the rest as a comment, so `cause: … (PR #12)` silently loses everything from ` #`.
 */
export function fieldsCutByComment(text: string): number[] {
  const lines = text.split('\n');
  const end = lines.findIndex((l) => /^log:/.test(l));
  const out: number[] = [];
  for (let i = 0; i < (end < 0 ? lines.length : end); i++) {
    const m = /^[a-z]+:[ \t]+(.*)$/.exec(lines[i] ?? '');
    const value = m?.[1] ?? '';
    if (value !== '' && !/^["'|>]/.test(value) && /\s#/.test(value)) out.push(i + 1);
  }
  return out;
}

/** The unit a 70/30 split must keep together: the incident group, else the source thread. */
export function splitUnit(e: CorpusEntry): string {
  return e.group ?? e.source;
}

function countBy(entries: readonly CorpusEntry[], key: (e: CorpusEntry) => string): [string, number][] {
  const counts = new Map<string, number>();
  for (const e of entries) counts.set(key(e), (counts.get(key(e)) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

function table(title: string, rows: [string, number][]): string {
  return [`| ${title} | logs |`, '| --- | ---: |', ...rows.map(([k, n]) => `| ${k} | ${n} |`)].join('\n');
}

export function countsMarkdown(entries: readonly CorpusEntry[]): string {
  const goShare = entries.length === 0 ? 0 : entries.filter((e) => e.ecosystem === 'go').length / entries.length;
  const threads = new Set(entries.map((e) => e.source)).size;
  const units = new Set(entries.map(splitUnit)).size;
  const byCategoryEcosystem = countBy(entries, (e) => e.category).map(([category, n]) => {
    const eco = countBy(
      entries.filter((e) => e.category === category),
      (e) => e.ecosystem,
    )
      .map(([k, m]) => `${k} ${m}`)
      .join(', ');
    return `| ${category} | ${n} | ${eco} |`;
  });
  return [
    `${entries.length} logs from ${threads} threads (${units} independent incidents after grouping); ` +
      `${Math.round(goShare * 100)}% Go; ${entries.filter((e) => e.hard).length} hard; ` +
      `${entries.filter((e) => e.sureness === 'settled').length} settled, ${entries.filter((e) => e.sureness === 'likely').length} likely.`,
    '',
    table(
      'ecosystem',
      countBy(entries, (e) => e.ecosystem),
    ),
    '',
    table(
      'wrapper',
      countBy(entries, (e) => e.wrapper),
    ),
    '',
    ['| category | logs | by ecosystem |', '| --- | ---: | --- |', ...byCategoryEcosystem].join('\n'),
  ].join('\n');
}

export const COUNTS_BEGIN = '<!-- corpus-counts:begin (generated by `node scripts/check-corpus.ts --write-readme`) -->';
export const COUNTS_END = '<!-- corpus-counts:end -->';

/** The README with its counts block replaced by the current counts. */
export function readmeWithCounts(readme: string, entries: readonly CorpusEntry[]): string {
  const start = readme.indexOf(COUNTS_BEGIN);
  const end = readme.indexOf(COUNTS_END);
  if (start === -1 || end === -1 || end < start) throw new Error(`README lacks the ${COUNTS_BEGIN} … ${COUNTS_END} block`);
  return `${readme.slice(0, start + COUNTS_BEGIN.length)}\n${countsMarkdown(entries)}\n${readme.slice(end)}`;
}

function main(argv: readonly string[]): number {
  const { entries, problems } = checkCorpus();
  for (const p of problems) process.stderr.write(`${p.file}: ${p.message}\n`);
  if (argv.includes('--write-readme')) {
    writeFileSync(README_PATH, readmeWithCounts(readFileSync(README_PATH, 'utf8'), entries));
  }
  process.stdout.write(`${countsMarkdown(entries)}\n`);
  if (problems.length > 0) process.stderr.write(`${problems.length} problem(s) in the corpus\n`);
  return problems.length > 0 ? 1 : 0;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = main(process.argv.slice(2));
}
