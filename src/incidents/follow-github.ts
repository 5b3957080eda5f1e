/**
 * GitHub Actions runs for the build follower (build-follower.ts): the pipelines `github:<owner/repo>:<workflow>:<branch>`
 * that workflow_run webhooks open, read with GITHUB_TOKEN from
 * GET <api>/repos/<owner>/<repo>/actions/workflows/<workflow id>/runs?branch=<branch>&per_page=30 (newest first),
 * the workflow id its webhooks carried; without one, from …/actions/runs?branch=… keeping the runs named like the
 * workflow (a workflow with a `run-name` names its runs otherwise, and is then found only by its id). A run counts as the webhook would count it: success, or a failing conclusion (failure,
 * timed_out, startup_failure); a cancelled or skipped run counts for nothing. Pipelines opened by check_run
 * events name a check, not a workflow, and find no run here: they wait for their webhooks.
 */
import { z } from 'zod';
import { getValidJson, githubHeaders, isoTime } from '../changes/ci-rest.ts';
import { githubOutcome } from '../webhooks/parse-github-event.ts';
import type { FollowedBuild, FollowSource } from './build-follower.ts';
import { githubRepoApiOf, githubWorkflowIdOf, parseGithubPipeline, type CiApiFollowOptions } from './ci-api-of-pipeline.ts';

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
      const workflowId = githubWorkflowIdOf(p, ctx);
      const url = new URL(workflowId === undefined ? `${api.pathname}/actions/runs` : `${api.pathname}/actions/workflows/${workflowId}/runs`, api);
      url.searchParams.set('branch', p.branch);
      url.searchParams.set('per_page', String(RUNS_PER_PAGE));
      const runs = await getValidJson(url, githubHeaders(token), `the workflow runs of ${p.repo}`, 'GitHub', RunsSchema, { signal });
      const builds: FollowedBuild[] = [];
      for (const run of runs.workflow_runs) {
        if (workflowId === undefined && run.name !== p.workflow) continue;
        const started = isoTime(run.run_started_at) ?? isoTime(run.created_at);
        if (!started) continue;
        const startedAt = Date.parse(started);
        if (run.status !== 'completed') {
          builds.push({ startedAt });
          continue;
        }
        const outcome = githubOutcome(run.conclusion);
        if (outcome === 'other' || !run.conclusion) continue;
        builds.push({
          startedAt,
          build: {
            pipeline,
            label: `${p.repo} ${p.workflow} #${run.run_number} on ${p.branch}`,
            number: run.run_number,
            ok: outcome === 'success',
            status: run.conclusion,
            ...(run.html_url ? { url: run.html_url } : {}),
            at: isoTime(run.updated_at) ?? new Date().toISOString(),
            via: 'github',
          },
        });
      }
      return builds;
    },
  };
}
