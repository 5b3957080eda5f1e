/**
 * The post-mortem record of an incident: summary, root cause, roles, time to
 * diagnose, time to recover, actions taken and the full timeline. The same
 * data renders as Markdown (the archive's file upload, `incidents export`)
 * and as JSON. Everything that leaves here is redacted once more.
 *
 * Time to diagnose = created → identified (a root cause or the `identified`
 * status sets it). Time to recover = created → mitigated, else → resolved:
 * the build was usable again from the first of the two.
 */
import { redactText } from '../util/redact.ts';
import { describeBlast } from './blast-radius.ts';
import { describeCause } from './cause-key.ts';
import { describeVerification, type FixVerification } from './fix-verification-state.ts';
import { INCIDENT_ROLES, type Incident, type IncidentRole, type RootCause, type TimelineEntry } from './incident-types.ts';
import { identifiedHow } from './settle-cause.ts';

export type IncidentReportFormat = 'md' | 'json';
export const INCIDENT_REPORT_FORMATS: readonly IncidentReportFormat[] = ['md', 'json'];

/** Timeline kinds that count as "actions taken". */
const ACTION_KINDS: ReadonlySet<TimelineEntry['kind']> = new Set(['command', 'job-result']);

export interface IncidentReport {
  id: number;
  title: string;
  status: Incident['status'];
  severity: Incident['severity'];
  source: Incident['source'];
  pipelineKey?: string;
  failureCount: number;
  channel?: string;
  threadTs?: string;
  summary?: string;
  rootCause?: RootCause;
  roles: Incident['roles'];
  createdAt: string;
  createdBy: string;
  identifiedAt?: string;
  mitigatedAt?: string;
  resolvedAt?: string;
  timeToDiagnoseMs?: number;
  timeToRecoverMs?: number;
  /** The latest fix verification, and how it went in one line (fix-verification-state.ts). */
  verification?: FixVerification;
  verifiedHow?: string;
  /** How the root cause was identified: the build log's answer and what the live diagnosis made of it (settle-cause.ts). */
  identifiedHow?: string;
  /** One incident per cause: what its failures were grouped by, and where they came from (incident-grouping.ts). */
  cause?: Incident['cause'];
  blast?: Incident['blast'];
  actions: TimelineEntry[];
  timeline: TimelineEntry[];
}

function between(from: string, to: string | undefined): number | undefined {
  if (to === undefined) return undefined;
  const ms = Date.parse(to) - Date.parse(from);
  return Number.isFinite(ms) && ms >= 0 ? ms : undefined;
}

export function buildIncidentReport(incident: Incident, timeline: readonly TimelineEntry[]): IncidentReport {
  const report: IncidentReport = {
    id: incident.id,
    title: incident.title,
    status: incident.status,
    severity: incident.severity,
    source: incident.source,
    failureCount: incident.failureCount,
    roles: incident.roles,
    createdAt: incident.createdAt,
    createdBy: incident.createdBy,
    actions: timeline.filter((e) => ACTION_KINDS.has(e.kind)),
    timeline: [...timeline],
  };
  const optional = ['pipelineKey', 'channel', 'threadTs', 'summary', 'rootCause', 'identifiedAt', 'mitigatedAt', 'resolvedAt', 'cause', 'blast'] as const;
  for (const key of optional) if (incident[key] !== undefined) Object.assign(report, { [key]: incident[key] });
  const ttd = between(incident.createdAt, incident.identifiedAt);
  const ttr = between(incident.createdAt, incident.mitigatedAt ?? incident.resolvedAt);
  if (incident.verification) {
    report.verification = incident.verification;
    report.verifiedHow = verificationLine(incident.verification);
  }
  const how = identifiedHow(timeline);
  if (how) report.identifiedHow = how;
  if (ttd !== undefined) report.timeToDiagnoseMs = ttd;
  if (ttr !== undefined) report.timeToRecoverMs = ttr;
  return report;
}

/** "Verified at …: after restart agent-03 …; re-check … passed …; payments/main: 1 of 1 green builds (…)". */
export function verificationLine(v: FixVerification): string {
  const when = v.decidedAt ? ` at ${v.decidedAt}` : '';
  const verdict =
    v.state === 'verified'
      ? `Verified${when}${v.resolution === 'resolved' ? ' (resolved by buildfix)' : ''}`
      : v.state === 'failed'
        ? `Not verified${when}: ${v.failure ?? 'failed'}`
        : 'Verification unfinished';
  return `${verdict} — ${describeVerification(v)}`;
}

/** 42 s · 3 min 12 s · 2 h 5 min · 3 d 4 h */
export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}

const ROLE_LABEL: Record<IncidentRole, string> = { commander: 'Incident commander', engineer: 'Engineer', communicator: 'Communicator' };

function actor(by: string): string {
  return by === 'buildfix' || by === 'ci' ? by : `<@${by}>`;
}

function cell(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}

