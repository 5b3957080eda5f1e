/**
 * Metamorphic wrapper invariance (issue 13, item 1: logs "in every common wrapper"). Every plain
 * log of the corpus's DEVELOPMENT part is wrapped in each CI/build wrapper as the tool prints it
 * (wrap-log.ts: Jenkins, GitHub Actions, GitLab, Docker, Bazel) and must get the same answer as the
 * plain log: the same category, evidence on the lines that show the same tool lines, with the same
 * text (the wrapper's prefixes stripped), numbered as lines of the wrapped log. Only development
 * logs are used; the test part is never read here.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadParts } from '../../../scripts/accuracy.ts';
import { classifyLog } from '../../../src/classify/classify-log.ts';
import { classifyLogStream } from '../../../src/classify/classify-stream.ts';
import { WRAPPERS, wrapLog, type WrapperId } from './wrap-log.ts';

const plain = loadParts().dev.filter((e) => e.wrapper === 'plain');
const expected = new Map(plain.map((e) => [e.file, classifyLog(e.log)]));

/** Why the wrapped log's answer differs from the plain log's, or undefined when it does not. */
function difference(file: string, log: string, wrapper: WrapperId, ecosystem: 'go' | 'npm' | 'yarn' | 'pnpm'): string | undefined {
  const want = expected.get(file);
  assert.ok(want);
  const wrapped = wrapLog(log, wrapper, ecosystem);
  const got = classifyLog(wrapped.text);
  if (got.category !== want.category) return `${file}: ${want.category} plain, ${got.category} wrapped (${JSON.stringify(got.evidence[0] ?? '')})`;
  const physical = wrapped.text.split('\n').length;
  for (const n of got.evidenceLines) {
    // Line numbers are the wrapped log's own, and they never point at the wrapper's lines.
    if (n < 1 || n > physical) return `${file}: evidence line ${n} outside the wrapped log (${physical} lines)`;
    if ((wrapped.origin[n - 1] ?? 0) === 0) return `${file}: evidence line ${n} is the wrapper's own line ${JSON.stringify(wrapped.text.split('\n')[n - 1])}`;
  }
  // The same tool lines (BuildKit's error summary and Bazel repeat them: either copy will do) …
  const shown = [...new Set(got.evidenceLines.map((n) => wrapped.origin[n - 1] ?? 0))].sort((a, b) => a - b);
  if (JSON.stringify(shown) !== JSON.stringify(want.evidenceLines)) {
    return `${file}: evidence shows plain lines ${JSON.stringify(shown)}, plain log's answer ${JSON.stringify(want.evidenceLines)}`;
  }
  // … with the same text: no timestamps, step prefixes, markers or colours left.
  const wantText = new Set(want.evidence);
  for (const ev of got.evidence)
    if (!wantText.has(ev)) return `${file}: evidence ${JSON.stringify(ev)} is not the plain log's text ${JSON.stringify(want.evidence)}`;
  return undefined;
}

describe('wrapper invariance on the development part of the corpus', () => {
  it('has plain development logs of every ecosystem to wrap', () => {
    assert.ok(plain.length >= 200, `${plain.length} plain development logs`);
    for (const eco of ['go', 'npm', 'yarn', 'pnpm'] as const) {
      assert.ok(
        plain.some((e) => e.ecosystem === eco),
        eco,
      );
    }
  });

  for (const wrapper of WRAPPERS) {
    it(`${wrapper}: every plain development log gets the same answer and evidence when wrapped`, () => {
      const problems: string[] = [];
      for (const e of plain) {
        const d = difference(e.file, e.log, wrapper, e.ecosystem);
        if (d) problems.push(d);
      }
      assert.deepEqual(problems.slice(0, 10), [], `${problems.length}/${plain.length} logs changed answer in ${wrapper}`);
    });
  }

  it('streamed wrapped logs (GitLab continuations, Bazel, BuildKit) get the same answer as classifyLog', async () => {
    // A sample is enough here: classify-stream.test.ts covers the stream against every corpus log.
    const sample = plain.filter((_, i) => i % 7 === 0);
    for (const wrapper of ['gitlab-timestamps', 'bazel', 'docker-buildkit', 'github-actions'] as const) {
      for (const e of sample) {
        const { text } = wrapLog(e.log, wrapper, e.ecosystem);
        async function* chunks(): AsyncGenerator<string> {
          for (let i = 0; i < text.length; i += 13) yield text.slice(i, i + 13);
        }
        const streamed = await classifyLogStream(chunks());
        const whole = classifyLog(text);
        assert.equal(streamed.category, whole.category, `${wrapper} ${e.file}`);
        assert.deepEqual(streamed.evidenceLines, whole.evidenceLines, `${wrapper} ${e.file}`);
        assert.deepEqual(streamed.evidence, whole.evidence, `${wrapper} ${e.file}`);
      }
    }
  });
});

