/**
 * GitHub's and GitLab's job-log endpoints (what src/incidents/ci-log-sources.ts
 * reads with GITHUB_TOKEN / GITLAB_TOKEN), on 127.0.0.1, with their documented
 * shapes and rules:
 * - GitHub: GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs → { total_count, jobs: [{ id, name,
 *   status, conclusion }] }; GET /repos/{owner}/{repo}/actions/jobs/{job_id}/logs → 302 to a
 *   short-lived plain-text URL on another host (here a second server on another port, which
 *   refuses an Authorization header as a pre-signed blob URL does); Bearer token required
 *   (401 {"message":"Bad credentials"}).
 * - GitLab: GET /api/v4/projects/{id}/jobs/{job_id}/trace → text/plain; PRIVATE-TOKEN required
 *   (401 {"message":"401 Unauthorized"}).
 * A run's jobs and a job's log are what the test registers; anything else is 404.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CiLogsFake {
  url: string;
  /** GitHub: "owner/repo" + run id → its jobs (each failed job's log text). */
  githubRun(repo: string, runId: number, jobs: Array<{ id: number; name: string; conclusion: 'failure' | 'success'; log: string }>): void;
  /** GitLab: project id + job id → its trace. */
  gitlabTrace(projectId: number, jobId: number, trace: string): void;
  requests: string[];
  close(): Promise<void>;
}

export async function startCiLogsFake(options: { githubToken: string; gitlabToken: string }): Promise<CiLogsFake> {
  const runs = new Map<string, Array<{ id: number; name: string; conclusion: string }>>();
  const logs = new Map<string, string>();
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push(url.pathname);
    const json = (status: number, body: unknown): void => {
      const text = JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    };
    const plain = (text: string): void => {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    };
    const ghRun = /^\/repos\/([^/]+\/[^/]+)\/actions\/runs\/(\d+)\/jobs$/.exec(url.pathname);
    const ghLog = /^\/repos\/([^/]+\/[^/]+)\/actions\/jobs\/(\d+)\/logs$/.exec(url.pathname);
    if (ghRun || ghLog) {
      if (req.headers.authorization !== `Bearer ${options.githubToken}`)
        return json(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
      if (ghRun) {
        const jobs = runs.get(`${ghRun[1]}#${ghRun[2]}`);
        if (!jobs) return json(404, { message: 'Not Found' });
        return json(200, { total_count: jobs.length, jobs: jobs.map((j) => ({ ...j, status: 'completed' })) });
      }
      const key = `gh:${ghLog?.[1]}#${ghLog?.[2]}`;
      if (!logs.has(key)) return json(404, { message: 'Not Found' });
      res.writeHead(302, { location: `${blobUrl}/_logs/${encodeURIComponent(key)}?sig=short-lived` });
      return res.end();
    }
    const glTrace = /^\/api\/v4\/projects\/(\d+)\/jobs\/(\d+)\/trace$/.exec(url.pathname);
    if (glTrace) {
      if (req.headers['private-token'] !== options.gitlabToken) return json(401, { message: '401 Unauthorized' });
      const text = logs.get(`gl:${glTrace[1]}#${glTrace[2]}`);
      return text === undefined ? json(404, { message: '404 Not found' }) : plain(text);
    }
    json(404, { message: 'Not Found' });
  });
  // The pre-signed log URLs: another origin, no credentials expected.
  const blobs: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push(`blob:${url.pathname}`);
    const text = url.pathname.startsWith('/_logs/') ? logs.get(decodeURIComponent(url.pathname.slice('/_logs/'.length))) : undefined;
    const status = req.headers.authorization ? 400 : text === undefined ? 404 : 200;
    const body = status === 200 ? (text ?? '') : status === 400 ? 'the log URL is pre-signed: no Authorization header expected' : 'expired';
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
  await new Promise<void>((resolve) => blobs.listen(0, '127.0.0.1', resolve));
  const blobUrl = `http://127.0.0.1:${(blobs.address() as AddressInfo).port}`;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    githubRun(repo, runId, jobs) {
      runs.set(
        `${repo}#${runId}`,
        jobs.map(({ id, name, conclusion }) => ({ id, name, conclusion })),
      );
      for (const j of jobs) logs.set(`gh:${repo}#${j.id}`, j.log);
    },
    gitlabTrace(projectId, jobId, trace) {
      logs.set(`gl:${projectId}#${jobId}`, trace);
    },
    async close() {
      for (const s of [server, blobs]) {
        s.closeAllConnections();
        await new Promise<void>((resolve) => s.close(() => resolve()));
      }
    },
  };
}
