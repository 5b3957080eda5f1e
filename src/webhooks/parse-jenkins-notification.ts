/**
 * Jenkins Notification plugin (jenkinsci/notification-plugin) JSON: job
 * `name` is the short name and `url` the job's relative URL
 * ("job/payments/job/main/"), from which the full name is rebuilt. Acts on
 * COMPLETED and FINALIZED (the `all` event filter sends both; the event hash
 * ignores the phase, so the second is a duplicate): FAILURE → failure,
 * SUCCESS → recovery; UNSTABLE (tests), ABORTED and NOT_BUILT are ignored —
 * they are not a broken build. QUEUED/STARTED are ignored. XML → 415.
 */
import * as z from 'zod';
import { normalizeLine } from '../classify/normalize-log.ts';
import { canonicalEventKey, pickFirstErrorLine, shortBranch, type CiEvent, type CiOutcome } from './ci-event.ts';
import { describeZodError, invalid, parseJsonBody, type ParsedDelivery } from './parsed-delivery.ts';

const text = (max: number) => z.string().max(max).nullish();

export const JenkinsNotificationSchema = z.object({
  name: z.string().min(1).max(500),
  display_name: text(500),
  url: text(2000),
  build: z.object({
    full_url: text(2000),
    number: z.number().int().nonnegative(),
    queue_id: z.number().nullish(),
    phase: z.string().min(1).max(40),
    status: text(40),
    url: text(2000),
    timestamp: z.union([z.number(), z.string()]).nullish(),
    scm: z
      .object({ url: text(2000), branch: text(500), commit: text(100) })
      .partial()
      .nullish(),
    // The plugin's "log lines" option puts the log's last lines here; cap what we read.
    log: z.string().nullish(),
  }),
});
export type JenkinsNotification = z.output<typeof JenkinsNotificationSchema>;

const ACTED_PHASES = new Set(['COMPLETED', 'FINALIZED']);

function outcomeOf(status: string | null | undefined): CiOutcome {
  if (status === 'FAILURE') return 'failure';
  if (status === 'SUCCESS') return 'success';
  return 'other';
}

/** "job/payments/job/main/" → "payments/main"; undefined when the URL has no job segments. */
export function jenkinsFullName(jobUrl: string | null | undefined): string | undefined {
  if (!jobUrl) return undefined;
  const path = jobUrl.replace(/^[a-z]+:\/\/[^/]+/i, '').replace(/^\/+/, '');
  const parts = path.split('/');
  const names: string[] = [];
  for (let i = 0; i + 1 < parts.length; i++) {
    if (parts[i] === 'job' && parts[i + 1]) {
      try {
        names.push(decodeURIComponent(parts[i + 1] ?? ''));
      } catch {
        names.push(parts[i + 1] ?? '');
      }
      i++;
    }
  }
  return names.length > 0 ? names.join('/') : undefined;
}

/** "https://git.example.test/acme/payments.git" or "git@host:acme/payments.git" → "acme/payments". */
export function repoPathOf(url: string | null | undefined): string | undefined {
  if (!url) return undefined;
  const path = /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '') : url.replace(/^[^@/]*@[^:/]+:/, '');
  const clean = path
    .replace(/[?#].*$/, '')
    .replace(/\.git\/*$/, '')
    .replace(/^\/+|\/+$/g, '')
    .toLowerCase();
  return clean && clean.length <= 300 ? clean : undefined;
}

export function parseJenkinsNotification(rawBody: Buffer, contentType: string | undefined): ParsedDelivery {
  const body = rawBody.toString('utf8');
  if ((contentType && /xml/i.test(contentType)) || body.trimStart().startsWith('<')) {
    return invalid("XML notifications are not supported: set the Notification plugin endpoint's format to JSON", 415);
  }
  const json = parseJsonBody(body);
  if (!json.ok) return json.delivery;
  const parsed = JenkinsNotificationSchema.safeParse(json.value);
  if (!parsed.success) return invalid(describeZodError('Jenkins Notification plugin payload', parsed.error));
  const n = parsed.data;
  const b = n.build;
  const job = jenkinsFullName(n.url) ?? n.name;
  const phase = b.phase.toUpperCase();
  const status = b.status ?? '';
  const outcome = ACTED_PHASES.has(phase) ? outcomeOf(status) : 'other';
  const pipelineKey = `jenkins:${job}`;
  const runId = String(b.number);
  const event: CiEvent = {
    source: 'jenkins',
    eventType: 'jenkins-notification',
    pipelineKey,
    job,
    buildNumber: b.number,
    runId,
    status: status || phase,
    outcome,
    phase,
    eventKey: canonicalEventKey({ source: 'jenkins', pipelineKey, runId, outcome }),
    label: `${job} #${b.number}`,
  };
  const branch = shortBranch(b.scm?.branch);
  if (branch) event.branch = branch;
  if (b.scm?.commit) event.commit = b.scm.commit;
  const repo = repoPathOf(b.scm?.url);
  if (repo) event.repo = repo;
  if (b.full_url) {
    event.url = b.full_url;
    event.logUrl = `${b.full_url.replace(/\/+$/, '')}/consoleText`;
  }
  const firstError = pickFirstErrorLine(b.log?.slice(-256 * 1024), normalizeLine);
  if (firstError) event.firstErrorLine = firstError;
  if (outcome === 'other') {
    const reason = ACTED_PHASES.has(phase)
      ? `build result ${status || 'unknown'} is neither FAILURE nor SUCCESS`
      : `phase ${phase}: the build has not finished`;
    return { kind: 'ignored', reason, event };
  }
  return { kind: 'event', event };
}
