/**
 * A finished job as Block Kit, posted in the command's thread: the report
 * (root cause first) or the action's result, then remediation buttons.
 */
import { suggestRemediations } from '../../chat/remediations.ts';
import type { Command } from '../../chat/parse-command.ts';
import type {
  ClearModcacheJobResult,
  CommandJobResult,
  DiagnoseJobResult,
  EnvSnapshotJobResult,
  HostCheckJobResult,
  ModcacheDrillJobResult,
  ProbeJobResult,
  WarmModcacheJobResult,
  DependencyHealthJobResult,
} from '../../jobs/job-results.ts';
import { drillSummaryLines, warmSummaryLines } from '../../modcache/render-modcache.ts';
import { healthHeadline, renderHealthReport } from '../../health/render-health.ts';
import type { JobOutcome } from '../../jobs/job-types.ts';
import type { JenkinsExplainJobResult, JenkinsRebuildJobResult, JenkinsRestartAgentJobResult, JenkinsRollbackJobResult } from '../../jobs/jenkins-job-types.ts';
import { clip, codeBlock, context, escapeMrkdwn, fitBlocks, formatMs, LIMITS, mentionUser, section, tail, type KnownBlock } from './block-kit.ts';
import { jenkinsExplainBlocks, jenkinsRebuildBlocks, jenkinsRestartBlocks, jenkinsRollbackBlocks } from './jenkins-result-blocks.ts';
import { remediationBlocks } from './remediation-blocks.ts';
import { checkLine, listSections, renderReportBlocks } from './report-blocks.ts';
import type { RenderContext, SlackFile, SlackMessage } from './slack-message.ts';

function commandBlocks(r: CommandJobResult): KnownBlock[] {
  const blocks = [section(`\`$ ${escapeMrkdwn(clip(r.command, 500))}\` · exit ${r.exitCode} · ${formatMs(r.durationMs)}`)];
  if (r.outputTail.trim()) blocks.push(section(codeBlock(tail(r.outputTail.trimEnd(), 2800))));
  return blocks;
}

function checksBlocks(title: string, checks: ProbeJobResult['checks']): { blocks: KnownBlock[]; truncated: boolean } {
  const lines: string[] = [];
  for (const c of checks) {
    lines.push(checkLine(c));
    for (const f of c.findings.filter((x) => x.severity !== 'info'))
      lines.push(`      \`${f.category}\` ${escapeMrkdwn(f.message)}${f.fix ? ` _Fix:_ ${escapeMrkdwn(f.fix)}` : ''}`);
  }
  return listSections(title, lines, 6);
}

