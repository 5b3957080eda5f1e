/**
 * The outage drill as one host runs it (the `modcache-drill` job and the
 * scheduled pre-flight drill): locate the repo, find the host's module
 * cache, measure readiness, then the real `go mod download` with
 * GOPROXY=off (drill.ts). Each part runs as a step the caller can report.
 */
import type { Config } from '../config/load-config.ts';
import { resolveTarget } from '../engine/resolve-target.ts';
import { agentModcache } from './agent-modcache.ts';
import { runModcacheDrill, type DrillResult } from './drill.ts';
import { checkModcacheReadiness, type ModcacheReadiness } from './readiness.ts';

/** Runs fn as one named step (the job's ctx.timed), its verdict from the value; by default it just runs it. */
export type StepRunner = <T>(step: string, message: string, fn: () => Promise<T>, verdict?: (value: T) => 'pass' | 'warn' | 'fail') => Promise<T>;

export interface HostDrill {
  /** Where the repo came from (credentials masked). */
  origin: string;
  /** The host's GOMODCACHE (read only). */
  modcache: string;
  readiness: ModcacheReadiness;
  drill: DrillResult;
}

/** go mod download's budget within a drill (the job's own timeout is 10 min). */
export const HOST_DRILL_TIMEOUT_MS = 8 * 60_000;

export async function drillOnHost(
  repo: string,
  config: Config,
  options: { signal?: AbortSignal; step?: StepRunner; timeoutMs?: number } = {},
): Promise<HostDrill> {
  const step: StepRunner = options.step ?? ((_s, _m, fn) => fn());
  const sig = options.signal ? { signal: options.signal } : {};
  const target = await step('checkout', `locating ${repo}`, () => resolveTarget(repo, config, sig));
  try {
    const modcache = await agentModcache(undefined, config.goEnv, sig);
    const readiness = await step(
      'readiness',
      `checking ${modcache}`,
      () => checkModcacheReadiness(target.dir, modcache, { ...sig, goEnv: config.goEnv }),
      (r) => (r.wouldPass ? 'pass' : 'warn'),
    );
    const drill = await step(
      'drill',
      'go mod download with GOPROXY=off',
      () => runModcacheDrill(target.dir, modcache, { goEnv: config.goEnv, timeoutMs: options.timeoutMs ?? HOST_DRILL_TIMEOUT_MS, ...sig }),
      (d) => (d.passed ? 'pass' : 'fail'),
    );
    return { origin: target.origin, modcache, readiness, drill };
  } finally {
    await target.cleanup();
  }
}
