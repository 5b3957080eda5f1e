/**
 * A DiagnosisReport as Block Kit: root cause first with its evidence and
 * fix, then the other blocking findings, the warnings, and the checks. Long
 * reports are cut to fit Slack's limits and the full text goes in a file.
 */
import { renderTerminalReport } from '../../render/terminal-report.ts';
import { isBlamed, type CheckResult, type CheckStatus, type DiagnosisReport, type Finding } from '../../report/model.ts';
import { clip, codeBlock, context, escapeMrkdwn, formatMs, header, LIMITS, section, type KnownBlock } from './block-kit.ts';
import type { SlackFile } from './slack-message.ts';

const CHECK_MARK: Record<CheckStatus, string> = { pass: '✅', fail: '❌', warn: '⚠️', skip: '➖', error: '❌' };
const MAX_LISTED = 8;
const MAX_EVIDENCE_LINES = 8;

function subject(f: Finding): string {
  return [f.module, f.version].filter(Boolean).join(' ');
}

function findingLine(f: Finding): string {
  const s = subject(f);
  const mark = f.severity === 'error' ? '❌' : f.severity === 'warning' ? '⚠️' : 'ℹ️';
  return `${mark} \`${f.category}\`${s ? ` *${escapeMrkdwn(s)}*` : ''} — ${escapeMrkdwn(f.message)}${f.chain && f.chain.length > 2 ? `\n      _via_ ${escapeMrkdwn(f.chain.join(' → '))}` : ''}${f.fix ? `\n      _Fix:_ ${escapeMrkdwn(f.fix)}` : ''}`;
}

export function checkLine(c: CheckResult): string {
  return `${CHECK_MARK[c.status]} ${escapeMrkdwn(c.title)}${c.detail ? ` · ${escapeMrkdwn(c.detail)}` : ''}${c.durationMs ? ` · ${formatMs(c.durationMs)}` : ''}`;
}

/** Lines joined into as few ≤3000-character sections as it takes, at most `maxBlocks`. */
export function listSections(title: string, lines: string[], maxBlocks: number): { blocks: KnownBlock[]; truncated: boolean } {
  const blocks: KnownBlock[] = [];
  let current = title;
  let truncated = false;
  for (let i = 0; i < lines.length; i++) {
    const line = clip(lines[i] ?? '', LIMITS.sectionText - 200);
    if (current.length + line.length + 1 > LIMITS.sectionText - 100) {
      if (blocks.length + 1 >= maxBlocks) {
        current += `\n… ${lines.length - i} more not shown`;
        truncated = true;
        break;
      }
      blocks.push(section(current));
      current = line;
    } else current = current ? `${current}\n${line}` : line;
  }
  if (current) blocks.push(section(current));
  return { blocks, truncated };
}

export function rootCauseBlocks(root: Finding): KnownBlock[] {
  const s = subject(root);
  const parts = [`*${escapeMrkdwn(root.message)}*`];
  if (root.chain && root.chain.length > 2) parts.push(`_via ${escapeMrkdwn(root.chain.join(' → '))}_`);
  if (root.location) parts.push(`_at ${escapeMrkdwn(root.location)}_`);
  if (root.evidence) {
    const lines = root.evidence.split('\n');
    const shown =
      lines.slice(0, MAX_EVIDENCE_LINES).join('\n') + (lines.length > MAX_EVIDENCE_LINES ? `\n… ${lines.length - MAX_EVIDENCE_LINES} more lines` : '');
    parts.push(`*Evidence*\n${codeBlock(shown, 1600)}`);
  }
  if (root.fix) parts.push(`*Fix:* ${escapeMrkdwn(root.fix)}`);
  return [header(`🔴 Root cause: ${root.category}${s ? ` — ${s}` : ''}`), section(parts.join('\n'))];
}

