/**
 * Incident store in Redis (key layout: incident-keys.ts; scripts:
 * incident-scripts.ts). Any number of processes may share it; a restarted
 * process sees every incident, its roles and its timeline as they were.
 * The store does not own the connection: the caller closes it.
 */
import type { Redis } from 'ioredis';
import {
  cleanSummary,
  cleanText,
  cleanTitle,
  decodeIncident,
  encodeIncidentFields,
  milestonesFor,
  pairsToRecord,
  parseTimelineEntry,
  TIMELINE_TEXT,
} from './incident-codec.ts';
import { incidentKeys, type IncidentKeys } from './incident-keys.ts';
import { joinBlast } from './blast-radius.ts';
import { CI_CAUSE_FAILURE_SCRIPT } from './grouping-scripts.ts';
import { CI_FAILURE_SCRIPT, CI_RECOVERY_SCRIPT, OPEN_SCRIPT, RESOLVE_SCRIPT, UPDATE_SCRIPT } from './incident-scripts.ts';
import { IncidentNotFoundError, IncidentResolvedError, type IncidentStore, type NewTimelineEntry, type ResolveResult } from './incident-store.ts';
import {
  DEFAULT_CI_SEVERITY,
  MAX_BLAST_NAMES,
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
import { BuildfixError } from '../errors.ts';
import type { FixVerification } from './fix-verification-state.ts';
import { VERIFY_SCRIPT } from './verification-script.ts';

export interface RedisIncidentStoreOptions {
  redis: Redis;
  /** REDIS_PREFIX with its hash tag (normalizeKeyPrefix), e.g. "{buildfix}". */
  prefix: string;
  now?: () => Date;
}

// Stands for the new failure count in a grouped entry; the script splices the number in.
const COUNT_SLOT = '@@buildfix-failure-count@@';

interface UpdateSpec {
  mode: 'any' | 'open';
  set?: Record<string, string>;
  setNx?: Record<string, string>;
  promote?: { from: IncidentStatus; to: IncidentStatus; entry: TimelineEntry };
  extraSet?: { key: string; value: string };
  entries?: TimelineEntry[];
}

export class RedisIncidentStore implements IncidentStore {
  readonly kind = 'redis' as const;
  readonly keys: IncidentKeys;
  private readonly redis: Redis;
  private readonly now: () => Date;

  constructor(options: RedisIncidentStoreOptions) {
    this.redis = options.redis;
    this.keys = incidentKeys(options.prefix);
    this.now = options.now ?? (() => new Date());
  }

  private stamp(): string {
    return this.now().toISOString();
  }

  private entry(e: NewTimelineEntry, at = this.stamp()): TimelineEntry {
    const out: TimelineEntry = { at: e.at ?? at, by: e.by, kind: e.kind, text: cleanText(e.text) };
    if (e.data !== undefined) out.data = e.data;
    return out;
  }

  private decode(reply: unknown): Incident {
    const incident = Array.isArray(reply) ? decodeIncident(pairsToRecord(reply)) : undefined;
    if (!incident) throw new BuildfixError('BF_INTERNAL', 'the incident store returned an unreadable incident');
    return incident;
  }

  private async update(id: number, spec: UpdateSpec): Promise<Incident> {
    const reply = await UPDATE_SCRIPT.run(
      this.redis,
      [this.keys.incident(id), this.keys.timeline(id)],
      [
        spec.mode,
        JSON.stringify(spec.set ?? {}),
        JSON.stringify(spec.setNx ?? {}),
        spec.promote?.from ?? '',
        spec.promote?.to ?? '',
        spec.promote ? JSON.stringify(spec.promote.entry) : '',
        spec.extraSet?.key ?? '',
        spec.extraSet?.value ?? '',
        ...(spec.entries ?? []).map((e) => JSON.stringify(e)),
      ],
    );
    if (reply === -1) throw new IncidentNotFoundError(id);
    if (reply === -2) throw new IncidentResolvedError(id);
    return this.decode(reply);
  }

  async open(input: OpenIncidentInput): Promise<Incident> {
    const at = this.stamp();
    const title = cleanTitle(input.title);
    const fields = encodeIncidentFields({
      title,
      source: input.source ?? { ci: 'manual' },
      status: 'investigating',
      severity: input.severity ?? DEFAULT_CI_SEVERITY,
      failureCount: 0,
      createdAt: at,
      createdBy: input.by,
      ...(input.channel ? { channel: input.channel } : {}),
      ...(input.threadTs ? { threadTs: input.threadTs } : {}),
      ...(input.pipelineKey ? { pipelineKey: input.pipelineKey } : {}),
    });
    const first = this.entry({ by: input.by, kind: 'status', text: input.text ?? TIMELINE_TEXT.opened(title) }, at);
    const reply = await OPEN_SCRIPT.run(
      this.redis,
      [this.keys.seq, this.keys.open],
      [
        this.keys.base,
        JSON.stringify(fields),
        JSON.stringify(first),
        input.pipelineKey ? this.keys.pipeline(input.pipelineKey) : '',
        input.channel && input.threadTs ? this.keys.thread(input.channel, input.threadTs) : '',
      ],
    );
    return this.decode(reply);
  }

  async get(id: number): Promise<Incident | undefined> {
    if (!Number.isInteger(id) || id <= 0) return undefined;
    return decodeIncident(await this.redis.hgetall(this.keys.incident(id)));
  }

  async timeline(id: number): Promise<TimelineEntry[]> {
    const raw = await this.redis.lrange(this.keys.timeline(id), 0, -1);
    return raw.map(parseTimelineEntry);
  }

  async findByThread(channel: string, threadTs: string): Promise<Incident | undefined> {
    const id = await this.redis.get(this.keys.thread(channel, threadTs));
    return id === null ? undefined : this.get(Number(id));
  }

  private async many(ids: readonly (string | number)[]): Promise<Incident[]> {
    const rows = await Promise.all(ids.map((id) => this.redis.hgetall(this.keys.incident(id))));
    const out: Incident[] = [];
    for (const row of rows) {
      const incident = decodeIncident(row);
      if (incident) out.push(incident);
    }
    return out;
  }

  async listOpen(channel?: string): Promise<Incident[]> {
    const ids = await this.redis.zrange(this.keys.open, 0, -1);
    const incidents = await this.many(ids);
    return incidents.filter((i) => i.status !== 'resolved' && (channel === undefined || i.channel === channel));
  }

  async listRecent(limit: number): Promise<Incident[]> {
    const last = Number((await this.redis.get(this.keys.seq)) ?? 0);
    const ids: number[] = [];
    for (let id = last; id >= 1 && ids.length < limit; id--) ids.push(id);
    return this.many(ids);
  }

  async findOpenByPipeline(pipelineKey: string): Promise<Incident | undefined> {
    const id = await this.redis.get(this.keys.pipeline(pipelineKey));
    if (id === null) return undefined;
    const incident = await this.get(Number(id));
    return incident && incident.status !== 'resolved' ? incident : undefined;
  }

  async setStatus(id: number, status: IncidentStatus, by: TimelineActor, note?: string): Promise<Incident> {
    if (status === 'resolved') return (await this.resolve(id, { by, ...(note ? { summary: note } : {}) })).incident;
    const at = this.stamp();
    const setNx: Record<string, string> = {};
    for (const field of milestonesFor(status)) setNx[field] = at;
    return this.update(id, {
      mode: 'open',
      set: { status },
      setNx,
      entries: [this.entry({ by, kind: 'status', text: TIMELINE_TEXT.status(status, note ? cleanText(note) : undefined), data: { status } }, at)],
    });
  }

  async setRole(id: number, role: IncidentRole, userId: string, by: TimelineActor): Promise<Incident> {
    return this.update(id, {
      mode: 'any',
      set: { [`role:${role}`]: userId },
      entries: [this.entry({ by, kind: 'role', text: TIMELINE_TEXT.role(role, userId), data: { role, user: userId } })],
    });
  }

  async setSeverity(id: number, severity: Severity, by: TimelineActor): Promise<Incident> {
    return this.update(id, {
      mode: 'open',
      set: { severity },
      entries: [this.entry({ by, kind: 'status', text: TIMELINE_TEXT.severity(severity), data: { severity } })],
    });
  }

  async setRootCause(id: number, rootCause: RootCause, by: TimelineActor): Promise<Incident> {
    const at = this.stamp();
    const rc: RootCause = { category: cleanText(rootCause.category, 80), text: cleanText(rootCause.text) };
    return this.update(id, {
      mode: 'any',
      set: { rootCause: JSON.stringify(rc) },
      setNx: { identifiedAt: at },
      entries: [this.entry({ by, kind: 'note', text: TIMELINE_TEXT.rootCause(rc), data: { rootCause: rc } }, at)],
      promote: {
        from: 'investigating',
        to: 'identified',
        entry: this.entry({ by, kind: 'status', text: TIMELINE_TEXT.status('identified'), data: { status: 'identified' } }, at),
      },
    });
  }

  async addNote(id: number, text: string, by: TimelineActor): Promise<Incident> {
    return this.update(id, { mode: 'any', entries: [this.entry({ by, kind: 'note', text })] });
  }

  async appendTimeline(id: number, entry: NewTimelineEntry): Promise<void> {
    await this.update(id, { mode: 'any', entries: [this.entry(entry)] });
  }

  async recordCiFailure(input: CiFailureInput): Promise<CiFailureResult> {
    const at = this.stamp();
    const fields = encodeIncidentFields({
      title: cleanTitle(input.title),
      source: input.source,
      status: 'investigating',
      severity: input.severity ?? DEFAULT_CI_SEVERITY,
      pipelineKey: input.pipelineKey,
      createdAt: at,
      createdBy: 'ci',
    });
    const data = { ...input.data };
    delete data.failureCount;
    const opening = this.entry({ by: 'ci', kind: 'ci-event', text: input.text, data: { ...data, failureCount: 1 } }, at);
    const grouped = JSON.stringify(this.entry({ by: 'ci', kind: 'ci-event', text: input.text, data: { ...data, failureCount: COUNT_SLOT } }, at));
    const [head, tail] = splitOnce(grouped, `"${COUNT_SLOT}"`);
    if (input.group) return this.recordByCause(input, input.group, fields, opening, head, tail, at);
    const reply = (await CI_FAILURE_SCRIPT.run(
      this.redis,
      [this.keys.seq, this.keys.open, this.keys.pipeline(input.pipelineKey)],
      [this.keys.base, JSON.stringify(fields), JSON.stringify(opening), at, head, tail],
    )) as [string, unknown];
    return { kind: reply[0] === 'grouped' ? 'grouped' : 'opened', incident: this.decode(reply[1]) };
  }

  /** Grouping by cause (grouping-scripts.ts): the cause's open incident within the window, or a new one. */
  private async recordByCause(
    input: CiFailureInput,
    group: CiFailureGrouping,
    fields: Record<string, string>,
    opening: TimelineEntry,
    head: string,
    tail: string,
    at: string,
  ): Promise<CiFailureResult> {
    const cutoff = new Date(Date.parse(at) - group.windowMs).toISOString();
    const opened = { ...fields, cause: JSON.stringify(group.cause), blast: JSON.stringify(joinBlast(undefined, input.pipelineKey, group)) };
    const reply = (await CI_CAUSE_FAILURE_SCRIPT.run(
      this.redis,
      [this.keys.seq, this.keys.open, this.keys.cause(group.cause.key), this.keys.pipeline(input.pipelineKey)],
      [
        this.keys.base,
        JSON.stringify(opened),
        JSON.stringify(opening),
        at,
        head,
        tail,
        cutoff,
        input.pipelineKey,
        group.repo,
        group.agent ?? '',
        MAX_BLAST_NAMES,
      ],
    )) as [string, unknown];
    return { kind: reply[0] === 'grouped' ? 'grouped' : 'opened', incident: this.decode(reply[1]) };
  }

  async recordCiRecovery(input: CiRecoveryInput): Promise<Incident | undefined> {
    const at = this.stamp();
    const entry = this.entry({ by: 'ci', kind: 'ci-event', text: input.text, ...(input.data ? { data: input.data } : {}) }, at);
    const reply = await CI_RECOVERY_SCRIPT.run(this.redis, [this.keys.pipeline(input.pipelineKey)], [this.keys.base, JSON.stringify(entry), at]);
    return reply === null ? undefined : this.decode(reply);
  }

  async resolve(id: number, input: ResolveInput): Promise<ResolveResult> {
    const at = this.stamp();
    const summary = input.summary ? cleanSummary(input.summary) : undefined;
    const set: Record<string, string> = { status: 'resolved', resolvedAt: at };
    if (summary) set.summary = summary;
    if (input.rootCause) set.rootCause = JSON.stringify({ category: cleanText(input.rootCause.category, 80), text: cleanText(input.rootCause.text) });
    const entry = this.entry({ by: input.by, kind: 'resolve', text: TIMELINE_TEXT.resolved(summary), data: { status: 'resolved' } }, at);
    const reply = await RESOLVE_SCRIPT.run(
      this.redis,
      [this.keys.incident(id), this.keys.timeline(id), this.keys.open],
      [`${this.keys.base}pipeline:`, JSON.stringify(set), JSON.stringify(entry), String(id)],
    );
    if (reply === -1) throw new IncidentNotFoundError(id);
    const [changed, fields] = reply as [number, unknown];
    return { incident: this.decode(fields), alreadyResolved: changed === 0 };
  }

  async attachThread(id: number, channel: string, threadTs: string): Promise<Incident> {
    return this.update(id, {
      mode: 'any',
      set: { channel, threadTs },
      extraSet: { key: this.keys.thread(channel, threadTs), value: String(id) },
    });
  }

  async saveVerification(id: number, next: FixVerification, expectedRev: number, entries: NewTimelineEntry[] = []): Promise<Incident | undefined> {
    const at = this.stamp();
    const reply = await VERIFY_SCRIPT.run(
      this.redis,
      [this.keys.incident(id), this.keys.timeline(id)],
      [String(expectedRev), JSON.stringify(next), String(next.rev), ...entries.map((e) => JSON.stringify(this.entry(e, at)))],
    );
    if (reply === -1) throw new IncidentNotFoundError(id);
    if (reply === -3) return undefined;
    return this.decode(reply);
  }
}

// The slot is the last value written (data is the entry's last key, failureCount data's last), so search from the end.
function splitOnce(text: string, separator: string): [string, string] {
  const i = text.lastIndexOf(separator);
  if (i === -1) throw new BuildfixError('BF_INTERNAL', 'grouped timeline entry lost its count slot');
  return [text.slice(0, i), text.slice(i + separator.length)];
}
