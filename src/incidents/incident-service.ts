/**
 * The chat side of incidents, transport-free: the `incident …` commands and
 * the timeline recorder that watches every command the router runs.
 *
 * Which incident a command means:
 *   `#12` named            → that one, wherever it lives;
 *   typed in a thread      → the thread's incident;
 *   typed in a channel     → the channel's one open incident, else it must be
 *                            named (the open ones are listed);
 *   in the terminal        → the one open incident (the terminal is one room).
 *
 * Recording: a command run in an incident's thread (in the terminal: while
 * exactly one incident is open) adds a `command` entry, its job's milestones
 * (steps starting and finishing, not every line) and its result, each with
 * who and when. A diagnose typed outside any thread whose report finds a
 * problem opens an incident in the command's own thread (or joins the one
 * already open for that repo or its Jenkins job).
 *
 * Everything chat-specific (buttons, the archive channel) goes through an
 * IncidentAnnouncer the front provides; without one (the terminal) the
 * answers are plain messages.
 */
import { markdownToTerminal } from '../render/terminal-markdown.ts';
import type { ChatSurface, Requester } from '../chat/chat-surface.ts';
import type { Command, IncidentAction } from '../chat/parse-command.ts';
import { mentionUser } from '../chat/mentions.ts';
import { formatCommand } from '../chat/remediations.ts';
import type { Config } from '../config/load-config.ts';
import { BuildfixError } from '../errors.ts';
import type { DiagnoseJobResult, ModcacheDrillJobResult } from '../jobs/job-results.ts';
import type { JobOutcome, JobProgress } from '../jobs/job-types.ts';
import type { Logger } from '../logger.ts';
import type { Finding } from '../report/model.ts';
import { describeBlast } from './blast-radius.ts';
import { requireIncident, type IncidentStore, type NewTimelineEntry } from './incident-store.ts';
import { ACTOR_BUILDFIX, type Incident, type IncidentRole, type RootCause, type TimelineEntry } from './incident-types.ts';
import { formatDuration, renderIncidentReport } from './render-incident-report.ts';
import { classifiedCauseOf, firstProblem, liveDiagnosesOf, liveOfReport, settleCause, settlementSentence } from './settle-cause.ts';

/** Where an incident's conversation lives. */
export interface IncidentPlace {
  channel: string;
  threadTs: string;
}

/** What a chat front adds to the plain-text answers (Slack: buttons, alerts, the archive channel). */
export interface IncidentAnnouncer {
  /**
   * A new incident: asks for a commander (a "Take commander" button), in
   * `where.threadTs` when given, else as a new channel message that becomes
   * the incident's thread. Returns the thread.
   */
  announceOpened(incident: Incident, where: { channel: string; threadTs?: string }): Promise<IncidentPlace>;
  /** A line in the incident's thread (for commands typed elsewhere). */
  postInThread(incident: Incident, text: string): Promise<void>;
  /** Roles or status changed: refresh what shows them (the CI alert). */
  refresh(incident: Incident): Promise<void>;
  /** A fix was verified (src/incidents/fix-verification.ts): offer Resolve in the incident's thread. */
  offerResolve?(incident: Incident, text: string): Promise<void>;
  /** The incident was resolved: archive its report and timeline, and say so in its thread. */
  archive(incident: Incident, timeline: TimelineEntry[], by: string): Promise<void>;
}

export interface IncidentServiceOptions {
  store: IncidentStore;
  config: Pick<Config, 'repos'> & { incidents?: { autoOpen?: boolean | undefined } };
  logger: Logger;
  announcer?: IncidentAnnouncer;
}

type Where = { kind: 'terminal' } | { kind: 'chat'; channel: string; threadTs?: string };

/** What the recorder remembers about one running command (keyed by the parsed command object). */
interface Run {
  incidentId?: number;
  /** Typed outside any thread: a problem it finds may open an incident. */
  outside: boolean;
  by: string;
  milestones: number;
  /** Timeline writes of this run, in order (progress arrives without being awaited). */
  queue: Promise<void>;
}

