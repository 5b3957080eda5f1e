/**
 * A strict argv parser driven by a CommandSpec (command-specs.ts): it accepts
 * exactly the options the spec lists, so `--help` (generated from the same
 * spec) cannot drift from it. Unknown options are errors that suggest the
 * nearest known one.
 */
import { UsageError } from '../errors.ts';
import { nearestWord } from '../util/edit-distance.ts';
import { commandUsage } from './command-help.ts';
import type { CommandSpec, OptionSpec } from './command-specs.ts';

export interface ParsedArgs {
  positionals: string[];
  flags: Set<string>;
  options: Map<string, string>;
}

function usageError(spec: CommandSpec, message: string): UsageError {
  return new UsageError(`${message}\nusage: ${commandUsage(spec)}\n(buildfix ${spec.name} --help lists every option)`);
}

export function parseArgs(argv: readonly string[], spec: CommandSpec): ParsedArgs {
  const flags = new Set<string>();
  const options = new Map<string, string>();
  const positionals: string[] = [];
  const byName = new Map<string, OptionSpec>(spec.options.map((o) => [o.name, o]));
  const byShort = new Map<string, OptionSpec>(spec.options.filter((o) => o.short).map((o) => [o.short ?? '', o]));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    let option: OptionSpec | undefined;
    let inline: string | undefined;
    if (arg.startsWith('--') && arg.length > 2) {
      const eq = arg.indexOf('=');
      const name = arg.slice(2, eq === -1 ? undefined : eq);
      option = byName.get(name);
      if (!option) {
        const near = nearestWord(name, byName.keys());
        const known = [...byName.keys()].map((k) => `--${k}`).join(', ');
        throw usageError(
          spec,
          `unknown option --${name}${near ? ` (did you mean --${near}?)` : known ? ` (known: ${known})` : ` (${spec.name} takes no options)`}`,
        );
      }
      if (eq !== -1) inline = arg.slice(eq + 1);
    } else if (/^-[A-Za-z]$/.test(arg)) {
      option = byShort.get(arg.slice(1));
      if (!option) throw usageError(spec, `unknown option ${arg}`);
    } else if (arg.startsWith('-') && arg !== '-') {
      throw usageError(spec, `unknown option ${arg}`);
    }
    if (!option) {
      positionals.push(arg);
      continue;
    }
    if (option.value === undefined) {
      if (inline !== undefined) throw usageError(spec, `--${option.name} takes no value`);
      flags.add(option.name);
    } else {
      const value = inline ?? argv[++i];
      if (value === undefined || value === '') throw usageError(spec, `--${option.name} needs a value (${option.value})`);
      options.set(option.name, value);
    }
  }
  if (positionals.length < (spec.minPositionals ?? 0)) throw usageError(spec, 'missing argument');
  if (spec.maxPositionals !== undefined && positionals.length > spec.maxPositionals) {
    throw usageError(spec, `unexpected argument "${(positionals[spec.maxPositionals] ?? '').slice(0, 80)}"`);
  }
  return { positionals, flags, options };
}

export function intOption(args: ParsedArgs, name: string, min: number, max: number): number | undefined {
  const raw = args.options.get(name);
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max)
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  return Number(raw);
}
