/**
 * Router extensions for the Jenkins commands. Their validators check the
 * names against the config before the router asks for confirmation; the
 * handlers check again (a Slack button may be old), then run the Jenkins jobs through `runJob` (progress streamed into
 * the chat, result posted):
 *
 *   restart <agent> [--force]   jenkins-restart-agent (drain, restart, back online)
 *   rebuild <job> [--clean]     jenkins-rebuild; a remediation button's `goproxy` rides along as the GOPROXY override
 *   rollback <job>              jenkins-rollback
 *   diagnose <repo> --job <j>   the diagnosis, then jenkins-explain of the job's last failed build
 *
 * Without JENKINS_URL none of these are registered, so the router's own
 * answers stand: restart runs the host worker's restart-agent job and
 * rebuild/rollback say Jenkins is not configured; `diagnose --job` runs the
 * diagnosis and says why the build log was not read.
 */
import type { Config } from '../../config/load-config.ts';
import { settleLogAgainstReport, settlementSentence, type SettledCause } from '../../incidents/settle-cause.ts';
import type { JenkinsExplainJobResult } from '../../jobs/jenkins-job-types.ts';
import type { DiagnoseJobResult } from '../../jobs/job-results.ts';
import type { JobOutcome } from '../../jobs/job-types.ts';
import { UsageError, userMessage } from '../../errors.ts';
import { JenkinsClient } from '../../clients/jenkins/jenkins-client.ts';
import { findAgent } from '../../jobs/validate-names.ts';
import { maskUrlCredentials } from '../../util/redact.ts';
import { resolveGoproxyOverride } from '../../goproxy/goproxy-override.ts';
import type { Requester } from '../chat-surface.ts';
import type { CommandExtension } from '../command-router.ts';
import type { RouterDeps, RouterPlugin } from '../router-plugin.ts';
import type { Command } from '../parse-command.ts';

const CONTROL = /[\u0000-\u001f\u007f]/g;

/** "Ann (U012ABC)": who asked, as Jenkins shows it in the offline message. */
export function describeRequester(requester: Requester): string {
  const label = requester.label?.replace(CONTROL, ' ').trim();
  const text = label && label !== requester.userId ? `${label} (${requester.userId})` : requester.userId;
  return text.slice(0, 100);
}

/** With jobs configured only those; with none, any job name the grammar accepted. */
export function checkConfiguredJob(job: string, config: Pick<Config, 'jobs'>): void {
  const known = Object.keys(config.jobs);
  if (known.length > 0 && !Object.hasOwn(config.jobs, job)) {
    throw new UsageError(`"${job}" is not a configured Jenkins job. Known jobs: ${known.join(', ')}`);
  }
}

function checkConfiguredAgent(agent: string, config: Pick<Config, 'agents'>): string {
  const known = Object.keys(config.agents);
  if (known.length === 0) return agent;
  const found = findAgent(config, agent);
  if (found === undefined) throw new UsageError(`"${agent}" is not a configured agent. Known agents: ${known.join(', ')}`);
  return found;
}

