/**
 * "Did the same job pass on another agent since?" from the CI's own history:
 * the builds of the job after the failing build's last green one, with the
 * agent each ran on. A green build of the failing build's revision on
 * another agent is strong evidence for `agent`; a later green build of the
 * job on another agent is weaker (its revision is named).
 *
 * - Jenkins: GET <job>/api/json?tree=builds[number,result,building,builtOn,
 *   timestamp,url,actions[…lastBuiltRevision[SHA1],remoteUrls]]{0,50}.
 *   builtOn is the node's name ("" for the built-in node) on freestyle
 *   (AbstractBuild) builds; Pipeline runs do not export it, which is said.
 * - GitHub and GitLab: see green-elsewhere-rest.ts.
 */
import * as z from 'zod';
import type { JenkinsTransport } from '../clients/jenkins/jenkins-transport.ts';
import { jobPath, normalizeJobName } from '../clients/jenkins/job-path.ts';
import { gitRevisions } from '../clients/jenkins/rollback.ts';
import { BuildAction } from '../clients/jenkins/schema.ts';
import type { GreenElsewhere } from '../report/model.ts';
import { redactText } from '../util/redact.ts';

export type GreenElsewhereResult =
  | { found: GreenElsewhere; note?: undefined; failingAgent?: undefined }
  | { found?: undefined; note: string; /** The agent the failing build ran on, when the CI said. */ failingAgent?: string };

/** One build in CI-neutral terms. */
export interface CiBuild {
  /** Orders builds: Jenkins build number, GitHub run id, GitLab pipeline id. */
  order: number;
  /** "Jenkins build #43 of payments/main". */
  label: string;
  url?: string;
  green: boolean;
  failed: boolean;
  /** Agents it ran on (Jenkins: one node; GitHub/GitLab: the runners of its jobs); empty when the CI does not say. */
  agents: string[];
  sha?: string;
  at?: string;
}

export interface PickOptions {
  /** The failing build (by order) when known; else the newest failed build (on `agent`, when given). */
  failingOrder?: number;
  /** The agent the failing build ran on, when known from elsewhere (a worker's own host). */
  agent?: string;
  /** The failing revision, when the CI does not record it. */
  failingSha?: string;
}

/** The pick, CI-neutral: builds of one job/branch, any order. */
export function pickGreenElsewhere(builds: CiBuild[], opts: PickOptions, what: string): GreenElsewhereResult {
  const sorted = [...builds].sort((a, b) => b.order - a.order);
  const agentLc = opts.agent?.toLowerCase();
  const failing =
    opts.failingOrder !== undefined
      ? sorted.find((b) => b.order === opts.failingOrder)
      : sorted.find((b) => b.failed && (agentLc === undefined || b.agents.some((a) => a.toLowerCase() === agentLc)));
  if (!failing)
    return {
      note: `no failed build of ${what}${opts.agent ? ` on ${opts.agent}` : ''} among the latest ${sorted.length}, so no other agent to compare with`,
    };
  const failingAgents = failing.agents.length > 0 ? failing.agents : opts.agent ? [opts.agent] : [];
  if (failingAgents.length === 0) return { note: `${failing.label} does not say which agent it ran on, so other agents cannot be compared` };
  const failingSet = new Set(failingAgents.map((a) => a.toLowerCase()));
  const failingSha = failing.sha ?? opts.failingSha?.toLowerCase();
  const lastGreenBefore = sorted.find((b) => b.green && b.order < failing.order);
  const since = lastGreenBefore?.order ?? -Infinity;
  const elsewhere = sorted.filter((b) => b.green && b.order >= since && b.agents.length > 0 && b.agents.every((a) => !failingSet.has(a.toLowerCase())));
  const same = failingSha ? elsewhere.find((b) => b.sha !== undefined && (b.sha.startsWith(failingSha) || failingSha.startsWith(b.sha))) : undefined;
  const later = elsewhere.find((b) => b.order > failing.order);
  const pick = same ?? later;
  if (!pick) {
    const unknownAgents = sorted.some((b) => b.green && b.order > since && b.agents.length === 0);
    return {
      failingAgent: failingAgents.join(', '),
      note: `no green build of ${what} on another agent than ${failingAgents.join(', ')} since ${lastGreenBefore ? lastGreenBefore.label : 'the failing build'}${unknownAgents ? ' (some builds do not say which agent ran them)' : ''}`,
    };
  }
  return {
    found: {
      agent: pick.agents.join(', '),
      failingAgent: failingAgents.join(', '),
      build: pick.label,
      ...(pick.url ? { url: pick.url } : {}),
      ...(pick.sha ? { revision: pick.sha } : {}),
      sameRevision: pick === same,
      ...(pick.at ? { at: pick.at } : {}),
    },
  };
}

