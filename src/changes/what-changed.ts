/**
 * "What changed since the last green build": the dependency files that differ
 * between the green revision and the failing one, the commits that changed
 * them (author, subject), and for each go.mod the requirement-level changes
 * with the commit that introduced each changed line.
 */
import type { ChangeCommit, GoModLineChange } from '../report/model.ts';
import { mapLimit } from '../util/map-limit.ts';
import { DEPENDENCY_PATHSPECS, dependencyFileKind, type DependencyFileKind } from './dependency-files.ts';
import { blameLine, changedFiles, commitsTouching, ensureRevisions, showFile, type GitOptions } from './git-history.ts';
import { diffGoMod, revertLine, type GoModChange } from './go-mod-changes.ts';

type ChangeAuthor = NonNullable<GoModLineChange['commit']>;

export interface DependencyFileChange {
  path: string;
  status: string;
  kind: DependencyFileKind;
}

export interface WhatChanged {
  /** Full shas of the last green revision and the failing one. */
  from: string;
  to: string;
  /** False when the green revision is not an ancestor of the failing one (a rewritten branch). */
  linear: boolean;
  files: DependencyFileChange[];
  /** Commits in green..failing that changed a dependency file, newest first. */
  commits: ChangeCommit[];
  goMod: GoModLineChange[];
}

/** Most go.mod files diffed line by line (a monorepo may have hundreds). */
const MAX_GO_MODS = 20;

export async function whatChanged(dir: string, from: string, to: string, options: GitOptions = {}): Promise<WhatChanged> {
  const revs = await ensureRevisions(dir, from, to, options);
  const [files, commits] = await Promise.all([
    changedFiles(dir, revs.from, revs.to, DEPENDENCY_PATHSPECS, options),
    revs.linear ? commitsTouching(dir, revs.from, revs.to, DEPENDENCY_PATHSPECS, options) : Promise.resolve([]),
  ]);
  const depFiles: DependencyFileChange[] = [];
  for (const f of files) {
    const kind = dependencyFileKind(f.path);
    if (kind) depFiles.push({ ...f, kind });
  }
  const goMods = depFiles.filter((f) => f.path === 'go.mod' || f.path.endsWith('/go.mod')).slice(0, MAX_GO_MODS);
  const perFile = await mapLimit(goMods, 4, async (f) => {
    const [before, after] = await Promise.all([showFile(dir, revs.from, f.path, options), showFile(dir, revs.to, f.path, options)]);
    const changes = diffGoMod(before, after, f.path);
    const lastToucher = commits.find((c) => c.files.includes(f.path));
    return mapLimit(changes, 4, async (change): Promise<GoModLineChange> => {
      const blamed = change.line !== undefined && revs.linear ? await blameLine(dir, revs.from, revs.to, f.path, change.line, options) : undefined;
      const commit: ChangeAuthor | undefined =
        blamed && !blamed.boundary
          ? { sha: blamed.sha, shortSha: blamed.shortSha, author: blamed.author, subject: blamed.subject }
          : change.line === undefined && lastToucher
            ? { sha: lastToucher.sha, shortSha: lastToucher.shortSha, author: lastToucher.author, subject: lastToucher.subject }
            : undefined;
      const revert = revertLine(change);
      return withText({ ...change, file: f.path, ...(commit ? { commit } : {}), ...(revert ? { revert } : {}) });
    });
  });
  return { from: revs.from, to: revs.to, linear: revs.linear, files: depFiles, commits, goMod: perFile.flat() };
}

/** The go.mod change that brought in (or moved) a module the diagnosis blames. */
export function changeForModule(changes: Pick<WhatChanged, 'goMod'>, module: string, goModFile?: string): GoModLineChange | undefined {
  const candidates = changes.goMod.filter(
    (c) => (c.kind === 'require' || c.kind === 'replace' || c.kind === 'exclude') && (c.subject === module || c.subject.startsWith(`${module}@`)),
  );
  return candidates.find((c) => goModFile === undefined || c.file === goModFile) ?? candidates[0];
}

function withText(change: Omit<GoModLineChange, 'text'> & GoModChange): GoModLineChange {
  const { beforeLine: _beforeLine, ...rest } = change;
  return { ...rest, text: describeChange(change) };
}

/** `go.mod:14 example.com/ledger v1.9.8 → v1.9.9 in 9f3c2e1 by ann, "bump ledger"` */
export function describeChange(change: Omit<GoModLineChange, 'text'> & Pick<GoModChange, 'beforeLine'>): string {
  const where = `${change.file}:${change.line ?? change.beforeLine ?? '?'}`;
  const what =
    change.before !== undefined && change.after !== undefined
      ? `${change.subject} ${change.before} → ${change.after}`
      : change.after !== undefined
        ? `${change.kind === 'require' ? 'added ' : `${change.kind} `}${change.subject} ${change.after}`
        : `removed ${change.kind === 'require' ? '' : `${change.kind} `}${change.subject} ${change.before ?? ''}`.trimEnd();
  const who = change.commit ? ` in ${change.commit.shortSha} by ${change.commit.author}, "${change.commit.subject}"` : '';
  return `${where} ${what}${who}`;
}
