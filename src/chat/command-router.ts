/**
 * The command router shared by every chat front (Slack, the terminal shell):
 * parse → check names against the config → check permission → confirm
 * anything with side effects → run it as a job → stream progress into one
 * status message → post the result. It never runs a process itself.
 */
import type { Config } from '../config/load-config.ts';
import { PREFLIGHT_DEFAULTS } from '../config/preflight-schema.ts';
import { BuildfixError, CancelledError, isBuildfixError, isCancelled, userMessage } from '../errors.ts';
import type { Dispatcher } from '../jobs/dispatcher.ts';
import type { JobName, JobPayloadInput } from '../jobs/catalogue.ts';
import { describeKeyChange } from '../changes/env-change.ts';
import type { EnvHistoryJobResult, EnvSnapshotJobResult } from '../jobs/job-results.ts';
import type { JobOutcome, JobProgress } from '../jobs/job-types.ts';
import { prepareSubmission } from '../jobs/prepare-submission.ts';
import { defaultHostName } from '../jobs/queue-names.ts';
import { findAgent, classifyRepoRef } from '../jobs/validate-names.ts';
import type { Logger } from '../logger.ts';
import { metrics } from '../metrics/metrics.ts';
import type { PreflightResult } from '../preflight/types.ts';
import type { ChatMessage, ChatSurface, MessageHandle, ProgressLine, Requester } from './chat-surface.ts';
import { diffEnvironments } from './env-diff.ts';
import { parseCommand, renderHelp, type Command } from './parse-command.ts';
import { describeAllowed, guardedActionOf, isAllowed, needsConfirmation } from './permissions.ts';

export interface CommandRouterOptions {
  config: Config;
  dispatcher: Dispatcher;
  logger: Logger;
  /** Extra command handlers plugged in by later features (Jenkins, incidents). */
  extensions?: Partial<Record<Command['kind'], CommandExtension>>;
  /** Checks an extension runs before the confirmation is asked (names, configuration): throw a UsageError to refuse. */
  validators?: Partial<Record<Command['kind'], CommandValidator>>;
  /** Max wait for one job's outcome before the router reports it still running. */
  jobWaitMs?: number;
  observers?: RouterObserver[];
  /** The latest pre-flight result per agent, check and repo (src/preflight), shown by `status`. */
  preflightResults?: () => Promise<PreflightResult[]>;
  /** Lines for the posts Slack was given up on, newest first (as `buildfix status` prints them), shown by `status`. */
  undeliveredPosts?: () => Promise<string[]>;
}

/** Throws (UsageError) when the command cannot run with this configuration. */
export type CommandValidator = (command: Command) => void;

export type CommandExtension = (command: Command, requester: Requester, surface: ChatSurface, router: CommandRouter) => Promise<void>;

/** Hooks for features that watch commands (the incident timeline). Errors in observers are logged, never surfaced. */
export interface RouterObserver {
  onCommand?(command: Command, requester: Requester, surface: ChatSurface): Promise<void> | void;
  onJobProgress?(command: Command, jobId: string, event: JobProgress, surface: ChatSurface): Promise<void> | void;
  onJobOutcome?(command: Command, outcome: JobOutcome, requester: Requester, surface: ChatSurface): Promise<void> | void;
}

interface JobPlan {
  name: JobName;
  payload: Record<string, unknown>;
  host?: string;
  title: string;
  /** false: run it even when the same job ran moments ago (a re-check after a fix must not reuse the earlier result). */
  dedup?: boolean;
}

export class CommandRouter {
  readonly config: Config;
  readonly dispatcher: Dispatcher;
  readonly logger: Logger;
  #extensions: Partial<Record<Command['kind'], CommandExtension>>;
  #validators: Partial<Record<Command['kind'], CommandValidator>>;
  #jobWaitMs: number;
  #observers: RouterObserver[];

  constructor(options: CommandRouterOptions) {
    this.config = options.config;
    this.dispatcher = options.dispatcher;
    this.logger = options.logger;
    this.#extensions = options.extensions ?? {};
    this.#validators = options.validators ?? {};
    this.#jobWaitMs = options.jobWaitMs ?? 30 * 60_000;
    this.#observers = options.observers ?? [];
    this.#preflightResults = options.preflightResults;
    this.#undeliveredPosts = options.undeliveredPosts;
  }

  readonly #preflightResults: (() => Promise<PreflightResult[]>) | undefined;
  readonly #undeliveredPosts: (() => Promise<string[]>) | undefined;

