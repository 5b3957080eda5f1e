/**
 * In-process incident store (no REDIS_URL): the same rules as the Redis
 * store, kept in this process's memory. Every operation runs to completion
 * without awaiting, so grouping is atomic here for free. Callers get copies.
 */
import { joinBlast } from './blast-radius.ts';
import type { FixVerification } from './fix-verification-state.ts';
import { cleanSummary, cleanText, cleanTitle, milestonesFor, TIMELINE_TEXT } from './incident-codec.ts';
import { IncidentNotFoundError, IncidentResolvedError, type IncidentStore, type NewTimelineEntry, type ResolveResult } from './incident-store.ts';
import {
  DEFAULT_CI_SEVERITY,
  type CiFailureGrouping,
  type CiFailureInput,
  type CiFailureResult,
  type CiRecoveryInput,
  type Incident,
  type IncidentRole,
  type IncidentStatus,
  type OpenIncidentInput,
  type ResolveInput,
  type RootCause,
  type Severity,
  type TimelineActor,
  type TimelineEntry,
} from './incident-types.ts';

export interface MemoryIncidentStoreOptions {
  now?: () => Date;
}

interface Row {
  incident: Incident;
  timeline: TimelineEntry[];
}

export class MemoryIncidentStore implements IncidentStore {
  readonly kind = 'memory' as const;
  private seq = 0;
  private readonly rows = new Map<number, Row>();
  private readonly byPipeline = new Map<string, number>();
  private readonly byThread = new Map<string, number>();
  private readonly byCause = new Map<string, number>();
  private readonly now: () => Date;

  constructor(options: MemoryIncidentStoreOptions = {}) {
    this.now = options.now ?? (() => new Date());
  }

  private stamp(): string {
    return this.now().toISOString();
  }

  private row(id: number): Row {
    const row = this.rows.get(id);
    if (!row) throw new IncidentNotFoundError(id);
    return row;
  }

  private openRow(id: number): Row {
    const row = this.row(id);
    if (row.incident.status === 'resolved') throw new IncidentResolvedError(id);
    return row;
  }

  private push(row: Row, entry: NewTimelineEntry): void {
    const e: TimelineEntry = { at: entry.at ?? this.stamp(), by: entry.by, kind: entry.kind, text: cleanText(entry.text) };
    if (entry.data !== undefined) e.data = structuredClone(entry.data);
    row.timeline.push(e);
  }

  private create(fields: Omit<Incident, 'id'>, first: NewTimelineEntry): Row {
    const id = ++this.seq;
    const row: Row = { incident: { id, ...fields }, timeline: [] };
    this.rows.set(id, row);
    this.push(row, first);
    return row;
  }

  async open(input: OpenIncidentInput): Promise<Incident> {
    const at = this.stamp();
    const title = cleanTitle(input.title);
    const fields: Omit<Incident, 'id'> = {
      title,
      source: structuredClone(input.source ?? { ci: 'manual' }),
      status: 'investigating',
      severity: input.severity ?? DEFAULT_CI_SEVERITY,
      roles: {},
      failureCount: 0,
      createdAt: at,
      createdBy: input.by,
    };
    if (input.channel) fields.channel = input.channel;
    if (input.threadTs) fields.threadTs = input.threadTs;
    if (input.pipelineKey) fields.pipelineKey = input.pipelineKey;
    const row = this.create(fields, { at, by: input.by, kind: 'status', text: input.text ?? TIMELINE_TEXT.opened(title) });
    const id = row.incident.id;
    if (input.pipelineKey && !this.byPipeline.has(input.pipelineKey)) this.byPipeline.set(input.pipelineKey, id);
    if (input.channel && input.threadTs) this.byThread.set(threadKey(input.channel, input.threadTs), id);
    return structuredClone(row.incident);
  }

  async get(id: number): Promise<Incident | undefined> {
    const row = this.rows.get(id);
    return row ? structuredClone(row.incident) : undefined;
  }

  async timeline(id: number): Promise<TimelineEntry[]> {
    return structuredClone(this.rows.get(id)?.timeline ?? []);
  }

  async findByThread(channel: string, threadTs: string): Promise<Incident | undefined> {
    const id = this.byThread.get(threadKey(channel, threadTs));
    return id === undefined ? undefined : this.get(id);
  }

