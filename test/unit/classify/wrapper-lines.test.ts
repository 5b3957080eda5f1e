/**
 * The wrapper's own lines (command echoes, step headers, failure verdicts, Bazel's `failed to
 * fetch` prefix) never name a cause, and the tool's text after them is read as if unwrapped.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyLog, createLogClassifier } from '../../../src/classify/classify-log.ts';
import { normalizeLine, normalizeLineDetailed } from '../../../src/classify/normalize-log.ts';

describe('normalizeLineDetailed: line roles', () => {
  it('reads command echoes as echoes', () => {
    for (const line of [
      '10:00:02 + pnpm install --frozen-lockfile',
      '\x1b[32;1m$ yarn install --frozen-lockfile\x1b[0;m',
      'Step 5/9 : RUN GOFLAGS=-mod=vendor go build ./...',
      '#12 [builder 4/7] RUN pnpm install --frozen-lockfile',
      ' > [builder 4/7] RUN pnpm install --frozen-lockfile:',
      ' => ERROR [builder 4/7] RUN npm ci                                  12.3s',
      '   7 | >>> RUN pnpm install --frozen-lockfile',
      '2024-05-01T10:00:00.1234567Z ##[group]Run pnpm install --frozen-lockfile',
    ]) {
      assert.equal(normalizeLineDetailed(line).role, 'echo', line);
    }
  });

  it("reads Bazel's Starlark traceback (the .bzl source it quotes) as echoes, never as a cause", () => {
    for (const line of [
      '   Traceback (most recent call last):',
      '\tFile "/home/ci/.cache/bazel/_bazel_ci/8d1f/external/bazel_gazelle/internal/go_repository.bzl", line 263, column 17, in _go_repository_impl',
      '\t\tfail("failed to fetch %s: %s" % (ctx.name, result.stderr))',
    ]) {
      assert.equal(normalizeLineDetailed(line).role, 'echo', line);
    }
    // A log no rule knows, wrapped by Bazel: the fallback quotes the tool's line, not the rule's source.
    const result = classifyLog(
      [
        "ERROR: An error occurred during the fetch of repository 'com_example_lib':",
        '   Traceback (most recent call last):',
        '\tFile "/home/ci/.cache/bazel/_bazel_ci/8d1f/external/bazel_gazelle/internal/go_repository.bzl", line 263, column 17, in _go_repository_impl',
        '\t\tfail("failed to fetch %s: %s" % (ctx.name, result.stderr))',
        'Error in fail: failed to fetch com_example_lib: fetch_repo: error: the frobnicator exploded',
        "ERROR: Analysis of target '//cmd/app:app' failed; build aborted: Analysis failed",
      ].join('\n'),
    );
    assert.equal(result.category, 'unknown');
    assert.doesNotMatch(result.evidence[0] ?? '', /fail\(|\.bzl/);
  });

  it("reads the wrappers' failure verdicts as verdicts", () => {
    for (const line of [
      "The command '/bin/sh -c go mod download' returned a non-zero code: 1",
      '#12 ERROR: process "/bin/sh -c go mod download" did not complete successfully: exit code: 1',
      'ERROR: failed to solve: process "/bin/sh -c go mod download" did not complete successfully: exit code: 1',
      'FAILED: Build did NOT complete successfully (12 packages loaded, 0 targets configured)',
      "ERROR: An error occurred during the fetch of repository 'org_golang_x_net':",
      "ERROR: /home/ci/src/web/BUILD.bazel:12:8: Action web/node_modules failed: (Exit 1): bash failed: error executing command /bin/bash -c 'npm ci'",
    ]) {
      assert.equal(normalizeLineDetailed(line).role, 'verdict', line);
    }
    assert.equal(normalizeLineDetailed('go: github.com/a/b@v1.0.0: reading https://proxy.golang.org/x: 503 Service Unavailable').role, 'tool');
  });

  it("strips Bazel's repository-rule prefix and stacked step prefixes", () => {
    assert.equal(
      normalizeLine('Error in fail: failed to fetch org_golang_x_net: fetch_repo: go: golang.org/x/net@v0.1.0: unknown revision v0.1.0'),
      'go: golang.org/x/net@v0.1.0: unknown revision v0.1.0',
    );
    assert.equal(
      normalizeLine(
        'ERROR: /src/BUILD.bazel:3:1: no such package \'@com_google_cloud_go//datastore\': failed to fetch com_google_cloud_go: 2019/02/19 15:13:43 unrecognized import path "cloud.google.com/go"',
      ),
      'unrecognized import path "cloud.google.com/go"',
    );
    assert.equal(normalizeLine('#12 0.412 [   47s] go: inconsistent vendoring in /build:'), 'go: inconsistent vendoring in /build:');
    assert.equal(normalizeLine('2024-05-01T10:00:00.123456Z 01E+continued text'), 'continued text');
  });
});

describe('classifyLog: wrapper lines lose to the tool', () => {
  it("never takes the command's own flags for a cause", () => {
    const log = [
      '2024-05-01T10:00:00.1000000Z ##[group]Run pnpm install --frozen-lockfile',
      '2024-05-01T10:00:00.1000000Z pnpm install --frozen-lockfile',
      '2024-05-01T10:00:00.1000000Z shell: /usr/bin/bash -e {0}',
      '2024-05-01T10:00:00.1000000Z ##[endgroup]',
      '2024-05-01T10:00:01.1000000Z  ERR_PNPM_FETCH_401  GET https://npm.pkg.github.com/@acme%2Fui: Unauthorized - 401',
      '2024-05-01T10:00:01.2000000Z ##[error]Process completed with exit code 1.',
    ].join('\n');
    const r = classifyLog(log);
    assert.equal(r.category, 'registry-auth');
    assert.deepEqual(r.evidenceLines, [5]);
  });

  it('reads a GitHub step header that never closes (a trimmed paste) as output after all', () => {
    const log = [
      '2024-05-01T10:00:00.1000000Z ##[group]Run go mod download',
      '2024-05-01T10:00:01.1000000Z go: github.com/example/lib@v1.4.2: reading https://proxy.golang.org/github.com/example/lib/@v/v1.4.2.zip: 503 Service Unavailable',
    ].join('\n');
    const r = classifyLog(log);
    assert.equal(r.category, 'proxy-server-error');
    assert.deepEqual(r.evidenceLines, [2]);
  });

  it("quotes the tool's error, not the builder's verdict, when nothing names a cause", () => {
    const log = [
      'Step 5/9 : RUN go mod download',
      ' ---> Running in abc123def456',
      'go: something unusual happened: error 42',
      "The command '/bin/sh -c go mod download' returned a non-zero code: 1",
    ].join('\n');
    const r = classifyLog(log);
    assert.equal(r.category, 'unknown');
    assert.deepEqual(r.evidenceLines, [3]);
  });

  it('joins GitLab timestamped continuation lines and numbers them from their first line', () => {
    const log = [
      '2024-05-01T10:00:00.100000Z 00O $ go mod download',
      '2024-05-01T10:00:01.100000Z 01E go: github.com/example/lib@v1.4.2: reading https://proxy.golang.org/github.com/exa',
      '2024-05-01T10:00:01.100000Z 01E+mple/lib/@v/v1.4.2.zip: 503 Service Unavailable',
      '2024-05-01T10:00:02.100000Z 00O ERROR: Job failed: exit code 1',
    ].join('\n');
    const r = classifyLog(log);
    assert.equal(r.category, 'proxy-server-error');
    assert.deepEqual(r.evidenceLines, [2]);
    assert.equal(
      r.evidence[0],
      'go: github.com/example/lib@v1.4.2: reading https://proxy.golang.org/github.com/example/lib/@v/v1.4.2.zip: 503 Service Unavailable',
    );
    const c = createLogClassifier();
    for (const line of log.split('\n')) c.push(line);
    assert.equal(c.lines, 4);
    assert.deepEqual(c.finish().evidenceLines, [2]);
  });
});
