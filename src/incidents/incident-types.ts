/**
 * The incident model: one broken build (or a manually opened problem), its
 * people, its Slack thread and its timeline. Times are ISO-8601 UTC strings
 * so the stored form, the JSON report and the Markdown archive agree.
 *
 * The status and role lists match src/chat/parse-command.ts (the chat
 * grammar); a unit test keeps the two in step.
 */

import type { FixVerification } from './fix-verification-state.ts';

export const INCIDENT_STATUSES = ['investigating', 'identified', 'mitigated', 'resolved'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

export const INCIDENT_ROLES = ['commander', 'engineer', 'communicator'] as const;
export type IncidentRole = (typeof INCIDENT_ROLES)[number];

export const SEVERITIES = ['sev1', 'sev2', 'sev3', 'sev4'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** CI failures open at sev2: a red main branch blocks every team that ships from it. */
export const DEFAULT_CI_SEVERITY: Severity = 'sev2';

export const CI_SOURCES = ['jenkins', 'github', 'gitlab', 'manual'] as const;
export type CiSourceKind = (typeof CI_SOURCES)[number];

/** Where the incident came from. `job` is the Jenkins job, or the repository (and workflow) elsewhere. */
export interface IncidentSource {
  ci: CiSourceKind;
  job?: string;
  branch?: string;
  commit?: string;
  buildUrl?: string;
  /** Jenkins build number, GitHub run number, GitLab pipeline id. */
  buildNumber?: number;
}

export interface RootCause {
  /** A classifier category (e.g. "version-not-found") or a free word. */
  category: string;
  text: string;
}

export const TIMELINE_KINDS = ['command', 'job-progress', 'job-result', 'status', 'role', 'note', 'ci-event', 'alert', 'resolve', 'verify'] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

/** Who did it: a Slack user id, or buildfix itself, or the CI system. */
export type TimelineActor = string;
export const ACTOR_BUILDFIX = 'buildfix';
export const ACTOR_CI = 'ci';

export interface TimelineEntry {
  at: string;
  by: TimelineActor;
  kind: TimelineKind;
  text: string;
  data?: Record<string, unknown>;
}

export type IncidentRoles = Partial<Record<IncidentRole, string>>;

export interface Incident {
  /** Small increasing number per store, shown as #12. */
  id: number;
  title: string;
  source: IncidentSource;
  status: IncidentStatus;
  severity: Severity;
  roles: IncidentRoles;
  /** Slack channel and the alert's thread, once posted. */
  channel?: string;
  threadTs?: string;
  /** CI failures grouped into this incident (1 for the one that opened it; 0 for a manual incident). */
  failureCount: number;
  /** Grouping key of the pipeline whose failures land here (e.g. "jenkins:payments/main"). */
  pipelineKey?: string;
  createdAt: string;
  createdBy: TimelineActor;
  identifiedAt?: string;
  mitigatedAt?: string;
  resolvedAt?: string;
  /** Last failure grouped in, and the last success seen while open. */
  lastFailureAt?: string;
  lastRecoveryAt?: string;
  summary?: string;
  rootCause?: RootCause;
  /** The cause its CI failures were grouped by (incident-grouping.ts); absent when grouping by cause is off. */
  cause?: IncidentCause;
  /** Which pipelines, repos and agents its failures came from (the alert's blast radius). */
  blast?: BlastRadius;
  /** Verification of the latest fix (src/incidents/fix-verification-state.ts). */
  verification?: FixVerification;
}

/** The cause a CI incident groups failures by (src/incidents/cause-key.ts). */
export interface IncidentCause {
  key: string;
  category: string;
  scope: 'module' | 'host' | 'agent' | 'pipeline';
  subject: string;
}

/** Where an incident's failures came from, each name once, in the order first seen. */
export interface BlastRadius {
  pipelines: string[];
  repos: string[];
  agents: string[];
  /** Failures whose log named no agent: while any, the alert cannot say "all on <agent>". */
  agentUnknown: number;
}

/** Up to this many names are kept per list of a blast radius (counts beyond are not shown exactly). */
export const MAX_BLAST_NAMES = 500;

/** Grouping by cause: the failure joins the cause's open incident if its last failure is within the window. */
export interface CiFailureGrouping {
  cause: IncidentCause;
  windowMs: number;
  repo: string;
  agent?: string;
}

export interface OpenIncidentInput {
  title: string;
  source?: IncidentSource;
  severity?: Severity;
  /** Who opened it (Slack user id, 'buildfix' or 'ci'). */
  by: TimelineActor;
  channel?: string;
  threadTs?: string;
  pipelineKey?: string;
  /** Text of the first timeline entry; defaults to "incident opened: <title>". */
  text?: string;
}

/** A CI failure to group or open an incident for (built from a CiEvent by the webhook layer). */
export interface CiFailureInput {
  pipelineKey: string;
  /** Title if this failure opens the incident ("payments/main #4812 failed"). */
  title: string;
  source: IncidentSource;
  severity?: Severity;
  /** Timeline text, e.g. "payments/main #4813 FAILURE". */
  text: string;
  data?: Record<string, unknown>;
  /**
   * Group by cause instead of by pipeline: the pipeline key then only says which pipeline failed
   * (and which incident its next success is recorded in).
   */
  group?: CiFailureGrouping;
}

export interface CiFailureResult {
  kind: 'opened' | 'grouped';
  incident: Incident;
}

export interface CiRecoveryInput {
  pipelineKey: string;
  text: string;
  data?: Record<string, unknown>;
}

export interface ResolveInput {
  by: TimelineActor;
  summary?: string;
  rootCause?: RootCause;
}

/** Cap on one timeline entry's text: command outputs belong in job results, not in the log line. */
export const MAX_TIMELINE_TEXT = 4000;
/** Cap on titles and summaries. */
export const MAX_TITLE = 200;
export const MAX_SUMMARY = 4000;