  /** `status`: workers and queues, and the latest pre-flight results when pre-flight is available here. */
  async clusterStatus(): Promise<ChatMessage> {
    const [status, preflight, undelivered] = await Promise.all([
      this.dispatcher.status(),
      this.#preflightResults?.().catch((err: unknown) => {
        this.logger.warn({ err }, 'could not read the pre-flight results');
        return undefined;
      }),
      this.#undeliveredPosts?.().catch((err: unknown) => {
        this.logger.warn({ err }, 'could not read the undelivered Slack posts');
        return undefined;
      }),
    ]);
    const drillMaxAgeDays = this.config.preflight?.drillMaxAgeDays ?? PREFLIGHT_DEFAULTS.drillMaxAgeDays;
    return {
      kind: 'cluster-status',
      status,
      ...(preflight ? { preflight, drillMaxAgeDays } : {}),
      ...(undelivered && undelivered.length > 0 ? { undelivered } : {}),
    };
  }

  /** Tells every observer; an observer's failure never breaks the command. */
  async notify<K extends keyof RouterObserver>(hook: K, ...args: Parameters<NonNullable<RouterObserver[K]>>): Promise<void> {
    for (const o of this.#observers) {
      const fn = o[hook] as ((...a: unknown[]) => Promise<void> | void) | undefined;
      if (!fn) continue;
      try {
        await fn.apply(o, args);
      } catch (err) {
        this.logger.warn({ err, hook }, 'router observer failed');
      }
    }
  }

  /** Entry point for typed text ("/buildfix diagnose payments", "diagnose payments"). */
  async handle(text: string, requester: Requester, surface: ChatSurface): Promise<void> {
    let command: Command;
    try {
      command = parseCommand(text);
    } catch (err) {
      metrics.commandFinished('unparsed', 'usage');
      await surface.whisper({ kind: 'help', text: userMessage(err) });
      return;
    }
    await this.dispatch(command, requester, surface, { confirmed: false });
  }

  /** Runs a parsed command; `confirmed` is true when it comes from a confirm button or prompt. */
  async dispatch(command: Command, requester: Requester, surface: ChatSurface, options: { confirmed: boolean }): Promise<void> {
    const log = this.logger.child({ command: command.kind, user: requester.userId });
    try {
      this.checkNames(command, surface);
      const action = guardedActionOf(command);
      if (action && !isAllowed(this.config, action, requester)) {
        log.info({ action }, 'command refused: no permission');
        metrics.commandFinished(command.kind, 'refused');
        await surface.whisper({ kind: 'text', tone: 'error', text: `You may not ${action} here. Who may: ${describeAllowed(this.config, action)}.` });
        return;
      }
      if (needsConfirmation(command) && !options.confirmed) {
        // Only what can run is offered: every check that could refuse it happens before the question.
        this.checkRunnable(command);
        const prompt = confirmPrompt(command, this.config);
        const answer = await surface.askConfirmation(prompt);
        if (answer === undefined) {
          await surface.post({ kind: 'confirm', command, prompt, actionLabel: actionLabel(command), requestedBy: requester.userId });
          metrics.commandFinished(command.kind, 'confirm_requested');
          return;
        }
        if (!answer) {
          metrics.commandFinished(command.kind, 'cancelled');
          await surface.whisper({ kind: 'text', tone: 'info', text: 'Cancelled; nothing was done.' });
          return;
        }
      }
      log.info({ confirmed: options.confirmed }, 'running command');
      await this.notify('onCommand', command, requester, surface);
      await this.run(command, requester, surface);
      metrics.commandFinished(command.kind, 'ok');
    } catch (err) {
      if (isCancelled(err) || surface.signal?.aborted) {
        // The front that cancelled says so (once); nothing of the stopped command is reported.
        metrics.commandFinished(command.kind, 'cancelled');
        return;
      }
      if (isBuildfixError(err) && (err.code === 'BF_USAGE' || err.code === 'BF_PERMISSION' || err.code === 'BF_TARGET' || err.code === 'BF_INPUT')) {
        metrics.commandFinished(command.kind, 'rejected');
        await surface.whisper({ kind: 'text', tone: 'error', text: userMessage(err) });
        return;
      }
      metrics.commandFinished(command.kind, 'failed');
      log.error({ err }, 'command failed');
      await surface.post({ kind: 'text', tone: 'error', text: `${command.kind} failed: ${userMessage(err)}` }).catch(() => undefined);
    }
  }

  /**
   * Refuses (BF_USAGE) a command with side effects that would be refused after
   * the confirmation: a missing Jenkins, an unknown job or agent, a job for a
   * host no worker serves. Buttons and prompts are offered only when this passes.
   */
  checkRunnable(command: Command): void {
    const validate = this.#validators[command.kind];
    if (validate) return validate(command);
    if ((command.kind === 'rebuild' || command.kind === 'rollback') && !this.#extensions[command.kind]) {
      throw new BuildfixError(
        'BF_USAGE',
        `\`${command.kind}\` needs Jenkins (set JENKINS_URL, JENKINS_USER, JENKINS_API_TOKEN), which is not configured here.`,
      );
    }
    if (this.#extensions[command.kind]) return;
    let plan: JobPlan | undefined;
    if (command.kind === 'restart') plan = { name: 'restart-agent', payload: { agent: command.agent, reason: 'check' }, title: '' };
    else if (command.kind === 'cache-clear' || command.kind === 'cache-warm' || command.kind === 'drill') plan = this.planJob(command);
    if (!plan) return;
    const localHost = defaultHostName(this.config.host);
    // As the dispatcher will check it: an in-process one acts on this host only; BullMQ routes to the agent's own worker.
    const inProcess = this.dispatcher.kind === 'in-process';
    const prepared = prepareSubmission(plan.name, plan.payload, plan.host ? { host: plan.host } : {}, {
      config: this.config,
      localHost: inProcess ? localHost : undefined,
    });
    if (inProcess && prepared.host !== undefined && prepared.host !== localHost) {
      throw new BuildfixError('BF_USAGE', `jobs run in-process on "${localHost}" (REDIS_URL is not set): there is no worker for "${prepared.host}"`);
    }
  }

  /** Names must be ones the config knows (or, in a terminal, local paths and URLs). */
  checkNames(command: Command, surface: ChatSurface): void {
    const agents = Object.keys(this.config.agents);
    const agent = (name: string | undefined): void => {
      if (name === undefined) return;
      if (agents.length > 0 && !findAgent(this.config, name)) {
        throw new BuildfixError('BF_USAGE', `"${name}" is not a configured agent. Known agents: ${agents.join(', ')}`);
      }
      if (agents.length === 0 && this.dispatcher.kind === 'in-process' && name !== this.config.host) {
        throw new BuildfixError('BF_USAGE', `no agents are configured; jobs run on this machine ("${this.config.host}") only`);
      }
    };
    const repo = (name: string): void => {
      const kind = classifyRepoRef(name, this.config);
      const ok = surface.localFiles ? kind !== undefined : kind === 'repo-name' || kind === 'owner-repo';
      if (!ok) {
        const known = Object.keys(this.config.repos);
        throw new BuildfixError(
          'BF_USAGE',
          `"${name}" is not a configured repo${surface.localFiles ? ', a path or a git URL' : ' or owner/repo'}. Known repos: ${known.length ? known.join(', ') : '(none configured)'}`,
        );
      }
    };
    switch (command.kind) {
      case 'diagnose':
        repo(command.repo);
        agent(command.host);
        break;
      case 'modules':
        repo(command.repo);
        agent(command.host);
        break;
      case 'probe':
        agent(command.host);
        break;
      case 'hostcheck':
        agent(command.host);
        break;
      case 'envdiff':
        command.hosts.forEach(agent);
        break;
      case 'restart':
        // With Jenkins and no agent list, any Jenkins node may be restarted (Jenkins checks it exists).
        if (!(this.config.env.JENKINS_URL && agents.length === 0)) agent(command.agent);
        break;
      case 'cache-clear':
        agent(command.agent);
        break;
      case 'cache-warm':
        agent(command.agent);
        repo(command.repo);
        break;
      case 'drill':
      case 'health':
        repo(command.repo);
        agent(command.host);
        break;
      case 'explain':
        if (!surface.localFiles)
          throw new BuildfixError('BF_USAGE', '`explain` reads a local log file: use it in `buildfix shell` or as `buildfix explain <file>`');
        break;
      default:
        break;
    }
  }

  async run(command: Command, requester: Requester, surface: ChatSurface): Promise<void> {
    const extension = this.#extensions[command.kind];
    if (extension) return extension(command, requester, surface, this);
    switch (command.kind) {
      case 'help':
        await surface.whisper({ kind: 'help', text: renderHelp(command.topic) });
        return;
      case 'status':
        await surface.post(await this.clusterStatus());
        return;
      case 'envdiff':
        if (command.since !== undefined && command.hosts[0] !== undefined) await this.runEnvDiffSince(command.hosts[0], command.since, requester, surface);
        else await this.runEnvDiff(command.hosts, requester, surface);
        return;
      case 'explain': {
        const { readFile } = await import('node:fs/promises');
        const { classifyLog, isProbablyBinary } = await import('../classify/classify-log.ts');
        let buf: Buffer;
        try {
          buf = await readFile(command.file);
        } catch (err) {
          throw new BuildfixError('BF_INPUT', `${command.file}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
        }
        if (isProbablyBinary(buf)) throw new BuildfixError('BF_INPUT', `${command.file} looks like a binary file, not a build log`);
        await surface.post({ kind: 'explanation', classification: classifyLog(buf.toString('utf8')), source: command.file });
        return;
      }
      case 'restart':
      case 'rebuild':
      case 'rollback':
      case 'incident':
        if (command.kind === 'restart' && !this.config.env.JENKINS_URL) {
          await this.runJob(
            command,
            {
              name: 'restart-agent',
              payload: { agent: command.agent, reason: `requested by ${requester.label ?? requester.userId}` },
              title: `restart ${command.agent}`,
            },
            requester,
            surface,
          );
          return;
        }
        await surface.whisper({
          kind: 'text',
          tone: 'warning',
          text: `\`${command.kind}\` needs ${command.kind === 'incident' ? 'incident support' : 'Jenkins (set JENKINS_URL, JENKINS_USER, JENKINS_API_TOKEN)'}, which is not configured here.`,
        });
        return;
      default: {
        const plan = this.planJob(command);
        await this.runJob(command, plan, requester, surface);
      }
    }
  }

  planJob(command: Command): JobPlan {
    switch (command.kind) {
      case 'diagnose':
        return {
          name: 'diagnose',
          payload: {
            repo: command.repo,
            ...(command.deep ? { deep: true } : {}),
            ...(command.since !== undefined ? { since: command.since } : {}),
            ...(command.sinceGreen ? { sinceGreen: true } : {}),
            ...(command.sinceLabel ? { sinceLabel: command.sinceLabel } : {}),
            ...(command.failing ? { failing: command.failing } : {}),
            ...(command.greenAt ? { greenAt: command.greenAt } : {}),
            ...(command.greenElsewhere ? { greenElsewhere: command.greenElsewhere } : {}),
            ...(command.greenElsewhereNote ? { greenElsewhereNote: command.greenElsewhereNote.slice(0, 300) } : {}),
            ...(command.agent ? { agent: command.agent } : {}),
          },
          ...(command.host ? { host: command.host } : {}),
          title: `diagnose ${command.repo}${command.deep ? ' --deep' : ''}${command.host ? ` on ${command.host}` : ''}${command.since !== undefined ? ` since ${command.since}` : command.sinceGreen ? ' since the last green build' : ''}`,
        };
      case 'modules':
        return {
          name: 'modules',
          payload: { repo: command.repo },
          ...(command.host ? { host: command.host } : {}),
          title: `modules ${command.repo}${command.host ? ` on ${command.host}` : ''}`,
        };
      case 'probe':
        return { name: 'probe', payload: {}, ...(command.host ? { host: command.host } : {}), title: `probe${command.host ? ` from ${command.host}` : ''}` };
      case 'hostcheck':
        return { name: 'host-check', payload: {}, host: command.host, title: `hostcheck ${command.host}` };
      case 'cache-clear':
        return { name: 'clear-modcache', payload: { agent: command.agent }, title: `clear the module cache on ${command.agent}` };
      case 'cache-warm':
        return {
          name: 'warm-modcache',
          payload: { agent: command.agent, repo: command.repo },
          title: `warm the module cache on ${command.agent} for ${command.repo}`,
        };
      case 'drill':
        return {
          name: 'modcache-drill',
          payload: { repo: command.repo },
          ...(command.host ? { host: command.host } : {}),
          title: `drill ${command.repo}${command.host ? ` on ${command.host}` : ''}`,
          // A confirmed drill always runs: one moments after `cache warm` (or an eviction) must not get the earlier result,
          // and each drill is recorded in the health history.
          dedup: false,
        };
      case 'health':
        return {
          name: 'dependency-health',
          payload: { repo: command.repo },
          ...(command.host ? { host: command.host } : {}),
          title: `dependency health of ${command.repo}${command.host ? ` from ${command.host}` : ''}`,
        };
      default:
        throw new BuildfixError('BF_INTERNAL', `no job for ${command.kind}`);
    }
  }

  /** Submits, streams progress into one status message, posts the result. */
  async runJob(command: Command, plan: JobPlan, requester: Requester, surface: ChatSurface): Promise<JobOutcome> {
    const handle = await this.dispatcher.submit(plan.name, plan.payload as JobPayloadInput<typeof plan.name>, {
      ...(plan.host ? { host: plan.host } : {}),
      ...(surface.replyTo ? { replyTo: surface.replyTo } : {}),
      ...(plan.dedup === false ? { dedup: false } : {}),
      requestedBy: requester.userId,
    });
    const started = Date.now();
    const lines: ProgressLine[] = [];
    const statusMessage = (state: 'queued' | 'running' | 'done' | 'failed'): ChatMessage => ({
      kind: 'status',
      title: `${plan.title}${handle.deduplicated ? ' (already running: following it)' : ''}`,
      state,
      lines: [...lines],
      jobId: handle.id,
      ...(handle.host ? { host: handle.host } : {}),
      requestedBy: requester.userId,
    });
    const status: MessageHandle = await surface.post(statusMessage('queued'));
    let lastUpdate = 0;
    let pending: ReturnType<typeof setTimeout> | undefined;
    let updating = Promise.resolve();
    const flush = (): void => {
      pending = undefined;
      lastUpdate = Date.now();
      updating = updating
        .then(() => surface.update(status, statusMessage('running')))
        .catch((err: unknown) => this.logger.warn({ err }, 'status update failed'));
    };
    const outcome = await this.#untilCancelled(
      handle.id,
      surface.signal,
      this.dispatcher.waitFor(handle.id, {
        timeoutMs: this.#jobWaitMs,
        onProgress: (event) => {
          lines.push({ ...event, atMs: Date.now() - started });
          void this.notify('onJobProgress', command, handle.id, event, surface);
          const wait = surface.updateIntervalMs - (Date.now() - lastUpdate);
          if (wait <= 0 && !pending) flush();
          else pending ??= setTimeout(flush, Math.max(0, wait));
        },
      }),
    ).finally(() => {
      if (pending) clearTimeout(pending);
    });
    await updating;
    await surface.update(status, statusMessage(outcome.ok ? 'done' : 'failed'));
    await surface.post({ kind: 'result', command, outcome, requestedBy: requester.userId });
    await this.notify('onJobOutcome', command, outcome, requester, surface);
    return outcome;
  }

  /** The job's outcome, unless the surface's signal aborts first: then the job is cancelled (where this process can) and CancelledError thrown. */
  async #untilCancelled(jobId: string, signal: AbortSignal | undefined, outcome: Promise<JobOutcome>): Promise<JobOutcome> {
    if (!signal) return outcome;
    if (signal.aborted) throw new CancelledError();
    let onAbort = (): void => {};
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(new CancelledError());
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([outcome, aborted]);
    } catch (err) {
      if (signal.aborted) {
        outcome.catch(() => undefined);
        await this.dispatcher.cancel?.(jobId).catch((e: unknown) => this.logger.warn({ err: e, jobId }, 'cancel failed'));
      }
      throw err;
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  /** envdiff <agent> --since <time|build>: the agent's recorded environment then against now, as an envdiff table of two columns. */
  async runEnvDiffSince(agent: string, since: string, requester: Requester, surface: ChatSurface): Promise<void> {
    const title = `envdiff ${agent} --since ${since}`;
    const handle = await this.dispatcher.submit(
      'env-history',
      { agent, since },
      { host: agent, requestedBy: requester.userId, ...(surface.replyTo ? { replyTo: surface.replyTo } : {}) },
    );
    const status = await surface.post({ kind: 'status', title, state: 'running', lines: [] });
    const outcome = await this.dispatcher.waitFor(handle.id, { timeoutMs: 120_000 }).catch((err: unknown) => err);
    const ok = outcome && typeof outcome === 'object' && 'ok' in outcome && (outcome as JobOutcome).ok;
    await surface.update(status, { kind: 'status', title, state: ok ? 'done' : 'failed', lines: [] });
    if (!ok) {
      const why =
        outcome && typeof outcome === 'object' && 'ok' in outcome ? ((outcome as JobOutcome & { ok: false }).error.message ?? '') : userMessage(outcome);
      await surface.post({ kind: 'text', tone: 'error', text: `${title}: ${why}` });
      return;
    }
    const r = (outcome as JobOutcome & { ok: true }).result as EnvHistoryJobResult;
    const then = `${r.agent}@${r.atLabel}`;
    const now = `${r.agent}@now`;
    const snapshots: Record<string, EnvSnapshotJobResult> = {};
    if (r.baseline) snapshots[then] = { host: then, ...r.baseline };
    if (r.current) snapshots[now] = { host: now, ...r.current };
    const failed: Record<string, string> = {};
    if (!r.baseline) failed[then] = r.change.note ?? 'no snapshot recorded then';
    if (!r.current) failed[now] = r.change.note ?? 'no snapshot recorded';
    const changes = r.change.changes.map(describeKeyChange);
    await surface.post({
      kind: 'text',
      tone: changes.length > 0 ? 'warning' : 'info',
      text:
        changes.length > 0
          ? `${r.agent} since ${r.atLabel}: ${changes.join('; ')}`
          : r.change.note
            ? `${r.agent} since ${r.atLabel}: ${r.change.note}`
            : `${r.agent} since ${r.atLabel}: no change in its Go/proxy environment`,
    });
    await surface.post({ kind: 'envdiff', diff: diffEnvironments(snapshots, failed) });
  }

  async runEnvDiff(hosts: string[], requester: Requester, surface: ChatSurface): Promise<void> {
    const handles = await Promise.all(
      hosts.map((host) =>
        this.dispatcher.submit('env-snapshot', {}, { host, requestedBy: requester.userId, ...(surface.replyTo ? { replyTo: surface.replyTo } : {}) }),
      ),
    );
    const status = await surface.post({ kind: 'status', title: `envdiff ${hosts.join(' ')}`, state: 'running', lines: [] });
    const outcomes = await Promise.all(handles.map((h) => this.dispatcher.waitFor(h.id, { timeoutMs: 120_000 }).catch((err: unknown) => err)));
    const snapshots: Record<string, EnvSnapshotJobResult> = {};
    const failed: Record<string, string> = {};
    outcomes.forEach((o, i) => {
      const host = hosts[i] ?? '?';
      if (o && typeof o === 'object' && 'ok' in o) {
        const outcome = o as JobOutcome;
        if (outcome.ok) snapshots[host] = outcome.result as EnvSnapshotJobResult;
        else failed[host] = outcome.error.message;
      } else failed[host] = userMessage(o);
    });
    await surface.update(status, { kind: 'status', title: `envdiff ${hosts.join(' ')}`, state: Object.keys(failed).length ? 'failed' : 'done', lines: [] });
    await surface.post({ kind: 'envdiff', diff: diffEnvironments(snapshots, failed) });
  }
}

