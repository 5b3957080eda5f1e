/**
 * `buildfix drill <target> [--modcache DIR] [--timeout MS] [--json]`: the
 * real `go mod download` with GOPROXY=off against the module cache, in a
 * temporary copy (exit 0 passes, 1 would fail).
 */
import { resolveTarget } from '../../engine/resolve-target.ts';
import { agentModcache } from '../../modcache/agent-modcache.ts';
import { runModcacheDrill } from '../../modcache/drill.ts';
import { renderDrill } from '../../modcache/render-modcache.ts';
import type { CliContext } from '../cli-context.ts';
import { COMMAND_SPECS } from '../command-specs.ts';
import { intOption, parseArgs } from '../parse-args.ts';

export async function runDrillCommand(argv: string[], ctx: CliContext): Promise<number> {
  const args = parseArgs(argv, COMMAND_SPECS.drill);
  const timeoutMs = intOption(args, 'timeout', 1000, 1_800_000) ?? 120_000;
  const config = ctx.config();
  const target = await resolveTarget(args.positionals[0] ?? '', config, { signal: ctx.signal });
  try {
    const modcache = await agentModcache(args.options.get('modcache'), config.goEnv, { signal: ctx.signal });
    const result = await runModcacheDrill(target.dir, modcache, { goEnv: config.goEnv, timeoutMs, signal: ctx.signal });
    if (args.flags.has('json')) {
      const { env, ...rest } = result;
      // The temporary paths are gone by now: report only the settings that matter.
      const shown = Object.fromEntries(Object.entries(env).filter(([k]) => !['GOMODCACHE', 'GOPATH', 'GOCACHE'].includes(k)));
      ctx.stdout.write(`${JSON.stringify({ target: target.origin, modcache, ...rest, env: shown })}\n`);
    } else ctx.stdout.write(renderDrill(result, target.origin, modcache));
    return result.passed ? 0 : 1;
  } finally {
    await target.cleanup();
  }
}
