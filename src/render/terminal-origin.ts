/** The "agent or code" part of a terminal report: the verdict, its evidence and what changed since the last green build. */
import { isBlamed, type DiagnosisReport } from '../report/model.ts';
import type { Style } from './terminal-style.ts';

const MAX_COMMITS = 10;
const MAX_LINES = 12;

/** The verdict and its evidence, for the top of the report. */
export function renderOriginVerdict(report: DiagnosisReport, s: Style): string[] {
  const out: string[] = [];
  const origin = report.origin;
  if (origin) {
    const label = origin.verdict === 'code' ? s.yellow(origin.verdict) : origin.verdict === 'unknown' ? s.dim(origin.verdict) : s.red(origin.verdict);
    out.push(`${s.bold('Agent or code:')} ${label} — ${origin.summary}`);
    for (const r of origin.reasons) out.push(`  ${s.dim('·')} ${r}`);
  }
  return out;
}

/** What changed since the last green build: dependency lines (the blamed one with its revert), other files, commits. */
export function renderSinceGreen(report: DiagnosisReport, s: Style): string[] {
  const out: string[] = [];
  const since = report.sinceGreen;
  if (since) {
    out.push(
      s.bold(`Changed since the last green build`) +
        s.dim(` (${since.green.slice(0, 7)}, ${since.source}${since.linear ? '' : '; not an ancestor of the failing revision'})`) +
        ':',
    );
    if (since.files.length === 0) out.push(`  ${s.dim('no dependency file changed')}`);
    for (const c of since.goMod.slice(0, MAX_LINES))
      out.push(
        `  ${isBlamed(c, since.blamed) ? s.red('✗') : '·'} ${c.text}${isBlamed(c, since.blamed) && c.revert ? `  ${s.cyan('revert:')} ${c.revert}` : ''}`,
      );
    if (since.goMod.length > MAX_LINES) out.push(s.dim(`  … ${since.goMod.length - MAX_LINES} more go.mod changes (use --json)`));
    const other = since.files.filter((f) => !f.path.endsWith('go.mod'));
    if (other.length > 0) out.push(`  · also changed: ${other.map((f) => f.path).join(', ')}`);
    for (const c of since.commits.slice(0, MAX_COMMITS)) out.push(`  ${s.dim(c.shortSha)} ${c.author}: ${c.subject}`);
    if (since.commits.length > MAX_COMMITS) out.push(s.dim(`  … ${since.commits.length - MAX_COMMITS} more commits`));
  }
  return out;
}
