/**
 * Turns one raw CI log line into the text a person would read in the web UI:
 * no ANSI colours, no CI timestamps, no carriage-return progress frames and no
 * runner markers (GitHub `##[error]`, GitLab `section_start:…`, Jenkins hidden
 * console notes, Buildkite timestamps, Docker BuildKit step prefixes and error-summary times). Works per line so the classifier can
 * keep the original line numbers.
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
// and elapsed time before the tool's own text (its indentation is kept).
const STEP_PREFIX = /^(?:#\d+ \d+(?:\.\d+)? |\[\s*\d+s\] |\d{1,4}\.\d{1,3} )/;
const TIMESTAMP =
  /^(?:\[?\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?\]? ?(?:\d{2}[OE]\+? ?)?|\[\d{2}:\d{2}:\d{2}(?:\.\d+)?\] ?|\d{2}:\d{2}:\d{2}(?:\.\d+)? )/;
// GitHub Actions log commands as they appear in downloaded logs, and raw workflow commands.
const GH_MARKER = /^(?:##\[(?:error|warning|notice|debug|group|endgroup|command|section)\]|\[command\]|::(?:error|warning|notice|debug|group|endgroup)[^:]*::)/;

export interface NormalizedLine {
  text: string;
  /** The runner marked the line as a warning (GitHub `##[warning]`). */
  warningMarker: boolean;
  /** The runner marked the line as an error (GitHub `##[error]`). */
  errorMarker: boolean;
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
  s = s.replace(TIMESTAMP, '').replace(STEP_PREFIX, '');
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
  const marker = GH_MARKER.exec(s);
  if (marker) {
    warningMarker = marker[0] === '##[warning]' || marker[0].startsWith('::warning');
    errorMarker = marker[0] === '##[error]' || marker[0].startsWith('::error');
    s = s.slice(marker[0].length);
  }
  return { text: s.trimEnd(), warningMarker, errorMarker };
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
