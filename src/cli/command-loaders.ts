/** Each command's module, loaded on demand so a one-shot command loads only its own code. */
import type { CliContext } from './cli-context.ts';
import type { CommandName } from './command-specs.ts';

export type CommandRunner = (argv: string[], ctx: CliContext) => Promise<number>;

export const COMMAND_LOADERS: Record<CommandName, () => Promise<CommandRunner>> = {
  diagnose: async () => (await import('./commands/diagnose-command.ts')).runDiagnoseCommand,
  explain: async () => (await import('./commands/explain-command.ts')).runExplainCommand,
  shell: async () => (await import('./commands/shell-command.ts')).runShellCommand,
  start: async () => (await import('./commands/start-command.ts')).runStartCommand,
  serve: async () => (await import('./commands/serve-command.ts')).runServeCommand,
  worker: async () => (await import('./commands/worker-command.ts')).runWorkerCommand,
  status: async () => (await import('./commands/status-command.ts')).runStatusCommand,
  incidents: async () => (await import('./commands/incidents-command.ts')).runIncidentsCommand,
  cache: async () => (await import('./commands/cache-command.ts')).runCacheCommand,
  drill: async () => (await import('./commands/drill-command.ts')).runDrillCommand,
  health: async () => (await import('./commands/health-command.ts')).runHealthCommand,
};
