/**
 * Agents that stopped reporting: an agent whose problems keep a pre-flight
 * alert open, that has no live worker, and whose latest regular pre-flight
 * result (any check but a drill) finished longer ago than the bound. Its
 * problems are dropped and the alert says so (alerter.dropGone) instead of
 * lingering until the keys expire (Redis) or the process restarts (memory).
 *
 * One decision for both modes: Redis mode's alert consumer runs the sweep
 * with each reclaim round, live workers from the worker registry; in-process
 * mode runs it on a timer, the one live worker being this process's host.
 */
import type { Logger } from '../logger.ts';
import type { AlertAction, PreflightAlerter } from './alerter.ts';
import type { GoneAgent, PreflightStore } from './store.ts';

export interface GoneAgentsQuery {
  store: PreflightStore;
  /** Scopes that have problems. */
  scopes: readonly string[];
  /** Hosts with a live worker now. */
  live: ReadonlySet<string>;
  afterMs: number;
  now: number;
}

/** Scope → the agents reporting problems there that are gone. */
export async function findGoneAgents(q: GoneAgentsQuery): Promise<Map<string, GoneAgent[]>> {
  const out = new Map<string, GoneAgent[]>();
  const seen = new Map<string, string | undefined>();
  for (const scope of q.scopes) {
    for (const p of await q.store.problems(scope)) {
      if (q.live.has(p.agent)) continue;
      if (!seen.has(p.agent)) seen.set(p.agent, await q.store.lastSeen(p.agent));
      // No result kept any more: the last time it reported this problem is the last sign of it.
      const lastSeen = seen.get(p.agent) ?? p.at;
      const at = Date.parse(lastSeen);
      if (!Number.isFinite(at) || q.now - at <= q.afterMs) continue;
      out.set(scope, [...(out.get(scope) ?? []), { agent: p.agent, lastSeen }]);
    }
  }
  return out;
}

export interface GoneSweep {
  store: PreflightStore;
  alerter: Pick<PreflightAlerter, 'dropGone'>;
  /** preflight.agentGoneAfter; 0: never. */
  afterMs: number;
  /** Hosts with a live worker now; a registry that cannot be read throws, and nothing is closed. */
  liveAgents: () => Promise<ReadonlySet<string>>;
  /** Scopes that have problems now. */
  scopes: () => Promise<readonly string[]>;
  logger: Logger;
  /** Checked between scopes: stop early on shutdown. */
  stopped?: () => boolean;
}

/** One sweep: drops the problems of agents gone longer than the bound; their alerts say so. */
export async function sweepGoneAgents(s: GoneSweep, now = Date.now()): Promise<Array<{ scope: string; agents: string[]; action: AlertAction }>> {
  if (s.afterMs <= 0) return [];
  // Only an agent known not to be live is gone: liveAgents() failing stops the sweep here.
  const live = await s.liveAgents();
  const found = await findGoneAgents({ store: s.store, scopes: await s.scopes(), live, afterMs: s.afterMs, now });
  const done: Array<{ scope: string; agents: string[]; action: AlertAction }> = [];
  for (const [scope, agents] of found) {
    if (s.stopped?.()) break;
    const action = await s.alerter.dropGone(scope, agents);
    const names = agents.map((a) => a.agent);
    s.logger.info({ scope, agents: names, action }, 'pre-flight problems of agents that stopped reporting dropped');
    done.push({ scope, agents: names, action });
  }
  return done;
}
