/**
 * Rollback: the playbook's "回滚至最近成功的构建版本". Finds the job's last
 * successful build, reads the commit it built from the git plugin's BuildData
 * action (`lastBuiltRevision.SHA1`), and builds the job again with that
 * commit in the job's revision parameter. Every precondition is checked
 * before the build is triggered, so a refusal changes nothing.
 */
import { describeBuild, getJob, toBuildInfo, triggerBuild, type BuildInfo, type BuildParams, type BuildRun, type TriggerOptions } from './builds.ts';
import type { JenkinsTransport } from './jenkins-transport.ts';
import { JenkinsJobError } from './jenkins-errors.ts';
import { buildPath, normalizeJobName } from './job-path.ts';
import { BuildJson, TREE, type BuildAction } from './schema.ts';

export const GIT_BUILD_DATA_CLASS = 'hudson.plugins.git.util.BuildData';

export interface RollbackOptions extends Omit<TriggerOptions, 'jobInfo'> {
  /** The job's string parameter that selects the commit to build (config: jobs.<job>.revisionParam). */
  revisionParam: string;
  /**
   * The application repository, to pick its BuildData when a build checked out
   * several (Pipeline shared libraries add their own). Matched loosely (scheme,
   * credentials, ".git" and trailing slashes ignored).
   */
  repoUrl?: string;
  /** Other parameters to pass along (must be declared by the job). */
  params?: BuildParams;
}

export interface GitRevision {
  sha: string;
  branch: string | undefined;
  remoteUrls: string[];
}

export interface RollbackResult {
  job: string;
  /** The last successful build whose commit was rebuilt. */
  from: { number: number; url: string };
  sha: string;
  shortSha: string;
  branch: string | undefined;
  build: BuildRun;
  /** "rolled back to #41 (1a2b3c4)". */
  summary: string;
}

