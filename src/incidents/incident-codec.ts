/**
 * The stored form of an incident (a flat string map: a Redis hash, or the
 * memory store's record) and the timeline texts both stores write, so the
 * two stores cannot drift apart.
 */
import { redactText } from '../util/redact.ts';
import type { FixVerification } from './fix-verification-state.ts';
import {
  CI_SOURCES,
  INCIDENT_ROLES,
  INCIDENT_STATUSES,
  MAX_SUMMARY,
  MAX_TIMELINE_TEXT,
  MAX_TITLE,
  SEVERITIES,
  type BlastRadius,
  type Incident,
  type IncidentCause,
  type IncidentRole,
  type IncidentSource,
  type IncidentStatus,
  type RootCause,
  type Severity,
  type TimelineEntry,
} from './incident-types.ts';

/** Redacted, trimmed and capped text for storage. */
export function cleanText(text: string, max = MAX_TIMELINE_TEXT): string {
  const t = redactText(text).trim();
  return t.length <= max ? t : `${t.slice(0, max - 1)}…`;
}

export function cleanTitle(title: string): string {
  return cleanText(title.replace(/\s+/g, ' '), MAX_TITLE);
}

export function cleanSummary(summary: string): string {
  return cleanText(summary, MAX_SUMMARY);
}

const ROLE_FIELD = (role: IncidentRole): string => `role:${role}`;

/** Incident fields → hash fields (undefined fields are left out). */
export function encodeIncidentFields(incident: Partial<Incident>): Record<string, string> {
  const out: Record<string, string> = {};
  const put = (k: string, v: string | number | undefined): void => {
    if (v !== undefined) out[k] = String(v);
  };
  put('id', incident.id);
  put('title', incident.title);
  if (incident.source) out.source = JSON.stringify(incident.source);
  put('status', incident.status);
  put('severity', incident.severity);
  if (incident.roles) for (const role of INCIDENT_ROLES) put(ROLE_FIELD(role), incident.roles[role]);
  put('channel', incident.channel);
  put('threadTs', incident.threadTs);
  put('failureCount', incident.failureCount);
  put('pipelineKey', incident.pipelineKey);
  put('createdAt', incident.createdAt);
  put('createdBy', incident.createdBy);
  put('identifiedAt', incident.identifiedAt);
  put('mitigatedAt', incident.mitigatedAt);
  put('resolvedAt', incident.resolvedAt);
  put('lastFailureAt', incident.lastFailureAt);
  put('lastRecoveryAt', incident.lastRecoveryAt);
  put('summary', incident.summary);
  if (incident.rootCause) out.rootCause = JSON.stringify(incident.rootCause);
  if (incident.cause) out.cause = JSON.stringify(incident.cause);
  if (incident.blast) out.blast = JSON.stringify(incident.blast);
  if (incident.verification) out.verification = JSON.stringify(incident.verification);
  return out;
}

function parseJson<T>(raw: string | undefined): T | undefined {
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw) as T;
  } catch {
    return undefined;
  }
}

function oneOf<T extends string>(list: readonly T[], value: string | undefined, fallback: T): T {
  return value !== undefined && (list as readonly string[]).includes(value) ? (value as T) : fallback;
}

/** A flat [k, v, k, v…] reply (Lua HGETALL) → object. */
export function pairsToRecord(pairs: readonly unknown[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < pairs.length; i += 2) out[String(pairs[i])] = String(pairs[i + 1]);
  return out;
}

