/**
 * buildfix's Prometheus metrics (prom-client): one registry per instance,
 * small recording methods other modules call (commandFinished, jobFinished,
 * webhookDelivery, slackApiError, jenkinsApiError), and gauges refreshed on
 * scrape from sources the process plugs in (job system status for queue
 * depths and worker heartbeats, the incident store for open incidents).
 * Every source call is bounded by a timeout so a scrape never hangs on a
 * Redis outage; a failed source sets buildfix_metrics_source_up to 0.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { JobOutcome, JobSystemStatus } from '../jobs/job-types.ts';
import type { HealthSummary } from '../health/health-summary.ts';
import type { PreflightResult } from '../preflight/types.ts';
import { LabelGuard } from './label-guard.ts';
import { PreflightGauges } from './preflight-metrics.ts';

/** What a command ended as, from the chat side's point of view. */
export type CommandOutcome = 'ok' | 'failed' | 'refused' | 'rejected' | 'usage' | 'confirm_requested' | 'cancelled';

/** Seconds; from a status check (0.05 s) to a cold `go mod download` (30 min). */
export const JOB_DURATION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800];

export interface MetricsSources {
  /** Live workers and queue depths (Dispatcher.status or jobStatusFromRedis). */
  jobStatus?: () => Promise<JobSystemStatus>;
  /** The number of open incidents (IncidentStore.listOpen().length). */
  openIncidents?: () => Promise<number>;
  /** The latest pre-flight result per agent, check and repo (src/preflight). */
  preflightResults?: () => Promise<PreflightResult[]>;
}

export interface BuildfixMetricsOptions {
  /** Node.js process metrics (memory, CPU, event loop lag, GC) under buildfix_ (default true). */
  defaultMetrics?: boolean;
  /** Per-source time limit during a scrape (default 2000 ms). */
  sourceTimeoutMs?: number;
  /** Distinct values kept per label before "other" (default 100). */
  labelLimit?: number;
  /** Labels on every series (e.g. { role: "serve" }). */
  defaultLabels?: Record<string, string>;
  now?: () => number;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([p, limit]).finally(() => clearTimeout(timer));
}

export class BuildfixMetrics {
  readonly registry: Registry;
  readonly #labels: LabelGuard;
  readonly #timeoutMs: number;
  readonly #now: () => number;
  #sources: MetricsSources = {};

  readonly #commands: Counter<'command' | 'outcome'>;
  readonly #jobDuration: Histogram<'job' | 'host' | 'outcome'>;
  readonly #queueJobs: Gauge<'queue' | 'host' | 'state'>;
  readonly #workersLive: Gauge<'host'>;
  readonly #heartbeatAge: Gauge<'host'>;
  readonly #heartbeatAt: Gauge<'host'>;
  readonly #webhooks: Counter<'source' | 'verdict'>;
  readonly #openIncidents: Gauge;
  readonly #slackErrors: Counter<'method' | 'kind'>;
  readonly #slackPostsFailed: Counter<'reason'>;
  readonly #jenkinsErrors: Counter<'operation' | 'kind'>;
  readonly #sourceUp: Gauge<'source'>;
  readonly #preflight: PreflightGauges;
  /** In-process mode's pre-flight results, relayed from the thread that runs the jobs (latest per agent, check and repo). */
  readonly #relayedPreflight = new Map<string, PreflightResult>();
  /** In-process mode's dependency health summaries, relayed likewise (latest per repo). */
  readonly #relayedHealth = new Map<string, HealthSummary>();

