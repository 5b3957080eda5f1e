/**
 * Wraps a plain tool log (what `go mod download` or `npm ci` printed) in the output of the CI
 * system or build tool that ran it, the way that system prints it, for metamorphic tests: the
 * classifier must give the same answer, with evidence pointing at the same tool lines, whatever
 * the wrapper (issue 13, item 1). The shapes follow the tools' documented output formats:
 *
 * - Jenkins console text (consoleText): Pipeline step lines, `+ cmd` from `sh -x`, the
 *   Timestamper's `HH:mm:ss ` prefix or its ISO `[2024-05-01T10:00:00.123Z] ` form, the closing
 *   `ERROR: script returned exit code 1` / `Finished: FAILURE`; a freestyle job with the AnsiColor
 *   plugin's colours passed through and `Build step 'Execute shell' marked build as failure`
 *   (the hidden `ha:////…` console notes are not in consoleText, so they are not generated).
 * - GitHub Actions raw log: `2024-05-01T10:00:00.1234567Z ` on every line, `##[group]Run …`,
 *   `##[endgroup]`, `##[error]Process completed with exit code 1.`
 * - GitLab runner trace: `section_start:<unix>:<name>\r\e[0K`, `$ cmd`, `section_end:…`,
 *   `ERROR: Job failed: exit code 1`; and the runner ≥ 17 FF_TIMESTAMPS form, where every line
 *   starts `<RFC 3339 UTC, 6 fractional digits> <2 hex stream><O|E><' '|'+'>`, `+` marking a line
 *   that continues the previous one (a long write the runner flushed in two parts).
 * - Docker: the classic builder (`Step n/m : RUN …`, ` ---> Running in <id>`, `The command
 *   '/bin/sh -c …' returned a non-zero code: 1`) and BuildKit plain progress (`#12 3.456 …`,
 *   `#12 ERROR: process "/bin/sh -c …" did not complete successfully: exit code: 1`, the error
 *   summary between `------` that repeats the step's last lines after their elapsed time, and
 *   `ERROR: failed to solve: …`).
 * - Bazel: `INFO:`/`DEBUG:`/`Loading:`/`Analyzing:` noise; for Go, a `go_repository` whose
 *   `fetch_repo` failed (`Error in fail: failed to fetch <repo>: fetch_repo: …`, repeated in the
 *   `ERROR: …/BUILD.bazel:3:1: no such package …` line); for npm/yarn/pnpm, a failed action
 *   (`ERROR: …/BUILD.bazel:12:8: … failed: (Exit 1): …`) followed by its output.
 *
 * Each wrapped log comes with `origin`: for every wrapped line (1-based), the line of the plain log
 * it shows, or 0 for the wrapper's own lines.
 */

export const WRAPPERS = [
  'jenkins-timestamper',
  'jenkins-iso',
  'jenkins-freestyle-ansi',
  'github-actions',
  'gitlab',
  'gitlab-timestamps',
  'docker-classic',
  'docker-buildkit',
  'bazel',
] as const;
export type WrapperId = (typeof WRAPPERS)[number];
export type WrapEcosystem = 'go' | 'npm' | 'yarn' | 'pnpm';

export interface Wrapped {
  text: string;
  /** origin[i]: the plain log's 1-based line shown on wrapped line i + 1, 0 for a wrapper line. */
  origin: number[];
}

const COMMANDS: Record<WrapEcosystem, string> = {
  go: 'go mod download',
  npm: 'npm ci',
  yarn: 'yarn install --frozen-lockfile',
  pnpm: 'pnpm install --frozen-lockfile',
};

const ESC = '\x1b';