/** Hash fields → Incident; undefined when the record is empty or has no id. */
export function decodeIncident(fields: Record<string, string>): Incident | undefined {
  const id = Number(fields.id);
  if (!Number.isInteger(id) || id <= 0) return undefined;
  const source = parseJson<IncidentSource>(fields.source) ?? { ci: 'manual' };
  if (!(CI_SOURCES as readonly string[]).includes(source.ci)) source.ci = 'manual';
  const roles: Incident['roles'] = {};
  for (const role of INCIDENT_ROLES) {
    const user = fields[ROLE_FIELD(role)];
    if (user) roles[role] = user;
  }
  const incident: Incident = {
    id,
    title: fields.title ?? `incident #${id}`,
    source,
    status: oneOf(INCIDENT_STATUSES, fields.status, 'investigating'),
    severity: oneOf(SEVERITIES, fields.severity, 'sev2'),
    roles,
    failureCount: Number(fields.failureCount ?? 0) || 0,
    createdAt: fields.createdAt ?? new Date(0).toISOString(),
    createdBy: fields.createdBy ?? 'buildfix',
  };
  const optional = ['channel', 'threadTs', 'pipelineKey', 'identifiedAt', 'mitigatedAt', 'resolvedAt', 'lastFailureAt', 'lastRecoveryAt', 'summary'] as const;
  for (const key of optional) {
    const v = fields[key];
    if (v !== undefined && v !== '') incident[key] = v;
  }
  const rootCause = parseJson<RootCause>(fields.rootCause);
  if (rootCause && typeof rootCause.category === 'string' && typeof rootCause.text === 'string') incident.rootCause = rootCause;
  const cause = decodeCause(fields.cause);
  if (cause) incident.cause = cause;
  const blast = decodeBlast(fields.blast);
  if (blast) incident.blast = blast;
  const verification = parseJson<FixVerification>(fields.verification);
  if (verification && typeof verification.rev === 'number' && typeof verification.state === 'string') incident.verification = verification;
  return incident;
}

const CAUSE_SCOPES: ReadonlySet<string> = new Set(['module', 'host', 'agent', 'pipeline']);

function decodeCause(raw: string | undefined): IncidentCause | undefined {
  const c = parseJson<Partial<IncidentCause>>(raw);
  if (!c || typeof c.key !== 'string' || typeof c.category !== 'string' || typeof c.subject !== 'string' || !CAUSE_SCOPES.has(String(c.scope)))
    return undefined;
  return { key: c.key, category: c.category, scope: c.scope as IncidentCause['scope'], subject: c.subject };
}

// Lua's cjson writes an empty list as {}: anything that is not a list of strings reads as empty.
function names(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function decodeBlast(raw: string | undefined): BlastRadius | undefined {
  const b = parseJson<Record<string, unknown>>(raw);
  if (!b || typeof b !== 'object') return undefined;
  return { pipelines: names(b.pipelines), repos: names(b.repos), agents: names(b.agents), agentUnknown: Number(b.agentUnknown) || 0 };
}

export function parseTimelineEntry(raw: string): TimelineEntry {
  const parsed = parseJson<TimelineEntry>(raw);
  if (parsed && typeof parsed.at === 'string' && typeof parsed.text === 'string') return parsed;
  return { at: new Date(0).toISOString(), by: 'buildfix', kind: 'note', text: `(unreadable timeline entry: ${raw.slice(0, 200)})` };
}

/** Milestone fields a status reaches, earlier ones included (mitigated ⇒ identified). */
export function milestonesFor(status: IncidentStatus): Array<'identifiedAt' | 'mitigatedAt'> {
  if (status === 'identified') return ['identifiedAt'];
  if (status === 'mitigated') return ['identifiedAt', 'mitigatedAt'];
  // Resolving claims nothing about diagnosis: an unset identifiedAt stays unset.
  return [];
}

export const TIMELINE_TEXT = {
  opened: (title: string) => `incident opened: ${title}`,
  status: (status: IncidentStatus, note?: string) => `status → ${status}${note ? ` — ${note}` : ''}`,
  role: (role: IncidentRole, userId: string) => `${role}: <@${userId}>`,
  severity: (severity: Severity) => `severity → ${severity}`,
  rootCause: (rc: RootCause) => `root cause: ${rc.category} — ${rc.text}`,
  resolved: (summary?: string) => (summary ? `resolved: ${summary}` : 'resolved'),
} as const;
