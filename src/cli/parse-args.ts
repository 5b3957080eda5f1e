/** A strict argv parser: unknown options are errors that name the known ones. */
import { UsageError } from '../errors.ts';

export interface ArgSpec {
  /** Boolean switches, without dashes: ["json", "debug"]. */
  flags?: readonly string[];
  /** Options taking a value: ["host", "concurrency"]. */
  options?: readonly string[];
  /** Positional count bounds. */
  minPositionals?: number;
  maxPositionals?: number;
  usage: string;
}

export interface ParsedArgs {
  positionals: string[];
  flags: Set<string>;
  options: Map<string, string>;
}

export function parseArgs(argv: readonly string[], spec: ArgSpec): ParsedArgs {
  const flags = new Set<string>();
  const options = new Map<string, string>();
  const positionals: string[] = [];
  const knownFlags = new Set(spec.flags ?? []);
  const knownOptions = new Set(spec.options ?? []);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith('--') && arg.length > 2) {
      const eq = arg.indexOf('=');
      const name = arg.slice(2, eq === -1 ? undefined : eq);
      if (knownFlags.has(name)) {
        if (eq !== -1) throw new UsageError(`--${name} takes no value\nusage: ${spec.usage}`);
        flags.add(name);
      } else if (knownOptions.has(name)) {
        const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
        if (value === undefined || value === '') throw new UsageError(`--${name} needs a value\nusage: ${spec.usage}`);
        options.set(name, value);
      } else {
        const known = [...knownFlags, ...knownOptions].map((k) => `--${k}`).join(', ');
        throw new UsageError(`unknown option --${name}${known ? ` (known: ${known})` : ''}\nusage: ${spec.usage}`);
      }
    } else if (arg.startsWith('-') && arg !== '-') {
      throw new UsageError(`unknown option ${arg}\nusage: ${spec.usage}`);
    } else {
      positionals.push(arg);
    }
  }
  if (positionals.length < (spec.minPositionals ?? 0)) throw new UsageError(`missing argument\nusage: ${spec.usage}`);
  if (spec.maxPositionals !== undefined && positionals.length > spec.maxPositionals) {
    throw new UsageError(`unexpected argument "${positionals[spec.maxPositionals]}"\nusage: ${spec.usage}`);
  }
  return { positionals, flags, options };
}

export function intOption(args: ParsedArgs, name: string, min: number, max: number): number | undefined {
  const raw = args.options.get(name);
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  return Number(raw);
}
