/**
 * Which remediations a finished command recommends, as Commands a person can
 * run with one button (Slack) or copy from the terminal. Pure: the command,
 * its outcome and the config in; offers out. Nothing is checked against the
 * person here: a button checks whoever presses it, when they press it.
 *
 *   restart the agent        proxy/environment problems on a configured agent
 *   clean rebuild            corrupt or partial module downloads, when a Jenkins job is known for the repo
 *   clear the module cache   checksum mismatch, full disk, on a configured agent
 *   retry through another    proxy unreachable / TLS interception / rate limits, when the job
 *   GOPROXY                  takes a GOPROXY parameter (rebuild with an override)
 *   roll back                the code asks for something that does not exist, when a job is known
 */
import type { Config } from '../config/load-config.ts';
import type { JobOutcome } from '../jobs/job-types.ts';
import type { DiagnoseJobResult, HostCheckJobResult, ProbeJobResult } from '../jobs/job-results.ts';
import { findAgent } from '../jobs/validate-names.ts';
import type { CheckResult, Finding, FindingCategory, OriginVerdict } from '../report/model.ts';
import { looksPrivateModule } from '../checks/private-hosts.ts';
import { privateHostsFromConfig } from '../engine/diagnose.ts';
import { maskUrlCredentials } from '../util/redact.ts';
import { isKnownGoproxy, PUBLIC_GOPROXY, type GoproxyOverrideConfig } from '../goproxy/goproxy-override.ts';
import type { Command } from './parse-command.ts';

export interface Remediation {
  /** What the button runs (the same command a person could type). */
  command: Command;
  /** Short button label (Slack allows 75 characters). */
  label: string;
  /** Why it is offered: the finding it answers, one line. */
  reason: string;
  /**
   * Retry through another GOPROXY: the rebuild passes this as the job's
   * GOPROXY parameter (jobs.<job>.goproxyParam). The grammar has no flag
   * for it, so it travels beside the command.
   */
  goproxy?: string;
  /** danger: destroys state (cache, restart); primary: the recommended next step. */
  style?: 'primary' | 'danger';
}

export type RemediationConfig = Pick<Config, 'agents' | 'repos' | 'jobs'> & {
  mirrors?: readonly string[];
  /** This process's own GOPROXY: its entries may be offered too. */
  goEnv?: { GOPROXY?: string | undefined };
  /** When given, rebuild/rollback buttons need JENKINS_URL (a button for an action that cannot run is not shown). */
  env?: { JENKINS_URL?: string | undefined };
};

const MAX_OFFERS = 5;

// Finding categories → what helps, most useful first.
const RESTART_FOR: ReadonlySet<FindingCategory> = new Set(['corporate-proxy', 'proxy-config', 'host-environment', 'tls-interception']);
const CACHE_CLEAR_FOR: ReadonlySet<FindingCategory> = new Set(['checksum-mismatch', 'disk-full']);
const CLEAN_REBUILD_FOR: ReadonlySet<FindingCategory> = new Set(['checksum-mismatch', 'disk-full', 'missing-go-sum', 'vendor-missing']);
const OTHER_PROXY_FOR: ReadonlySet<FindingCategory> = new Set(['proxy-unreachable', 'tls-interception', 'rate-limited']);
const ROLLBACK_FOR: ReadonlySet<FindingCategory> = new Set([
  'version-not-found',
  'module-path-mismatch',
  'replace-directive',
  'retracted-version',
  'toolchain-mismatch',
]);

