/** `buildfix shell`: the terminal chat. */
import { createDispatcher } from '../../jobs/create-dispatcher.ts';
import { wantsColor } from '../../render/terminal-style.ts';
import { runShell } from '../../shell/run-shell.ts';
import type { CliContext } from '../cli-context.ts';
import { COMMAND_SPECS } from '../command-specs.ts';
import { parseArgs } from '../parse-args.ts';
import { openLogFile, shellLogPath } from '../shell-log-file.ts';

export async function runShellCommand(argv: string[], ctx: CliContext): Promise<number> {
  parseArgs(argv, COMMAND_SPECS.shell);
  const config = ctx.config();
  // Logs go to a file: on the prompt, a Redis outage is one line, not pages of stack traces.
  const logFile = shellLogPath(ctx.env);
  const destination = ctx.debug ? undefined : openLogFile(logFile);
  const logger = ctx.logger('info', destination);
  const dispatcher = createDispatcher(config, logger);
  try {
    return await runShell({
      config,
      dispatcher,
      logger,
      input: ctx.stdin,
      output: ctx.stdout,
      color: wantsColor(ctx.stdout, ctx.env),
      ...(destination ? { logFile } : {}),
    });
  } finally {
    await dispatcher.close();
  }
}
