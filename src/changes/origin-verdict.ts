/**
 * Agent or code: combines what changed since the last green build with a
 * re-check of the green revision's dependency set from this agent now, and
 * (when a CI system tells) whether the same revision passed on another agent.
 *
 * - the green revision's dependencies fail now too → environment/upstream
 *   (a proxy, a module or the network changed, not the code) — or the agent,
 *   when another agent built the same revision green since;
 * - they still resolve and the failing revision's dependency files changed →
 *   code, naming the change that brought in what the root cause names;
 * - nothing to tell them apart → unknown, saying what is missing.
 */
import type { DiagnosisReport, Finding, OriginVerdict, SinceGreen } from '../report/model.ts';

export interface OriginInputs {
  /** The diagnosis of the failing revision on this agent. */
  failing: DiagnosisReport;
  /** What changed since green (undefined: no green revision known). */
  sinceGreen?: SinceGreen;
  /** The green revision's dependency set checked from this agent now. */
  greenRecheck?: DiagnosisReport;
  /** The same job built green on another agent after this one failed (CI history). */
  greenElsewhere?: { agent: string; build: string };
  /** Why there is no green revision to compare with, when there is none. */
  noGreenReason?: string;
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

export function decideOrigin(inputs: OriginInputs): OriginVerdict {
  const { failing, sinceGreen, greenRecheck, greenElsewhere } = inputs;
  const cause = rootCause(failing);
  const reasons: string[] = [];
  if (!cause) {
    return {
      verdict: 'unknown',
      summary: 'Nothing fails now: the dependencies resolve from this agent (the failure may have been transient).',
      reasons: ['the diagnosis of the failing revision found no error on this agent now'],
    };
  }
  reasons.push(`root cause now: ${named(cause)}`);
  if (!sinceGreen) {
    reasons.push(inputs.noGreenReason ?? 'no last green revision known');
    return { verdict: 'unknown', summary: `Cannot tell agent from code: ${inputs.noGreenReason ?? 'no last green revision to compare with'}.`, reasons };
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
      greenCause ? `the green revision ${green} fails now too: ${named(greenCause)}` : `the green revision ${green} still resolves from this agent now`,
    );
  if (greenElsewhere) reasons.push(`the same job built green on ${greenElsewhere.agent} since (${greenElsewhere.build})`);

  if (greenRecheck && greenCause) {
    if (greenElsewhere || HOST_CATEGORIES.has(greenCause.category)) {
      return {
        verdict: 'agent',
        summary: `Agent: the last green revision ${green} fails on this agent too (${greenCause.category})${greenElsewhere ? `, and built green on ${greenElsewhere.agent}` : ''}.`,
        reasons,
      };
    }
    return {
      verdict: 'environment/upstream',
      summary: `Environment/upstream: the last green revision ${green} fails now too (${greenCause.category}); the code did not cause this.`,
      reasons,
    };
  }
  if (greenElsewhere && depChanges === 0) {
    return { verdict: 'agent', summary: `Agent: nothing in the dependency files changed and the same job built green on ${greenElsewhere.agent}.`, reasons };
  }
  const blamed = sinceGreen.blamed;
  if (blamed) {
    reasons.push(`introduced by ${blamed.text}`);
    if (greenRecheck) {
      return { verdict: 'code', summary: `Code: ${blamed.text}.${blamed.revert ? ` Revert to \`${blamed.revert}\`.` : ''}`, reasons };
    }
    return { verdict: 'code', summary: `Probably code: ${blamed.text} (the green revision was not re-checked).`, reasons };
  }
  if (depChanges > 0 && greenRecheck) {
    const first = sinceGreen.commits[0];
    return {
      verdict: 'code',
      summary: `Code: the dependency files changed since ${green}${first ? ` (latest: ${first.shortSha} by ${first.author}, "${first.subject}")` : ''} and the green revision still resolves.`,
      reasons,
    };
  }
  if (depChanges === 0 && greenRecheck) {
    return {
      verdict: 'unknown',
      summary: `Unknown: the dependency files did not change and the green revision ${green} resolves now; compare this agent with one that builds green (envdiff).`,
      reasons,
    };
  }
  return { verdict: 'unknown', summary: 'Unknown: the green revision could not be re-checked from this agent.', reasons };
}
