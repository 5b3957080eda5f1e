/**
 * Restart a build agent without surprising anyone (the playbook's
 * "重启指定构建代理(避免影响其他任务)"):
 *
 *   mark-offline  toggleOffline with a message naming who asked and why
 *                 (only when not already marked; changeOfflineCause if a
 *                 concurrent toggle undid ours)
 *   drain         wait until its executors are idle (bounded; `force` skips)
 *   restart       the buildfix worker on that host runs the restart command,
 *                 or Jenkins disconnects and relaunches it (inbound agents
 *                 reconnect on their own)
 *   wait-online   until its channel is up again (bounded)
 *   mark-online   clear the temporary-offline mark
 *
 * Each step is reported with its duration. If a step fails, the agent is not
 * left offline silently: the mark is cleared when buildfix set it, and the
 * error states exactly what state the agent is in afterwards.
 */
import { BuildfixError } from '../../errors.ts';
import type { JenkinsTransport } from './jenkins-transport.ts';
import { JenkinsWaitTimeoutError } from './jenkins-errors.ts';
import { nodePath } from './job-path.ts';
import { getNode, type JenkinsNode } from './nodes.ts';
import { formatDuration, notify, pollUntil } from './wait.ts';

export const DEFAULT_DRAIN_TIMEOUT_MS = 10 * 60_000;
export const DEFAULT_ONLINE_TIMEOUT_MS = 5 * 60_000;
export const DEFAULT_DISCONNECT_TIMEOUT_MS = 60_000;
export const DEFAULT_WORKER_RESTART_TIMEOUT_MS = 5 * 60_000;
/** Every offline message buildfix writes starts with this, so a later run recognises its own mark. */
export const OFFLINE_MESSAGE_PREFIX = 'buildfix:';

export type RestartStep = 'mark-offline' | 'drain' | 'restart' | 'wait-online' | 'mark-online' | 'restore';

export interface RestartStepEvent {
  node: string;
  step: RestartStep;
  status: 'running' | 'done' | 'skipped' | 'failed';
  /** Time spent in the step so far (0 for "running"). */
  durationMs: number;
  detail?: string;
}

export interface RestartAgentOptions {
  /** Who asked (named in the offline message Jenkins shows). */
  requestedBy: string;
  /** Why (named in the offline message). */
  reason: string;
  /** Restart without waiting for running builds (they will be cut off). */
  force?: boolean;
  /** Longest wait for busy executors to finish (default 10 min). */
  drainTimeoutMs?: number;
  /** Longest wait for the agent to be connected again after the restart (default 5 min). */
  onlineTimeoutMs?: number;
  /** Longest wait for Jenkins to drop the old connection after doDisconnect (default 60 s). */
  disconnectTimeoutMs?: number;
  /** Restart through a live buildfix worker on the agent's host (runs the configured restart command). */
  restartViaWorker?: () => Promise<void>;
  /** Longest wait for restartViaWorker (default 5 min). */
  workerTimeoutMs?: number;
  /** Progress per step; errors thrown by the callback are ignored. */
  onStep?: (event: RestartStepEvent) => void | Promise<void>;
  pollIntervalMs?: number;
  signal?: AbortSignal;
}

export interface RestartAgentResult {
  node: string;
  via: 'worker' | 'jenkins';
  /** Finished steps in order (done or skipped). */
  steps: RestartStepEvent[];
  durationMs: number;
  /** The agent's state at the end. */
  final: JenkinsNode;
  /** "agent-01 restarted in 42 s (through Jenkins)". */
  summary: string;
}

/** Where the agent was left after a failed restart. */
export type AgentStateAfterFailure =
  | 'online' // not marked offline, connected (or unknown connection)
  | 'online-disconnected' // not marked offline, but its channel is down
  | 'marked-offline' // still marked temporarily offline by buildfix
  | 'left-offline' // was marked offline by someone else before; left that way
  | 'unchanged'; // buildfix changed nothing

export class AgentRestartError extends BuildfixError {
  readonly node: string;
  readonly step: RestartStep;
  readonly state: AgentStateAfterFailure;
  readonly steps: RestartStepEvent[];
  constructor(node: string, step: RestartStep, state: AgentStateAfterFailure, message: string, steps: RestartStepEvent[], cause: unknown) {
    super(cause instanceof BuildfixError ? cause.code : 'BF_UPSTREAM', message, { cause, details: { node, step, state } });
    this.name = 'AgentRestartError';
    this.node = node;
    this.step = step;
    this.state = state;
    this.steps = steps;
  }
}

