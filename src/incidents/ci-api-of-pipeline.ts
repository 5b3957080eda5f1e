/**
 * Where a GitHub or GitLab pipeline of an incident can be read through its CI's REST API.
 *
 * A pipeline key names the repository, workflow and branch (`github:o/r:CI:main`) or the project and
 * ref (`gitlab:g/p:main`), not the CI's host: GitHub Enterprise Server and self-managed GitLab live
 * elsewhere than github.com and gitlab.com. The address is taken from what the incident already knows,
 * best first:
 *
 * 1. the API links of its CI events for that pipeline (GitHub's `logs_url`, GitLab's job trace URL),
 *    which came in authenticated webhooks;
 * 2. the web pages of those events (the run's, check run's or pipeline's page on the CI itself);
 * 3. a configured repo (`repos.<name>.github` / `.gitlab`) that builds the same repository.
 *
 * With none of them the pipeline is not followed (never guessed: a token must not go to a host the
 * incident did not come from). The token is sent only over https, or plain http on the loopback.
 */
import type { FileConfig } from '../config/schema.ts';
import type { IncidentStore } from './incident-store.ts';
import type { Incident, TimelineEntry } from './incident-types.ts';

/** What a GitHub or GitLab follow source (follow-github.ts, follow-gitlab.ts) reads with. */
export interface CiApiFollowOptions {
  /** The incident's timeline holds the links of its CI events. */
  store: Pick<IncidentStore, 'timeline'>;
  repos: FileConfig['repos'];
  /** The CI's API token (GITHUB_TOKEN / GITLAB_TOKEN), read when a round runs. */
  token: () => string | undefined;
}

/** `github:<owner/repo>:<workflow>:<branch>`: workflow names may hold `:`, repositories and git refs cannot. */
export interface GithubPipeline {
  key: string;
  repo: string;
  workflow: string;
  branch: string;
}

/** `gitlab:<group/project>:<ref>`. */
export interface GitlabPipeline {
  key: string;
  path: string;
  ref: string;
}

/** The webhooks' placeholder for a run with no branch (parse-github-event.ts): nothing to follow. */
const NO_BRANCH = '(no branch)';

export function parseGithubPipeline(key: string): GithubPipeline | undefined {
  if (!key.startsWith('github:')) return undefined;
  const rest = key.slice('github:'.length);
  const first = rest.indexOf(':');
  const last = rest.lastIndexOf(':');
  if (first <= 0 || last <= first + 1 || last === rest.length - 1) return undefined;
  const repo = rest.slice(0, first);
  const branch = rest.slice(last + 1);
  if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repo) || branch === NO_BRANCH) return undefined;
  return { key, repo, workflow: rest.slice(first + 1, last), branch };
}

export function parseGitlabPipeline(key: string): GitlabPipeline | undefined {
  if (!key.startsWith('gitlab:')) return undefined;
  const rest = key.slice('gitlab:'.length);
  const colon = rest.indexOf(':');
  if (colon <= 0 || colon === rest.length - 1) return undefined;
  const path = rest.slice(0, colon);
  if (!/^[A-Za-z0-9_.-]+(?:\/[A-Za-z0-9_.-]+)+$/.test(path)) return undefined;
  return { key, path, ref: rest.slice(colon + 1) };
}

export interface PipelineApiContext {
  incident: Incident;
  timeline: readonly TimelineEntry[];
  repos: FileConfig['repos'];
}

/** The token may go there: https, or http on the loopback (a local fake, a tunnel). */
function safeOrigin(u: URL): boolean {
  return u.protocol === 'https:' || (u.protocol === 'http:' && /^(?:127\.0\.0\.1|localhost|\[::1\])$/.test(u.hostname));
}

function parseUrl(text: unknown): URL | undefined {
  if (typeof text !== 'string') return undefined;
  try {
    const u = new URL(text);
    return safeOrigin(u) && !u.username && !u.password ? u : undefined;
  } catch {
    return undefined;
  }
}

/** The data of the incident's CI events of this pipeline, newest first. */
function pipelineEvents(key: string, source: 'github' | 'gitlab', ctx: PipelineApiContext): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (const entry of [...ctx.timeline].reverse()) {
    if (entry.kind !== 'ci-event' || entry.data?.source !== source) continue;
    const pipeline = entry.data.pipeline;
    // Events recorded without their pipeline belong to the incident's own pipeline.
    if (pipeline === key || (pipeline === undefined && ctx.incident.pipelineKey === key)) out.push(entry.data);
  }
  return out;
}

