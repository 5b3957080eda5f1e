/**
 * Redis keys of the incident store. <prefix> is REDIS_PREFIX with its hash
 * tag ("{buildfix}" by default, src/redis/key-prefix.ts), so every key below
 * lives in one Redis Cluster slot and the Lua scripts may touch any of them.
 *
 *   <prefix>:incidents:seq                      INCR counter: the last id handed out
 *   <prefix>:incidents:open                     sorted set of open ids (score = id)
 *   <prefix>:incidents:<id>                     hash: the incident (incident-codec.ts)
 *   <prefix>:incidents:<id>:timeline            list of JSON timeline entries (RPUSH, oldest first)
 *   <prefix>:incidents:pipeline:<pipelineKey>   string: id of the pipeline's open incident
 *   <prefix>:incidents:thread:<channel>:<ts>    string: id of the incident posted in that thread
 *   <prefix>:incidents:cause:<causeKey>         string: id of the cause's latest incident (grouping-scripts.ts)
 *
 * Nothing here expires: incidents are the post-mortem record. Resolving
 * deletes the pipeline key (so the next failure opens a new incident) and
 * keeps the thread key (so a late command in the thread still finds it).
 */
export interface IncidentKeys {
  /** "<prefix>:incidents:" — the Lua scripts build per-id keys from it. */
  base: string;
  seq: string;
  open: string;
  incident(id: number | string): string;
  timeline(id: number | string): string;
  pipeline(pipelineKey: string): string;
  thread(channel: string, threadTs: string): string;
  cause(causeKey: string): string;
}

export function incidentKeys(prefix: string): IncidentKeys {
  const base = `${prefix}:incidents:`;
  return {
    base,
    seq: `${base}seq`,
    open: `${base}open`,
    incident: (id) => `${base}${id}`,
    timeline: (id) => `${base}${id}:timeline`,
    pipeline: (key) => `${base}pipeline:${key}`,
    thread: (channel, ts) => `${base}thread:${channel}:${ts}`,
    cause: (key) => `${base}cause:${key}`,
  };
}
