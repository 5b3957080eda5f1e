/**
 * `buildfix` entry point. Each command lives in its own module, loaded on
 * demand (command-loaders.ts) so a one-shot `explain` or `diagnose` starts
 * fast; arguments, help and exit codes come from command-specs.ts. Errors
 * become one line on stderr and exit code 2; --debug adds the stack; Ctrl-C
 * is exit 130 with "cancelled".
 */
import { CancelledError, isCancelled, userMessage, UsageError } from '../errors.ts';
import { nearestWord } from '../util/edit-distance.ts';
import { redactText } from '../util/redact.ts';
import { createCliContext, type CliIo } from './cli-context.ts';
import { commandHelp, mainHelp } from './command-help.ts';
import { COMMAND_LOADERS } from './command-loaders.ts';
import { COMMAND_SPECS, isCommandName, type CommandSpec } from './command-specs.ts';

/** Exit code of a command stopped by Ctrl-C (128 + SIGINT), as shells report it. */
export const EXIT_CANCELLED = 130;

export function helpText(): string {
  return mainHelp();
}

function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env };
}

/** Commands that handle SIGINT themselves (the shell cancels its job; servers drain). */
const OWN_SIGINT = new Set(['shell', 'start', 'serve', 'worker']);
/** After Ctrl-C, how long a one-shot command may take to wind down before the process exits anyway. */
const CANCEL_GRACE_MS = 2000;

/**
 * Ctrl-C during a one-shot command: abort its signal (its requests stop and
 * it reports nothing about them), exit 130 with "cancelled" if it does not
 * return within CANCEL_GRACE_MS, at once on a second Ctrl-C.
 */
function cancelOnSigint(io: CliIo, controller: AbortController): () => void {
  const exitNow = (): void => {
    io.stderr.write('cancelled\n');
    process.exit(EXIT_CANCELLED);
  };
  const onSigint = (): void => {
    if (controller.signal.aborted) exitNow();
    controller.abort(new CancelledError());
    setTimeout(exitNow, CANCEL_GRACE_MS).unref();
  };
  process.on('SIGINT', onSigint);
  return () => process.off('SIGINT', onSigint);
}

function wantsHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const debug = argv.includes('--debug');
  const args = argv.filter((a) => a !== '--debug');
  const [name, ...rest] = args;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    const topic = name === 'help' ? rest[0] : undefined;
    if (topic !== undefined && isCommandName(topic)) {
      io.stdout.write(commandHelp(COMMAND_SPECS[topic]));
      return 0;
    }
    (name === undefined ? io.stderr : io.stdout).write(mainHelp());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-V' || name === 'version') {
    const { packageVersion } = await import('../util/package-root.ts');
    io.stdout.write(`buildfix ${packageVersion()}\n`);
    return 0;
  }
  const controller = new AbortController();
  const ctx = createCliContext(io, debug, controller.signal);
  let stopListening = (): void => {};
  try {
    if (!isCommandName(name)) {
      const near = nearestWord(name, Object.keys(COMMAND_SPECS), 3);
      const hint = near ? `did you mean \`buildfix ${near}\`?` : 'run `buildfix --help` for the list';
      throw new UsageError(`unknown command "${name.slice(0, 40)}": ${hint}`);
    }
    if (wantsHelp(rest)) {
      const spec: CommandSpec = COMMAND_SPECS[name];
      const sub = spec.subcommands && rest[0] ? spec.subcommands[rest[0]] : undefined;
      io.stdout.write(commandHelp(sub ?? spec));
      return 0;
    }
    if (!OWN_SIGINT.has(name)) stopListening = cancelOnSigint(io, controller);
    const run = await COMMAND_LOADERS[name]();
    const code = await run(rest, ctx);
    if (controller.signal.aborted) throw new CancelledError();
    return code;
  } catch (err) {
    if (isCancelled(err) || controller.signal.aborted) {
      io.stderr.write('cancelled\n');
      return EXIT_CANCELLED;
    }
    io.stderr.write(`buildfix: ${redactText(userMessage(err))}\n`);
    if (debug && err instanceof Error && err.stack) io.stderr.write(`${redactText(err.stack)}\n`);
    return 2;
  } finally {
    stopListening();
  }
}
