/**
 * The last green build of the same job and branch, and the commit it built:
 * - Jenkins: the job's last successful build and its git revision (the Git
 *   plugin's BuildData, as the rollback reads it);
 * - GitHub: the newest successful run of the same workflow on the branch
 *   (GET /repos/{owner}/{repo}/actions/runs?branch=…&status=success);
 * - GitLab: the newest successful pipeline of the ref
 *   (GET /projects/:id/pipelines?ref=…&status=success).
 * A CI system that is not configured, or that has no green build, gives a
 * reason instead, in words a person can act on.
 */
import { createJenkinsClient } from '../clients/jenkins/jenkins-client.ts';
import { lastSuccessfulRevision } from '../clients/jenkins/rollback.ts';
import type { EnvConfig } from '../config/env.ts';
import type { FileConfig } from '../config/schema.ts';
import type { JenkinsTransport } from '../clients/jenkins/jenkins-transport.ts';
import { redactText } from '../util/redact.ts';
import { getJson, githubHeaders, gitlabHeaders, isoTime, type GithubTarget, type GitlabTarget, type LastGreenOptions } from './ci-rest.ts';
import { greenElsewhereOnGithub, greenElsewhereOnGitlab } from './green-elsewhere-rest.ts';
import { greenElsewhereOnJenkins, type GreenElsewhereResult, type PickOptions } from './green-elsewhere.ts';
import type { CiEvent } from '../webhooks/ci-event.ts';

export interface LastGreen {
  sha: string;
  /** "Jenkins build #41", "GitHub run #76 of CI on main", "GitLab pipeline #30 on main". */
  source: string;
  url?: string;
  /** When the green build ran (ISO), when the CI says: the agent's environment snapshot of that time is compared with now. */
  at?: string;
}

export type LastGreenResult = { ok: true; green: LastGreen } | { ok: false; reason: string };

/** The last green build and, when asked, whether the job built green on another agent since (greenElsewhere). */
export type RepoGreenResult = LastGreenResult & { elsewhere?: GreenElsewhereResult };

export type { GithubTarget, GitlabTarget, LastGreenOptions } from './ci-rest.ts';

const DEFAULT_TIMEOUT_MS = 15_000;
const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/i;

/** The GitHub API base and repository from the run's jobs_url (works for GitHub Enterprise Server's /api/v3 too). */
function githubRepoApi(event: CiEvent): URL | undefined {
  if (!event.jobsUrl) return undefined;
  try {
    const u = new URL(event.jobsUrl);
    const m = /^(.*\/repos\/[^/]+\/[^/]+)\//.exec(u.pathname);
    return m?.[1] && /^https?:$/.test(u.protocol) ? new URL(`${u.origin}${m[1]}`) : undefined;
  } catch {
    return undefined;
  }
}

/** The GitLab project API from a job trace URL (<instance>/api/v4/projects/<id>/jobs/<id>/trace). */
function gitlabProjectApi(event: CiEvent): URL | undefined {
  const logUrl = event.logUrl ?? event.failedJobs?.find((j) => j.logUrl)?.logUrl;
  if (!logUrl) return undefined;
  try {
    const u = new URL(logUrl);
    const m = /^(.*\/api\/v4\/projects\/\d+)\//.exec(u.pathname);
    return m?.[1] && /^https?:$/.test(u.protocol) ? new URL(`${u.origin}${m[1]}`) : undefined;
  } catch {
    return undefined;
  }
}

export const GITHUB_NOT_CONFIGURED =
  'no last green build known: GitHub not configured (GITHUB_TOKEN is not set), so buildfix cannot ask GitHub for the last successful run';
export const GITLAB_NOT_CONFIGURED =
  'no last green build known: GitLab not configured (GITLAB_TOKEN is not set), so buildfix cannot ask GitLab for the last successful pipeline';

export async function lastGreenOnGithubTarget(t: GithubTarget, token: string | undefined, opts: LastGreenOptions = {}): Promise<LastGreenResult> {
  if (!token) return { ok: false, reason: GITHUB_NOT_CONFIGURED };
  const url = new URL(`${t.api.pathname}/actions/runs`, t.api);
  url.searchParams.set('branch', t.branch);
  url.searchParams.set('status', 'success');
  url.searchParams.set('per_page', '30');
  const got = await getJson(url, githubHeaders(token), 'the list of successful workflow runs', opts);
  if (!got.ok) return { ok: false, reason: `no last green build known: ${redactText(got.reason)}` };
  const runs = (got.value as { workflow_runs?: unknown }).workflow_runs;
  if (!Array.isArray(runs)) return { ok: false, reason: 'no last green build known: GitHub answered without workflow_runs' };
  for (const r of runs) {
    const run = r as {
      name?: unknown;
      head_sha?: unknown;
      run_number?: unknown;
      html_url?: unknown;
      conclusion?: unknown;
      id?: unknown;
      run_started_at?: unknown;
      created_at?: unknown;
    };
    if (run.name !== t.workflow || run.conclusion !== 'success' || typeof run.head_sha !== 'string' || !SHA.test(run.head_sha)) continue;
    if (String(run.id) === t.excludeRunId) continue;
    const at = isoTime(run.run_started_at) ?? isoTime(run.created_at);
    return {
      ok: true,
      green: {
        sha: run.head_sha.toLowerCase(),
        source: `GitHub run${typeof run.run_number === 'number' ? ` #${run.run_number}` : ''} of ${t.workflow} on ${t.branch}`,
        ...(typeof run.html_url === 'string' ? { url: run.html_url } : {}),
        ...(at ? { at } : {}),
      },
    };
  }
  return { ok: false, reason: `no last green build known: no successful run of ${t.workflow} on ${t.branch} among the latest ${runs.length}` };
}

