/** Terminal rendering of a log classification. */
import type { Classification } from '../classify/classify-log.ts';
import { candidateChecks, candidatesHeading, namedCause, otherCause } from '../classify/other-cause.ts';
import { createStyle } from './terminal-style.ts';

export function renderExplanation(c: Classification, options: { color?: boolean; source?: string } = {}): string {
  const s = createStyle(options.color ?? false);
  const out: string[] = [];
  const subject = [c.module, c.version].filter(Boolean).join(' ');
  const head = c.category === 'unknown' ? s.yellow('No known cause recognised') : s.red(`Root cause: ${namedCause(c)}`);
  out.push(
    `${s.bold(head)}${subject ? ` — ${subject}` : ''}  ${s.dim(`(confidence ${Math.round(c.confidence * 100)}%${options.source ? `, ${options.source}` : ''})`)}`,
  );
  c.evidence.forEach((line, i) => {
    const n = c.evidenceLines[i];
    out.push(`  ${s.dim(n !== undefined ? `line ${n}:` : '')} ${line}`);
  });
  out.push(`  ${s.cyan('fix:')} ${c.fix}`);
  const checks = candidateChecks(c);
  if (checks.length > 0) {
    out.push(`  ${s.yellow(`${candidatesHeading(c.category, checks.length)}:`)}`);
    for (const k of checks) out.push(`    ${k.category}: ${k.check}`);
  }
  const other = otherCause(c);
  if (other && c.otherFix) out.push(`  ${s.cyan(`fix if it is ${other}:`)} ${c.otherFix}`);
  if (c.secondary.length > 0) {
    out.push('');
    out.push(s.bold('Also seen (consequences or other problems):'));
    for (const o of c.secondary.slice(0, 5)) out.push(`  ${o.category}  ${s.dim(`line ${o.line}:`)} ${o.evidence}`);
  }
  return `${out.join('\n')}\n`;
}