/** The GOPROXY a "retry through another proxy" button attached to a rebuild command. */
function goproxyOf(command: Command): string | undefined {
  const value = (command as { goproxy?: unknown }).goproxy;
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function jenkinsPlugin(deps: RouterDeps): RouterPlugin {
  const config = deps.config;

  const diagnoseWithoutJenkins: CommandExtension = async (command, requester, surface, router) => {
    await router.runJob(command, router.planJob(command), requester, surface);
    if (command.kind === 'diagnose' && command.job) {
      await surface.whisper({
        kind: 'text',
        tone: 'warning',
        text: `--job ${command.job}: Jenkins is not configured here (set JENKINS_URL, JENKINS_USER, JENKINS_API_TOKEN), so its last failed build was not read.`,
      });
    }
  };
  if (!config.env.JENKINS_URL) return { commands: { diagnose: diagnoseWithoutJenkins } };

  // Checked before the confirmation is asked (CommandRouter.checkRunnable) and again when run (a button may be old).
  const validators: NonNullable<RouterPlugin['validators']> = {
    restart: (command) => {
      if (command.kind === 'restart') checkConfiguredAgent(command.agent, config);
    },
    rebuild: (command) => {
      if (command.kind !== 'rebuild') return;
      checkConfiguredJob(command.job, config);
      const goproxy = goproxyOf(command);
      if (goproxy !== undefined && !config.jobs[command.job]?.goproxyParam) {
        throw new UsageError(
          `cannot rebuild ${command.job} through GOPROXY=${maskUrlCredentials(goproxy)}: set jobs.${command.job}.goproxyParam in the buildfix config to the job's GOPROXY parameter`,
        );
      }
      if (goproxy !== undefined) resolveGoproxyOverride(goproxy, config);
    },
    rollback: (command) => {
      if (command.kind !== 'rollback') return;
      checkConfiguredJob(command.job, config);
      if (!config.jobs[command.job]?.revisionParam) {
        throw new UsageError(
          `rollback of ${command.job} needs the job's revision parameter: set jobs.${command.job}.revisionParam in the buildfix config (a string parameter the job checks out)`,
        );
      }
    },
  };

  const restart: CommandExtension = async (command, requester, surface, router) => {
    if (command.kind !== 'restart') return;
    const agent = checkConfiguredAgent(command.agent, config);
    const payload = {
      agent,
      force: command.force,
      requestedBy: describeRequester(requester),
      reason: `buildfix restart${command.force ? ' --force' : ''} from chat`,
    };
    await router.runJob(command, { name: 'jenkins-restart-agent', payload, title: `restart ${agent}${command.force ? ' (force)' : ''}` }, requester, surface);
  };

  const rebuild: CommandExtension = async (command, requester, surface, router) => {
    if (command.kind !== 'rebuild') return;
    validators.rebuild?.(command);
    const override = goproxyOf(command);
    // Checked against the config here; the job carries the masked list and the worker maps it back to
    // the configured URLs, so a mirror's credentials never sit in Redis or in a message.
    const goproxy = override === undefined ? undefined : resolveGoproxyOverride(override, config);
    const payload = { job: command.job, clean: command.clean, ...(goproxy === undefined ? {} : { overrides: { GOPROXY: goproxy.shown } }) };
    const title = `${command.clean ? 'clean rebuild' : 'rebuild'} ${command.job}${goproxy === undefined ? '' : ` with GOPROXY=${goproxy.shown}`}`;
    await router.runJob(command, { name: 'jenkins-rebuild', payload, title }, requester, surface);
  };

  const rollback: CommandExtension = async (command, requester, surface, router) => {
    if (command.kind !== 'rollback') return;
    validators.rollback?.(command);
    await router.runJob(command, { name: 'jenkins-rollback', payload: { job: command.job }, title: `roll back ${command.job}` }, requester, surface);
  };

  const diagnose: CommandExtension = async (command, requester, surface, router) => {
    if (command.kind !== 'diagnose') return;
    if (command.job) checkConfiguredJob(command.job, config);
    const diagnosed = await router.runJob(command, router.planJob(command), requester, surface);
    if (command.job) {
      const explained = await router.runJob(
        command,
        { name: 'jenkins-explain', payload: { job: command.job }, title: `explain the last failed build of ${command.job}` },
        requester,
        surface,
      );
      // The build's log and the live diagnosis answer the same question: say whether they agree.
      const text = settlementSentence(settleLogWithDiagnosis(explained, diagnosed));
      if (text) await surface.post({ kind: 'text', tone: 'info', text });
    }
  };

  // `status` also shows the Jenkins agents (online, drained, busy executors), read directly: it changes nothing.
  const status: CommandExtension = async (command, _requester, surface, router) => {
    if (command.kind !== 'status') return;
    await surface.post(await router.clusterStatus());
    const client = new JenkinsClient({
      baseUrl: config.env.JENKINS_URL ?? '',
      user: config.env.JENKINS_USER ?? '',
      apiToken: config.env.JENKINS_API_TOKEN ?? '',
      timeoutMs: 10_000,
    });
    try {
      const nodes = await client.listNodes();
      const lines = nodes.map((n) => {
        const state = n.offline
          ? n.temporarilyOffline
            ? `temporarily offline${n.offlineCauseReason ? ` (${n.offlineCauseReason})` : ''}`
            : 'offline'
          : 'online';
        return `• ${n.name}: ${state}, ${n.busyExecutors}/${n.numExecutors} executors busy${n.idle ? ', idle' : ''}`;
      });
      await surface.post({ kind: 'text', tone: 'info', text: `Jenkins agents (${nodes.length}):\n${lines.join('\n') || '(none)'}` });
    } catch (err) {
      await surface.post({ kind: 'text', tone: 'warning', text: `Jenkins agents could not be read: ${userMessage(err)}` });
    } finally {
      await client.close();
    }
  };

  return { commands: { restart, rebuild, rollback, diagnose, status }, validators };
}

/** The last failed build's classification against the diagnosis that ran just before it (settle-cause.ts). */
function settleLogWithDiagnosis(explained: JobOutcome, diagnosed: JobOutcome): SettledCause | undefined {
  const classification = explained.ok ? (explained.result as Partial<JenkinsExplainJobResult> | undefined)?.classification : undefined;
  const report = diagnosed.ok ? (diagnosed.result as Partial<DiagnoseJobResult> | undefined)?.report : undefined;
  if (!classification || !report || !Array.isArray(report.findings)) return undefined;
  return settleLogAgainstReport(
    classification,
    { ok: report.ok === true, findings: report.findings, ...(report.host ? { host: report.host } : {}) },
    new Date().toISOString(),
  );
}
