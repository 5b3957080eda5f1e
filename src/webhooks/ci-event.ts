/**
 * One CI event in a CI-independent shape: what the alert shows (what failed,
 * where, link, first error line), how it groups (pipeline key) and how it
 * deduplicates (event key).
 *
 * Pipeline keys (one open incident per key):
 *   jenkins:<full job name>                    jenkins:payments/main
 *   github:<owner/repo>:<workflow>:<branch>    github:o/r:CI:main
 *   github:<owner/repo>:<check name>:<branch>  (check_run from a non-Actions app)
 *   gitlab:<group/project>:<ref>               gitlab:g/p:main
 */
import { createHash } from 'node:crypto';
import type { IncidentSource } from '../incidents/incident-types.ts';

export type CiEventSource = 'jenkins' | 'github' | 'gitlab';
export const CI_EVENT_SOURCES: readonly CiEventSource[] = ['jenkins', 'github', 'gitlab'];

/** failure: opens or groups an incident · success: recovery · other: ignored. */
export type CiOutcome = 'failure' | 'success' | 'other';

export interface CiFailedJob {
  name: string;
  stage?: string;
  /** GitLab failure_reason (script_failure, runner_system_failure…). */
  reason?: string;
  url?: string;
  logUrl?: string;
}

export interface CiEvent {
  source: CiEventSource;
  /** What GitHub/GitLab/Jenkins called this delivery: workflow_run, check_run, pipeline, jenkins-notification. */
  eventType: string;
  pipelineKey: string;
  /** Jenkins full job name; "owner/repo" on GitHub; "group/project" on GitLab. */
  job: string;
  /** The repository the pipeline builds, when the event names it apart from `job` (Jenkins: its SCM URL's path, "acme/payments"). */
  repo?: string;
  /** GitHub workflow (or check) name. */
  workflow?: string;
  /** GitHub workflow id (workflow_run): its runs are listed by GET /repos/{o}/{r}/actions/workflows/{id}/runs. */
  workflowId?: number;
  branch?: string;
  defaultBranch?: string;
  commit?: string;
  /** Jenkins build number, GitHub run number, GitLab pipeline iid (else id). */
  buildNumber?: number;
  /** Jenkins build number, GitHub run / check run id, GitLab pipeline id. */
  runId: string;
  attempt?: number;
  /** The build / run / pipeline page. */
  url?: string;
  /** Raw status word as the CI sent it: FAILURE, failure, failed, timed_out… */
  status: string;
  outcome: CiOutcome;
  /** Jenkins phase (QUEUED, STARTED, COMPLETED, FINALIZED). */
  phase?: string;
  firstErrorLine?: string;
  /** Where the log can be fetched: Jenkins consoleText; GitHub logs_url (API, needs a token); GitLab job trace API (needs a token). */
  logUrl?: string;
  failedJobs?: CiFailedJob[];
  /** GitHub workflow_run jobs_url (API, needs a token): lists the run's jobs, whose logs are read one by one. */
  jobsUrl?: string;
  /** X-GitHub-Delivery or GitLab Idempotency-Key, when the sender gave one. */
  deliveryId?: string;
  /** SHA-256 of the canonical event (source, pipeline, run id, attempt, outcome): equal for retries of one event. */
  eventKey: string;
  /** "payments/main #4812", "o/r CI #77 on main", "g/p pipeline #31 on main". */
  label: string;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The canonical-event hash. `revision` separates reruns that keep the run id (GitLab retries keep the pipeline id). */
export function canonicalEventKey(parts: {
  source: CiEventSource;
  pipelineKey: string;
  runId: string;
  attempt?: number | undefined;
  revision?: string | undefined;
  outcome: CiOutcome;
}): string {
  return sha256Hex([parts.source, parts.pipelineKey, parts.runId, parts.attempt ?? '', parts.revision ?? '', parts.outcome].join('\n'));
}

/** "origin/main" / "refs/heads/main" → "main". */
export function shortBranch(ref: string | null | undefined): string | undefined {
  if (!ref) return undefined;
  return (
    ref
      .replace(/^refs\/heads\//, '')
      .replace(/^origin\//, '')
      .replace(/^remotes\/origin\//, '') || undefined
  );
}

/** Incident title when this event opens one. */
export function incidentTitle(event: CiEvent): string {
  return `${event.label} failed`;
}

/** Timeline text for this event. */
export function timelineText(event: CiEvent): string {
  const where = [
    event.branch && !event.label.includes(` on ${event.branch}`) ? `on ${event.branch}` : '',
    event.commit ? `commit ${event.commit.slice(0, 7)}` : '',
  ]
    .filter(Boolean)
    .join(' · ');
  const head = `${event.label} ${event.status}${where ? ` (${where})` : ''}`;
  if (event.outcome === 'success') return `${head}: the pipeline is green again`;
  return event.firstErrorLine ? `${head} — first error: ${event.firstErrorLine}` : head;
}

/** The incident's source block for an event. */
export function incidentSource(event: CiEvent): IncidentSource {
  const source: IncidentSource = { ci: event.source, job: event.workflow ? `${event.job} · ${event.workflow}` : event.job };
  if (event.branch) source.branch = event.branch;
  if (event.commit) source.commit = event.commit;
  if (event.url) source.buildUrl = event.url;
  if (event.buildNumber !== undefined) source.buildNumber = event.buildNumber;
  return source;
}

/**
 * The number a fix verification counts this build under: the build or run number; a GitHub check run has none, so
 * its id (the build follower numbers the check runs it reads the same way, and a build is counted once per number).
 */
export function verificationNumberOf(event: CiEvent): number | undefined {
  if (event.buildNumber !== undefined) return event.buildNumber;
  if (event.eventType !== 'check_run' || !/^\d{1,15}$/.test(event.runId)) return undefined;
  return Number(event.runId);
}

/** Failed jobs kept with a timeline entry: the log sources read at most three of them. */
export const MAX_STORED_FAILED_JOBS = 10;

/** The event's optional fields a timeline entry keeps under their own names (storedCiEvent reads the same list back). */
export const STORED_EVENT_FIELDS = [
  'workflow',
  'workflowId',
  'branch',
  'defaultBranch',
  'commit',
  'buildNumber',
  'attempt',
  'url',
  'logUrl',
  'jobsUrl',
  'phase',
  'firstErrorLine',
  'deliveryId',
] as const satisfies ReadonlyArray<keyof CiEvent>;

/**
 * Data kept with the timeline entry: enough to rebuild the alert, and the event itself (storedCiEvent in
 * stored-ci-event.ts), so a replica that posts an alert another one could not still reads the build's log.
 */
export function timelineData(event: CiEvent): Record<string, unknown> {
  const data: Record<string, unknown> = {
    source: event.source,
    event: event.eventType,
    runId: event.runId,
    status: event.status,
    outcome: event.outcome,
    job: event.job,
    label: event.label,
    eventKey: event.eventKey,
  };
  for (const field of STORED_EVENT_FIELDS) if (event[field] !== undefined && event[field] !== '') data[field] = event[field];
  // `repo` is the configured repo of a cause-grouped failure (groupingData): the event's own is `scmRepo`.
  if (event.repo) data.scmRepo = event.repo;
  if (event.failedJobs?.length) data.failedJobs = event.failedJobs.slice(0, MAX_STORED_FAILED_JOBS);
  return data;
}

// The go command's own errors start with "go: " too, but its progress lines (downloading, finding…) are not errors.
const ERROR_LINE =
  /\b(?:error|fatal|failed|failure|panic|denied|refused|not found|timed? ?out)\b|^go: (?!downloading |finding |extracting |found |added |upgraded |to add |creating )/i;

/** First line of a log excerpt that looks like an error (trimmed to 300 characters). */
export function pickFirstErrorLine(text: string | null | undefined, normalize: (line: string) => string = (l) => l): string | undefined {
  if (!text) return undefined;
  let scanned = 0;
  for (const raw of text.split('\n')) {
    if (++scanned > 2000) break;
    const line = normalize(raw).trim();
    if (line && ERROR_LINE.test(line)) return line.length <= 300 ? line : `${line.slice(0, 299)}…`;
  }
  return undefined;
}
