/**
 * Verify after fix (issue 16, item 4). After a remediation buildfix ran in an
 * incident's thread (restart, cache clear, rebuild, rollback) or a person
 * marked it fixed (`incident note fixed …`, the alert's Fixed button):
 *
 *   1. the check that found the cause runs again, on the same agent (the
 *      diagnosis command recorded in the timeline, or the category's live
 *      check: probe, hostcheck), and its result goes in the timeline at once;
 *      a re-check that still fails says so in the thread, and the incident
 *      stays open;
 *   2. the builds that follow are counted per affected pipeline: the rebuild
 *      or rollback buildfix triggered (followed through the Jenkins API by its
 *      job), and the next CI webhooks of each pipeline;
 *   3. once every re-check passed and every pipeline has
 *      `incidents.verify.greenBuilds` green builds, Resolve is offered in the
 *      thread, or (incidents.verify.autoResolve) the incident is resolved and
 *      archived by buildfix, the report saying how the fix was verified.
 *
 * The state lives with the incident (fix-verification-state.ts; both stores),
 * written with a compare-and-set, so several serve replicas and a restart in
 * between carry on from the same record. Transport-free: what is said goes
 * through a VerificationOutput (Slack thread or terminal), re-checks through a
 * RunCheck (the command router's runJob).
 */
import type { ChatSurface } from '../chat/chat-surface.ts';
import { parseCommand, type Command } from '../chat/parse-command.ts';
import { formatCommand } from '../chat/remediations.ts';
import type { Config } from '../config/load-config.ts';
import { userMessage } from '../errors.ts';
import type { JobOutcome } from '../jobs/job-types.ts';
import type { Logger } from '../logger.ts';
import { markdownToTerminal } from '../render/terminal-markdown.ts';
import type { Category } from '../report/model.ts';
import { liveChecksFor } from './category-checks.ts';
import { repoForPipeline } from './ci-diagnosis.ts';
import {
  describeVerification,
  expireChecks,
  followedNote,
  greenCount,
  isActive,
  jenkinsVerificationBuild,
  markResolution,
  recordBuild,
  recordCheck,
  startVerification,
  type FixVerification,
  type VerificationBuild,
  type VerificationTrigger,
} from './fix-verification-state.ts';
import { problemOf, type IncidentAnnouncer } from './incident-service.ts';
import type { IncidentStore, NewTimelineEntry } from './incident-store.ts';
import { ACTOR_BUILDFIX, type Incident, type TimelineEntry } from './incident-types.ts';
import { renderIncidentReport } from './render-incident-report.ts';

export type Tone = 'info' | 'warning' | 'success' | 'error';

/** Where verification speaks: the incident's Slack thread, or the terminal. */
export interface VerificationOutput {
  say(incident: Incident, text: string, tone: Tone): Promise<void>;
  /** The fix is verified: offer Resolve (a button in Slack, the command in a terminal). */
  offerResolve(incident: Incident, text: string): Promise<void>;
  /** buildfix resolved it (autoResolve): archive it, or print its report. */
  resolved(incident: Incident, timeline: TimelineEntry[]): Promise<void>;
  /** The verification's state changed: refresh what shows it (the CI alert). */
  refresh?(incident: Incident): Promise<void>;
}

/** Runs one re-check command as a job, its status and result shown where the output speaks. */
export type RunCheck = (command: Command) => Promise<JobOutcome>;

export interface VerifyConfig {
  greenBuilds: number;
  autoResolve: boolean;
}

export interface FixVerifierOptions {
  store: IncidentStore;
  config: Pick<Config, 'repos'> & { incidents?: { verify?: VerifyConfig | undefined } };
  logger: Logger;
  now?: () => Date;
}

/** Commands that fix something: each starts a verification when it succeeds in an incident's thread. */
export const REMEDIATION_KINDS: ReadonlySet<Command['kind']> = new Set(['restart', 'cache-clear', 'rebuild', 'rollback']);