const JobBuilds = z.object({
  builds: z
    .array(
      z.object({
        number: z.number().int(),
        result: z.string().nullable().optional(),
        building: z.boolean().optional(),
        builtOn: z.string().nullable().optional(),
        timestamp: z.number().optional(),
        url: z.string().optional(),
        actions: z.array(BuildAction).nullable().optional(),
      }),
    )
    .nullable()
    .optional(),
});

const BUILDS_TREE = 'builds[number,result,building,builtOn,timestamp,url,actions[_class,lastBuiltRevision[SHA1,branch[SHA1,name]],remoteUrls]]{0,50}';

function normalizeRepo(url: string): string {
  return url
    .toLowerCase()
    .replace(/^[a-z+]+:\/\//, '')
    .replace(/^[^@/]*@/, '')
    .replace(/\/+$/, '')
    .replace(/\.git$/, '');
}

/** The Jenkins builds of a job as CiBuilds (the newest 50). Node names are Jenkins'; "" (the built-in node) becomes "built-in". */
export async function jenkinsBuilds(client: JenkinsTransport, job: string, opts: { repoUrl?: string; signal?: AbortSignal } = {}): Promise<CiBuild[]> {
  const name = normalizeJobName(job);
  const json = await client.getJson(`${jobPath(name)}/api/json`, JobBuilds, {
    query: { tree: BUILDS_TREE },
    subject: `job '${name}'`,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  return (json.builds ?? []).map((b) => {
    const revisions = gitRevisions(b.actions);
    const want = opts.repoUrl ? normalizeRepo(opts.repoUrl) : undefined;
    const rev = (want ? revisions.find((r) => r.remoteUrls.some((u) => normalizeRepo(u) === want)) : undefined) ?? revisions[0];
    const done = b.building !== true;
    return {
      order: b.number,
      label: `Jenkins build #${b.number} of ${name}`,
      ...(b.url ? { url: b.url } : {}),
      green: done && (b.result === 'SUCCESS' || b.result === 'UNSTABLE'),
      failed: done && b.result === 'FAILURE',
      agents: typeof b.builtOn === 'string' ? [b.builtOn === '' ? 'built-in' : b.builtOn] : [],
      ...(rev ? { sha: rev.sha } : {}),
      ...(b.timestamp !== undefined ? { at: new Date(b.timestamp).toISOString() } : {}),
    };
  });
}

export async function greenElsewhereOnJenkins(
  client: JenkinsTransport | undefined,
  job: string | undefined,
  opts: PickOptions & { repoUrl?: string; signal?: AbortSignal },
): Promise<GreenElsewhereResult> {
  if (!client) return { note: 'whether another agent built it green is not known: Jenkins not configured' };
  if (!job) return { note: 'whether another agent built it green is not known: no Jenkins job for this repo (repos.<name>.job)' };
  try {
    const builds = await jenkinsBuilds(client, job, { ...(opts.repoUrl ? { repoUrl: opts.repoUrl } : {}), ...(opts.signal ? { signal: opts.signal } : {}) });
    if (builds.length > 0 && builds.every((b) => b.agents.length === 0))
      return {
        note: `Jenkins does not say which agent ran the builds of ${normalizeJobName(job)} (Pipeline runs export no builtOn), so other agents cannot be compared`,
      };
    return pickGreenElsewhere(builds, opts, normalizeJobName(job));
  } catch (err) {
    return { note: `could not read the builds of ${job} from Jenkins: ${redactText(err instanceof Error ? err.message : String(err))}` };
  }
}
