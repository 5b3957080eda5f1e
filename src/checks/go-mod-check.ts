/**
 * Is the main go.mod one the go command accepts? Three things make
 * `go mod download` stop before (or instead of) any useful download, and each
 * is an `invalid-go-mod` finding with its go.mod line, never a network one:
 *
 *   - a line go cannot parse (unknown directive, bad syntax, a version that
 *     does not fit the path's /vN suffix): go prints "errors parsing go.mod";
 *   - a non-canonical version ("v1.9", "master"): go 1.19's version fixer
 *     resolves it through GOPROXY and rewrites go.mod; one that does not
 *     resolve fails the parse (`go.mod:5: require p: version "x" invalid: …`);
 *   - a malformed module path (`Example.com/lib`, `example/lib`): go refuses
 *     it without asking any proxy (`p@v: malformed module path "p": …`), so
 *     buildfix does not look it up on the network either.
 */
import { ParseError } from '../errors.ts';
import { compareGoVersions, parseGoVersion } from '../gomod/go-version.ts';
import { parseGoMod } from '../gomod/parse-go-mod.ts';
import type { GoMod, Replacement, Requirement, VersionQuery } from '../gomod/types.ts';
import { checkModulePath } from '../goproxy/escape-path.ts';
import { resolveVersionQuery, type ResolveQueryOptions } from '../goproxy/resolve-query.ts';
import type { CheckResult, Finding } from '../report/model.ts';
import { mapLimit } from '../util/map-limit.ts';

function emptyGoMod(file: string): GoMod {
  return { file, require: [], replace: [], exclude: [], retract: [] };
}

function parseFix(reason: string, file: string, line: number): string {
  if (/^unknown directive/.test(reason))
    return `Remove or correct line ${line} of ${file}: go.mod knows only module, go, toolchain, godebug, require, exclude, replace, retract (and tool/ignore in newer Go).`;
  if (/version "[^"]*" invalid: should be v/.test(reason))
    return `Make the version at ${file}:${line} match the path's major version suffix (a /v2 path needs v2.x.y; a v2+ version without /vN needs +incompatible).`;
  if (/missing version/.test(reason)) return `Add the version at ${file}:${line} (require path v1.2.3), or run go get path@version.`;
  return `Correct line ${line} of ${file} (${reason.split(' (')[0]}); go mod edit -json must accept the file.`;
}

/**
 * The main module's go.mod, read as the go command reads it (versions may be
 * queries, see parseGoMod's versionQueries). A file go cannot parse yields an
 * error finding and an empty go.mod, so the other checks still run.
 */
export function readMainGoMod(text: string, file = 'go.mod'): { goMod: GoMod; finding?: Finding } {
  try {
    return { goMod: parseGoMod(text, file, { versionQueries: true }) };
  } catch (err) {
    if (!(err instanceof ParseError)) throw err;
    const prefix = `${err.file}:${err.line}: `;
    const reason = err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message;
    return {
      goMod: emptyGoMod(file),
      finding: {
        category: 'invalid-go-mod',
        severity: 'error',
        key: `invalid-go-mod:${file}:${err.line}`,
        message: `${file} cannot be parsed, so every go command fails: ${err.message}`,
        location: `${file}:${err.line}`,
        evidence: `go: errors parsing go.mod:\n${err.message}`,
        fix: parseFix(reason, file, err.line),
      },
    };
  }
}

function findReplacement(goMod: GoMod, req: Requirement): Replacement | undefined {
  let generic: Replacement | undefined;
  for (const r of goMod.replace) {
    if (r.from.path !== req.path) continue;
    if (r.from.version === req.version) return r;
    if (r.from.version === undefined) generic = r;
  }
  return generic;
}

/** What to write instead of a malformed path, when it can be guessed. */
function pathFix(path: string, reason: string, location: string): string {
  const first = path.split('/')[0] ?? '';
  if (/in first path element/.test(reason) && first !== first.toLowerCase() && checkModulePath(path.replace(first, first.toLowerCase())) === undefined) {
    return `Write the host in lower case: ${path.replace(first, first.toLowerCase())} at ${location} and in every import, then run go mod tidy.`;
  }
  if (/missing dot in first path element/.test(reason)) {
    return `The first element of a module path must be a domain name (dot-less paths are reserved for the standard library): require the module by its full path (e.g. github.com/org/${path}) at ${location}, or add replace ${path} => ./local/dir.`;
  }
  return `Correct the module path at ${location}: ASCII letters, digits and - . _ ~ only, no leading dot or dash, a lower-case domain first (${reason}).`;
}

