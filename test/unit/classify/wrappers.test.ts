/**
 * The classifier reads through the CI wrapper around a tool's output (issue 13, item 1: Jenkins
 * console text, GitHub Actions, GitLab sections, Docker, Bazel) and quotes the tool's own line,
 * with the line number of the original log. Jenkins and GitHub Actions cases are logs from the
 * development part of the real-log corpus, kept byte for byte; the GitLab case has the runner's
 * documented output (the corpus has no GitLab job log yet, see its README).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadParts } from '../../../scripts/accuracy.ts';
import { classifyLog, type Classification } from '../../../src/classify/classify-log.ts';

/** Lines a wrapper adds around the tool's output; none of them is ever the evidence. */
const WRAPPER_TEXT =
  /^\s*(?:\[?\d{4}-\d{2}-\d{2}T\d{2}:\d{2}|##\[|::(?:error|warning|group)|\[Pipeline\]|section_(?:start|end):|#\d+ \d+(?:\.\d+)? |\d{1,4}\.\d{1,3} |Step \d+\/\d+ :|ERROR: Job failed|ERROR: script returned exit code|Finished: FAILURE|Running with gitlab-runner|Executing "step_script")/;

function assertQuotesOwnLines(result: Classification, log: string, where: string): void {
  const lines = log.split('\n');
  assert.equal(result.evidence.length, result.evidenceLines.length, where);
  result.evidence.forEach((ev, i) => {
    const n = result.evidenceLines[i] ?? 0;
    assert.ok(n >= 1 && n <= lines.length, `${where}: line ${n} exists`);
    assert.doesNotMatch(ev, WRAPPER_TEXT, `${where}: evidence ${JSON.stringify(ev)} is the wrapper's text`);
    assert.ok(!ev.includes('\x1b') && !ev.includes('\r'), `${where}: no escape codes in ${JSON.stringify(ev)}`);
    const comparable = (ev.endsWith('…') ? ev.slice(0, -1) : ev).replace(/\*{3,}[^@\s]*@/g, '');
    const raw = lines[n - 1] ?? '';
    // Masked credentials aside, the evidence is the text of the line it points at.
    if (!/\*{3}/.test(ev)) assert.ok(raw.includes(comparable.trim()), `${where}: line ${n} ${JSON.stringify(raw)} holds ${JSON.stringify(ev)}`);
  });
}

describe('Jenkins console text', () => {
  // elastic/beats#21609 as posted: timestamper prefix (the first one lost its "[" in the paste),
  // go's tab-indented import chain after the prefix.
  const beats = [
    '2020-10-07T00:22:59.776Z] \tgithub.com/klauspost/compress/zstd: github.com/klauspost/compress@v1.9.8: reading https://proxy.golang.org/github.com/klauspost/compress/@v/v1.9.8.zip: 503 Service Unavailable',
    '[2020-10-07T00:22:59.776Z] beatpath/testmetricbeat/cmd imports',
    '[2020-10-07T00:22:59.776Z] \tgithub.com/elastic/beats/v7/libbeat/cmd/instance imports',
    '[2020-10-07T00:22:59.776Z] \tgithub.com/elastic/beats/v7/libbeat/publisher/includes imports',
    '[2020-10-07T00:22:59.776Z] \tgithub.com/elastic/beats/v7/libbeat/outputs/kafka imports',
    '[2020-10-07T00:22:59.776Z] \tgithub.com/Shopify/sarama imports',
    '[2020-10-07T00:22:59.776Z] \tgithub.com/pierrec/lz4: github.com/pierrec/lz4@v2.4.1+incompatible: reading https://proxy.golang.org/github.com/pierrec/lz4/@v/v2.4.1+incompatible.zip: 503 Service Unavailable',
    '[2020-10-07T00:22:59.776Z] \tserver response: Service Unavailable',
  ].join('\n');

  it('reads through the ISO timestamper prefix and quotes the proxy 503 with its line and module', () => {
    const r = classifyLog(beats);
    assert.equal(r.category, 'proxy-server-error');
    assert.equal(r.evidenceLines[0], 1);
    assert.ok(r.evidenceLines.includes(7), `lz4 line among ${JSON.stringify(r.evidenceLines)}`);
    assert.match(r.evidence[0] ?? '', /^github\.com\/klauspost\/compress\/zstd: .*503 Service Unavailable$/);
    assert.equal(r.module, 'github.com/klauspost/compress');
    assert.equal(r.version, 'v1.9.8');
    assertQuotesOwnLines(r, beats, 'beats#21609');
  });

  // elastic/fleet-server#2127 as posted: the failing requirement sits on the tab-indented second
  // line of go's "requires" chain, after the prefix.
  const fleet = [
    '[2022-11-29T05:37:31.787Z] go: error loading go 1.16 module graph: github.com/elastic/elastic-agent-client/v7@v7.0.0-20221102171927-bc376a4e0f9f requires',
    '[2022-11-29T05:37:31.787Z] \tgithub.com/elastic/elastic-agent@v0.0.0-20220831162706-5f1e54f40d3e: invalid version: unknown revision 5f1e54f40d3e',
    '[2022-11-29T05:37:31.787Z] ',
    '[2022-11-29T05:37:31.787Z] If reproducibility with go 1.16 is not needed:',
    '[2022-11-29T05:37:31.787Z] \tgo mod tidy -compat=1.17',
  ].join('\n');

  it('names the module of the continuation line in a requires chain, not the requiring module', () => {
    const r = classifyLog(fleet);
    assert.equal(r.category, 'version-not-found');
    assert.deepEqual(r.evidenceLines, [2]);
    assert.equal(r.module, 'github.com/elastic/elastic-agent');
    assert.equal(r.version, 'v0.0.0-20220831162706-5f1e54f40d3e');
    assertQuotesOwnLines(r, fleet, 'fleet-server#2127');
  });

  it('never quotes Pipeline step lines or the closing "script returned exit code" / "Finished: FAILURE"', () => {
    const log = [
      'Started by user admin',
      '[Pipeline] Start of Pipeline',
      '[Pipeline] node',
      'Running on build-agent-2 in /var/lib/jenkins/workspace/ledger',
      '[Pipeline] {',
      '[Pipeline] stage',
      '[Pipeline] { (Build)',
      '[Pipeline] sh',
      '09:41:30 + go mod download',
      '09:41:32 go: github.com/example/lib@v1.4.2: verifying module: checksum mismatch',
      '09:41:32 \tdownloaded: h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
      '09:41:32 \tgo.sum:     h1:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB=',
      '[Pipeline] }',
      '[Pipeline] // stage',
      '[Pipeline] }',
      '[Pipeline] // node',
      '[Pipeline] End of Pipeline',
      'ERROR: script returned exit code 1',
      'Finished: FAILURE',
    ].join('\n');
    const r = classifyLog(log);
    assert.equal(r.category, 'checksum-mismatch');
    assert.equal(r.evidenceLines[0], 10);
    assert.equal(r.module, 'github.com/example/lib');
    assertQuotesOwnLines(r, log, 'jenkins pipeline');
    // Only the wrapper's failure lines: no cause.
    const symptoms = classifyLog(['[Pipeline] sh', '+ make build', 'ERROR: script returned exit code 1', 'Finished: FAILURE'].join('\n'));
    assert.equal(symptoms.category, 'unknown');
  });
});

describe('GitHub Actions', () => {
  it('reads through the raw log timestamp (seven fractional digits) — elastic/beats#33832 as posted', () => {
    const log =
      '2022-11-27T21:39:48.2717954Z go: github.com/elastic/elastic-agent@v0.0.0-20220831162706-5f1e54f40d3e: invalid version: unknown revision 5f1e54f40d3e';
    const r = classifyLog(log);
    assert.equal(r.category, 'version-not-found');
    assert.deepEqual(r.evidenceLines, [1]);
    assert.match(r.evidence[0] ?? '', /^go: github\.com\/elastic\/elastic-agent@/);
    assertQuotesOwnLines(r, log, 'beats#33832');
  });
});

describe('GitLab job log', () => {
  // The runner's own output: sections (section_start:<unix>:<name>\r ESC[0K), colours, the runner's
  // cache warning, the Kubernetes executor's closing line.
  const log = [
    '\x1b[0KRunning with gitlab-runner 16.11.0 (91a27b2a)\x1b[0;m',
    '\x1b[0K  on k8s-runner-1 xYz12AbC, system ID: s_0123456789ab\x1b[0;m',
    'section_start:1714644672:prepare_executor\r\x1b[0K\x1b[0K\x1b[36;1mPreparing the "kubernetes" executor\x1b[0;m',
    'section_end:1714644675:prepare_executor\r\x1b[0Ksection_start:1714644675:restore_cache\r\x1b[0K\x1b[0K\x1b[36;1mRestoring cache\x1b[0;m',
    '\x1b[32;1mChecking cache for go-mod-1-protected...\x1b[0;m',
    '\x1b[0;33mWARNING: file does not exist                      \x1b[0;m',
    '\x1b[0;33mFailed to extract cache\x1b[0;m',
    'section_end:1714644676:restore_cache\r\x1b[0Ksection_start:1714644676:step_script\r\x1b[0K\x1b[0K\x1b[36;1mExecuting "step_script" stage of the job script\x1b[0;m',
    '\x1b[32;1m$ go mod download\x1b[0;m',
    'go: github.com/example/lib@v1.4.2: reading https://proxy.golang.org/github.com/example/lib/@v/v1.4.2.mod: 404 Not Found',
    '\tserver response: not found: github.com/example/lib@v1.4.2: invalid version: unknown revision v1.4.2',
    'section_end:1714644690:step_script\r\x1b[0Ksection_start:1714644690:cleanup_file_variables\r\x1b[0K\x1b[0K\x1b[36;1mCleaning up project directory and file based variables\x1b[0;m',
    'section_end:1714644691:cleanup_file_variables\r\x1b[0K\x1b[31;1mERROR: Job failed: command terminated with exit code 1\x1b[0;m',
  ].join('\n');

  it("quotes go's line inside step_script, not the runner's cache warning or closing error", () => {
    const r = classifyLog(log);
    assert.equal(r.category, 'version-not-found');
    assert.deepEqual(r.evidenceLines, [10, 11]);
    assert.equal(r.module, 'github.com/example/lib');
    assert.equal(r.version, 'v1.4.2');
    assertQuotesOwnLines(r, log, 'gitlab');
  });

  it("reads through the runner's per-line timestamps and stream tags (FF_TIMESTAMPS)", () => {
    const stamped = log
      .split('\n')
      .map((line, i) => `2024-05-02T10:11:12.${String(100000 + i)}Z 0${i === 10 ? '1E' : '0O'} ${line}`)
      .join('\n');
    const r = classifyLog(stamped);
    assert.equal(r.category, 'version-not-found');
    assert.deepEqual(r.evidenceLines, [10, 11]);
    assertQuotesOwnLines(r, stamped, 'gitlab timestamps');
  });
});

describe('Docker BuildKit error summary', () => {
  // BuildKit repeats a failed step's output between " > [stage n/m] RUN …:" and "------", each line
  // after the seconds it took; go's server response block keeps its tabs after that time.
  it('reads a server response block through the times and quotes its cause line', () => {
    const log = [
      ' => ERROR [builder 4/6] RUN go mod download                                         12.3s',
      '------',
      ' > [builder 4/6] RUN go mod download:',
      '11.92 go: github.com/example/lib@v1.4.2: verifying go.mod: github.com/example/lib@v1.4.2/go.mod: reading https://sum.golang.org/lookup/github.com/example/lib@v1.4.2: 404 Not Found',
      '11.92 \tserver response:',
      '11.92 \tnot found: github.com/example/lib@v1.4.2: invalid version: git ls-remote -q origin in /tmp/gopath/pkg/mod/cache/vcs/abc: exit status 128:',
      "11.92 \t\tfatal: could not read Username for 'https://github.com': terminal prompts disabled",
      '------',
      'Dockerfile:9',
      'ERROR: failed to solve: process "/bin/sh -c go mod download" did not complete successfully: exit code: 1',
    ].join('\n');
    const r = classifyLog(log);
    assert.equal(r.category, 'private-module-auth');
    assert.deepEqual(r.evidenceLines, [4, 6, 7]);
    assert.match(r.evidence[0] ?? '', /^go: github\.com\/example\/lib@v1\.4\.2: verifying go\.mod/);
    assert.match(r.evidence[2] ?? '', /^fatal: could not read Username/);
    assertQuotesOwnLines(r, log, 'buildkit go');
  });

  it("quotes npm's own lines, without the times", () => {
    const log = [
      ' > [web 4/6] RUN npm ci:',
      '3.104 npm WARN deprecated request@2.88.2: request has been deprecated, see https://github.com/request/request/issues/3142',
      '59.95 npm ERR! code ETIMEDOUT',
      '59.96 npm ERR! errno ETIMEDOUT',
      '59.96 npm ERR! network request to https://registry.npmjs.org/left-pad failed, reason: connect ETIMEDOUT 104.16.16.35:443',
      '------',
    ].join('\n');
    const r = classifyLog(log);
    assert.equal(r.category, 'proxy-unreachable');
    assert.equal(r.ecosystem, 'npm');
    assert.ok(
      r.evidence.every((ev) => ev.startsWith('npm ERR!')),
      JSON.stringify(r.evidence),
    );
    assertQuotesOwnLines(r, log, 'buildkit npm');
  });
});

describe('every wrapped log of the corpus development part', () => {
  const wrapped = loadParts().dev.filter((e) => e.wrapper !== 'plain');

  it('has logs in Docker, GitHub Actions, Jenkins and Bazel wrappers', () => {
    for (const w of ['docker', 'github-actions', 'jenkins', 'bazel'] as const) {
      assert.ok(
        wrapped.some((e) => e.wrapper === w),
        `dev part has a ${w} log`,
      );
    }
  });

  it("is answered with the tool's own lines, never the wrapper's", () => {
    for (const e of wrapped) assertQuotesOwnLines(classifyLog(e.log), e.log, e.file);
  });
});