  async listOpen(channel?: string): Promise<Incident[]> {
    const out: Incident[] = [];
    for (const { incident } of this.rows.values()) {
      if (incident.status === 'resolved') continue;
      if (channel !== undefined && incident.channel !== channel) continue;
      out.push(structuredClone(incident));
    }
    return out.sort((a, b) => a.id - b.id);
  }

  async listRecent(limit: number): Promise<Incident[]> {
    const out: Incident[] = [];
    for (let id = this.seq; id >= 1 && out.length < limit; id--) {
      const row = this.rows.get(id);
      if (row) out.push(structuredClone(row.incident));
    }
    return out;
  }

  async findOpenByPipeline(pipelineKey: string): Promise<Incident | undefined> {
    const id = this.byPipeline.get(pipelineKey);
    if (id === undefined) return undefined;
    const incident = this.rows.get(id)?.incident;
    return incident && incident.status !== 'resolved' ? structuredClone(incident) : undefined;
  }

  async setStatus(id: number, status: IncidentStatus, by: TimelineActor, note?: string): Promise<Incident> {
    if (status === 'resolved') return (await this.resolve(id, { by, ...(note ? { summary: note } : {}) })).incident;
    const row = this.openRow(id);
    const at = this.stamp();
    row.incident.status = status;
    for (const field of milestonesFor(status)) row.incident[field] ??= at;
    this.push(row, { at, by, kind: 'status', text: TIMELINE_TEXT.status(status, note ? cleanText(note) : undefined), data: { status } });
    return structuredClone(row.incident);
  }

  async setRole(id: number, role: IncidentRole, userId: string, by: TimelineActor): Promise<Incident> {
    const row = this.row(id);
    row.incident.roles[role] = userId;
    this.push(row, { by, kind: 'role', text: TIMELINE_TEXT.role(role, userId), data: { role, user: userId } });
    return structuredClone(row.incident);
  }

  async setSeverity(id: number, severity: Severity, by: TimelineActor): Promise<Incident> {
    const row = this.openRow(id);
    row.incident.severity = severity;
    this.push(row, { by, kind: 'status', text: TIMELINE_TEXT.severity(severity), data: { severity } });
    return structuredClone(row.incident);
  }

  async setRootCause(id: number, rootCause: RootCause, by: TimelineActor): Promise<Incident> {
    const row = this.row(id);
    const at = this.stamp();
    const rc: RootCause = { category: cleanText(rootCause.category, 80), text: cleanText(rootCause.text) };
    row.incident.rootCause = rc;
    this.push(row, { at, by, kind: 'note', text: TIMELINE_TEXT.rootCause(rc), data: { rootCause: rc } });
    if (row.incident.status !== 'resolved') row.incident.identifiedAt ??= at;
    if (row.incident.status === 'investigating') {
      row.incident.status = 'identified';
      this.push(row, { at, by, kind: 'status', text: TIMELINE_TEXT.status('identified'), data: { status: 'identified' } });
    }
    return structuredClone(row.incident);
  }

  async addNote(id: number, text: string, by: TimelineActor): Promise<Incident> {
    const row = this.row(id);
    this.push(row, { by, kind: 'note', text });
    return structuredClone(row.incident);
  }

  async appendTimeline(id: number, entry: NewTimelineEntry): Promise<void> {
    this.push(this.row(id), entry);
  }

  async recordCiFailure(input: CiFailureInput): Promise<CiFailureResult> {
    if (input.group) return this.recordByCause(input, input.group);
    const at = this.stamp();
    const existing = this.byPipeline.get(input.pipelineKey);
    const open = existing === undefined ? undefined : this.rows.get(existing);
    if (open && open.incident.status !== 'resolved') {
      open.incident.failureCount += 1;
      open.incident.lastFailureAt = at;
      this.push(open, { at, by: 'ci', kind: 'ci-event', text: input.text, data: { ...input.data, failureCount: open.incident.failureCount } });
      return { kind: 'grouped', incident: structuredClone(open.incident) };
    }
    return this.openCiIncident(input, at);
  }