/** `incident note fixed …`: a person says the fix is in. */
export function isFixedNote(text: string): boolean {
  return /^fixed\b/i.test(text.trim());
}

const CI_PIPELINE = /^(jenkins|github|gitlab):/;
const MAX_WRITE_ATTEMPTS = 12;
/** A re-check running longer than the router waits for any job (30 min) has lost its runner. */
const STALE_CHECK_MS = 35 * 60_000;

export class FixVerifier {
  readonly #store: IncidentStore;
  readonly #config: FixVerifierOptions['config'];
  readonly #log: Logger;
  readonly #now: () => Date;

  constructor(options: FixVerifierOptions) {
    this.#store = options.store;
    this.#config = options.config;
    this.#log = options.logger.child({ component: 'fix-verification' });
    this.#now = options.now ?? (() => new Date());
  }

  #settings(): VerifyConfig {
    return { greenBuilds: 1, autoResolve: false, ...this.#config.incidents?.verify };
  }

  /** The trigger a successful remediation command stands for; undefined for any other command. */
  triggerFor(command: Command, outcome: JobOutcome, by: string): VerificationTrigger | undefined {
    if (!REMEDIATION_KINDS.has(command.kind) || !outcome.ok) return undefined;
    const text = formatCommand(command);
    switch (command.kind) {
      case 'restart':
        return { kind: 'restart', text, by, agent: agentOf(outcome) ?? command.agent };
      case 'cache-clear':
        return { kind: 'cache-clear', text, by, agent: command.agent };
      case 'rebuild':
        return { kind: 'rebuild', text, by, job: command.job };
      case 'rollback':
        return { kind: 'rollback', text, by, job: command.job };
      default:
        return undefined;
    }
  }

  /**
   * A remediation succeeded in the incident's thread. A rebuild or rollback while a fix is already
   * being verified is that fix's build (counted there); anything else is a new fix to verify.
   */
  async afterRemediation(
    incident: Incident,
    trigger: VerificationTrigger,
    io: { output: VerificationOutput; runCheck?: RunCheck; build?: VerificationBuild },
  ): Promise<void> {
    const v = incident.verification;
    if ((trigger.kind === 'rebuild' || trigger.kind === 'rollback') && io.build && isActive(v)) {
      await this.recordBuild(incident, io.build, io.output);
      return;
    }
    await this.start(incident, trigger, io);
  }

  /**
   * Starts verifying the latest fix: records it, runs the re-checks (when a runner is given),
   * counts the build a rebuild/rollback followed, and concludes when it can.
   */
  async start(
    incident: Incident,
    trigger: VerificationTrigger,
    io: { output: VerificationOutput; runCheck?: RunCheck; build?: VerificationBuild },
  ): Promise<void> {
    if (incident.status === 'resolved') return;
    const timeline = await this.#store.timeline(incident.id);
    const settings = this.#settings();
    const checks = io.runCheck ? recheckCommands(incident, trigger, timeline, this.#config) : [];
    const pipelines = affectedPipelines(incident, timeline, trigger);
    if (checks.length === 0 && pipelines.length === 0) {
      await io.output.say(
        incident,
        `Nothing to verify automatically for incident #${incident.id}: no check is known for its cause and no CI pipeline is attached to it. \`incident resolve\` closes it when you are sure.`,
        'info',
      );
      return;
    }
    const at = this.#stamp();
    const started = await this.#write(incident.id, (current) => {
      const next = startVerification(current, {
        trigger,
        at,
        greenBuilds: settings.greenBuilds,
        autoResolve: settings.autoResolve,
        pipelines,
        checks: checks.map((c) => ({ command: withoutHost(c), ...(hostOf(c) ? { host: hostOf(c) } : {}) })),
      });
      return { next, entries: [entry(`verification #${next.run} started${planText(next)}`, { run: next.run, state: next.state, trigger: trigger.kind })] };
    });
    if (!started) return;
    const { run } = started.after;
    this.#log.info({ incident: incident.id, run, trigger: trigger.kind, checks: checks.length, pipelines }, 'fix verification started');
    await refresh(io.output, started.incident);
    await io.output.say(started.incident, `🔎 Verifying the fix (${trigger.text})${planText(started.after)}.`, 'info');

