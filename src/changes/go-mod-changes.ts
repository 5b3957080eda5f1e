/**
 * What changed between two versions of a go.mod, line by line and by
 * meaning: a requirement added, removed or moved to another version, a
 * replace or exclude added or changed, the go or toolchain line changed.
 */
import { parseGoMod } from '../gomod/parse-go-mod.ts';
import type { GoMod } from '../gomod/types.ts';

export type GoModChangeKind = 'require' | 'replace' | 'exclude' | 'go' | 'toolchain';

export interface GoModChange {
  kind: GoModChangeKind;
  /** Module path (require/replace/exclude) or "go"/"toolchain". */
  subject: string;
  /** Before and after, as go.mod writes them ("v1.9.8", "=> ../ledger", "1.21"); absent when added / removed. */
  before?: string;
  after?: string;
  /** 1-based line in the newer go.mod (absent for a removal). */
  line?: number;
  /** 1-based line in the older go.mod (absent for an addition). */
  beforeLine?: number;
}

function tryParse(text: string | undefined, file: string): GoMod | undefined {
  if (text === undefined) return undefined;
  try {
    return parseGoMod(text, file);
  } catch {
    // An invalid go.mod on one side: compare what can be read (the other side's lines still show).
    return undefined;
  }
}

function replaceTarget(r: GoMod['replace'][number]): string {
  return `=> ${r.to.path}${r.to.version ? ` ${r.to.version}` : ''}`;
}

function replaceKey(r: GoMod['replace'][number]): string {
  return `${r.from.path}${r.from.version ? `@${r.from.version}` : ''}`;
}

export function diffGoMod(beforeText: string | undefined, afterText: string | undefined, file = 'go.mod'): GoModChange[] {
  const before = tryParse(beforeText, file);
  const after = tryParse(afterText, file);
  const changes: GoModChange[] = [];

  const oldReq = new Map((before?.require ?? []).map((r) => [r.path, r]));
  const newReq = new Map((after?.require ?? []).map((r) => [r.path, r]));
  for (const [path, r] of newReq) {
    const old = oldReq.get(path);
    if (!old) changes.push({ kind: 'require', subject: path, after: r.version, line: r.line });
    else if (old.version !== r.version)
      changes.push({ kind: 'require', subject: path, before: old.version, after: r.version, line: r.line, beforeLine: old.line });
  }
  for (const [path, old] of oldReq) if (!newReq.has(path)) changes.push({ kind: 'require', subject: path, before: old.version, beforeLine: old.line });

  const oldRep = new Map((before?.replace ?? []).map((r) => [replaceKey(r), r]));
  const newRep = new Map((after?.replace ?? []).map((r) => [replaceKey(r), r]));
  for (const [key, r] of newRep) {
    const old = oldRep.get(key);
    if (!old) changes.push({ kind: 'replace', subject: key, after: replaceTarget(r), line: r.line });
    else if (replaceTarget(old) !== replaceTarget(r))
      changes.push({ kind: 'replace', subject: key, before: replaceTarget(old), after: replaceTarget(r), line: r.line, beforeLine: old.line });
  }
  for (const [key, old] of oldRep) if (!newRep.has(key)) changes.push({ kind: 'replace', subject: key, before: replaceTarget(old), beforeLine: old.line });

  const oldEx = new Set((before?.exclude ?? []).map((e) => `${e.path}@${e.version}`));
  for (const e of after?.exclude ?? []) {
    if (!oldEx.has(`${e.path}@${e.version}`)) changes.push({ kind: 'exclude', subject: e.path, after: e.version, line: e.line });
  }

  if (before?.go?.version !== after?.go?.version) {
    changes.push({
      kind: 'go',
      subject: 'go',
      ...(before?.go ? { before: before.go.version, beforeLine: before.go.line } : {}),
      ...(after?.go ? { after: after.go.version, line: after.go.line } : {}),
    });
  }
  if (before?.toolchain?.name !== after?.toolchain?.name) {
    changes.push({
      kind: 'toolchain',
      subject: 'toolchain',
      ...(before?.toolchain ? { before: before.toolchain.name, beforeLine: before.toolchain.line } : {}),
      ...(after?.toolchain ? { after: after.toolchain.name, line: after.toolchain.line } : {}),
    });
  }
  return changes.sort((a, b) => (a.line ?? a.beforeLine ?? 0) - (b.line ?? b.beforeLine ?? 0));
}

/** The go.mod line that would undo a change (what to write back), or undefined when the fix is to delete the line. */
export function revertLine(change: GoModChange): string | undefined {
  if (change.before === undefined) return undefined;
  switch (change.kind) {
    case 'require':
      return `require ${change.subject} ${change.before}`;
    case 'replace':
      return `replace ${change.subject.replace('@', ' ')} ${change.before}`;
    case 'exclude':
      return undefined;
    case 'go':
      return `go ${change.before}`;
    case 'toolchain':
      return `toolchain ${change.before}`;
  }
}
