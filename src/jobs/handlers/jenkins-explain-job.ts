/** `jenkins-explain`: the classifier's verdict on the log of a job's last failed build (or a given build). */
import { classifyLog } from '../../classify/classify-log.ts';
import { namedCause } from '../../classify/other-cause.ts';
import type { JenkinsExplainJobResult, JenkinsExplainPayload } from '../jenkins-job-types.ts';
import type { JobContext } from '../job-types.ts';
import { jenkinsClientFor } from './jenkins-common.ts';

export async function runJenkinsExplainJob(payload: JenkinsExplainPayload, ctx: JobContext): Promise<JenkinsExplainJobResult> {
  const job = payload.job;
  const client = jenkinsClientFor(ctx);
  try {
    const which = payload.build === undefined ? 'its last failed build' : `build #${payload.build}`;
    const build = await ctx.timed(
      'find-build',
      `${job}: looking up ${which}`,
      () => (payload.build === undefined ? client.lastFailedBuild(job) : client.getBuild(job, payload.build, { signal: ctx.signal })),
      (b) => (b ? 'pass' : 'skip'),
    );
    if (!build) {
      ctx.progress({ step: 'classify', message: `${job} has no failed build: nothing to explain`, status: 'info' });
      return { job, build: null, logBytes: 0 };
    }
    const text = await ctx.timed('read-log', `${job}: reading the console log of #${build.number}`, () =>
      client.getConsoleText(job, build.number, { signal: ctx.signal }),
    );
    const classification = classifyLog(text);
    ctx.progress({
      step: 'classify',
      message:
        classification.category === 'unknown'
          ? `${job} #${build.number}: no known cause recognised`
          : `${job} #${build.number}: root cause ${namedCause(classification)}`,
      status: classification.category === 'unknown' ? 'warn' : 'info',
    });
    return { job: build.job, build: { number: build.number, url: build.url, result: build.result }, classification, logBytes: Buffer.byteLength(text) };
  } finally {
    await client.close();
  }
}
