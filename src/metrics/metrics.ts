/**
 * The process-wide metrics: `metrics.commandFinished(…)` and friends may be
 * called from anywhere, including `buildfix serve`'s Slack handler thread.
 * The registry lives in the main thread (where GET /metrics is answered);
 * calls made in a worker thread are relayed to it over a BroadcastChannel,
 * so the lead does not have to plumb a registry into the thread.
 *
 * Call processMetrics() (or create the /metrics handler) in the main thread
 * before the handler thread starts sending: a relayed call made while no
 * main-thread registry exists is dropped (nobody could scrape it anyway).
 */
import { BroadcastChannel, isMainThread } from 'node:worker_threads';
import type { JobOutcome } from '../jobs/job-types.ts';
import type { HealthSummary } from '../health/health-summary.ts';
import type { PreflightResult } from '../preflight/types.ts';
import { BuildfixMetrics, type BuildfixMetricsOptions, type CommandOutcome } from './buildfix-metrics.ts';

const CHANNEL = 'buildfix-metrics';

type Recording =
  | { m: 'commandFinished'; a: [string, string] }
  | { m: 'jobFinished'; a: [string, string | undefined, number, string] }
  | { m: 'webhookDelivery'; a: [string, string] }
  | { m: 'slackApiError'; a: [string, string] }
  | { m: 'slackPostFailed'; a: [string] }
  | { m: 'jenkinsApiError'; a: [string, string] }
  | { m: 'preflightResult'; a: [PreflightResult] }
  | { m: 'healthSummary'; a: [HealthSummary] };

let instance: BuildfixMetrics | undefined;
let listener: BroadcastChannel | undefined;
let sender: BroadcastChannel | undefined;

function apply(target: BuildfixMetrics, r: Recording): void {
  switch (r.m) {
    case 'commandFinished':
      return target.commandFinished(...r.a);
    case 'jobFinished':
      return target.jobFinished(...r.a);
    case 'webhookDelivery':
      return target.webhookDelivery(...r.a);
    case 'slackApiError':
      return target.slackApiError(...r.a);
    case 'slackPostFailed':
      return target.slackPostFailed(...r.a);
    case 'jenkinsApiError':
      return target.jenkinsApiError(...r.a);
    case 'preflightResult':
      return target.preflightRecorded(...r.a);
    case 'healthSummary':
      return target.healthRecorded(...r.a);
  }
}

function isRecording(value: unknown): value is Recording {
  return typeof value === 'object' && value !== null && typeof (value as { m?: unknown }).m === 'string' && Array.isArray((value as { a?: unknown }).a);
}

/** This process's registry (main thread). Created on first use with `options`; later options are ignored. */
export function processMetrics(options: BuildfixMetricsOptions = {}): BuildfixMetrics {
  if (instance) return instance;
  instance = new BuildfixMetrics(options);
  if (isMainThread) {
    const target = instance;
    listener = new BroadcastChannel(CHANNEL);
    listener.onmessage = (event: unknown) => {
      const data = (event as { data?: unknown }).data;
      if (isRecording(data)) apply(target, data);
    };
    // Never keeps the process alive on its own.
    listener.unref();
  }
  return instance;
}

function record(r: Recording): void {
  if (isMainThread) {
    apply(processMetrics(), r);
    return;
  }
  if (!sender) {
    sender = new BroadcastChannel(CHANNEL);
    sender.unref();
  }
  sender.postMessage(r);
}

/** What other modules call to count things; cheap, synchronous, never throws. */
export const metrics = {
  commandFinished(command: string, outcome: CommandOutcome): void {
    record({ m: 'commandFinished', a: [String(command), outcome] });
  },
  jobFinished(job: string, host: string | undefined, durationMs: number, outcome: string): void {
    record({ m: 'jobFinished', a: [String(job), host, Number(durationMs), String(outcome)] });
  },
  jobOutcome(outcome: JobOutcome): void {
    record({ m: 'jobFinished', a: [outcome.name, outcome.host, outcome.durationMs, outcome.ok ? 'ok' : outcome.error.code] });
  },
  webhookDelivery(source: string, verdict: string): void {
    record({ m: 'webhookDelivery', a: [String(source), String(verdict)] });
  },
  slackApiError(method: string, kind: string): void {
    record({ m: 'slackApiError', a: [String(method), String(kind)] });
  },
  /** A Slack post buildfix gave up on, by reason (Slack's error code, or the last transient failure). */
  slackPostFailed(reason: string): void {
    record({ m: 'slackPostFailed', a: [String(reason)] });
  },
  jenkinsApiError(operation: string, kind: string): void {
    record({ m: 'jenkinsApiError', a: [String(operation), String(kind)] });
  },
  /** A pre-flight result kept in this process's memory (in-process mode): /metrics shows it as the Redis mode does its results. */
  preflightResult(result: PreflightResult): void {
    record({ m: 'preflightResult', a: [result] });
  },
  /** A repo's dependency health summary made without Redis (in-process mode): the health gauges show it. */
  healthSummary(summary: HealthSummary): void {
    record({ m: 'healthSummary', a: [summary] });
  },
};

/** The exposition text of this process's registry. */
export function renderMetrics(): Promise<string> {
  return processMetrics().render();
}

/** Stops relaying (tests, shutdown). The registry stays readable. */
export function closeMetricsRelay(): void {
  listener?.close();
  sender?.close();
  listener = undefined;
  sender = undefined;
}
