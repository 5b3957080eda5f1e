/**
 * `buildfix drill <target> [--modcache DIR] [--timeout MS] [--json]`: the
 * real `go mod download` with GOPROXY=off against the module cache, in a
 * temporary copy (exit 0 passes, 1 would fail).
 *
 * Run on a configured agent (this machine's name, BUILDFIX_HOST or the
 * hostname, is in `agents:`) against a configured repo and the agent's own
 * module cache, with REDIS_URL set, the drill is recorded as a Slack or
 * scheduled one is (the same host drill: readiness, then the drill): in that
 * agent's pre-flight health history, check "drill", by `local:<OS user>`,
 * so `buildfix status` shows it. Anything else (a path or URL, another
 * machine, another --modcache, no Redis) is an ad-hoc drill: it runs the
 * same, is not recorded, and the output says why.
 */
import { resolve } from 'node:path';
import type { Config } from '../../config/load-config.ts';
import { PreflightConfigSchema } from '../../config/preflight-schema.ts';
import { resolveTarget } from '../../engine/resolve-target.ts';
import { isCancelled, userMessage } from '../../errors.ts';
import { defaultHostName } from '../../jobs/queue-names.ts';
import { classifyRepoRef, findAgent } from '../../jobs/validate-names.ts';
import { agentModcache } from '../../modcache/agent-modcache.ts';
import { runModcacheDrill, type DrillResult } from '../../modcache/drill.ts';
import { drillOnHost } from '../../modcache/host-drill.ts';
import { renderDrill } from '../../modcache/render-modcache.ts';
import { drillErrorResult, drillPreflightResult } from '../../preflight/drill-result.ts';
import { RedisPreflightStore } from '../../preflight/store.ts';
import type { PreflightResult } from '../../preflight/types.ts';
import { closeRedisConnection, createRedisConnection, waitUntilReady } from '../../redis/create-redis-connection.ts';
import { normalizeKeyPrefix } from '../../redis/key-prefix.ts';
import { localRequesterId } from '../../util/local-user.ts';
import type { CliContext } from '../cli-context.ts';
import { COMMAND_SPECS } from '../command-specs.ts';
import { intOption, parseArgs } from '../parse-args.ts';

/** Where a CLI drill is recorded, or why it is not. */
export type DrillRecordPlan = { record: true; agent: string; repo: string; redisUrl: string } | { record: false; reason: string };

/** Decides whether this drill belongs in an agent's health history (pure but for reading the agent's module cache). */
export async function planDrillRecord(target: string, config: Config, modcacheOption: string | undefined, signal?: AbortSignal): Promise<DrillRecordPlan> {
  const repo = target.trim();
  if (classifyRepoRef(repo, config) !== 'repo-name') return { record: false, reason: `${repo} is not a configured repo (repos: in the config)` };
  const host = defaultHostName(config.host);
  if (findAgent(config, host) === undefined) {
    const configured = Object.keys(config.agents);
    return {
      record: false,
      reason: `this machine (${host}) is not a configured agent (${configured.length > 0 ? `agents: ${configured.join(', ')}` : 'no agents: in the config'}); on an agent, set BUILDFIX_HOST to its name`,
    };
  }
  if (modcacheOption !== undefined) {
    const own = await agentModcache(undefined, config.goEnv, signal ? { signal } : {});
    if (resolve(modcacheOption) !== own) return { record: false, reason: `--modcache ${resolve(modcacheOption)} is not ${host}'s module cache (${own})` };
  }
  const redisUrl = config.env.REDIS_URL;
  if (!redisUrl)
    return {
      record: false,
      reason: 'REDIS_URL is not set: the health history is in Redis (without it, in the memory of a running serve or shell, which this command cannot reach)',
    };
  return { record: true, agent: host, repo, redisUrl };
}

async function recordDrill(plan: Extract<DrillRecordPlan, { record: true }>, config: Config, result: PreflightResult): Promise<void> {
  const redis = createRedisConnection(plan.redisUrl, { role: 'producer', name: 'buildfix-drill' });
  try {
    await waitUntilReady(redis, plan.redisUrl, 5000);
    await new RedisPreflightStore(redis, normalizeKeyPrefix(config.env.REDIS_PREFIX)).record(
      result,
      (config.preflight ?? PreflightConfigSchema.parse({})).history,
    );
  } finally {
    await closeRedisConnection(redis);
  }
}

export async function runDrillCommand(argv: string[], ctx: CliContext): Promise<number> {
  const args = parseArgs(argv, COMMAND_SPECS.drill);
  const timeoutMs = intOption(args, 'timeout', 1000, 1_800_000) ?? 120_000;
  const config = ctx.config();
  const ref = args.positionals[0] ?? '';
  const modcacheOption = args.options.get('modcache');
  const plan = await planDrillRecord(ref, config, modcacheOption, ctx.signal);

  let origin: string;
  let modcache: string;
  let drill: DrillResult;
  /** What the history says of it ("recorded …" / "not recorded: …"). */
  let history: { recorded: true; agent: string; repo: string } | { recorded: false; reason: string };
  if (plan.record) {
    // The same host drill as the job and the schedule: the record carries readiness as theirs do.
    const run = { agent: plan.agent, repo: plan.repo, by: localRequesterId(), startedAt: new Date() };
    const t0 = performance.now();
    let facts;
    try {
      facts = await drillOnHost(plan.repo, config, { signal: ctx.signal, timeoutMs });
    } catch (err) {
      if (!isCancelled(err) && !ctx.signal.aborted) {
        const failed = drillErrorResult({ ...run, durationMs: Math.round(performance.now() - t0), error: userMessage(err) });
        await recordDrill(plan, config, failed).catch((recordErr: unknown) =>
          ctx.stderr.write(`buildfix: the drill could not run, and could not be recorded either: ${userMessage(recordErr)}\n`),
        );
      }
      throw err;
    }
    ({ origin, modcache, drill } = facts);
    try {
      await recordDrill(plan, config, drillPreflightResult({ ...run, durationMs: Math.round(performance.now() - t0), facts }));
      history = { recorded: true, agent: plan.agent, repo: plan.repo };
    } catch (err) {
      // The drill's answer matters more than its record: said, and the exit code is the drill's.
      history = { recorded: false, reason: `recording it failed: ${userMessage(err)}` };
    }
  } else {
    const target = await resolveTarget(ref, config, { signal: ctx.signal });
    try {
      origin = target.origin;
      modcache = await agentModcache(modcacheOption, config.goEnv, { signal: ctx.signal });
      drill = await runModcacheDrill(target.dir, modcache, { goEnv: config.goEnv, timeoutMs, signal: ctx.signal });
    } finally {
      await target.cleanup();
    }
    history = { recorded: false, reason: plan.reason };
  }

  if (args.flags.has('json')) {
    const { env, ...rest } = drill;
    // The temporary paths are gone by now: report only the settings that matter.
    const shown = Object.fromEntries(Object.entries(env).filter(([k]) => !['GOMODCACHE', 'GOPATH', 'GOCACHE'].includes(k)));
    ctx.stdout.write(`${JSON.stringify({ target: origin, modcache, ...rest, env: shown, history })}\n`);
  } else {
    ctx.stdout.write(renderDrill(drill, origin, modcache));
    ctx.stdout.write(
      history.recorded
        ? `recorded in ${history.agent}'s health history (check drill, ${history.repo}): buildfix status shows it\n`
        : `not recorded in the health history: ${history.reason}\n`,
    );
  }
  return drill.passed ? 0 : 1;
}
