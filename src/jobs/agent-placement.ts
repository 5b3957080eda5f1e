/**
 * Where a job about a failing build should run: on the build's own agent, so
 * that what it checks live (the proxy, the module cache, the re-check of the
 * last green revision) is what that agent sees.
 *
 *   agent      the agent's buildfix worker is live: address the job to its host
 *   elsewhere  the agent is known but its worker is not live (or it is not a
 *              configured agent): another live worker runs it, and the caller
 *              must say so (what it checks is that machine's view)
 *   local      no Redis: jobs run in this process, on this machine
 *   any        no agent known: any worker, as before
 *
 * With agents configured only those are routed to (the router refuses any
 * other --host); with none configured, a live worker on the agent's host name
 * is enough.
 */
import type { Config } from '../config/load-config.ts';
import { userMessage } from '../errors.ts';
import type { Dispatcher } from './dispatcher.ts';
import type { WorkerInfo } from './job-types.ts';
import { defaultHostName, hostQueueName, normalizeHost } from './queue-names.ts';
import { findAgent } from './validate-names.ts';

export type AgentPlacement =
  | { kind: 'agent'; agent: string; host: string }
  | { kind: 'elsewhere'; agent: string; why: 'not-running' | 'not-configured' | 'unknown'; detail?: string; host?: string }
  | { kind: 'local'; agent?: string; host: string }
  | { kind: 'any' };

export interface PlacementDeps {
  dispatcher: Pick<Dispatcher, 'kind' | 'status'>;
  config: Pick<Config, 'agents' | 'host'>;
}

function routable(name: string): string | undefined {
  try {
    return normalizeHost(name);
  } catch {
    return undefined;
  }
}

/** A live worker that serves its host's queue and that the router would accept as a --host. */
function usable(w: WorkerInfo, config: Pick<Config, 'agents'>): boolean {
  if (w.state !== 'running') return false;
  if (!w.queues.includes(hostQueueName(w.host))) return false;
  return Object.keys(config.agents).length === 0 || findAgent(config, w.host) !== undefined;
}

/** The least busy usable worker's host (ties: by host name), to run a job the agent's own worker cannot. */
function pickOther(workers: WorkerInfo[], config: Pick<Config, 'agents'>, not: string): string | undefined {
  const hosts = new Map<string, number>();
  for (const w of workers) {
    if (w.host === not || !usable(w, config)) continue;
    hosts.set(w.host, (hosts.get(w.host) ?? 0) + w.running.length);
  }
  return [...hosts.entries()].sort(([a, x], [b, y]) => x - y || a.localeCompare(b))[0]?.[0];
}

/** Where a job about a build that failed on `agent` (undefined: not known) runs. */
export async function placeOnAgent(agent: string | undefined, deps: PlacementDeps): Promise<AgentPlacement> {
  if (deps.dispatcher.kind === 'in-process') {
    const local = defaultHostName(deps.config.host);
    return { kind: 'local', host: local, ...(agent ? { agent } : {}) };
  }
  if (!agent) return { kind: 'any' };
  const host = routable(agent);
  let workers: WorkerInfo[];
  try {
    workers = (await deps.dispatcher.status()).workers;
  } catch (err) {
    return { kind: 'elsewhere', agent, why: 'unknown', detail: userMessage(err) };
  }
  const configured = Object.keys(deps.config.agents).length === 0 || findAgent(deps.config, agent) !== undefined;
  if (host && configured && workers.some((w) => w.host === host && usable(w, deps.config))) return { kind: 'agent', agent, host };
  const other = pickOther(workers, deps.config, host ?? '');
  return { kind: 'elsewhere', agent, why: configured && host ? 'not-running' : 'not-configured', ...(other ? { host: other } : {}) };
}

/** True when the job will run on the failing build's own agent (so "from this agent" means that agent). */
export function onTheAgent(p: AgentPlacement): boolean {
  return p.kind === 'agent' || (p.kind === 'local' && p.agent !== undefined && routable(p.agent) === p.host);
}

/**
 * One line for the thread about where `what` ("this diagnosis") runs and whose view its checks are;
 * undefined when there is nothing to say (no agent known).
 */
export function describePlacement(p: AgentPlacement, what: string, checks: string): string | undefined {
  const What = what.charAt(0).toUpperCase() + what.slice(1);
  switch (p.kind) {
    case 'any':
      return undefined;
    case 'agent':
      return `${What} runs on ${p.agent}, the agent the failing build ran on (its buildfix worker is live): ${checks} are from ${p.agent}.`;
    case 'local':
      if (!p.agent) return undefined;
      if (onTheAgent(p)) return `${What} runs here on ${p.agent} (jobs run in the serve process), the agent the failing build ran on.`;
      return `Jobs run in the serve process on ${p.host} (REDIS_URL is not set), not on ${p.agent} where the build failed: ${checks} are from ${p.host}, not ${p.agent}.`;
    case 'elsewhere': {
      const why =
        p.why === 'not-running'
          ? `${p.agent}'s buildfix worker is not running`
          : p.why === 'not-configured'
            ? `${p.agent} is not a configured buildfix agent (agents.<name> in the buildfix config; agents.<name>.node maps a CI node name)`
            : `whether ${p.agent}'s buildfix worker is live could not be read (${p.detail ?? 'no answer'})`;
      if (p.why === 'unknown') return `${why}: ${what} runs on any worker, so ${checks} may not be from ${p.agent} (the verdict names the machine).`;
      if (p.host) return `${why}: ${what} runs on ${p.host} instead, so ${checks} are from ${p.host}, not ${p.agent}.`;
      return `${why}, and no other buildfix worker is live: ${what} waits for the first worker to start, and ${checks} will not be from ${p.agent}.`;
    }
  }
}
