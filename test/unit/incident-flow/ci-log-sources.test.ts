/**
 * GitHub and GitLab failed-job logs read with GITHUB_TOKEN / GITLAB_TOKEN,
 * against fake API servers on 127.0.0.1: the real webhook fixtures, made to
 * fail and pointed at the fakes, go through the real parsers and then
 * fetchBuildLog.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { fetchBuildLog } from '../../../src/incidents/ci-diagnosis.ts';
import { fetchGithubJobLogs } from '../../../src/incidents/ci-log-sources.ts';
import type { CiEvent } from '../../../src/webhooks/ci-event.ts';
import { parseGithubEvent } from '../../../src/webhooks/parse-github-event.ts';
import { parseGitlabPipeline } from '../../../src/webhooks/parse-gitlab-pipeline.ts';

const FIXTURES = new URL('../../fixtures/webhooks/', import.meta.url);
const GH_TOKEN = 'ghp_testtoken0123456789abcdefABCDEF';
const GL_TOKEN = 'glpat-testtoken0123456789';

interface Seen {
  path: string;
  headers: IncomingHttpHeaders;
}

interface Fake {
  server: Server;
  base: string;
  seen: Seen[];
}

async function fake(handler: (path: string, headers: IncomingHttpHeaders, res: ServerResponse) => void): Promise<Fake> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    seen.push({ path, headers: req.headers });
    handler(path, req.headers, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

function close(f: Fake): Promise<void> {
  f.server.closeAllConnections();
  return new Promise((resolve) => f.server.close(() => resolve()));
}

function githubEvent(apiBase: string): CiEvent {
  const payload = JSON.parse(readFileSync(new URL('github/workflow_run.completed.payload.json', FIXTURES), 'utf8')) as {
    workflow_run: Record<string, unknown>;
    repository: { full_name: string };
  };
  const run = payload.workflow_run;
  run.conclusion = 'failure';
  run.jobs_url = `${apiBase}/repos/${payload.repository.full_name}/actions/runs/${String(run.id)}/jobs`;
  run.logs_url = `${apiBase}/repos/${payload.repository.full_name}/actions/runs/${String(run.id)}/logs`;
  const parsed = parseGithubEvent('workflow_run', Buffer.from(JSON.stringify(payload)), 'application/json', 'd-1');
  assert.equal(parsed.kind, 'event');
  return (parsed as { event: CiEvent }).event;
}

function gitlabEvent(webBase: string): CiEvent {
  const payload = JSON.parse(readFileSync(new URL('gitlab/pipeline-hook.example.json', FIXTURES), 'utf8')) as {
    object_attributes: Record<string, unknown>;
    project: Record<string, unknown>;
    builds: Array<Record<string, unknown>>;
  };
  payload.object_attributes.status = 'failed';
  payload.project.web_url = `${webBase}/gitlab-org/gitlab-test`;
  const test = payload.builds.find((b) => b.stage === 'test') ?? payload.builds[0];
  assert.ok(test);
  test.status = 'failed';
  test.allow_failure = false;
  const parsed = parseGitlabPipeline('Pipeline Hook', Buffer.from(JSON.stringify(payload)), undefined);
  assert.equal(parsed.kind, 'event');
  return (parsed as { event: CiEvent }).event;
}

const BIG_PREFIX = 'x'.repeat(100) + '\n';

describe('CI log sources (GitHub and GitLab with API tokens)', () => {
  let storage: Fake;
  let github: Fake;
  let gitlab: Fake;
  let githubDenied: Fake;

  before(async () => {
    // The redirect target: another port, so another origin.
    storage = await fake((path, _h, res) => {
      if (path.startsWith('/logs/')) {
        const id = path.split('/')[2]?.split('?')[0];
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(
          `${BIG_PREFIX.repeat(10)}2024-01-01T00:00:00Z job ${id} running\n##[error]go: github.com/acme/lib@v1.2.3: reading https://proxy.golang.org: 410 Gone\n`,
        );
        return;
      }
      res.writeHead(404).end();
    });
    github = await fake((path, headers, res) => {
      if (headers.authorization !== `Bearer ${GH_TOKEN}`)
        return void res.writeHead(401, { 'content-type': 'application/json' }).end('{"message":"Bad credentials"}');
      if (/\/actions\/runs\/\d+\/jobs/.test(path)) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            total_count: 3,
            jobs: [
              { id: 11, name: 'lint', status: 'completed', conclusion: 'success' },
              { id: 12, name: 'build', status: 'completed', conclusion: 'failure' },
              { id: 13, name: 'e2e', status: 'completed', conclusion: 'timed_out' },
            ],
          }),
        );
        return;
      }
      const m = /^\/repos\/octo-org\/octo-repo\/actions\/jobs\/(\d+)\/logs$/.exec(path);
      if (m) return void res.writeHead(302, { location: `${storage.base}/logs/${m[1]}?sig=abc` }).end();
      res.writeHead(404).end();
    });
    githubDenied = await fake((_p, _h, res) => void res.writeHead(401, { 'content-type': 'application/json' }).end('{"message":"Bad credentials"}'));
    gitlab = await fake((path, headers, res) => {
      if (headers['private-token'] !== GL_TOKEN) return void res.writeHead(401, { 'content-type': 'application/json' }).end('{"message":"401 Unauthorized"}');
      const m = /^\/api\/v4\/projects\/1\/jobs\/(\d+)\/trace$/.exec(path);
      if (m)
        return void res
          .writeHead(200, { 'content-type': 'text/plain' })
          .end(`Running with gitlab-runner\n$ go test ./...\nERROR: Job failed: exit code 1 (job ${m[1]})\n`);
      res.writeHead(404).end();
    });
  });

  after(async () => {
    await Promise.all([storage, github, gitlab, githubDenied].filter(Boolean).map(close));
  });

  it('GitHub: reads the failed jobs through the redirect; the token goes to the API origin only', async () => {
    const event = githubEvent(github.base);
    assert.ok(event.jobsUrl?.startsWith(github.base));
    const log = await fetchBuildLog(event, { githubToken: GH_TOKEN, signal: AbortSignal.timeout(10_000) });
    assert.equal(log.note, undefined);
    assert.match(log.text ?? '', /===== job build =====\n/);
    assert.match(log.text ?? '', /===== job e2e =====\n/);
    assert.doesNotMatch(log.text ?? '', /job lint/);
    assert.match(log.text ?? '', /job 12 running[\s\S]*410 Gone/);
    assert.match(log.origin, /failed jobs build, e2e/);
    // The API saw the token on every request; the storage host never did.
    assert.ok(github.seen.length >= 3);
    for (const s of github.seen) {
      assert.equal(s.headers.authorization, `Bearer ${GH_TOKEN}`);
      assert.equal(s.headers.accept, 'application/vnd.github+json');
      assert.ok(s.headers['user-agent']);
    }
    assert.deepEqual(storage.seen.map((s) => s.path).sort(), ['/logs/12?sig=abc', '/logs/13?sig=abc']);
    for (const s of storage.seen) assert.equal(s.headers.authorization, undefined);
  });

  it('GitHub: each log keeps its last bytes, from a whole line', async () => {
    const event = githubEvent(github.base);
    const r = await fetchGithubJobLogs(event, GH_TOKEN, { maxBytes: 200 });
    for (const part of (r.text ?? '').split(/===== job \w+ =====\n/).filter(Boolean)) {
      assert.ok(Buffer.byteLength(part) <= 201, `kept ${Buffer.byteLength(part)} bytes`);
      assert.match(part, /410 Gone/);
      assert.doesNotMatch(part, /^x{1,99}\n/);
    }
  });

  it('GitHub: 401 gives a note naming GITHUB_TOKEN, without the token, and falls back to the first error line', async () => {
    const event = githubEvent(githubDenied.base);
    const log = await fetchBuildLog({ ...event, firstErrorLine: 'build failed' }, { githubToken: GH_TOKEN });
    assert.match(log.note ?? '', /GITHUB_TOKEN cannot read the jobs of .* \(HTTP 401\)/);
    assert.ok(!(log.note ?? '').includes(GH_TOKEN));
    assert.equal(log.text, 'build failed');
  });

  it('GitHub: an unreachable API gives a note', async () => {
    const event = githubEvent('http://127.0.0.1:1');
    const log = await fetchBuildLog(event, { githubToken: GH_TOKEN });
    assert.match(log.note ?? '', /unreachable/);
    assert.ok(!(log.note ?? '').includes(GH_TOKEN));
  });

  it('GitLab: reads the failed job traces with PRIVATE-TOKEN', async () => {
    const event = gitlabEvent(gitlab.base);
    assert.ok(event.failedJobs?.length);
    const log = await fetchBuildLog(event, { gitlabToken: GL_TOKEN });
    assert.equal(log.note, undefined);
    assert.match(log.text ?? '', /===== job \S+ =====\nRunning with gitlab-runner/);
    assert.match(log.text ?? '', /ERROR: Job failed: exit code 1/);
    assert.ok(gitlab.seen.length >= 1);
    for (const s of gitlab.seen) {
      assert.match(s.path, /^\/api\/v4\/projects\/1\/jobs\/\d+\/trace$/);
      assert.equal(s.headers['private-token'], GL_TOKEN);
      assert.equal(s.headers.authorization, undefined);
    }
  });

  it('GitLab: 401 gives a note naming GITLAB_TOKEN, without the token', async () => {
    const event = gitlabEvent(gitlab.base);
    const log = await fetchBuildLog(event, { gitlabToken: 'glpat-wrongtoken0000000' });
    assert.match(log.note ?? '', /GITLAB_TOKEN cannot read the trace of job .* \(HTTP 401\)/);
    assert.ok(!(log.note ?? '').includes('glpat-wrongtoken0000000'));
    assert.ok(log.text?.startsWith('job '), 'falls back to the first error line');
  });

  it('no token: the existing note, nothing is requested', async () => {
    const before = github.seen.length + gitlab.seen.length;
    const gh = await fetchBuildLog(githubEvent(github.base), {});
    assert.match(gh.note ?? '', /reads GitHub logs only with an API token, and none is configured; .*GITHUB_TOKEN/);
    const gl = await fetchBuildLog(gitlabEvent(gitlab.base), {});
    assert.match(gl.note ?? '', /reads GitLab logs only with an API token, and none is configured; .*GITLAB_TOKEN/);
    assert.equal(github.seen.length + gitlab.seen.length, before);
  });
});
