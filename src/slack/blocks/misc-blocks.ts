/** Renderers for the small message kinds: text, help, envdiff, cluster status, log explanation. */
import type { ChatMessage, Tone } from '../../chat/chat-surface.ts';
import type { Classification } from '../../classify/classify-log.ts';
import { candidateChecks, candidatesHeading, namedCause, otherCause } from '../../classify/other-cause.ts';
import type { EnvDiff } from '../../chat/env-diff.ts';
import type { JobSystemStatus } from '../../jobs/job-types.ts';
import { renderExplanation } from '../../render/terminal-explanation.ts';
import { clip, codeBlock, context, escapeMrkdwn, formatMs, header, LIMITS, section, type KnownBlock } from './block-kit.ts';
import { listSections } from './report-blocks.ts';
import type { SlackMessage } from './slack-message.ts';
import { preflightStatusMrkdwn } from '../../preflight/render.ts';
import type { PreflightResult } from '../../preflight/types.ts';

const TONE: Record<Tone, string> = { info: 'ℹ️', success: '✅', warning: '⚠️', error: '❌' };

export function renderText(message: Extract<ChatMessage, { kind: 'text' }>): SlackMessage {
  const mark = message.tone ? `${TONE[message.tone]} ` : '';
  const text = message.text.includes('\n')
    ? `${mark}${escapeMrkdwn(message.text.split('\n')[0] ?? '')}\n${codeBlock(message.text.split('\n').slice(1).join('\n'), 2800)}`
    : `${mark}${escapeMrkdwn(message.text)}`;
  return { text: clip(message.text, LIMITS.fallbackText), blocks: [section(text)] };
}

/** Help and usage errors: the first line as prose, the usage lines as code. */
export function renderHelpText(help: string): SlackMessage {
  const [first, ...rest] = help.split('\n');
  const blocks: KnownBlock[] = [section(escapeMrkdwn(first ?? ''))];
  if (rest.length > 0) blocks.push(section(codeBlock(rest.join('\n'))));
  return { text: clip(help, LIMITS.fallbackText), blocks };
}

export function renderEnvDiff(diff: EnvDiff): SlackMessage {
  const differing = diff.rows.filter((r) => r.differs);
  const blocks: KnownBlock[] = [header(`Environment: ${diff.hosts.join(' vs ')}`)];
  let truncated = false;
  if (differing.length === 0)
    blocks.push(section(diff.hosts.length > 1 ? '✅ No differences in Go and proxy settings.' : 'Only one agent answered: nothing to compare.'));
  else {
    const rows = differing.map((r) => `≠ ${r.key}\n${diff.hosts.map((h) => `    ${h}: ${r.values[h] ?? '(unset)'}`).join('\n')}`);
    const text = rows.join('\n');
    truncated = text.length > 2800;
    blocks.push(section(`*${differing.length} difference${differing.length === 1 ? '' : 's'}:*\n${codeBlock(text, 2900)}`));
  }
  const same = diff.rows.length - differing.length;
  if (same > 0) blocks.push(context([`${same} setting${same === 1 ? '' : 's'} identical`]));
  for (const [h, why] of Object.entries(diff.failed)) blocks.push(section(`❌ *${escapeMrkdwn(h)}*: ${escapeMrkdwn(why)}`));
  const out: SlackMessage = { text: `Environment differences: ${differing.length}`, blocks: blocks.slice(0, LIMITS.blocksPerMessage) };
  if (truncated)
    out.file = {
      filename: 'buildfix-envdiff.txt',
      title: `envdiff ${diff.hosts.join(' ')}`,
      content: diff.rows.map((r) => `${r.differs ? '≠' : '='} ${r.key}: ${diff.hosts.map((h) => `${h}=${r.values[h]}`).join('  ')}`).join('\n'),
    };
  return out;
}

