/**
 * GitHub `workflow_run` and `check_run` deliveries (octokit/webhooks shapes).
 *
 * Failing conclusions: failure, timed_out, startup_failure (a workflow file
 * that cannot start is a broken build too). `action_required` is NOT a
 * failure: it means a run waits for approval (e.g. a first-time contributor's
 * fork), which nobody fixes in an incident. cancelled, neutral, skipped and
 * stale are ignored; success is a recovery. Only action "completed" counts.
 *
 * check_run events from the `github-actions` app are ignored: every job of a
 * workflow is a check run, so they would repeat what `workflow_run` already
 * says once per workflow. check_run is for other CI apps reporting checks.
 *
 * Both content types GitHub offers are accepted: application/json and
 * application/x-www-form-urlencoded (`payload=<json>`).
 */
import * as z from 'zod';
import { canonicalEventKey, type CiEvent, type CiOutcome } from './ci-event.ts';
import { describeZodError, invalid, parseJsonBody, type ParsedDelivery } from './parsed-delivery.ts';

export const GITHUB_FAILING_CONCLUSIONS: ReadonlySet<string> = new Set(['failure', 'timed_out', 'startup_failure']);

const str = (max: number) => z.string().max(max);
const Repository = z.object({ full_name: str(300), html_url: str(2000).nullish(), default_branch: str(300).nullish() });

export const GithubWorkflowRunSchema = z.object({
  action: str(60),
  workflow: z.object({ name: str(300).nullish(), path: str(500).nullish() }).nullish(),
  workflow_run: z.object({
    id: z.number().int(),
    name: str(300).nullish(),
    workflow_id: z.number().int().nullish(),
    head_branch: str(300).nullish(),
    head_sha: str(100),
    run_number: z.number().int().nullish(),
    run_attempt: z.number().int().nullish(),
    status: str(60).nullish(),
    conclusion: str(60).nullish(),
    html_url: str(2000),
    logs_url: str(2000).nullish(),
    jobs_url: str(2000).nullish(),
  }),
  repository: Repository,
});

export const GithubCheckRunSchema = z.object({
  action: str(60),
  check_run: z.object({
    id: z.number().int(),
    name: str(300),
    head_sha: str(100),
    status: str(60).nullish(),
    conclusion: str(60).nullish(),
    html_url: str(2000).nullish(),
    details_url: str(2000).nullish(),
    output: z.object({ title: z.string().nullish(), summary: z.string().nullish() }).nullish(),
    check_suite: z.object({ head_branch: str(300).nullish() }).nullish(),
    app: z.object({ slug: str(200).nullish() }).nullish(),
  }),
  repository: Repository,
});

/** A workflow run's or check's conclusion as an outcome (the REST API's runs use the same words). */
export function githubOutcome(conclusion: string | null | undefined): CiOutcome {
  if (!conclusion) return 'other';
  if (GITHUB_FAILING_CONCLUSIONS.has(conclusion)) return 'failure';
  return conclusion === 'success' ? 'success' : 'other';
}

function firstLine(text: string | null | undefined): string | undefined {
  const line = text
    ?.split('\n')
    .find((l) => l.trim() !== '')
    ?.trim();
  if (!line) return undefined;
  return line.length <= 300 ? line : `${line.slice(0, 299)}…`;
}

function bodyText(rawBody: Buffer, contentType: string | undefined): { ok: true; text: string } | { ok: false; delivery: ParsedDelivery } {
  const body = rawBody.toString('utf8');
  if (contentType && /^application\/x-www-form-urlencoded/i.test(contentType)) {
    const payload = new URLSearchParams(body).get('payload');
    if (payload === null) return { ok: false, delivery: invalid('form-encoded delivery without a "payload" field') };
    return { ok: true, text: payload };
  }
  return { ok: true, text: body };
}

function ignoredUnlessDone(event: CiEvent, action: string, status: string | null | undefined): ParsedDelivery {
  if (action !== 'completed') return { kind: 'ignored', reason: `action "${action}": only completed runs are acted on`, event };
  if (event.outcome === 'other') return { kind: 'ignored', reason: `conclusion "${status ?? 'none'}" is neither a failure nor a success`, event };
  return { kind: 'event', event };
}