class Builder {
  readonly lines: string[] = [];
  readonly origin: number[] = [];
  own(text: string): void {
    this.lines.push(text);
    this.origin.push(0);
  }
  tool(text: string, from: number): void {
    this.lines.push(text);
    this.origin.push(from);
  }
  done(): Wrapped {
    return { text: this.lines.join('\n'), origin: this.origin };
  }
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** A clock that advances a little per line, so every prefix is a plausible, distinct time. */
function clock(stepMs: number): (i: number) => Date {
  const base = Date.UTC(2024, 4, 1, 10, 0, 0, 123);
  return (i) => new Date(base + i * stepMs);
}

function hms(d: Date): string {
  return `${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}`;
}

/** ISO 8601 UTC with `digits` fractional digits (Jenkins 3, GitLab 6, GitHub 7). */
function iso(d: Date, digits: number): string {
  const ms = pad(d.getUTCMilliseconds(), 3);
  const frac = (ms + '4567890').slice(0, digits);
  return `${d.toISOString().slice(0, 19)}.${frac}Z`;
}

function plainLines(log: string): string[] {
  const lines = log.replace(/\n+$/, '').split('\n');
  return lines;
}

function jenkinsPipeline(lines: string[], cmd: string, stamp: (text: string, i: number) => string): Wrapped {
  const b = new Builder();
  let i = 0;
  const own = (t: string): void => b.own(stamp(t, i++));
  own('Started by user admin');
  own('[Pipeline] Start of Pipeline');
  own('[Pipeline] node');
  own('Running on build-agent-2 in /var/lib/jenkins/workspace/app');
  own('[Pipeline] {');
  own('[Pipeline] stage');
  own('[Pipeline] { (Dependencies)');
  own('[Pipeline] sh');
  own(`+ ${cmd}`);
  lines.forEach((l, k) => b.tool(stamp(l, i++), k + 1));
  own('[Pipeline] }');
  own('[Pipeline] // stage');
  own('[Pipeline] }');
  own('[Pipeline] // node');
  own('[Pipeline] End of Pipeline');
  own('ERROR: script returned exit code 1');
  own('Finished: FAILURE');
  return b.done();
}

function jenkinsFreestyleAnsi(lines: string[], cmd: string): Wrapped {
  // AnsiColor passes the tool's colours through; a red bold for errors is what go/npm wrappers print.
  const t = clock(250);
  const b = new Builder();
  let i = 0;
  const own = (text: string): void => b.own(`${hms(t(i++))} ${text}`);
  own('Started by an SCM change');
  own('Running as SYSTEM');
  own('Building on the built-in node in workspace /var/lib/jenkins/workspace/app');
  own('[app] $ /bin/sh -xe /tmp/jenkins5139022402961584143.sh');
  own(`${ESC}[1m+ ${cmd}${ESC}[0m`);
  lines.forEach((l, k) => {
    const coloured = /\b(?:error|ERR!|fatal)\b/i.test(l) ? `${ESC}[1;31m${l}${ESC}[0m` : l === '' ? l : `${l}${ESC}[0m`;
    b.tool(`${hms(t(i++))} ${coloured}`, k + 1);
  });
  own("Build step 'Execute shell' marked build as failure");
  own('Finished: FAILURE');
  return b.done();
}

function githubActions(lines: string[], cmd: string, eco: WrapEcosystem): Wrapped {
  const t = clock(37);
  const b = new Builder();
  let i = 0;
  const stamp = (text: string): string => `${iso(t(i++), 7)} ${text}`;
  b.own(stamp('Requested labels: ubuntu-latest'));
  b.own(stamp('Job defined at: example/app/.github/workflows/ci.yml@refs/heads/main'));
  b.own(stamp(`##[group]Run ${cmd}`));
  b.own(stamp(cmd));
  b.own(stamp('shell: /usr/bin/bash -e {0}'));
  // The step's env as the runner lists it (secrets masked).
  b.own(stamp('env:'));
  if (eco === 'go') {
    b.own(stamp('  GOTOOLCHAIN: local'));
    b.own(stamp('  GOFLAGS: -mod=mod'));
  } else b.own(stamp('  NODE_AUTH_TOKEN: ***'));
  b.own(stamp('##[endgroup]'));
  lines.forEach((l, k) => b.tool(stamp(l), k + 1));
  b.own(stamp('##[error]Process completed with exit code 1.'));
  b.own(stamp('Post job cleanup.'));
  return b.done();
}

const SECTION_T = 1714557600;

function gitlab(lines: string[], cmd: string): Wrapped {
  const b = new Builder();
  b.own(`${ESC}[0KRunning with gitlab-runner 16.11.0 (91a27b2a)${ESC}[0;m`);
  b.own(`${ESC}[0K  on docker-runner-1 xYz12AbC, system ID: s_0123456789ab${ESC}[0;m`);
  b.own(`section_start:${SECTION_T}:prepare_executor\r${ESC}[0K${ESC}[0K${ESC}[36;1mPreparing the "docker" executor${ESC}[0;m`);
  b.own(`${ESC}[0KUsing Docker executor with image golang:1.22 ...${ESC}[0;m`);
  b.own(`section_end:${SECTION_T + 3}:prepare_executor\r${ESC}[0K`);
  b.own(`section_start:${SECTION_T + 3}:get_sources\r${ESC}[0K${ESC}[0K${ESC}[36;1mGetting source from Git repository${ESC}[0;m`);
  b.own(`${ESC}[32;1mFetching changes with git depth set to 20...${ESC}[0;m`);
  b.own(`section_end:${SECTION_T + 5}:get_sources\r${ESC}[0K`);
  b.own(`section_start:${SECTION_T + 5}:step_script\r${ESC}[0K${ESC}[0K${ESC}[36;1mExecuting "step_script" stage of the job script${ESC}[0;m`);
  b.own(`${ESC}[32;1m$ ${cmd}${ESC}[0;m`);
  lines.forEach((l, k) => b.tool(l, k + 1));
  b.own(
    `section_end:${SECTION_T + 20}:step_script\r${ESC}[0Ksection_start:${SECTION_T + 20}:cleanup_file_variables\r${ESC}[0K${ESC}[0K${ESC}[36;1mCleaning up project directory and file based variables${ESC}[0;m`,
  );
  b.own(`section_end:${SECTION_T + 21}:cleanup_file_variables\r${ESC}[0K${ESC}[31;1mERROR: Job failed: exit code 1`);
  b.own(`${ESC}[0;m`);
  return b.done();
}

/** Where the runner split a long write: at a fixed share of the line, never inside the first 20 characters. */
function splitAt(line: string): number | undefined {
  if (line.length < 60) return undefined;
  return Math.floor(line.length * 0.6);
}

function gitlabTimestamps(lines: string[], cmd: string, eco: WrapEcosystem): Wrapped {
  // The same trace with FF_TIMESTAMPS (runner ≥ 17): every line after its time and stream tag.
  // Runner lines go to stream 00 stdout; the job's own output on stream 01, stderr for the tool's
  // errors (go writes everything to stderr). Long lines come in two parts, the second flagged `+`.
  const plain = gitlab(lines, cmd);
  const t = clock(11);
  const b = new Builder();
  const raw = plain.text.split('\n');
  raw.forEach((line, i) => {
    const from = plain.origin[i] ?? 0;
    const time = iso(t(i), 6);
    if (from === 0) {
      b.own(`${time} 00O ${line}`);
      return;
    }
    const stream = eco === 'go' || /ERR!|error|WARN/i.test(line) ? '01E' : '01O';
    const cut = splitAt(line);
    if (cut === undefined) {
      b.tool(`${time} ${stream} ${line}`, from);
      return;
    }
    b.tool(`${time} ${stream} ${line.slice(0, cut)}`, from);
    b.tool(`${time} ${stream}+${line.slice(cut)}`, from);
  });
  return b.done();
}

function dockerClassic(lines: string[], cmd: string): Wrapped {
  const b = new Builder();
  b.own('Sending build context to Docker daemon  1.536MB');
  b.own('Step 1/9 : FROM golang:1.22-alpine AS builder');
  b.own(' ---> 3c9c4a2b7d1e');
  b.own('Step 4/9 : COPY go.mod go.sum ./');
  b.own(' ---> 8f1d2e3a4b5c');
  b.own(`Step 5/9 : RUN ${cmd}`);
  b.own(' ---> Running in abc123def456');
  lines.forEach((l, k) => b.tool(l, k + 1));
  b.own(`The command '/bin/sh -c ${cmd}' returned a non-zero code: 1`);
  return b.done();
}

function dockerBuildkit(lines: string[], cmd: string): Wrapped {
  const b = new Builder();
  const step = '#12';
  b.own('#0 building with "default" instance using docker driver');
  b.own('');
  b.own('#11 [builder 3/7] COPY go.mod go.sum ./');
  b.own('#11 DONE 0.1s');
  b.own('');
  b.own(`${step} [builder 4/7] RUN ${cmd}`);
  const times = lines.map((_, k) => (0.412 + k * 0.137).toFixed(3));
  lines.forEach((l, k) => b.tool(`${step} ${times[k]} ${l}`, k + 1));
  b.own(`${step} ERROR: process "/bin/sh -c ${cmd}" did not complete successfully: exit code: 1`);
  b.own('------');
  b.own(` > [builder 4/7] RUN ${cmd}:`);
  // The summary repeats the step's last lines (up to 10), each after its elapsed time.
  const first = Math.max(0, lines.length - 10);
  for (let k = first; k < lines.length; k++) b.tool(`${times[k]} ${lines[k]}`, k + 1);
  b.own('------');
  b.own('Dockerfile:8');
  b.own('--------------------');
  b.own('   6 |     COPY go.mod go.sum ./');
  b.own(`   7 | >>> RUN ${cmd}`);
  b.own('   8 |     COPY . .');
  b.own('--------------------');
  b.own(`ERROR: failed to solve: process "/bin/sh -c ${cmd}" did not complete successfully: exit code: 1`);
  return b.done();
}

function bazel(lines: string[], cmd: string, eco: WrapEcosystem): Wrapped {
  const b = new Builder();
  b.own('INFO: Invocation ID: 0b7f3c2e-5a4d-4e1b-9c6a-1f2e3d4c5b6a');
  b.own(
    'DEBUG: Rule \'io_bazel_rules_go\' indicated that a canonical reproducible form can be obtained by modifying arguments shallow_since = "1712345678 +0000"',
  );
  b.own('Loading: 0 packages loaded');
  b.own('Analyzing: target //cmd/app:app (12 packages loaded, 0 targets configured)');
  if (eco === 'go') {
    const repo = 'org_golang_x_net';
    b.own(`INFO: Repository ${repo} instantiated at:`);
    b.own('  /home/ci/src/WORKSPACE:12:14: in <toplevel>');
    b.own('  /home/ci/src/deps.bzl:40:18: in go_dependencies');
    b.own('Repository rule go_repository defined at:');
    b.own('  /home/ci/.cache/bazel/_bazel_ci/8d1f0e2a/external/bazel_gazelle/internal/go_repository.bzl:348:32: in <toplevel>');
    b.own(`ERROR: An error occurred during the fetch of repository '${repo}':`);
    b.own('   Traceback (most recent call last):');
    b.own('\tFile "/home/ci/.cache/bazel/_bazel_ci/8d1f0e2a/external/bazel_gazelle/internal/go_repository.bzl", line 263, column 17, in _go_repository_impl');
    b.own('\t\tfail("failed to fetch %s: %s" % (ctx.name, result.stderr))');
    const message = (prefix: string): void => {
      lines.forEach((l, k) => b.tool(k === 0 ? `${prefix}fetch_repo: ${l}` : l, k + 1));
    };
    message(`Error in fail: failed to fetch ${repo}: `);
    message(`ERROR: /home/ci/src/cmd/app/BUILD.bazel:3:1: no such package '@${repo}//http2': failed to fetch ${repo}: `);
    b.own(" and referenced by '//cmd/app:app_lib'");
    b.own("ERROR: Analysis of target '//cmd/app:app' failed; build aborted: Analysis failed");
  } else {
    b.own('INFO: Analyzed target //web:bundle (4 packages loaded, 18 targets configured).');
    b.own(`ERROR: /home/ci/src/web/BUILD.bazel:12:8: Action web/node_modules failed: (Exit 1): bash failed: error executing command /bin/bash -c '${cmd}'`);
    lines.forEach((l, k) => b.tool(l, k + 1));
    b.own('Target //web:bundle failed to build');
  }
  b.own('INFO: Elapsed time: 4.210s');
  b.own('INFO: 0 processes.');
  b.own('FAILED: Build did NOT complete successfully (12 packages loaded, 0 targets configured)');
  return b.done();
}

/** The plain log `log` as `wrapper` prints it around the command that produced it. */
export function wrapLog(log: string, wrapper: WrapperId, eco: WrapEcosystem = 'go'): Wrapped {
  const lines = plainLines(log);
  const cmd = COMMANDS[eco];
  switch (wrapper) {
    case 'jenkins-timestamper': {
      const t = clock(250);
      return jenkinsPipeline(lines, cmd, (text, i) => `${hms(t(i))} ${text}`);
    }
    case 'jenkins-iso': {
      const t = clock(250);
      return jenkinsPipeline(lines, cmd, (text, i) => `[${iso(t(i), 3)}] ${text}`);
    }
    case 'jenkins-freestyle-ansi':
      return jenkinsFreestyleAnsi(lines, cmd);
    case 'github-actions':
      return githubActions(lines, cmd, eco);
    case 'gitlab':
      return gitlab(lines, cmd);
    case 'gitlab-timestamps':
      return gitlabTimestamps(lines, cmd, eco);
    case 'docker-classic':
      return dockerClassic(lines, cmd);
    case 'docker-buildkit':
      return dockerBuildkit(lines, cmd);
    case 'bazel':
      return bazel(lines, cmd, eco);
  }
}
