/**
 * The blast radius of a cause-grouped incident: which pipelines, repos and
 * agents its failures came from, and the line the alert shows for it
 * ("6 pipelines in 3 repos · all on agent-03 · all through proxy.corp:3128").
 * Both stores keep it the same way (the Redis one in grouping-scripts.ts).
 */
import { MAX_BLAST_NAMES, type BlastRadius, type CiFailureGrouping, type Incident, type TimelineEntry } from './incident-types.ts';

function add(list: string[], name: string): void {
  if (!list.includes(name) && list.length < MAX_BLAST_NAMES) list.push(name);
}

/** The blast radius after one more failure (a new object; `blast` is not changed). */
export function joinBlast(blast: BlastRadius | undefined, pipelineKey: string, group: Pick<CiFailureGrouping, 'repo' | 'agent'>): BlastRadius {
  const out: BlastRadius = {
    pipelines: [...(blast?.pipelines ?? [])],
    repos: [...(blast?.repos ?? [])],
    agents: [...(blast?.agents ?? [])],
    agentUnknown: blast?.agentUnknown ?? 0,
  };
  add(out.pipelines, pipelineKey);
  add(out.repos, group.repo);
  if (group.agent) add(out.agents, group.agent);
  else out.agentUnknown += 1;
  return out;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** "6 pipelines in 3 repos", "· all on agent-03", "· all through proxy.corp:3128"; undefined without a blast radius. */
export function describeBlast(incident: Pick<Incident, 'blast' | 'cause'>): { radius: string; common: string[] } | undefined {
  const b = incident.blast;
  if (!b || b.pipelines.length === 0) return undefined;
  const common: string[] = [];
  const [agent] = b.agents;
  if (agent !== undefined && b.agents.length === 1 && b.agentUnknown === 0) common.push(`all on ${agent}`);
  if (incident.cause?.scope === 'host') common.push(`all through ${incident.cause.subject}`);
  return { radius: `${plural(b.pipelines.length, 'pipeline')} in ${plural(Math.max(1, b.repos.length), 'repo')}`, common };
}

/** Pipelines whose latest CI event in the timeline is a success (failures carry a failureCount, successes do not). */
export function greenPipelines(timeline: readonly TimelineEntry[]): string[] {
  const last = new Map<string, boolean>();
  for (const e of timeline) {
    const pipeline = e.data?.pipeline;
    if (e.kind !== 'ci-event' || typeof pipeline !== 'string') continue;
    last.set(pipeline, typeof e.data?.failureCount !== 'number');
  }
  return [...last].filter(([, green]) => green).map(([p]) => p);
}

/**
 * For an incident spread over several pipelines: how many of them are green again
 * ({green, of}); undefined for one pipeline (its own success is the recovery).
 */
export function pipelinesGreen(incident: Pick<Incident, 'blast'>, green: readonly string[]): { green: number; of: number } | undefined {
  const pipelines = incident.blast?.pipelines ?? [];
  if (pipelines.length <= 1) return undefined;
  return { green: pipelines.filter((p) => green.includes(p)).length, of: pipelines.length };
}
