/** Renders chat messages for the terminal shell: the same content Slack shows, as text. */
import type { ChatMessage } from '../chat/chat-surface.ts';
import type { Command } from '../chat/parse-command.ts';
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
} from '../jobs/job-results.ts';
import { drillSummaryLines, warmSummaryLines } from '../modcache/render-modcache.ts';
import { healthHeadline, renderHealthReport } from '../health/render-health.ts';
import type { JobOutcome, JobSystemStatus } from '../jobs/job-types.ts';
import type { JenkinsExplainJobResult, JenkinsRebuildJobResult, JenkinsRestartAgentJobResult, JenkinsRollbackJobResult } from '../jobs/jenkins-job-types.ts';
import type { CheckResult } from '../report/model.ts';
import { plainMentions } from '../chat/mentions.ts';
import { renderExplanation } from './terminal-explanation.ts';
import { renderJenkinsExplain, renderJenkinsRebuild, renderJenkinsRestart, renderJenkinsRollback } from './terminal-jenkins.ts';
import { renderTerminalReport } from './terminal-report.ts';
import { createStyle, type Style } from './terminal-style.ts';
import { preflightStatusRows } from '../preflight/render.ts';
import type { PreflightResult } from '../preflight/types.ts';

const MARK: Record<string, string> = { pass: '✓', fail: '✗', warn: '!', skip: '-', error: '✗', info: 'i', running: '…' };

function ms(n: number | undefined): string {
  if (n === undefined) return '';
  return n >= 1000 ? `${(n / 1000).toFixed(1)} s` : `${Math.round(n)} ms`;
}

function renderChecks(checks: CheckResult[], s: Style): string {
  return checks
    .map((c) => {
      const mark = c.status === 'pass' ? s.green('✓') : c.status === 'warn' ? s.yellow('!') : c.status === 'skip' ? s.dim('-') : s.red('✗');
      const lines = [`  ${mark} ${c.title}${c.detail ? `  ${s.dim(c.detail)}` : ''}`];
      for (const f of c.findings.filter((x) => x.severity !== 'info'))
        lines.push(
          `      ${f.severity === 'error' ? s.red(f.category) : s.yellow(f.category)}  ${f.message}${f.fix ? `\n      ${s.cyan('fix:')} ${f.fix}` : ''}`,
        );
      return lines.join('\n');
    })
    .join('\n');
}

function renderCommandResult(r: CommandJobResult, s: Style): string {
  const out = [`  ${s.dim('$')} ${r.command}  ${s.dim(`exit ${r.exitCode} · ${ms(r.durationMs)}`)}`];
  if (r.outputTail.trim())
    out.push(
      ...r.outputTail
        .trimEnd()
        .split('\n')
        .slice(-15)
        .map((l) => `  ${s.dim('│')} ${l}`),
    );
  return out.join('\n');
}

function renderOutcome(command: Command, outcome: JobOutcome, s: Style): string {
  if (!outcome.ok) {
    return `${s.red('✗')} ${command.kind} failed${outcome.host ? ` on ${outcome.host}` : ''}: ${outcome.error.message}\n`;
  }
  const where = s.dim(`(from ${outcome.host}, ${ms(outcome.durationMs)})`);
  switch (outcome.name) {
    case 'diagnose':
    case 'modules':
      return renderTerminalReport((outcome.result as DiagnoseJobResult).report, { color: s.bold('x') !== 'x' });
    case 'probe': {
      const r = outcome.result as ProbeJobResult;
      return `${r.ok ? s.green('✓ network path is fine') : s.red('✗ network problems')} ${where}\n${s.dim(`GOPROXY=${r.goproxy} GOSUMDB=${r.gosumdb}`)}\n${renderChecks(r.checks, s)}\n`;
    }
    case 'host-check': {
      const r = outcome.result as HostCheckJobResult;
      return `${r.ok ? s.green('✓ host looks healthy') : s.red('✗ host problems')} ${where}\n${renderChecks(r.checks, s)}\n`;
    }
    case 'restart-agent':
      return `${s.green('✓')} agent restarted ${where}\n${renderCommandResult(outcome.result as CommandJobResult, s)}\n`;
    case 'warm-modcache': {
      const r = outcome.result as WarmModcacheJobResult;
      const lines = warmSummaryLines(r.readinessBefore, r.readinessAfter);
      return `${s.green('✓')} module cache warmed ${where}\n${lines.map((l) => `  ${l}\n`).join('')}${renderCommandResult(r, s)}\n`;
    }
    case 'clear-modcache': {
      const r = outcome.result as ClearModcacheJobResult;
      const freed = r.freedBytes !== undefined ? `, ${(r.freedBytes / 1024 / 1024).toFixed(0)} MiB freed` : '';
      return `${s.green('✓')} module cache cleared${r.modCacheDir ? ` (${r.modCacheDir}${freed})` : ''} ${where}\n${renderCommandResult(r, s)}\n`;
    }
    case 'modcache-drill': {
      const { headline, lines } = drillSummaryLines(outcome.result as ModcacheDrillJobResult);
      const ok = (outcome.result as ModcacheDrillJobResult).drill.passed;
      return `${ok ? s.green(`✓ ${headline}`) : s.red(`✗ ${headline}`)} ${where}\n${lines.map((l) => `  ${l}`).join('\n')}\n`;
    }
    case 'dependency-health': {
      const r = (outcome.result as DependencyHealthJobResult).report;
      const head = healthHeadline(r);
      return `${r.status === 'fail' ? s.red(`✗ ${head}`) : r.partial ? s.yellow(`! ${head}`) : s.green(`✓ ${head}`)} ${where}\n${renderHealthReport(r)}`;
    }
    case 'env-snapshot': {
      const r = outcome.result as EnvSnapshotJobResult;
      return `${r.host}: go ${r.goVersion ?? '(missing)'}\n${Object.entries(r.variables)
        .map(([k, v]) => `  ${k}=${v}`)
        .join('\n')}\n`;
    }
    case 'jenkins-rebuild':
      return renderJenkinsRebuild(outcome.result as JenkinsRebuildJobResult, where, s);
    case 'jenkins-rollback':
      return renderJenkinsRollback(outcome.result as JenkinsRollbackJobResult, where, s);
    case 'jenkins-restart-agent':
      return renderJenkinsRestart(outcome.result as JenkinsRestartAgentJobResult, where, s);
    case 'jenkins-explain':
      return renderJenkinsExplain(outcome.result as JenkinsExplainJobResult, where, s);
    default:
      return `${s.green('✓')} ${outcome.name} done ${where}\n`;
  }
}

