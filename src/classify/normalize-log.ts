/**
 * Turns one raw CI log line into the text a person would read in the web UI:
 * no ANSI colours, no CI timestamps, no carriage-return progress frames and no
 * runner markers (GitHub `##[error]`, GitLab `section_start:…`, Jenkins hidden
 * console notes, Buildkite timestamps, Docker BuildKit step prefixes and error-summary times, Bazel's
 * `failed to fetch <repo>: fetch_repo:` before a repository rule's output). Works per line so the
 * classifier can keep the original line numbers. It also says whether a line is the tool's output,
 * the wrapper echoing the command it runs, or the wrapper's verdict (LineRole): only tool output
 * names a cause, so the answer does not depend on the wrapper around the same failure.
 */

// Jenkins stores console annotations as hidden text: ESC[8mha:////<base64>ESC[0m.
const JENKINS_NOTE = /\x1b\[8mha:\/\/\/\/[A-Za-z0-9+/=]*\x1b\[0m/g;
// GitLab collapsible sections: section_start:<unix>:<name>[options]\r\e[0K
const GITLAB_SECTION = /section_(?:start|end):\d+:[A-Za-z0-9_.-]+(?:\[[^\]\r\n]*\])?/g;
// Buildkite inline timestamps: ESC_bk;t=<ms>BEL
const BUILDKITE_TS = /\x1b_bk;t=\d+\x07/g;
// CSI sequences (colours, erase line), OSC sequences (titles, links) and lone two-byte escapes.
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;
// ISO timestamps added by GitHub Actions / Azure (2024-05-02T10:11:12.1234567Z),
// GitLab (… plus "00O " / "01E+" stream tags) and the Jenkins timestamper plugin ([…] or HH:MM:SS).
// Docker BuildKit plain progress ("#9 33.83 go: …"), the elapsed time BuildKit puts before each
// line of a failed step in its error summary ("0.162 go: …", "14.66 \tfatal: …", between
// " > [builder 4/5] RUN …:" and "------") and openSUSE OBS build logs ("[   47s] go: …"): the step
// and elapsed time before the tool's own text (its indentation is kept). A pasted error summary is often
// indented by a few spaces before the elapsed time.
const STEP_PREFIX = /^(?:#\d+ \d+(?:\.\d+)? |\[\s*\d+s\] | {0,4}\d{1,4}\.\d{1,3} )/;
// GitLab runner ≥ 17 (FF_TIMESTAMPS): "<RFC 3339> <2 hex: stream><O|E><' ' | '+' continuation>".
const TIMESTAMP =
  /^(?:\[?\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z| UTC|[+-]\d{2}:?\d{2})?\]? ?(?:[0-9a-f]{2}[OE]\+? ?)?|\[\d{2}:\d{2}:\d{2}(?:\.\d+)?\] ?|\d{2}:\d{2}:\d{2}(?:\.\d+)? )/;
/** A GitLab FF_TIMESTAMPS line that continues the previous one (the runner flushed a long write in parts). */
export const GITLAB_CONTINUATION = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z [0-9a-f]{2}[OE]\+/;
// Bazel quotes a failed repository rule's output after its own words: `Error in fail: failed to fetch
// <repo>: fetch_repo: …` (go_repository), repeated in `ERROR: <BUILD file>:L:C: no such package
// '@repo//pkg': failed to fetch <repo>: …` and `ERROR: Analysis of target … build aborted: …`;
// older fetch_repo put Go's log time (2019/02/19 15:13:43) before its text.
const BAZEL_FETCH =
  /^(?:Error in fail: |ERROR: .*?: )?failed to fetch (?:repository )?'?@{0,2}[\w.~+-]+'?: (?:fetch_repo: )?(?:\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2} )?/;
