/**
 * Whether an OSV entry affects a Go module version, the way govulncheck reads
 * the Go vulnerability database (golang.org/x/vuln internal/semver and osv):
 * OSV versions are semver without the "v" prefix ("1.2.3", introduced "0" =
 * the beginning of time); only ranges of type SEMVER count; within a range
 * the events are sorted by version ("0" first) and walked: an `introduced`
 * at or below the version turns "affected" on, a `fixed` at or below it turns
 * it off again. Versions compare by go's semver rules (compareModuleVersions:
 * prereleases below their release, build metadata such as +incompatible
 * ignored). An `affected` entry without any range affects every version.
 */
import { compareModuleVersions } from '../gomod/go-version.ts';

export interface OsvEvent {
  introduced?: string;
  fixed?: string;
  /** OSV's inclusive upper bound; the Go database does not use it, but other OSV sources may. */
  last_affected?: string;
}

export interface OsvRange {
  type: string;
  events: OsvEvent[];
}

/** "1.2.3" → "v1.2.3" (an OSV version as go writes it); a leading "v" or "go" is dropped first. */
export function osvToGoVersion(v: string): string {
  return `v${v.replace(/^(?:v|go)/, '')}`;
}

function eventVersion(e: OsvEvent): string | undefined {
  return e.introduced ?? e.fixed ?? e.last_affected;
}

/** The range's events in govulncheck's order: introduced "0" first, then by version (stable). */
function sortedEvents(events: readonly OsvEvent[]): OsvEvent[] {
  return events
    .map((e, i) => ({ e, i }))
    .sort((a, b) => {
      const za = a.e.introduced === '0';
      const zb = b.e.introduced === '0';
      if (za || zb) return za === zb ? a.i - b.i : za ? -1 : 1;
      const va = eventVersion(a.e);
      const vb = eventVersion(b.e);
      if (va === undefined || vb === undefined) return a.i - b.i;
      return compareModuleVersions(osvToGoVersion(va), osvToGoVersion(vb)) || a.i - b.i;
    })
    .map((x) => x.e);
}

/** One SEMVER range: does it contain `version` (a go module version, "v1.2.3")? Other range types never match. */
export function rangeContains(range: OsvRange, version: string): boolean {
  if (range.type !== 'SEMVER') return false;
  let affected = false;
  for (const e of sortedEvents(range.events)) {
    if (!affected && e.introduced !== undefined) {
      affected = e.introduced === '0' || compareModuleVersions(version, osvToGoVersion(e.introduced)) >= 0;
    } else if (affected && e.fixed !== undefined) {
      affected = compareModuleVersions(version, osvToGoVersion(e.fixed)) < 0;
    } else if (affected && e.last_affected !== undefined) {
      affected = compareModuleVersions(version, osvToGoVersion(e.last_affected)) <= 0;
    }
  }
  return affected;
}

/** An `affected` entry's ranges contain the version (no ranges at all: every version is affected). */
export function rangesAffect(ranges: readonly OsvRange[] | undefined, version: string): boolean {
  if (!ranges || ranges.length === 0) return true;
  return ranges.some((r) => rangeContains(r, version));
}

/** The lowest `fixed` version above `version` in the SEMVER ranges, as a go version ("v1.2.4"); undefined when none is fixed. */
export function fixedVersionFor(ranges: readonly OsvRange[] | undefined, version: string): string | undefined {
  const fixes = (ranges ?? [])
    .filter((r) => r.type === 'SEMVER')
    .flatMap((r) => r.events.map((e) => e.fixed))
    .filter((f): f is string => f !== undefined)
    .map(osvToGoVersion)
    .filter((f) => compareModuleVersions(f, version) > 0)
    .sort(compareModuleVersions);
  return fixes[0];
}