/** A job's milestones beyond this many are not recorded (a long job's steps stay in its result). */
const MAX_MILESTONES_PER_JOB = 40;
const ROLE_LABEL: Record<IncidentRole, string> = { commander: 'incident commander', engineer: 'engineer', communicator: 'communicator' };
const STATUS_MARK: Record<string, string> = { running: '…', pass: '✓', fail: '✗', warn: '!', skip: '-', error: '✗' };

export class IncidentService {
  readonly store: IncidentStore;
  readonly announcer: IncidentAnnouncer | undefined;
  readonly #config: Pick<Config, 'repos'> & { incidents?: { autoOpen?: boolean | undefined } };
  readonly #log: Logger;
  readonly #runs = new WeakMap<Command, Run>();

  constructor(options: IncidentServiceOptions) {
    this.store = options.store;
    this.announcer = options.announcer;
    this.#config = options.config;
    this.#log = options.logger.child({ component: 'incidents' });
  }

  // ── commands ────────────────────────────────────────────────────────────

  async handle(action: IncidentAction, requester: Requester, surface: ChatSurface): Promise<void> {
    const where = whereOf(surface);
    switch (action.op) {
      case 'list':
        await surface.whisper({ kind: 'text', text: renderOpenList(await this.store.listOpen()) });
        return;
      case 'open':
        await this.#open(action.title, requester, surface, where);
        return;
      case 'status': {
        const incident = await this.#target(action.ref, where);
        if (action.status === 'resolved') return this.#resolve(incident, action.note, requester, surface, where);
        const updated = await this.store.setStatus(incident.id, action.status, requester.userId, action.note);
        await this.#say(updated, surface, where, `Incident #${updated.id} is now ${updated.status}${action.note ? `: ${action.note}` : ''}.`);
        await this.#refresh(updated);
        return;
      }
      case 'role': {
        const incident = await this.#target(action.ref, where);
        const updated = await this.store.setRole(incident.id, action.role, action.user, requester.userId);
        await this.#say(updated, surface, where, `${mentionUser(action.user)} is now the ${ROLE_LABEL[action.role]} of incident #${updated.id}.`);
        await this.#refresh(updated);
        return;
      }
      case 'severity': {
        const incident = await this.#target(action.ref, where);
        const updated = await this.store.setSeverity(incident.id, action.severity, requester.userId);
        await this.#say(updated, surface, where, `Incident #${updated.id} is now ${updated.severity}.`);
        await this.#refresh(updated);
        return;
      }
      case 'note': {
        const incident = await this.#target(action.ref, where);
        await this.store.addNote(incident.id, action.text, requester.userId);
        await this.#say(incident, surface, where, `📝 Noted in incident #${incident.id}'s timeline.`);
        return;
      }
      case 'resolve': {
        const incident = await this.#target(action.ref, where);
        await this.#resolve(incident, action.summary, requester, surface, where);
        return;
      }
      case 'log': {
        const incident = await this.#target(action.ref, where);
        const text = renderTimelineText(incident, await this.store.timeline(incident.id));
        if (where.kind === 'terminal' || inThreadOf(incident, where)) await surface.post({ kind: 'text', text });
        else await surface.whisper({ kind: 'text', text });
        return;
      }
    }
  }

