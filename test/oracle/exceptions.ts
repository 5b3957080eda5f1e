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
      "heuristic, lead to decide: the host looks private (code.* label, src/checks/private-hosts.ts) and the proxy knows no version of the module, so buildfix reads go's 'not found' as a private module the proxy cannot see (private-module-auth, fix: GOPRIVATE + git credentials). go only says the version is not found; nothing in the environment (GOPRIVATE, configured repo hosts) marks it private. Since this session a proxy that lists other versions of the module makes it version-not-found.",
  },
  'wrong-case/lowercase-request': {
    go: 'exit 1: go: code.example.io/bigcorp/widget@v1.4.2: reading http://127.0.0.1:PORT/$PROJECT/ok/code.example.io/bigcorp/widget/@v/v1.4.2.mod: 404 Not Found ⏎ server response: not found: code.example.io/bigcorp/widget@v1.4.2: invalid version: unknown revision v1.4.2',
    buildfix:
      'error private-module-auth (code.example.io/bigcorp/widget@v1.4.2): code.example.io/bigcorp/widget looks private but is not covered by GOPRIVATE/GONOPROXY, so go asks http://127.0.0.1:PORT/$PROJECT/ok, which cannot see it',
    cause:
      "heuristic, lead to decide: the host looks private (code.* label, src/checks/private-hosts.ts) and the proxy knows no version of the module, so buildfix reads go's 'not found' as a private module the proxy cannot see (private-module-auth, fix: GOPRIVATE + git credentials). go only says the version is not found; nothing in the environment (GOPRIVATE, configured repo hosts) marks it private. Since this session a proxy that lists other versions of the module makes it version-not-found.",
  },
  'wrong-case/uppercase-request': {
    go: 'exit 1: go: code.example.io/stark/Metrics@v1.3.6: reading http://127.0.0.1:PORT/$PROJECT/ok/code.example.io/stark/%21metrics/@v/v1.3.6.mod: 404 Not Found ⏎ server response: not found: code.example.io/stark/Metrics@v1.3.6: invalid version: unknown revision v1.3.6',
    buildfix:
      'error private-module-auth (code.example.io/stark/Metrics@v1.3.6): code.example.io/stark/Metrics looks private but is not covered by GOPRIVATE/GONOPROXY, so go asks http://127.0.0.1:PORT/$PROJECT/ok, which cannot see it',
    cause:
      "heuristic, lead to decide: the host looks private (code.* label, src/checks/private-hosts.ts) and the proxy knows no version of the module, so buildfix reads go's 'not found' as a private module the proxy cannot see (private-module-auth, fix: GOPRIVATE + git credentials). go only says the version is not found; nothing in the environment (GOPRIVATE, configured repo hosts) marks it private. Since this session a proxy that lists other versions of the module makes it version-not-found.",
  },
};
