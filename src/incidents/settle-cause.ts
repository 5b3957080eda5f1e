/**
 * What an incident's root cause is once the live diagnosis has answered, not only the log.
 *
 * A build log can leave two causes open (a mirror's 404: a version that is really missing, or the
 * mirror failing). The automatic diagnosis then runs on the agent against the proxies the build
 * used, and its first error says which one it is now. This module keeps both answers in the
 * incident's timeline (the classifier's `classified` entry and each diagnosis's `live` datum) and
 * settles the alert's first line from them:
 *
 *   live finds the log's answer               → that answer, confirmed (the "(or Y)" goes);
 *   live finds the log's other candidate      → the other candidate, settled by the live diagnosis;
 *   live finds a third cause                  → the log's answer, with what the diagnosis found beside it;
 *   live finds nothing wrong (latest run)     → the log's answer, with "finds no problem now";
 *   nothing classified, live finds a problem  → the live finding.
 *
 * Transport-free: the Slack alert renders the result, the incident service records the root cause.
 */
import type { Classification } from '../classify/classify-log.ts';
import { otherCause } from '../classify/other-cause.ts';
import type { Finding } from '../report/model.ts';
import type { TimelineEntry } from './incident-types.ts';

/** The classifier's answer for the build log, as the timeline keeps it. */
export interface ClassifiedCause {
  category: string;
  confidence: number;
  evidence?: string;
  evidenceLine?: number;
  module?: string;
  version?: string;
  /** The other cause the log leaves open (a registry 404 during an outage vs a missing version). */
  alternative?: string;
}

/** One finished diagnosis of the incident's repo: what it found (its first error), or nothing wrong. */
export interface LiveDiagnosis {
  at: string;
  ok: boolean;
  category?: string;
  message?: string;
  module?: string;
  version?: string;
  /** The host it ran on. */
  host?: string;
}

export interface SettledCause {
  category: string;
  /** Still open: the log's other candidate, when no live diagnosis settled it. */
  alternative?: string;
  /**
   * log: the classifier's answer alone; confirmed: a live diagnosis found the same cause;
   * live: the live diagnosis decided it (the log's other candidate, or no classification).
   */
  basis: 'log' | 'confirmed' | 'live';
  /** The log's own answer when the live diagnosis picked its other candidate. */
  logSaid?: string;
  /** The diagnosis that confirmed or decided it. */
  decidedBy?: LiveDiagnosis;
  /** A diagnosis that found a cause the log did not name. */
  differs?: LiveDiagnosis;
  /** The latest diagnosis found nothing wrong (and none confirmed or decided the cause). */
  cleanNow?: LiveDiagnosis;
  module?: string;
  version?: string;
}

/** The `live` datum a diagnose or modules job result keeps in the timeline. */
export function liveDatum(
  report: { ok: boolean; host?: string; findings: readonly Finding[] } | undefined,
  problem: Finding | undefined,
): Record<string, unknown> | undefined {
  if (!report) return undefined;
  const host = report.host ? { host: report.host } : {};
  if (!problem) return report.ok ? { ok: true, ...host } : undefined;
  return {
    ok: false,
    category: problem.category,
    message: problem.message,
    ...(problem.module ? { module: problem.module } : {}),
    ...(problem.version ? { version: problem.version } : {}),
    ...host,
  };
}

/** What a finished diagnosis report leads with when it found a problem: its first error (undefined when ok). */
export function firstProblem(report: { ok: boolean; findings: readonly Finding[] }): Finding | undefined {
  return report.ok ? undefined : (report.findings.find((f) => f.severity === 'error') ?? report.findings[0]);
}

/** The `live` datum of a finished diagnosis report: its first error, or nothing wrong. */
export function liveOfReport(report: { ok: boolean; host?: string; findings: readonly Finding[] }): Record<string, unknown> | undefined {
  return liveDatum(report, firstProblem(report));
}

/**
 * A build log's answer against one diagnosis that ran now (`diagnose --job`, `diagnose --log`): undefined when
 * the log names no known cause.
 */
export function settleLogAgainstReport(
  log: Pick<Classification, 'category' | 'confidence' | 'candidates'>,
  report: { ok: boolean; host?: string; findings: readonly Finding[] },
  at: string,
): SettledCause | undefined {
  if (log.category === 'unknown') return undefined;
  const other = otherCause(log);
  const live = readLive(liveOfReport(report), at);
  return settleCause({ category: log.category, confidence: log.confidence, ...(other ? { alternative: other } : {}) }, live ? [live] : []);
}

/** The same datum read back (from a timeline entry or a job result), or undefined when it is not one. */
export function readLive(live: unknown, at: string): LiveDiagnosis | undefined {
  if (!live || typeof live !== 'object') return undefined;
  const l = live as Record<string, unknown>;
  if (typeof l.ok !== 'boolean') return undefined;
  const d: LiveDiagnosis = { at, ok: l.ok };
  for (const k of ['category', 'message', 'module', 'version', 'host'] as const) {
    const v = str(l[k]);
    if (v) d[k] = v;
  }
  return d.ok || d.category ? d : undefined;
}

/**
 * One sentence on what the live diagnosis made of the log's answer, for a thread or a terminal; undefined when
 * there is nothing to say (no diagnosis, or nothing to compare).
 */
