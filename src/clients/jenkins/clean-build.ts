/**
 * A clean build: the playbook's "触发一次干净构建(带强制清理)". When the job
 * declares a clean parameter (e.g. a boolean CLEAN_WORKSPACE its pipeline
 * honours) we set it to true; otherwise we wipe the workspace through
 * Jenkins (POST doWipeOutWorkspace, freestyle-type jobs only) and then build.
 *
 * GOFLAGS / GOPROXY overrides travel only as build parameters the job
 * declares. An override the job cannot take is refused before anything is
 * changed (or, with strictOverrides: false, reported in `refusedOverrides`),
 * never dropped silently.
 */
import { checkBuildable, getJob, triggerBuild, type BuildParams, type BuildRun, type JobInfo, type TriggerOptions } from './builds.ts';
import type { JenkinsTransport } from './jenkins-transport.ts';
import { JenkinsJobError } from './jenkins-errors.ts';
import { jobPath, normalizeJobName } from './job-path.ts';

export interface GoOverrides {
  GOFLAGS?: string;
  GOPROXY?: string;
}

export interface CleanBuildOptions extends Omit<TriggerOptions, 'jobInfo'> {
  /** The job's boolean "clean" parameter (config: jobs.<job>.cleanParam). */
  cleanParam?: string;
  overrides?: GoOverrides;
  /** Parameter names that carry the overrides (default GOFLAGS and GOPROXY). */
  paramNames?: { GOFLAGS?: string; GOPROXY?: string };
  /** Refuse (default) or build anyway when the job cannot take an override. */
  strictOverrides?: boolean;
  /** Other parameters to pass along (must be declared by the job). */
  params?: BuildParams;
}

export interface CleanBuildResult {
  job: string;
  /** How the workspace was cleaned. */
  method: 'parameter' | 'wipe-out';
  /** Parameter name → value actually sent for each override. */
  appliedOverrides: Record<string, string>;
  /** Overrides the job could not take (only with strictOverrides: false). */
  refusedOverrides: Array<keyof GoOverrides>;
  /** Sentences for the chat report: what was done instead of what, and why. */
  notes: string[];
  build: BuildRun;
}

function declares(info: JobInfo, name: string): boolean {
  return info.parameters.some((p) => p.name === name);
}

/** Wipes the workspace (or sets the clean parameter), applies the overrides, and runs the build. */
export async function cleanBuild(client: JenkinsTransport, job: string, opts: CleanBuildOptions = {}): Promise<CleanBuildResult> {
  const name = normalizeJobName(job);
  const signal = opts.signal ? { signal: opts.signal } : {};
  const info = await getJob(client, name, signal);
  const notes: string[] = [];
  const params: BuildParams = { ...opts.params };

  // Overrides first: a refusal must come before we wipe anything.
  const appliedOverrides: Record<string, string> = {};
  const refusedOverrides: Array<keyof GoOverrides> = [];
  for (const key of ['GOFLAGS', 'GOPROXY'] as const) {
    const value = opts.overrides?.[key];
    if (value === undefined) continue;
    const param = opts.paramNames?.[key] ?? key;
    if (declares(info, param)) {
      params[param] = value;
      appliedOverrides[param] = value;
    } else {
      refusedOverrides.push(key);
    }
  }
  if (refusedOverrides.length > 0) {
    const list = refusedOverrides.map((k) => `${k} (no parameter named ${opts.paramNames?.[k] ?? k})`).join(', ');
    const declared = info.parameters.length > 0 ? `it declares ${info.parameters.map((p) => p.name).join(', ')}` : 'it declares no parameters';
    const how = `add a string parameter with that name to the job and use it in the build, or set goflagsParam/goproxyParam in the buildfix config`;
    if (opts.strictOverrides ?? true) {
      throw new JenkinsJobError(
        name,
        'unsupported-overrides',
        `job '${name}' does not accept the ${list} override${refusedOverrides.length > 1 ? 's' : ''}: ${declared}; ${how}. Nothing was changed.`,
        {
          refused: refusedOverrides,
        },
      );
    }
    notes.push(`not applied: ${list}; ${declared}`);
  }

  let method: CleanBuildResult['method'];
  if (opts.cleanParam && declares(info, opts.cleanParam)) {
    method = 'parameter';
    params[opts.cleanParam] = true;
  } else {
    method = 'wipe-out';
    if (opts.cleanParam) notes.push(`job '${name}' has no ${opts.cleanParam} parameter; wiped its workspace instead`);
    // Check everything that could refuse the build before deleting the workspace.
    checkBuildable(info, params);
    if (info.isPipeline) {
      throw new JenkinsJobError(
        name,
        'no-wipe-out',
        `job '${name}' is a Pipeline job: Jenkins has no "Wipe Out Current Workspace" for it. Add a boolean parameter${opts.cleanParam ? ` ${opts.cleanParam}` : ' (e.g. CLEAN_WORKSPACE)'} that runs cleanWs()/deleteDir(), and set cleanParam for this job in the buildfix config. Nothing was changed.`,
      );
    }
    await client.post(`${jobPath(name)}/doWipeOutWorkspace`, {
      subject: `job '${name}'`,
      notFound: `job '${name}' has no "Wipe Out Current Workspace" action (Pipeline and multibranch jobs do not); give it a clean parameter instead`,
      ...signal,
    });
  }
  const build = await triggerBuild(client, name, params, { ...opts, jobInfo: info });
  return { job: name, method, appliedOverrides, refusedOverrides, notes, build };
}