export async function lastGreenOnGithub(event: CiEvent, token: string | undefined, opts: LastGreenOptions = {}): Promise<LastGreenResult> {
  if (!token) return { ok: false, reason: GITHUB_NOT_CONFIGURED };
  if (!event.branch || !event.workflow) return { ok: false, reason: 'no last green build known: the GitHub event names no branch or workflow' };
  const api = githubRepoApi(event);
  if (!api) return { ok: false, reason: 'no last green build known: the GitHub event carries no API address for its repository' };
  return lastGreenOnGithubTarget({ api, workflow: event.workflow, branch: event.branch, excludeRunId: event.runId }, token, opts);
}

/** The GitHub target of a CI event (for the history of its workflow on its branch). */
export function githubTargetOf(event: CiEvent): GithubTarget | undefined {
  const api = githubRepoApi(event);
  return api && event.workflow && event.branch ? { api, workflow: event.workflow, branch: event.branch, excludeRunId: event.runId } : undefined;
}

/** The GitLab target of a CI event. */
export function gitlabTargetOf(event: CiEvent): GitlabTarget | undefined {
  const api = gitlabProjectApi(event);
  return api && event.branch ? { api, ref: event.branch, label: event.job } : undefined;
}

export async function lastGreenOnGitlabTarget(t: GitlabTarget, token: string | undefined, opts: LastGreenOptions = {}): Promise<LastGreenResult> {
  if (!token) return { ok: false, reason: GITLAB_NOT_CONFIGURED };
  const url = new URL(`${t.api.pathname}/pipelines`, t.api);
  url.searchParams.set('ref', t.ref);
  url.searchParams.set('status', 'success');
  url.searchParams.set('order_by', 'id');
  url.searchParams.set('sort', 'desc');
  url.searchParams.set('per_page', '1');
  const got = await getJson(url, gitlabHeaders(token), 'the list of successful pipelines', opts);
  if (!got.ok) return { ok: false, reason: `no last green build known: ${redactText(got.reason)}` };
  const first = Array.isArray(got.value)
    ? (got.value[0] as { sha?: unknown; id?: unknown; iid?: unknown; web_url?: unknown; created_at?: unknown } | undefined)
    : undefined;
  if (!first || typeof first.sha !== 'string' || !SHA.test(first.sha))
    return { ok: false, reason: `no last green build known: ${t.label} has no successful pipeline on ${t.ref}` };
  const number = typeof first.iid === 'number' ? first.iid : first.id;
  const at = isoTime(first.created_at);
  return {
    ok: true,
    green: {
      sha: first.sha.toLowerCase(),
      source: `GitLab pipeline #${String(number)} on ${t.ref}`,
      ...(typeof first.web_url === 'string' ? { url: first.web_url } : {}),
      ...(at ? { at } : {}),
    },
  };
}

export async function lastGreenOnGitlab(event: CiEvent, token: string | undefined, opts: LastGreenOptions = {}): Promise<LastGreenResult> {
  if (!token) return { ok: false, reason: GITLAB_NOT_CONFIGURED };
  if (!event.branch) return { ok: false, reason: 'no last green build known: the GitLab event names no ref' };
  const target = gitlabTargetOf(event);
  if (!target) return { ok: false, reason: 'no last green build known: the GitLab event carries no project API address' };
  return lastGreenOnGitlabTarget(target, token, opts);
}

export async function lastGreenOnJenkins(
  client: JenkinsTransport | undefined,
  job: string | undefined,
  repoUrl: string | undefined,
  opts: LastGreenOptions = {},
): Promise<LastGreenResult> {
  if (!client) return { ok: false, reason: 'no last green build known: Jenkins not configured (JENKINS_URL, JENKINS_USER, JENKINS_API_TOKEN)' };
  if (!job) return { ok: false, reason: 'no last green build known: no Jenkins job for this repo (set repos.<name>.job in the config file)' };
  try {
    const found = await lastSuccessfulRevision(client, job, { ...(repoUrl ? { repoUrl } : {}), ...(opts.signal ? { signal: opts.signal } : {}) });
    if (!found) return { ok: false, reason: `no last green build known: Jenkins job ${job} has never succeeded` };
    return {
      ok: true,
      green: {
        sha: found.revision.sha,
        source: `Jenkins build #${found.from.number} of ${job}`,
        url: found.from.url,
        ...(found.from.timestamp !== undefined ? { at: new Date(found.from.timestamp).toISOString() } : {}),
      },
    };
  } catch (err) {
    return { ok: false, reason: `no last green build known: ${redactText(err instanceof Error ? err.message : String(err))}` };
  }
}