export function renderResult(command: Command, outcome: JobOutcome, requestedBy: string | undefined, ctx: RenderContext): SlackMessage {
  const who = context([
    `asked by ${mentionUser(requestedBy)}`,
    `job \`${escapeMrkdwn(outcome.jobId)}\``,
    `${outcome.attempts > 1 ? `${outcome.attempts} attempts · ` : ''}${formatMs(outcome.durationMs)}`,
  ]);
  if (!outcome.ok) {
    const blocks = [
      section(
        `❌ *${escapeMrkdwn(command.kind)} failed*${outcome.host ? ` on \`${escapeMrkdwn(outcome.host)}\`` : ''}: ${escapeMrkdwn(outcome.error.message)}`,
      ),
    ];
    const tailText = typeof outcome.error.details?.stderrTail === 'string' ? outcome.error.details.stderrTail : undefined;
    if (tailText?.trim()) blocks.push(section(codeBlock(tail(tailText, 2500))));
    blocks.push(who);
    return { text: clip(`${command.kind} failed: ${outcome.error.message}`, LIMITS.fallbackText), blocks };
  }
  let blocks: KnownBlock[] = [];
  let text: string;
  let file: SlackFile | undefined;
  const where = `from \`${escapeMrkdwn(outcome.host)}\``;
  switch (outcome.name) {
    case 'diagnose':
    case 'modules': {
      const r = renderReportBlocks((outcome.result as DiagnoseJobResult).report);
      blocks = r.blocks;
      text = r.text;
      file = r.file;
      break;
    }
    case 'probe': {
      const r = outcome.result as ProbeJobResult;
      const list = checksBlocks(
        `${r.ok ? '✅ *Network path is fine*' : '❌ *Network problems*'} ${where}\n\`GOPROXY=${escapeMrkdwn(r.goproxy)}\` \`GOSUMDB=${escapeMrkdwn(r.gosumdb)}\``,
        r.checks,
      );
      blocks = list.blocks;
      text = r.ok ? `Network path is fine from ${outcome.host}` : `Network problems from ${outcome.host}`;
      break;
    }
    case 'host-check': {
      const r = outcome.result as HostCheckJobResult;
      blocks = checksBlocks(`${r.ok ? '✅ *Host looks healthy*' : '❌ *Host problems*'} ${where}`, r.checks).blocks;
      text = r.ok ? `${outcome.host} looks healthy` : `${outcome.host} has problems`;
      break;
    }
    case 'restart-agent':
      blocks = [section(`✅ *Agent restarted* ${where}`), ...commandBlocks(outcome.result as CommandJobResult)];
      text = `Agent ${outcome.host} restarted`;
      break;
    case 'warm-modcache': {
      const r = outcome.result as WarmModcacheJobResult;
      const lines = warmSummaryLines(r.readinessBefore, r.readinessAfter);
      blocks = [section(`✅ *Module cache warmed* ${where}${lines.length > 0 ? `\n${lines.map(escapeMrkdwn).join('\n')}` : ''}`), ...commandBlocks(r)];
      text = `Module cache warmed on ${outcome.host}`;
      break;
    }
    case 'clear-modcache': {
      const r = outcome.result as ClearModcacheJobResult;
      const freed = r.freedBytes !== undefined ? `, ${(r.freedBytes / 1024 / 1024).toFixed(0)} MiB freed` : '';
      blocks = [section(`✅ *Module cache cleared* ${where}${r.modCacheDir ? ` (\`${escapeMrkdwn(r.modCacheDir)}\`${freed})` : ''}`), ...commandBlocks(r)];
      text = `Module cache cleared on ${outcome.host}`;
      break;
    }
    case 'modcache-drill': {
      const r = outcome.result as ModcacheDrillJobResult;
      const { headline, lines } = drillSummaryLines(r);
      blocks = [section(`${r.drill.passed ? '✅' : '❌'} *${escapeMrkdwn(headline)}* ${where}`), section(codeBlock(lines.join('\n')))];
      text = headline;
      break;
    }
    case 'dependency-health': {
      const r = (outcome.result as DependencyHealthJobResult).report;
      const full = renderHealthReport(r);
      const icon = r.status === 'fail' ? '❌' : r.partial ? '⚠️' : '✅';
      blocks = [section(`${icon} *${escapeMrkdwn(healthHeadline(r))}* ${where}`), section(codeBlock(clip(full, 2800)))];
      text = healthHeadline(r);
      if (full.length > 2800) file = { filename: 'buildfix-health.txt', title: `Dependency health: ${r.repo}`, content: full };
      break;
    }
    case 'env-snapshot': {
      const r = outcome.result as EnvSnapshotJobResult;
      const vars = Object.entries(r.variables)
        .map(([k, v]) => `${k}=${v}`)
        .join('\n');
      blocks = [section(`*${escapeMrkdwn(r.host)}*: go ${escapeMrkdwn(r.goVersion ?? '(missing)')}`), section(codeBlock(vars || '(no variables)'))];
      text = `Environment of ${r.host}`;
      break;
    }
    case 'jenkins-rebuild':
      ({ blocks, text } = jenkinsRebuildBlocks(outcome.result as JenkinsRebuildJobResult, where));
      break;
    case 'jenkins-rollback':
      ({ blocks, text } = jenkinsRollbackBlocks(outcome.result as JenkinsRollbackJobResult, where));
      break;
    case 'jenkins-restart-agent':
      ({ blocks, text } = jenkinsRestartBlocks(outcome.result as JenkinsRestartAgentJobResult, where));
      break;
    case 'jenkins-explain':
      ({ blocks, text } = jenkinsExplainBlocks(outcome.result as JenkinsExplainJobResult, where));
      break;
    default:
      blocks = [section(`✅ *${escapeMrkdwn(outcome.name)}* done ${where}`)];
      text = `${outcome.name} done on ${outcome.host}`;
  }
  const buttons = remediationBlocks(suggestRemediations(command, outcome, ctx.config));
  const fitted = fitBlocks([...blocks, who, ...buttons]);
  if (fitted.truncated && !file)
    file = { filename: `buildfix-${outcome.name}.json`, title: `Full result of ${outcome.name}`, content: JSON.stringify(outcome.result, null, 2) };
  return { text: clip(text, LIMITS.fallbackText), blocks: fitted.blocks, ...(file ? { file } : {}) };
}
