/**
 * The typed result of each job (the `result` of a successful outcome). Types
 * only, so the chat side can render results without loading engine code.
 */
import type { EnvFacts } from '../changes/env-history.ts';
import type { EnvironmentSnapshot } from '../checks/host-check.ts';
import type { PreflightResult } from '../preflight/types.ts';
import type { CheckResult, DiagnosisReport, EnvChange } from '../report/model.ts';
import type { HealthReport } from '../health/health-report.ts';

export interface DiagnoseJobResult {
  report: DiagnosisReport;
}

export interface ModulesJobResult {
  report: DiagnosisReport;
}

export interface ProbeJobResult {
  /** True when no check failed. */
  ok: boolean;
  /** The GOPROXY / GOSUMDB that were probed (credentials masked). */
  goproxy: string;
  gosumdb: string;
  checks: CheckResult[];
}

export interface HostCheckJobResult {
  ok: boolean;
  checks: CheckResult[];
}

/** A host action that ran one command. Tails are redacted and bounded. */
export interface CommandJobResult {
  /** The argv joined for display (redacted). */
  command: string;
  exitCode: number;
  durationMs: number;
  /** Last lines of stdout and stderr together. */
  outputTail: string;
}

export interface RestartAgentJobResult extends CommandJobResult {
  agent: string;
}

export interface ClearModcacheJobResult extends CommandJobResult {
  /** GOMODCACHE on that host. */
  modCacheDir?: string;
  /** Free bytes on the module cache's volume after minus before, when measurable. */
  freedBytes?: number;
}

/** Module-cache readiness at one moment (src/modcache/readiness.ts), compact. */
export interface ReadinessSummary {
  ready: number;
  total: number;
  percent: number;
  /** path@version of the modules not ready (at most 200). */
  missing: string[];
}

export interface WarmModcacheJobResult extends CommandJobResult {
  /** Where the repo came from (credentials masked). */
  repo: string;
  /** Readiness before and after go mod download (absent when it could not be measured): the modules before.missing are what the warm-up fetched. */
  readinessBefore?: ReadinessSummary;
  readinessAfter?: ReadinessSummary;
}

/** `drill`: module-cache readiness and the offline `go mod download` on that host. */
export interface ModcacheDrillJobResult {
  /** Where the repo came from (credentials masked). */
  repo: string;
  /** The host's GOMODCACHE (read only). */
  modcache: string;
  readiness: { ready: number; total: number; percent: number; missing: Array<{ path: string; version: string; problems: string[] }> };
  drill: { passed: boolean; failures: Array<{ path: string; version: string; message: string }>; otherErrors: string[]; durationMs: number };
}

/** `health`: the dependency health report of a repo, as seen from that host (src/health). */
export interface DependencyHealthJobResult {
  report: HealthReport;
}

export interface Lockfiles {
  goMod: boolean;
  goSum: boolean;
  goWorkSum: boolean;
  vendorModulesTxt: boolean;
}

export interface EnvSnapshotJobResult extends EnvironmentSnapshot {
  /** Present when a repo was given: which lockfiles its checkout on that host has. */
  lockfiles?: Lockfiles;
  /** Where the repo came from when one was given. */
  repo?: string;
}

export interface NoopJobResult {
  sleptMs: number;
}

/** `preflight`: the stored result of one scheduled check (status "skipped" when the previous run was still going). */
export type PreflightJobResult = PreflightResult;

/** `env-history`: an agent's environment at a time against now (envdiff --since). */
export interface EnvHistoryJobResult {
  agent: string;
  /** The time compared with (ISO) and what it was: "01:05 UTC", "Jenkins build #41 of payments/main". */
  at: string;
  atLabel: string;
  change: EnvChange;
  /** The snapshot in effect then and the newest one (masked), when recorded. */
  baseline?: EnvFacts;
  current?: EnvFacts;
}
