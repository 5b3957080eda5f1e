/** The dependency health report as text: the terminal, the shell and (in a code block) Slack. */
import type { HealthReport } from './health-report.ts';

const MAX_ROWS = 25;

function more(n: number, shown: number): string[] {
  return n > shown ? [`    … and ${n - shown} more`] : [];
}

function dep(direct: boolean): string {
  return direct ? '' : ' (indirect)';
}

/** One line for a digest or a chat headline. */
export function healthHeadline(r: HealthReport): string {
  const vulnIds = new Set(r.vulnerabilities.map((v) => v.id)).size;
  const parts = [
    `${r.requirements.direct} direct / ${r.requirements.indirect} indirect`,
    `${r.outdated.length} outdated`,
    `${r.deprecated.length} deprecated`,
    `${r.retracted.length} retracted`,
    `${vulnIds} vulnerabilit${vulnIds === 1 ? 'y' : 'ies'}`,
  ];
  const verdict = r.status === 'fail' ? 'over thresholds' : 'within thresholds';
  return `${r.repo}: ${verdict}${r.partial ? ' (PARTIAL)' : ''} — ${parts.join(', ')}`;
}

export function renderHealthReport(r: HealthReport): string {
  const lines: string[] = [];
  lines.push(`Dependency health of ${r.module} (${r.repo})`);
  lines.push(
    `  ${r.status === 'fail' ? 'OVER THRESHOLDS' : 'within thresholds'}${r.partial ? ' — PARTIAL REPORT: some sources could not be read (see below)' : ''}`,
  );
  lines.push(`  requirements: ${r.requirements.direct} direct, ${r.requirements.indirect} indirect (${r.requirements.total} modules in the build list)`);
  for (const f of r.findings) lines.push(`  ! ${f.class}: ${f.message}`);

  lines.push('', `Vulnerabilities (${r.vulnerabilities.length}${r.checked.vulndb ? `, from ${r.checked.vulndb}` : ''}):`);
  if (r.vulnerabilities.length === 0) lines.push(r.gaps.some((g) => g.source === 'vulndb') ? '    not checked (see below)' : '    none known');
  for (const v of r.vulnerabilities.slice(0, MAX_ROWS)) {
    const aka = v.aliases.length > 0 ? ` (${v.aliases.slice(0, 3).join(', ')})` : '';
    lines.push(
      `    ${v.id}${aka}: ${v.path} ${v.version}${dep(v.direct)}${v.fixed ? ` — fixed in ${v.fixed}` : ' — no fixed version'}${v.summary ? `: ${v.summary}` : ''}`,
    );
  }
  lines.push(...more(r.vulnerabilities.length, MAX_ROWS));

  lines.push('', `Retracted versions in use (${r.retracted.length}):`);
  if (r.retracted.length === 0) lines.push('    none');
  for (const x of r.retracted.slice(0, MAX_ROWS))
    lines.push(`    ${x.path} ${x.version}${dep(x.direct)}: retracted${x.rationale ? ` (${x.rationale})` : ''}; latest ${x.latest}`);
  lines.push(...more(r.retracted.length, MAX_ROWS));

  lines.push('', `Deprecated modules (${r.deprecated.length}):`);
  if (r.deprecated.length === 0) lines.push('    none');
  for (const d of r.deprecated.slice(0, MAX_ROWS)) lines.push(`    ${d.path} ${d.version}${dep(d.direct)}: Deprecated: ${d.message.replace(/\s+/g, ' ')}`);
  lines.push(...more(r.deprecated.length, MAX_ROWS));

  lines.push('', `Behind their latest release (${r.outdated.length}):`);
  if (r.outdated.length === 0) lines.push('    none');
  for (const o of r.outdated.slice(0, MAX_ROWS)) {
    const how = [
      o.majorsBehind > 0 ? `${o.majorsBehind} major` : undefined,
      o.minorsBehind > 0 ? `${o.minorsBehind} minor` : undefined,
      o.behindDays !== undefined ? `for ${o.behindDays} days` : undefined,
    ].filter(Boolean);
    const target = o.newerMajor ? `${o.latest}; newest major ${o.newerMajor.path}@${o.newerMajor.version}` : o.latest;
    lines.push(
      `    ${o.exceeds.length > 0 ? '!' : ' '} ${o.path} ${o.version} → ${target}${dep(o.direct)}${how.length > 0 ? ` (${how.join(', ')})` : ''}${o.exceeds.length > 0 ? ` — ${o.exceeds.join('; ')}` : ''}`,
    );
  }
  lines.push(...more(r.outdated.length, MAX_ROWS));

  if (r.gaps.length > 0) {
    lines.push('', 'Not checked (the report is partial):');
    for (const g of r.gaps) lines.push(`    ${g.source}: ${g.message}`);
  }
  lines.push(
    '',
    `Thresholds: indirect ≤ ${r.thresholds.maxIndirect}${r.thresholds.maxDirect !== undefined ? `, direct ≤ ${r.thresholds.maxDirect}` : ''}, majors behind ≤ ${r.thresholds.maxMajorsBehind}, minors behind ≤ ${r.thresholds.maxMinorsBehind}, outdated ≤ ${r.thresholds.maxBehindDays} days, deprecated ≤ ${r.thresholds.maxDeprecated}, retracted ≤ ${r.thresholds.maxRetracted}, vulnerabilities ≤ ${r.thresholds.maxVulnerabilities} (config: health)`,
  );
  lines.push(`${r.checked.modules} modules checked in ${r.durationMs} ms`);
  return `${lines.join('\n')}\n`;
}