function renderClusterStatus(
  status: JobSystemStatus,
  s: Style,
  preflight?: readonly PreflightResult[],
  drillMaxAgeDays?: number,
  undelivered?: readonly string[],
): string {
  const out = [
    s.bold(`jobs: ${status.mode === 'in-process' ? 'in-process (no REDIS_URL): this machine runs every job' : `BullMQ on ${status.redis?.url ?? 'Redis'}`}`),
  ];
  if (status.workers.length > 0) {
    out.push('workers:');
    for (const w of status.workers)
      out.push(`  ${w.host}  v${w.version}  ${w.state}  running ${w.running.length}  last seen ${ms(Math.max(0, Date.now() - Date.parse(w.lastSeen)))} ago`);
  } else if (status.mode === 'bullmq') out.push(s.yellow('no live workers'));
  if (status.queues.length > 0) {
    out.push('queues:');
    for (const q of status.queues) out.push(`  ${q.queue}  waiting ${q.waiting}  active ${q.active}  delayed ${q.delayed}  failed ${q.failed}`);
  }
  if (preflight) {
    out.push(preflight.length > 0 ? 'pre-flight (last result per agent and repo):' : 'pre-flight: no results yet');
    for (const row of preflightStatusRows(preflight, Date.now(), { drillMaxAgeDays })) out.push(`  ${row.filter(Boolean).join('  ')}`);
  }
  if (undelivered && undelivered.length > 0) out.push(s.red('Slack posts NOT delivered (given up on; newest first):'), ...undelivered);
  return `${out.join('\n')}\n`;
}

export function renderChatMessage(message: ChatMessage, options: { color: boolean }): string {
  const s = createStyle(options.color);
  switch (message.kind) {
    case 'text': {
      const tone = message.tone === 'error' ? s.red('✗ ') : message.tone === 'warning' ? s.yellow('! ') : message.tone === 'success' ? s.green('✓ ') : '';
      return `${tone}${plainMentions(message.text)}\n`;
    }
    case 'help':
      return `${plainMentions(message.text)}\n`;
    case 'status': {
      const head = message.state === 'queued' ? `⏳ ${message.title}${message.host ? ` (on ${message.host})` : ''} — queued` : '';
      return head ? `${head}\n` : '';
    }
    case 'result':
      return renderOutcome(message.command, message.outcome, s);
    case 'envdiff': {
      const d = message.diff;
      const out = [s.bold(`environment differences: ${d.hosts.join(' vs ')}`)];
      const differing = d.rows.filter((r) => r.differs);
      if (differing.length === 0) out.push(s.green('  no differences'));
      for (const r of differing) out.push(`  ${s.yellow('≠')} ${r.key}: ${d.hosts.map((h) => `${h}=${r.values[h]}`).join('  ')}`);
      for (const [h, why] of Object.entries(d.failed)) out.push(s.red(`  ✗ ${h}: ${why}`));
      return `${out.join('\n')}\n`;
    }
    case 'cluster-status':
      return renderClusterStatus(message.status, s, message.preflight, message.drillMaxAgeDays, message.undelivered);
    case 'confirm':
      return `${plainMentions(message.prompt)}\n`;
    case 'explanation':
      return renderExplanation(message.classification, { color: options.color, source: message.source });
  }
}

/** One progress line: "probing proxy.golang.org… 120 ms ✓". */
export function renderProgressLine(line: { step: string; message: string; status?: string; durationMs?: number }, options: { color: boolean }): string {
  const s = createStyle(options.color);
  const mark = line.status ? (MARK[line.status] ?? '') : '…';
  const colored = line.status === 'pass' ? s.green(mark) : line.status === 'fail' || line.status === 'error' ? s.red(mark) : s.dim(mark);
  return `  ${colored} ${line.message}${line.durationMs !== undefined ? s.dim(` ${ms(line.durationMs)}`) : ''}\n`;
}
