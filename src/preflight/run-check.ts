/**
 * One pre-flight run on a worker: take the run lock (a run still going
 * means this one is skipped and counted, never run alongside it), run the
 * check with the engine's own code (the `diagnose` engine's module part and
 * module graph, the network probe, module-cache readiness, the host checks),
 * summarise it, store it with its history, and let the alerter know when the
 * agent's problems for that scope changed.
 */
import { statfs } from 'node:fs/promises';
import { checkHost, readGoEnvironment } from '../checks/host-check.ts';
import { probeEndpoints, probeTargetsFromGoEnv } from '../checks/network-probe.ts';
import type { Config } from '../config/load-config.ts';
import type { PreflightConfig } from '../config/preflight-schema.ts';
import { diagnose, effectiveGoEnv, privateHostsFromConfig } from '../engine/diagnose.ts';
import { resolveTarget } from '../engine/resolve-target.ts';
import { GoProxyClient } from '../goproxy/goproxy-client.ts';
import type { Logger } from '../logger.ts';
import { agentModcache } from '../modcache/agent-modcache.ts';
import { drillOnHost } from '../modcache/host-drill.ts';
import { checkModcacheReadiness } from '../modcache/readiness.ts';
import type { ProgressListener } from '../report/model.ts';
import { discoverCredentials } from './credential-sources.ts';
import { summarizeDrill } from './drill-result.ts';
import { CachingGoProxyClient, ProxyAnswerCache } from './proxy-cache.ts';
import { readinessFindings } from './readiness-finding.ts';
import type { PreflightStore } from './store.ts';
import { statusOf, summarizeCredentials, summarizeHost, summarizeModules, summarizeProbe } from './summarize.ts';
import { askTokenExpiry } from './token-expiry.ts';
import { HOST_SCOPE, REPO_CHECKS, type CredentialState, type DiskSample, type PreflightCheck, type PreflightResult } from './types.ts';

export interface PreflightRunInput {
  check: PreflightCheck;
  /** A configured repo name (repo checks); ignored for host-level checks. */
  repo?: string | undefined;
  /** This worker's host (routing name). */
  agent: string;
  config: Config;
  preflight: PreflightConfig;
  store: PreflightStore;
  /** How long the run may hold its lock (the job's timeout plus a margin). */
  lockMs: number;
  signal?: AbortSignal;
  onProgress?: ProgressListener;
  logger?: Logger;
}

const caches = new Map<string, ProxyAnswerCache>();

/** The agent's shared answer cache in this process (made on first use; its lifetime from the config). */
export function agentProxyCache(agent: string, config: Config, ttlMs: number): ProxyAnswerCache {
  let cache = caches.get(agent);
  if (!cache || cache.ttlMs !== ttlMs) {
    const client = new GoProxyClient({ goEnv: config.goEnv, timeoutMs: config.requestTimeoutMs, concurrency: config.concurrency });
    cache = new ProxyAnswerCache(client.http, ttlMs);
    caches.set(agent, cache);
  }
  return cache;
}

/** Closes an agent's shared cache and its connections (worker shutdown). */
export async function closeProxyCache(agent: string): Promise<void> {
  const cache = caches.get(agent);
  caches.delete(agent);
  await cache?.http.close().catch(() => undefined);
}

async function diskSamples(ids: string[]): Promise<DiskSample[]> {
  const out: DiskSample[] = [];
  for (const id of ids) {
    try {
      const s = await statfs(id.slice('disk:'.length));
      out.push({ id, freeBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize });
    } catch {
      // The host check reports a volume it cannot read.
    }
  }
  return out;
}

type RunBody = Pick<PreflightResult, 'status' | 'summary' | 'findings'> & Partial<PreflightResult>;

