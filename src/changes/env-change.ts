/**
 * An agent's environment across time: the snapshot that was in effect at a
 * given moment (the last green build's) against the newest one, variable by
 * variable, with when each new value was first recorded. Values are the
 * snapshots' own, masked when they were taken.
 */
import type { EnvChange, EnvKeyChange } from '../report/model.ts';
import type { EnvFacts, EnvHistoryEntry } from './env-history.ts';

const UNSET = '(unset)';

/** The comparable rows of a snapshot; git and netrc only when that snapshot read them. */
export function factRows(facts: EnvFacts): Map<string, string> {
  const rows = new Map<string, string>();
  rows.set('go version', facts.goVersion ?? UNSET);
  for (const [k, v] of Object.entries(facts.variables)) if (v !== undefined && v !== '') rows.set(k, v);
  if (facts.gitInsteadOf !== undefined) rows.set('git insteadOf', facts.gitInsteadOf.length > 0 ? facts.gitInsteadOf.join('; ') : '(none)');
  if (facts.netrc !== undefined) rows.set('netrc', facts.netrc);
  return rows;
}

const OPTIONAL_ROWS = new Set(['git insteadOf', 'netrc']);

function valueOf(rows: Map<string, string>, key: string): string {
  return rows.get(key) ?? UNSET;
}

/**
 * Compares the entry in effect at `at` with the newest one (`current` when
 * given: a snapshot taken just now). entries: newest first.
 */
export function envChangeSince(agent: string, entries: EnvHistoryEntry[], at: Date, current?: EnvHistoryEntry): EnvChange {
  const iso = at.toISOString();
  const list = current && entries[0]?.hash !== current.hash ? [current, ...entries] : entries;
  const newest = current ?? list[0];
  if (!newest) return { agent, at: iso, changes: [], note: `no environment snapshot of ${agent} is recorded (its worker records one at each job)` };
  const baseIndex = list.findIndex((e) => e.since <= iso);
  const baseline = baseIndex >= 0 ? list[baseIndex] : undefined;
  const currentTimes = { since: newest.since, lastSeen: newest.lastSeen };
  if (!baseline) {
    const oldest = list[list.length - 1] as EnvHistoryEntry;
    return {
      agent,
      at: iso,
      current: currentTimes,
      changes: [],
      note: `no environment snapshot of ${agent} from before the last green build (${formatWhen(iso)}); the oldest is from ${formatWhen(oldest.since)}`,
    };
  }
  const base = factRows(baseline.facts);
  const now = factRows(newest.facts);
  const keys = new Set([...base.keys(), ...now.keys()]);
  const changes: EnvKeyChange[] = [];
  for (const key of keys) {
    if (OPTIONAL_ROWS.has(key) && (!base.has(key) || !now.has(key))) continue;
    const from = valueOf(base, key);
    const to = valueOf(now, key);
    if (from === to) continue;
    // When the value left the baseline's: the oldest newer entry with a different value.
    let changedAt = newest.since;
    for (let i = baseIndex - 1; i >= 0; i--) {
      const e = list[i] as EnvHistoryEntry;
      if (valueOf(factRows(e.facts), key) !== from) {
        changedAt = e.since;
        break;
      }
    }
    changes.push({ key, from, to, at: changedAt });
  }
  changes.sort((a, b) => a.at.localeCompare(b.at) || a.key.localeCompare(b.key));
  return { agent, at: iso, baseline: { since: baseline.since, lastSeen: baseline.lastSeen }, current: currentTimes, changes };
}

/** "01:12 UTC" today, "2026-12-05 01:12 UTC" on another day. */
export function formatWhen(iso: string, now = new Date()): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const hm = d.toISOString().slice(11, 16);
  return d.toISOString().slice(0, 10) === now.toISOString().slice(0, 10) ? `${hm} UTC` : `${d.toISOString().slice(0, 10)} ${hm} UTC`;
}

/** "GOPROXY changed from https://proxy.corp to direct at 01:12 UTC". */
export function describeKeyChange(c: EnvKeyChange): string {
  const when = formatWhen(c.at);
  if (c.from === UNSET) return `${c.key} set to ${c.to} at ${when}`;
  if (c.to === UNSET) return `${c.key} unset (was ${c.from}) at ${when}`;
  return `${c.key} changed from ${c.from} to ${c.to} at ${when}`;
}

/** One line for the verdict's reasons. */
export function describeEnvChange(change: EnvChange): string {
  if (change.note) return change.note;
  if (change.changes.length === 0)
    return `${change.agent}'s Go/proxy environment is unchanged since the last green build (snapshot of ${formatWhen(change.baseline?.since ?? change.at)}, same now)`;
  return `${change.agent}'s environment changed since the last green build: ${change.changes.map(describeKeyChange).join('; ')}`;
}
