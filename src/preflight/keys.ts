/**
 * Pre-flight's Redis keys, beside the job layer's (src/jobs/queue-names.ts):
 *
 *   <prefix>:bf:preflight:last:<agent>                 hash  "<check>:<repo>" → latest result (JSON)
 *   <prefix>:bf:preflight:last-drill:<agent>           hash  "drill:<repo>" → latest outage drill (JSON)
 *   <prefix>:bf:preflight:history:<agent>:<check>:<repo> list  newest first, capped at preflight.history (LTRIM)
 *   <prefix>:bf:preflight:agents                       set   agents that have results
 *   <prefix>:bf:preflight:lock:<agent>:<check>:<repo>  string a run in progress (SET NX PX; no overlapping runs)
 *   <prefix>:bf:preflight:skipped:<agent>              hash  "<check>:<repo>" → runs skipped because one was still going
 *   <prefix>:bf:preflight:problems:<check>:<repo>      hash  agent → its alerting findings (JSON)
 *   <prefix>:bf:preflight:changes                      stream scopes whose problems changed (MAXLEN ~1000), read by the alerter
 *   <prefix>:bf:preflight:alert:<check>:<repo>         string the Slack alert of that scope (JSON: channel, ts, state; while posting: its marker)
 *   <prefix>:bf:preflight:alert-lock:<check>:<repo>    string one alerter edits a scope's alert at a time
 * History lists and last-result hashes expire 7 days after their last write,
 * so an agent that is gone leaves nothing behind for long; a drill's (its
 * own hash, its history) after 400 days, since drills are monthly and status
 * says when the last one is older than preflight.drillMaxAgeDays.
 */
export interface PreflightKeys {
  last(agent: string): string;
  lastDrill(agent: string): string;
  history(agent: string, check: string, repo: string): string;
  agents: string;
  lock(agent: string, check: string, repo: string): string;
  skipped(agent: string): string;
  problems(scope: string): string;
  changes: string;
  alert(scope: string): string;
  alertLock(scope: string): string;
}

export function preflightKeys(prefix: string): PreflightKeys {
  const p = `${prefix}:bf:preflight`;
  return {
    last: (agent) => `${p}:last:${agent}`,
    lastDrill: (agent) => `${p}:last-drill:${agent}`,
    history: (agent, check, repo) => `${p}:history:${agent}:${check}:${repo}`,
    agents: `${p}:agents`,
    lock: (agent, check, repo) => `${p}:lock:${agent}:${check}:${repo}`,
    skipped: (agent) => `${p}:skipped:${agent}`,
    problems: (scope) => `${p}:problems:${scope}`,
    changes: `${p}:changes`,
    alert: (scope) => `${p}:alert:${scope}`,
    alertLock: (scope) => `${p}:alert-lock:${scope}`,
  };
}

/** Last results and histories outlive their writer by this long. */
export const RESULT_TTL_SECONDS = 7 * 86_400;

/** Drill results (their own last-result hash and history) outlive their writer by this long. */
export const DRILL_TTL_SECONDS = 400 * 86_400;
