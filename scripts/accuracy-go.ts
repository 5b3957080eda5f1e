/**
 * `npm run accuracy:go`: the go command as the oracle. Generates the seeded
 * oracle projects (test/oracle/generate.ts), runs each through the real
 * `go mod download` and through buildfix's diagnose engine against the same
 * fakes on 127.0.0.1, and writes the agreement per family into
 * docs/accuracy.md between the oracle markers.
 *
 * Options: --seed N, --count N, --concurrency N, --family F (only that family),
 * --no-docs (print only), --write-exceptions (regenerate
 * test/oracle/exceptions.ts from this run, keeping the written causes).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { runCommand } from '../src/exec/run-command.ts';
import { DEFAULT_COUNT, DEFAULT_SEED, generateProjects } from '../test/oracle/generate.ts';
import { ORACLE_EXCEPTIONS, exceptionKey } from '../test/oracle/exceptions.ts';
import { GO_MESSAGE_RULES, firstGoError } from '../test/oracle/judge.ts';
import { measureAgreement, summarize, type ProjectResult } from '../test/oracle/measure.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const DOC = `${ROOT}docs/accuracy.md`;
const EXCEPTIONS_FILE = `${ROOT}test/oracle/exceptions.ts`;
const START = '<!-- oracle:start -->';
const END = '<!-- oracle:end -->';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const flag = (name: string): boolean => process.argv.includes(`--${name}`);

/** go's output without the run's temp dirs and ports (stable across runs). */
export function normalizeGoOutput(text: string): string {
  return text
    .replace(/\/tmp\/buildfix-oracle-[^/]+\/[^/]+\/(?:go\/)?/g, '$WORK/')
    .replace(/127\.0\.0\.1:\d+\/p\d{3}-[a-z0-9-]+\//g, '127.0.0.1:PORT/$PROJECT/')
    .replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:PORT');
}

function excerpt(text: string, max = 360): string {
  const one = normalizeGoOutput(firstGoError(text)).replace(/\s*\n\s*/g, ' ⏎ ');
  return one.length > max ? `${one.slice(0, max)}…` : one;
}

function md(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/`/g, "'");
}

function buildfixSummary(r: ProjectResult): string {
  if (r.buildfix.error) return normalizeGoOutput(`exit 2: ${r.buildfix.error.code}: ${r.buildfix.error.message}`);
  const top = r.buildfix.report?.findings[0];
  if (!top) return 'no findings';
  return normalizeGoOutput(`${top.severity} ${top.category}${top.module ? ` (${top.module}${top.version ? `@${top.version}` : ''})` : ''}: ${top.message}`);
}

async function main(): Promise<void> {
  const seed = Number(option('seed') ?? DEFAULT_SEED);
  const count = Number(option('count') ?? DEFAULT_COUNT);
  const concurrency = Number(option('concurrency') ?? 2);
  const family = option('family');
  let projects = generateProjects({ seed, count });
  if (family) projects = projects.filter((p) => p.family === family);
  const goVersion = (await runCommand(['go', 'env', 'GOVERSION'], { timeoutMs: 15_000 })).stdout.trim().replace(/^go/, 'go ');
  const started = performance.now();
  let done = 0;
  const results = await measureAgreement(projects, {
    concurrency,
    onResult: (r) => {
      done++;
      if (!r.verdict.agree) process.stderr.write(`[${done}/${projects.length}] DIFF ${r.project.id}: ${r.verdict.reasons.join('; ')}\n`);
    },
  });
  const seconds = (performance.now() - started) / 1000;
  const summary = summarize(results).filter((s) => s.projects > 0);
  const agree = results.filter((r) => r.verdict.agree).length;
  const disagreements = results.filter((r) => !r.verdict.agree);
  const excepted = disagreements.filter((r) => ORACLE_EXCEPTIONS[exceptionKey(r.project)] !== undefined);

  const pct = (a: number, b: number): string => (b === 0 ? '–' : `${((100 * a) / b).toFixed(1)}%`);
  const lines: string[] = [];
  lines.push('## buildfix diagnose vs the real `go mod download` (the go command as oracle)');
  lines.push('');
  lines.push(
    `Produced by \`npm run accuracy:go\` (scripts/accuracy-go.ts): ${results.length} projects from the seeded generator in test/oracle/generate.ts (seed ${seed}; every variant of every family before any repeats), each run with ${goVersion} \`go mod download\` (fresh GOMODCACHE, GOFLAGS=-modcacherw, GOTOOLCHAIN=local, GOENV=off) and with buildfix's diagnose engine in-process (\`diagnose <dir> --skip host\`, \`--deep\` for the families that need zips), both against the same fakes on 127.0.0.1: one GOPROXY fake serving the project's module universe with real zips (entries that fail with 404/410/500, a refused port, a server that drops connections after 1 s unanswered, HTTPS with an untrusted CA) a checksum DB that refuses connections, and for the checksum-DB variants a checksum DB of their own that signs its notes with an ed25519 key go trusts (test/fakes/sumdb-server.ts). go and buildfix each get their own copy of the project (go mod download may rewrite go.mod). ${seconds.toFixed(0)} s at concurrency ${concurrency}. A fixed sample (five variants per family) runs as test/integration/diagnose/oracle-agreement.test.ts and fails on any disagreement test/oracle/exceptions.ts does not list.`,
  );
  lines.push('');
  lines.push(
    "A project agrees when buildfix reports an error-severity finding exactly when go exits non-zero, an error finding names a module@version that go's first error names (when it names one), and the top finding's category fits go's message (table below).",
  );
  lines.push('');
  lines.push('| family | projects | go fails | agree | agreement |');
  lines.push('| --- | ---: | ---: | ---: | ---: |');
  for (const s of summary) lines.push(`| ${s.family} | ${s.projects} | ${s.goFailed} | ${s.agree} | ${pct(s.agree, s.projects)} |`);
  lines.push(`| **all** | ${results.length} | ${results.filter((r) => r.verdict.goFailed).length} | ${agree} | **${pct(agree, results.length)}** |`);
  lines.push('');
  lines.push(
    `Disagreements: ${disagreements.length} (${excepted.length} listed with their cause in test/oracle/exceptions.ts). Per variant, with go's own output (first error, temp dirs and ports replaced) and buildfix's top finding:`,
  );
  lines.push('');
  const byVariant = new Map<string, ProjectResult[]>();
  for (const r of disagreements) {
    const key = exceptionKey(r.project);
    byVariant.set(key, [...(byVariant.get(key) ?? []), r]);
  }
  if (byVariant.size > 0) {
    lines.push('| variant | projects | go | buildfix | why they differ | cause |');
    lines.push('| --- | ---: | --- | --- | --- | --- |');
    for (const [key, rs] of byVariant) {
      const r = rs[0]!;
      const go = r.go.exitCode === 0 ? 'exit 0' : `exit ${r.go.exitCode}: ${excerpt(r.go.output, 260)}`;
      const cause = ORACLE_EXCEPTIONS[key]?.cause ?? 'not yet diagnosed';
      const pending = r.project.deep && !r.buildfix.deepRan ? ' (needs --deep: the engine did not run a deep stage)' : '';
      lines.push(
        `| ${key} | ${rs.length} | ${md(go)} | ${md(buildfixSummary(r).slice(0, 200))} | ${md(normalizeGoOutput(r.verdict.reasons.join('; ')).slice(0, 200))} | ${md(cause)}${pending} |`,
      );
    }
    lines.push('');
  }
  lines.push("How go's message is read (first matching pattern wins; test/oracle/judge.ts):");
  lines.push('');
  lines.push('| go says | meaning | categories that fit |');
  lines.push('| --- | --- | --- |');
  for (const rule of GO_MESSAGE_RULES) lines.push(`| \`${md(rule.pattern.source)}\` | ${md(rule.meaning)} | ${rule.accept.join(', ')} |`);
  const section = lines.join('\n');

  process.stdout.write(`${section}\n`);

  if (!flag('no-docs') && !family) {
    let doc = await readFile(DOC, 'utf8').catch(() => '# Accuracy\n');
    const block = `${START}\n${section}\n${END}`;
    if (doc.includes(START) && doc.includes(END)) doc = doc.slice(0, doc.indexOf(START)) + block + doc.slice(doc.indexOf(END) + END.length);
    else doc = `${doc.trimEnd()}\n\n${block}\n`;
    await writeFile(DOC, doc);
    process.stderr.write(`wrote the oracle section of ${DOC}\n`);
  }

  if (flag('write-exceptions')) {
    const entries: string[] = [];
    for (const [key, rs] of [...byVariant].sort((a, b) => a[0].localeCompare(b[0]))) {
      const r = rs[0]!;
      const cause = ORACLE_EXCEPTIONS[key]?.cause ?? 'not yet diagnosed';
      const go = r.go.exitCode === 0 ? 'exit 0 (no output)' : `exit ${r.go.exitCode}: ${excerpt(r.go.output, 600)}`;
      entries.push(
        `  ${JSON.stringify(key)}: {\n    go: ${JSON.stringify(go)},\n    buildfix: ${JSON.stringify(buildfixSummary(r).slice(0, 300))},\n    cause: ${JSON.stringify(cause)},\n  },`,
      );
    }
    const text = await readFile(EXCEPTIONS_FILE, 'utf8');
    const begin = text.indexOf('export const ORACLE_EXCEPTIONS');
    const head = text.slice(0, begin);
    await writeFile(EXCEPTIONS_FILE, `${head}export const ORACLE_EXCEPTIONS: Record<string, OracleException> = {\n${entries.join('\n')}\n};\n`);
    process.stderr.write(`wrote ${byVariant.size} exceptions to ${EXCEPTIONS_FILE}\n`);
  }
  process.stderr.write(`agreement: ${agree}/${results.length} (${pct(agree, results.length)}) in ${seconds.toFixed(1)} s\n`);
}

await main();
