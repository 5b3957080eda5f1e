/**
 * One incident per cause, across pipelines and repos (issue 16, item 3).
 *
 * Before a CI failure is stored, its build log is read (Jenkins console text;
 * GitHub / GitLab failed-job logs with a token; else the event's first error
 * line) and classified, and the failure is grouped by that cause
 * (cause-key.ts) instead of by its pipeline: forty pipelines failing on one
 * missing module or one dead proxy make one incident, while one pipeline
 * failing for two different reasons makes two. The store does the grouping
 * atomically (grouping-scripts.ts), within `incidents.groupWindow` of the
 * cause's last failure.
 *
 * Reading the log happens while the CI system waits for its answer, so it
 * has a time budget (READ_BUDGET_MS, under the webhook bridge's 8 s and
 * GitHub's 10 s); past it, or when the log cannot be read, the failure is
 * classified from what the event itself carries.
 */
import { classifyLog, type Classification } from '../classify/classify-log.ts';
import type { CiEvent } from '../webhooks/ci-event.ts';
import { agentFromLog, causeOf } from './cause-key.ts';
import { fetchBuildLog, type BuildLog, type FetchBuildLogDeps } from './ci-diagnosis.ts';
import type { CiFailureGrouping } from './incident-types.ts';

/** What was found out about a failure before it was stored. */
export interface FoundCause {
  group: CiFailureGrouping;
  /** The log that was read and classified: the alert's automatic diagnosis reuses it instead of reading it again. */
  log: BuildLog;
  classification?: Classification;
}

export type CauseFinder = (event: CiEvent) => Promise<FoundCause>;

export interface CauseFinderOptions {
  /** incidents.groupWindow in ms (> 0). */
  windowMs: number;
  /** Where logs come from, asked per failure (the Jenkins client is created on first use). */
  logSources: () => Omit<FetchBuildLogDeps, 'signal'>;
  /** Default READ_BUDGET_MS. */
  readBudgetMs?: number;
}

/** The log read's share of the webhook's answer time. */
export const READ_BUDGET_MS = 5000;

/** The repository a failed pipeline builds: the event's own (Jenkins SCM URL), else its project (GitHub, GitLab), else the Jenkins job's folder. */
export function repoOfEvent(event: CiEvent): string {
  if (event.repo) return event.repo;
  if (event.source !== 'jenkins') return event.job.toLowerCase();
  const slash = event.job.lastIndexOf('/');
  return slash > 0 ? event.job.slice(0, slash) : event.job;
}

export function createCauseFinder(options: CauseFinderOptions): CauseFinder {
  const budget = options.readBudgetMs ?? READ_BUDGET_MS;
  return async (event) => {
    const log = await fetchBuildLog(event, { ...options.logSources(), signal: AbortSignal.timeout(budget) });
    const classification = log.text ? classifyLog(log.text) : undefined;
    const agent = agentFromLog(log.text);
    const group: CiFailureGrouping = {
      cause: causeOf(classification, { pipelineKey: event.pipelineKey, agent }),
      windowMs: options.windowMs,
      repo: repoOfEvent(event),
      ...(agent ? { agent } : {}),
    };
    return { group, log, ...(classification ? { classification } : {}) };
  };
}

/** What a failure's timeline entry keeps about its grouping (the incident log shows which pipeline, repo and agent joined). */
export function groupingData(group: CiFailureGrouping, pipelineKey: string): Record<string, unknown> {
  return { pipeline: pipelineKey, repo: group.repo, cause: group.cause.key, ...(group.agent ? { agent: group.agent } : {}) };
}
