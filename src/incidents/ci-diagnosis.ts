/**
 * What an automatic diagnosis of a failed CI build needs, transport-free:
 * the build's log (Jenkins console text through the REST client; GitHub and
 * GitLab failed-job logs with GITHUB_TOKEN / GITLAB_TOKEN, see
 * ci-log-sources.ts; without a token it says so and falls back to the
 * event's first error line) and the configured
 * repo a pipeline builds, so its diagnosis job can run.
 */
import type { JenkinsClient } from '../clients/jenkins/jenkins-client.ts';
import { getConsoleText } from '../clients/jenkins/builds.ts';
import type { Config } from '../config/load-config.ts';
import { userMessage } from '../errors.ts';
import type { CiEvent } from '../webhooks/ci-event.ts';
import { fetchGithubJobLogs, fetchGitlabJobTraces } from './ci-log-sources.ts';

/** The log is cut to its last bytes: the failure is at the end. */
const MAX_LOG_BYTES = 2 * 1024 * 1024;

export interface BuildLog {
  /** Text to classify: the whole log, or only the event's first error line. */
  text?: string;
  /** What the text is, for the reader ("payments/main #4812 console log"). */
  origin: string;
  /** Why the full log was not read, when it was not. */
  note?: string;
}

export interface FetchBuildLogDeps {
  /** Present when JENKINS_URL (with user and token) is configured. */
  jenkins?: JenkinsClient;
  /** GITHUB_TOKEN: reads the failed jobs' logs of a workflow run. */
  githubToken?: string;
  /** GITLAB_TOKEN: reads the failed jobs' traces of a pipeline. */
  gitlabToken?: string;
  signal?: AbortSignal;
}

function firstLineOnly(event: CiEvent, note: string): BuildLog {
  if (event.firstErrorLine) return { text: event.firstErrorLine, origin: `${event.label}: first error line of the ${event.source} event`, note };
  return { origin: `${event.label}`, note };
}

export async function fetchBuildLog(event: CiEvent, deps: FetchBuildLogDeps): Promise<BuildLog> {
  if (event.source === 'jenkins') {
    if (!deps.jenkins)
      return firstLineOnly(event, 'JENKINS_URL is not set, so buildfix cannot read the console log; classifying the first error line the notification carried');
    if (event.buildNumber === undefined) return firstLineOnly(event, 'the notification named no build number, so the console log cannot be read');
    try {
      const text = await getConsoleText(deps.jenkins, event.job, event.buildNumber, {
        maxBytes: MAX_LOG_BYTES,
        ...(deps.signal ? { signal: deps.signal } : {}),
      });
      return { text, origin: `${event.label} console log` };
    } catch (err) {
      return firstLineOnly(event, `could not read the console log from Jenkins: ${userMessage(err)}`);
    }
  }
  const token = event.source === 'github' ? deps.githubToken : deps.gitlabToken;
  const name = event.source === 'github' ? 'GitHub' : 'GitLab';
  if (!token) {
    const where = event.logUrl ? ` (${event.logUrl})` : event.url ? ` (${event.url})` : '';
    const variable = event.source === 'github' ? 'GITHUB_TOKEN' : 'GITLAB_TOKEN';
    return firstLineOnly(
      event,
      `buildfix reads ${name} logs only with an API token, and none is configured; the log is on ${name}${where} (set ${variable} so buildfix reads it)`,
    );
  }
  const opts = { maxBytes: MAX_LOG_BYTES, ...(deps.signal ? { signal: deps.signal } : {}) };
  const read = event.source === 'github' ? await fetchGithubJobLogs(event, token, opts) : await fetchGitlabJobTraces(event, token, opts);
  if (read.text === undefined)
    return firstLineOnly(
      event,
      `${read.note ?? `no ${name} log was read`}${event.firstErrorLine ? '; classifying the first error line the event carried instead' : ''}`,
    );
  return read.note ? { text: read.text, origin: read.origin, note: read.note } : { text: read.text, origin: read.origin };
}

/** The configured repo a pipeline builds: repos.<name>.job for Jenkins; a repo whose URL names the project for GitHub/GitLab. */
export function repoForPipeline(pipelineKey: string | undefined, config: Pick<Config, 'repos'>): string | undefined {
  if (!pipelineKey) return undefined;
  const colon = pipelineKey.indexOf(':');
  const ci = pipelineKey.slice(0, colon);
  const rest = pipelineKey.slice(colon + 1);
  const repos = Object.entries(config.repos);
  if (ci === 'jenkins') return repos.find(([, r]) => r.job === rest)?.[0];
  if (ci !== 'github' && ci !== 'gitlab') return undefined;
  const project = (rest.split(':')[0] ?? '').toLowerCase();
  if (!project.includes('/')) return undefined;
  const names = (url: string): boolean => {
    const u = url
      .toLowerCase()
      .replace(/\.git$/, '')
      .replace(/\/+$/, '');
    return u.endsWith(`/${project}`) || u.endsWith(`:${project}`);
  };
  return repos.find(([, r]) => names(r.url))?.[0];
}