export function settlementSentence(s: SettledCause | undefined): string | undefined {
  if (!s) return undefined;
  const on = (d: LiveDiagnosis): string => (d.host ? ` on ${d.host}` : '');
  const found = (d: LiveDiagnosis): string => (d.message ? ` ${d.message.replace(/\.?$/, '.')}` : '');
  const either = `${s.category}${s.alternative ? ` (or ${s.alternative})` : ''}`;
  const d = s.decidedBy;
  if (s.basis === 'live' && d && s.logSaid)
    return `The live diagnosis${on(d)} settles what the log left open: root cause ${s.category}, not ${s.logSaid}.${found(d)}`;
  if (s.basis === 'confirmed' && d) return `The live diagnosis${on(d)} confirms the log: root cause ${s.category}.${found(d)}`;
  if (s.differs) return `The log says ${either}, but the live diagnosis${on(s.differs)} found ${s.differs.category ?? 'another problem'}:${found(s.differs)}`;
  if (s.cleanNow) return `The live diagnosis${on(s.cleanNow)} finds no problem now: the log's ${either} may have passed (a retried build tells).`;
  return undefined;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** The classifier's answer recorded for the incident's build log (the first one), if any. */
export function classifiedCauseOf(timeline: readonly TimelineEntry[]): ClassifiedCause | undefined {
  const d = timeline.find((e) => e.kind === 'job-result' && e.data?.classified === true)?.data;
  const category = str(d?.category);
  if (!d || !category) return undefined;
  const c: ClassifiedCause = { category, confidence: typeof d.confidence === 'number' ? d.confidence : 0 };
  const evidence = str(d.evidence);
  if (evidence) c.evidence = evidence;
  if (typeof d.evidenceLine === 'number') c.evidenceLine = d.evidenceLine;
  for (const k of ['module', 'version', 'alternative'] as const) {
    const v = str(d[k]);
    if (v) c[k] = v;
  }
  return c;
}

/** Every finished diagnosis recorded in the timeline, oldest first. */
export function liveDiagnosesOf(timeline: readonly TimelineEntry[]): LiveDiagnosis[] {
  const out: LiveDiagnosis[] = [];
  for (const e of timeline) {
    const d = e.kind === 'job-result' ? readLive(e.data?.live, e.at) : undefined;
    if (d) out.push(d);
  }
  return out;
}

/** The root cause to lead with, from the log's classification and the live diagnoses (see the module comment). */
export function settleCause(classified: ClassifiedCause | undefined, live: readonly LiveDiagnosis[]): SettledCause | undefined {
  const problems = live.filter((l) => !l.ok);
  const latest = live.at(-1);
  const subject = (s: { module?: string | undefined; version?: string | undefined }): Pick<SettledCause, 'module' | 'version'> => ({
    ...(s.module ? { module: s.module } : {}),
    ...(s.version ? { version: s.version } : {}),
  });
  const known = classified && classified.category !== 'unknown' ? classified : undefined;
  if (!known) {
    const first = problems[0];
    return first?.category ? { category: first.category, basis: 'live', decidedBy: first, ...subject(first) } : undefined;
  }
  const match = problems.find((p) => p.category === known.category || (known.alternative !== undefined && p.category === known.alternative));
  if (match?.category === known.category) return { category: known.category, basis: 'confirmed', decidedBy: match, ...subject(known.module ? known : match) };
  if (match?.category) return { category: match.category, basis: 'live', logSaid: known.category, decidedBy: match, ...subject(match.module ? match : known) };
  const settled: SettledCause = { category: known.category, basis: 'log', ...subject(known) };
  if (known.alternative) settled.alternative = known.alternative;
  if (problems[0]) settled.differs = problems[0];
  if (latest?.ok) settled.cleanNow = latest;
  return settled;
}

/**
 * How the root cause was identified, for the incident report: the build log's answer and what the live
 * diagnosis made of it (undefined when neither is in the timeline).
 */
export function identifiedHow(timeline: readonly TimelineEntry[]): string | undefined {
  const classified = classifiedCauseOf(timeline);
  const s = settleCause(classified, liveDiagnosesOf(timeline));
  if (!s) return undefined;
  const when = (d: LiveDiagnosis): string => `the live diagnosis${d.host ? ` on ${d.host}` : ''} at ${d.at}`;
  const log = classified && classified.category !== 'unknown' ? classified : undefined;
  const fromLog = log
    ? `the build log${log.evidenceLine !== undefined ? ` (line ${log.evidenceLine})` : ''} named ${log.category}${log.alternative ? ` or ${log.alternative}` : ''} at ${Math.round(log.confidence * 100)}% confidence`
    : undefined;
  const d = s.decidedBy;
  if (s.basis === 'live' && d) return fromLog ? `${capitalise(fromLog)}; ${when(d)} settled it as ${s.category}.` : `Found by ${when(d)}.`;
  if (s.basis === 'confirmed' && d) return `${capitalise(fromLog ?? `the build log named ${s.category}`)}; ${when(d)} confirmed it.`;
  const after = s.differs
    ? `; ${when(s.differs)} found ${s.differs.category ?? 'another problem'} instead`
    : s.cleanNow
      ? `; ${when(s.cleanNow)} found no problem`
      : '; no live diagnosis confirmed it';
  return `${capitalise(fromLog ?? `the build log named ${s.category}`)}${after}.`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
