/** Jenkins builds for the build follower (build-follower.ts): the pipelines `jenkins:<job>`, read through the Jenkins API. */
import type { BuildInfo } from '../clients/jenkins/builds.ts';
import type { FollowedBuild, FollowSource } from './build-follower.ts';
import { jenkinsVerificationBuild, type VerificationBuild } from './fix-verification-state.ts';

/** How many of a pipeline's newest builds one round reads. */
export const FOLLOW_BUILDS_PER_PIPELINE = 10;

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

/** The job's newest builds, newest first (src/clients/jenkins/builds.ts, `recentBuilds`). */
export type RecentJenkinsBuilds = (job: string, limit: number, signal: AbortSignal) => Promise<BuildInfo[]>;

export function jenkinsFollowSource(recentBuilds: RecentJenkinsBuilds): FollowSource {
  return {
    name: 'Jenkins',
    follows: (pipeline) => jenkinsJobOf(pipeline) !== undefined,
    async recent(pipeline, _incident, signal) {
      const job = jenkinsJobOf(pipeline);
      if (!job) return undefined;
      const builds = await recentBuilds(job, FOLLOW_BUILDS_PER_PIPELINE, signal);
      return builds
        .filter((b) => b.timestamp !== undefined)
        .map((b): FollowedBuild => {
          const build = toVerificationBuild(b);
          return { startedAt: b.timestamp ?? 0, ...(build ? { build } : {}) };
        });
    },
  };
}
