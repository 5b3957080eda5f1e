/**
 * GitHub's and GitLab's REST answers that "last green build" reads, on
 * 127.0.0.1, with their documented shapes and rules:
 * - GitHub (also under /api/v3, as GitHub Enterprise Server serves it):
 *   GET /repos/{owner}/{repo}/actions/runs?branch=&status=&per_page= (and …/actions/workflows/{id}/runs: one workflow's)
 *   → { total_count, workflow_runs: [...] } newest first; Bearer token
 *   required (401 {"message":"Bad credentials"}); per_page capped at 100.
 * - GitLab: GET /api/v4/projects/{id}/pipelines?ref=&status=&order_by=&sort=&per_page=
 *   → [...] ; PRIVATE-TOKEN required (401 {"message":"401 Unauthorized"}); {id} is the project's
 *   number or its URL-encoded path (`g%2Fp`, known through `gitlabProjectPaths`), as on GitLab.
 * - GitHub: GET /repos/{owner}/{repo}/commits/{ref}/check-runs?check_name=&filter=latest|all&per_page=
 *   → { total_count, check_runs: [...] } of the ref's commit (a branch of `githubBranches`, else a
 *   full SHA; another ref → 422 "No commit found for SHA: …"); `latest` (the default) keeps the newest
 *   run of each check name; Bearer token required.
 * - GitHub: GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs → { total_count, jobs: [...] },
 *   each job with runner_id, runner_name, runner_group_name (null while queued).
 * - GitLab: GET /api/v4/projects/{id}/pipelines/{pipeline_id}/jobs → [...], each job with
 *   runner: { id, description, active, is_shared, … } (null before a runner picked it up).
 * - GitHub: GET /rate_limit → { resources, rate } with x-ratelimit-* headers; with a
 *   token of `githubTokens` that has an expiry, `github-authentication-token-expiration:
 *   YYYY-MM-DD HH:MM:SS UTC` (as GitHub sends for PATs with an expiry); an unknown token → 401.
 *   With `githubRateLimitDisabled` (GitHub Enterprise Server with rate limiting off)
 *   /rate_limit answers 404 {"message":"Rate limiting is not enabled."}; GET /user
 *   → { login, id, type } with the same expiration header.
 * - GitLab: GET /api/v4/personal_access_tokens/self → the token's record
 *   { id, name, revoked, created_at, scopes, user_id, last_used_at, active, expires_at }
 *   (expires_at a date or null); an unknown token → 401.
 * Tokens are never kept in `requests`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeGithubRun {
  id: number;
  run_number: number;
  name: string;
  /** The workflow the run belongs to (GET …/actions/workflows/{id}/runs lists only its runs). */
  workflow_id?: number;
  head_branch: string;
  head_sha: string;
  status: 'completed' | 'in_progress' | 'queued';
  conclusion: 'success' | 'failure' | 'cancelled' | null;
  created_at?: string;
  run_started_at?: string;
  /** The run's jobs and the runner each ran on. */
  jobs?: Array<{ name: string; runner_name: string | null; conclusion?: 'success' | 'failure' | 'cancelled' | 'skipped' | null }>;
}

export interface FakeGithubCheckRun {
  id: number;
  name: string;
  head_sha: string;
  status: 'completed' | 'in_progress' | 'queued';
  conclusion: 'success' | 'failure' | 'cancelled' | 'neutral' | 'timed_out' | null;
  started_at: string;
  completed_at?: string | null;
  /** The app that created it (`github-actions` for Actions jobs). */
  app_slug: string;
}

export interface FakeGitlabPipeline {
  id: number;
  iid: number;
  ref: string;
  sha: string;
  status: 'success' | 'failed' | 'running' | 'canceled';
  created_at?: string;
  /** The pipeline's jobs and the runner each ran on (runner.description). */
  jobs?: Array<{ name: string; runner: string | null; status?: 'success' | 'failed' | 'canceled' | 'skipped' }>;
}

export interface CiRestFake {
  url: string;
  githubRuns: Map<string, FakeGithubRun[]>;
  /** Check runs by repository ("o/r"). */
  githubCheckRuns: Map<string, FakeGithubCheckRun[]>;
  /** Branch heads: "o/r:main" → commit SHA (what …/commits/main/check-runs resolves). */
  githubBranches: Map<string, string>;
  gitlabPipelines: Map<number, FakeGitlabPipeline[]>;
  /** Project paths ("g/p") and their ids, for requests that name a project by its URL-encoded path. */
  gitlabProjectPaths: Map<string, number>;
  requests: Array<{ path: string; query: string }>;
  /** Tokens /rate_limit accepts (besides githubToken), with the expiry GitHub would report ("2026-12-09 10:00:00 UTC"; undefined: none). Mutable. */
  githubTokens: Map<string, { expiration?: string | undefined }>;
  /** Tokens /personal_access_tokens/self knows (besides gitlabToken), with their expires_at ("2026-12-09" or null). Mutable. */
  gitlabTokens: Map<string, { expires_at: string | null; revoked?: boolean }>;
  /** GitHub Enterprise Server with rate limiting off: /rate_limit is 404. Mutable. */
  githubRateLimitDisabled: boolean;
  close(): Promise<void>;
}

