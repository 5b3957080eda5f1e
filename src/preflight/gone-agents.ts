/**
 * Agents that stopped reporting: an agent whose problems keep a pre-flight
 * alert open, that has no live worker (worker-registry heartbeat), and whose
 * latest pre-flight result of any check finished longer ago than the bound.
 * Its problems are dropped and the alert says so (alerter.dropGone) instead
 * of lingering until the keys expire.
 */
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
