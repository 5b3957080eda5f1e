/**
 * Agent or code: combines what changed since the last green build with a
 * re-check of the green revision's dependency set from this agent now (the
 * verdict names the machine that checked; checked from another machine than
 * the failing build's agent, it claims nothing about that agent), and
 * (when a CI system tells) whether the same revision passed on another agent.
 *
 * - the green revision's dependencies fail now too → environment/upstream
 *   (a proxy, a module or the network changed, not the code) — or the agent,
 *   when another agent built the same revision green since;
 * - they still resolve and the failing revision's dependency files changed →
 *   code, naming the change that brought in what the root cause names;
 * - the agent's environment snapshot differs from the one taken at the last
 *   green build (GOPROXY, GOFLAGS, go version, git insteadOf, netrc…) and the
 *   green revision fails now too → environment/upstream, naming the variable
 *   and when it changed (agent when another agent built it green);
 * - the failing revision itself built green on another agent → agent;
 * - nothing to tell them apart → unknown, saying what is missing.
 * The decisive evidence (environment, other agents) is listed first.
 */
import type { DiagnosisReport, EnvChange, Finding, GreenElsewhere, OriginVerdict, SinceGreen } from '../report/model.ts';
import { describeEnvChange, describeKeyChange } from './env-change.ts';

export interface OriginInputs {
  /** The diagnosis of the failing revision on this agent. */
  failing: DiagnosisReport;
  /** What changed since green (undefined: no green revision known). */
  sinceGreen?: SinceGreen;
  /** The green revision's dependency set checked from this agent now. */
  greenRecheck?: DiagnosisReport;
  /** The same job (or revision) built green on another agent since the last green build (CI history). */
  greenElsewhere?: Omit<GreenElsewhere, 'sameRevision'> & { sameRevision?: boolean };
  /** Why the CI history could not tell whether another agent built it green, when it could not. */
  greenElsewhereNote?: string;
  /** The agent's environment snapshot at the last green build against now. */
  environment?: EnvChange;
  /** Why there is no green revision to compare with, when there is none. */
  noGreenReason?: string;
  /** The machine whose checks these are (the worker's host); the evidence names it. Absent: "this agent". */
  ranOn?: string;
  /** The agent the failing build ran on, when the CI said; when it is not `ranOn`, the re-checks say nothing about it. */
  failingAgent?: string;
}

function rootCause(report: DiagnosisReport): Finding | undefined {
  return report.findings.find((f) => f.severity === 'error');
}

function named(f: Finding): string {
  const mv = f.module ? ` (${f.module}${f.version ? `@${f.version}` : ''})` : '';
  return `${f.category}${mv}: ${f.message}`;
}

/** Categories that describe this host rather than a module or a proxy. */
const HOST_CATEGORIES = new Set<string>([
  'disk-full',
  'host-environment',
  'git-credentials',
  'corporate-proxy',
  'tls-interception',
  'proxy-config',
  'proxy-disabled',
]);

function elsewhereText(g: NonNullable<OriginInputs['greenElsewhere']>): string {
  const rev = g.revision ? ` at ${g.revision.slice(0, 7)}` : '';
  return g.sameRevision
    ? `the same revision built green on ${g.agent} (${g.build})${g.failingAgent ? `, and failed on ${g.failingAgent}` : ''}`
    : `the same job built green on ${g.agent} since (${g.build}${rev})${g.failingAgent ? `, while it failed on ${g.failingAgent}` : ''}`;
}

/** Checks that ran on another machine than the one the build failed on. */
function ranElsewhere(inputs: OriginInputs): { ranOn: string; agent: string } | undefined {
  const { ranOn, failingAgent } = inputs;
  return ranOn && failingAgent && ranOn.toLowerCase() !== failingAgent.toLowerCase() ? { ranOn, agent: failingAgent } : undefined;
}

