/** Block Kit for the Jenkins job results: rebuild, rollback, agent restart and a failed build's log explained. */
import { formatDuration } from '../../clients/jenkins/wait.ts';
import type {
  BuildLogDiagnosis,
  JenkinsBuildSummary,
  JenkinsExplainJobResult,
  JenkinsRebuildJobResult,
  JenkinsRestartAgentJobResult,
  JenkinsRollbackJobResult,
} from '../../jobs/jenkins-job-types.ts';
import { codeBlock, escapeMrkdwn, section, type KnownBlock } from './block-kit.ts';
import { renderExplanationBlocks } from './misc-blocks.ts';

export interface JenkinsBlocks {
  blocks: KnownBlock[];
  text: string;
}

// Only plain http(s) URLs become links; anything else is shown as escaped text.
function link(url: string, text: string): string {
  return /^https?:\/\/[^\s<>|]+$/.test(url) ? `<${url}|${escapeMrkdwn(text)}>` : escapeMrkdwn(text);
}

function buildText(b: JenkinsBuildSummary): string {
  const mark = b.result === 'SUCCESS' ? '✅' : b.result === 'UNSTABLE' ? '⚠️' : '❌';
  return `${mark} ${link(b.url, `#${b.number}`)} *${escapeMrkdwn(b.result ?? 'still running')}*${b.durationMs === null ? '' : ` in ${formatDuration(b.durationMs)}`}`;
}

function logBlocks(log: BuildLogDiagnosis | undefined, number: number): KnownBlock[] {
  if (!log) return [];
  if (log.classification) return renderExplanationBlocks(log.classification, `console log of #${number}`).blocks;
  return log.unavailable ? [section(`⚠️ ${escapeMrkdwn(log.unavailable)}`)] : [];
}

export function jenkinsRebuildBlocks(r: JenkinsRebuildJobResult, where: string): JenkinsBlocks {
  const lines = [`${buildText(r.build)} · *${r.clean ? 'clean rebuild' : 'rebuild'}* of \`${escapeMrkdwn(r.job)}\` ${where}`];
  if (r.cleanMethod) lines.push(r.cleanMethod === 'wipe-out' ? 'Workspace wiped out before the build.' : 'Workspace cleaned by the job (clean parameter set).');
  const overrides = Object.entries(r.appliedOverrides);
  if (overrides.length > 0) lines.push(`Parameters: ${overrides.map(([k, v]) => `\`${escapeMrkdwn(`${k}=${v}`)}\``).join(' ')}`);
  for (const note of r.notes) lines.push(`_Note:_ ${escapeMrkdwn(note)}`);
  return {
    blocks: [section(lines.join('\n')), ...logBlocks(r.log, r.build.number)],
    text: `${r.clean ? 'Clean rebuild' : 'Rebuild'} of ${r.job}: #${r.build.number} ${r.build.result ?? 'running'}`,
  };
}

export function jenkinsRollbackBlocks(r: JenkinsRollbackJobResult, where: string): JenkinsBlocks {
  const head = `${buildText(r.build)} · \`${escapeMrkdwn(r.job)}\` *${escapeMrkdwn(r.summary)}*${r.branch ? ` on \`${escapeMrkdwn(r.branch)}\`` : ''} ${where}`;
  const from = `From ${link(r.from.url, `#${r.from.number}`)} · revision \`${escapeMrkdwn(r.sha)}\``;
  return {
    blocks: [section(`${head}\n${from}`), ...logBlocks(r.log, r.build.number)],
    text: `${r.job} ${r.summary}: #${r.build.number} ${r.build.result ?? 'running'}`,
  };
}

export function jenkinsRestartBlocks(r: JenkinsRestartAgentJobResult, where: string): JenkinsBlocks {
  const steps = r.steps
    .map((s) => `${s.status === 'done' ? '✓' : '-'} ${s.step.padEnd(12)} ${formatDuration(s.durationMs).padStart(8)}  ${s.detail ?? ''}`)
    .join('\n');
  const state = r.final.temporarilyOffline
    ? `⚠️ still marked temporarily offline ("${escapeMrkdwn(r.final.offlineCauseReason)}")`
    : r.final.connected === false
      ? '⚠️ disconnected'
      : '🟢 online';
  const blocks: KnownBlock[] = [section(`✅ *${escapeMrkdwn(r.summary)}* ${where}\nNow: ${state}`), section(codeBlock(steps || '(no steps)'))];
  if (r.worker) blocks.push(section(`\`$ ${escapeMrkdwn(r.worker.command)}\` · exit ${r.worker.exitCode} on \`${escapeMrkdwn(r.worker.host)}\``));
  return { blocks, text: r.summary };
}

export function jenkinsExplainBlocks(r: JenkinsExplainJobResult, where: string): JenkinsBlocks {
  if (!r.build)
    return { blocks: [section(`✅ \`${escapeMrkdwn(r.job)}\` has no failed build: nothing to explain ${where}`)], text: `${r.job} has no failed build` };
  const head = section(
    `*Last failed build of \`${escapeMrkdwn(r.job)}\`:* ${link(r.build.url, `#${r.build.number}`)} ${escapeMrkdwn(r.build.result ?? '')} ${where}`,
  );
  const explained = r.classification ? renderExplanationBlocks(r.classification, `console log of #${r.build.number}`) : undefined;
  return { blocks: [head, ...(explained?.blocks ?? [])], text: `${r.job} #${r.build.number}: ${explained?.text ?? 'log not classified'}` };
}