export function parseGithubEvent(
  eventName: string | undefined,
  rawBody: Buffer,
  contentType: string | undefined,
  deliveryId: string | undefined,
): ParsedDelivery {
  if (!eventName) return invalid('missing X-GitHub-Event header');
  if (eventName === 'ping') return { kind: 'ping', message: 'pong: buildfix receives this hook' };
  if (eventName !== 'workflow_run' && eventName !== 'check_run') {
    return { kind: 'ignored', reason: `"${eventName.slice(0, 60)}" events are not used (subscribe to workflow_run, or check_run for other CI apps)` };
  }
  const text = bodyText(rawBody, contentType);
  if (!text.ok) return text.delivery;
  const json = parseJsonBody(text.text);
  if (!json.ok) return json.delivery;

  if (eventName === 'workflow_run') {
    const parsed = GithubWorkflowRunSchema.safeParse(json.value);
    if (!parsed.success) return invalid(describeZodError('GitHub workflow_run payload', parsed.error));
    const { action, workflow, workflow_run: run, repository } = parsed.data;
    const repo = repository.full_name;
    const name = workflow?.name || run.name || `workflow ${run.workflow_id ?? run.id}`;
    const branch = run.head_branch ?? undefined;
    const pipelineKey = `github:${repo}:${name}:${branch ?? '(no branch)'}`;
    const runId = String(run.id);
    const attempt = run.run_attempt ?? undefined;
    const outcome = githubOutcome(run.conclusion);
    const event: CiEvent = {
      source: 'github',
      eventType: 'workflow_run',
      pipelineKey,
      job: repo,
      workflow: name,
      commit: run.head_sha,
      runId,
      url: run.html_url,
      status: run.conclusion ?? run.status ?? 'unknown',
      outcome,
      eventKey: canonicalEventKey({ source: 'github', pipelineKey, runId, attempt, outcome }),
      label: `${repo} ${name}${run.run_number != null ? ` #${run.run_number}` : ''}${branch ? ` on ${branch}` : ''}`,
    };
    if (branch) event.branch = branch;
    if (repository.default_branch) event.defaultBranch = repository.default_branch;
    if (run.run_number != null) event.buildNumber = run.run_number;
    if (run.workflow_id != null) event.workflowId = run.workflow_id;
    if (attempt !== undefined) event.attempt = attempt;
    if (run.logs_url) event.logUrl = run.logs_url;
    if (run.jobs_url) event.jobsUrl = run.jobs_url;
    if (deliveryId) event.deliveryId = deliveryId;
    return ignoredUnlessDone(event, action, run.conclusion ?? run.status);
  }

  const parsed = GithubCheckRunSchema.safeParse(json.value);
  if (!parsed.success) return invalid(describeZodError('GitHub check_run payload', parsed.error));
  const { action, check_run: check, repository } = parsed.data;
  const repo = repository.full_name;
  const branch = check.check_suite?.head_branch ?? undefined;
  const pipelineKey = `github:${repo}:${check.name}:${branch ?? '(no branch)'}`;
  const runId = String(check.id);
  const outcome = githubOutcome(check.conclusion);
  const event: CiEvent = {
    source: 'github',
    eventType: 'check_run',
    pipelineKey,
    job: repo,
    workflow: check.name,
    commit: check.head_sha,
    runId,
    status: check.conclusion ?? check.status ?? 'unknown',
    outcome,
    eventKey: canonicalEventKey({ source: 'github', pipelineKey, runId, outcome }),
    label: `${repo} ${check.name}${branch ? ` on ${branch}` : ''}`,
  };
  if (branch) event.branch = branch;
  if (repository.default_branch) event.defaultBranch = repository.default_branch;
  const url = check.html_url ?? check.details_url;
  if (url) event.url = url;
  const firstError = firstLine(check.output?.title) ?? firstLine(check.output?.summary);
  if (firstError) event.firstErrorLine = firstError;
  if (deliveryId) event.deliveryId = deliveryId;
  if (check.app?.slug === 'github-actions') {
    return { kind: 'ignored', reason: 'check runs of GitHub Actions are covered by workflow_run events', event };
  }
  return ignoredUnlessDone(event, action, check.conclusion ?? check.status);
}