export function decideOrigin(inputs: OriginInputs): OriginVerdict {
  const { failing, sinceGreen, greenRecheck, greenElsewhere, environment } = inputs;
  const cause = rootCause(failing);
  // Where the live checks ran: named when known, so "still resolves" is never claimed for a machine that did not check.
  const here = inputs.ranOn ?? 'this agent';
  const away = ranElsewhere(inputs);
  const failedOn = greenElsewhere?.failingAgent ?? inputs.failingAgent ?? here;
  const envChanged = environment !== undefined && environment.changes.length > 0;
  const sameRevision = greenElsewhere?.sameRevision === true;
  // The decisive evidence comes first: the environment across time and the other agents.
  const reasons: string[] = [];
  if (away)
    reasons.push(
      `the live checks ran on ${away.ranOn}, not on ${away.agent} where the build failed: what resolves from ${away.ranOn} may not from ${away.agent}`,
    );
  if (environment) reasons.push(describeEnvChange(environment));
  if (greenElsewhere) reasons.push(elsewhereText(greenElsewhere));
  else if (inputs.greenElsewhereNote) reasons.push(inputs.greenElsewhereNote);
  const evidence = {
    ...(environment ? { environment } : {}),
    ...(greenElsewhere ? { greenElsewhere: { ...greenElsewhere, sameRevision } } : {}),
  };
  const verdict = (v: OriginVerdict['verdict'], summary: string): OriginVerdict => ({ verdict: v, summary, reasons, ...evidence });
  const firstChange = envChanged ? describeKeyChange(environment.changes[0] as EnvChange['changes'][number]) : '';
  const moreChanges = envChanged && environment.changes.length > 1 ? ` (and ${environment.changes.length - 1} more)` : '';
  const envText = envChanged ? `on ${environment.agent} ${firstChange}${moreChanges}` : '';
  if (!cause) {
    reasons.push(`the diagnosis of the failing revision found no error on ${here} now`);
    return verdict(
      'unknown',
      `Nothing fails now: the dependencies resolve from ${here}${away ? ` (not checked from ${away.agent})` : ''} (the failure may have been transient).`,
    );
  }
  reasons.push(`root cause now: ${named(cause)}`);
  if (!sinceGreen) {
    reasons.push(inputs.noGreenReason ?? 'no last green revision known');
    if (greenElsewhere && sameRevision)
      return verdict('agent', `Agent: the same revision built green on ${greenElsewhere.agent} (${greenElsewhere.build}) and failed on ${failedOn}.`);
    return verdict('unknown', `Cannot tell agent from code: ${inputs.noGreenReason ?? 'no last green revision to compare with'}.`);
  }
  const green = sinceGreen.green.slice(0, 7);
  const depChanges = sinceGreen.files.length;
  reasons.push(
    depChanges === 0
      ? `no dependency file changed since the last green revision ${green}`
      : `${depChanges} dependency file${depChanges === 1 ? '' : 's'} changed since ${green}: ${sinceGreen.files
          .map((f) => f.path)
          .slice(0, 6)
          .join(', ')}${depChanges > 6 ? ', …' : ''}`,
  );

  const greenCause = greenRecheck ? rootCause(greenRecheck) : undefined;
  if (greenRecheck)
    reasons.push(
      greenCause
        ? `the green revision ${green} fails now too${inputs.ranOn ? ` from ${inputs.ranOn}` : ''}: ${named(greenCause)}`
        : `the green revision ${green} still resolves from ${here} now`,
    );

  // Re-checked from another machine: what it found is that machine's view, never "this agent's".
  if (away && greenRecheck) {
    if (greenCause && HOST_CATEGORIES.has(greenCause.category))
      return verdict(
        'unknown',
        `Unknown: the checks ran on ${away.ranOn}, not on ${away.agent}, and ${away.ranOn} has a problem of its own (${greenCause.category}); run the diagnosis on ${away.agent} once its buildfix worker is running.`,
      );
    if (greenCause)
      return verdict(
        'environment/upstream',
        `Environment/upstream: the last green revision ${green} fails now from ${away.ranOn} too (${greenCause.category}; checked from ${away.ranOn}, not ${away.agent}); the code did not cause this.`,
      );
  }
  if (greenRecheck && greenCause) {
    if (envChanged && greenElsewhere)
      return verdict(
        'agent',
        `Agent: ${envText} since the last green build; the last green revision ${green} fails there now too (${greenCause.category}), and built green on ${greenElsewhere.agent} (${greenElsewhere.build}).`,
      );
    if (envChanged)
      return verdict(
        'environment/upstream',
        `Environment/upstream: ${envText} since the last green build, and the last green revision ${green} fails now too (${greenCause.category}); the code did not cause this.`,
      );
    if (greenElsewhere || HOST_CATEGORIES.has(greenCause.category)) {
      return verdict(
        'agent',
        `Agent: the last green revision ${green} fails on ${here} too (${greenCause.category})${greenElsewhere ? `, and built green on ${greenElsewhere.agent} (${greenElsewhere.build})` : ''}.`,
      );
    }
    return verdict(
      'environment/upstream',
      `Environment/upstream: the last green revision ${green} fails now too (${greenCause.category}); the code did not cause this.`,
    );
  }
  if (greenElsewhere && sameRevision) {
    return verdict('agent', `Agent: the same revision built green on ${greenElsewhere.agent} (${greenElsewhere.build}) and failed on ${failedOn}.`);
  }
  if (envChanged && depChanges === 0) {
    return verdict('environment/upstream', `Environment/upstream: nothing in the dependency files changed since ${green}, and ${envText}.`);
  }
  if (greenElsewhere && depChanges === 0) {
    return verdict('agent', `Agent: nothing in the dependency files changed and the same job built green on ${greenElsewhere.agent}.`);
  }
  const blamed = sinceGreen.blamed;
  if (blamed) {
    reasons.push(`introduced by ${blamed.text}`);
    if (greenRecheck && away)
      return verdict(
        'code',
        `Probably code: ${blamed.text} (the green revision resolves from ${away.ranOn}; ${away.agent} itself was not re-checked).${blamed.revert ? ` Revert to \`${blamed.revert}\`.` : ''}`,
      );
    if (greenRecheck) {
      return verdict('code', `Code: ${blamed.text}.${blamed.revert ? ` Revert to \`${blamed.revert}\`.` : ''}`);
    }
    return verdict('code', `Probably code: ${blamed.text} (the green revision was not re-checked).`);
  }
  if (depChanges > 0 && greenRecheck) {
    const first = sinceGreen.commits[0];
    return verdict(
      'code',
      `${away ? 'Probably code' : 'Code'}: the dependency files changed since ${green}${first ? ` (latest: ${first.shortSha} by ${first.author}, "${first.subject}")` : ''} and the green revision still resolves${away ? ` from ${away.ranOn} (${away.agent} itself was not re-checked)` : ''}.`,
    );
  }
  if (depChanges === 0 && greenRecheck) {
    return verdict(
      'unknown',
      `Unknown: the dependency files did not change and the green revision ${green} resolves now from ${here}; compare ${failedOn} with an agent that builds green (envdiff).`,
    );
  }
  return verdict('unknown', `Unknown: the green revision could not be re-checked from ${here}.`);
}
