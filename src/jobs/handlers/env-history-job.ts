/**
 * `env-history` (envdiff <agent> --since <time|build>): the agent's recorded
 * environment snapshot in effect at a time — given, or a build's (a Jenkins
 * build's timestamp, a repo's last green build) — against now. On the
 * agent's own worker "now" is a fresh snapshot; elsewhere the newest recorded.
 */
import { envChangeSince, formatWhen } from '../../changes/env-change.ts';
import { lastGreenForRepo } from '../../changes/last-green.ts';
import { getBuild } from '../../clients/jenkins/builds.ts';
import { createJenkinsClient } from '../../clients/jenkins/jenkins-client.ts';
import { BuildfixError } from '../../errors.ts';
import type { EnvHistoryJobResult } from '../job-results.ts';
import type { JobContext } from '../job-types.ts';
import type { EnvHistoryPayload } from '../payload-schemas.ts';

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** The time `since` names, and how to call it. */
export async function resolveSince(since: string, ctx: Pick<JobContext, 'config' | 'signal'>, now = new Date()): Promise<{ at: Date; label: string }> {
  const rel = /^(\d{1,4})([mhd])$/.exec(since);
  if (rel) {
    const at = new Date(now.getTime() - Number(rel[1]) * UNIT_MS[rel[2] as keyof typeof UNIT_MS]);
    return { at, label: `${since} ago (${formatWhen(at.toISOString(), now)})` };
  }
  const hm = /^(\d{1,2}):(\d{2})$/.exec(since);
  if (hm) {
    const at = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), Number(hm[1]), Number(hm[2])));
    if (Number(hm[1]) > 23 || Number(hm[2]) > 59) throw new BuildfixError('BF_INPUT', `${since} is not a time of day`);
    if (at > now) at.setUTCDate(at.getUTCDate() - 1);
    return { at, label: formatWhen(at.toISOString(), now) };
  }
  if (/^\d{4}-/.test(since)) {
    const at = new Date(since);
    if (Number.isNaN(at.getTime())) throw new BuildfixError('BF_INPUT', `${since} is not a time`);
    return { at, label: formatWhen(at.toISOString(), now) };
  }
  if (since.startsWith('green:')) {
    const repo = since.slice('green:'.length);
    const found = await lastGreenForRepo(repo, ctx.config, { signal: ctx.signal });
    if (!found.ok) throw new BuildfixError('BF_INPUT', found.reason);
    if (!found.green.at) throw new BuildfixError('BF_INPUT', `${found.green.source} does not say when it ran`);
    return { at: new Date(found.green.at), label: `${found.green.source} (${formatWhen(found.green.at, now)})` };
  }
  const hash = since.lastIndexOf('#');
  const job = since.slice(0, hash);
  const number = Number(since.slice(hash + 1));
  const { JENKINS_URL, JENKINS_USER, JENKINS_API_TOKEN } = ctx.config.env;
  if (!JENKINS_URL || !JENKINS_USER || !JENKINS_API_TOKEN)
    throw new BuildfixError('BF_CONFIG', `${since} names a Jenkins build, and Jenkins is not configured (JENKINS_URL, JENKINS_USER, JENKINS_API_TOKEN)`);
  const client = createJenkinsClient({ baseUrl: JENKINS_URL, user: JENKINS_USER, apiToken: JENKINS_API_TOKEN, timeoutMs: 15_000 });
  try {
    const build = await getBuild(client, job, number, { signal: ctx.signal });
    if (build.timestamp === undefined) throw new BuildfixError('BF_INPUT', `Jenkins does not say when build #${number} of ${job} ran`);
    const at = new Date(build.timestamp);
    return { at, label: `Jenkins build #${number} of ${job} (${formatWhen(at.toISOString(), now)})` };
  } finally {
    await client.close();
  }
}

export async function runEnvHistoryJob(payload: EnvHistoryPayload, ctx: JobContext): Promise<EnvHistoryJobResult> {
  const history = ctx.envHistory;
  if (!history) throw new BuildfixError('BF_INTERNAL', 'this runner keeps no environment history');
  const agent = payload.agent.toLowerCase();
  const { at, label } = await ctx.timed('since', `finding when ${payload.since} was`, () => resolveSince(payload.since, ctx));
  const current = agent === history.host ? await history.current(true) : undefined;
  const entries = await history.list(agent);
  const change = envChangeSince(agent, entries, at, current);
  const newest = current ?? entries[0];
  const baseline = entries.find((e) => e.since <= at.toISOString());
  return {
    agent,
    at: at.toISOString(),
    atLabel: label,
    change,
    ...(baseline ? { baseline: baseline.facts } : {}),
    ...(newest ? { current: newest.facts } : {}),
  };
}
