/**
 * GitLab CI pipelines for the build follower (build-follower.ts): the pipelines `gitlab:<group/project>:<ref>` that
 * Pipeline Hooks open, read with GITLAB_TOKEN from
 * GET <api>/projects/<id>/pipelines?ref=<ref>&order_by=id&sort=desc&per_page=10. A pipeline counts as the hook
 * would count it: success or failed; canceled, skipped and manual ones count for nothing, and one still
 * running (created, pending, running…) waits for the next round.
 */
import { z } from 'zod';
import { getValidJson, gitlabHeaders, isoTime } from '../changes/ci-rest.ts';
import { gitlabOutcome } from '../webhooks/parse-gitlab-pipeline.ts';
import type { FollowedBuild, FollowSource } from './build-follower.ts';
import { gitlabProjectApiOf, parseGitlabPipeline, type CiApiFollowOptions } from './ci-api-of-pipeline.ts';

const PIPELINES_PER_PAGE = 10;
/** Statuses of a pipeline that has not finished yet. */
const UNFINISHED = new Set(['created', 'waiting_for_resource', 'preparing', 'pending', 'running', 'scheduled', 'waiting_for_callback']);

const PipelinesSchema = z.array(
  z.object({
    id: z.number().int(),
    iid: z.number().int().nullish(),
    status: z.string(),
    web_url: z.string().nullish(),
    created_at: z.string().nullish(),
    updated_at: z.string().nullish(),
  }),
);

export function gitlabFollowSource(options: CiApiFollowOptions): FollowSource {
  return {
    name: 'GitLab',
    follows: (pipeline) => pipeline.startsWith('gitlab:'),
    async recent(pipeline, incident, signal) {
      const p = parseGitlabPipeline(pipeline);
      const token = options.token();
      if (!p || !token) return undefined;
      const api = gitlabProjectApiOf(p, { incident, timeline: await options.store.timeline(incident.id), repos: options.repos });
      if (!api) return undefined;
      const url = new URL(`${api.pathname}/pipelines`, api);
      url.searchParams.set('ref', p.ref);
      url.searchParams.set('order_by', 'id');
      url.searchParams.set('sort', 'desc');
      url.searchParams.set('per_page', String(PIPELINES_PER_PAGE));
      const pipelines = await getValidJson(url, gitlabHeaders(token), `the pipelines of ${p.path}`, 'GitLab', PipelinesSchema, { signal });
      const builds: FollowedBuild[] = [];
      for (const pl of pipelines) {
        const created = isoTime(pl.created_at);
        if (!created) continue;
        const startedAt = Date.parse(created);
        if (UNFINISHED.has(pl.status)) {
          builds.push({ startedAt });
          continue;
        }
        const outcome = gitlabOutcome(pl.status);
        if (outcome === 'other') continue;
        const number = pl.iid ?? pl.id;
        builds.push({
          startedAt,
          build: {
            pipeline,
            label: `${p.path} pipeline #${number} on ${p.ref}`,
            number,
            ok: outcome === 'success',
            status: pl.status,
            ...(pl.web_url ? { url: pl.web_url } : {}),
            at: isoTime(pl.updated_at) ?? new Date().toISOString(),
            via: 'gitlab',
          },
        });
      }
      return builds;
    },
  };
}
