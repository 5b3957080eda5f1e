/** `env-snapshot`: the facts agents are compared on (playbook 2.5): go version, go/proxy variables masked, lockfiles. */
import { stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { readGoEnvironment, snapshotEnvironment } from '../../checks/host-check.ts';
import { effectiveGoEnv } from '../../engine/diagnose.ts';
import { resolveTarget } from '../../engine/resolve-target.ts';
import type { EnvSnapshotJobResult, Lockfiles } from '../job-results.ts';
import type { JobContext } from '../job-types.ts';
import type { EnvSnapshotPayload } from '../payload-schemas.ts';

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

export async function runEnvSnapshotJob(payload: EnvSnapshotPayload, ctx: JobContext): Promise<EnvSnapshotJobResult> {
  const goInfo = await ctx.timed(
    'go',
    'reading go version and go env',
    () => readGoEnvironment({ goEnv: ctx.config.goEnv, timeoutMs: 15_000, signal: ctx.signal }),
    (i) => (i.missing ? 'warn' : 'pass'),
  );
  const snapshot = await snapshotEnvironment(effectiveGoEnv(ctx.config.goEnv, goInfo.env), { goInfo, home: process.env.HOME ?? homedir() });
  const result: EnvSnapshotJobResult = { ...snapshot, host: ctx.host };
  // Every snapshot asked for (envdiff, the schedule) is also kept in this host's history.
  await ctx.envHistory?.current(true);
  if (payload.repo !== undefined) {
    const repo = payload.repo;
    const target = await ctx.timed('checkout', `locating ${repo}`, () => resolveTarget(repo, ctx.config, { signal: ctx.signal }));
    try {
      const lockfiles: Lockfiles = {
        goMod: await isFile(join(target.dir, 'go.mod')),
        goSum: await isFile(join(target.dir, 'go.sum')),
        goWorkSum: await isFile(join(target.dir, 'go.work.sum')),
        vendorModulesTxt: await isFile(join(target.dir, 'vendor', 'modules.txt')),
      };
      result.lockfiles = lockfiles;
      result.repo = target.origin;
      ctx.progress({
        step: 'lockfiles',
        message: `go.sum ${lockfiles.goSum ? 'present' : 'missing'}${lockfiles.vendorModulesTxt ? ', vendor/modules.txt present' : ''}`,
        status: lockfiles.goSum ? 'pass' : 'warn',
      });
    } finally {
      await target.cleanup();
    }
  }
  return result;
}
