/**
 * `jenkins-rebuild`: a (clean) build of a Jenkins job, followed to its
 * result. Clean: the job's clean parameter when configured and declared,
 * else the workspace is wiped out first. GOPROXY/GOFLAGS overrides travel
 * only as the parameters the config names for the job (goproxyParam /
 * goflagsParam) and the job declares; otherwise the rebuild is refused before
 * anything changes. A FAILURE build's log is classified.
 */
import { JenkinsJobError, type BuildParams, type BuildRun, type GoOverrides } from '../../clients/jenkins/index.ts';
import { BuildfixError } from '../../errors.ts';
import { BUILD_WAIT, type JenkinsRebuildJobResult, type JenkinsRebuildPayload } from '../jenkins-job-types.ts';
import type { JobContext } from '../job-types.ts';
import { resolveGoproxyOverride } from '../../goproxy/goproxy-override.ts';
import { maskUrlCredentials } from '../../util/redact.ts';
import { diagnoseBuildLog, jenkinsClientFor, reportBuildProgress, summarizeBuild } from './jenkins-common.ts';

const CONFIG_KEY: Record<keyof GoOverrides, 'goproxyParam' | 'goflagsParam'> = { GOPROXY: 'goproxyParam', GOFLAGS: 'goflagsParam' };

export async function runJenkinsRebuildJob(payload: JenkinsRebuildPayload, ctx: JobContext): Promise<JenkinsRebuildJobResult> {
  const job = payload.job;
  const jobConfig = ctx.config.jobs[job];
  const overrides: GoOverrides = {};
  const paramNames: { GOFLAGS?: string; GOPROXY?: string } = {};
  for (const key of ['GOPROXY', 'GOFLAGS'] as const) {
    const value = payload.overrides?.[key];
    if (value === undefined) continue;
    const param = jobConfig?.[CONFIG_KEY[key]];
    if (!param) {
      throw new BuildfixError(
        'BF_TARGET',
        `the ${key} override needs the name of the job's ${key} parameter: set jobs.${job}.${CONFIG_KEY[key]} in the buildfix config. Nothing was triggered.`,
        { details: { job, override: key } },
      );
    }
    // GOPROXY: only entries the config knows; the payload holds the masked list, the build gets the configured URLs.
    overrides[key] = key === 'GOPROXY' ? resolveGoproxyOverride(value, ctx.config).value : value;
    paramNames[key] = param;
  }

  const client = jenkinsClientFor(ctx);
  try {
    const onProgress = reportBuildProgress(ctx);
    const shown = Object.entries(overrides)
      .map(([k, v]) => `${paramNames[k as keyof GoOverrides]}=${maskUrlCredentials(v)}`)
      .join(' ');
    let build: BuildRun;
    let cleanMethod: JenkinsRebuildJobResult['cleanMethod'];
    let appliedOverrides: Record<string, string> = {};
    let notes: string[] = [];
    if (payload.clean) {
      const how = jobConfig?.cleanParam ? `${jobConfig.cleanParam}=true` : 'wiping its workspace first';
      ctx.progress({ step: 'trigger', message: `clean build of ${job}: ${how}${shown ? `, ${shown}` : ''}`, status: 'running' });
      const r = await client.cleanBuild(job, {
        ...(jobConfig?.cleanParam ? { cleanParam: jobConfig.cleanParam } : {}),
        overrides,
        paramNames,
        strictOverrides: true,
        onProgress,
        signal: ctx.signal,
        ...BUILD_WAIT,
      });
      build = r.build;
      cleanMethod = r.method;
      appliedOverrides = maskValues(r.appliedOverrides);
      notes = r.notes;
      for (const note of notes) ctx.progress({ step: 'note', message: note, status: 'info' });
    } else {
      ctx.progress({ step: 'trigger', message: `build of ${job}${shown ? ` with ${shown}` : ''}`, status: 'running' });
      const info = await client.getJob(job, { signal: ctx.signal });
      const params: BuildParams = {};
      const missing: string[] = [];
      for (const [key, value] of Object.entries(overrides) as Array<[keyof GoOverrides, string]>) {
        const param = paramNames[key] as string;
        if (info.parameters.some((p) => p.name === param)) {
          params[param] = value;
          appliedOverrides[param] = maskUrlCredentials(value);
        } else missing.push(`${key} (no parameter named ${param})`);
      }
      if (missing.length > 0) {
        const declared = info.parameters.length > 0 ? `it declares ${info.parameters.map((p) => p.name).join(', ')}` : 'it declares no parameters';
        throw new JenkinsJobError(
          info.name,
          'unsupported-overrides',
          `job '${info.name}' does not accept the ${missing.join(', ')} override: ${declared}; add that string parameter to the job and use it in the build. Nothing was triggered.`,
        );
      }
      build = await client.triggerBuild(job, params, { jobInfo: info, onProgress, signal: ctx.signal, ...BUILD_WAIT });
    }
    const log = await diagnoseBuildLog(client, build, ctx);
    return {
      job: build.job,
      clean: payload.clean,
      ...(cleanMethod ? { cleanMethod } : {}),
      appliedOverrides,
      notes,
      build: summarizeBuild(build),
      ...(log ? { log } : {}),
    };
  } finally {
    await client.close();
  }
}

function maskValues(values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, maskUrlCredentials(v)]));
}
