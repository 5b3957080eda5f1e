/**
 * Verification after a fix (issue 16, item 4), as data: what started it, the
 * re-check of the cause, the builds seen since, and the verdict. It is stored
 * with the incident (the `verification` field of its record in both stores),
 * so a restarted serve process carries on where the last one stopped.
 *
 * Pure functions only: fix-verification.ts runs the checks, reads the builds
 * and says what happened in the thread. This module imports nothing from the
 * incident model so the model can refer to it without a cycle.
 *
 * Verdict rules:
 *   failed    a re-check still finds the problem (or could not run), or an
 *             affected pipeline failed again after the fix;
 *   verified  every re-check passed and every affected pipeline has
 *             `greenBuilds` successful builds since the fix;
 *   checking  a re-check is still running;
 *   waiting   the re-checks passed, builds are still missing.
 */

export const VERIFICATION_TRIGGERS = ['restart', 'cache-clear', 'rebuild', 'rollback', 'fixed'] as const;
export type VerificationTriggerKind = (typeof VERIFICATION_TRIGGERS)[number];

export type VerificationState = 'checking' | 'waiting' | 'verified' | 'failed';

export interface VerificationTrigger {
  kind: VerificationTriggerKind;
  /** What was done, as a person reads it: "restart agent-03", "incident note fixed pinned v1.9.8". */
  text: string;
  /** Who did it (Slack user id, local:<user>, buildfix). */
  by: string;
  /** The agent the remediation acted on (restart, cache clear): re-checks run there. */
  agent?: string;
  /** The Jenkins job a rebuild or rollback built. */
  job?: string;
}

export interface VerificationCheck {
  /** The command re-run, as typed: "diagnose payments". */
  command: string;
  host?: string;
  status: 'running' | 'pass' | 'fail' | 'error';
  /** What it found (the blocking finding, the failed checks, the error). */
  text?: string;
  startedAt: string;
  finishedAt?: string;
}

export interface VerificationBuild {
  /** Pipeline key: jenkins:payments/main, github:o/r:CI:main, gitlab:g/p:main. */
  pipeline: string;
  /** "payments/main #4813". */
  label: string;
  number?: number;
  ok: boolean;
  /** The CI's own word: SUCCESS, FAILURE, success… */
  status: string;
  url?: string;
  at: string;
  /** How buildfix learned of it: the CI webhook, or that CI's API (a followed rebuild/rollback, the build follower). */
  via: 'webhook' | 'jenkins' | 'github' | 'gitlab';
}

const FOLLOWED_THROUGH = { jenkins: 'Jenkins', github: 'GitHub', gitlab: 'GitLab' } as const;

/** " (followed through GitHub)" for a build read from a CI's API; "" for one a webhook brought. */
export function followedNote(build: Pick<VerificationBuild, 'via'>): string {
  return build.via === 'webhook' ? '' : ` (followed through ${FOLLOWED_THROUGH[build.via]})`;
}

/** A finished Jenkins build as a verification build (pipeline `jenkins:<job>`, labelled `<job> #<number>`). */
export function jenkinsVerificationBuild(build: { job: string; number: number; result: string; url?: string | undefined }, at: string): VerificationBuild {
  return {
    pipeline: `jenkins:${build.job}`,
    label: `${build.job} #${build.number}`,
    number: build.number,
    ok: build.result === 'SUCCESS',
    status: build.result,
    ...(build.url !== undefined ? { url: build.url } : {}),
    at,
    via: 'jenkins',
  };
}

export interface FixVerification {
  /** Revision: bumped by every write; a write against a stale revision is refused and retried. */
  rev: number;
  /** 1 for the first fix verified on this incident, 2 for the next… */
  run: number;
  state: VerificationState;
  trigger: VerificationTrigger;
  startedAt: string;
  /** Successful builds each affected pipeline needs (incidents.verify.greenBuilds). */
  greenBuilds: number;
  /** Resolve by itself once verified (incidents.verify.autoResolve). */
  autoResolve: boolean;
  /** CI pipelines that must pass; none for an incident with no pipeline (then the re-check decides). */
  pipelines: string[];
  checks: VerificationCheck[];
  builds: VerificationBuild[];
  /** When the verdict was reached, and why it failed. */
  decidedAt?: string;
  failure?: string;
  /** What was done with a verified fix: Resolve offered, or resolved by buildfix. */
  resolution?: 'offered' | 'resolved';
}

export interface StartInput {
  trigger: VerificationTrigger;
  at: string;
  greenBuilds: number;
  autoResolve: boolean;
  pipelines: string[];
  checks: Array<{ command: string; host?: string }>;
}

/** A new run (replacing any earlier one: a second fix is verified afresh). */
export function startVerification(previous: FixVerification | undefined, input: StartInput): FixVerification {
  const v: FixVerification = {
    rev: (previous?.rev ?? 0) + 1,
    run: (previous?.run ?? 0) + 1,
    state: input.checks.length > 0 ? 'checking' : 'waiting',
    trigger: input.trigger,
    startedAt: input.at,
    greenBuilds: input.greenBuilds,
    autoResolve: input.autoResolve,
    pipelines: [...new Set(input.pipelines)],
    checks: input.checks.map((c) => ({ command: c.command, ...(c.host ? { host: c.host } : {}), status: 'running', startedAt: input.at })),
    builds: [],
  };
  return decide(v, input.at);
}