/** The command as the grammar spells it, so it can be re-parsed (button values, "run this" hints). */
export function formatCommand(command: Command): string {
  const q = (s: string): string => (/[\s"']/.test(s) ? `"${s.replace(/"/g, '')}"` : s);
  switch (command.kind) {
    case 'help':
      return command.topic ? `help ${q(command.topic)}` : 'help';
    case 'diagnose':
      return ['diagnose', q(command.repo), ...(command.host ? ['--host', command.host] : []), ...(command.job ? ['--job', q(command.job)] : [])].join(' ');
    case 'probe':
      return command.host ? `probe ${command.host}` : 'probe';
    case 'modules':
      return ['modules', q(command.repo), ...(command.host ? ['--host', command.host] : [])].join(' ');
    case 'hostcheck':
      return `hostcheck ${command.host}`;
    case 'envdiff':
      return `envdiff ${command.hosts.join(' ')}${command.since !== undefined ? ` --since ${q(command.since)}` : ''}`;
    case 'restart':
      return `restart ${command.agent}${command.force ? ' --force' : ''}`;
    case 'rebuild':
      return `rebuild ${q(command.job)}${command.clean ? ' --clean' : ''}`;
    case 'rollback':
      return `rollback ${q(command.job)}`;
    case 'cache-clear':
      return `cache clear ${command.agent}`;
    case 'cache-warm':
      return `cache warm ${command.agent} ${q(command.repo)}`;
    case 'drill':
      return ['drill', q(command.repo), ...(command.host ? ['--host', command.host] : [])].join(' ');
    case 'health':
      return ['health', q(command.repo), ...(command.host ? ['--host', command.host] : [])].join(' ');
    case 'status':
      return 'status';
    case 'explain':
      return `explain ${q(command.file)}`;
    case 'incident':
      return 'incident list';
  }
}

/** The Jenkins job that builds this command's repo: --job, else repos.<name>.job. */
export function jobForCommand(command: Command, config: RemediationConfig): string | undefined {
  if (command.kind === 'diagnose' && command.job) return command.job;
  if ((command.kind === 'diagnose' || command.kind === 'modules') && Object.hasOwn(config.repos, command.repo)) return config.repos[command.repo]?.job;
  return undefined;
}

/**
 * A GOPROXY to retry through: skip the first entry of the list that failed.
 * Only entries the configuration knows are offered (the official proxy, the
 * config's mirrors, serve's own GOPROXY, direct; see goproxy-override.ts), so
 * an unknown host from an agent's list never reaches a build. The answer is
 * masked: a configured mirror's credentials are never shown or put in a button.
 */
export function alternativeGoproxy(current: string | undefined, config: GoproxyOverrideConfig = {}): string {
  const entries = (current || `${PUBLIC_GOPROXY},direct`)
    .split(/[,|]/)
    .map((e) => e.trim())
    .filter(Boolean);
  const rest = entries.slice(1).filter((e) => e !== 'off');
  const known = rest.filter((e) => e === 'direct' || isKnownGoproxy(e, config));
  if (known.length > 0 && (known.length === rest.length || known.some((e) => e !== 'direct'))) return maskUrlCredentials(known.join(','));
  const first = entries[0]?.replace(/\/+$/, '');
  const next = [...(config.mirrors ?? []), PUBLIC_GOPROXY].map((m) => m.replace(/\/+$/, '')).find((m) => m !== first && maskUrlCredentials(m) !== first);
  return next ? `${maskUrlCredentials(next)},direct` : 'direct';
}

/** Private modules (on a host of a configured repo) are retried only direct, never through a proxy. */
function isPrivateFinding(f: Finding, config: RemediationConfig): boolean {
  return f.module !== undefined && looksPrivateModule(f.module, privateHostsFromConfig({ repos: config.repos, repoUrlTemplate: '' }));
}

function findingsOf(outcome: JobOutcome): {
  findings: Finding[];
  host: string | undefined;
  goproxy: string | undefined;
  verdict?: OriginVerdict['verdict'];
} {
  if (!outcome.ok) return { findings: [], host: outcome.host, goproxy: undefined };
  const result = outcome.result as Partial<DiagnoseJobResult & ProbeJobResult & HostCheckJobResult> | undefined;
  if (result?.report) {
    const facts = result.report.facts;
    return {
      findings: result.report.findings,
      host: result.report.host || outcome.host,
      goproxy: typeof facts.goproxy === 'string' ? facts.goproxy : undefined,
      ...(result.report.origin ? { verdict: result.report.origin.verdict } : {}),
    };
  }
  if (Array.isArray(result?.checks)) {
    const checks = result.checks as CheckResult[];
    return { findings: checks.flatMap((c) => c.findings), host: outcome.host, goproxy: typeof result.goproxy === 'string' ? result.goproxy : undefined };
  }
  return { findings: [], host: outcome.host, goproxy: undefined };
}

function describe(f: Finding): string {
  const subject = [f.module, f.version].filter(Boolean).join(' ');
  return `${f.category}${subject ? ` (${subject})` : ''}`;
}

/**
 * The remediations to offer for a finished command, most useful first, at
 * most five. Only blocking findings (severity error) count, and only names
 * the config knows are offered (an agent must be configured to restart it).
 */
export function suggestRemediations(command: Command, outcome: JobOutcome, config: RemediationConfig): Remediation[] {
  if (!['diagnose', 'modules', 'probe', 'hostcheck'].includes(command.kind)) return [];
  const { findings, host, goproxy, verdict } = findingsOf(outcome);
  // Rolling back rebuilds the last green revision: no use when the verdict says that revision fails now too
  // (environment/upstream) or the agent is at fault (the same revision built green elsewhere).
  const rollbackHelps = verdict !== 'agent' && verdict !== 'environment/upstream';
  const blocking = findings.filter((f) => f.severity === 'error');
  if (blocking.length === 0) return [];
  const agent = host === undefined ? undefined : findAgent(config, host);
  // Rebuild and rollback run through Jenkins: no button when it is not configured, no rollback without the job's revision parameter.
  const jenkins = config.env === undefined || Boolean(config.env.JENKINS_URL);
  const job = jenkins ? jobForCommand(command, config) : undefined;
  const offers: Remediation[] = [];
  const seen = new Set<string>();
  const offer = (r: Remediation): void => {
    const key = `${formatCommand(r.command)}|${r.goproxy ?? ''}`;
    if (seen.has(key) || offers.length >= MAX_OFFERS) return;
    seen.add(key);
    offers.push(r);
  };
  for (const f of blocking) {
    if (agent && RESTART_FOR.has(f.category)) {
      offer({
        command: { kind: 'restart', agent, force: false },
        label: `Restart ${agent} after fixing the environment`,
        reason: describe(f),
        style: 'danger',
      });
    }
    if (agent && CACHE_CLEAR_FOR.has(f.category)) {
      offer({ command: { kind: 'cache-clear', agent }, label: `Clear the module cache on ${agent}`, reason: describe(f), style: 'danger' });
    }
    if (job && CLEAN_REBUILD_FOR.has(f.category)) {
      offer({ command: { kind: 'rebuild', job, clean: true }, label: `Clean rebuild ${job}`, reason: describe(f), style: 'primary' });
    }
    if (job && OTHER_PROXY_FOR.has(f.category) && config.jobs[job]?.goproxyParam) {
      const other = isPrivateFinding(f, config) ? 'direct' : alternativeGoproxy(goproxy, config);
      offer({
        command: { kind: 'rebuild', job, clean: false },
        label: `Rebuild ${job} with GOPROXY=${other}`,
        reason: describe(f),
        goproxy: other,
        style: 'primary',
      });
    }
    if (job && rollbackHelps && ROLLBACK_FOR.has(f.category) && (config.env === undefined || config.jobs[job]?.revisionParam)) {
      offer({ command: { kind: 'rollback', job }, label: `Roll back ${job}`, reason: describe(f) });
    }
  }
  return offers;
}
