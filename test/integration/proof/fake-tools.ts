/**
 * A fixture directory of fake `go`, `git` and `systemctl` for a worker's
 * PATH: each records its full argv (one record per call, fields separated by
 * \x1f, records by \x1e, appended in one write) into a log file, then answers
 * like the real tool would for the calls buildfix makes (go version, go env
 * -json …), so jobs complete and every process start can be checked.
 */
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface FakeTools {
  /** Put first on the worker's PATH. */
  dir: string;
  log: string;
  /** Every recorded call: [tool name, ...args]. */
  calls(): Promise<string[][]>;
}

const RECORD = (log: string): string => `rec="$(basename "$0")"
for a in "$@"; do rec="$rec$(printf '\\037')$a"; done
printf '%s\\036' "$rec" >> '${log}'`;

const GO = (log: string): string => `#!/bin/sh
${RECORD(log)}
case "$1" in
  version) echo "go version go1.22.5 linux/amd64" ;;
  env) printf '{"GOPROXY":"off","GOSUMDB":"off","GOFLAGS":"","GOMODCACHE":"%s/go/pkg/mod","GOPATH":"%s/go","GOVERSION":"go1.22.5","GOTOOLCHAIN":"local","GONOSUMDB":"","GOPRIVATE":"","GONOPROXY":"","GOINSECURE":""}\\n' "$HOME" "$HOME" ;;
  clean|mod) : ;;
  *) echo "go: unknown command" >&2; exit 2 ;;
esac
`;

const GIT = (log: string): string => `#!/bin/sh
${RECORD(log)}
case "$1" in
  --version) echo "git version 2.39.5" ;;
  config) exit 1 ;;
  clone) echo "fatal: unable to access the repository (fake git)" >&2; exit 128 ;;
  ls-remote) echo "fatal: could not read from remote repository (fake git)" >&2; exit 128 ;;
  *) exit 1 ;;
esac
`;

const SYSTEMCTL = (log: string): string => `#!/bin/sh
${RECORD(log)}
exit 0
`;

export async function createFakeTools(parent: string): Promise<FakeTools> {
  const dir = join(parent, 'fake-bin');
  const log = join(parent, 'argv.log');
  await mkdir(dir, { recursive: true });
  await writeFile(log, '');
  for (const [name, text] of [
    ['go', GO(log)],
    ['git', GIT(log)],
    ['systemctl', SYSTEMCTL(log)],
  ] as const) {
    await writeFile(join(dir, name), text);
    await chmod(join(dir, name), 0o755);
  }
  return {
    dir,
    log,
    async calls() {
      const text = await readFile(log, 'utf8');
      return text
        .split('\x1e')
        .filter((r) => r !== '')
        .map((r) => r.split('\x1f'));
    },
  };
}
