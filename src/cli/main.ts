/**
 * `buildfix` entry point. Each command lives in its own module, loaded on
 * demand so a one-shot `explain` or `diagnose` starts fast. Errors become one
 * line on stderr and exit code 2; --debug adds the stack.
 */
import { userMessage, UsageError } from '../errors.ts';
import { redactText } from '../util/redact.ts';
import { createCliContext, type CliContext, type CliIo } from './cli-context.ts';

export type CommandRunner = (argv: string[], ctx: CliContext) => Promise<number>;

interface CommandEntry {
  summary: string;
  load: () => Promise<CommandRunner>;
}

const COMMANDS: Record<string, CommandEntry> = {
  diagnose: {
    summary: 'diagnose <path|git-url|owner/repo|repo-name> [--json]   why go mod download fails, and the fix',
    load: async () => (await import('./commands/diagnose-command.ts')).runDiagnoseCommand,
  },
  shell: {
    summary: 'shell                                                     terminal chat: the same commands as /buildfix in Slack',
    load: async () => (await import('./commands/shell-command.ts')).runShellCommand,
  },
  start: {
    summary: 'start                                                     `serve` when SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are set, else `shell`',
    load: async () => (await import('./commands/start-command.ts')).runStartCommand,
  },
  explain: {
    summary: 'explain <log-file|-> [--json]                            name the root cause of a saved build log',
    load: async () => (await import('./commands/explain-command.ts')).runExplainCommand,
  },
  serve: {
    summary:
      'serve [--listen ADDR] [--port N]                        the Slack app: POST /slack/events, GET /healthz (needs SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET)',
    load: async () => (await import('./commands/serve-command.ts')).runServeCommand,
  },
  worker: {
    summary: 'worker [--host NAME] [--concurrency N]                   run jobs for this host from Redis (REDIS_URL) until SIGTERM',
    load: async () => (await import('./commands/worker-command.ts')).runWorkerCommand,
  },
  status: {
    summary: 'status [--json]                                          live workers and queue depths',
    load: async () => (await import('./commands/status-command.ts')).runStatusCommand,
  },
  incidents: {
    summary: 'incidents list [--all] | export <id> [--format md|json]  incidents in Redis; export prints the archive report',
    load: async () => (await import('./commands/incidents-command.ts')).runIncidentsCommand,
  },
};

export function helpText(): string {
  const lines = ['usage: buildfix <command> [options]', '', 'commands:'];
  for (const entry of Object.values(COMMANDS)) lines.push(`  ${entry.summary}`);
  lines.push('', 'global options: --debug (stack traces and debug logs), --help, --version');
  lines.push('configuration: environment variables and an optional YAML file named by BUILDFIX_CONFIG (see README).');
  return `${lines.join('\n')}\n`;
}

function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env };
}

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const debug = argv.includes('--debug');
  const args = argv.filter((a) => a !== '--debug');
  const [name, ...rest] = args;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    io.stdout.write(helpText());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === 'version') {
    const { packageVersion } = await import('../util/package-root.ts');
    io.stdout.write(`buildfix ${packageVersion()}\n`);
    return 0;
  }
  const ctx = createCliContext(io, debug);
  try {
    const entry = COMMANDS[name];
    if (!entry) throw new UsageError(`unknown command "${name}"\n${helpText().trimEnd()}`);
    if (rest.includes('--help') || rest.includes('-h')) {
      io.stdout.write(`usage: buildfix ${entry.summary}\n`);
      return 0;
    }
    const run = await entry.load();
    return await run(rest, ctx);
  } catch (err) {
    io.stderr.write(`buildfix: ${redactText(userMessage(err))}\n`);
    if (debug && err instanceof Error && err.stack) io.stderr.write(`${redactText(err.stack)}\n`);
    return 2;
  }
}