function normalizeRepo(url: string): string {
  return url
    .trim()
    .toLowerCase()
    .replace(/^[a-z+]+:\/\//, '')
    .replace(/^[^@/]*@/, '')
    .replace(/:(?=[^/\d])/, '/')
    .replace(/\/+$/, '')
    .replace(/\.git$/, '');
}

/** The git revisions a build's actions record, one per distinct BuildData. */
export function gitRevisions(actions: ReadonlyArray<BuildAction> | null | undefined): GitRevision[] {
  const out: GitRevision[] = [];
  for (const action of actions ?? []) {
    if (!action || action._class !== GIT_BUILD_DATA_CLASS) continue;
    const sha = action.lastBuiltRevision?.SHA1;
    if (!sha || !/^[0-9a-f]{7,64}$/i.test(sha)) continue;
    const branch = action.lastBuiltRevision?.branch?.[0]?.name ?? undefined;
    out.push({ sha: sha.toLowerCase(), branch, remoteUrls: action.remoteUrls ?? [] });
  }
  return out;
}

/** Picks the application's revision: by repo URL when given, else the only distinct SHA. */
export function pickRevision(job: string, build: number, revisions: GitRevision[], repoUrl?: string): GitRevision {
  if (revisions.length === 0) {
    throw new JenkinsJobError(
      job,
      'no-git-data',
      `build #${build} of job '${job}' has no git revision (no ${GIT_BUILD_DATA_CLASS} action): the job does not check out with the Git plugin, so buildfix cannot tell which commit to roll back to. Nothing was triggered.`,
    );
  }
  if (repoUrl) {
    const want = normalizeRepo(repoUrl);
    const match = revisions.find((r) => r.remoteUrls.some((u) => normalizeRepo(u) === want));
    if (!match) {
      const seen = [...new Set(revisions.flatMap((r) => r.remoteUrls))].join(', ') || 'none';
      throw new JenkinsJobError(
        job,
        'no-git-data',
        `build #${build} of job '${job}' has no git revision for ${repoUrl} (it checked out: ${seen}). Nothing was triggered.`,
      );
    }
    return match;
  }
  const distinct = new Map(revisions.map((r) => [r.sha, r]));
  if (distinct.size === 1) return revisions[0] as GitRevision;
  const list = [...distinct.values()].map((r) => `${r.sha.slice(0, 7)} from ${r.remoteUrls.join(' ') || 'an unnamed remote'}`).join('; ');
  throw new JenkinsJobError(
    job,
    'ambiguous-revision',
    `build #${build} of job '${job}' checked out several repositories (${list}); say which one is the application (repoUrl / the repo's url in the buildfix config). Nothing was triggered.`,
    {
      revisions: [...distinct.keys()],
    },
  );
}

/** The commit a build checked out (the application's, when it checked out several). */
export async function buildRevision(
  client: JenkinsTransport,
  job: string,
  number: number,
  opts: { repoUrl?: string; signal?: AbortSignal } = {},
): Promise<{ from: BuildInfo; revision: GitRevision }> {
  const name = normalizeJobName(job);
  const json = await client.getJson(`${buildPath(name, number)}/api/json`, BuildJson, {
    query: { tree: TREE.buildWithActions },
    subject: describeBuild(name, number),
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  const from = toBuildInfo(client, name, json);
  return { from, revision: pickRevision(name, from.number, gitRevisions(json.actions), opts.repoUrl) };
}

/** The job's last successful build and its commit, or undefined when it never succeeded. */
export async function lastSuccessfulRevision(
  client: JenkinsTransport,
  job: string,
  opts: { repoUrl?: string; signal?: AbortSignal } = {},
): Promise<{ from: BuildInfo; revision: GitRevision } | undefined> {
  const name = normalizeJobName(job);
  const info = await getJob(client, name, opts.signal ? { signal: opts.signal } : {});
  if (!info.lastSuccessfulBuild) return undefined;
  return buildRevision(client, name, info.lastSuccessfulBuild.number, opts);
}

/** Rebuilds the last successful build's commit through the job's revision parameter. */
export async function rollback(client: JenkinsTransport, job: string, opts: RollbackOptions): Promise<RollbackResult> {
  const name = normalizeJobName(job);
  const signal = opts.signal ? { signal: opts.signal } : {};
  const info = await getJob(client, name, signal);
  if (!opts.revisionParam) {
    throw new JenkinsJobError(
      name,
      'missing-parameter',
      `no revision parameter configured for job '${name}': set revisionParam for it in the buildfix config. Nothing was triggered.`,
    );
  }
  if (!info.parameters.some((p) => p.name === opts.revisionParam)) {
    const declared = info.parameters.length > 0 ? `it declares ${info.parameters.map((p) => p.name).join(', ')}` : 'it declares no parameters';
    throw new JenkinsJobError(
      name,
      'missing-parameter',
      `job '${name}' has no ${opts.revisionParam} parameter (${declared}), so it cannot build a chosen commit: add a string parameter ${opts.revisionParam} and check out that revision in the job. Nothing was triggered.`,
      { revisionParam: opts.revisionParam },
    );
  }
  const ref = info.lastSuccessfulBuild;
  if (!ref) {
    throw new JenkinsJobError(name, 'no-successful-build', `job '${name}' has no successful build to roll back to. Nothing was triggered.`);
  }
  const { from, revision } = await buildRevision(client, name, ref.number, { ...(opts.repoUrl ? { repoUrl: opts.repoUrl } : {}), ...signal });
  const build = await triggerBuild(client, name, { ...opts.params, [opts.revisionParam]: revision.sha }, { ...opts, jobInfo: info });
  const shortSha = revision.sha.slice(0, 7);
  return {
    job: name,
    from: { number: from.number, url: from.url },
    sha: revision.sha,
    shortSha,
    branch: revision.branch,
    build,
    summary: `rolled back to #${from.number} (${shortSha})`,
  };
}