    let current = started.after;
    if (io.build) {
      const counted = await this.#recordBuild(incident.id, run, io.build, io.output);
      if (counted) current = counted;
    }
    for (let i = 0; i < checks.length && io.runCheck; i++) {
      if (current.state === 'failed') break;
      const command = checks[i] as Command;
      let outcome: JobOutcome | undefined;
      let error: string | undefined;
      try {
        outcome = await io.runCheck(command);
      } catch (err) {
        error = userMessage(err);
      }
      const result = outcome ? judgeCheck(command, outcome) : { status: 'error' as const, text: error ?? 'no result' };
      const finished = await this.#write(incident.id, (v) => {
        if (!v || v.run !== run) return undefined;
        // Where it ran (the worker's host), which is not the planned host when that agent's worker was not running.
        const planned = v.checks[i]?.host;
        const next = recordCheck(v, i, { ...result, at: this.#stamp(), host: outcome?.host });
        const c = next.checks[i];
        const word = result.status === 'pass' ? 'passed' : result.status === 'fail' ? 'still fails' : 'could not run';
        const moved = planned && c?.host && c.host !== planned ? ` instead of ${planned}` : '';
        return {
          next,
          entries: [
            entry(`re-check \`${c?.command ?? withoutHost(command)}\`${c?.host ? ` on ${c.host}` : ''}${moved} ${word}: ${result.text}`, {
              run,
              check: i,
              status: result.status,
              state: next.state,
            }),
          ],
        };
      });
      if (!finished) return;
      current = finished.after;
      if (result.status !== 'pass') {
        await refresh(io.output, finished.incident);
        await io.output.say(
          finished.incident,
          `❌ The fix is not verified: ${current.failure ?? result.text}. Incident #${incident.id} stays open; after the next fix, \`incident note fixed\` verifies again.`,
          'error',
        );
        return;
      }
    }
    if (checks.length > 0 && current.state !== 'failed') await io.output.say(started.incident, progressText(current, 'The re-check passes'), 'success');
    await this.#conclude(incident.id, run, io.output);
  }

  /**
   * A build of `build.pipeline` finished while `incident` verifies a fix: counted, said, concluded.
   * Returns false when no verification is collecting builds (the caller does what it did before).
   */
  async recordBuild(incident: Incident, build: VerificationBuild, output: VerificationOutput): Promise<boolean> {
    const v = incident.verification;
    // Verified and Resolve already offered: a later green build adds nothing (and offers nothing twice).
    if (v?.state === 'verified' && v.resolution !== undefined && incident.status !== 'resolved') return true;
    if (!isActive(v) || incident.status === 'resolved') return false;
    // A build reported before the fix says nothing about it (the webhook's arrival stands for the build's end).
    if (build.at < v.startedAt) return false;
    const after = await this.#recordBuild(incident.id, v.run, build, output);
    if (!after) return true;
    await this.#conclude(incident.id, v.run, output);
    return true;
  }

  async #recordBuild(id: number, run: number, build: VerificationBuild, output: VerificationOutput): Promise<FixVerification | undefined> {
    const written = await this.#write(id, (v) => {
      if (!v || v.run !== run || !isActive(v)) return undefined;
      const next = recordBuild(expireChecks(v, build.at, STALE_CHECK_MS), build);
      if (next === v) return undefined;
      const count = `${greenCount(next, build.pipeline)} of ${next.greenBuilds} green build${next.greenBuilds === 1 ? '' : 's'}`;
      return {
        next,
        entries: [
          entry(`${build.label} ${build.status}${followedNote(build)}: ${build.ok ? count : 'failed after the fix'}`, {
            run,
            pipeline: build.pipeline,
            ...(build.number !== undefined ? { buildNumber: build.number } : {}),
            ok: build.ok,
            state: next.state,
          }),
        ],
      };
    });
    if (!written) return undefined;
    const v = written.after;
    if (v.state === 'failed' || v.state === 'verified') await refresh(output, written.incident);
    if (v.state === 'failed')
      await output.say(
        written.incident,
        `❌ The fix is not verified: ${v.failure ?? `${build.label} failed`}. Incident #${id} stays open; after the next fix, \`incident note fixed\` verifies again.`,
        'error',
      );
    else if (v.state !== 'verified') await output.say(written.incident, progressText(v, `${build.label} ${build.status}`), 'info');
    return v;
  }

  /** Verified and not yet acted on: offer Resolve, or resolve (only the writer that marks it does, once). */
  async #conclude(id: number, run: number, output: VerificationOutput): Promise<void> {
    const marked = await this.#write(id, (v) => {
      if (!v || v.run !== run || v.state !== 'verified' || v.resolution) return undefined;
      const resolution = v.autoResolve ? 'resolved' : 'offered';
      return { next: markResolution(v, resolution), entries: [entry(`fix verified: ${describeVerification(v)}`, { run, state: 'verified', resolution })] };
    });
    if (!marked) return;
    const how = describeVerification(marked.after);
    this.#log.info({ incident: id, run, resolution: marked.after.resolution }, 'fix verified');
    if (marked.after.resolution === 'resolved') {
      const { incident, alreadyResolved } = await this.#store.resolve(id, { by: ACTOR_BUILDFIX, summary: `Fix verified and resolved by buildfix: ${how}` });
      if (alreadyResolved) return;
      await output.say(incident, `✅ Fix verified: ${how}. Incident #${id} resolved by buildfix (incidents.verify.autoResolve).`, 'success');
      await output.resolved(incident, await this.#store.timeline(id));
      return;
    }
    await output.offerResolve(marked.incident, `Fix verified: ${how}`);
  }

  /** Read, change, compare-and-set; retried when another writer came first. */
  async #write(
    id: number,
    change: (current: FixVerification | undefined) => { next: FixVerification; entries: NewTimelineEntry[] } | undefined,
  ): Promise<{ incident: Incident; after: FixVerification } | undefined> {
    for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
      const incident = await this.#store.get(id);
      if (!incident) return undefined;
      const planned = change(incident.verification);
      if (!planned) return undefined;
      const saved = await this.#store.saveVerification(id, planned.next, incident.verification?.rev ?? 0, planned.entries);
      if (saved) return { incident: saved, after: planned.next };
    }
    this.#log.warn({ incident: id }, 'fix verification: gave up writing after repeated concurrent changes');
    return undefined;
  }

  #stamp(): string {
    return this.#now().toISOString();
  }
}

