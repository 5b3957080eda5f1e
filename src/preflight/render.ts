/**
 * Pre-flight for people: the alert message in the incident channel (Slack
 * blocks, re-rendered in place as agents report and recover) and the status
 * lines `buildfix status` and `/buildfix status` show.
 */
import { context, escapeMrkdwn, header, section } from '../slack/blocks/block-kit.ts';
import type { SlackMessage } from '../slack/blocks/slack-message.ts';
import type { GoneAgent } from './store.ts';
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
    drill: 'outage drill',
  }[s.check];
  return s.repo === HOST_SCOPE ? what : `${what} of ${s.repo}`;
}

/** "2026-12-06 02:10 UTC". */
function minuteUtc(iso: string): string {
  const d = new Date(iso);
  return Number.isFinite(d.getTime()) ? `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC` : iso;
}

function goneLine(gone: readonly GoneAgent[]): string {
  return gone.map((g) => `\`${escapeMrkdwn(g.agent)}\` stopped reporting at ${minuteUtc(g.lastSeen)}`).join('; ');
}

export interface AlertState {
  openedAt: string;
  resolvedAt?: string;
  /** Agents whose problems were dropped because they stopped reporting. */
  gone?: readonly GoneAgent[];
  /** Closed because the agents that reported it stopped reporting: nobody saw it healthy. */
  unknown?: boolean;
}

/** The alert of one scope: open (the agents and what each reports), resolved, or closed as unknown. */
export function renderPreflightAlert(scope: string, problems: readonly AgentProblems[], state: AlertState): SlackMessage {
  const title = scopeTitle(scope);
  const gone = state.gone ?? [];
  if (problems.length === 0 && state.unknown) {
    const names = gone.map((g) => g.agent).join(', ');
    return {
      text: `⚪ Pre-flight: ${title} closed as unknown (${names} stopped reporting)`,
      blocks: [
        section(
          `⚪ *Closed as unknown — pre-flight: ${escapeMrkdwn(title)}*\n${goneLine(gone)}; ${gone.length === 1 ? 'its' : 'their'} pre-flight alert is closed as unknown: nobody has seen this healthy, it just stopped being checked.`,
        ),
        context([`opened ${state.openedAt}`, `closed ${state.resolvedAt ?? new Date().toISOString()}`, 'buildfix pre-flight']),
      ],
    };
  }
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
  const goneNote = gone.length > 0 ? [context([`${goneLine(gone)}: dropped from this alert as unknown`])] : [];
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
        ...goneNote,
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
      ...goneNote,
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
  if (s < 48 * 3600) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86_400)} days ago`;
}

function took(ms: number): string {
  return ms < 1000 ? `${ms} ms` : ms < 120_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 60_000)} min`;
}

const MARK: Record<string, string> = { pass: '✓', warn: '!', fail: '✗', error: '✗', skip: '-', skipped: '-' };

export interface StatusOptions {
  /** A drill older than this many days shows as due (preflight.drillMaxAgeDays); 0 or absent: never. */
  drillMaxAgeDays?: number | undefined;
}

/** Whether this drill result is older than the allowed age. */
export function drillDue(r: Pick<PreflightResult, 'finishedAt'>, now: number, maxAgeDays: number | undefined): boolean {
  if (!maxAgeDays || maxAgeDays <= 0) return false;
  const at = Date.parse(r.finishedAt);
  return !Number.isFinite(at) || now - at > maxAgeDays * 86_400_000;
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * One line per agent, check and repo: "agent-01  modules  payments  ✗ fail  2 min ago  example.com/a@v1.2.0 …".
 * A drill's line says when it ran, how it ended and who ran it ("last drill 3 days ago: passed …, by U123"),
 * and "due" once it is older than drillMaxAgeDays.
 */
export function preflightStatusRows(results: readonly PreflightResult[], now = Date.now(), options: StatusOptions = {}): string[][] {
  return results.map((r) => {
    const when = ago(r.finishedAt, now);
    const head = [r.agent, r.check, r.repo === HOST_SCOPE ? '' : r.repo];
    if (r.check !== 'drill') return [...head, `${MARK[r.status] ?? '?'} ${r.status}`, when, cut(r.summary, 120)];
    const due = drillDue(r, now, options.drillMaxAgeDays);
    const text = `last drill ${when}: ${cut(r.summary, 100)}${r.by ? `, by ${r.by}` : ', scheduled'} (${took(r.durationMs)})`;
    return [
      ...head,
      due ? `! due (${r.status})` : `${MARK[r.status] ?? '?'} ${r.status}`,
      when,
      due ? `due: no drill in the last ${options.drillMaxAgeDays ?? 0} days; ${text}` : text,
    ];
  });
}

/** The status lines for Slack (mrkdwn). */
export function preflightStatusMrkdwn(results: readonly PreflightResult[], now = Date.now(), options: StatusOptions = {}): string[] {
  return preflightStatusRows(results, now, options).map(
    ([agent, check, repo, status, when, summary]) =>
      `• \`${escapeMrkdwn(agent ?? '')}\` ${escapeMrkdwn(check ?? '')}${repo ? ` \`${escapeMrkdwn(repo)}\`` : ''} ${escapeMrkdwn(status ?? '')} · ${when} · ${escapeMrkdwn(summary ?? '')}`,
  );
}