const STEP_TITLES: Record<RestartStep, string> = {
  'mark-offline': 'marking it temporarily offline',
  drain: 'waiting for its running builds to finish',
  restart: 'restarting it',
  'wait-online': 'waiting for it to come back online',
  'mark-online': 'clearing the temporary-offline mark',
  restore: 'restoring it',
};

/** The message Jenkins shows on the agent: who asked and why. */
export function offlineMessage(requestedBy: string, reason: string): string {
  const who = requestedBy.trim() || 'someone';
  const why = reason.trim().replace(/\s+/g, ' ') || 'no reason given';
  const text = `${OFFLINE_MESSAGE_PREFIX} restart requested by ${who}: ${why}`;
  return text.length > 300 ? `${text.slice(0, 299)}…` : text;
}

// Rejects when `work` takes longer than `ms` (the work itself cannot be cancelled).
async function withTimeout<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new JenkinsWaitTimeoutError('worker', message, ms)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Drain, restart and bring back one agent; see the file comment for the steps. */
export async function restartAgent(client: JenkinsTransport, name: string, opts: RestartAgentOptions): Promise<RestartAgentResult> {
  const started = performance.now();
  const path = nodePath(name);
  const subject = { subject: `agent '${name}'` };
  const withSignal = opts.signal ? { signal: opts.signal } : {};
  const interval = opts.pollIntervalMs ?? client.pollIntervalMs;
  const message = offlineMessage(opts.requestedBy, opts.reason);
  const nodeUrl = client.urlFor(`${path}/`);
  const logUrl = client.urlFor(`${path}/log`);
  const via: RestartAgentResult['via'] = opts.restartViaWorker ? 'worker' : 'jenkins';
  const finished: RestartStepEvent[] = [];

  const emit = (event: RestartStepEvent): void => {
    if (event.status === 'done' || event.status === 'skipped') finished.push(event);
    notify(opts.onStep, event);
  };
  // Runs one step: "running", then "done"/"skipped"/"failed" with its duration.
  const run = async (step: RestartStep, work: () => Promise<{ detail: string; skipped?: boolean }>): Promise<void> => {
    const t = performance.now();
    emit({ node: name, step, status: 'running', durationMs: 0 });
    try {
      const { detail, skipped } = await work();
      emit({ node: name, step, status: skipped ? 'skipped' : 'done', durationMs: Math.round(performance.now() - t), detail });
    } catch (err) {
      emit({ node: name, step, status: 'failed', durationMs: Math.round(performance.now() - t), detail: errorText(err) });
      throw err;
    }
  };

  let node = await getNode(client, name, withSignal);
  if (node.builtIn) {
    throw new BuildfixError('BF_INPUT', `'${name}' is the Jenkins controller's built-in node, not an agent: buildfix does not restart it`);
  }

  let markedByUs = false;
  let preexisting: string | undefined;
  let step: RestartStep = 'mark-offline';
  try {
    await run('mark-offline', async () => {
      if (node.temporarilyOffline) {
        if (node.offlineCauseReason.startsWith(OFFLINE_MESSAGE_PREFIX)) {
          markedByUs = true;
          return { detail: `already marked temporarily offline by buildfix ("${node.offlineCauseReason}"); continuing`, skipped: true };
        }
        preexisting = node.offlineCauseReason || 'no reason given';
        return { detail: `already marked temporarily offline by someone else ("${preexisting}"); left as is`, skipped: true };
      }
      await client.post(`${path}/toggleOffline`, { query: { offlineMessage: message }, ...subject, ...withSignal });
      markedByUs = true;
      node = await getNode(client, name, withSignal);
      if (!node.temporarilyOffline) {
        // Someone toggled at the same moment and undid ours: set the mark idempotently.
        await client.post(`${path}/changeOfflineCause`, { query: { offlineMessage: message }, ...subject, ...withSignal });
        node = await getNode(client, name, withSignal);
        if (!node.temporarilyOffline) throw new BuildfixError('BF_UPSTREAM', `Jenkins accepted the request but ${name} is not marked temporarily offline`);
      }
      return { detail: `marked temporarily offline: "${message}"` };
    });

    step = 'drain';
    await run('drain', async () => {
      const busyAtStart = node.busyExecutors;
      if (opts.force) {
        return {
          skipped: true,
          detail:
            busyAtStart > 0 ? `force: not waiting for ${busyAtStart} busy executor(s); their builds will be cut off` : 'force: not waiting (no busy executors)',
        };
      }
      if (busyAtStart === 0) return { detail: 'no busy executors' };
      const t = performance.now();
      node = await pollUntil(
        async () => {
          const n = await getNode(client, name, withSignal);
          node = n;
          return n.busyExecutors === 0 ? n : undefined;
        },
        {
          intervalMs: interval,
          timeoutMs: opts.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS,
          signal: opts.signal,
          onTimeout: (waited) =>
            new JenkinsWaitTimeoutError(
              'drain',
              `${name} still had ${node.busyExecutors} busy executor(s) after ${formatDuration(waited)}${node.runningBuilds.length ? ` (${node.runningBuilds.join(', ')})` : ''}; run the restart again with force to restart anyway (those builds will be cut off)`,
              waited,
            ),
        },
      );
      return { detail: `waited ${formatDuration(performance.now() - t)} for ${busyAtStart} busy executor(s) to finish` };
    });

    step = 'restart';
    await run('restart', async () => {
      if (opts.restartViaWorker) {
        const ms = opts.workerTimeoutMs ?? DEFAULT_WORKER_RESTART_TIMEOUT_MS;
        await withTimeout(opts.restartViaWorker(), ms, `the buildfix worker on ${name}'s host did not finish the restart command within ${formatDuration(ms)}`);
        return { detail: 'restarted by the buildfix worker on its host' };
      }
      await client.post(`${path}/doDisconnect`, { query: { offlineMessage: message }, ...subject, ...withSignal });
      // Launching while the old channel is still up would be a no-op ("already launched").
      node = await pollUntil(
        async () => {
          const n = await getNode(client, name, withSignal);
          return n.connected === true ? undefined : n;
        },
        {
          intervalMs: interval,
          timeoutMs: opts.disconnectTimeoutMs ?? DEFAULT_DISCONNECT_TIMEOUT_MS,
          signal: opts.signal,
          onTimeout: (waited) =>
            new JenkinsWaitTimeoutError('disconnect', `Jenkins had not disconnected ${name} ${formatDuration(waited)} after doDisconnect`, waited),
        },
      );
      if (!node.launchSupported) return { detail: 'disconnected through Jenkins; an inbound agent reconnects by itself' };
      await client.post(`${path}/launchSlaveAgent`, { ...subject, ...withSignal });
      return { detail: 'disconnected and relaunched through Jenkins' };
    });

    // When Jenkins does not show whether the channel is up, "offline: false" is the only
    // signal, and it needs the mark cleared first.
    const blind = node.connected === null;
    if (blind) {
      step = 'mark-online';
      await run('mark-online', () => clearMark());
    }

    step = 'wait-online';
    await run('wait-online', async () => {
      const t = performance.now();
      node = await pollUntil(
        async () => {
          const n = await getNode(client, name, withSignal);
          node = n;
          if (n.connected === true || (blind && !n.offline)) return n;
          if (via === 'jenkins' && n.launchSupported && n.offlineCauseClass?.endsWith('LaunchFailed')) {
            throw new BuildfixError(
              'BF_UPSTREAM',
              `Jenkins failed to launch ${name}${n.offlineCauseReason ? ` ("${n.offlineCauseReason}")` : ''}; its launch log is at ${logUrl}`,
            );
          }
          return undefined;
        },
        {
          intervalMs: interval,
          timeoutMs: opts.onlineTimeoutMs ?? DEFAULT_ONLINE_TIMEOUT_MS,
          signal: opts.signal,
          onTimeout: (waited) =>
            new JenkinsWaitTimeoutError(
              'online',
              `${name} did not come back online within ${formatDuration(waited)}${node.offlineCauseReason && !node.offlineCauseReason.startsWith(OFFLINE_MESSAGE_PREFIX) ? ` (Jenkins says: "${node.offlineCauseReason}")` : ''}; see ${logUrl}`,
              waited,
            ),
        },
      );
      return { detail: `connected again after ${formatDuration(performance.now() - t)}` };
    });

    if (!blind) {
      step = 'mark-online';
      await run('mark-online', () => clearMark());
    }
  } catch (err) {
    const outcome = await restore();
    throw new AgentRestartError(
      name,
      step,
      outcome.state,
      `restarting ${name} failed while ${STEP_TITLES[step]}: ${errorText(err)}. ${outcome.sentence}`,
      [...finished],
      err,
    );
  }

  const final = await getNode(client, name).catch(() => node);
  const durationMs = Math.round(performance.now() - started);
  const left = preexisting ? `; left temporarily offline as it was before ("${preexisting}")` : '';
  return {
    node: name,
    via,
    steps: finished,
    durationMs,
    final,
    summary: `${name} restarted in ${formatDuration(durationMs)} (${via === 'worker' ? 'by the buildfix worker' : 'through Jenkins'})${left}`,
  };

  // Clears buildfix's temporary-offline mark (never someone else's).
  async function clearMark(): Promise<{ detail: string; skipped?: boolean }> {
    if (!markedByUs) {
      return {
        skipped: true,
        detail: preexisting ? `left temporarily offline as it was before buildfix started ("${preexisting}")` : 'not marked offline by buildfix',
      };
    }
    const fresh = await getNode(client, name, withSignal);
    if (fresh.temporarilyOffline) {
      await client.post(`${path}/toggleOffline`, { ...subject, ...withSignal });
      const after = await getNode(client, name, withSignal);
      if (after.temporarilyOffline) throw new BuildfixError('BF_UPSTREAM', `Jenkins accepted toggleOffline but ${name} is still marked temporarily offline`);
      node = after;
    }
    markedByUs = false;
    return { detail: 'temporary-offline mark cleared; it takes builds again' };
  }

  // After a failure: clear our mark if we set it, then describe the agent's real state.
  async function restore(): Promise<{ state: AgentStateAfterFailure; sentence: string }> {
    const stillMarked = (how: string): { state: AgentStateAfterFailure; sentence: string } => ({
      state: 'marked-offline',
      sentence: `${name} is still marked temporarily offline by buildfix${how}; bring it back with "Bring this node back online" at ${nodeUrl} (or POST ${path}/toggleOffline).`,
    });
    let fresh: JenkinsNode | undefined;
    try {
      fresh = await getNode(client, name);
    } catch {
      fresh = undefined;
    }
    const ours = markedByUs || (fresh !== undefined && fresh.temporarilyOffline && fresh.offlineCauseReason === message);
    if (!ours) {
      if (preexisting)
        return {
          state: 'left-offline',
          sentence: `${name} was already marked temporarily offline before buildfix started ("${preexisting}") and was left that way.`,
        };
      if (fresh?.connected === false && !fresh.temporarilyOffline) {
        return {
          state: 'online-disconnected',
          sentence: `${name} is not marked offline, but it is disconnected: Jenkins runs nothing on it until it reconnects; see ${logUrl}.`,
        };
      }
      return { state: step === 'mark-offline' ? 'unchanged' : 'online', sentence: step === 'mark-offline' ? `${name} was not changed.` : `${name} is online.` };
    }
    const t = performance.now();
    emit({ node: name, step: 'restore', status: 'running', durationMs: 0 });
    if (!fresh) {
      emit({ node: name, step: 'restore', status: 'failed', durationMs: Math.round(performance.now() - t), detail: 'could not read the agent from Jenkins' });
      return stillMarked(' (Jenkins could not be reached to restore it)');
    }
    try {
      if (fresh.temporarilyOffline) {
        await client.post(`${path}/toggleOffline`, subject);
        fresh = await getNode(client, name);
        if (fresh.temporarilyOffline) throw new Error('Jenkins accepted toggleOffline but the mark is still set');
      }
      markedByUs = false;
      const disconnected = fresh.connected === false;
      emit({
        node: name,
        step: 'restore',
        status: 'done',
        durationMs: Math.round(performance.now() - t),
        detail: disconnected ? 'mark cleared; agent disconnected' : 'mark cleared',
      });
      if (disconnected) {
        return {
          state: 'online-disconnected',
          sentence: `${name} was put back online (no longer marked temporarily offline), but it is disconnected: Jenkins runs nothing on it until it reconnects; see ${logUrl}.`,
        };
      }
      return { state: 'online', sentence: `${name} was put back online.` };
    } catch (err) {
      emit({ node: name, step: 'restore', status: 'failed', durationMs: Math.round(performance.now() - t), detail: errorText(err) });
      return stillMarked(` (putting it back online failed: ${errorText(err)})`);
    }
  }
}