  async #open(title: string, requester: Requester, surface: ChatSurface, where: Where): Promise<void> {
    if (where.kind === 'chat' && where.threadTs) {
      const existing = await this.store.findByThread(where.channel, where.threadTs);
      if (existing && existing.status !== 'resolved')
        throw new BuildfixError('BF_INPUT', `this thread already belongs to incident #${existing.id} (${existing.title})`);
    }
    const incident = await this.store.open({
      title,
      by: requester.userId,
      source: { ci: 'manual' },
      ...(where.kind === 'chat' ? { channel: where.channel } : {}),
      ...(where.kind === 'chat' && where.threadTs ? { threadTs: where.threadTs } : {}),
    });
    this.#log.info({ incident: incident.id, by: requester.userId }, 'incident opened by command');
    await this.#announceOpened(incident, surface, where);
  }

  async #announceOpened(incident: Incident, surface: ChatSurface, where: Where): Promise<void> {
    if (this.announcer && where.kind === 'chat') {
      const place = await this.announcer.announceOpened(incident, { channel: where.channel, ...(where.threadTs ? { threadTs: where.threadTs } : {}) });
      if (incident.channel !== place.channel || incident.threadTs !== place.threadTs) await this.store.attachThread(incident.id, place.channel, place.threadTs);
      return;
    }
    await surface.post({
      kind: 'text',
      tone: 'warning',
      text: `Incident #${incident.id} opened: ${incident.title}\nNo commander yet: \`incident role commander @someone\` names one.`,
    });
  }

  async #resolve(incident: Incident, summary: string | undefined, requester: Requester, surface: ChatSurface, where: Where): Promise<void> {
    const { incident: resolved, alreadyResolved } = await this.store.resolve(incident.id, { by: requester.userId, ...(summary ? { summary } : {}) });
    if (alreadyResolved) {
      await surface.whisper({
        kind: 'text',
        tone: 'info',
        text: `Incident #${resolved.id} was already resolved (${resolved.resolvedAt ?? 'earlier'}); open a new one if the problem is back.`,
      });
      return;
    }
    this.#log.info({ incident: resolved.id, by: requester.userId }, 'incident resolved');
    const timeline = await this.store.timeline(resolved.id);
    if (this.announcer && where.kind === 'chat') {
      await this.announcer.archive(resolved, timeline, requester.userId);
      if (!inThreadOf(resolved, where)) await surface.whisper({ kind: 'text', tone: 'success', text: `Incident #${resolved.id} resolved and archived.` });
      return;
    }
    const report = renderIncidentReport(resolved, timeline, 'md');
    // A terminal gets the report as text; Slack and the archive keep the Markdown.
    await surface.post({
      kind: 'text',
      tone: 'success',
      text: `Incident #${resolved.id} resolved. Its report:\n${surface.localFiles ? markdownToTerminal(report) : report}`,
    });
  }

  /** Answers where the incident's people look: its thread (posting there if the command came from elsewhere). */
  async #say(incident: Incident, surface: ChatSurface, where: Where, text: string): Promise<void> {
    if (where.kind === 'terminal' || !this.announcer || !incident.channel || !incident.threadTs) {
      await surface.post({ kind: 'text', text });
      return;
    }
    // The announcer renders mentions as mentions (plain text messages are escaped).
    await this.announcer.postInThread(incident, text);
    if (!inThreadOf(incident, where)) await surface.whisper({ kind: 'text', text: `${text} (said in the incident's thread)` });
  }

  async #refresh(incident: Incident): Promise<void> {
    await this.announcer?.refresh(incident).catch((err: unknown) => this.#log.warn({ err, incident: incident.id }, 'could not refresh the incident alert'));
  }

  /** The incident a command means (see the module comment); a user-facing error naming the open ones otherwise. */
  async #target(ref: number | undefined, where: Where): Promise<Incident> {
    if (ref !== undefined) return requireIncident(this.store, ref);
    if (where.kind === 'chat' && where.threadTs) {
      const inThread = await this.store.findByThread(where.channel, where.threadTs);
      if (inThread) return inThread;
    }
    const here = await this.store.listOpen(where.kind === 'chat' ? where.channel : undefined);
    const [only] = here;
    if (only && here.length === 1) return only;
    if (here.length > 1)
      throw new BuildfixError(
        'BF_INPUT',
        `${here.length} incidents are open here: name one, e.g. \`incident note #${only?.id ?? 1} …\`.\n${renderOpenList(here)}`,
      );
    const elsewhere = where.kind === 'chat' ? await this.store.listOpen() : [];
    const none = where.kind === 'chat' ? 'No incident is open in this channel' : 'No incident is open';
    if (elsewhere.length > 0) throw new BuildfixError('BF_INPUT', `${none}: name one with #N.\n${renderOpenList(elsewhere)}`);
    throw new BuildfixError('BF_INPUT', `${none}. \`incident open <title>\` starts one.`);
  }

  /** The incident a command typed in `surface` means (#N, the thread's, the one open); a user-facing error otherwise. */
  targetFor(ref: number | undefined, surface: ChatSurface): Promise<Incident> {
    return this.#target(ref, whereOf(surface));
  }

  /** The open incident a command run in `surface` is recorded in (its thread; in the terminal the one open incident). */
  attachedTo(surface: ChatSurface): Promise<Incident | undefined> {
    return this.#attachedIncident(whereOf(surface));
  }

  // ── the timeline recorder (RouterObserver hooks) ────────────────────────

  async onCommand(command: Command, requester: Requester, surface: ChatSurface): Promise<void> {
    if (command.kind === 'incident' || command.kind === 'help') return;
    const where = whereOf(surface);
    const run: Run = { outside: where.kind === 'terminal' || !where.threadTs, by: requester.userId, milestones: 0, queue: Promise.resolve() };
    this.#runs.set(command, run);
    const incident = await this.#attachedIncident(where);
    if (!incident) return;
    run.incidentId = incident.id;
    await this.store.appendTimeline(incident.id, { by: requester.userId, kind: 'command', text: formatCommand(command) });
  }

  onJobProgress(command: Command, jobId: string, event: JobProgress): Promise<void> {
    const run = this.#runs.get(command);
    const id = run?.incidentId;
    // Milestones only: a step starting or finishing, not its informational lines.
    if (!run || id === undefined || event.status === undefined || event.status === 'info') return Promise.resolve();
    if (++run.milestones > MAX_MILESTONES_PER_JOB) return Promise.resolve();
    const took = event.durationMs !== undefined && event.status !== 'running' ? ` (${formatMs(event.durationMs)})` : '';
    return this.#enqueue(run, id, {
      by: ACTOR_BUILDFIX,
      kind: 'job-progress',
      text: `${event.step} ${STATUS_MARK[event.status] ?? event.status} ${event.message}${took}`,
      data: { jobId, step: event.step, status: event.status },
    });
  }

  async onJobOutcome(command: Command, outcome: JobOutcome, requester: Requester, surface: ChatSurface): Promise<void> {
    const run = this.#runs.get(command);
    if (!run) return;
    this.#runs.delete(command);
    await run.queue;
    const result: NewTimelineEntry = {
      by: requester.userId,
      kind: 'job-result',
      text: describeJobOutcome(command, outcome),
      data: outcomeData(command, outcome),
    };
    if (run.incidentId !== undefined) {
      await this.store.appendTimeline(run.incidentId, result);
      await this.#settleRootCause(run.incidentId, problemOf(command, outcome), result.data?.live !== undefined, surface);
      return;
    }
    // incidents.autoOpen: unset means on in Slack (a channel's shared log), off in the terminal (one person's shell).
    if (!(this.#config.incidents?.autoOpen ?? !surface.localFiles)) return;
    const root = run.outside && command.kind === 'diagnose' ? problemOf(command, outcome) : undefined;
    if (!root || command.kind !== 'diagnose') return;
    await this.#openFromProblem(command, root, result, requester, surface);
  }

  /**
   * A diagnosis of the incident's repo finished. The root cause is its first error when none is recorded yet, or
   * when the log's classification left two causes open and the diagnosis found the other one (settle-cause.ts);
   * the alert is re-rendered so its first line says what the diagnosis settled.
   */
  async #settleRootCause(id: number, root: Finding | undefined, live: boolean, surface: ChatSurface): Promise<void> {
    const incident = await this.store.get(id);
    if (!incident) return;
    if (!root || !incident.rootCause) {
      if (root) return this.#refresh(await this.store.setRootCause(id, rootCauseOf(root), ACTOR_BUILDFIX));
      if (live) await this.#refresh(incident);
      return;
    }
    const timeline = await this.store.timeline(id);
    const classified = classifiedCauseOf(timeline);
    const settled = settleCause(classified, liveDiagnosesOf(timeline));
    // Only a root cause the log's classification recorded is replaced; one a diagnosis found stays.
    const fromLog = classified !== undefined && incident.rootCause.category === classified.category;
    if (settled?.basis === 'live' && settled.logSaid !== undefined && fromLog && settled.category === root.category) {
      const text = settlementSentence(settled);
      if (text) await surface.post({ kind: 'text', tone: 'info', text });
      return this.#refresh(await this.store.setRootCause(id, rootCauseOf(root), ACTOR_BUILDFIX));
    }
    await this.#refresh(incident);
  }

  /** A diagnose outside any thread found a problem: join the incident already open for the repo, or open one in the command's thread. */
  async #openFromProblem(
    command: Extract<Command, { kind: 'diagnose' }>,
    root: Finding,
    result: NewTimelineEntry,
    requester: Requester,
    surface: ChatSurface,
  ): Promise<void> {
    const where = whereOf(surface);
    const keys = this.#pipelineKeys(command);
    for (const key of keys) {
      const open = await this.store.findOpenByPipeline(key);
      if (!open) continue;
      await this.store.appendTimeline(open.id, { by: requester.userId, kind: 'command', text: formatCommand(command) });
      await this.store.appendTimeline(open.id, result);
      if (!open.rootCause) await this.store.setRootCause(open.id, rootCauseOf(root), ACTOR_BUILDFIX);
      await surface.post({ kind: 'text', tone: 'info', text: `Recorded in incident #${open.id} (${open.title}), which is already open for this.` });
      return;
    }
    const subject = [root.module, root.version].filter(Boolean).join(' ');
    const incident = await this.store.open({
      title: `${command.repo}: ${root.category}${subject ? ` ${subject}` : ''}`,
      by: requester.userId,
      source: { ci: 'manual', job: this.#config.repos[command.repo]?.job ?? command.repo },
      text: `incident opened: \`${formatCommand(command)}\` found ${root.category}${subject ? ` (${subject})` : ''}`,
      ...(keys[0] ? { pipelineKey: keys[0] } : {}),
      ...(where.kind === 'chat' ? { channel: where.channel } : {}),
      ...(where.kind === 'chat' && where.threadTs ? { threadTs: where.threadTs } : {}),
    });
    this.#log.info({ incident: incident.id, repo: command.repo, category: root.category }, 'a diagnosis found a problem: incident opened');
    await this.store.appendTimeline(incident.id, { by: requester.userId, kind: 'command', text: formatCommand(command) });
    await this.store.appendTimeline(incident.id, result);
    const identified = await this.store.setRootCause(incident.id, rootCauseOf(root), ACTOR_BUILDFIX);
    await this.#announceOpened(identified, surface, where);
  }

  /** The grouping keys a diagnose's problem belongs to: its own, then its repo's Jenkins job (a CI incident for the same build). */
  #pipelineKeys(command: Extract<Command, { kind: 'diagnose' }>): string[] {
    const job = command.job ?? (Object.hasOwn(this.#config.repos, command.repo) ? this.#config.repos[command.repo]?.job : undefined);
    return [`buildfix:diagnose:${command.repo}`, ...(job ? [`jenkins:${job}`] : [])];
  }

  async #attachedIncident(where: Where): Promise<Incident | undefined> {
    if (where.kind === 'chat') {
      if (!where.threadTs) return undefined;
      const incident = await this.store.findByThread(where.channel, where.threadTs);
      return incident && incident.status !== 'resolved' ? incident : undefined;
    }
    const open = await this.store.listOpen();
    return open.length === 1 ? open[0] : undefined;
  }

  #enqueue(run: Run, id: number, entry: NewTimelineEntry): Promise<void> {
    run.queue = run.queue
      .then(() => this.store.appendTimeline(id, entry))
      .catch((err: unknown) => this.#log.warn({ err, incident: id }, 'could not record a job milestone'));
    return run.queue;
  }
}

