/**
 * The health report of one target (a configured repo, a path, a git URL) with
 * the configuration's clients: the GOPROXY client with the configured
 * request timeout and concurrency, the vulnerability database at
 * `health.vulndbUrl` through the same HTTP client, and `health` thresholds.
 * Shared by `buildfix health`, the `dependency-health` job and the digest.
 */
import type { Config } from '../config/load-config.ts';
import { resolveTarget } from '../engine/resolve-target.ts';
import { GoProxyClient } from '../goproxy/goproxy-client.ts';
import { buildHealthReport, type HealthReport } from './health-report.ts';
import { VulnDbClient } from './vulndb-client.ts';

export type HealthRunConfig = Pick<Config, 'repoUrlTemplate' | 'repos' | 'requestTimeoutMs' | 'concurrency' | 'health' | 'goEnv'>;

export interface RunHealthOptions {
  signal?: AbortSignal;
  /** Called when the report's checkout is located (progress lines). */
  onStage?: (message: string) => void;
}

export async function runHealthReport(targetInput: string, config: HealthRunConfig, options: RunHealthOptions = {}): Promise<HealthReport> {
  const target = await resolveTarget(targetInput, config, options.signal ? { signal: options.signal } : {});
  const client = new GoProxyClient({ goEnv: config.goEnv, timeoutMs: config.requestTimeoutMs, concurrency: config.concurrency });
  try {
    options.onStage?.(target.cloned ? `cloned ${target.origin} in ${target.cloneMs} ms` : `using ${target.dir}`);
    const { vulndbUrl, vulndbTimeoutMs, digest: _digest, ...thresholds } = config.health;
    const vulndb = new VulnDbClient({ url: vulndbUrl, http: client.http, timeoutMs: vulndbTimeoutMs ?? config.requestTimeoutMs });
    return await buildHealthReport(target.dir, {
      origin: target.origin,
      goEnv: config.goEnv,
      client,
      vulndb,
      thresholds,
      concurrency: Math.min(config.concurrency, 32),
      graphTimeoutMs: config.requestTimeoutMs * 20,
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } finally {
    await client.close();
    await target.cleanup();
  }
}
