/**
 * `jenkins-rollback`: builds the job again at the revision of its last
 * successful build, through the job's revision parameter
 * (jobs.<job>.revisionParam). When that build checked out several
 * repositories, the repo configured for the job (repos.<name>.job) picks the
 * application's revision. A FAILURE build's log is classified.
 */
import { JenkinsJobError, type RollbackResult } from '../../clients/jenkins/index.ts';
import type { Config } from '../../config/load-config.ts';
import { BUILD_WAIT, type JenkinsRollbackJobResult, type JenkinsRollbackPayload } from '../jenkins-job-types.ts';
import type { JobContext } from '../job-types.ts';
import { diagnoseBuildLog, jenkinsClientFor, reportBuildProgress, summarizeBuild } from './jenkins-common.ts';

const REMOTE_URL = /^(?:(?:https?|ssh|git):\/\/\S+|[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:\S+)$/;

/** The git URL of the repo the config ties to this job, when it is a remote URL (not a local path). */
function repoUrlFor(job: string, config: Pick<Config, 'repos'>): string | undefined {
  for (const repo of Object.values(config.repos)) if (repo.job === job && REMOTE_URL.test(repo.url)) return repo.url;
  return undefined;
}

export async function runJenkinsRollbackJob(payload: JenkinsRollbackPayload, ctx: JobContext): Promise<JenkinsRollbackJobResult> {
  const job = payload.job;
  const revisionParam = ctx.config.jobs[job]?.revisionParam ?? '';
  const client = jenkinsClientFor(ctx);
  try {
    ctx.progress({ step: 'trigger', message: `rollback of ${job}: finding its last successful build and its revision`, status: 'running' });
    const base = { revisionParam, onProgress: reportBuildProgress(ctx), signal: ctx.signal, ...BUILD_WAIT };
    let r: RollbackResult;
    try {
      r = await client.rollback(job, base);
    } catch (err) {
      // Several checkouts: retry with the configured repo's URL (nothing was triggered yet).
      const repoUrl = repoUrlFor(job, ctx.config);
      if (!(err instanceof JenkinsJobError && err.problem === 'ambiguous-revision' && repoUrl)) throw err;
      r = await client.rollback(job, { ...base, repoUrl });
    }
    ctx.progress({ step: 'revision', message: `${r.summary}${r.branch ? ` on ${r.branch}` : ''}: ${r.from.url}`, status: 'info' });
    const log = await diagnoseBuildLog(client, r.build, ctx);
    return {
      job: r.job,
      from: r.from,
      sha: r.sha,
      shortSha: r.shortSha,
      ...(r.branch ? { branch: r.branch } : {}),
      summary: r.summary,
      build: summarizeBuild(r.build),
      ...(log ? { log } : {}),
    };
  } finally {
    await client.close();
  }
}
