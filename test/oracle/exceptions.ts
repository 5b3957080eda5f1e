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

export const ORACLE_EXCEPTIONS: Record<string, OracleException> = {
  'goproxy-list/410-alone': {
    go: 'exit 1: go: code.example.io/globex/httpx@v1.6.7: reading http://127.0.0.1:PORT/$PROJECT/410/code.example.io/globex/httpx/@v/v1.6.7.mod: 410 Gone ⏎ server response: not found: code.example.io/globex/httpx/@v/v1.6.7.mod: gone',
    buildfix:
      'error private-module-auth (code.example.io/globex/uuid@v1.4.4): code.example.io/globex/uuid looks private but is not covered by GOPRIVATE/GONOPROXY, so go asks http://127.0.0.1:PORT/$PROJECT/410, which cannot see it',
    cause:
      "heuristic, kept on purpose: the host looks private (code.* label, src/checks/private-hosts.ts), the proxy lists no version of the module and its 410 body says only 'gone', so buildfix reads it as a private module the proxy cannot see (private-module-auth, fix: GOPRIVATE + git credentials), the commonest real cause of that answer for a company host. go only says the version is not found. A proxy that lists other versions of the module, or whose 404/410 body carries go's 'unknown revision' (it reached the repository), makes it version-not-found (the wrong-case variants agree since then).",
  },
};
