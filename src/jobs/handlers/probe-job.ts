/** `probe`: DNS/TCP/TLS/HTTP to this host's GOPROXY chain and checksum DB, direct and via its proxy. */
import { readGoEnvironment } from '../../checks/host-check.ts';
import { probeEndpoints, probeTargetsFromGoEnv } from '../../checks/network-probe.ts';
import { effectiveGoEnv } from '../../engine/diagnose.ts';
import { DEFAULT_GOPROXY, DEFAULT_GOSUMDB } from '../../goproxy/parse-goproxy.ts';
import { maskUrlCredentials } from '../../util/redact.ts';
import type { ProbeJobResult } from '../job-results.ts';
import type { JobContext } from '../job-types.ts';
import type { ProbePayload } from '../payload-schemas.ts';

export async function runProbeJob(payload: ProbePayload, ctx: JobContext): Promise<ProbeJobResult> {
  const goInfo = await ctx.timed(
    'go-env',
    'reading go env',
    () => readGoEnvironment({ goEnv: ctx.config.goEnv, timeoutMs: 15_000, signal: ctx.signal }),
    (info) => (info.missing ? 'warn' : 'pass'),
  );
  const goEnv = effectiveGoEnv(ctx.config.goEnv, goInfo.env);
  if (payload.goproxy !== undefined) goEnv.GOPROXY = payload.goproxy;
  if (payload.gosumdb !== undefined) goEnv.GOSUMDB = payload.gosumdb;
  const checks = await probeEndpoints(probeTargetsFromGoEnv(goEnv), {
    goEnv,
    timeoutMs: payload.timeoutMs ?? ctx.config.requestTimeoutMs,
    signal: ctx.signal,
    onProgress: ctx.engineProgress,
  });
  return {
    ok: !checks.some((c) => c.status === 'fail' || c.status === 'error'),
    goproxy: maskUrlCredentials(goEnv.GOPROXY || DEFAULT_GOPROXY),
    gosumdb: maskUrlCredentials(goEnv.GOSUMDB || DEFAULT_GOSUMDB),
    checks,
  };
}
