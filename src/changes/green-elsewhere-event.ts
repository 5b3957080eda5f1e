/** "Did the same job pass on another agent since?" for a failed CI event, whichever CI sent it. */
import type { FileConfig } from '../config/schema.ts';
import type { JenkinsTransport } from '../clients/jenkins/jenkins-transport.ts';
import type { CiEvent } from '../webhooks/ci-event.ts';
import type { LastGreenOptions } from './ci-rest.ts';
import { greenElsewhereOnGithub, greenElsewhereOnGitlab } from './green-elsewhere-rest.ts';
import { greenElsewhereOnJenkins, type GreenElsewhereResult } from './green-elsewhere.ts';
import { githubTargetOf, gitlabTargetOf } from './last-green.ts';

export async function greenElsewhereForEvent(
  event: CiEvent,
  deps: { githubToken?: string | undefined; gitlabToken?: string | undefined; jenkins?: JenkinsTransport | undefined; repoUrl?: string | undefined },
  opts: LastGreenOptions = {},
): Promise<GreenElsewhereResult> {
  const failingOrder = /^\d+$/.test(event.runId) ? Number(event.runId) : undefined;
  const failingSha = event.commit && /^[0-9a-f]{7,64}$/i.test(event.commit) ? event.commit : undefined;
  const pick = { ...(failingOrder !== undefined ? { failingOrder } : {}), ...(failingSha ? { failingSha } : {}) };
  switch (event.source) {
    case 'github': {
      const t = githubTargetOf(event);
      if (!t) return { note: 'whether another runner built it green is not known: the GitHub event names no workflow, branch or API address' };
      return greenElsewhereOnGithub(t, deps.githubToken, { ...opts, ...pick });
    }
    case 'gitlab': {
      const t = gitlabTargetOf(event);
      if (!t) return { note: 'whether another runner built it green is not known: the GitLab event names no ref or project API address' };
      return greenElsewhereOnGitlab(t, deps.gitlabToken, { ...opts, ...pick });
    }
    case 'jenkins':
      return greenElsewhereOnJenkins(deps.jenkins, event.job, {
        ...(event.buildNumber !== undefined ? { failingOrder: event.buildNumber } : {}),
        ...(failingSha ? { failingSha } : {}),
        ...(deps.repoUrl ? { repoUrl: deps.repoUrl } : {}),
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
  }
}

/**
 * The buildfix agent a failing build ran on (a Jenkins node mapped back through agents.<name>.node,
 * else the CI's own name when it is a valid agent name): its environment history is what the
 * diagnosis compares, whichever worker runs it.
 */
export function agentOfFailingBuild(ciAgent: string | undefined, config: Pick<FileConfig, 'agents'>): { agent?: string } {
  if (!ciAgent || ciAgent.includes(',')) return {};
  const byNode = Object.entries(config.agents).find(([, a]) => a.node === ciAgent)?.[0];
  const name = byNode ?? ciAgent;
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name) ? { agent: name } : {};
}