// GitHub Actions log commands as they appear in downloaded logs, and raw workflow commands.
const GH_MARKER = /^(?:##\[(?:error|warning|notice|debug|group|endgroup|command|section)\]|\[command\]|::(?:error|warning|notice|debug|group|endgroup)[^:]*::)/;

// Lines the wrapper prints about the command rather than the command's output: shell traces
// (`+ go mod download` from `sh -x`, Jenkins' `sh` steps), prompts (`$ go mod download`, GitLab's
// script echo), Docker's step headers (`Step 5/9 : RUN …`, BuildKit `#12 [builder 4/7] RUN …`,
// ` > [builder 4/7] RUN …:`, ` => ERROR [builder 4/7] RUN …`) and the Dockerfile excerpt of its
// error summary (`   7 | >>> RUN …`). They name the command (`--frozen-lockfile`, `GOFLAGS=-mod=vendor`),
// never a cause.
const COMMAND_ECHO = /^(?:\+{1,3} \S|\$ \S|Step \d+\/\d+ : |#\d+ \[[^\]]+\] |\s*> \[[^\]]+\] |\s*=> (?:ERROR |CACHED )?\[[^\]]+\] |\s{0,4}\d+ \|(?: >>>)? )/;
// Bazel's Starlark traceback of a failed repository rule quotes the .bzl source it ran (`Traceback (most recent
// call last):`, `File "…/go_repository.bzl", line 263, column 17, in _go_repository_impl`, `fail("failed to fetch
// %s: %s" % (…))`): the rule's code, never a cause; the tool's words follow on `Error in fail:`.
const STARLARK_TRACEBACK = /^\s*(?:Traceback \(most recent call last\):$|File "[^"]+\.bzl", line \d+, column \d+, in \w+$|fail\(.*\)$)/;
// The wrapper's own verdict that the command failed, without why: Docker's classic builder and
// BuildKit, docker compose, Bazel's closing and repository-rule lines, a failed Bazel action.
const WRAPPER_VERDICT =
  /returned a non-zero code: \d+|did not complete successfully: exit code: \d+|executor failed running \[|^ERROR: Service '[^']*' failed to build|^FAILED: Build did NOT complete successfully|^Target \S+ failed to build|^ERROR: Analysis of target '[^']*' failed; build aborted(?:: Analysis failed)?$|^ERROR: An error occurred during the fetch of repository '[^']*':?$|^ERROR: \S+:\d+:\d+: .* failed: \(Exit \d+\)/;

/**
 * What a cleaned line is: the tool's own output, the wrapper echoing the command it runs, or the
 * wrapper's verdict that the command failed. Only tool output can name a cause.
 */
export type LineRole = 'tool' | 'echo' | 'verdict';

export interface NormalizedLine {
  text: string;
  /** The runner marked the line as a warning (GitHub `##[warning]`). */
  warningMarker: boolean;
  /** The runner marked the line as an error (GitHub `##[error]`). */
  errorMarker: boolean;
  role: LineRole;
  /** GitHub `##[group]` / `##[endgroup]`; `run` is the group the runner opens for a step's script (`##[group]Run …`). */
  group?: 'run' | 'start' | 'end';
}

/** Cleans one raw line; see the module comment for what is removed. */
export function normalizeLineDetailed(raw: string): NormalizedLine {
  let s = raw;
  if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
  const hasEsc = s.includes('\x1b');
  if (hasEsc) {
    s = s.replace(JENKINS_NOTE, '').replace(BUILDKITE_TS, '');
  }
  if (s.includes('section_')) s = s.replace(GITLAB_SECTION, '');
  if (hasEsc) s = s.replace(ANSI, '');
  // Prefixes can stack (a BuildKit step running an OBS build, a Jenkins timestamp before a Docker step).
  for (let i = 0; i < 3; i++) {
    const next = s.replace(TIMESTAMP, '').replace(STEP_PREFIX, '');
    if (next === s) break;
    s = next;
  }
  if (s.includes('\r')) {
    // A terminal shows the last frame written after a carriage return.
    const frames = s.split('\r');
    let chosen = '';
    for (let i = frames.length - 1; i >= 0; i--) {
      const frame = frames[i] ?? '';
      if (frame.trim() !== '') {
        chosen = frame;
        break;
      }
    }
    s = chosen.replace(TIMESTAMP, '');
  }
  let warningMarker = false;
  let errorMarker = false;
  let role: LineRole = 'tool';
  let group: NormalizedLine['group'];
  const marker = GH_MARKER.exec(s);
  if (marker) {
    const m = marker[0];
    warningMarker = m === '##[warning]' || m.startsWith('::warning');
    errorMarker = m === '##[error]' || m.startsWith('::error');
    s = s.slice(m.length);
    if (m === '##[group]') group = s.startsWith('Run ') ? 'run' : 'start';
    else if (m === '##[endgroup]') group = 'end';
    // A group's title and a `##[command]` line are the runner naming what it runs.
    if (m === '##[group]' || m === '##[command]' || m === '[command]' || m.startsWith('::group')) role = 'echo';
  }
  // The output Bazel quotes is a line like any other: a timestamp may lead it.
  if (s.includes('failed to fetch ')) s = s.replace(BAZEL_FETCH, '').replace(TIMESTAMP, '');
  s = s.trimEnd();
  if (role === 'tool') {
    if (COMMAND_ECHO.test(s) || STARLARK_TRACEBACK.test(s)) role = 'echo';
    else if (WRAPPER_VERDICT.test(s)) role = 'verdict';
  }
  const out: NormalizedLine = { text: s, warningMarker, errorMarker, role };
  if (group) out.group = group;
  return out;
}

/** Cleaned text of one raw log line. */
export function normalizeLine(raw: string): string {
  return normalizeLineDetailed(raw).text;
}

/** Evidence form of a cleaned line: trimmed, at most `max` characters. */
export function toEvidence(text: string, max = 300): string {
  const t = text.trim();
  return t.length <= max ? t : `${t.slice(0, max - 1)}…`;
}