function whereOf(surface: ChatSurface): Where {
  const r = surface.replyTo;
  if (!r || typeof r.channel !== 'string') return { kind: 'terminal' };
  return { kind: 'chat', channel: r.channel, ...(typeof r.threadTs === 'string' && r.threadTs ? { threadTs: r.threadTs } : {}) };
}

function inThreadOf(incident: Incident, where: Where): boolean {
  return where.kind === 'chat' && where.threadTs !== undefined && incident.channel === where.channel && incident.threadTs === where.threadTs;
}

function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : formatDuration(ms);
}

/** The blocking finding a diagnose/modules report leads with, when it found a problem. */
export function problemOf(command: Command, outcome: JobOutcome): Finding | undefined {
  const report = reportOf(command, outcome);
  return report ? firstProblem(report) : undefined;
}

/** The report of a finished diagnose or modules job, when the outcome carries one. */
function reportOf(command: Command, outcome: JobOutcome): { ok: boolean; host?: string; findings: Finding[] } | undefined {
  if ((command.kind !== 'diagnose' && command.kind !== 'modules') || !outcome.ok) return undefined;
  const report = (outcome.result as Partial<DiagnoseJobResult> | undefined)?.report;
  if (!report || typeof report.ok !== 'boolean' || !Array.isArray(report.findings)) return undefined;
  return { ok: report.ok, findings: report.findings, ...(report.host ? { host: report.host } : {}) };
}

