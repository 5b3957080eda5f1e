/** Compares agents' environment snapshots (playbook 2.5: "what differs from the agent that works?"). */
import type { EnvSnapshotJobResult } from '../jobs/job-results.ts';

export interface EnvDiffRow {
  key: string;
  /** host → value ("(unset)" when absent) */
  values: Record<string, string>;
  differs: boolean;
}

export interface EnvDiff {
  hosts: string[];
  rows: EnvDiffRow[];
  /** Hosts whose snapshot could not be taken, with why. */
  failed: Record<string, string>;
}

export function diffEnvironments(snapshots: Record<string, EnvSnapshotJobResult>, failed: Record<string, string> = {}): EnvDiff {
  const hosts = Object.keys(snapshots);
  const table = new Map<string, Record<string, string>>();
  const set = (key: string, host: string, value: string | undefined): void => {
    const row = table.get(key) ?? {};
    row[host] = value === undefined || value === '' ? '(unset)' : value;
    table.set(key, row);
  };
  for (const [host, snap] of Object.entries(snapshots)) {
    set('go version', host, snap.goVersion);
    for (const [key, value] of Object.entries(snap.variables ?? {})) set(key, host, value);
    if (snap.gitInsteadOf !== undefined) set('git insteadOf', host, snap.gitInsteadOf.length > 0 ? snap.gitInsteadOf.join('; ') : '(none)');
    if (snap.netrc !== undefined) set('netrc', host, snap.netrc);
    if (snap.lockfiles) for (const [key, value] of Object.entries(snap.lockfiles)) set(`lockfile ${key}`, host, value ? 'present' : 'missing');
  }
  const rows: EnvDiffRow[] = [...table.entries()].map(([key, values]) => {
    for (const h of hosts) values[h] ??= '(unset)';
    return { key, values, differs: new Set(Object.values(values)).size > 1 };
  });
  rows.sort((a, b) => Number(b.differs) - Number(a.differs) || a.key.localeCompare(b.key));
  return { hosts, rows, failed };
}
