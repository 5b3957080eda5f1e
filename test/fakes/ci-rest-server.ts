/**
 * GitHub's and GitLab's REST answers that "last green build" reads, on
 * 127.0.0.1, with their documented shapes and rules:
 * - GitHub: GET /repos/{owner}/{repo}/actions/runs?branch=&status=&per_page=
 *   → { total_count, workflow_runs: [...] } newest first; Bearer token
 *   required (401 {"message":"Bad credentials"}); per_page capped at 100.
 * - GitLab: GET /api/v4/projects/{id}/pipelines?ref=&status=&order_by=&sort=&per_page=
 *   → [...] ; PRIVATE-TOKEN required (401 {"message":"401 Unauthorized"}).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeGithubRun {
  id: number;
  run_number: number;
  name: string;
  head_branch: string;
  head_sha: string;
  status: 'completed' | 'in_progress' | 'queued';
  conclusion: 'success' | 'failure' | 'cancelled' | null;
}

export interface FakeGitlabPipeline {
  id: number;
  iid: number;
  ref: string;
  sha: string;
  status: 'success' | 'failed' | 'running' | 'canceled';
}

export interface CiRestFake {
  url: string;
  githubRuns: Map<string, FakeGithubRun[]>;
  gitlabPipelines: Map<number, FakeGitlabPipeline[]>;
  requests: Array<{ path: string; query: string }>;
  close(): Promise<void>;
}

export async function startCiRestFake(options: { githubToken: string; gitlabToken: string; delayMs?: number }): Promise<CiRestFake> {
  const githubRuns = new Map<string, FakeGithubRun[]>();
  const gitlabPipelines = new Map<number, FakeGitlabPipeline[]>();
  const requests: CiRestFake['requests'] = [];
  let base = '';
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push({ path: url.pathname, query: url.search });
    const send = (status: number, body: unknown): void => {
      const text = JSON.stringify(body);
      setTimeout(() => {
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
        res.end(text);
      }, options.delayMs ?? 0);
    };
    const gh = /^\/repos\/([^/]+\/[^/]+)\/actions\/runs$/.exec(url.pathname);
    if (gh?.[1]) {
      if (req.headers.authorization !== `Bearer ${options.githubToken}`)
        return send(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
      const perPage = Math.min(100, Number(url.searchParams.get('per_page') ?? 30));
      const branch = url.searchParams.get('branch');
      const status = url.searchParams.get('status');
      const runs = [...(githubRuns.get(gh[1]) ?? [])]
        .sort((a, b) => b.id - a.id)
        .filter((r) => (branch ? r.head_branch === branch : true))
        .filter((r) => (status ? r.conclusion === status || r.status === status : true));
      return send(200, {
        total_count: runs.length,
        workflow_runs: runs.slice(0, perPage).map((r) => ({ ...r, html_url: `${base}/${gh[1]}/actions/runs/${r.id}`, event: 'push' })),
      });
    }
    const gl = /^\/api\/v4\/projects\/(\d+)\/pipelines$/.exec(url.pathname);
    if (gl?.[1]) {
      if (req.headers['private-token'] !== options.gitlabToken) return send(401, { message: '401 Unauthorized' });
      const perPage = Math.min(100, Number(url.searchParams.get('per_page') ?? 20));
      const ref = url.searchParams.get('ref');
      const status = url.searchParams.get('status');
      const asc = url.searchParams.get('sort') === 'asc';
      const list = [...(gitlabPipelines.get(Number(gl[1])) ?? [])]
        .sort((a, b) => (asc ? a.id - b.id : b.id - a.id))
        .filter((p) => (ref ? p.ref === ref : true))
        .filter((p) => (status ? p.status === status : true));
      return send(
        200,
        list.slice(0, perPage).map((p) => ({ ...p, web_url: `${base}/g/p/-/pipelines/${p.id}`, source: 'push' })),
      );
    }
    send(404, { message: 'Not Found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    githubRuns,
    gitlabPipelines,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