function rootCauseOf(f: Finding): RootCause {
  const subject = [f.module, f.version].filter(Boolean).join(' ');
  return { category: f.category, text: `${subject ? `${subject}: ` : ''}${f.message}${f.fix ? ` Fix: ${f.fix}` : ''}` };
}

/** What a job-result entry keeps: the job, where it ran, and (a CI alert's diagnosis) the agent the failing build ran on. */
function outcomeData(command: Command, outcome: JobOutcome): Record<string, unknown> {
  const d = drillOf(outcome);
  return {
    jobId: outcome.jobId,
    job: outcome.name,
    ok: outcome.ok,
    durationMs: outcome.durationMs,
    ...(outcome.host ? { host: outcome.host } : {}),
    ...(command.kind === 'diagnose' && command.agent ? { agent: command.agent } : {}),
    ...(d ? { drill: { passed: d.drill.passed, failed: d.drill.failures.slice(0, 20).map(moduleOf) } } : {}),
    ...liveOf(command, outcome),
  };
}

/** What a finished diagnose or modules job found, for settling the root cause (settle-cause.ts). */
function liveOf(command: Command, outcome: JobOutcome): { live?: Record<string, unknown> } {
  const report = reportOf(command, outcome);
  const live = report ? liveOfReport(report) : undefined;
  return live ? { live } : {};
}