/** A time `days` from now in GitHub's token-expiration header format ("2026-12-09 10:00:00 UTC"). */
export function githubExpirationHeader(days: number, now = Date.now()): string {
  return `${new Date(now + days * 86_400_000).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

export async function startCiRestFake(options: { githubToken: string; gitlabToken: string; delayMs?: number }): Promise<CiRestFake> {
  const githubRuns = new Map<string, FakeGithubRun[]>();
  const githubCheckRuns = new Map<string, FakeGithubCheckRun[]>();
  const githubBranches = new Map<string, string>();
  const gitlabPipelines = new Map<number, FakeGitlabPipeline[]>();
  const gitlabProjectPaths = new Map<string, number>();
  const requests: CiRestFake['requests'] = [];
  const githubTokens: CiRestFake['githubTokens'] = new Map();
  const gitlabTokens: CiRestFake['gitlabTokens'] = new Map();
  let base = '';
  const fake: CiRestFake = {
    url: '',
    githubRuns,
    githubCheckRuns,
    githubBranches,
    gitlabPipelines,
    gitlabProjectPaths,
    requests,
    githubTokens,
    gitlabTokens,
    githubRateLimitDisabled: false,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push({ path: url.pathname, query: url.search });
    // GitHub Enterprise Server serves the same REST API under /api/v3.
    if (url.pathname.startsWith('/api/v3/')) url.pathname = url.pathname.slice('/api/v3'.length);
    const send = (status: number, body: unknown): void => {
      const text = JSON.stringify(body);
      setTimeout(() => {
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
        res.end(text);
      }, options.delayMs ?? 0);
    };
    if (url.pathname === '/rate_limit' || url.pathname === '/user') {
      if (url.pathname === '/rate_limit' && fake.githubRateLimitDisabled) return send(404, { message: 'Rate limiting is not enabled.' });
      const bearer = /^(?:Bearer|token) (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      const known = bearer === undefined ? undefined : bearer === options.githubToken ? {} : githubTokens.get(bearer);
      if (!known) return send(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
      const core = { limit: 5000, used: 1, remaining: 4999, reset: Math.floor(Date.now() / 1000) + 3600 };
      const text = JSON.stringify(
        url.pathname === '/user'
          ? { login: 'build-bot', id: 42, type: 'User' }
          : { resources: { core, search: { limit: 30, used: 0, remaining: 30, reset: core.reset } }, rate: core },
      );
      res.writeHead(200, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(text),
        'x-ratelimit-limit': '5000',
        'x-ratelimit-remaining': '4999',
        'x-ratelimit-resource': 'core',
        ...(known.expiration ? { 'github-authentication-token-expiration': known.expiration } : {}),
      });
      return res.end(text);
    }
    if (url.pathname === '/api/v4/personal_access_tokens/self') {
      const token = req.headers['private-token'];
      const known = typeof token !== 'string' ? undefined : token === options.gitlabToken ? { expires_at: null } : gitlabTokens.get(token);
      if (!known || known.revoked) return send(401, { message: '401 Unauthorized' });
      return send(200, {
        id: 4,
        name: 'build agents',
        revoked: false,
        created_at: '2026-01-05T10:00:00.000Z',
        scopes: ['read_api', 'read_repository'],
        user_id: 24,
        last_used_at: new Date().toISOString(),
        active: true,
        expires_at: known.expires_at,
      });
    }
    const gh = /^\/repos\/([^/]+\/[^/]+)\/actions\/(?:workflows\/(\d+)\/)?runs$/.exec(url.pathname);
    if (gh?.[1]) {
      const workflowId = gh[2] === undefined ? undefined : Number(gh[2]);
      if (req.headers.authorization !== `Bearer ${options.githubToken}`)
        return send(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
      const perPage = Math.min(100, Number(url.searchParams.get('per_page') ?? 30));
      const branch = url.searchParams.get('branch');
      const status = url.searchParams.get('status');
      const runs = [...(githubRuns.get(gh[1]) ?? [])]
        .sort((a, b) => b.id - a.id)
        .filter((r) => (branch ? r.head_branch === branch : true))
        .filter((r) => (workflowId === undefined ? true : r.workflow_id === workflowId))
        .filter((r) => (status ? r.conclusion === status || r.status === status : true));
      return send(200, {
        total_count: runs.length,
        workflow_runs: runs.slice(0, perPage).map(({ jobs: _jobs, ...r }) => ({ ...r, html_url: `${base}/${gh[1]}/actions/runs/${r.id}`, event: 'push' })),
      });
    }
    const ghChecks = /^\/repos\/([^/]+\/[^/]+)\/commits\/([^/]+)\/check-runs$/.exec(url.pathname);
    if (ghChecks?.[1] && ghChecks[2]) {
      if (req.headers.authorization !== `Bearer ${options.githubToken}`)
        return send(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
      const repo = ghChecks[1];
      const ref = decodeURIComponent(ghChecks[2]);
      const sha = githubBranches.get(`${repo}:${ref}`) ?? (/^[0-9a-f]{40}$/.test(ref) ? ref : undefined);
      if (!sha) return send(422, { message: `No commit found for SHA: ${ref}`, documentation_url: 'https://docs.github.com/rest' });
      const perPage = Math.min(100, Number(url.searchParams.get('per_page') ?? 30));
      const name = url.searchParams.get('check_name');
      let runs = [...(githubCheckRuns.get(repo) ?? [])].sort((a, b) => b.id - a.id).filter((r) => r.head_sha === sha && (name ? r.name === name : true));
      if ((url.searchParams.get('filter') ?? 'latest') === 'latest') runs = runs.filter((r, i) => runs.findIndex((x) => x.name === r.name) === i);
      return send(200, {
        total_count: runs.length,
        check_runs: runs.slice(0, perPage).map(({ app_slug, ...r }) => ({
          ...r,
          completed_at: r.completed_at ?? null,
          html_url: `${base}/${repo}/runs/${r.id}`,
          details_url: `https://ci.example.org/${repo}/builds/${r.id}`,
          app: { id: 1, slug: app_slug, name: app_slug },
        })),
      });
    }
    const ghJobs = /^\/repos\/([^/]+\/[^/]+)\/actions\/runs\/(\d+)\/jobs$/.exec(url.pathname);
    if (ghJobs?.[1] && ghJobs[2]) {
      if (req.headers.authorization !== `Bearer ${options.githubToken}`)
        return send(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
      const run = (githubRuns.get(ghJobs[1]) ?? []).find((r) => r.id === Number(ghJobs[2]));
      if (!run) return send(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
      const jobs = (run.jobs ?? []).map((j, i) => ({
        id: run.id * 100 + i,
        run_id: run.id,
        name: j.name,
        status: run.status,
        conclusion: j.conclusion ?? run.conclusion,
        head_sha: run.head_sha,
        runner_id: j.runner_name === null ? null : 1000 + i,
        runner_name: j.runner_name,
        runner_group_name: j.runner_name === null ? null : 'Default',
      }));
      return send(200, { total_count: jobs.length, jobs });
    }
    const glJobs = /^\/api\/v4\/projects\/(\d+)\/pipelines\/(\d+)\/jobs$/.exec(url.pathname);
    if (glJobs?.[1] && glJobs[2]) {
      if (req.headers['private-token'] !== options.gitlabToken) return send(401, { message: '401 Unauthorized' });
      const p = (gitlabPipelines.get(Number(glJobs[1])) ?? []).find((x) => x.id === Number(glJobs[2]));
      if (!p) return send(404, { message: '404 Not found' });
      return send(
        200,
        (p.jobs ?? []).map((j, i) => ({
          id: p.id * 100 + i,
          name: j.name,
          stage: 'test',
          status: j.status ?? p.status,
          ref: p.ref,
          commit: { id: p.sha },
          pipeline: { id: p.id, iid: p.iid, ref: p.ref, sha: p.sha, status: p.status },
          runner: j.runner === null ? null : { id: 500 + i, description: j.runner, active: true, paused: false, is_shared: false, runner_type: 'project_type' },
        })),
      );
    }
    const gl = /^\/api\/v4\/projects\/([^/]+)\/pipelines$/.exec(url.pathname);
    if (gl?.[1]) {
      const project = /^\d+$/.test(gl[1]) ? Number(gl[1]) : gitlabProjectPaths.get(decodeURIComponent(gl[1]));
      if (project === undefined) return send(404, { message: '404 Project Not Found' });
      if (req.headers['private-token'] !== options.gitlabToken) return send(401, { message: '401 Unauthorized' });
      const perPage = Math.min(100, Number(url.searchParams.get('per_page') ?? 20));
      const ref = url.searchParams.get('ref');
      const status = url.searchParams.get('status');
      const asc = url.searchParams.get('sort') === 'asc';
      const list = [...(gitlabPipelines.get(project) ?? [])]
        .sort((a, b) => (asc ? a.id - b.id : b.id - a.id))
        .filter((p) => (ref ? p.ref === ref : true))
        .filter((p) => (status ? p.status === status : true));
      return send(
        200,
        list.slice(0, perPage).map(({ jobs: _jobs, ...p }) => ({ ...p, web_url: `${base}/g/p/-/pipelines/${p.id}`, source: 'push' })),
      );
    }
    send(404, { message: 'Not Found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.url = base;
  return fake;
}
