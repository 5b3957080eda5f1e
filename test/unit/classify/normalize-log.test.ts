import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizeLine, normalizeLineDetailed, toEvidence } from '../../../src/classify/normalize-log.ts';

describe('normalizeLine', () => {
  it('strips GitHub Actions timestamps and log commands', () => {
    assert.equal(normalizeLine('2024-05-02T10:11:12.1234567Z go: downloading golang.org/x/text v0.14.0'), 'go: downloading golang.org/x/text v0.14.0');
    assert.equal(normalizeLine('2024-05-02T10:11:12.1234567Z ##[error]Process completed with exit code 1.'), 'Process completed with exit code 1.');
    assert.equal(normalizeLine('2024-05-02T10:11:12.1234567Z ##[group]Run go mod download'), 'Run go mod download');
    assert.equal(normalizeLine('2024-05-02T10:11:12.1234567Z ##[endgroup]'), '');
    assert.equal(normalizeLine('\ufeff2024-05-02T10:11:12.1234567Z ##[group]Run actions/checkout@v4'), 'Run actions/checkout@v4');
    // An application's log time with a named zone (Renovate, detect-action), also inside Bazel's quoted fetch output.
    assert.equal(
      normalizeLine('2022-05-10 12:05:20 UTC INFO [main] --- go: github.com/x/y: invalid version'),
      'INFO [main] --- go: github.com/x/y: invalid version',
    );
    assert.equal(
      normalizeLine('Error in fail: failed to fetch org_x: fetch_repo: 2022-05-10 12:05:20 UTC go: github.com/x/y: invalid version'),
      'go: github.com/x/y: invalid version',
    );
  });

  it('keeps the indentation the go command uses for continuation lines', () => {
    assert.equal(normalizeLine('2024-05-02T10:11:12.1234567Z \tserver response: not found'), '\tserver response: not found');
  });

  it('reports GitHub warning and error markers', () => {
    assert.deepEqual(normalizeLineDetailed('2024-05-02T10:11:12.1234567Z ##[warning]Failed to restore cache'), {
      text: 'Failed to restore cache',
      warningMarker: true,
      errorMarker: false,
      role: 'tool',
    });
    assert.equal(normalizeLineDetailed('##[error]go: bad').errorMarker, true);
  });

  it('strips GitLab section markers, erase-line codes and colours', () => {
    assert.equal(
      normalizeLine('section_start:1714644678:step_script\r\x1b[0K\x1b[0K\x1b[36;1mExecuting "step_script" stage of the job script\x1b[0;m'),
      'Executing "step_script" stage of the job script',
    );
    assert.equal(normalizeLine('section_end:1714644690:step_script\r\x1b[0K'), '');
    assert.equal(
      normalizeLine('section_end:1714644691:cleanup_file_variables\r\x1b[0K\x1b[31;1mERROR: Job failed: exit code 1\x1b[0;m'),
      'ERROR: Job failed: exit code 1',
    );
    assert.equal(normalizeLine('section_start:1714644678:build[collapsed=true]\r\x1b[0KBuilding'), 'Building');
    assert.equal(normalizeLine('\x1b[32;1m$ go mod download\x1b[0;m'), '$ go mod download');
  });

  it('strips GitLab runner timestamps with stream tags', () => {
    assert.equal(normalizeLine('2024-05-02T10:11:12.123456Z 00O go: github.com/x/y@v1.0.0: i/o timeout'), 'go: github.com/x/y@v1.0.0: i/o timeout');
    assert.equal(normalizeLine('2024-05-02T10:11:12.123456Z 01E+\tcontinued'), '\tcontinued');
  });

  it('strips Jenkins timestamper prefixes and hidden console notes', () => {
    assert.equal(normalizeLine('[2024-05-02T10:11:12.123Z] + go mod download'), '+ go mod download');
    assert.equal(normalizeLine('10:11:12 + go mod download'), '+ go mod download');
    assert.equal(normalizeLine('[10:11:12] + go mod download'), '+ go mod download');
    assert.equal(normalizeLine('\x1b[8mha:////4JQm1s0bXd2t3Z0eYk9s1Cq3cM8zT2fW5nV6b7N8m9A0LAAAAlh+LCAAAAAA=\x1b[0m[Pipeline] sh'), '[Pipeline] sh');
  });

  it('keeps the last frame of carriage-return progress output and drops CRLF', () => {
    assert.equal(normalizeLine('Downloading 10%\rDownloading 55%\rDownloading 100%'), 'Downloading 100%');
    assert.equal(normalizeLine('npm ERR! code E404\r'), 'npm ERR! code E404');
  });

  it('strips npm colours inside a line and Buildkite timestamps', () => {
    assert.equal(normalizeLine('npm \x1b[31mERR!\x1b[39m \x1b[35mcode\x1b[39m E404'), 'npm ERR! code E404');
    assert.equal(normalizeLine('\x1b_bk;t=1714644672000\x07go: downloading x'), 'go: downloading x');
  });

  it('strips Docker BuildKit step prefixes and OBS build times, keeping the indentation after them', () => {
    assert.equal(
      normalizeLine('#9 33.83 go: github.com/x/y@v1.0.0: reading https://goproxy.cn/github.com/x/y/@v/v1.0.0.zip: 404 Not Found'),
      'go: github.com/x/y@v1.0.0: reading https://goproxy.cn/github.com/x/y/@v/v1.0.0.zip: 404 Not Found',
    );
    assert.equal(normalizeLine('#0 10.78 \tserver response: not found'), '\tserver response: not found');
    assert.equal(normalizeLine('[   47s] go: inconsistent vendoring in /home/abuild/x:'), 'go: inconsistent vendoring in /home/abuild/x:');
    assert.equal(normalizeLine('#9 [builder 4/6] RUN go mod download'), '#9 [builder 4/6] RUN go mod download');
  });

  it('strips the elapsed time BuildKit prints before each line of a failed step in its error summary', () => {
    assert.equal(
      normalizeLine('0.162 go: go.mod requires go >= 1.23.0 (running go 1.21.10; GOTOOLCHAIN=local)'),
      'go: go.mod requires go >= 1.23.0 (running go 1.21.10; GOTOOLCHAIN=local)',
    );
    assert.equal(normalizeLine('14.66 \tfatal: early EOF'), '\tfatal: early EOF');
    assert.equal(
      normalizeLine('206.4 info There appears to be trouble with your network connection. Retrying...'),
      'info There appears to be trouble with your network connection. Retrying...',
    );
    assert.equal(normalizeLine('2024-05-02T10:11:12.1234567Z 59.95 npm ERR! code ETIMEDOUT'), 'npm ERR! code ETIMEDOUT');
    // Versions and sizes at the start of a line are not times.
    assert.equal(normalizeLine('1.2.3 is the latest'), '1.2.3 is the latest');
    assert.equal(normalizeLine(' > [builder 4/6] RUN go mod download:'), ' > [builder 4/6] RUN go mod download:');
  });

  it('leaves ordinary text alone', () => {
    const line = 'go: github.com/Foo/bar@v1.0.0: parsing go.mod: module declares its path as: github.com/foo/bar';
    assert.equal(normalizeLine(line), line);
  });
});

describe('toEvidence', () => {
  it('trims and cuts to the limit with an ellipsis', () => {
    assert.equal(toEvidence('\t  hello  '), 'hello');
    const cut = toEvidence('x'.repeat(500));
    assert.equal(cut.length, 300);
    assert.ok(cut.endsWith('…'));
  });
});