/** Agent or code: the verdict and its evidence, then what changed since the last green build. */
export function originBlocks(report: DiagnosisReport): KnownBlock[] {
  const origin = report.origin;
  if (!origin) return [];
  const lines = [`*Agent or code:* \`${origin.verdict}\` — ${escapeMrkdwn(origin.summary)}`, ...origin.reasons.slice(0, 8).map((r) => `• ${escapeMrkdwn(r)}`)];
  const since = report.sinceGreen;
  if (since) {
    const changes = since.goMod
      .slice(0, 6)
      .map(
        (c) =>
          `${isBlamed(c, since.blamed) ? '✗' : '•'} ${escapeMrkdwn(c.text)}${isBlamed(c, since.blamed) && c.revert ? ` — revert: \`${escapeMrkdwn(c.revert)}\`` : ''}`,
      );
    lines.push(
      `*Changed since the last green build* (\`${since.green.slice(0, 7)}\`, ${escapeMrkdwn(since.source)}): ${
        since.files.length === 0
          ? 'no dependency file'
          : escapeMrkdwn(
              since.files
                .map((f) => f.path)
                .slice(0, 8)
                .join(', '),
            )
      }`,
      ...changes,
    );
  }
  return [section(clip(lines.join('\n'), LIMITS.sectionText))];
}

export interface ReportBlocks {
  blocks: KnownBlock[];
  text: string;
  file?: SlackFile;
}

/** Report → blocks (≤ 40, leaving room for buttons and a note) and, when cut, the full text as a file. */
export function renderReportBlocks(report: DiagnosisReport, options: { title?: string } = {}): ReportBlocks {
  const errors = report.findings.filter((f) => f.severity === 'error');
  const warnings = report.findings.filter((f) => f.severity === 'warning');
  const blocks: KnownBlock[] = [];
  let truncated = false;
  const [root, ...rest] = errors;
  if (root) blocks.push(...rootCauseBlocks(root));
  else blocks.push(header(`✅ No blocking problem found${options.title ? ` — ${options.title}` : ''}`));
  if (report.origin) blocks.push(...originBlocks(report));

  if (rest.length > 0) {
    const listed = listSections(`*Also failing (${rest.length}):*`, rest.slice(0, MAX_LISTED).map(findingLine), 3);
    blocks.push(...listed.blocks);
    if (rest.length > MAX_LISTED || listed.truncated) {
      truncated = true;
      if (rest.length > MAX_LISTED) blocks.push(context([`… ${rest.length - MAX_LISTED} more failing findings in the attached report`]));
    }
  }
  if (warnings.length > 0) {
    const listed = listSections(`*Warnings (${warnings.length}):*`, warnings.slice(0, MAX_LISTED).map(findingLine), 3);
    blocks.push(...listed.blocks);
    if (warnings.length > MAX_LISTED || listed.truncated) {
      truncated = true;
      if (warnings.length > MAX_LISTED) blocks.push(context([`… ${warnings.length - MAX_LISTED} more warnings in the attached report`]));
    }
  }
  const checks = listSections(`*Checks from ${escapeMrkdwn(report.host)}:*`, report.checks.map(checkLine), 4);
  blocks.push(...checks.blocks);
  truncated ||= checks.truncated;

  const facts = Object.entries(report.facts).map(([k, v]) => `${k}: \`${escapeMrkdwn(String(v))}\``);
  blocks.push(
    context(
      [`${escapeMrkdwn(report.target)} from *${escapeMrkdwn(report.host)}* in ${formatMs(report.durationMs)}`, ...facts].slice(0, LIMITS.contextElements),
    ),
  );

  const text = root ? `Root cause: ${root.category}: ${root.message}` : `No blocking problem found in ${report.target} (from ${report.host})`;
  const out: ReportBlocks = { blocks, text: clip(text, LIMITS.fallbackText) };
  if (truncated || JSON.stringify(blocks).length > 12_000) {
    out.file = {
      filename: `buildfix-diagnose-${report.host}.txt`,
      title: `Full report: ${report.target} from ${report.host}`,
      content: renderTerminalReport(report, { color: false, verbose: true }),
    };
  }
  return out;
}