  constructor(options: BuildfixMetricsOptions = {}) {
    this.registry = new Registry();
    if (options.defaultLabels) this.registry.setDefaultLabels(options.defaultLabels);
    this.#labels = new LabelGuard(options.labelLimit ?? 100);
    this.#timeoutMs = options.sourceTimeoutMs ?? 2000;
    this.#now = options.now ?? Date.now;
    const registers = [this.registry];
    this.#commands = new Counter({
      name: 'buildfix_commands_total',
      help: 'Chat commands handled, by command and outcome',
      labelNames: ['command', 'outcome'],
      registers,
    });
    this.#jobDuration = new Histogram({
      name: 'buildfix_job_duration_seconds',
      help: 'Job run time as reported in its outcome, by job type, the host that ran it and outcome',
      labelNames: ['job', 'host', 'outcome'],
      buckets: JOB_DURATION_BUCKETS,
      registers,
    });
    this.#queueJobs = new Gauge({
      name: 'buildfix_queue_jobs',
      help: 'Jobs in each queue by state (read on scrape)',
      labelNames: ['queue', 'host', 'state'],
      registers,
    });
    this.#workersLive = new Gauge({
      name: 'buildfix_workers_live',
      help: 'Workers with a live heartbeat, by host (read on scrape)',
      labelNames: ['host'],
      registers,
    });
    this.#heartbeatAge = new Gauge({
      name: 'buildfix_worker_heartbeat_age_seconds',
      help: "Seconds since the host's most recent worker heartbeat (read on scrape)",
      labelNames: ['host'],
      registers,
    });
    this.#heartbeatAt = new Gauge({
      name: 'buildfix_worker_last_heartbeat_timestamp_seconds',
      help: "Unix time of the host's most recent worker heartbeat (read on scrape)",
      labelNames: ['host'],
      registers,
    });
    this.#webhooks = new Counter({
      name: 'buildfix_webhook_deliveries_total',
      help: 'CI webhook deliveries by source and verdict',
      labelNames: ['source', 'verdict'],
      registers,
    });
    this.#openIncidents = new Gauge({ name: 'buildfix_open_incidents', help: 'Incidents not yet resolved (read on scrape)', registers });
    this.#slackErrors = new Counter({
      name: 'buildfix_slack_api_errors_total',
      help: 'Slack Web API calls that failed after retries, by method and kind',
      labelNames: ['method', 'kind'],
      registers,
    });
    this.#slackPostsFailed = new Counter({
      name: 'buildfix_slack_posts_failed_total',
      help: "Slack posts buildfix gave up on (an alert nobody saw), by reason: Slack's error code (at once, no retry helps) or the last transient failure after the retry bound",
      labelNames: ['reason'],
      registers,
    });
    this.#jenkinsErrors = new Counter({
      name: 'buildfix_jenkins_api_errors_total',
      help: 'Jenkins REST requests that failed, by operation and kind',
      labelNames: ['operation', 'kind'],
      registers,
    });
    this.#sourceUp = new Gauge({
      name: 'buildfix_metrics_source_up',
      help: '1 when the source answered during the last scrape (jobs: Redis / dispatcher, incidents: incident store)',
      labelNames: ['source'],
      registers,
    });
    this.#preflight = new PreflightGauges(this.registry, this.#labels);
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'buildfix_' });
  }

  /** Plugs in (or replaces) the sources read on scrape. */
  setSources(sources: MetricsSources): void {
    this.#sources = { ...this.#sources, ...sources };
  }

  #label(metric: string, label: string, value: unknown): string {
    return this.#labels.value(metric, label, value);
  }

  commandFinished(command: string, outcome: CommandOutcome | string): void {
    this.#commands.inc({ command: this.#label('commands', 'command', command), outcome: this.#label('commands', 'outcome', outcome) });
  }

  /** A finished job; `outcome` is "ok" or an error code such as BF_TIMEOUT. */
  jobFinished(job: string, host: string | undefined, durationMs: number, outcome: string): void {
    if (!Number.isFinite(durationMs) || durationMs < 0) return;
    this.#jobDuration.observe(
      { job: this.#label('jobs', 'job', job), host: this.#label('jobs', 'host', host ?? 'none'), outcome: this.#label('jobs', 'outcome', outcome) },
      durationMs / 1000,
    );
  }

  /** jobFinished from a job outcome as the dispatchers deliver it. */
  jobOutcome(outcome: JobOutcome): void {
    this.jobFinished(outcome.name, outcome.host, outcome.durationMs, outcome.ok ? 'ok' : outcome.error.code);
  }

  webhookDelivery(source: string, verdict: string): void {
    this.#webhooks.inc({ source: this.#label('webhooks', 'source', source), verdict: this.#label('webhooks', 'verdict', verdict) });
  }

  slackApiError(method: string, kind: string): void {
    this.#slackErrors.inc({ method: this.#label('slack', 'method', method), kind: this.#label('slack', 'kind', kind) });
  }

  /** A post given up on (src/slack/outbox/slack-outbox.ts deliver). */
  slackPostFailed(reason: string): void {
    this.#slackPostsFailed.inc({ reason: this.#label('slack', 'reason', reason) });
  }

  jenkinsApiError(operation: string, kind: string): void {
    this.#jenkinsErrors.inc({ operation: this.#label('jenkins', 'operation', operation), kind: this.#label('jenkins', 'kind', kind) });
  }

  /**
   * A pre-flight result recorded in this process's memory (in-process mode, no Redis to read on scrape):
   * kept as the latest of its agent, check and repo and shown by the same gauges, unless a preflightResults source is set.
   */
  preflightRecorded(result: PreflightResult): void {
    if (typeof result?.agent !== 'string' || typeof result.check !== 'string' || typeof result.repo !== 'string') return;
    this.#relayedPreflight.set(`${result.agent}\u0000${result.check}\u0000${result.repo}`, result);
  }

  /** A repo's health summary made without Redis (in-process mode): kept as its latest, for the health gauges. */
  healthRecorded(summary: HealthSummary): void {
    if (typeof summary?.repo !== 'string') return;
    this.#relayedHealth.set(summary.repo, summary);
  }

  /** The relayed health summaries, by repo. */
  relayedHealthSummaries(): HealthSummary[] {
    return [...this.#relayedHealth.values()].sort((a, b) => a.repo.localeCompare(b.repo));
  }

  /** Reads the sources into the scrape-time gauges. Never throws. */
  async refresh(): Promise<void> {
    const { jobStatus, openIncidents } = this.#sources;
    const relayed = this.#relayedPreflight;
    const preflightResults = this.#sources.preflightResults ?? (relayed.size > 0 ? async (): Promise<PreflightResult[]> => [...relayed.values()] : undefined);
    await Promise.all([
      preflightResults
        ? withTimeout(preflightResults(), this.#timeoutMs, 'pre-flight results').then(
            (results) => {
              this.#preflight.apply(results);
              this.#sourceUp.set({ source: 'preflight' }, 1);
            },
            () => this.#sourceUp.set({ source: 'preflight' }, 0),
          )
        : undefined,
      jobStatus
        ? withTimeout(jobStatus(), this.#timeoutMs, 'job status').then(
            (status) => {
              this.#applyStatus(status);
              this.#sourceUp.set({ source: 'jobs' }, 1);
            },
            () => this.#sourceUp.set({ source: 'jobs' }, 0),
          )
        : undefined,
      openIncidents
        ? withTimeout(openIncidents(), this.#timeoutMs, 'incident store').then(
            (n) => {
              this.#openIncidents.set(n);
              this.#sourceUp.set({ source: 'incidents' }, 1);
            },
            () => this.#sourceUp.set({ source: 'incidents' }, 0),
          )
        : undefined,
    ]);
  }

  #applyStatus(status: JobSystemStatus): void {
    // Reset first: a queue or host that disappeared must not keep its last value.
    this.#queueJobs.reset();
    this.#workersLive.reset();
    this.#heartbeatAge.reset();
    this.#heartbeatAt.reset();
    for (const q of status.queues) {
      const labels = { queue: this.#label('queues', 'queue', q.queue), host: this.#label('queues', 'host', q.host ?? 'any') };
      this.#queueJobs.set({ ...labels, state: 'waiting' }, q.waiting);
      this.#queueJobs.set({ ...labels, state: 'active' }, q.active);
      this.#queueJobs.set({ ...labels, state: 'delayed' }, q.delayed);
      this.#queueJobs.set({ ...labels, state: 'failed' }, q.failed);
    }
    const latest = new Map<string, number>();
    const live = new Map<string, number>();
    for (const w of status.workers) {
      const host = this.#label('workers', 'host', w.host);
      live.set(host, (live.get(host) ?? 0) + 1);
      const seen = Date.parse(w.lastSeen);
      if (Number.isFinite(seen)) latest.set(host, Math.max(latest.get(host) ?? 0, seen));
    }
    for (const [host, n] of live) this.#workersLive.set({ host }, n);
    const now = this.#now();
    for (const [host, at] of latest) {
      this.#heartbeatAt.set({ host }, at / 1000);
      this.#heartbeatAge.set({ host }, Math.max(0, (now - at) / 1000));
    }
  }

  /** The exposition text (after refreshing the scrape-time gauges). */
  async render(): Promise<string> {
    await this.refresh();
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
