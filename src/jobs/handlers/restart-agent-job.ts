/**
 * `restart-agent`: runs the agent's configured restart argv on the agent's
 * own worker. The agent was checked against the config before this runs; a
 * non-zero exit is a CommandFailedError carrying the exit code and stderr tail.
 */
import { runCommand } from '../../exec/run-command.ts';
import type { RestartAgentJobResult } from '../job-results.ts';
import type { JobContext } from '../job-types.ts';
import type { RestartAgentPayload } from '../payload-schemas.ts';
import { findAgent } from '../validate-names.ts';
import { combinedTail } from './output-tail.ts';

export const DEFAULT_RESTART_ARGV: readonly string[] = ['systemctl', 'restart', 'jenkins-agent'];

export async function runRestartAgentJob(payload: RestartAgentPayload, ctx: JobContext): Promise<RestartAgentJobResult> {
  const agent = findAgent(ctx.config, payload.agent) ?? payload.agent;
  const argv = ctx.config.agents[agent]?.restart ?? DEFAULT_RESTART_ARGV;
  const why = payload.reason ? ` (${payload.reason})` : '';
  const run = await ctx.timed('restart', `restarting ${agent}: ${argv.join(' ')}${why}`, () => runCommand(argv, { timeoutMs: 170_000, signal: ctx.signal }));
  return { agent, command: run.command, exitCode: run.exitCode, durationMs: run.durationMs, outputTail: combinedTail(run) };
}
