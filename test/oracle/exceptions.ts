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
  'bad-zip/case-collision': {
    go: 'exit 1: -> unzip $WORK/modcache/cache/download/go.example.net/tyrell/cron/@v/v1.9.0.zip: go.example.net/tyrell/cron@v1.9.0/readme.md: case-insensitive file name collision: "README.md" and "readme.md"',
    buildfix:
      'warning missing-go-sum: go.sum is missing but go.mod requires 1 module. Not a cause of failure now: go mod download adds the missing go.sum lines itself (go 1.19.8 on this host; it verifies them with the checksum database unless GONOSUMDB/GOSUMDB=off). go build and go test, which run with -mod=reado',
    cause:
      "needs --deep (zip download and go's zip rules): not on main yet; and engine (module check): go.sum absent or lacking lines is reported as an error (missing-go-sum), but `go mod download` does not need go.sum lines: it asks GOSUMDB for them (and nothing with GOSUMDB=off). It is a `go build` error, a warning for the download.",
  },
  'bad-zip/dot-dot': {
    go: 'exit 1: -> unzip $WORK/modcache/cache/download/example.org/initech/httpx/@v/v1.1.4.zip: example.org/initech/httpx@v1.1.4/../escape.go: malformed file path "../escape.go": invalid path element ".."',
    buildfix:
      'warning missing-go-sum: go.sum is missing but go.mod requires 1 module. Not a cause of failure now: go mod download adds the missing go.sum lines itself (go 1.19.8 on this host; it verifies them with the checksum database unless GONOSUMDB/GOSUMDB=off). go build and go test, which run with -mod=reado',
    cause:
      "needs --deep (zip download and go's zip rules): not on main yet; and engine (module check): go.sum absent or lacking lines is reported as an error (missing-go-sum), but `go mod download` does not need go.sum lines: it asks GOSUMDB for them (and nothing with GOSUMDB=off). It is a `go build` error, a warning for the download.",
  },
  'bad-zip/malformed-name': {
    go: 'exit 1: -> unzip $WORK/modcache/cache/download/code.example.io/umbrella/util/@v/v1.5.6.zip: code.example.io/umbrella/util@v1.5.6/pipe|name.go: malformed file path "pipe|name.go": invalid char \'|\'',
    buildfix:
      'warning sumdb-disabled: GOSUMDB=off: downloaded modules are not checked against the checksum database, so a tampered or re-tagged module goes unnoticed (go.sum still applies).',
    cause:
      "needs --deep (zip download and go's zip rules): not on main yet; and engine (module check): go.sum absent or lacking lines is reported as an error (missing-go-sum), but `go mod download` does not need go.sum lines: it asks GOSUMDB for them (and nothing with GOSUMDB=off). It is a `go build` error, a warning for the download.",
  },
  'bad-zip/outside-prefix': {
    go: 'exit 1: go: zip for code.example.io/acme/cron@v1.4.5 has unexpected file code.example.io/acme/elsewhere@v1.0.0/x.go',
    buildfix:
      'warning missing-go-sum: go.sum is missing but go.mod requires 1 module. Not a cause of failure now: go mod download adds the missing go.sum lines itself (go 1.19.8 on this host; it verifies them with the checksum database unless GONOSUMDB/GOSUMDB=off). go build and go test, which run with -mod=reado',
    cause: 'needs --deep (zip entries outside `<module>@<version>/`): not on main yet.',
  },
  'bad-zip/oversized': {
    go: 'exit 1: -> unzip $WORK/modcache/cache/download/go.example.net/hooli/cache/@v/v1.2.4.zip: total uncompressed size of module contents too large (max size is 524288000 bytes)',
    buildfix:
      'warning missing-go-sum: go.sum is missing but go.mod requires 1 module. Not a cause of failure now: go mod download adds the missing go.sum lines itself (go 1.19.8 on this host; it verifies them with the checksum database unless GONOSUMDB/GOSUMDB=off). go build and go test, which run with -mod=reado',
    cause:
      "needs --deep (zip sizes against go's 500 MiB limit): not on main yet; and engine (module check): go.sum absent or lacking lines is reported as an error (missing-go-sum), but `go mod download` does not need go.sum lines: it asks GOSUMDB for them (and nothing with GOSUMDB=off). It is a `go build` error, a warning for the download.",
  },
  'excluded/required-excluded-higher': {
    go: 'exit 1: go: dropping requirement on excluded version example.org/wonka/httpx v1.1.0',
    buildfix:
      'warning sumdb-disabled: GOSUMDB=off: downloaded modules are not checked against the checksum database, so a tampered or re-tagged module goes unnoticed (go.sum still applies).',
    cause:
      "engine: exclude of the required version not handled (graph stage not on main yet): go 1.19 drops the requirement ('dropping requirement on excluded version') and `go mod download` fails with 'not a known dependency'.",
  },
  'go-sum/stale-zip': {
    go: "exit 1: verifying code.example.io/stark/uuid@v1.6.8: checksum mismatch ⏎ downloaded: h1:nDvpy/prDLlLzUzvVvhNwcWp2UaNZNCmlIV/q/3iJxM= ⏎ go.sum:     h1:KCxvN3jyhJcITRLeVpg27oHC/m6eXmBKRiwtBLIqa5o= ⏎ SECURITY ERROR ⏎ This download does NOT match an earlier download recorded in go.sum. ⏎ The bits may have been replaced on the origin server, or an attacker may ⏎ have intercepted the download attempt. ⏎ For more information, see 'go help module-auth'.",
    buildfix:
      'warning sumdb-disabled: GOSUMDB=off: downloaded modules are not checked against the checksum database, so a tampered or re-tagged module goes unnoticed (go.sum still applies).',
    cause: "needs --deep (zip h1: against go.sum's zip line): not on main yet.",
  },
  'go-sum/tampered-zip': {
    go: "exit 1: verifying example.org/tyrell/httpx@v1.4.2: checksum mismatch ⏎ downloaded: h1:cUB6dqRKOGIF5HffLMLmSOU/xkLW/qQEU73eRuhPCNQ= ⏎ go.sum:     h1:0uu/s/OXobm2Mx4Tv50eb4SYdI0K9h0jET12SX5do44= ⏎ SECURITY ERROR ⏎ This download does NOT match an earlier download recorded in go.sum. ⏎ The bits may have been replaced on the origin server, or an attacker may ⏎ have intercepted the download attempt. ⏎ For more information, see 'go help module-auth'.",
    buildfix:
      'warning sumdb-disabled: GOSUMDB=off: downloaded modules are not checked against the checksum database, so a tampered or re-tagged module goes unnoticed (go.sum still applies).',
    cause: "needs --deep (zip h1: against go.sum's zip line): not on main yet.",
  },
  'missing-version/missing-pseudo': {
    go: 'exit 1: go: code.example.io/globex/httpx@v0.0.0-20240528210405-94caaf960849: reading http://127.0.0.1:PORT/$PROJECT/ok/code.example.io/globex/httpx/@v/v0.0.0-20240528210405-94caaf960849.mod: 404 Not Found ⏎ server response: not found: code.example.io/globex/httpx@v0.0.0-20240528210405-94caaf960849: invalid version: unknown revision v0.0.0-20240528210405-94caaf960849',
    buildfix:
      'error private-module-auth (code.example.io/globex/httpx@v0.0.0-20240528210405-94caaf960849): code.example.io/globex/httpx looks private but is not covered by GOPRIVATE/GONOPROXY, so go asks http://127.0.0.1:PORT/$PROJECT/ok, which cannot see it',
    cause:
      "engine: a 404 for a host that 'looks private' (code.example.io) becomes private-module-auth; nothing marks it private and go reports the version not found.",
  },
  'private/gonosumdb-misses': {
    go: 'exit 1: go: code.example.io/globex/auth@v1.6.1: verifying go.mod: code.example.io/globex/auth@v1.6.1/go.mod: Get "http://127.0.0.1:PORT/lookup/code.example.io/globex/auth@v1.6.1": dial tcp 127.0.0.1:PORT: connect: connection refused',
    buildfix:
      'error private-module-routing (code.example.io/globex/auth@v1.6.1): code.example.io/globex/auth looks private but is not in GONOSUMDB/GOPRIVATE: go would ask the public checksum database about it',
    cause:
      "engine: the top finding is the 'looks private' heuristic (private-module-routing); go fails on the checksum DB lookup for the module GONOSUMDB does not cover (sumdb-unreachable).",
  },
  'replace-version/to-missing-version': {
    go: 'exit 1: go: code.example.io/hooli/log@v1.0.0 (replaced by code.example.io/hooli/log@v1.9.9): reading http://127.0.0.1:PORT/$PROJECT/ok/code.example.io/hooli/log/@v/v1.9.9.mod: 404 Not Found ⏎ server response: not found: code.example.io/hooli/log@v1.9.9: invalid version: unknown revision v1.9.9',
    buildfix:
      'error private-module-auth (code.example.io/hooli/log@v1.9.9): code.example.io/hooli/log looks private but is not covered by GOPRIVATE/GONOPROXY, so go asks http://127.0.0.1:PORT/$PROJECT/ok, which cannot see it',
    cause: "engine: a 404 for a host that 'looks private' (code.example.io) becomes private-module-auth; go reports the replacement version not found.",
  },
  'replace-version/to-other-module-missing': {
    go: 'exit 1: go: code.example.io/wonka/httpx@v1.0.0 (replaced by code.example.io/wonka/httpx-fork@v1.0.3): reading http://127.0.0.1:PORT/$PROJECT/ok/code.example.io/wonka/httpx-fork/@v/v1.0.3.mod: 404 Not Found ⏎ server response: not found: code.example.io/wonka/httpx-fork@v1.0.3: invalid version: unknown revision v1.0.3',
    buildfix:
      'error private-module-auth (code.example.io/wonka/httpx-fork@v1.0.3): code.example.io/wonka/httpx-fork looks private but is not covered by GOPRIVATE/GONOPROXY, so go asks http://127.0.0.1:PORT/$PROJECT/ok, which cannot see it',
    cause: "engine: a 404 for a host that 'looks private' (code.example.io) becomes private-module-auth; go reports the replacement version not found.",
  },
  'sumdb/mod-lines-only-sumdb-down': {
    go: 'exit 1: go: example.org/wonka/cache@v1.3.5: verifying module: example.org/wonka/cache@v1.3.5: Get "http://127.0.0.1:PORT/lookup/example.org/wonka/cache@v1.3.5": dial tcp 127.0.0.1:PORT: connect: connection refused',
    buildfix: 'error sumdb-unreachable: The checksum database 127.0.0.1:PORT is unreachable: TCP connect to 127.0.0.1:PORT failed: connection refused.',
    cause: 'engine: the sumdb-unreachable finding (probe) names no module; go names the modules whose zip lines go.sum lacks. Name them.',
  },
  'sumdb/no-go-sum-sumdb-down': {
    go: 'exit 1: go: example.com/hooli/cache@v1.0.1: verifying go.mod: example.com/hooli/cache@v1.0.1/go.mod: Get "http://127.0.0.1:PORT/lookup/example.com/hooli/cache@v1.0.1": dial tcp 127.0.0.1:PORT: connect: connection refused',
    buildfix: 'error sumdb-unreachable: The checksum database 127.0.0.1:PORT is unreachable: TCP connect to 127.0.0.1:PORT failed: connection refused.',
    cause:
      'engine: the sumdb-unreachable finding (probe) names no module; go names the first module whose go.sum line it has to look up. Name the modules go.sum lacks (outside GONOSUMDB).',
  },
  'sumdb/partial-go-sum-sumdb-down': {
    go: 'exit 1: go: go.example.net/umbrella/httpx@v1.8.3: verifying go.mod: go.example.net/umbrella/httpx@v1.8.3/go.mod: Get "http://127.0.0.1:PORT/lookup/go.example.net/umbrella/httpx@v1.8.3": dial tcp 127.0.0.1:PORT: connect: connection refused',
    buildfix: 'error sumdb-unreachable: The checksum database 127.0.0.1:PORT is unreachable: TCP connect to 127.0.0.1:PORT failed: connection refused.',
    cause:
      "engine: the top finding is the 'looks private' heuristic (private-module-routing) for a public-looking host (code.example.io); go fails on the checksum DB lookup for the module go.sum lacks (sumdb-unreachable). Only GOPRIVATE/GONOSUMDB or configured repo hosts make a module private.",
  },
  'wrong-case/lowercase-request': {
    go: 'exit 1: go: code.example.io/bigcorp/widget@v1.4.2: reading http://127.0.0.1:PORT/$PROJECT/ok/code.example.io/bigcorp/widget/@v/v1.4.2.mod: 404 Not Found ⏎ server response: not found: code.example.io/bigcorp/widget@v1.4.2: invalid version: unknown revision v1.4.2',
    buildfix:
      'error private-module-auth (code.example.io/bigcorp/widget@v1.4.2): code.example.io/bigcorp/widget looks private but is not covered by GOPRIVATE/GONOPROXY, so go asks http://127.0.0.1:PORT/$PROJECT/ok, which cannot see it',
    cause:
      "engine: a 404 for a host that 'looks private' (code.example.io) becomes private-module-auth; nothing marks it private (no GOPRIVATE, no configured repo host) and go reports the version not found.",
  },
  'wrong-case/uppercase-request': {
    go: 'exit 1: go: code.example.io/initech/Auth@v1.3.8: reading http://127.0.0.1:PORT/$PROJECT/ok/code.example.io/initech/%21auth/@v/v1.3.8.mod: 404 Not Found ⏎ server response: not found: code.example.io/initech/Auth@v1.3.8: invalid version: unknown revision v1.3.8',
    buildfix:
      'error private-module-auth (code.example.io/initech/Auth@v1.3.8): code.example.io/initech/Auth looks private but is not covered by GOPRIVATE/GONOPROXY, so go asks http://127.0.0.1:PORT/$PROJECT/ok, which cannot see it',
    cause:
      "engine: a 404 for a host that 'looks private' (code.example.io) becomes private-module-auth; nothing marks it private (no GOPRIVATE, no configured repo host) and go reports the version not found.",
  },
};