// Continuation lines are indented so a multi-line entry stays inside its list item.
function listItem(marker: string, text: string): string {
  const [first = '', ...rest] = text.replace(/\r\n/g, '\n').split('\n');
  return [`${marker} ${first}`, ...rest.map((line) => `   ${line}`)].join('\n');
}

/** "`a`, `b` and 3 more": at most 20 names in the table. */
function names(list: readonly string[]): string {
  const shown = list.slice(0, 20).map((n) => `\`${n}\``);
  return list.length > 20 ? `${shown.join(', ')} and ${list.length - 20} more` : shown.join(', ');
}

function sourceLine(incident: IncidentReport): string {
  const s = incident.source;
  const parts: string[] = [s.ci];
  if (s.job) parts.push(s.job);
  if (s.branch) parts.push(`branch ${s.branch}`);
  if (s.commit) parts.push(`commit \`${s.commit.slice(0, 12)}\``);
  if (s.buildUrl) parts.push(`[build${s.buildNumber !== undefined ? ` #${s.buildNumber}` : ''}](${s.buildUrl})`);
  else if (s.buildNumber !== undefined) parts.push(`build #${s.buildNumber}`);
  return parts.join(' · ');
}

function entryLine(e: TimelineEntry): string {
  return `\`${e.at}\` **${actor(e.by)}** · ${e.kind} — ${e.text}`;
}

export function renderIncidentMarkdown(report: IncidentReport): string {
  const rows: Array<[string, string]> = [
    ['Status', report.status],
    ['Severity', report.severity],
    ['Source', sourceLine(report)],
  ];
  if (report.pipelineKey) rows.push(['Pipeline', `\`${report.pipelineKey}\``]);
  if (report.failureCount > 0) rows.push(['CI failures grouped', String(report.failureCount)]);
  if (report.cause) rows.push(['Grouped by cause', describeCause(report.cause)]);
  const blast = describeBlast(report);
  if (blast && report.blast) {
    rows.push(['Blast radius', [blast.radius, ...blast.common].join(' · ')]);
    rows.push(['Pipelines', names(report.blast.pipelines)]);
    rows.push(['Repos', names(report.blast.repos)]);
  }
  rows.push(['Opened', `${report.createdAt} by ${actor(report.createdBy)}`]);
  rows.push(['Identified', report.identifiedAt ?? '—']);
  rows.push(['Mitigated', report.mitigatedAt ?? '—']);
  rows.push(['Resolved', report.resolvedAt ?? '—']);
  rows.push(['Time to diagnose', report.timeToDiagnoseMs !== undefined ? formatDuration(report.timeToDiagnoseMs) : 'not recorded']);
  rows.push(['Time to recover', report.timeToRecoverMs !== undefined ? formatDuration(report.timeToRecoverMs) : 'not yet']);
  if (report.channel) rows.push(['Slack', `${report.channel}${report.threadTs ? ` · thread ${report.threadTs}` : ''}`]);

  const out: string[] = [`# Incident #${report.id}: ${cell(report.title)}`, '', '| | |', '|---|---|'];
  for (const [k, v] of rows) out.push(`| ${k} | ${cell(v)} |`);
  out.push('', '## Summary', '', report.summary ?? '_No summary was given._');
  out.push('', '## Root cause', '', report.rootCause ? `**${report.rootCause.category}** — ${report.rootCause.text}` : '_Not recorded._');
  if (report.identifiedHow) out.push('', `_How it was identified:_ ${report.identifiedHow}`);
  out.push('', '## Fix verification', '', report.verifiedHow ?? '_No fix was verified by buildfix._');
  out.push('', '## Roles', '');
  for (const role of INCIDENT_ROLES) out.push(`- ${ROLE_LABEL[role]}: ${report.roles[role] ? `<@${report.roles[role]}>` : '_unassigned_'}`);
  out.push('', `## Actions taken (${report.actions.length})`, '');
  if (report.actions.length === 0) out.push('_No buildfix commands or job results were recorded._');
  report.actions.forEach((e, i) => out.push(listItem(`${i + 1}.`, entryLine(e))));
  out.push('', `## Timeline (${report.timeline.length} entries)`, '');
  for (const e of report.timeline) out.push(listItem('-', entryLine(e)));
  return redactText(`${out.join('\n')}\n`);
}

export function renderIncidentReport(incident: Incident, timeline: readonly TimelineEntry[], format: IncidentReportFormat): string {
  const report = buildIncidentReport(incident, timeline);
  // Redact string by string: a pattern run over the serialized text could eat a closing quote.
  if (format === 'json') return `${JSON.stringify(report, (_key, value: unknown) => (typeof value === 'string' ? redactText(value) : value), 2)}\n`;
  return renderIncidentMarkdown(report);
}

/** File name for the archive upload: incident-12-payments-main-4812-failed.md */
export function incidentReportFileName(incident: Incident, format: IncidentReportFormat): string {
  const slug = incident.title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/g, '');
  return `incident-${incident.id}${slug ? `-${slug}` : ''}.${format}`;
}
