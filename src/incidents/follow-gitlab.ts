/**
 * GitLab CI pipelines for the build follower (build-follower.ts): the pipelines `gitlab:<group/project>:<ref>` that
 * Pipeline Hooks open, read with GITLAB_TOKEN from
 * GET <api>/projects/<id>/pipelines?ref=<ref>&order_by=id&sort=desc&per_page=10. A pipeline counts as the hook
 * would count it: success or failed; canceled, skipped and manual ones count for nothing, and one still
 * running (created, pending, running…) waits for the next round.
 */
import { z } from 'zod';
import { getJson, gitlabHeaders, isoTime } from '../changes/ci-rest.ts';
import type { FileConfig } from '../config/schema.ts';
import { UpstreamError } from '../errors.ts';
import { redactText } from '../util/redact.ts';
import { gitlabOutcome } from '../webhooks/parse-gitlab-pipeline.ts';
import type { FollowedBuild, FollowSource } from './build-follower.ts';
import { gitlabProjectApiOf, parseGitlabPipeline } from './ci-api-of-pipeline.ts';
import type { IncidentStore } from './incident-store.ts';

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

export interface GitlabFollowOptions {
  store: Pick<IncidentStore, 'timeline'>;
  repos: FileConfig['repos'];
  /** GITLAB_TOKEN, read when a round runs. */
  token: () => string | undefined;
}

export function gitlabFollowSource(options: GitlabFollowOptions): FollowSource {
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
      const got = await getJson(url, gitlabHeaders(token), `the pipelines of ${p.path}`, { signal });
      if (!got.ok) throw new UpstreamError('GitLab', redactText(got.reason), { url: `${url.origin}${url.pathname}` });
      const parsed = PipelinesSchema.safeParse(got.value);
      if (!parsed.success) throw new UpstreamError('GitLab', `the pipelines of ${p.path} came back in an unexpected shape`);
      const builds: FollowedBuild[] = [];
      for (const pl of parsed.data) {
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
