/**
 * Known disagreements between buildfix and the real `go mod download`, per
 * generator variant ("family/variant"), each with go's own output (first
 * error; temp dirs and ports replaced), buildfix's top finding and the
 * cause. The oracle agreement test fails on any disagreement not listed
 * here. Regenerate the go/buildfix fields with
 * `npm run accuracy:go -- --write-exceptions` (causes are kept); an entry
 * whose variant now agrees is reported as stale by the test and should be
 * removed.
 */
import type { OracleProject } from './generate.ts';

export interface OracleException {
  /** go's exit code and first error. */
  go: string;
  /** buildfix's top finding (or its exit-2 error). */
  buildfix: string;
  /** Why they differ: the engine's root cause, or why go's verdict is not the one to follow. */
  cause: string;
}

export function exceptionKey(project: Pick<OracleProject, 'family' | 'variant'>): string {
  return `${project.family}/${project.variant}`;
}

export const ORACLE_EXCEPTIONS: Record<string, OracleException> = {};
