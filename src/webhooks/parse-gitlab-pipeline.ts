/**
 * GitLab Pipeline Hook (gitlabhq data_builder/pipeline.rb): status "failed"
 * is a failure, "success" a recovery, anything else (running, canceled,
 * skipped, manual…) is ignored. Other hook kinds (Push Hook, Job Hook) are
 * ignored. The failed jobs listed are those not allowed to fail, newest
 * attempt per name (the hook lists retried jobs too); their log URL is the
 * job trace API (it needs a token).
 */
import * as z from 'zod';
import { canonicalEventKey, type CiEvent, type CiFailedJob, type CiOutcome } from './ci-event.ts';
import { describeZodError, invalid, parseJsonBody, type ParsedDelivery } from './parsed-delivery.ts';

const str = (max: number) => z.string().max(max);

export const GitlabPipelineSchema = z.object({
  object_kind: z.literal('pipeline'),
  object_attributes: z.object({
    id: z.number().int(),
    iid: z.number().int().nullish(),
    name: str(300).nullish(),
    ref: str(500),
    tag: z.boolean().nullish(),
    sha: str(100),
    status: str(60),
    detailed_status: str(100).nullish(),
    finished_at: str(100).nullish(),
    url: str(2000).nullish(),
  }),
  project: z.object({
    id: z.number().int(),
    path_with_namespace: str(500),
    web_url: str(2000),
    default_branch: str(300).nullish(),
  }),
  builds: z
    .array(
      z.object({
        id: z.number().int(),
        stage: str(300).nullish(),
        name: str(300),
        status: str(60),
        failure_reason: str(200).nullish(),
        allow_failure: z.boolean().nullish(),
      }),
    )
    .max(5000)
    .nullish(),
});

/** A pipeline status as an outcome (the REST API's pipelines use the same words). */
export function gitlabOutcome(status: string): CiOutcome {
  if (status === 'failed') return 'failure';
  return status === 'success' ? 'success' : 'other';
}

function apiBase(webUrl: string): string | undefined {
  try {
    const u = new URL(webUrl);
    // GitLab under a relative URL root (https://host/gitlab/g/p) cannot be told apart from a group; assume the host root.
    return `${u.origin}/api/v4`;
  } catch {
    return undefined;
  }
}

export function parseGitlabPipeline(eventHeader: string | undefined, rawBody: Buffer, idempotencyKey: string | undefined): ParsedDelivery {
  if (eventHeader !== undefined && eventHeader !== 'Pipeline Hook') {
    return { kind: 'ignored', reason: `"${eventHeader.slice(0, 60)}" is not used (enable Pipeline events on this webhook)` };
  }
  const json = parseJsonBody(rawBody.toString('utf8'));
  if (!json.ok) return json.delivery;
  const kind = (json.value as { object_kind?: unknown } | null)?.object_kind;
  if (typeof kind === 'string' && kind !== 'pipeline') return { kind: 'ignored', reason: `object_kind "${kind.slice(0, 60)}" is not a pipeline` };
  const parsed = GitlabPipelineSchema.safeParse(json.value);
  if (!parsed.success) return invalid(describeZodError('GitLab Pipeline Hook payload', parsed.error));
  const { object_attributes: p, project, builds } = parsed.data;
  const path = project.path_with_namespace;
  const pipelineKey = `gitlab:${path}:${p.ref}`;
  const runId = String(p.id);
  const outcome = gitlabOutcome(p.status);
  const web = project.web_url.replace(/\/+$/, '');
  const number = p.iid ?? p.id;
  const event: CiEvent = {
    source: 'gitlab',
    eventType: 'pipeline',
    pipelineKey,
    job: path,
    branch: p.ref,
    commit: p.sha,
    buildNumber: number,
    runId,
    url: p.url ?? `${web}/-/pipelines/${p.id}`,
    status: p.status,
    outcome,
    eventKey: canonicalEventKey({ source: 'gitlab', pipelineKey, runId, revision: p.finished_at ?? undefined, outcome }),
    label: `${path} pipeline #${number} on ${p.ref}`,
  };
  if (project.default_branch) event.defaultBranch = project.default_branch;
  if (idempotencyKey) event.deliveryId = idempotencyKey;
  if (outcome === 'failure' && builds) {
    const newest = new Map<string, (typeof builds)[number]>();
    for (const b of builds) {
      const seen = newest.get(b.name);
      if (!seen || b.id > seen.id) newest.set(b.name, b);
    }
    const api = apiBase(web);
    const failed: CiFailedJob[] = [];
    for (const b of [...newest.values()].sort((x, y) => x.id - y.id)) {
      if (b.status !== 'failed' || b.allow_failure) continue;
      const job: CiFailedJob = { name: b.name, url: `${web}/-/jobs/${b.id}` };
      if (b.stage) job.stage = b.stage;
      if (b.failure_reason) job.reason = b.failure_reason;
      if (api) job.logUrl = `${api}/projects/${project.id}/jobs/${b.id}/trace`;
      failed.push(job);
    }
    if (failed.length > 0) {
      event.failedJobs = failed;
      const first = failed[0];
      if (first?.logUrl) event.logUrl = first.logUrl;
      if (first) event.firstErrorLine = `job ${first.name}${first.stage ? ` (${first.stage})` : ''} failed${first.reason ? `: ${first.reason}` : ''}`;
    }
  }
  if (outcome === 'other') return { kind: 'ignored', reason: `pipeline status "${p.status}" is neither failed nor success`, event };
  return { kind: 'event', event };
}
