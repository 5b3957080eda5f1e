/**
 * "Did the same job pass on another agent since?" on GitHub and GitLab:
 * - GitHub: the workflow's runs on the branch
 *   (GET /repos/{o}/{r}/actions/runs?branch=…&per_page=30), then the jobs of
 *   the runs that matter (GET …/actions/runs/{id}/jobs), whose runner_name
 *   names the runner each job ran on;
 * - GitLab: the ref's pipelines (GET /projects/:id/pipelines?ref=…), then
 *   their jobs (GET /projects/:id/pipelines/:pid/jobs), whose
 *   runner.description names the runner.
 * Only the failing run and the green runs since the last green one before
 * it are looked into (at most MAX_DETAIL job lists).
 */
import { getJson, githubHeaders, gitlabHeaders, isoTime, type GithubTarget, type GitlabTarget, type LastGreenOptions } from './ci-rest.ts';
import { pickGreenElsewhere, type CiBuild, type GreenElsewhereResult, type PickOptions } from './green-elsewhere.ts';

const MAX_DETAIL = 8;

interface RunSummary {
  order: number;
  label: string;
  url?: string;
  green: boolean;
  failed: boolean;
  sha?: string;
  at?: string;
  jobsPath: string;
}

/** Fills in the agents of the runs that can matter, then picks. */
async function pickWithAgents(
  runs: RunSummary[],
  agentsOf: (run: RunSummary) => Promise<string[] | undefined>,
  opts: PickOptions,
  what: string,
): Promise<GreenElsewhereResult> {
  const sorted = [...runs].sort((a, b) => b.order - a.order);
  const agents = new Map<number, string[]>();
  const load = async (r: RunSummary): Promise<string[]> => {
    let a = agents.get(r.order);
    if (!a) {
      a = (await agentsOf(r)) ?? [];
      agents.set(r.order, a);
    }
    return a;
  };
  let failing: RunSummary | undefined;
  if (opts.failingOrder !== undefined) failing = sorted.find((r) => r.order === opts.failingOrder);
  else {
    for (const r of sorted.filter((x) => x.failed).slice(0, MAX_DETAIL)) {
      const a = await load(r);
      if (!opts.agent || a.some((x) => x.toLowerCase() === opts.agent?.toLowerCase())) {
        failing = r;
        break;
      }
    }
  }
  if (failing) {
    await load(failing);
    const lastGreenBefore = sorted.find((r) => r.green && r.order < (failing as RunSummary).order);
    const candidates = sorted.filter((r) => r.green && r.order >= (lastGreenBefore?.order ?? -Infinity)).slice(0, MAX_DETAIL);
    await Promise.all(candidates.map(load));
  }
  const builds: CiBuild[] = sorted.map((r) => ({
    order: r.order,
    label: r.label,
    ...(r.url ? { url: r.url } : {}),
    green: r.green,
    failed: r.failed,
    agents: agents.get(r.order) ?? [],
    ...(r.sha ? { sha: r.sha } : {}),
    ...(r.at ? { at: r.at } : {}),
  }));
  return pickGreenElsewhere(builds, failing ? { ...opts, failingOrder: failing.order } : opts, what);
}

