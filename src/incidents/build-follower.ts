/**
 * Follows CI builds for fix verifications whose webhooks may never come.
 *
 * A fix is verified by the builds of its affected pipelines that follow it. Those builds arrive as CI
 * webhooks; a Jenkins controller without the notification plugin, a GitHub delivery that failed (GitHub
 * does not redeliver by itself) or a GitLab hook that was disabled would leave the verification waiting
 * forever. Each round asks the CI's API, through the source that follows the pipeline (follow-jenkins.ts,
 * follow-github.ts, follow-gitlab.ts), for its recent builds, and records the finished ones that started
 * after the fix exactly as a webhook would. The verification's compare-and-set ignores a build it already
 * counted, so a webhook and a round, or two replicas, never count one build twice.
 */
import type { Logger } from '../logger.ts';
import { userMessage } from '../errors.ts';
import { isActive, type VerificationBuild } from './fix-verification-state.ts';
import type { FixVerifier, VerificationOutput } from './fix-verification.ts';
import type { IncidentStore } from './incident-store.ts';
import type { Incident } from './incident-types.ts';

/** One build a CI reported: when it started, and what it came to (absent while it runs). */
export interface FollowedBuild {
  /** Epoch milliseconds. */
  startedAt: number;
  /** The finished build as the verification counts it; undefined while it is still running. */
  build?: VerificationBuild;
}

/** Where the builds of one kind of pipeline key are read. */
export interface FollowSource {
  /** "Jenkins", "GitHub", "GitLab": for logs. */
  name: string;
  /** Whether this source reads this pipeline key (`jenkins:…`, `github:…`, `gitlab:…`). */
  follows(pipeline: string): boolean;
  /**
   * The pipeline's newest builds, in any order; undefined when it cannot be read here (no token, or the
   * API address of the pipeline is unknown): then the verification waits for its webhooks. Throws when
   * the CI could not be read (a timeout, an HTTP error): the next round tries again.
   */
  recent(pipeline: string, incident: Incident, signal: AbortSignal): Promise<FollowedBuild[] | undefined>;
}

export interface BuildFollowerOptions {
  store: IncidentStore;
  verifier: Pick<FixVerifier, 'recordBuild'>;
  sources: readonly FollowSource[];
  /** Where the verification of one incident speaks. */
  output: (incident: Incident) => VerificationOutput;
  logger: Logger;
  /** Per-request deadline. */
  timeoutMs?: number;
}

export class BuildFollower {
  readonly #options: BuildFollowerOptions;
  readonly #log: Logger;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<number> | undefined;
  #stopped = false;
  readonly #abort = new AbortController();
  /** Pipelines whose last read failed: warned once per failure streak, not every round. */
  readonly #failing = new Set<string>();
  /** Pipelines that cannot be followed here: said once. */
  readonly #unfollowable = new Set<string>();

  constructor(options: BuildFollowerOptions) {
    this.#options = options;
    this.#log = options.logger.child({ component: 'build-follower' });
  }

  /** Runs a round every `intervalMs` (the first one after one interval) until stop(). */
  start(intervalMs: number): void {
    if (this.#timer || this.#stopped || this.#options.sources.length === 0) return;
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
    if (this.#stopped) return 0;
    let open: Incident[];
    try {
      open = await this.#options.store.listOpen();
    } catch (err) {
      this.#log.warn({ err: { message: userMessage(err) } }, 'could not list open incidents to follow their builds');
      return 0;
    }
    let passed = 0;
    for (const incident of open) {
      const v = incident.verification;
      if (!isActive(v)) continue;
      for (const pipeline of v.pipelines) {
        if (this.#stopped) return passed;
        const source = this.#options.sources.find((s) => s.follows(pipeline));
        if (!source) continue;
        const builds = await this.#read(source, pipeline, incident);
        if (!builds) continue;
        const started = Date.parse(v.startedAt);
        // Oldest first, and only finished builds that started after the fix: one already running then says nothing about it.
        const after = builds
          .filter((b) => b.startedAt >= started)
          .map((b) => b.build)
          .filter((b): b is VerificationBuild => b !== undefined)
          // Under the pipeline key the verification lists (a client may normalise the job name).
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

  /** The pipeline's recent builds, or undefined (not followable here, or the read failed: logged once per streak). */
  async #read(source: FollowSource, pipeline: string, incident: Incident): Promise<FollowedBuild[] | undefined> {
    const fields = { incident: incident.id, pipeline };
    try {
      const signal = AbortSignal.any([this.#abort.signal, AbortSignal.timeout(this.#options.timeoutMs ?? 20_000)]);
      const builds = await source.recent(pipeline, incident, signal);
      if (!builds) {
        if (!this.#unfollowable.has(pipeline))
          this.#log.info(
            fields,
            `cannot follow this pipeline's builds through ${source.name} (no token, or its API address is unknown): its fix verification waits for webhooks`,
          );
        this.#unfollowable.add(pipeline);
        return undefined;
      }
      if (this.#failing.delete(pipeline)) this.#log.info(fields, `reading the recent builds of a pipeline from ${source.name} again`);
      return builds;
    } catch (err) {
      if (this.#stopped) return undefined;
      const logged = { ...fields, err: { message: userMessage(err) } };
      if (this.#failing.has(pipeline)) this.#log.debug(logged, `still cannot read the recent builds of a pipeline from ${source.name}`);
      else
        this.#log.warn(
          logged,
          `could not read the recent builds of a pipeline from ${source.name} (fix verification waits for its webhooks or the next round)`,
        );
      this.#failing.add(pipeline);
      return undefined;
    }
  }
}