/** The links the incident's CI events of this pipeline carried, newest first: API links, then web pages. */
function eventLinks(key: string, source: 'github' | 'gitlab', ctx: PipelineApiContext): { api: URL[]; web: URL[] } {
  const api: URL[] = [];
  const web: URL[] = [];
  for (const data of pipelineEvents(key, source, ctx)) {
    const apiLink = parseUrl(data.logUrl);
    const page = parseUrl(data.url);
    if (apiLink) api.push(apiLink);
    if (page) web.push(page);
  }
  if (ctx.incident.pipelineKey === key && ctx.incident.source.ci === source) {
    const u = parseUrl(ctx.incident.source.buildUrl);
    if (u) web.push(u);
  }
  return { api, web };
}

const sameName = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** `<api base>/repos/<owner>/<repo>` for the pipeline's repository, or undefined. */
export function githubRepoApiOf(p: GithubPipeline, ctx: PipelineApiContext): URL | undefined {
  const links = eventLinks(p.key, 'github', ctx);
  for (const u of links.api) {
    const m = /^(.*\/repos\/([^/]+\/[^/]+))\//.exec(u.pathname);
    if (m?.[1] && m[2] && sameName(m[2], p.repo)) return new URL(`${u.origin}${m[1]}`);
  }
  for (const u of links.web) {
    // Only GitHub's own run pages (…/actions/runs/N, a check run's …/runs/N): a check's details link may be another CI's site.
    const path = u.pathname.toLowerCase();
    const repoPath = `/${p.repo.toLowerCase()}/`;
    if (!path.startsWith(repoPath) || !/^(?:actions\/)?runs\/\d+(?:\/|$)/.test(path.slice(repoPath.length))) continue;
    return u.hostname === 'github.com' ? new URL(`https://api.github.com/repos/${p.repo}`) : new URL(`${u.origin}/api/v3/repos/${p.repo}`);
  }
  for (const repo of Object.values(ctx.repos)) {
    if (repo.github && sameName(repo.github.repo, p.repo)) {
      const base = parseUrl(repo.github.api.replace(/\/+$/, ''));
      if (base) return new URL(`${base.href.replace(/\/+$/, '')}/repos/${p.repo}`);
    }
  }
  return undefined;
}

/** The GitHub workflow id its workflow_run events named, when they did. */
export function githubWorkflowIdOf(p: GithubPipeline, ctx: PipelineApiContext): number | undefined {
  for (const data of pipelineEvents(p.key, 'github', ctx)) {
    if (typeof data.workflowId === 'number' && Number.isSafeInteger(data.workflowId) && data.workflowId > 0) return data.workflowId;
  }
  return undefined;
}

/**
 * Whether the pipeline was opened by check_run events (another CI app's check, `github:<repo>:<check name>:<branch>`)
 * rather than workflow_run: its builds are that check's runs on the branch, not a workflow's runs.
 */
export function githubPipelineIsCheck(p: GithubPipeline, ctx: PipelineApiContext): boolean {
  return pipelineEvents(p.key, 'github', ctx)[0]?.event === 'check_run';
}

/** `<api base>/projects/<id or url-encoded path>` for the pipeline's project, or undefined. */
export function gitlabProjectApiOf(p: GitlabPipeline, ctx: PipelineApiContext): URL | undefined {
  const links = eventLinks(p.key, 'gitlab', ctx);
  for (const u of links.api) {
    const m = /^(.*\/api\/v4\/projects\/\d+)\//.exec(u.pathname);
    if (m?.[1]) return new URL(`${u.origin}${m[1]}`);
  }
  const encoded = encodeURIComponent(p.path);
  for (const u of links.web) {
    if (!u.pathname.toLowerCase().startsWith(`/${p.path.toLowerCase()}/-/`)) continue;
    return new URL(`${u.origin}/api/v4/projects/${encoded}`);
  }
  for (const repo of Object.values(ctx.repos)) {
    if (repo.gitlab && typeof repo.gitlab.project === 'string' && sameName(repo.gitlab.project, p.path)) {
      const base = parseUrl(repo.gitlab.api.replace(/\/+$/, ''));
      if (base) return new URL(`${base.href.replace(/\/+$/, '')}/projects/${encoded}`);
    }
  }
  return undefined;
}
