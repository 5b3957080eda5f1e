/**
 * Runs one attempt of one job, the same way for both dispatchers: validate
 * the envelope and payload again (never trust the queue), check names against
 * this host's config, load the handler, run it under the job's timeout, and
 * turn whatever happened into a typed outcome plus a retry decision.
 */
import * as z from 'zod';
import type { Config } from '../config/load-config.ts';
import { BuildfixError, CancelledError, CommandFailedError, isBuildfixError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { ProgressEvent } from '../report/model.ts';
import { redactText } from '../util/redact.ts';
import { getJobSpec, JOB_NAMES, type JobSpec } from './catalogue.ts';
import {
  JobEnvelopeSchema,
  type JobContext,
  type JobEnvelope,
  type JobError,
  type JobErrorCode,
  type HandlerJobAccess,
  type JobOutcome,
  type JobProgress,
  type JobStateAccess,
  type JobStep,
  type StepStatus,
} from './job-types.ts';
import type { EnvRecorder } from './env-recorder.ts';
import { JobLayerError } from './job-errors.ts';
import { describeZodError } from './payload-schemas.ts';
import { normalizeHost } from './queue-names.ts';

export interface ExecuteJobInput {
  jobId: string;
  name: string;
  /** The raw envelope as stored (validated here). */
  data: unknown;
  /** 1 for the first try. */
  attempt: number;
  /** Host of the worker running this attempt (lower case). */
  workerHost: string;
  config: Config;
  logger: Logger;
  onProgress: (event: JobProgress) => void;
  /** Aborted when the worker shuts down and cannot wait for the job. */
  shutdownSignal?: AbortSignal;
  /** Aborted when the requester cancels this job (Ctrl-C in the shell): the handler's signal aborts, the job fails with BF_CANCELLED and is not retried. */
  cancelSignal?: AbortSignal;
  /** Attempts already started before this one were cut off (crash, kill -9). */
  interruptedBefore?: boolean;
  /** Opens the job system for handlers that hand a step to another worker (ctx.openJobs). */
  openJobs?: () => HandlerJobAccess;
  /** Records this host's environment snapshot at each job and gives handlers the history (ctx.envHistory). */
  envRecorder?: EnvRecorder;
  /** Redis for handlers that keep state between runs (ctx.state; BullMQ workers). */
  state?: JobStateAccess;
}

export interface ExecuteJobResult {
  outcome: JobOutcome;
  /** Try again later (idempotent job, transient error, attempts left). */
  retry: boolean;
  /** The worker is shutting down: give the job back to the queue instead of failing it. */
  handBack: boolean;
}

/** Error codes that will not change by trying again. */
const PERMANENT: ReadonlySet<JobErrorCode> = new Set<JobErrorCode>([
  'BF_CONFIG',
  'BF_USAGE',
  'BF_INPUT',
  'BF_GOMOD_PARSE',
  'BF_TARGET',
  'BF_PERMISSION',
  'BF_TIMEOUT',
  'BF_CANCELLED',
  'BF_JOB_INTERRUPTED',
  'BF_JOB_LOST',
]);

export function isRetryableCode(code: JobErrorCode): boolean {
  return !PERMANENT.has(code);
}

/** Any thrown value → {code, message, details}: one line, redacted, no stack. */
export function toJobError(err: unknown): JobError {
  if (err instanceof JobLayerError) return { code: err.code, message: err.message };
  if (err instanceof z.ZodError) return { code: 'BF_INPUT', message: `invalid payload: ${describeZodError(err)}` };
  if (isBuildfixError(err)) {
    const details: Record<string, unknown> = {};
    if (err instanceof CommandFailedError) {
      details.command = err.command;
      if (err.exitCode !== undefined) details.exitCode = err.exitCode;
      if (err.timedOut) details.timedOut = true;
      if (err.stderrTail) details.stderrTail = redactText(err.stderrTail);
    } else {
      for (const [k, v] of Object.entries(err.details)) {
        if (v === undefined) continue;
        details[k] = typeof v === 'string' ? redactText(v) : v;
      }
    }
    const out: JobError = { code: err.code as JobErrorCode, message: redactText(firstLines(err.message)) };
    if (Object.keys(details).length > 0) out.details = details;
    return out;
  }
  if (err instanceof Error) return { code: 'BF_INTERNAL', message: redactText(`unexpected error: ${firstLines(err.message)}`) };
  return { code: 'BF_INTERNAL', message: redactText(`unexpected error: ${String(err)}`) };
}

// Messages stay short: the first few lines, never a stack.
function firstLines(text: string): string {
  const lines = text.split('\n').filter((l) => !/^\s+at /.test(l));
  const kept = lines.slice(0, 6).join('\n');
  return kept.length > 2000 ? `${kept.slice(0, 2000)}…` : kept;
}

const MAX_STEPS = 100;

// Job timeouts (30 s … 30 min) need no millisecond precision: one ticker checks
// every running job's deadline each 250 ms instead of a timer per job.
const deadlines = new Set<{ at: number; fire: () => void }>();
let ticker: NodeJS.Timeout | undefined;

function watchDeadline(at: number, fire: () => void): () => void {
  const entry = { at, fire };
  deadlines.add(entry);
  if (!ticker) {
    ticker = setInterval(() => {
      const now = Date.now();
      for (const d of deadlines) {
        if (d.at <= now) {
          deadlines.delete(d);
          d.fire();
        }
      }
      if (deadlines.size === 0 && ticker) {
        clearInterval(ticker);
        ticker = undefined;
      }
    }, 250);
    ticker.unref();
  }
  return () => deadlines.delete(entry);
}

const abortWatchers = new WeakMap<AbortSignal, Set<() => void>>();

// One 'abort' listener per shutdown signal, not one per job (EventTarget listeners cost more than the job).
function onAbort(signal: AbortSignal, fn: () => void): () => void {
  if (signal.aborted) {
    fn();
    return () => {};
  }
  let set = abortWatchers.get(signal);
  if (!set) {
    const watchers = new Set<() => void>();
    signal.addEventListener(
      'abort',
      () => {
        for (const f of [...watchers]) f();
      },
      { once: true },
    );
    abortWatchers.set(signal, watchers);
    set = watchers;
  }
  set.add(fn);
  const watchers = set;
  return () => watchers.delete(fn);
}

// Collects progress into the finished-step list the outcome carries.
function createStepLog(): { record(e: JobProgress): void; steps: JobStep[] } {
  const steps: JobStep[] = [];
  return {
    steps,
    record(e) {
      if (e.status === 'running' || e.status === undefined) return;
      if (steps.length >= MAX_STEPS) steps.shift();
      steps.push({ step: e.step, message: e.message, status: e.status, ...(e.durationMs === undefined ? {} : { durationMs: e.durationMs }) });
    },
  };
}

/** Engine progress ({check, phase}) → job progress ({step, status}). */
export function fromEngineProgress(e: ProgressEvent): JobProgress {
  const status: StepStatus = e.phase === 'start' ? 'running' : e.phase === 'info' ? 'info' : (e.status ?? 'pass');
  return { step: e.check, message: e.message, status, ...(e.durationMs === undefined ? {} : { durationMs: e.durationMs }) };
}

function failure(input: ExecuteJobInput, started: number, steps: JobStep[], error: JobError, host: string | undefined): JobOutcome {
  return {
    ok: false,
    jobId: input.jobId,
    name: input.name,
    error,
    durationMs: Math.round(performance.now() - started),
    attempts: input.attempt,
    steps: steps.slice(),
    finishedAt: new Date().toISOString(),
    ...(host === undefined ? {} : { host }),
  };
}

// The common envelope (no replyTo/requestedBy, nothing extra) checked by hand; anything else goes through the schema.
function isPlainEnvelope(data: unknown): data is JobEnvelope {
  if (typeof data !== 'object' || data === null) return false;
  const d = data as Record<string, unknown>;
  for (const k in d) if (k !== 'v' && k !== 'payload' && k !== 'host' && k !== 'submittedAt') return false;
  return d.v === 1 && Number.isInteger(d.submittedAt) && (d.submittedAt as number) >= 0 && (d.host === undefined || typeof d.host === 'string');
}

/** Parses envelope and payload; throws a BF_INPUT BuildfixError naming every problem. */
export function parseJobData(name: string, data: unknown): { spec: JobSpec; envelope: JobEnvelope; payload: unknown } {
  const spec = getJobSpec(name);
  if (!spec) throw new BuildfixError('BF_INPUT', `unknown job "${name}" (known jobs: ${JOB_NAMES.join(', ')})`);
  let envelopeData: JobEnvelope;
  if (isPlainEnvelope(data)) envelopeData = data;
  else {
    const envelope = JobEnvelopeSchema.safeParse(data);
    if (!envelope.success) throw new BuildfixError('BF_INPUT', `invalid ${name} job data: ${describeZodError(envelope.error)}`);
    envelopeData = envelope.data;
  }
  const payload = spec.payload.safeParse(envelopeData.payload);
  if (!payload.success) throw new BuildfixError('BF_INPUT', `invalid ${name} payload: ${describeZodError(payload.error)}`);
  return { spec, envelope: envelopeData, payload: payload.data };
}

export async function executeJob(input: ExecuteJobInput): Promise<ExecuteJobResult> {
  const started = performance.now();
  const log = createStepLog();
  const emit = (e: JobProgress): void => {
    log.record(e);
    try {
      input.onProgress(e);
    } catch (err) {
      input.logger.warn({ err, jobId: input.jobId }, 'progress listener failed');
    }
  };

  let spec: JobSpec;
  let payload: unknown;
  let requestedBy: string | undefined;
  try {
    const parsed = parseJobData(input.name, input.data);
    spec = parsed.spec;
    payload = parsed.payload;
    requestedBy = parsed.envelope.requestedBy;
    const addressed = parsed.envelope.host;
    if (addressed !== undefined && normalizeHost(addressed) !== input.workerHost) {
      throw new BuildfixError('BF_PERMISSION', `refused: job addressed to host "${addressed}" reached the worker of "${input.workerHost}"`);
    }
    spec.check?.(payload as never, { config: input.config, localHost: input.workerHost });
    if (!spec.idempotent && input.interruptedBefore) {
      throw new JobLayerError(
        'BF_JOB_INTERRUPTED',
        `${input.name} was interrupted on ${input.workerHost} (its worker stopped mid-run) and is not re-run automatically: check the host, then run it again if needed`,
      );
    }
  } catch (err) {
    const error = toJobError(err);
    return { outcome: failure(input, started, log.steps, error, input.workerHost), retry: false, handBack: false };
  }

  // The handler's AbortSignal is made on first use (most small jobs never touch it).
  let controller: AbortController | undefined;
  let abortReason: unknown;
  const timeoutMs = spec.options.timeoutMs;
  let timedOut = false;
  let abortReject: (err: unknown) => void = () => {};
  const aborted = new Promise<never>((_, reject) => {
    abortReject = reject;
  });
  aborted.catch(() => {});
  const abort = (err: unknown): void => {
    abortReason ??= err;
    controller?.abort(err);
    abortReject(err);
  };
  const stopDeadline = watchDeadline(Date.now() + timeoutMs, () => {
    timedOut = true;
    abort(new BuildfixError('BF_TIMEOUT', `${input.name} timed out after ${Math.round(timeoutMs / 1000)} s on ${input.workerHost}`));
  });
  const onShutdown = (): void =>
    abort(new JobLayerError('BF_JOB_INTERRUPTED', `${input.name} was interrupted: the worker on ${input.workerHost} shut down before it finished`));
  const stopWatchingShutdown = input.shutdownSignal ? onAbort(input.shutdownSignal, onShutdown) : () => {};
  let cancelled = false;
  const onCancel = (): void => {
    cancelled = true;
    abort(new CancelledError(`${input.name} was cancelled`));
  };
  const stopWatchingCancel = input.cancelSignal ? onAbort(input.cancelSignal, onCancel) : () => {};

  let jobLogger: Logger | undefined;
  // A snapshot of the host's Go/proxy environment at each job (throttled by the recorder), in the background.
  const envHistory = input.envRecorder?.access();
  const ctx: JobContext = {
    jobId: input.jobId,
    name: input.name,
    host: input.workerHost,
    attempt: input.attempt,
    ...(requestedBy !== undefined ? { requestedBy } : {}),
    config: input.config,
    // A pino child per job is costly (redaction set-up); made only when a handler logs.
    get logger() {
      jobLogger ??= input.logger.child({ jobId: input.jobId });
      return jobLogger;
    },
    get signal() {
      if (!controller) {
        controller = new AbortController();
        if (abortReason !== undefined) controller.abort(abortReason);
      }
      return controller.signal;
    },
    progress: emit,
    openJobs() {
      if (!input.openJobs) throw new BuildfixError('BF_INTERNAL', `${input.name} needs the job system, which this runner does not provide`);
      return input.openJobs();
    },
    engineProgress: (e) => emit(fromEngineProgress(e)),
    ...(envHistory ? { envHistory } : {}),
    ...(input.state ? { state: input.state } : {}),
    async timed(step, message, fn, verdict) {
      const t0 = performance.now();
      emit({ step, message, status: 'running' });
      try {
        const value = await fn();
        emit({ step, message, status: verdict ? verdict(value) : 'pass', durationMs: Math.round(performance.now() - t0) });
        return value;
      } catch (err) {
        emit({ step, message: `${message}: ${toJobError(err).message}`, status: 'error', durationMs: Math.round(performance.now() - t0) });
        throw err;
      }
    },
  };

  try {
    const handler = await loadHandler(input.name, spec);
    const result = await Promise.race([handler(payload as never, ctx), aborted]);
    return {
      outcome: {
        ok: true,
        jobId: input.jobId,
        name: input.name,
        result,
        host: input.workerHost,
        durationMs: Math.round(performance.now() - started),
        attempts: input.attempt,
        steps: log.steps.slice(),
        finishedAt: new Date().toISOString(),
      },
      retry: false,
      handBack: false,
    };
  } catch (err) {
    const shuttingDown = input.shutdownSignal?.aborted === true && !timedOut;
    const error = toJobError(err);
    if (shuttingDown && spec.idempotent) {
      return { outcome: failure(input, started, log.steps, error, input.workerHost), retry: false, handBack: true };
    }
    const retry = spec.idempotent && !shuttingDown && !cancelled && input.attempt < spec.options.attempts && isRetryableCode(error.code);
    return { outcome: failure(input, started, log.steps, error, input.workerHost), retry, handBack: false };
  } finally {
    stopDeadline();
    stopWatchingShutdown();
    stopWatchingCancel();
  }
}

const handlers = new Map<string, Promise<JobSpec['load'] extends () => Promise<infer H> ? H : never>>();

// A dynamic import per job costs more than the job itself for small jobs: load each handler once.
function loadHandler(name: string, spec: JobSpec): ReturnType<JobSpec['load']> {
  let p = handlers.get(name);
  if (!p) {
    p = spec.load();
    p.catch(() => handlers.delete(name));
    handlers.set(name, p);
  }
  return p;
}

/** Loads every handler now (a worker does this at start, so the first job does not pay for module loading). */
export async function preloadHandlers(): Promise<void> {
  await Promise.all(
    JOB_NAMES.map(async (name) => {
      const spec = getJobSpec(name);
      if (spec) await loadHandler(name, spec);
    }),
  );
}

/** Delay before the next attempt, as BullMQ computes it (exponential: delay · 2^(attempt-1)). */
export function backoffDelayMs(spec: Pick<JobSpec, 'options'>, attemptsMade: number): number {
  const b = spec.options.backoff;
  if (!b) return 0;
  return b.type === 'fixed' ? b.delayMs : Math.round(2 ** Math.max(0, attemptsMade - 1) * b.delayMs);
}
