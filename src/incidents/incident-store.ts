/**
 * What the chat side and the webhook side need from incident storage. Two
 * implementations behave the same: RedisIncidentStore (shared by every
 * process, survives restarts) and MemoryIncidentStore (in-process mode).
 *
 * Rules both follow:
 * - ids are small increasing numbers per store (#1, #2, …);
 * - at most one open incident per pipeline key; recordCiFailure groups into
 *   it or opens it, atomically, so concurrent failures never open two;
 * - with a cause (CiFailureInput.group) the same holds per cause instead,
 *   within its window: the pipeline key then points at the incident the
 *   pipeline's last failure joined (incident-grouping.ts);
 * - a resolved incident cannot change status again (open a new one); notes,
 *   roles and timeline entries may still be added (late job results);
 * - reaching a later status fills the earlier milestones that are still
 *   unset (mitigated ⇒ identified), and recording a root cause marks an
 *   investigating incident identified: "time to diagnose" is then always known;
 * - timeline text is redacted (src/util/redact.ts) and capped before it is stored.
 */
import { BuildfixError } from '../errors.ts';
import type { FixVerification } from './fix-verification-state.ts';
import type {
  CiFailureInput,
  CiFailureResult,
  CiRecoveryInput,
  Incident,
  IncidentRole,
  IncidentStatus,
  OpenIncidentInput,
  ResolveInput,
  RootCause,
  Severity,
  TimelineActor,
  TimelineEntry,
  TimelineKind,
} from './incident-types.ts';

/** A timeline entry to append; `at` defaults to the store's clock. */
export interface NewTimelineEntry {
  by: TimelineActor;
  kind: TimelineKind;
  text: string;
  data?: Record<string, unknown>;
  at?: string;
}

export interface ResolveResult {
  incident: Incident;
  /** It was already resolved: nothing changed (the caller should not archive twice). */
  alreadyResolved: boolean;
}

export interface IncidentStore {
  readonly kind: 'redis' | 'memory';
  open(input: OpenIncidentInput): Promise<Incident>;
  get(id: number): Promise<Incident | undefined>;
  /** The full timeline, oldest first. */
  timeline(id: number): Promise<TimelineEntry[]>;
  findByThread(channel: string, threadTs: string): Promise<Incident | undefined>;
  /** Open incidents (not resolved), oldest first; only those posted in `channel` when given. */
  listOpen(channel?: string): Promise<Incident[]>;
  /** The newest incidents, open or resolved, newest first. */
  listRecent(limit: number): Promise<Incident[]>;
  findOpenByPipeline(pipelineKey: string): Promise<Incident | undefined>;
  /** Status change with a timeline entry; 'resolved' is the same as resolve(). Throws for a resolved incident. */
  setStatus(id: number, status: IncidentStatus, by: TimelineActor, note?: string): Promise<Incident>;
  setRole(id: number, role: IncidentRole, userId: string, by: TimelineActor): Promise<Incident>;
  setSeverity(id: number, severity: Severity, by: TimelineActor): Promise<Incident>;
  setRootCause(id: number, rootCause: RootCause, by: TimelineActor): Promise<Incident>;
  addNote(id: number, text: string, by: TimelineActor): Promise<Incident>;
  appendTimeline(id: number, entry: NewTimelineEntry): Promise<void>;
  /** Groups into the pipeline's open incident (counter + entry) or opens one, atomically. */
  recordCiFailure(input: CiFailureInput): Promise<CiFailureResult>;
  /** A success of a pipeline with an open incident: timeline entry + lastRecoveryAt; undefined when none is open. */
  recordCiRecovery(input: CiRecoveryInput): Promise<Incident | undefined>;
  /** Sets resolvedAt and the summary, frees the pipeline key, leaves the thread mapping. */
  resolve(id: number, input: ResolveInput): Promise<ResolveResult>;
  attachThread(id: number, channel: string, threadTs: string): Promise<Incident>;
  /**
   * Writes the fix verification (with its timeline entries) if the stored one still has revision
   * `expectedRev` (0: none yet); undefined when another writer came first (read again, retry).
   */
  saveVerification(id: number, next: FixVerification, expectedRev: number, entries?: NewTimelineEntry[]): Promise<Incident | undefined>;
}

/** Said once at start in in-process mode (no REDIS_URL). */
export const MEMORY_INCIDENTS_NOTICE = 'incidents are kept in memory only (REDIS_URL is not set): they are lost when this process stops';

export class IncidentNotFoundError extends BuildfixError {
  readonly incidentId: number;
  constructor(id: number) {
    super('BF_INPUT', `incident #${id} not found`, { details: { incidentId: id } });
    this.name = 'IncidentNotFoundError';
    this.incidentId = id;
  }
}

export class IncidentResolvedError extends BuildfixError {
  readonly incidentId: number;
  constructor(id: number) {
    super('BF_INPUT', `incident #${id} is resolved; open a new incident instead`, { details: { incidentId: id } });
    this.name = 'IncidentResolvedError';
    this.incidentId = id;
  }
}

/** get() that throws a user-facing error for an unknown id. */
export async function requireIncident(store: IncidentStore, id: number): Promise<Incident> {
  const incident = await store.get(id);
  if (!incident) throw new IncidentNotFoundError(id);
  return incident;
}

/** "#12" or "12" → 12; undefined for anything else. */
export function parseIncidentRef(text: string): number | undefined {
  const m = /^#?(\d{1,9})$/.exec(text.trim());
  return m ? Number(m[1]) : undefined;
}