/** A drill's result, when the outcome is one. */
function drillOf(outcome: JobOutcome): ModcacheDrillJobResult | undefined {
  if (!outcome.ok || outcome.name !== 'modcache-drill') return undefined;
  const r = outcome.result as Partial<ModcacheDrillJobResult> | undefined;
  return r?.drill && r.readiness && Array.isArray(r.drill.failures) ? (r as ModcacheDrillJobResult) : undefined;
}

function moduleOf(f: { path: string; version: string }): string {
  return f.version ? `${f.path}@${f.version}` : f.path;
}

/** "passed: …" or "FAILED on 2 modules (a@v1, b@v2)": what the drill proved, for the timeline. */
function describeDrill(r: ModcacheDrillJobResult): string {
  const cache = `module cache ${r.readiness.ready}/${r.readiness.total} ready, ${r.readiness.percent}%`;
  if (r.drill.passed) return `drill passed, the build survives a proxy outage (${cache})`;
  const failed = r.drill.failures.map(moduleOf);
  const which =
    failed.length > 0
      ? ` on ${failed.length} module${failed.length === 1 ? '' : 's'} (${failed.slice(0, 5).join(', ')}${failed.length > 5 ? ', …' : ''})`
      : r.drill.otherErrors[0]
        ? ` (${r.drill.otherErrors[0]})`
        : '';
  return `drill FAILED${which}: with the proxy down this build would break (${cache})`;
}