export async function greenElsewhereOnGithub(
  t: GithubTarget,
  token: string | undefined,
  opts: PickOptions & LastGreenOptions = {},
): Promise<GreenElsewhereResult> {
  if (!token) return { note: 'whether another runner built it green is not known: GitHub not configured (GITHUB_TOKEN is not set)' };
  const url = new URL(`${t.api.pathname}/actions/runs`, t.api);
  url.searchParams.set('branch', t.branch);
  url.searchParams.set('per_page', '30');
  const got = await getJson(url, githubHeaders(token), 'the list of workflow runs', opts);
  if (!got.ok) return { note: `whether another runner built it green is not known: ${got.reason}` };
  const list = (got.value as { workflow_runs?: unknown }).workflow_runs;
  if (!Array.isArray(list)) return { note: 'whether another runner built it green is not known: GitHub answered without workflow_runs' };
  const runs: RunSummary[] = [];
  for (const x of list) {
    const r = x as {
      id?: unknown;
      name?: unknown;
      run_number?: unknown;
      conclusion?: unknown;
      head_sha?: unknown;
      html_url?: unknown;
      status?: unknown;
    } & Record<string, unknown>;
    if (typeof r.id !== 'number' || r.name !== t.workflow || r.status !== 'completed') continue;
    const at = isoTime(r.run_started_at) ?? isoTime(r.created_at);
    runs.push({
      order: r.id,
      label: `GitHub run${typeof r.run_number === 'number' ? ` #${r.run_number}` : ''} of ${t.workflow} on ${t.branch}`,
      ...(typeof r.html_url === 'string' ? { url: r.html_url } : {}),
      green: r.conclusion === 'success',
      failed: r.conclusion === 'failure',
      ...(typeof r.head_sha === 'string' ? { sha: r.head_sha.toLowerCase() } : {}),
      ...(at ? { at } : {}),
      jobsPath: `${t.api.pathname}/actions/runs/${r.id}/jobs`,
    });
  }
  const failingOrder = t.excludeRunId && /^\d+$/.test(t.excludeRunId) ? Number(t.excludeRunId) : undefined;
  return pickWithAgents(
    runs,
    async (run) => {
      const u = new URL(run.jobsPath, t.api);
      u.searchParams.set('per_page', '100');
      const jobs = await getJson(u, githubHeaders(token), 'the jobs of a workflow run', opts);
      if (!jobs.ok) return undefined;
      const arr = (jobs.value as { jobs?: unknown }).jobs;
      if (!Array.isArray(arr)) return undefined;
      return [...new Set(arr.map((j) => (j as { runner_name?: unknown }).runner_name).filter((n): n is string => typeof n === 'string' && n !== ''))];
    },
    { ...opts, ...(failingOrder !== undefined && opts.failingOrder === undefined ? { failingOrder } : {}) },
    `${t.workflow} on ${t.branch}`,
  );
}

export async function greenElsewhereOnGitlab(
  t: GitlabTarget,
  token: string | undefined,
  opts: PickOptions & LastGreenOptions = {},
): Promise<GreenElsewhereResult> {
  if (!token) return { note: 'whether another runner built it green is not known: GitLab not configured (GITLAB_TOKEN is not set)' };
  const url = new URL(`${t.api.pathname}/pipelines`, t.api);
  url.searchParams.set('ref', t.ref);
  url.searchParams.set('order_by', 'id');
  url.searchParams.set('sort', 'desc');
  url.searchParams.set('per_page', '30');
  const got = await getJson(url, gitlabHeaders(token), 'the list of pipelines', opts);
  if (!got.ok) return { note: `whether another runner built it green is not known: ${got.reason}` };
  if (!Array.isArray(got.value)) return { note: 'whether another runner built it green is not known: GitLab answered without a pipeline list' };
  const runs: RunSummary[] = [];
  for (const x of got.value) {
    const p = x as { id?: unknown; iid?: unknown; status?: unknown; sha?: unknown; web_url?: unknown; created_at?: unknown };
    if (typeof p.id !== 'number') continue;
    const at = isoTime(p.created_at);
    runs.push({
      order: p.id,
      label: `GitLab pipeline #${String(typeof p.iid === 'number' ? p.iid : p.id)} on ${t.ref}`,
      ...(typeof p.web_url === 'string' ? { url: p.web_url } : {}),
      green: p.status === 'success',
      failed: p.status === 'failed',
      ...(typeof p.sha === 'string' ? { sha: p.sha.toLowerCase() } : {}),
      ...(at ? { at } : {}),
      jobsPath: `${t.api.pathname}/pipelines/${p.id}/jobs`,
    });
  }
  return pickWithAgents(
    runs,
    async (run) => {
      const u = new URL(run.jobsPath, t.api);
      u.searchParams.set('per_page', '100');
      const jobs = await getJson(u, gitlabHeaders(token), 'the jobs of a pipeline', opts);
      if (!jobs.ok || !Array.isArray(jobs.value)) return undefined;
      return [
        ...new Set(
          jobs.value
            .map((j) => (j as { runner?: { description?: unknown } | null }).runner?.description)
            .filter((n): n is string => typeof n === 'string' && n !== ''),
        ),
      ];
    },
    opts,
    `${t.label} on ${t.ref}`,
  );
}
