/**
 * `jenkins-restart-agent`: the safe agent restart, step by step
 * (mark-offline → drain → restart → wait-online → mark-online), each step
 * reported with its time. The restart itself goes through the agent host's
 * own buildfix worker when one is live (it runs the `restart-agent` job: the
 * agent's configured restart command) and through Jenkins otherwise
 * (disconnect, then launch). A failure restores the node where possible and
 * says exactly what state it is in (outcome.error.details.state).
 */
import type { JenkinsNode, RestartStep, RestartStepEvent } from '../../clients/jenkins/index.ts';
import { BuildfixError, userMessage, type ErrorCode } from '../../errors.ts';
import { jenkinsNodeFor, type JenkinsRestartAgentJobResult, type JenkinsRestartAgentPayload, type WorkerRestartRun } from '../jenkins-job-types.ts';
import type { RestartAgentJobResult } from '../job-results.ts';
import type { HandlerJobAccess, JobContext, StepStatus } from '../job-types.ts';
import { normalizeHost } from '../queue-names.ts';
import { jenkinsClientFor } from './jenkins-common.ts';

/** How long the host's worker gets for the restart command (the restart-agent job itself allows 3 min). */
const WORKER_RESTART_TIMEOUT_MS = 4 * 60_000;

const TITLES: Record<RestartStep, string> = {
  'mark-offline': 'marking it temporarily offline',
  drain: 'waiting for its running builds to finish',
  restart: 'restarting it',
  'wait-online': 'waiting for it to come back online',
  'mark-online': 'clearing the temporary-offline mark',
  restore: 'putting it back online after the failure',
};

const STATUS: Record<RestartStepEvent['status'], StepStatus> = { running: 'running', done: 'pass', skipped: 'skip', failed: 'error' };

// Error codes a job outcome can carry that the program-wide model does not have.
function programCode(code: string): ErrorCode {
  return code === 'BF_JOB_INTERRUPTED' || code === 'BF_JOB_LOST' ? 'BF_UPSTREAM' : (code as ErrorCode);
}

/** Whether a buildfix worker for `host` is live; undefined when the job system cannot tell. */
async function liveWorkerFor(dispatcher: HandlerJobAccess, host: string, ctx: JobContext): Promise<boolean | undefined> {
  try {
    const status = await dispatcher.status();
    return status.workers.some((w) => w.host === host && w.state === 'running');
  } catch (err) {
    ctx.logger.warn({ err, host }, 'could not list live workers');
    ctx.progress({ step: 'route', message: `could not tell whether a buildfix worker is live on ${host} (${userMessage(err)})`, status: 'warn' });
    return undefined;
  }
}

function finalState(node: JenkinsNode): JenkinsRestartAgentJobResult['final'] {
  return { connected: node.connected, temporarilyOffline: node.temporarilyOffline, offline: node.offline, offlineCauseReason: node.offlineCauseReason };
}

export async function runJenkinsRestartAgentJob(payload: JenkinsRestartAgentPayload, ctx: JobContext): Promise<JenkinsRestartAgentJobResult> {
  const { agent, node } = jenkinsNodeFor(payload.agent, ctx.config);
  const host = normalizeHost(agent);
  const client = jenkinsClientFor(ctx);
  let dispatcher: HandlerJobAccess | undefined;
  try {
    dispatcher = ctx.openJobs();
    const viaWorker = (await liveWorkerFor(dispatcher, host, ctx)) === true;
    ctx.progress({
      step: 'route',
      message: viaWorker
        ? `a buildfix worker is live on ${host}: it runs the agent's restart command`
        : `no live buildfix worker on ${host}: restarting ${node} through Jenkins (disconnect, then launch)`,
      status: 'info',
    });

    let workerRun: WorkerRestartRun | undefined;
    const jobs = dispatcher;
    const restartViaWorker = async (): Promise<void> => {
      const reason = `${payload.reason} (requested by ${payload.requestedBy}; ${ctx.name} ${ctx.jobId})`.slice(0, 200);
      const handle = await jobs.submit('restart-agent', { agent, reason }, { dedup: false });
      const outcome = await jobs.waitFor(handle.id, {
        timeoutMs: WORKER_RESTART_TIMEOUT_MS + 5000,
        onProgress: (e) =>
          ctx.progress({
            step: `worker:${e.step}`,
            message: `${host}: ${e.message}`,
            status: e.status ?? 'info',
            ...(e.durationMs === undefined ? {} : { durationMs: e.durationMs }),
          }),
      });
      if (!outcome.ok) {
        throw new BuildfixError(programCode(outcome.error.code), `the restart command on ${host}'s worker failed: ${outcome.error.message}`, {
          details: { workerJobId: handle.id, ...outcome.error.details },
        });
      }
      const r = outcome.result as RestartAgentJobResult;
      workerRun = { host, jobId: handle.id, command: r.command, exitCode: r.exitCode, outputTail: r.outputTail };
    };

    const r = await client.restartAgent(node, {
      requestedBy: payload.requestedBy,
      reason: payload.reason,
      force: payload.force,
      signal: ctx.signal,
      ...(viaWorker ? { restartViaWorker, workerTimeoutMs: WORKER_RESTART_TIMEOUT_MS } : {}),
      onStep: (e) =>
        ctx.progress({
          step: e.step,
          message:
            e.status === 'running'
              ? `${node}: ${TITLES[e.step]}…`
              : `${node}: ${e.step}${e.status === 'skipped' ? ' (skipped)' : e.status === 'failed' ? ' failed' : ''}${e.detail ? `: ${e.detail}` : ''}`,
          status: STATUS[e.status],
          ...(e.status === 'running' ? {} : { durationMs: e.durationMs }),
        }),
    });
    return {
      agent,
      node,
      via: r.via,
      steps: r.steps,
      durationMs: r.durationMs,
      summary: r.summary,
      final: finalState(r.final),
      ...(workerRun ? { worker: workerRun } : {}),
    };
  } finally {
    await dispatcher?.close().catch((err: unknown) => ctx.logger.warn({ err }, 'closing the job dispatcher failed'));
    await client.close();
  }
}