/**
 * Requirements (after replace) whose module path go rejects. Their paths are
 * returned in `invalid` so the module check does not look them up.
 */
export function checkModulePaths(goMod: GoMod): { findings: Finding[]; invalid: Set<string> } {
  const findings: Finding[] = [];
  const invalid = new Set<string>();
  const goLine = goMod.go ? parseGoVersion(goMod.go.version) : undefined;
  const pruning = parseGoVersion('1.17');
  const unpruned = goLine !== undefined && pruning !== undefined && compareGoVersions(goLine, pruning) < 0;
  for (const req of goMod.require) {
    const replacement = findReplacement(goMod, req);
    const target = replacement && !replacement.local ? replacement.to.path : req.path;
    const reason = checkModulePath(target) ?? (replacement && !replacement.local ? checkModulePath(req.path) : undefined);
    if (reason === undefined) continue;
    const bad = checkModulePath(target) ? target : req.path;
    const line = bad === target && replacement && !replacement.local ? replacement.line : req.line;
    const location = `${goMod.file}:${line}`;
    // go 1.17+ modules load a pruned graph and name the requirement; older go lines (unpruned) do not.
    const goSays = `${unpruned ? '' : `${req.path}@${req.version}: `}malformed module path "${bad}": ${reason}`;
    invalid.add(req.path);
    findings.push({
      category: 'invalid-go-mod',
      severity: 'error',
      key: `invalid-go-mod:${req.path}@${req.version}`,
      message: `go.mod requires ${req.path}${bad !== req.path ? ` (replaced by ${bad})` : ''}, but "${bad}" is not a valid module path: ${reason}. go refuses it without asking any proxy.`,
      module: req.path,
      version: req.version,
      location,
      evidence: `go: ${goSays}`,
      fix: pathFix(bad, reason, location),
    });
  }
  return { findings, invalid };
}

function queryKey(q: Pick<VersionQuery, 'path' | 'query' | 'line'>): string {
  return `${q.line}\u0000${q.path}\u0000${q.query}`;
}

/** goMod with each resolved query replaced by its version; requirements in `drop` removed. */
function applyResolved(goMod: GoMod, resolved: Map<string, string>, drop: Set<string>): GoMod {
  const v = (path: string, version: string | undefined, line: number): string | undefined =>
    version === undefined ? undefined : (resolved.get(queryKey({ path, query: version, line })) ?? version);
  return {
    ...goMod,
    require: goMod.require
      .filter((r) => !drop.has(queryKey({ path: r.path, query: r.version, line: r.line })))
      .map((r) => ({ ...r, version: v(r.path, r.version, r.line) ?? r.version })),
    exclude: goMod.exclude.map((x) => ({ ...x, version: v(x.path, x.version, x.line) ?? x.version })),
    replace: goMod.replace.map((r) => {
      const fromVersion = v(r.from.path, r.from.version, r.line);
      const toVersion = v(r.to.path, r.to.version, r.line);
      return {
        ...r,
        from: { path: r.from.path, ...(fromVersion !== undefined ? { version: fromVersion } : {}) },
        to: { path: r.to.path, ...(toVersion !== undefined ? { version: toVersion } : {}) },
      };
    }),
    versionQueries: [],
  };
}

/**
 * Resolves the non-canonical versions of go.mod as go 1.19's version fixer
 * does. Returns the go.mod the rest of the diagnosis should check (resolved
 * versions in place, unresolvable requirements removed) and the findings.
 */
