/**
 * The Markdown buildfix writes for Slack and archives (incident reports),
 * rendered as plain terminal text: headings without #, tables as aligned
 * "name  value" lines, Slack mentions (<@U…>, <@local:ann>) as @names, no
 * emphasis markers.
 */

function mention(id: string): string {
  return `@${id.replace(/^local:/, '')}`;
}

function inline(text: string): string {
  return text
    .replace(/<@([^>|]+)(?:\|([^>]*))?>/g, (_m, id: string, label: string | undefined) => (label ? `@${label}` : mention(id)))
    .replace(/<!(here|channel|everyone)>/g, '@$1')
    .replace(/<(https?:[^>|]+)\|([^>]+)>/g, '$2 ($1)')
    .replace(/\*\*([^*]+)\*\*/g, '$1')
    .replace(/(^|\s)_([^_]+)_(?=\s|$)/g, '$1$2');
}

function cells(row: string): string[] {
  return row
    .trim()
    .replace(/^\||\|$/g, '')
    .split('|')
    .map((c) => inline(c.trim()));
}

export function markdownToTerminal(markdown: string): string {
  const out: string[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (/^\s*\|/.test(line)) {
      const table: string[][] = [];
      for (; i < lines.length && /^\s*\|/.test(lines[i] ?? ''); i++) {
        const row = lines[i] ?? '';
        if (/^\s*\|(\s*:?-+:?\s*\|)+\s*$/.test(row)) continue;
        const c = cells(row);
        if (c.every((x) => x === '')) continue;
        table.push(c);
      }
      i--;
      const width = Math.max(0, ...table.map((r) => (r[0] ?? '').length));
      for (const r of table) out.push(`  ${(r[0] ?? '').padEnd(width)}  ${r.slice(1).join('  ')}`.trimEnd());
      continue;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading) {
      out.push(heading[1] === '#' ? inline(heading[2] ?? '') : `${inline(heading[2] ?? '')}:`);
      continue;
    }
    out.push(inline(line));
  }
  return out.join('\n');
}
