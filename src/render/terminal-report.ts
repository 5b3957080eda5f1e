/** Renders a DiagnosisReport for a terminal: root cause and fix first, then every check. */
import type { CheckResult, CheckStatus, DiagnosisReport, Finding } from '../report/model.ts';
import { renderOriginVerdict, renderSinceGreen } from './terminal-origin.ts';
import { createStyle, type Style } from './terminal-style.ts';

const MARK: Record<CheckStatus, string> = { pass: '✓', fail: '✗', warn: '!', skip: '-', error: '✗' };

function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

function subject(f: Finding): string {
  return [f.module, f.version].filter(Boolean).join(' ');
}

function statusMark(status: CheckStatus, s: Style): string {
  const m = MARK[status];
  if (status === 'pass') return s.green(m);
  if (status === 'warn') return s.yellow(m);
  if (status === 'skip') return s.dim(m);
  return s.red(m);
}

function renderFinding(f: Finding, s: Style, indent: string): string[] {
  const sev = f.severity === 'error' ? s.red('✗') : f.severity === 'warning' ? s.yellow('!') : s.dim('i');
  const lines = [`${indent}${sev} ${s.bold(f.category)}  ${subject(f) ? `${subject(f)}  ` : ''}${f.message}`];
  if (f.chain && f.chain.length > 2) lines.push(`${indent}    via ${f.chain.join(' → ')}`);
  if (f.location) lines.push(`${indent}    at ${f.location}`);
  if (f.evidence) for (const e of f.evidence.split('\n').slice(0, 6)) lines.push(`${indent}    ${s.dim(e)}`);
  if (f.fix) lines.push(`${indent}    ${s.cyan('fix:')} ${f.fix}`);
  return lines;
}

function renderCheck(c: CheckResult, s: Style): string {
  return `  ${statusMark(c.status, s)} ${c.title}${c.detail ? `  ${s.dim(c.detail)}` : ''}  ${s.dim(formatMs(c.durationMs))}`;
}

/** One line for a verdict: the root cause (or none), for streaming the first pass before the refined report. */
export function verdictLine(report: DiagnosisReport): string {
  const root = report.findings.find((f) => f.severity === 'error');
  const stage = report.stage === 'first-pass' ? 'first pass' : report.stage === 'graph' ? 'module graph' : report.stage === 'deep' ? 'deep' : 'verdict';
  const what = root ? `✗ root cause: ${root.category}${subject(root) ? ` — ${subject(root)}` : ''}` : '✓ no blocking problem';
  return `${stage} (${formatMs(report.durationMs)}): ${what}`;
}

export function renderTerminalReport(report: DiagnosisReport, options: { color?: boolean; verbose?: boolean } = {}): string {
  const s = createStyle(options.color ?? false);
  const out: string[] = [];
  const errors = report.findings.filter((f) => f.severity === 'error');
  const others = report.findings.filter((f) => f.severity !== 'error');
  const stage =
    report.stage === 'graph' ? ', module graph checked' : report.stage === 'first-pass' ? ', first pass only' : report.stage === 'deep' ? ', deep' : '';
  out.push(s.bold(`buildfix diagnose ${report.target}`) + s.dim(`  (host ${report.host}, ${formatMs(report.durationMs)}${stage})`));
  out.push('');
  const [root, ...rest] = errors;
  if (root) {
    out.push(s.bold(s.red(`Root cause: ${root.category}`)) + (subject(root) ? ` — ${subject(root)}` : ''));
    out.push(...renderFinding(root, s, '  '));
    // Agent or code, with its evidence, right under the root cause.
    const verdict = renderOriginVerdict(report, s);
    if (verdict.length > 0) out.push('', ...verdict);
    if (rest.length > 0) {
      out.push('');
      out.push(s.bold(`Also failing (${rest.length}):`));
      for (const f of rest.slice(0, options.verbose ? rest.length : 20)) out.push(...renderFinding(f, s, '  '));
      if (!options.verbose && rest.length > 20) out.push(s.dim(`  … ${rest.length - 20} more (use --json or --verbose)`));
    }
  } else {
    out.push(s.bold(s.green('No blocking problem found.')));
    const verdict = renderOriginVerdict(report, s);
    if (verdict.length > 0) out.push('', ...verdict);
  }
  const since = renderSinceGreen(report, s);
  if (since.length > 0) out.push('', ...since);
  if (others.length > 0) {
    out.push('');
    out.push(s.bold(`Warnings (${others.length}):`));
    for (const f of others) out.push(...renderFinding(f, s, '  '));
  }
  out.push('');
  out.push(s.bold('Checks:'));
  for (const c of report.checks) out.push(renderCheck(c, s));
  const facts = Object.entries(report.facts);
  if (facts.length > 0) {
    out.push('');
    out.push(s.dim(facts.map(([k, v]) => `${k}=${v}`).join('  ')));
  }
  return `${out.join('\n')}\n`;
}