export async function resolveGoModQueries(
  goMod: GoMod,
  options: ResolveQueryOptions & { concurrency: number },
): Promise<{ goMod: GoMod; findings: Finding[] }> {
  const queries = goMod.versionQueries ?? [];
  if (queries.length === 0) return { goMod, findings: [] };
  const findings: Finding[] = [];
  const resolved = new Map<string, string>();
  const drop = new Set<string>();
  const answers = await mapLimit(queries, Math.max(1, Math.min(options.concurrency, 16)), async (q) => ({
    q,
    r: await resolveVersionQuery(q.path, q.query, options),
  }));
  for (const { q, r } of answers) {
    const location = `${goMod.file}:${q.line}`;
    const key = `invalid-go-mod:${location}`;
    if (r.outcome === 'resolved') {
      resolved.set(queryKey(q), r.version);
      findings.push({
        category: 'invalid-go-mod',
        severity: 'warning',
        key,
        message: `${location} writes ${q.path} ${q.query}, which is not a canonical version: go mod download resolves it to ${r.version} (through ${r.source}) and rewrites go.mod; commands run with -mod=readonly, as go build is in CI, stop with "updates to go.mod needed, disabled by -mod=readonly".`,
        module: q.path,
        version: q.query,
        location,
        evidence: `${q.verb} ${q.path} ${q.query} → ${r.version} (${r.source})`,
        fix: `Write the canonical version at ${location}: ${q.verb} ${q.path} ${r.version} (go mod tidy does it), and commit go.mod.`,
      });
      continue;
    }
    if (q.verb === 'require') drop.add(queryKey(q));
    if (r.outcome === 'unchecked') {
      findings.push({
        category: 'invalid-go-mod',
        severity: 'warning',
        key,
        message: `${location} writes ${q.path} ${q.query}, which is not a canonical version; go resolves it with version control (${r.reason}), which buildfix did not run.`,
        module: q.path,
        version: q.query,
        location,
        fix: `Write a canonical version (v1.2.3 or a pseudo-version) at ${location}: go get ${q.path}@${q.query} prints it.`,
      });
      continue;
    }
    if (r.outcome === 'error') {
      findings.push({
        category: 'proxy-unreachable',
        severity: 'error',
        key: `proxy-unreachable:${q.path}@${q.query}`,
        message: `go cannot resolve ${q.path} ${q.query} (${location}): ${r.source} failed`,
        module: q.path,
        version: q.query,
        location,
        evidence: `${location}: ${q.verb} ${q.path}: version "${q.query}" invalid: ${r.reason}`,
        fix: `Make ${r.source} reachable from this host (buildfix probe), and write a canonical version at ${location}.`,
      });
      continue;
    }
    const badPath = r.reason.startsWith('malformed module path') ? checkModulePath(q.path) : undefined;
    const goSays = badPath !== undefined ? `${location}: ${r.reason}` : `${location}: ${q.verb} ${q.path}: version "${q.query}" invalid: ${r.reason}`;
    findings.push({
      category: 'invalid-go-mod',
      severity: 'error',
      key,
      message:
        badPath !== undefined
          ? `go.mod ${q.verb}s ${q.path}, but "${q.path}" is not a valid module path: ${badPath}. go refuses it without asking any proxy.`
          : `${location} writes ${q.path} ${q.query}, which is not a version go can resolve: ${r.reason.split('\n')[0]}`,
      module: q.path,
      version: q.query,
      location,
      evidence: `go: errors parsing go.mod:\n${goSays}`,
      fix:
        badPath !== undefined
          ? pathFix(q.path, badPath, location)
          : `Write a version that exists at ${location} (go list -m -versions ${q.path} lists them), in canonical form v1.2.3.`,
    });
  }
  return { goMod: applyResolved(goMod, resolved, drop), findings };
}

/** The "go.mod is valid" check of the report. */
export function goModCheckResult(findings: Finding[], durationMs: number, file = 'go.mod'): CheckResult {
  const errors = findings.some((f) => f.severity === 'error');
  return {
    id: 'go-mod',
    title: 'go.mod is valid',
    status: errors ? 'fail' : findings.length > 0 ? 'warn' : 'pass',
    durationMs,
    detail: errors ? `${file}: ${findings.filter((f) => f.severity === 'error').length} problem(s) go stops on` : `${file} parses as go does`,
    findings: findings.map((f) => ({ ...f, check: f.check ?? 'go-mod' })),
  };
}
