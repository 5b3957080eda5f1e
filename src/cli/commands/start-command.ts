/** `buildfix start` (npm start): the Slack app when Slack is configured, the terminal chat otherwise. */
import type { CliContext } from '../cli-context.ts';
import { COMMAND_SPECS } from '../command-specs.ts';
import { parseArgs } from '../parse-args.ts';

export async function runStartCommand(argv: string[], ctx: CliContext): Promise<number> {
  parseArgs(argv, COMMAND_SPECS.start);
  const config = ctx.config();
  if (config.env.SLACK_BOT_TOKEN && config.env.SLACK_SIGNING_SECRET) {
    return (await import('./serve-command.ts')).runServeCommand(argv, ctx);
  }
  return (await import('./shell-command.ts')).runShellCommand(argv, ctx);
}