async function refresh(output: VerificationOutput, incident: Incident): Promise<void> {
  await output.refresh?.(incident).catch(() => undefined);
}

function entry(text: string, data: Record<string, unknown>): NewTimelineEntry {
  return { by: ACTOR_BUILDFIX, kind: 'verify', text, data };
}

/** The command as typed, less its --host (said as "on <host>"). */
function withoutHost(command: Command): string {
  if (command.kind !== 'diagnose' && command.kind !== 'modules') return formatCommand(command);
  if (command.host === undefined) return formatCommand(command);
  const { host: _host, ...rest } = command;
  return formatCommand(rest as Command);
}

function hostOf(command: Command): string | undefined {
  // probe and hostcheck name their host in the command itself.
  return (command.kind === 'diagnose' || command.kind === 'modules') && typeof command.host === 'string' ? command.host : undefined;
}

function agentOf(outcome: JobOutcome): string | undefined {
  if (!outcome.ok) return undefined;
  const agent = (outcome.result as { agent?: unknown } | undefined)?.agent;
  return typeof agent === 'string' ? agent : undefined;
}

function pipelineLabel(key: string): string {
  return key.replace(CI_PIPELINE, '');
}

/** "then waiting for 1 green build of payments/main" — what the run will look at. */
function planText(v: FixVerification): string {
  const parts: string[] = [];
  if (v.checks.length > 0) parts.push(`re-running ${v.checks.map((c) => `\`${c.command}\`${c.host ? ` on ${c.host}` : ''}`).join(', ')}`);
  if (v.pipelines.length > 0)
    parts.push(
      `${parts.length ? 'then ' : ''}waiting for ${v.greenBuilds} green build${v.greenBuilds === 1 ? '' : 's'} of ${v.pipelines.map(pipelineLabel).join(', ')}`,
    );
  return parts.length > 0 ? `: ${parts.join(', ')}` : ': nothing to re-check and no CI pipeline to follow';
}

/** "The re-check passes; payments/main: 0 of 1 green builds so far." */
function progressText(v: FixVerification, lead: string): string {
  const missing = v.pipelines.filter((p) => greenCount(v, p) < v.greenBuilds);
  if (missing.length === 0) return `${lead}.`;
  return `${lead}; waiting for green builds: ${missing.map((p) => `${pipelineLabel(p)} ${greenCount(v, p)} of ${v.greenBuilds}`).join(', ')}.`;
}

/** Pass, fail or error for one re-check job. */
export function judgeCheck(command: Command, outcome: JobOutcome): { status: 'pass' | 'fail' | 'error'; text: string } {
  if (!outcome.ok) return { status: 'error', text: outcome.error.message };
  const problem = problemOf(command, outcome);
  if (problem) {
    const subject = [problem.module, problem.version].filter(Boolean).join(' ');
    return { status: 'fail', text: `${problem.category}${subject ? ` (${subject})` : ''} — ${problem.message}` };
  }
  const checks = (outcome.result as { checks?: Array<{ status?: string; title?: string }> } | undefined)?.checks;
  if (Array.isArray(checks)) {
    const failed = checks.filter((c) => c.status === 'fail' || c.status === 'error');
    if (failed.length > 0)
      return {
        status: 'fail',
        text: `${failed.length} of ${checks.length} checks failed (${failed
          .slice(0, 3)
          .map((c) => c.title ?? '?')
          .join('; ')})`,
      };
    return { status: 'pass', text: `all ${checks.length} checks pass` };
  }
  return { status: 'pass', text: 'no problem found' };
}

/**
 * The checks to run again, on the agent the fix touched (else the failing build's agent, else the
 * one the diagnosis ran on; the runner moves them when that agent's worker is not running):
 * the live check the cause's category calls for (probe, hostcheck) and the diagnosis
 * command recorded in the timeline (or the pipeline's repo diagnosis).
 */
export function recheckCommands(
  incident: Incident,
  trigger: VerificationTrigger,
  timeline: readonly TimelineEntry[],
  config: Pick<Config, 'repos'>,
): Command[] {
  const diagnoses = [...timeline].reverse().filter((e) => e.kind === 'job-result' && e.data?.job === 'diagnose');
  // The agent the failing build ran on (a CI alert's diagnosis records it), else the host the diagnosis ran on.
  const failedOn = diagnoses.find((e) => typeof e.data?.agent === 'string')?.data?.agent;
  const ranOn = diagnoses.find((e) => typeof e.data?.host === 'string')?.data?.host;
  const agent = trigger.agent ?? (typeof failedOn === 'string' ? failedOn : typeof ranOn === 'string' ? ranOn : undefined);
  const typed = [...timeline]
    .reverse()
    .filter((e) => e.kind === 'command')
    .map((e) => {
      try {
        return parseCommand(e.text);
      } catch {
        return undefined;
      }
    })
    .find((c): c is Extract<Command, { kind: 'diagnose' }> => c?.kind === 'diagnose');
  const repo = typed?.repo ?? repoForPipeline(incident.pipelineKey, config);
  const out: Command[] = [];
  const category = incident.rootCause?.category;
  const live = category ? liveChecksFor({ category: category as Category, ecosystem: 'go' }) : [{ kind: 'diagnose' as const, deep: false, why: '' }];
  for (const check of live) {
    if (check.kind === 'probe') out.push({ kind: 'probe', ...(agent ? { host: agent } : {}) });
    else if (check.kind === 'hostcheck' && agent) out.push({ kind: 'hostcheck', host: agent });
    else if (check.kind === 'diagnose' && repo)
      out.push({ kind: 'diagnose', repo, ...(check.deep || typed?.deep ? { deep: true } : {}), ...(agent ? { host: agent } : {}) });
  }
  if (out.length === 0 && agent && (trigger.kind === 'restart' || trigger.kind === 'cache-clear')) out.push({ kind: 'hostcheck', host: agent });
  return out;
}

/** The CI pipelines the fix must turn green: the incident's own, those grouped into it (blast radius), the job a rebuild or rollback built. */
export function affectedPipelines(incident: Incident, timeline: readonly TimelineEntry[], trigger: VerificationTrigger): string[] {
  const keys = new Set<string>();
  if (incident.pipelineKey && CI_PIPELINE.test(incident.pipelineKey)) keys.add(incident.pipelineKey);
  // One incident per cause: every pipeline grouped into it (its blast radius) must pass.
  for (const key of incident.blast?.pipelines ?? []) if (CI_PIPELINE.test(key)) keys.add(key);
  // Beyond the blast radius's cap of names, the pipelines of the failures grouped in (their timeline entries' `pipeline`).
  for (const e of timeline) {
    const key = e.kind === 'ci-event' ? e.data?.pipeline : undefined;
    if (typeof key === 'string' && CI_PIPELINE.test(key)) keys.add(key);
  }
  if ((trigger.kind === 'rebuild' || trigger.kind === 'rollback') && trigger.job) keys.add(`jenkins:${trigger.job}`);
  return [...keys];
}

/** The build a rebuild or rollback job followed to its result (queue item → build → result). */
export function followedBuild(outcome: JobOutcome, at: string): VerificationBuild | undefined {
  if (!outcome.ok) return undefined;
  const build = (outcome.result as { build?: { job?: unknown; number?: unknown; url?: unknown; result?: unknown } } | undefined)?.build;
  if (!build || typeof build.job !== 'string' || typeof build.number !== 'number' || typeof build.result !== 'string') return undefined;
  return jenkinsVerificationBuild(
    { job: build.job, number: build.number, result: build.result, url: typeof build.url === 'string' ? build.url : undefined },
    at,
  );
}

/**
 * Output through a chat surface, and the announcer when the front has one (Slack: the
 * incident's thread, a Resolve button, the archive channel); plain text otherwise.
 */
export function surfaceOutput(surface: ChatSurface, announcer: IncidentAnnouncer | undefined): VerificationOutput {
  const threaded = (incident: Incident): boolean => announcer !== undefined && incident.channel !== undefined && incident.threadTs !== undefined;
  return {
    async say(incident, text, tone) {
      if (threaded(incident) && announcer) await announcer.postInThread(incident, text);
      // A plain surface marks the tone itself (✓, ✗): no second mark.
      else await surface.post({ kind: 'text', tone, text: text.replace(/^(?:❌|✅|🔎)\s*/u, '') });
    },
    async offerResolve(incident, text) {
      if (threaded(incident) && announcer?.offerResolve) await announcer.offerResolve(incident, text);
      else await surface.post({ kind: 'text', tone: 'success', text: `✅ ${text}.\n\`incident resolve\` closes incident #${incident.id}.` });
    },
    async refresh(incident) {
      await announcer?.refresh(incident);
    },
    async resolved(incident, timeline) {
      if (threaded(incident) && announcer) {
        await announcer.archive(incident, timeline, ACTOR_BUILDFIX);
        return;
      }
      const report = renderIncidentReport(incident, timeline, 'md');
      await surface.post({ kind: 'text', tone: 'success', text: `Its report:\n${surface.localFiles ? markdownToTerminal(report) : report}` });
    },
  };
}