  /** A new incident for a CI failure (optionally one grouped by cause), indexed by its pipeline. */
  private openCiIncident(input: CiFailureInput, at: string, byCause?: Pick<Incident, 'cause' | 'blast'>): CiFailureResult {
    const row = this.create(
      {
        title: cleanTitle(input.title),
        source: structuredClone(input.source),
        status: 'investigating',
        severity: input.severity ?? DEFAULT_CI_SEVERITY,
        roles: {},
        failureCount: 1,
        pipelineKey: input.pipelineKey,
        createdAt: at,
        createdBy: 'ci',
        lastFailureAt: at,
        ...byCause,
      },
      { at, by: 'ci', kind: 'ci-event', text: input.text, data: { ...input.data, failureCount: 1 } },
    );
    this.byPipeline.set(input.pipelineKey, row.incident.id);
    return { kind: 'opened', incident: structuredClone(row.incident) };
  }

  /** Grouping by cause: the same rules as CI_CAUSE_FAILURE_SCRIPT (grouping-scripts.ts). */
  private recordByCause(input: CiFailureInput, group: CiFailureGrouping): CiFailureResult {
    const at = this.stamp();
    const cutoff = new Date(Date.parse(at) - group.windowMs).toISOString();
    const existing = this.byCause.get(group.cause.key);
    const open = existing === undefined ? undefined : this.rows.get(existing);
    if (open && open.incident.status !== 'resolved' && open.incident.lastFailureAt !== undefined && open.incident.lastFailureAt >= cutoff) {
      open.incident.failureCount += 1;
      open.incident.lastFailureAt = at;
      open.incident.blast = joinBlast(open.incident.blast, input.pipelineKey, group);
      this.push(open, { at, by: 'ci', kind: 'ci-event', text: input.text, data: { ...input.data, failureCount: open.incident.failureCount } });
      this.byPipeline.set(input.pipelineKey, open.incident.id);
      return { kind: 'grouped', incident: structuredClone(open.incident) };
    }
    const opened = this.openCiIncident(input, at, { cause: structuredClone(group.cause), blast: joinBlast(undefined, input.pipelineKey, group) });
    this.byCause.set(group.cause.key, opened.incident.id);
    return opened;
  }

  async recordCiRecovery(input: CiRecoveryInput): Promise<Incident | undefined> {
    const id = this.byPipeline.get(input.pipelineKey);
    const row = id === undefined ? undefined : this.rows.get(id);
    if (!row || row.incident.status === 'resolved') return undefined;
    const at = this.stamp();
    row.incident.lastRecoveryAt = at;
    this.push(row, { at, by: 'ci', kind: 'ci-event', text: input.text, ...(input.data ? { data: input.data } : {}) });
    return structuredClone(row.incident);
  }

  async resolve(id: number, input: ResolveInput): Promise<ResolveResult> {
    const row = this.row(id);
    if (row.incident.status === 'resolved') return { incident: structuredClone(row.incident), alreadyResolved: true };
    const at = this.stamp();
    const summary = input.summary ? cleanSummary(input.summary) : undefined;
    row.incident.status = 'resolved';
    row.incident.resolvedAt = at;
    if (summary) row.incident.summary = summary;
    if (input.rootCause) row.incident.rootCause = { category: cleanText(input.rootCause.category, 80), text: cleanText(input.rootCause.text) };
    const key = row.incident.pipelineKey;
    if (key && this.byPipeline.get(key) === id) this.byPipeline.delete(key);
    this.push(row, { at, by: input.by, kind: 'resolve', text: TIMELINE_TEXT.resolved(summary), data: { status: 'resolved' } });
    return { incident: structuredClone(row.incident), alreadyResolved: false };
  }

  async attachThread(id: number, channel: string, threadTs: string): Promise<Incident> {
    const row = this.row(id);
    row.incident.channel = channel;
    row.incident.threadTs = threadTs;
    this.byThread.set(threadKey(channel, threadTs), id);
    return structuredClone(row.incident);
  }

  async saveVerification(id: number, next: FixVerification, expectedRev: number, entries: NewTimelineEntry[] = []): Promise<Incident | undefined> {
    const row = this.row(id);
    if ((row.incident.verification?.rev ?? 0) !== expectedRev) return undefined;
    row.incident.verification = structuredClone(next);
    const at = this.stamp();
    for (const e of entries) this.push(row, { ...e, at: e.at ?? at });
    return structuredClone(row.incident);
  }
}

function threadKey(channel: string, threadTs: string): string {
  return `${channel}:${threadTs}`;
}
