/**
 * GitHub builds for the build follower (build-follower.ts), read with GITHUB_TOKEN.
 *
 * Pipelines `github:<owner/repo>:<workflow>:<branch>` that workflow_run webhooks open: the workflow's runs,
 * GET <api>/repos/<owner>/<repo>/actions/workflows/<workflow id>/runs?branch=<branch>&per_page=30 (newest first), with
 * the workflow id its webhooks carried; without one, …/actions/runs?branch=… keeping the runs named like the workflow
 * (a workflow with a `run-name` names its runs otherwise, and is then found only by its id).
 *
 * Pipelines `github:<owner/repo>:<check name>:<branch>` that check_run webhooks of another CI app open: that check's
 * runs on the branch's newest commit, GET <api>/repos/<owner>/<repo>/commits/<branch>/check-runs?check_name=<name>&filter=all
 * (a re-run is a new check run; a new commit brings new ones). Check runs of GitHub Actions are left out, as the
 * webhooks leave them out. A check run has no number: its id numbers it, as for its webhook.
 *
 * A run counts as the webhook would count it: success, or a failing conclusion (failure, timed_out,
 * startup_failure); cancelled, skipped, neutral and stale runs count for nothing, and one not completed waits.
 */
import { z } from 'zod';
import { getValidJson, githubHeaders, isoTime } from '../changes/ci-rest.ts';
import { githubOutcome } from '../webhooks/parse-github-event.ts';
import type { FollowedBuild, FollowSource } from './build-follower.ts';
import {
  githubPipelineIsCheck,
  githubRepoApiOf,
  githubWorkflowIdOf,
  parseGithubPipeline,
  type CiApiFollowOptions,
  type GithubPipeline,
  type PipelineApiContext,
} from './ci-api-of-pipeline.ts';

const RUNS_PER_PAGE = 30;

const RunsSchema = z.object({
  workflow_runs: z.array(
    z.object({
      id: z.number(),
      name: z.string().nullish(),
      run_number: z.number().int(),
      status: z.string().nullish(),
      conclusion: z.string().nullish(),
      html_url: z.string().nullish(),
      created_at: z.string().nullish(),
      run_started_at: z.string().nullish(),
      updated_at: z.string().nullish(),
    }),
  ),
});

const CheckRunsSchema = z.object({
  check_runs: z.array(
    z.object({
      id: z.number().int().positive(),
      name: z.string(),
      status: z.string().nullish(),
      conclusion: z.string().nullish(),
      html_url: z.string().nullish(),
      started_at: z.string().nullish(),
      completed_at: z.string().nullish(),
      app: z.object({ slug: z.string().nullish() }).nullish(),
    }),
  ),
});

/** One run as the follower counts it: still going (no build), finished with an outcome, or undefined (counts for nothing). */
function followed(
  pipeline: string,
  run: { started: string | undefined; status: string | null | undefined; conclusion: string | null | undefined },
  build: { label: string; number: number; url: string | null | undefined; at: string | undefined },
): FollowedBuild | undefined {
  if (!run.started) return undefined;
  const startedAt = Date.parse(run.started);
  if (run.status !== 'completed') return { startedAt };
  const outcome = githubOutcome(run.conclusion);
  if (outcome === 'other' || !run.conclusion) return undefined;
  return {
    startedAt,
    build: {
      pipeline,
      label: build.label,
      number: build.number,
      ok: outcome === 'success',
      status: run.conclusion,
      ...(build.url ? { url: build.url } : {}),
      at: build.at ?? new Date().toISOString(),
      via: 'github',
    },
  };
}

async function workflowRuns(p: GithubPipeline, api: URL, ctx: PipelineApiContext, token: string, signal: AbortSignal): Promise<FollowedBuild[]> {
  const workflowId = githubWorkflowIdOf(p, ctx);
  const url = new URL(workflowId === undefined ? `${api.pathname}/actions/runs` : `${api.pathname}/actions/workflows/${workflowId}/runs`, api);
  url.searchParams.set('branch', p.branch);
  url.searchParams.set('per_page', String(RUNS_PER_PAGE));
  const runs = await getValidJson(url, githubHeaders(token), `the workflow runs of ${p.repo}`, 'GitHub', RunsSchema, { signal });
  const builds: FollowedBuild[] = [];
  for (const run of runs.workflow_runs) {
    if (workflowId === undefined && run.name !== p.workflow) continue;
    const b = followed(
      p.key,
      { started: isoTime(run.run_started_at) ?? isoTime(run.created_at), status: run.status, conclusion: run.conclusion },
      { label: `${p.repo} ${p.workflow} #${run.run_number} on ${p.branch}`, number: run.run_number, url: run.html_url, at: isoTime(run.updated_at) },
    );
    if (b) builds.push(b);
  }
  return builds;
}

async function checkRuns(p: GithubPipeline, api: URL, token: string, signal: AbortSignal): Promise<FollowedBuild[]> {
  const url = new URL(`${api.pathname}/commits/${encodeURIComponent(p.branch)}/check-runs`, api);
  url.searchParams.set('check_name', p.workflow);
  url.searchParams.set('filter', 'all');
  url.searchParams.set('per_page', String(RUNS_PER_PAGE));
  const runs = await getValidJson(url, githubHeaders(token), `the check runs of ${p.repo}`, 'GitHub', CheckRunsSchema, { signal });
  const builds: FollowedBuild[] = [];
  for (const run of runs.check_runs) {
    if (run.name !== p.workflow || run.app?.slug === 'github-actions') continue;
    const b = followed(
      p.key,
      { started: isoTime(run.started_at), status: run.status, conclusion: run.conclusion },
      { label: `${p.repo} ${p.workflow} on ${p.branch}`, number: run.id, url: run.html_url, at: isoTime(run.completed_at) },
    );
    if (b) builds.push(b);
  }
  return builds;
}

export function githubFollowSource(options: CiApiFollowOptions): FollowSource {
  return {
    name: 'GitHub',
    follows: (pipeline) => pipeline.startsWith('github:'),
    async recent(pipeline, incident, signal) {
      const p = parseGithubPipeline(pipeline);
      const token = options.token();
      if (!p || !token) return undefined;
      const ctx = { incident, timeline: await options.store.timeline(incident.id), repos: options.repos };
      const api = githubRepoApiOf(p, ctx);
      if (!api) return undefined;
      return githubPipelineIsCheck(p, ctx) ? checkRuns(p, api, token, signal) : workflowRuns(p, api, ctx, token, signal);
    },
  };
}
