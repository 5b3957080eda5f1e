/**
 * What the Jenkins job handlers share: the client built from this worker's
 * environment, build progress as job progress (queued → started #N →
 * finished RESULT with duration and URL), and a failed build's log run
 * through the classifier.
 */
import { classifyLog } from '../../classify/classify-log.ts';
import { namedCause } from '../../classify/other-cause.ts';
import { formatDuration, JenkinsClient, type BuildProgress, type BuildRun } from '../../clients/jenkins/index.ts';
import { BuildfixError, userMessage } from '../../errors.ts';
import type { BuildLogDiagnosis, JenkinsBuildSummary } from '../jenkins-job-types.ts';
import type { JobContext, StepStatus } from '../job-types.ts';

/** The Jenkins client of this worker (JENKINS_URL, JENKINS_USER, JENKINS_API_TOKEN); close it when done. */
export function jenkinsClientFor(ctx: Pick<JobContext, 'config' | 'host'>): JenkinsClient {
  const { JENKINS_URL, JENKINS_USER, JENKINS_API_TOKEN } = ctx.config.env;
  if (!JENKINS_URL || !JENKINS_USER || !JENKINS_API_TOKEN) {
    throw new BuildfixError(
      'BF_CONFIG',
      `Jenkins is not configured on the worker of ${ctx.host}: set JENKINS_URL, JENKINS_USER and JENKINS_API_TOKEN in the environment of every buildfix worker (any worker may run Jenkins jobs)`,
    );
  }
  return new JenkinsClient({ baseUrl: JENKINS_URL, user: JENKINS_USER, apiToken: JENKINS_API_TOKEN, userAgent: `buildfix-worker/${ctx.host}` });
}

/** SUCCESS passes, UNSTABLE warns, anything else fails. */
export function buildStatus(result: string | null): StepStatus {
  return result === 'SUCCESS' ? 'pass' : result === 'UNSTABLE' ? 'warn' : 'fail';
}

/** Jenkins build progress → job progress events. */
export function reportBuildProgress(ctx: Pick<JobContext, 'progress'>): (event: BuildProgress) => void {
  return (event) => {
    switch (event.phase) {
      case 'queued':
        ctx.progress({
          step: 'queued',
          message: `${event.job}: queued in Jenkins (queue item ${event.queueId}${event.why ? `: ${event.why}` : ''})`,
          status: 'info',
        });
        return;
      case 'started':
        ctx.progress({ step: 'started', message: `${event.job}: started #${event.number} ${event.url}`, status: 'info' });
        return;
      case 'finished':
        ctx.progress({
          step: 'finished',
          message: `${event.job}: #${event.number} finished ${event.result} in ${formatDuration(event.durationMs)}: ${event.url}`,
          status: buildStatus(event.result),
          durationMs: event.durationMs,
        });
    }
  };
}

export function summarizeBuild(run: BuildRun): JenkinsBuildSummary {
  return { job: run.job, number: run.number, url: run.url, queueId: run.queueId, result: run.result, durationMs: run.durationMs };
}

/**
 * A FAILURE build's console log through the classifier. Reading the log must
 * not turn a finished build into a failed job: a problem becomes `unavailable`.
 */
export async function diagnoseBuildLog(
  client: JenkinsClient,
  build: BuildRun,
  ctx: Pick<JobContext, 'timed' | 'progress' | 'signal'>,
): Promise<BuildLogDiagnosis | undefined> {
  if (build.result !== 'FAILURE') return undefined;
  try {
    const text = await ctx.timed('read-log', `${build.job}: reading the console log of #${build.number}`, () =>
      client.getConsoleText(build.job, build.number, { signal: ctx.signal }),
    );
    const classification = classifyLog(text);
    ctx.progress({
      step: 'classify',
      message:
        classification.category === 'unknown'
          ? `${build.job} #${build.number}: no known cause recognised in the log`
          : `${build.job} #${build.number}: root cause ${namedCause(classification)}${classification.module ? ` — ${classification.module}` : ''}`,
      status: classification.category === 'unknown' ? 'warn' : 'info',
    });
    return { classification };
  } catch (err) {
    return { unavailable: `the console log of #${build.number} could not be read: ${userMessage(err)}` };
  }
}
