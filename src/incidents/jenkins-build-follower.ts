/**
 * Follows Jenkins builds for fix verifications whose webhooks may never come.
 *
 * A fix is verified by the builds of its affected pipelines that follow it. Those builds arrive as CI
 * webhooks; a Jenkins controller without the notification plugin (or whose notifications do not reach
 * `serve`) would leave the verification waiting forever. With the Jenkins API configured, this asks the
 * controller every round for the recent builds of each `jenkins:` pipeline of every active verification,
 * and records the finished ones that started after the fix, exactly as a webhook would (the verification's
 * compare-and-set ignores a build it already counted, so a webhook and this round, or two replicas, never
 * count one build twice).
 */
import type { BuildInfo } from '../clients/jenkins/builds.ts';
import type { Logger } from '../logger.ts';
import { userMessage } from '../errors.ts';
import { isActive, jenkinsVerificationBuild, type VerificationBuild } from './fix-verification-state.ts';
import type { FixVerifier, VerificationOutput } from './fix-verification.ts';
import type { IncidentStore } from './incident-store.ts';
import type { Incident } from './incident-types.ts';

/** How many of a job's newest builds one round reads. */
export const FOLLOW_BUILDS_PER_JOB = 10;

export interface JenkinsBuildFollowerOptions {
  store: IncidentStore;
  verifier: Pick<FixVerifier, 'recordBuild'>;
  /** The job's newest builds, newest first; undefined when no Jenkins API is configured. */
  recentBuilds: ((job: string, limit: number, signal: AbortSignal) => Promise<BuildInfo[]>) | undefined;
  /** Where the verification of one incident speaks. */
  output: (incident: Incident) => VerificationOutput;
  logger: Logger;
  /** Per-request deadline. */
  timeoutMs?: number;
}

/** The Jenkins job of a pipeline key (`jenkins:team/payments/main` → `team/payments/main`). */
export function jenkinsJobOf(pipeline: string): string | undefined {
  return pipeline.startsWith('jenkins:') && pipeline.length > 'jenkins:'.length ? pipeline.slice('jenkins:'.length) : undefined;
}

/** A finished Jenkins build as a verification build, at its end time; undefined while it runs or without a start time. */
export function toVerificationBuild(build: BuildInfo): VerificationBuild | undefined {
  if (build.building || build.result === null || build.timestamp === undefined) return undefined;
  return jenkinsVerificationBuild(
    { job: build.job, number: build.number, result: build.result, url: build.url },
    new Date(build.timestamp + Math.max(0, build.durationMs)).toISOString(),
  );
}

export class JenkinsBuildFollower {
  readonly #options: JenkinsBuildFollowerOptions;
  readonly #log: Logger;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<number> | undefined;
  #stopped = false;
  readonly #abort = new AbortController();
  /** Jobs whose last read failed: warned once per failure streak, not every round. */
  readonly #failing = new Set<string>();

  constructor(options: JenkinsBuildFollowerOptions) {
    this.#options = options;
    this.#log = options.logger.child({ component: 'jenkins-build-follower' });
  }

  /** Runs a round every `intervalMs` (the first one after one interval) until stop(). */
  start(intervalMs: number): void {
    if (this.#timer || this.#stopped || !this.#options.recentBuilds) return;
    this.#timer = setInterval(() => {
      if (!this.#running) void this.round();
    }, intervalMs);
    this.#timer.unref();
  }

  /** Stops the rounds and waits for the one in flight (its requests are aborted). */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#abort.abort();
    await this.#running?.catch(() => undefined);
  }

  /** One round over every active verification; resolves to the number of new builds it handed to the verification. */
  round(): Promise<number> {
    if (this.#running) return this.#running;
    const run = this.#round().finally(() => {
      this.#running = undefined;
    });
    this.#running = run;
    return run;
  }

  async #round(): Promise<number> {
    const recentBuilds = this.#options.recentBuilds;
    if (!recentBuilds || this.#stopped) return 0;
    let open: Incident[];
    try {
      open = await this.#options.store.listOpen();
    } catch (err) {
      this.#log.warn({ err: { message: userMessage(err) } }, 'could not list open incidents to follow their Jenkins builds');
      return 0;
    }
    let passed = 0;
    for (const incident of open) {
      const v = incident.verification;
      if (!isActive(v)) continue;
      for (const pipeline of v.pipelines) {
        const job = jenkinsJobOf(pipeline);
        if (!job || this.#stopped) continue;
        let builds: BuildInfo[];
        try {
          const signal = AbortSignal.any([this.#abort.signal, AbortSignal.timeout(this.#options.timeoutMs ?? 20_000)]);
          builds = await recentBuilds(job, FOLLOW_BUILDS_PER_JOB, signal);
        } catch (err) {
          if (this.#stopped) return passed;
          const fields = { incident: incident.id, job, err: { message: userMessage(err) } };
          if (this.#failing.has(job)) this.#log.debug(fields, 'still cannot read the recent builds of a Jenkins job');
          else this.#log.warn(fields, 'could not read the recent builds of a Jenkins job (fix verification waits for its webhooks or the next round)');
          this.#failing.add(job);
          continue;
        }
        if (this.#failing.delete(job)) this.#log.info({ job }, 'reading the recent builds of a Jenkins job again');
        const started = Date.parse(v.startedAt);
        // Oldest first, and only builds that started after the fix: one already running then says nothing about it.
        const after = builds
          .filter((b) => b.timestamp !== undefined && b.timestamp >= started)
          .map(toVerificationBuild)
          .filter((b): b is VerificationBuild => b !== undefined)
          // Under the pipeline key the verification lists (the client may normalise the job name).
          .map((b) => ({ ...b, pipeline }))
          .sort((a, b) => (a.number ?? 0) - (b.number ?? 0));
        for (const build of after) {
          // The incident as the store has it now: an earlier build of this round may have concluded the verification.
          const current = await this.#options.store.get(incident.id);
          if (!current || !isActive(current.verification) || current.verification.run !== v.run) break;
          if (current.verification.builds.some((b) => b.pipeline === build.pipeline && b.number === build.number)) continue;
          if (await this.#options.verifier.recordBuild(current, build, this.#options.output(current))) passed++;
        }
      }
    }
    return passed;
  }
}
