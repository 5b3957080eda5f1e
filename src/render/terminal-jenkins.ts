/** Terminal rendering of the Jenkins job results (rebuild, rollback, agent restart, build log explanation). */
import { formatDuration } from '../clients/jenkins/wait.ts';
import type {
  BuildLogDiagnosis,
  JenkinsBuildSummary,
  JenkinsExplainJobResult,
  JenkinsRebuildJobResult,
  JenkinsRestartAgentJobResult,
  JenkinsRollbackJobResult,
} from '../jobs/jenkins-job-types.ts';
import { renderExplanation } from './terminal-explanation.ts';
import type { Style } from './terminal-style.ts';

const STEP_MARK: Record<string, string> = { done: '✓', skipped: '-', failed: '✗', running: '…' };

function buildLine(b: JenkinsBuildSummary, s: Style): string {
  const result = b.result ?? 'still running';
  const mark = b.result === 'SUCCESS' ? s.green('✓') : b.result === 'UNSTABLE' ? s.yellow('!') : s.red('✗');
  const took = b.durationMs === null ? '' : ` in ${formatDuration(b.durationMs)}`;
  return `${mark} ${b.job} #${b.number} ${b.result === 'SUCCESS' ? s.green(result) : s.red(result)}${took}`;
}

function logSection(log: BuildLogDiagnosis | undefined, number: number, s: Style): string {
  if (!log) return '';
  if (log.classification) return renderExplanation(log.classification, { color: s.bold('x') !== 'x', source: `console log of #${number}` });
  return log.unavailable ? `${s.yellow('!')} ${log.unavailable}\n` : '';
}

export function renderJenkinsRebuild(r: JenkinsRebuildJobResult, where: string, s: Style): string {
  const out = [`${buildLine(r.build, s)}  ${s.bold(r.clean ? 'clean rebuild' : 'rebuild')} ${where}`, `  ${r.build.url}`];
  if (r.cleanMethod)
    out.push(`  ${s.dim('workspace:')} ${r.cleanMethod === 'wipe-out' ? 'wiped out before the build' : 'cleaned by the job (clean parameter set)'}`);
  const overrides = Object.entries(r.appliedOverrides);
  if (overrides.length > 0) out.push(`  ${s.dim('parameters:')} ${overrides.map(([k, v]) => `${k}=${v}`).join(' ')}`);
  for (const note of r.notes) out.push(`  ${s.dim('note:')} ${note}`);
  return `${out.join('\n')}\n${logSection(r.log, r.build.number, s)}`;
}

export function renderJenkinsRollback(r: JenkinsRollbackJobResult, where: string, s: Style): string {
  const out = [
    `${buildLine(r.build, s)}  ${s.bold(r.summary)}${r.branch ? ` on ${r.branch}` : ''} ${where}`,
    `  ${s.dim('from')} ${r.from.url}  ${s.dim('→')} ${r.build.url}`,
    `  ${s.dim('revision')} ${r.sha}`,
  ];
  return `${out.join('\n')}\n${logSection(r.log, r.build.number, s)}`;
}

export function renderJenkinsRestart(r: JenkinsRestartAgentJobResult, where: string, s: Style): string {
  const out = [`${s.green('✓')} ${r.summary} ${where}`];
  for (const step of r.steps)
    out.push(
      `  ${step.status === 'done' ? s.green(STEP_MARK.done as string) : s.dim(STEP_MARK[step.status] ?? '')} ${step.step.padEnd(12)} ${s.dim(formatDuration(step.durationMs).padStart(8))}  ${step.detail ?? ''}`,
    );
  if (r.worker) out.push(`  ${s.dim('$')} ${r.worker.command}  ${s.dim(`exit ${r.worker.exitCode} on ${r.worker.host}`)}`);
  const state = r.final.temporarilyOffline
    ? s.yellow(`marked temporarily offline ("${r.final.offlineCauseReason}")`)
    : r.final.connected === false
      ? s.yellow('disconnected')
      : s.green('online');
  out.push(`  ${s.dim('now:')} ${state}`);
  return `${out.join('\n')}\n`;
}

export function renderJenkinsExplain(r: JenkinsExplainJobResult, where: string, s: Style): string {
  if (!r.build) return `${s.green('✓')} ${r.job} has no failed build: nothing to explain ${where}\n`;
  const head = `${s.bold(`last failed build of ${r.job}`)}: #${r.build.number} ${r.build.result ?? ''} ${r.build.url} ${where}\n`;
  return r.classification ? `${head}${renderExplanation(r.classification, { color: s.bold('x') !== 'x', source: `console log of #${r.build.number}` })}` : head;
}
