/**
 * `buildfix cache status <target> [--modcache DIR] [--json]`: which modules
 * of the target's build are in the module cache (exit 0 all, 1 some missing).
 */
import { UsageError } from '../../errors.ts';
import { resolveTarget } from '../../engine/resolve-target.ts';
import { agentModcache } from '../../modcache/agent-modcache.ts';
import { checkModcacheReadiness } from '../../modcache/readiness.ts';
import { renderReadiness } from '../../modcache/render-modcache.ts';
import { nearestWord } from '../../util/edit-distance.ts';
import type { CliContext } from '../cli-context.ts';
import { commandUsage } from '../command-help.ts';
import { COMMAND_SPECS } from '../command-specs.ts';
import { parseArgs } from '../parse-args.ts';

const SPEC = COMMAND_SPECS.cache;

export async function runCacheCommand(argv: string[], ctx: CliContext): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'status') {
    const near = sub ? nearestWord(sub, Object.keys(SPEC.subcommands)) : undefined;
    const warm = sub === 'warm' ? ' (`cache warm` runs the warm-modcache job from chat: /buildfix cache warm <agent> <repo>)' : '';
    throw new UsageError(
      sub
        ? `unknown cache command "${sub.slice(0, 40)}"${near ? ` (did you mean \`${near}\`?)` : ''}${warm}\nusage: ${commandUsage(SPEC)}`
        : `missing cache command\nusage: ${commandUsage(SPEC)}`,
    );
  }
  const args = parseArgs(rest, SPEC.subcommands.status);
  const config = ctx.config();
  const target = await resolveTarget(args.positionals[0] ?? '', config, { signal: ctx.signal });
  try {
    const modcache = await agentModcache(args.options.get('modcache'), config.goEnv, { signal: ctx.signal });
    const readiness = await checkModcacheReadiness(target.dir, modcache, { signal: ctx.signal, goEnv: config.goEnv });
    if (args.flags.has('json'))
      ctx.stdout.write(`${JSON.stringify({ target: target.origin, ...readiness, dir: target.cloned ? undefined : readiness.dir })}\n`);
    else ctx.stdout.write(renderReadiness(readiness, target.origin));
    return readiness.wouldPass ? 0 : 1;
  } finally {
    await target.cleanup();
  }
}
