/** Real webhook payloads from test/fixtures/webhooks, with the few fields a test changes. */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { signGithubBody } from '../../../src/webhooks/verify-credentials.ts';

const DIR = new URL('../../fixtures/webhooks/', import.meta.url);

function load(path: string): Record<string, any> {
  return JSON.parse(readFileSync(new URL(path, DIR), 'utf8')) as Record<string, any>;
}

const WORKFLOW_RUN = load('github/workflow_run.completed.payload.json');
const CHECK_RUN = load('github/check_run.completed.payload.json');
const GITLAB_PIPELINE = load('gitlab/pipeline-hook.example.json');
const JENKINS = load('jenkins/finalized-failure.json');

export const GITHUB_SECRET = 'gh-webhook-secret-for-tests';
export const GITLAB_TOKEN = 'gl-webhook-token-for-tests';
export const JENKINS_TOKEN = 'jenkins-webhook-token-for-tests';

export function workflowRun(
  o: { conclusion?: string | null; id?: number; attempt?: number; runNumber?: number; branch?: string; action?: string; workflow?: string } = {},
): Buffer {
  const p = structuredClone(WORKFLOW_RUN);
  p.action = o.action ?? 'completed';
  p.workflow_run.conclusion = o.conclusion === undefined ? 'failure' : o.conclusion;
  if (o.id !== undefined) p.workflow_run.id = o.id;
  if (o.attempt !== undefined) p.workflow_run.run_attempt = o.attempt;
  if (o.runNumber !== undefined) p.workflow_run.run_number = o.runNumber;
  if (o.branch !== undefined) p.workflow_run.head_branch = o.branch;
  if (o.workflow !== undefined) p.workflow.name = o.workflow;
  return Buffer.from(JSON.stringify(p));
}

export function checkRun(o: { conclusion?: string; appSlug?: string; title?: string } = {}): Buffer {
  const p = structuredClone(CHECK_RUN);
  p.check_run.conclusion = o.conclusion ?? 'failure';
  if (o.appSlug !== undefined) p.check_run.app.slug = o.appSlug;
  if (o.title !== undefined) p.check_run.output.title = o.title;
  return Buffer.from(JSON.stringify(p));
}

export function gitlabPipeline(o: { status?: string; id?: number; finishedAt?: string; builds?: unknown[]; url?: string } = {}): Buffer {
  const p = structuredClone(GITLAB_PIPELINE);
  p.object_attributes.status = o.status ?? 'failed';
  if (o.id !== undefined) p.object_attributes.id = o.id;
  if (o.finishedAt !== undefined) p.object_attributes.finished_at = o.finishedAt;
  if (o.url !== undefined) p.object_attributes.url = o.url;
  if (o.builds !== undefined) p.builds = o.builds;
  return Buffer.from(JSON.stringify(p));
}

export function jenkinsNotification(
  o: { number?: number; phase?: string; status?: string | null; jobUrl?: string; name?: string; log?: string; folder?: string } = {},
): Buffer {
  const p = structuredClone(JENKINS);
  if (o.folder !== undefined) {
    // Another multibranch job (`job/<folder>/job/main/`) on the same Jenkins.
    p.url = `job/${o.folder}/job/main/`;
    p.build.url = `job/${o.folder}/job/main/${p.build.number}/`;
    p.build.full_url = `https://ci.example.test/job/${o.folder}/job/main/${p.build.number}/`;
  }
  if (o.number !== undefined) {
    p.build.number = o.number;
    if (o.folder !== undefined) p.build.url = `job/${o.folder}/job/main/${o.number}/`;
    p.build.full_url = `https://ci.example.test/job/${o.folder ?? 'payments'}/job/main/${o.number}/`;
  }
  if (o.phase !== undefined) p.build.phase = o.phase;
  if (o.status === null) delete p.build.status;
  else if (o.status !== undefined) p.build.status = o.status;
  if (o.jobUrl !== undefined) p.url = o.jobUrl;
  if (o.name !== undefined) p.name = o.name;
  if (o.log !== undefined) p.build.log = o.log;
  return Buffer.from(JSON.stringify(p));
}

export function githubHeaders(body: Buffer, o: { event?: string; delivery?: string; secret?: string } = {}): Record<string, string> {
  return {
    'content-type': 'application/json',
    'x-github-event': o.event ?? 'workflow_run',
    'x-github-delivery': o.delivery ?? randomUUID(),
    'x-hub-signature-256': signGithubBody(o.secret ?? GITHUB_SECRET, body),
    'user-agent': 'GitHub-Hookshot/test',
  };
}

export function gitlabHeaders(o: { token?: string; idempotencyKey?: string; event?: string } = {}): Record<string, string> {
  const h: Record<string, string> = {
    'content-type': 'application/json',
    'x-gitlab-event': o.event ?? 'Pipeline Hook',
    'x-gitlab-token': o.token ?? GITLAB_TOKEN,
  };
  if (o.idempotencyKey) h['idempotency-key'] = o.idempotencyKey;
  return h;
}

export const SECRETS = { jenkinsToken: JENKINS_TOKEN, githubSecret: GITHUB_SECRET, gitlabToken: GITLAB_TOKEN };
