/**
 * The CI event that opened an incident, read back from its timeline (timelineData in ci-event.ts), for a
 * replica that posts the alert another replica could not: it has no webhook at hand, and the automatic
 * diagnosis needs the event (which build's log to read, which branch's last green build to compare with).
 *
 * The timeline comes from the store, not from the CI: it is validated again here, and an entry written
 * before the event was kept whole (no job or label) gives undefined rather than a half event.
 */
import * as z from 'zod';
import type { Incident, TimelineEntry } from '../incidents/incident-types.ts';
import { CI_EVENT_SOURCES, MAX_STORED_FAILED_JOBS, STORED_EVENT_FIELDS, type CiEvent, type CiFailedJob } from './ci-event.ts';

const text = (max: number) => z.string().min(1).max(max);
/** Bounds well above what the webhook parsers let in (names 500, URLs 2000, each a few joined): they only keep a damaged entry out. */
const NAME = 4000;
const URL_MAX = 5000;

const StoredFailedJob = z.object({
  name: text(NAME),
  stage: text(NAME).optional(),
  reason: text(NAME).optional(),
  url: text(URL_MAX).optional(),
  logUrl: text(URL_MAX).optional(),
});

const StoredCiEvent = z.object({
  source: z.enum(CI_EVENT_SOURCES as [CiEvent['source'], ...CiEvent['source'][]]),
  event: text(100),
  runId: text(200),
  status: text(100),
  outcome: z.literal('failure'),
  job: text(NAME),
  label: text(NAME),
  eventKey: text(200),
  pipeline: text(URL_MAX).optional(),
  scmRepo: text(NAME).optional(),
  workflow: text(NAME).optional(),
  branch: text(NAME).optional(),
  defaultBranch: text(NAME).optional(),
  jobsUrl: text(URL_MAX).optional(),
  phase: text(100).optional(),
  failedJobs: z.array(StoredFailedJob).max(MAX_STORED_FAILED_JOBS).optional(),
  buildNumber: z.number().int().nonnegative().optional(),
  attempt: z.number().int().nonnegative().optional(),
  workflowId: z.number().int().nonnegative().optional(),
  url: text(URL_MAX).optional(),
  logUrl: text(URL_MAX).optional(),
  commit: text(200).optional(),
  firstErrorLine: text(NAME).optional(),
  deliveryId: text(200).optional(),
});

/**
 * The failure that opened the incident, as a CiEvent; undefined when the incident did not come from CI, or its
 * opening entry is missing or does not hold a whole event (recorded by an older buildfix, or altered).
 */
export function storedCiEvent(incident: Pick<Incident, 'pipelineKey' | 'source'>, timeline: readonly TimelineEntry[]): CiEvent | undefined {
  if (incident.source.ci === 'manual') return undefined;
  const opening = timeline.find((e) => e.kind === 'ci-event' && e.data?.failureCount === 1);
  const parsed = StoredCiEvent.safeParse(opening?.data);
  if (!parsed.success) return undefined;
  const d = parsed.data;
  const pipelineKey = d.pipeline ?? incident.pipelineKey;
  if (!pipelineKey) return undefined;
  const event: CiEvent = {
    source: d.source,
    eventType: d.event,
    pipelineKey,
    job: d.job,
    runId: d.runId,
    status: d.status,
    outcome: d.outcome,
    eventKey: d.eventKey,
    label: d.label,
  };
  const fields: Partial<Record<(typeof STORED_EVENT_FIELDS)[number], string | number>> = event;
  for (const field of STORED_EVENT_FIELDS) {
    const value = d[field];
    if (value !== undefined) fields[field] = value;
  }
  if (d.scmRepo) event.repo = d.scmRepo;
  if (d.failedJobs) event.failedJobs = d.failedJobs.map(failedJob);
  return event;
}

function failedJob(j: z.infer<typeof StoredFailedJob>): CiFailedJob {
  const job: CiFailedJob = { name: j.name };
  if (j.stage) job.stage = j.stage;
  if (j.reason) job.reason = j.reason;
  if (j.url) job.url = j.url;
  if (j.logUrl) job.logUrl = j.logUrl;
  return job;
}