export function renderClusterStatus(
  status: JobSystemStatus,
  preflight?: readonly PreflightResult[],
  drillMaxAgeDays?: number,
  undelivered?: readonly string[],
): SlackMessage {
  const blocks: KnownBlock[] = [
    section(
      status.mode === 'in-process'
        ? '*Jobs run in-process* (no REDIS_URL): this machine runs every job.'
        : `*Jobs:* BullMQ on \`${escapeMrkdwn(status.redis?.url ?? 'Redis')}\``,
    ),
  ];
  if (status.mode === 'bullmq' && status.workers.length === 0) blocks.push(section('⚠️ No live workers: queued jobs wait until a `buildfix worker` starts.'));
  const now = Date.now();
  const workers = status.workers.map(
    (w) =>
      `• \`${escapeMrkdwn(w.host)}\` v${escapeMrkdwn(w.version)} ${w.state} · running ${w.running.length}${w.running.length ? ` (${w.running.map((r) => escapeMrkdwn(r.name)).join(', ')})` : ''} · seen ${formatMs(Math.max(0, now - Date.parse(w.lastSeen)))} ago`,
  );
  // Every worker and queue is listed; the outbox cuts what exceeds the message budget and attaches it all as a file.
  if (workers.length > 0) blocks.push(...listSections(`*Workers (${workers.length}):*`, workers, 40).blocks);
  const queues = status.queues.map(
    (q) => `• \`${escapeMrkdwn(q.queue)}\` waiting ${q.waiting} · active ${q.active} · delayed ${q.delayed} · failed ${q.failed}`,
  );
  if (queues.length > 0) blocks.push(...listSections(`*Queues (${queues.length}):*`, queues, 8).blocks);
  if (preflight) {
    const lines = preflightStatusMrkdwn(preflight, now, { drillMaxAgeDays });
    if (lines.length > 0) blocks.push(...listSections(`*Pre-flight, last result per agent and repo (${lines.length}):*`, lines, 20).blocks);
    else blocks.push(section('*Pre-flight:* no results yet (see `preflight:` in the config).'));
  }
  // The same lines as `buildfix status` prints; what they quote (channel, command, Slack's text) is escaped, so it pings nobody.
  if (undelivered && undelivered.length > 0)
    blocks.push(
      ...listSections(
        `*Slack posts NOT delivered (given up on; newest first, ${undelivered.length}):*`,
        undelivered.map((l) => `• ${escapeMrkdwn(l.replace(/^\s*!\s*/, ''))}`),
        20,
      ).blocks,
    );
  return { text: `buildfix status: ${status.workers.length} workers`, blocks, overflowUnit: 'lines' };
}

export function renderExplanationBlocks(c: Classification, source: string): SlackMessage {
  const subject = [c.module, c.version].filter(Boolean).join(' ');
  const headline = c.category === 'unknown' ? 'No known cause recognised' : `Root cause: ${namedCause(c)}`;
  const blocks: KnownBlock[] = [header(c.category === 'unknown' ? headline : `🔴 ${headline}${subject ? ` — ${subject}` : ''}`)];
  const evidence = c.evidence.map((line, i) => `${c.evidenceLines[i] !== undefined ? `${c.evidenceLines[i]}: ` : ''}${line}`).join('\n');
  if (evidence) blocks.push(section(`*Evidence* (${escapeMrkdwn(source)}, confidence ${Math.round(c.confidence * 100)}%)\n${codeBlock(evidence, 2600)}`));
  blocks.push(section(`*Fix:* ${escapeMrkdwn(c.fix)}`));
  const checks = candidateChecks(c);
  if (checks.length > 0)
    blocks.push(
      section(
        `*${capitalise(candidatesHeading(c.category, checks.length))}:*\n${checks.map((k) => `• \`${k.category}\`: ${escapeMrkdwn(k.check)}`).join('\n')}`,
      ),
    );
  const other = otherCause(c);
  if (other && c.otherFix) blocks.push(section(`*Fix if it is \`${other}\`:* ${escapeMrkdwn(c.otherFix)}`));
  if (c.secondary.length > 0)
    blocks.push(
      context([
        `Also seen: ${c.secondary
          .slice(0, 5)
          .map((s) => `\`${s.category}\` (line ${s.line})`)
          .join(', ')}`,
      ]),
    );
  return {
    text: headline,
    blocks,
    ...(evidence.length > 2600
      ? { file: { filename: 'buildfix-explain.txt', title: `Explanation of ${source}`, content: renderExplanation(c, { source }) } }
      : {}),
  };
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