async function runBody(input: PreflightRunInput, repo: string): Promise<RunBody> {
  const { config, signal } = input;
  const sig = signal ? { signal } : {};
  switch (input.check) {
    case 'modules': {
      const client = new CachingGoProxyClient(agentProxyCache(input.agent, config, input.preflight.proxyCacheTtl));
      const report = await diagnose(repo, {
        config,
        goEnv: config.goEnv,
        host: input.agent,
        parts: { modules: true, probe: false, host: false, lint: false },
        client,
        ...sig,
        ...(input.onProgress ? { onProgress: input.onProgress } : {}),
      });
      return { ...summarizeModules(report), proxyRequests: client.sent };
    }
    case 'probe': {
      const goInfo = await readGoEnvironment({ goEnv: config.goEnv, timeoutMs: 15_000, ...sig });
      const goEnv = effectiveGoEnv(config.goEnv, goInfo.env);
      const checks = await probeEndpoints(probeTargetsFromGoEnv(goEnv), {
        goEnv,
        timeoutMs: config.requestTimeoutMs,
        ...sig,
        ...(input.onProgress ? { onProgress: input.onProgress } : {}),
      });
      return summarizeProbe(checks, { now: Date.now(), certExpiryDays: input.preflight.certExpiryDays });
    }
    case 'readiness': {
      const target = await resolveTarget(repo, config, sig);
      try {
        const modcache = await agentModcache(undefined, config.goEnv, sig);
        const r = await checkModcacheReadiness(target.dir, modcache, { ...sig, goEnv: config.goEnv });
        const missing = r.missing.map((m) => `${m.path}@${m.version}`);
        const findings = readinessFindings(
          { repo, agent: input.agent, modcache, ready: r.ready, total: r.total, percent: r.percent, missing },
          input.preflight.readinessAlertBelow,
        );
        return {
          status: statusOf(findings),
          summary: `${r.ready}/${r.total} modules ready (${r.percent}%)${r.wouldPass ? '' : ': a proxy outage would break this build'}`,
          findings,
          readiness: { ready: r.ready, total: r.total, percent: r.percent, missing: missing.slice(0, 50) },
        };
      } finally {
        await target.cleanup();
      }
    }
    case 'drill':
      // The same drill as `/buildfix drill` (GOPROXY=off, temporary copies, the agent's cache read only).
      return summarizeDrill(repo, await drillOnHost(repo, config, sig));
    case 'host': {
      const checks = await checkHost({
        workspaceDir: input.preflight.workspaceDir ?? process.cwd(),
        thresholds: config.thresholds,
        goEnv: config.goEnv,
        privateHosts: privateHostsFromConfig(config),
        timeoutMs: 15_000,
        ...sig,
      });
      const disks = await diskSamples(checks.filter((c) => c.id.startsWith('disk:')).map((c) => c.id));
      const history = await input.store.history(input.agent, 'host', HOST_SCOPE, input.preflight.history);
      return summarizeHost(checks, disks, history, {
        now: Date.now(),
        diskTrendHours: input.preflight.diskTrendHours,
        minFreeBytes: config.thresholds.minFreeBytes,
      });
    }
    case 'credentials': {
      // go's variables as go sees them (go env -w included): GOPROXY URLs, GOPRIVATE.
      const goInfo = await readGoEnvironment({ goEnv: config.goEnv, timeoutMs: 15_000, ...sig }).catch(() => undefined);
      const goEnv = effectiveGoEnv(config.goEnv, goInfo?.env);
      const discovery = await discoverCredentials({
        targets: input.preflight.credentialHosts,
        env: process.env,
        goEnv,
        privateHosts: privateHostsFromConfig(config),
      });
      const states: CredentialState[] = [];
      // One request per token, one after the other, no retry: a few hosts at most, and repeated bad credentials lock a client out.
      for (const cred of discovery.found) {
        states.push(await askTokenExpiry(cred, { goEnv, sslCertFile: process.env.SSL_CERT_FILE, timeoutMs: config.requestTimeoutMs, signal }));
      }
      return summarizeCredentials(discovery, states, { now: Date.now(), days: input.preflight.credentialExpiryDays });
    }
  }
}

export async function runPreflightCheck(input: PreflightRunInput): Promise<PreflightResult> {
  const repo = REPO_CHECKS.has(input.check) ? (input.repo ?? HOST_SCOPE) : HOST_SCOPE;
  const startedAt = new Date();
  const t0 = performance.now();
  const base = { v: 1 as const, agent: input.agent, check: input.check, repo, startedAt: startedAt.toISOString() };
  const token = await input.store.tryLock(input.agent, input.check, repo, input.lockMs);
  if (!token) {
    const n = await input.store.noteSkipped(input.agent, input.check, repo);
    input.logger?.info({ check: input.check, repo, skipped: n }, 'pre-flight skipped: the previous run is still going');
    return {
      ...base,
      finishedAt: new Date().toISOString(),
      durationMs: 0,
      status: 'skipped',
      summary: 'skipped: the previous run is still going',
      findings: [],
    };
  }
  try {
    let body: RunBody;
    try {
      body = await runBody(input, repo);
    } catch (err) {
      if (input.signal?.aborted) throw err;
      body = { status: 'error', summary: `could not run: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`, findings: [] };
    }
    const result: PreflightResult = {
      ...base,
      ...body,
      finishedAt: new Date().toISOString(),
      durationMs: Math.round(performance.now() - t0),
    };
    await input.store.record(result, input.preflight.history);
    return result;
  } finally {
    await input.store.unlock(input.agent, input.check, repo, token).catch(() => undefined);
  }
}