/** The result of re-check number `index`. */
/** A re-check's result; `host` is the machine that ran it when that is known (it replaces the planned host). */
export function recordCheck(
  v: FixVerification,
  index: number,
  result: { status: 'pass' | 'fail' | 'error'; text: string; at: string; host?: string | undefined },
): FixVerification {
  const checks = v.checks.map((c, i) =>
    i === index ? { ...c, ...(result.host ? { host: result.host } : {}), status: result.status, text: result.text, finishedAt: result.at } : c,
  );
  return decide({ ...v, rev: v.rev + 1, checks }, result.at);
}

/**
 * Re-checks still marked running long after they started lost their runner (the serve process
 * stopped while they ran): they become errors, so the verdict does not wait for them forever.
 */
export function expireChecks(v: FixVerification, at: string, maxMs: number): FixVerification {
  const stale = (c: VerificationCheck): boolean => c.status === 'running' && Date.parse(at) - Date.parse(c.startedAt) > maxMs;
  if (!v.checks.some(stale)) return v;
  const text = `no result within ${Math.round(maxMs / 60_000)} min (buildfix stopped while it ran?)`;
  const checks = v.checks.map((c) => (stale(c) ? { ...c, status: 'error' as const, text, finishedAt: at } : c));
  return decide({ ...v, rev: v.rev + 1, checks }, at);
}

/** True when this build was already counted (the rebuild's own result and its webhook both arrive). */
export function hasBuild(v: FixVerification, build: Pick<VerificationBuild, 'pipeline' | 'number' | 'ok'>): boolean {
  return build.number !== undefined && v.builds.some((b) => b.pipeline === build.pipeline && b.number === build.number && b.ok === build.ok);
}

/** A build of an affected pipeline finished after the fix (a pipeline not yet listed joins the list). */
export function recordBuild(v: FixVerification, build: VerificationBuild): FixVerification {
  if (hasBuild(v, build)) return v;
  const pipelines = v.pipelines.includes(build.pipeline) ? v.pipelines : [...v.pipelines, build.pipeline];
  return decide({ ...v, rev: v.rev + 1, pipelines, builds: [...v.builds, build] }, build.at);
}

export function markResolution(v: FixVerification, resolution: 'offered' | 'resolved'): FixVerification {
  return { ...v, rev: v.rev + 1, resolution };
}

/** Successful builds of `pipeline` since the fix (counted until the first failure, which fails the verification). */
export function greenCount(v: FixVerification, pipeline: string): number {
  return v.builds.filter((b) => b.pipeline === pipeline && b.ok).length;
}

/** Is the run still collecting evidence (a build or re-check result changes it)? */
export function isActive(v: FixVerification | undefined): v is FixVerification {
  return v !== undefined && (v.state === 'checking' || v.state === 'waiting');
}

function decide(v: FixVerification, at: string): FixVerification {
  if (v.state === 'verified' || v.state === 'failed') return v;
  const badCheck = v.checks.find((c) => c.status === 'fail' || c.status === 'error');
  if (badCheck) {
    const why =
      badCheck.status === 'error'
        ? `the re-check \`${badCheck.command}\`${badCheck.host ? ` on ${badCheck.host}` : ''} could not run: ${badCheck.text ?? 'error'}`
        : `the re-check \`${badCheck.command}\`${badCheck.host ? ` on ${badCheck.host}` : ''} still fails: ${badCheck.text ?? 'problem found'}`;
    return { ...v, state: 'failed', decidedAt: at, failure: why };
  }
  const badBuild = v.builds.find((b) => !b.ok);
  if (badBuild) return { ...v, state: 'failed', decidedAt: at, failure: `${badBuild.label} ${badBuild.status} after the fix` };
  if (v.checks.some((c) => c.status === 'running')) return { ...v, state: 'checking' };
  if (v.pipelines.every((p) => greenCount(v, p) >= v.greenBuilds)) return { ...v, state: 'verified', decidedAt: at };
  return { ...v, state: 'waiting' };
}

/** How the fix was verified, in one paragraph (the thread, the report, the auto-resolve summary). */
export function describeVerification(v: FixVerification): string {
  const parts: string[] = [`after ${v.trigger.text} (${v.trigger.kind === 'fixed' ? 'marked fixed' : 'remediation'} at ${clock(v.startedAt)})`];
  for (const c of v.checks) {
    const where = c.host ? ` on ${c.host}` : '';
    const when = c.finishedAt ? ` at ${clock(c.finishedAt)}` : '';
    const word = c.status === 'pass' ? 'passed' : c.status === 'fail' ? 'still failed' : c.status === 'error' ? 'could not run' : 'is running';
    parts.push(`re-check \`${c.command}\`${where} ${word}${when}${c.status !== 'pass' && c.text ? ` (${c.text})` : ''}`);
  }
  if (v.checks.length === 0) parts.push('no re-check (no check is known for this cause)');
  for (const p of v.pipelines) {
    const builds = v.builds.filter((b) => b.pipeline === p);
    const list = builds.map((b) => `${b.label} ${b.status} at ${clock(b.at)}${followedNote(b)}`).join(', ');
    parts.push(
      `${p.replace(/^(jenkins|github|gitlab):/, '')}: ${greenCount(v, p)} of ${v.greenBuilds} green build${v.greenBuilds === 1 ? '' : 's'}${list ? ` (${list})` : ''}`,
    );
  }
  return parts.join('; ');
}

/** "00:41:07 UTC" from an ISO time. */
export function clock(iso: string): string {
  return `${iso.slice(11, 19)} UTC`;
}