/** One line for the timeline: what ran, where, and what it found. */
export function describeJobOutcome(command: Command, outcome: JobOutcome): string {
  // "on <host>" says where it ran: the command's own --host is not repeated.
  const what = formatCommand(
    outcome.host && 'host' in command && command.kind !== 'hostcheck' && command.kind !== 'probe' ? { ...command, host: undefined } : command,
  );
  const where = outcome.host ? ` on ${outcome.host}` : '';
  const took = ` (${formatMs(outcome.durationMs)})`;
  if (!outcome.ok) return `${what} failed${where}: ${outcome.error.message}${took}`;
  const root = problemOf(command, outcome);
  if (root) {
    const subject = [root.module, root.version].filter(Boolean).join(' ');
    return `${what}${where}: root cause ${root.category}${subject ? ` (${subject})` : ''} — ${root.message}${root.fix ? ` Fix: ${root.fix}` : ''}${took}`;
  }
  const result = (outcome.result ?? {}) as {
    report?: { ok?: boolean; checks?: unknown[] };
    ok?: boolean;
    checks?: Array<{ status?: string; title?: string }>;
    exitCode?: number;
  };
  if (result.report) return `${what}${where}: no problem found${took}`;
  if (command.kind === 'drill') {
    const d = drillOf(outcome);
    if (d) return `${what}${where}: ${describeDrill(d)}${took}`;
  }
  if (Array.isArray(result.checks)) {
    const failed = result.checks.filter((c) => c.status === 'fail' || c.status === 'error');
    return failed.length === 0
      ? `${what}${where}: all ${result.checks.length} checks passed${took}`
      : `${what}${where}: ${failed.length} of ${result.checks.length} checks failed (${failed
          .slice(0, 3)
          .map((c) => c.title ?? '?')
          .join('; ')})${took}`;
  }
  if (typeof result.exitCode === 'number') return `${what}${where}: exit ${result.exitCode}${took}`;
  return `${what}${where}: done${took}`;
}

export function renderOpenList(open: readonly Incident[]): string {
  if (open.length === 0) return 'No open incidents.';
  const lines = open.map(
    (i) =>
      `#${i.id} ${i.status} · ${i.severity} · ${i.title}${reachOf(i)}${i.roles.commander ? ` · commander ${mentionUser(i.roles.commander)}` : ' · no commander'}`,
  );
  return `Open incidents (${open.length}):\n${lines.join('\n')}`;
}

/** " · 6 pipelines in 3 repos" for an incident grouped by cause across pipelines (blast-radius.ts). */
function reachOf(incident: Incident): string {
  const blast = describeBlast(incident);
  return blast && (incident.blast?.pipelines.length ?? 0) > 1 ? ` · ${blast.radius}` : '';
}

/** `incident log`: the timeline as lines (the first line says what it is). */
export function renderTimelineText(incident: Incident, timeline: readonly TimelineEntry[]): string {
  // Mentions only from stored user ids (src/chat/mentions.ts); the entry texts are shown as text.
  const text = (e: TimelineEntry): string =>
    e.kind === 'role' && typeof e.data?.user === 'string' && typeof e.data.role === 'string' ? `${e.data.role}: ${mentionUser(e.data.user)}` : e.text;
  const lines = timeline.map((e) => `${e.at.replace(/\.\d+Z$/, 'Z')}  ${mentionUser(e.by)}  ${e.kind}  ${text(e)}`);
  return [`Incident #${incident.id} (${incident.status}) timeline, ${timeline.length} entries:`, ...lines].join('\n');
}
