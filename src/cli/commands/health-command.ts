/**
 * `buildfix health <target> [--json]`: the dependency health report (exit 0
 * within the thresholds, 1 over them, 3 within them but partial).
 */
import { runHealthReport } from '../../health/run-health-report.ts';
import { renderHealthReport } from '../../health/render-health.ts';
import type { CliContext } from '../cli-context.ts';
import { COMMAND_SPECS } from '../command-specs.ts';
import { parseArgs } from '../parse-args.ts';

export async function runHealthCommand(argv: string[], ctx: CliContext): Promise<number> {
  const args = parseArgs(argv, COMMAND_SPECS.health);
  const report = await runHealthReport(args.positionals[0] ?? '', ctx.config(), { signal: ctx.signal });
  ctx.stdout.write(args.flags.has('json') ? `${JSON.stringify(report)}\n` : renderHealthReport(report));
  return report.status === 'fail' ? 1 : report.partial ? 3 : 0;
}
