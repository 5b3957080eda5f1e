/**
 * Pre-flight for people: the alert message in the incident channel (Slack
 * blocks, re-rendered in place as agents report and recover) and the status
 * lines `buildfix status` and `/buildfix status` show.
 */
import { context, escapeMrkdwn, header, section } from '../slack/blocks/block-kit.ts';
import type { SlackMessage } from '../slack/blocks/slack-message.ts';
import { parseScope, HOST_SCOPE, type AgentProblems, type PreflightResult } from './types.ts';

function scopeTitle(scope: string): string {
  const s = parseScope(scope);
  if (!s) return scope;
  const what = {
    modules: 'module check',
    probe: 'network probe',
    readiness: 'module-cache readiness',
    host: 'host checks',
    credentials: 'tokens for private module hosts',
  }[s.check];
  return s.repo === HOST_SCOPE ? what : `${what} of ${s.repo}`;
}

/** The alert of one scope: open (the agents and what each reports) or resolved. */
export function renderPreflightAlert(scope: string, problems: readonly AgentProblems[], state: { openedAt: string; resolvedAt?: string }): SlackMessage {
  const title = scopeTitle(scope);
  if (problems.length === 0) {
    return {
      text: `✅ Pre-flight: ${title} healthy again`,
      blocks: [
        section(`✅ *Resolved — pre-flight: ${escapeMrkdwn(title)}* is healthy again on every agent.`),
        context([`opened ${state.openedAt}`, `resolved ${state.resolvedAt ?? new Date().toISOString()}`, 'buildfix pre-flight']),
      ],
    };
  }
  const agents = problems.map((p) => p.agent);
  const keys = new Set(problems.flatMap((p) => p.findings.map((f) => f.key)));
  const lines: string[] = [];
  for (const key of keys) {
    const seenBy = problems.filter((p) => p.findings.some((f) => f.key === key));
    const f = seenBy[0]?.findings.find((x) => x.key === key);
    if (!f) continue;
    lines.push(`• ${f.severity === 'error' ? '🔴' : '🟠'} ${escapeMrkdwn(f.message)} _(${seenBy.map((p) => `\`${escapeMrkdwn(p.agent)}\``).join(', ')})_`);
  }
  const shown = lines.slice(0, 15);
  const more = lines.length > shown.length ? `\n… and ${lines.length - shown.length} more` : '';
  const names = agents.map((a) => `\`${escapeMrkdwn(a)}\``).join(', ');
  const lastReport =
    problems
      .map((p) => p.at)
      .sort()
      .at(-1) ?? '';
  if (parseScope(scope)?.check === 'readiness') {
    // The build passes while the proxy is up: a warning about the next outage, not a broken build.
    return {
      text: `🟠 Pre-flight: ${title}: a proxy outage now would break the build on ${agents.join(', ')}`,
      blocks: [
        header(`🟠 Pre-flight: ${title}`),
        section(`Builds pass while the proxy is up. If it went down now, they would fail on ${names}:\n${shown.join('\n')}${more}`),
        context([
          `opened ${state.openedAt}`,
          `last report ${lastReport}`,
          'updated in place; resolved here when the caches are ready (`cache warm`, or the next build)',
        ]),
      ],
    };
  }
  return {
    text: `🔴 Pre-flight: ${title} will break the next build on ${agents.join(', ')}`,
    blocks: [
      header(`🔴 Pre-flight: ${title}`),
      section(
        `The next build will break on ${agents.map((a) => `\`${escapeMrkdwn(a)}\``).join(', ')}:\n${shown.join('\n')}${lines.length > shown.length ? `\n… and ${lines.length - shown.length} more` : ''}`,
      ),
      context([
        `opened ${state.openedAt}`,
        `last report ${
          problems
            .map((p) => p.at)
            .sort()
            .at(-1) ?? ''
        }`,
        'updated in place; resolved here when healthy again',
      ]),
    ],
  };
}

function ago(iso: string, now: number): string {
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  return `${Math.round(s / 3600)} h ago`;
}

const MARK: Record<string, string> = { pass: '✓', warn: '!', fail: '✗', error: '✗', skip: '-', skipped: '-' };

/** One line per agent, check and repo: "agent-01  modules  payments  ✗ fail  2 min ago  example.com/a@v1.2.0 …". */
export function preflightStatusRows(results: readonly PreflightResult[], now = Date.now()): string[][] {
  return results.map((r) => [
    r.agent,
    r.check,
    r.repo === HOST_SCOPE ? '' : r.repo,
    `${MARK[r.status] ?? '?'} ${r.status}`,
    ago(r.finishedAt, now),
    r.summary.length > 120 ? `${r.summary.slice(0, 119)}…` : r.summary,
  ]);
}

/** The status lines for Slack (mrkdwn). */
export function preflightStatusMrkdwn(results: readonly PreflightResult[], now = Date.now()): string[] {
  return preflightStatusRows(results, now).map(
    ([agent, check, repo, status, when, summary]) =>
      `• \`${escapeMrkdwn(agent ?? '')}\` ${escapeMrkdwn(check ?? '')}${repo ? ` \`${escapeMrkdwn(repo)}\`` : ''} ${escapeMrkdwn(status ?? '')} · ${when} · ${escapeMrkdwn(summary ?? '')}`,
  );
}