export function actionLabel(command: Command): string {
  switch (command.kind) {
    case 'restart':
      return `Restart ${command.agent}`;
    case 'rebuild':
      return command.clean ? `Clean rebuild ${command.job}` : `Rebuild ${command.job}`;
    case 'rollback':
      return `Roll back ${command.job}`;
    case 'cache-clear':
      return `Clear cache on ${command.agent}`;
    case 'cache-warm':
      return `Warm cache on ${command.agent}`;
    case 'drill':
      return `Drill ${command.repo}`;
    default:
      return 'Run';
  }
}

/** The question asked before a command with side effects: what will really happen with this configuration. */
export function confirmPrompt(command: Command, config?: Pick<Config, 'env'>): string {
  switch (command.kind) {
    case 'restart':
      if (config && !config.env.JENKINS_URL) {
        return `Restart the build agent ${command.agent}? Its worker runs the configured restart command now; running builds are not drained (draining needs Jenkins).`;
      }
      return `Restart the build agent ${command.agent}?${command.force ? ' --force: running builds are not drained.' : ' It is drained first (running builds finish).'}`;
    case 'rebuild':
      return `Trigger a ${command.clean ? 'clean ' : ''}build of ${command.job}?${command.clean ? ' The workspace is wiped.' : ''}`;
    case 'rollback':
      return `Build ${command.job} at the revision of its last successful build?`;
    case 'cache-clear':
      return `Delete the whole Go module cache on ${command.agent} (go clean -modcache)? The next builds download every module again.`;
    case 'cache-warm':
      return `Run go mod download for ${command.repo} on ${command.agent}?`;
    case 'drill':
      return `Run an outage drill for ${command.repo}${command.host ? ` on ${command.host}` : ''}? go mod download runs with GOPROXY=off in a temporary copy against the agent's module cache, which stays read only; it takes the build's module sources in temporary disk space for a moment.`;
    default:
      return 'Run it?';
  }
}