describe('wrapLog', () => {
  const log = [
    'go: downloading github.com/example/lib v1.4.2',
    'go: github.com/example/lib@v1.4.2: reading https://proxy.golang.org/github.com/example/lib/@v/v1.4.2.zip: 503 Service Unavailable',
  ].join('\n');

  it("prints each wrapper's documented markers around the tool's lines", () => {
    const marks: Record<WrapperId, RegExp[]> = {
      'jenkins-timestamper': [
        /^\d{2}:\d{2}:\d{2} \[Pipeline\] sh$/m,
        /^\d{2}:\d{2}:\d{2} \+ go mod download$/m,
        /ERROR: script returned exit code 1\n\d{2}:\d{2}:\d{2} Finished: FAILURE$/,
      ],
      'jenkins-iso': [/^\[2024-05-01T10:00:\d{2}\.\d{3}Z\] go: downloading/m, /Finished: FAILURE$/],
      'jenkins-freestyle-ansi': [
        /\x1b\[1m\+ go mod download\x1b\[0m$/m,
        /503 Service Unavailable\x1b\[0m$/m,
        /Build step 'Execute shell' marked build as failure\n.*Finished: FAILURE$/,
      ],
      'github-actions': [
        /^2024-05-01T10:00:00\.\d{7}Z ##\[group\]Run go mod download$/m,
        /##\[endgroup\]/,
        /Z ##\[error\]Process completed with exit code 1\.$/m,
      ],
      gitlab: [/^section_start:\d+:step_script\r\x1b\[0K/m, /\$ go mod download/, /ERROR: Job failed: exit code 1/],
      'gitlab-timestamps': [/^2024-05-01T10:00:00\.\d{6}Z 00O /m, /Z 01E go: downloading/, /Z 01E\+/],
      'docker-classic': [
        /^Step 5\/9 : RUN go mod download\n ---> Running in [0-9a-f]{12}$/m,
        /^The command '\/bin\/sh -c go mod download' returned a non-zero code: 1$/m,
      ],
      'docker-buildkit': [
        /^#12 0\.\d{3} go: downloading/m,
        /^#12 ERROR: process "\/bin\/sh -c go mod download" did not complete successfully: exit code: 1$/m,
        /^ > \[builder 4\/7\] RUN go mod download:\n0\.\d{3} go: downloading/m,
        /^ERROR: failed to solve: /m,
      ],
      bazel: [
        /^Error in fail: failed to fetch org_golang_x_net: fetch_repo: go: downloading/m,
        /^ERROR: \/home\/ci\/src\/cmd\/app\/BUILD\.bazel:3:1: /m,
        /^INFO: /m,
        /^DEBUG: /m,
        /^Analyzing: target /m,
      ],
    };
    for (const wrapper of WRAPPERS) {
      const { text, origin } = wrapLog(log, wrapper);
      assert.equal(origin.length, text.split('\n').length, wrapper);
      for (const re of marks[wrapper]) assert.match(text, re, wrapper);
      // Every plain line is shown, in order.
      const shown = origin.filter((o) => o > 0);
      assert.deepEqual([...new Set(shown)].slice(0, 2), [1, 2], wrapper);
    }
  });

  it('answers the wrapped sample like the plain one, on the wrapped line numbers', () => {
    const want = classifyLog(log);
    assert.equal(want.category, 'proxy-server-error');
    for (const wrapper of WRAPPERS) {
      const wrapped = wrapLog(log, wrapper);
      const got = classifyLog(wrapped.text);
      assert.equal(got.category, want.category, wrapper);
      const lines = wrapped.text.split('\n');
      const n = got.evidenceLines[0] ?? 0;
      assert.equal(wrapped.origin[n - 1], 2, `${wrapper}: line ${n} shows the 503 line`);
      // GitLab's timestamped trace continues a long line on the next one (`01E+`).
      const logical = (lines[n - 1] ?? '') + (lines[n]?.replace(/^\S+Z 01E\+/, '') ?? '');
      assert.ok((wrapper === 'gitlab-timestamps' ? logical : (lines[n - 1] ?? '')).includes('503 Service Unavailable'), wrapper);
      assert.equal(got.evidence[0], want.evidence[0], wrapper);
    }
  });
});
