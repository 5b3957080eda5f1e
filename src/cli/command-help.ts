/** Usage lines and `--help` text, generated from command-specs.ts (the parser's definition). */
import { COMMAND_SPECS, GLOBAL_OPTIONS, type CommandSpec, type OptionSpec } from './command-specs.ts';

function optionLabel(o: OptionSpec): string {
  return `${o.short ? `-${o.short}, ` : ''}--${o.name}${o.value ? ` ${o.value}` : ''}`;
}

/** "buildfix diagnose <path|…> [--json] [--concurrency N]". */
export function commandUsage(spec: CommandSpec): string {
  const parts = [`buildfix ${spec.name}`];
  if (spec.subcommands) parts.push(`<${Object.keys(spec.subcommands).join('|')}>`);
  else if (spec.args) parts.push(spec.args);
  for (const o of spec.options) parts.push(`[--${o.name}${o.value ? ` ${o.value}` : ''}]`);
  return parts.join(' ');
}

function optionTable(options: readonly OptionSpec[]): string[] {
  const width = Math.max(...options.map((o) => optionLabel(o).length));
  return options.map((o) => `  ${optionLabel(o).padEnd(width)}  ${o.help}`);
}

/** `buildfix <command> --help`. */
export function commandHelp(spec: CommandSpec): string {
  const lines = [`usage: ${commandUsage(spec)}`, '', spec.summary];
  if (spec.subcommands) {
    for (const sub of Object.values(spec.subcommands)) {
      lines.push('', `usage: ${commandUsage(sub)}`, `  ${sub.summary}`);
      if (sub.options.length > 0) lines.push(...optionTable(sub.options).map((l) => `  ${l}`));
    }
  }
  if (spec.options.length > 0) lines.push('', 'options:', ...optionTable(spec.options));
  lines.push('', 'global options:', ...optionTable(GLOBAL_OPTIONS));
  lines.push('', 'exit codes:');
  for (const [code, meaning] of Object.entries(spec.exitCodes)) lines.push(`  ${code.padStart(3)}  ${meaning}`);
  return `${lines.join('\n')}\n`;
}

/** `buildfix --help`. */
export function mainHelp(): string {
  const specs = Object.values(COMMAND_SPECS) as CommandSpec[];
  const lines = ['usage: buildfix <command> [options]', '', 'commands:'];
  for (const spec of specs) lines.push(`  ${commandUsage(spec).replace(/^buildfix /, '')}`, `      ${spec.summary}`);
  lines.push('', 'global options:', ...optionTable(GLOBAL_OPTIONS));
  lines.push('', '`buildfix <command> --help` lists the options and exit codes of each command.');
  lines.push('configuration: environment variables and an optional YAML file named by BUILDFIX_CONFIG (see README).');
  return `${lines.join('\n')}\n`;
}