/** The last green build for a failed CI event, whichever CI sent it. */
export function lastGreenForEvent(
  event: CiEvent,
  deps: { githubToken?: string | undefined; gitlabToken?: string | undefined; jenkins?: JenkinsTransport | undefined; repoUrl?: string | undefined },
  opts: LastGreenOptions = {},
): Promise<LastGreenResult> {
  switch (event.source) {
    case 'github':
      return lastGreenOnGithub(event, deps.githubToken, opts);
    case 'gitlab':
      return lastGreenOnGitlab(event, deps.gitlabToken, opts);
    case 'jenkins':
      return lastGreenOnJenkins(deps.jenkins, event.job, deps.repoUrl, opts);
  }
}

/** The GitHub/GitLab target of a configured repo (repos.<name>.github / .gitlab). */
export function repoCiTargets(repo: FileConfig['repos'][string]): { github?: GithubTarget; gitlab?: GitlabTarget } {
  const out: { github?: GithubTarget; gitlab?: GitlabTarget } = {};
  if (repo.github) {
    const base = repo.github.api.replace(/\/+$/, '');
    out.github = { api: new URL(`${base}/repos/${repo.github.repo}`), workflow: repo.github.workflow, branch: repo.github.branch };
  }
  if (repo.gitlab) {
    const base = repo.gitlab.api.replace(/\/+$/, '');
    out.gitlab = {
      api: new URL(`${base}/projects/${encodeURIComponent(String(repo.gitlab.project))}`),
      ref: repo.gitlab.ref,
      label: String(repo.gitlab.project),
    };
  }
  return out;
}

/**
 * The last green build of a configured repo (`diagnose <repo> --since-green`): its Jenkins job
 * (repos.<name>.job), GitHub workflow (repos.<name>.github) or GitLab project (repos.<name>.gitlab),
 * and with `elsewhere`, whether the job built green on another agent since.
 */
export async function lastGreenForRepo(
  target: string,
  config: Pick<FileConfig, 'repos'> & { env: Pick<EnvConfig, 'JENKINS_URL' | 'JENKINS_USER' | 'JENKINS_API_TOKEN' | 'GITHUB_TOKEN' | 'GITLAB_TOKEN'> },
  opts: LastGreenOptions & { elsewhere?: PickOptions } = {},
): Promise<RepoGreenResult> {
  const repo = config.repos[target];
  if (!repo) {
    const known = Object.keys(config.repos);
    return {
      ok: false,
      reason: `no last green build known: "${target}" is not a configured repo, so buildfix does not know its CI job (configured: ${known.join(', ') || 'none'}); use --since <revision> instead`,
    };
  }
  const ci = repoCiTargets(repo);
  if (!repo.job && ci.github) {
    const green = await lastGreenOnGithubTarget(ci.github, config.env.GITHUB_TOKEN, opts);
    if (!opts.elsewhere) return green;
    return { ...green, elsewhere: await greenElsewhereOnGithub(ci.github, config.env.GITHUB_TOKEN, { ...opts, ...opts.elsewhere }) };
  }
  if (!repo.job && ci.gitlab) {
    const green = await lastGreenOnGitlabTarget(ci.gitlab, config.env.GITLAB_TOKEN, opts);
    if (!opts.elsewhere) return green;
    return { ...green, elsewhere: await greenElsewhereOnGitlab(ci.gitlab, config.env.GITLAB_TOKEN, { ...opts, ...opts.elsewhere }) };
  }
  const { JENKINS_URL, JENKINS_USER, JENKINS_API_TOKEN } = config.env;
  const client =
    JENKINS_URL && JENKINS_USER && JENKINS_API_TOKEN
      ? createJenkinsClient({ baseUrl: JENKINS_URL, user: JENKINS_USER, apiToken: JENKINS_API_TOKEN, timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS })
      : undefined;
  const repoUrl = /^[a-z+]+:\/\/|@/.test(repo.url) ? repo.url : undefined;
  try {
    const green = await lastGreenOnJenkins(client, repo.job, repoUrl, opts);
    if (!opts.elsewhere) return green;
    const elsewhere = await greenElsewhereOnJenkins(client, repo.job, {
      ...opts.elsewhere,
      ...(repoUrl ? { repoUrl } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    return { ...green, elsewhere };
  } finally {
    await client?.close();
  }
}
