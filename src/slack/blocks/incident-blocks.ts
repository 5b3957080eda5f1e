/**
 * Incidents as Block Kit: the CI alert (what failed, where, link, first
 * error line, a failure counter that chat.update keeps current, Diagnose and
 * Take commander), the "who takes command?" ask under a new incident, the
 * recovery offer (Resolve), thread notes, and the archive report.
 *
 * Incident buttons carry only the incident id; the listener turns a press
 * into the command the presser could have typed in the thread.
 */
import { formatCommand } from '../../chat/remediations.ts';
import type { Command } from '../../chat/parse-command.ts';
import { describeBlast, greenPipelines, pipelinesGreen } from '../../incidents/blast-radius.ts';
import { formatDuration, type IncidentReport } from '../../incidents/render-incident-report.ts';
import { INCIDENT_ROLES, type Incident, type IncidentRole, type TimelineEntry } from '../../incidents/incident-types.ts';
import { classifiedCauseOf, liveDiagnosesOf, settleCause, type ClassifiedCause, type LiveDiagnosis, type SettledCause } from '../../incidents/settle-cause.ts';
import { actions, button, clip, context, escapeMrkdwn, header, LIMITS, section, type Button, type KnownBlock } from './block-kit.ts';
import { ACTION_RUN, encodeButtonValue } from './button-value.ts';
import type { SlackMessage } from './slack-message.ts';

export const ACTION_INCIDENT_COMMANDER = 'bf-incident-commander';
export const ACTION_INCIDENT_RESOLVE = 'bf-incident-resolve';
/** "Fixed": the presser says the fix is in; buildfix verifies it (src/incidents/fix-verification.ts). */
export const ACTION_INCIDENT_FIXED = 'bf-incident-fixed';
export const INCIDENT_ACTION_PATTERN = /^bf-incident-(commander|resolve|fixed)$/;

export function encodeIncidentButton(incidentId: number): string {
  return JSON.stringify({ v: 1, i: incidentId });
}

/** The incident id a button carries, or undefined for anything else. */
export function decodeIncidentButton(raw: string | undefined): number | undefined {
  if (!raw || raw.length > 100) return undefined;
  try {
    const value = JSON.parse(raw) as { v?: unknown; i?: unknown };
    return value.v === 1 && Number.isInteger(value.i) && (value.i as number) > 0 ? (value.i as number) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A timeline entry's text as mrkdwn: escaped whole (titles, notes and CI
 * fields are outside text). The only live parts are rebuilt from what the
 * entry stored: the user of a role change, the channel of a posted alert.
 */
export function timelineText(e: TimelineEntry): string {
  let text = escapeMrkdwn(e.text);
  const user = e.data?.user;
  if (e.kind === 'role' && typeof user === 'string' && /^[UW][A-Z0-9]{2,}$/.test(user)) text = text.replaceAll(`&lt;@${user}&gt;`, `<@${user}>`);
  const channel = e.data?.channel;
  if (e.kind === 'alert' && typeof channel === 'string' && /^[CG][A-Z0-9]{2,}$/.test(channel)) text = text.replaceAll(`&lt;#${channel}&gt;`, `<#${channel}>`);
  return text;
}

/** A Slack link when the URL is a plain http(s) URL, else the label alone. */
export function link(url: string | undefined, label: string): string {
  if (!url || !/^https?:\/\/[^\s<>|]+$/.test(url)) return escapeMrkdwn(label);
  return `<${url.replace(/&/g, '&amp;')}|${escapeMrkdwn(label).replace(/\|/g, '¦')}>`;
}

function inlineCode(text: string, max: number): string {
  return `\`${escapeMrkdwn(clip(text.replace(/`/g, 'ʼ').replace(/\s+/g, ' '), max, '…'))}\``;
}

export function mention(userId: string): string {
  return /^[UW][A-Z0-9]{2,}$/.test(userId) ? `<@${userId}>` : escapeMrkdwn(userId);
}

function takeCommanderButton(incident: Incident): Button {
  return button({
    text: incident.roles.commander ? 'Take over as commander' : 'Take commander',
    actionId: ACTION_INCIDENT_COMMANDER,
    value: encodeIncidentButton(incident.id),
    ...(incident.roles.commander ? {} : { style: 'primary' as const }),
  });
}

function resolveButton(incident: Incident): Button {
  return button({
    text: 'Resolve',
    actionId: ACTION_INCIDENT_RESOLVE,
    value: encodeIncidentButton(incident.id),
    style: 'primary',
    confirm: { title: `Resolve incident #${incident.id}?`, text: 'Its report and timeline are archived.', confirm: 'Resolve', deny: 'Not yet' },
  });
}

function fixedButton(incident: Incident): Button {
  return button({ text: 'Fixed', actionId: ACTION_INCIDENT_FIXED, value: encodeIncidentButton(incident.id) });
}

/** The alert's word on the latest fix verification. */
function verificationState(incident: Incident): string | undefined {
  const v = incident.verification;
  if (!v) return undefined;
  if (v.state === 'verified') return 'fix verified';
  if (v.state === 'failed') return 'fix not verified';
  return 'verifying the fix';
}

/** The facts of a CI alert that live in the timeline (the first failure's error line and log, the latest failure). */
export interface AlertFacts {
  firstErrorLine?: string;
  /** The classifier's answer for the build log: the alert leads with it once it is known. */
  classified?: ClassifiedCause;
  /** The incident's finished diagnoses: they confirm or settle the classified cause (settle-cause.ts). */
  live?: LiveDiagnosis[];
  logUrl?: string;
  latestBuild?: number;
  latestAt?: string;
  latestUrl?: string;
  /** Pipelines whose latest build is green (blast-radius.ts): a cause-grouped incident is green again once all of its pipelines are. */
  greenPipelines?: string[];
}

export function alertFactsFrom(timeline: readonly TimelineEntry[]): AlertFacts {
  const failures = timeline.filter((e) => e.kind === 'ci-event' && typeof e.data?.failureCount === 'number');
  const first = failures[0]?.data ?? {};
  const latest = failures.at(-1);
  const facts: AlertFacts = {};
  if (typeof first.firstErrorLine === 'string') facts.firstErrorLine = first.firstErrorLine;
  if (typeof first.logUrl === 'string') facts.logUrl = first.logUrl;
  const classified = classifiedCauseOf(timeline);
  if (classified) facts.classified = classified;
  const live = liveDiagnosesOf(timeline);
  if (live.length > 0) facts.live = live;
  const green = greenPipelines(timeline);
  if (green.length > 0) facts.greenPipelines = green;
  if (latest) {
    facts.latestAt = latest.at;
    if (typeof latest.data?.buildNumber === 'number') facts.latestBuild = latest.data.buildNumber;
    if (typeof latest.data?.url === 'string') facts.latestUrl = latest.data.url;
  }
  return facts;
}

function clock(iso: string | undefined): string {
  return iso ? `${iso.slice(11, 16)} UTC` : '';
}

function failures(n: number): string {
  return `${n} failure${n === 1 ? '' : 's'}`;
}

/** The alert in INCIDENT_CHANNEL; re-rendered in place (chat.update) as failures group in, roles change, the build recovers. */
export function renderIncidentAlert(incident: Incident, facts: AlertFacts, options: { diagnose?: Command } = {}): SlackMessage {
  const resolved = incident.status === 'resolved';
  // Spread over several pipelines (one incident per cause): green again only once every one of them is.
  const spread = pipelinesGreen(incident, facts.greenPipelines ?? []);
  const recovered =
    !resolved &&
    incident.lastRecoveryAt !== undefined &&
    (incident.lastFailureAt === undefined || incident.lastRecoveryAt >= incident.lastFailureAt) &&
    (spread === undefined || spread.green === spread.of);
  const mark = resolved ? '✅' : recovered ? '🟢' : '🔴';
  const s = incident.source;
  const where: string[] = [];
  if (s.branch) where.push(`branch \`${escapeMrkdwn(s.branch)}\``);
  if (s.commit) where.push(`commit \`${escapeMrkdwn(s.commit.slice(0, 7))}\``);
  if (facts.logUrl) where.push(link(facts.logUrl, 'build log'));
  const blocks: KnownBlock[] = [];
  const cause = settleCause(facts.classified, facts.live ?? []);
  if (cause) {
    // First line: the root cause (the log's, confirmed or settled by the live diagnosis) and the log line that caused it.
    const subject = [cause.module, cause.version].filter(Boolean).join(' ');
    const log = facts.classified && facts.classified.category !== 'unknown' ? facts.classified : undefined;
    const unsure = cause.alternative
      ? ` (or \`${escapeMrkdwn(cause.alternative)}\`)`
      : cause.basis === 'log' && (log?.confidence ?? 1) < 0.6
        ? ' (unsure)'
        : '';
    const line = log?.evidence ? `\n${log.evidenceLine !== undefined ? `line ${log.evidenceLine}: ` : ''}${inlineCode(log.evidence, 600)}` : '';
    blocks.push(section(`${mark} *Root cause: ${escapeMrkdwn(cause.category)}*${unsure}${subject ? ` — ${escapeMrkdwn(subject)}` : ''}${line}`));
    const live = liveLine(cause);
    if (live) blocks.push(section(live));
    blocks.push(section(`*${link(s.buildUrl, incident.title)}*${where.length ? ` · ${where.join(' · ')}` : ''}`));
  } else {
    blocks.push(section(`${mark} *${link(s.buildUrl, incident.title)}*${where.length ? ` · ${where.join(' · ')}` : ''}`));
    if (facts.firstErrorLine) blocks.push(section(`First error: ${inlineCode(facts.firstErrorLine, 600)}`));
  }
  const counter = `*${failures(incident.failureCount)}*${incident.failureCount > 1 && facts.latestBuild !== undefined ? ` · latest ${link(facts.latestUrl, `#${facts.latestBuild}`)} at ${clock(facts.latestAt)}` : ''}`;
  // One incident per cause: how far it reaches (src/incidents/blast-radius.ts).
  const blast = describeBlast(incident);
  const state = resolved ? `resolved ${clock(incident.resolvedAt)}` : recovered ? `green again ${clock(incident.lastRecoveryAt)}` : incident.status;
  const parts = [
    `Incident #${incident.id}`,
    counter,
    `${state} · ${incident.severity}`,
    incident.roles.commander ? `commander ${mention(incident.roles.commander)}` : 'no commander yet',
  ];
  if (incident.rootCause) parts.push(`root cause \`${escapeMrkdwn(incident.rootCause.category)}\``);
  const verifying = resolved ? undefined : verificationState(incident);
  if (verifying) parts.push(verifying);
  blocks.push(context(parts));
  if (blast)
    blocks.push(
      context([
        `Blast radius: *${escapeMrkdwn(blast.radius)}*`,
        ...blast.common.map(escapeMrkdwn),
        ...(spread && spread.green > 0 && !resolved ? [`${spread.green} of ${spread.of} pipelines green again`] : []),
      ]),
    );
  if (!resolved) {
    const buttons: Button[] = [];
    if (options.diagnose) {
      const text = formatCommand(options.diagnose);
      buttons.push(button({ text: 'Diagnose', actionId: `${ACTION_RUN}-0`, value: encodeButtonValue({ k: 'remedy', c: text }) }));
    }
    buttons.push(takeCommanderButton(incident));
    // While a fix is being verified (or it failed), Resolve waits for the verification's own offer.
    const v = incident.verification;
    if ((recovered && (!v || v.state === 'verified')) || v?.resolution === 'offered') buttons.push(resolveButton(incident));
    buttons.push(fixedButton(incident));
    blocks.push(actions(buttons, 'bf-incident-alert'));
  }
  const reach = blast && (incident.blast?.pipelines.length ?? 0) > 1 ? ` · ${[blast.radius, ...blast.common].join(' · ')}` : '';
  const text = `${mark} ${cause ? `Root cause: ${cause.category}${cause.alternative ? ` (or ${cause.alternative})` : ''}${BASIS_WORDS[cause.basis]} — ` : ''}${incident.title} — ${failures(incident.failureCount)}${reach} · incident #${incident.id}${resolved ? ' (resolved)' : recovered ? ' (green again)' : ''}`;
  return { text: clip(text, LIMITS.fallbackText), blocks };
}

/** After the cause in the alert's plain text (notifications, screen readers). */
const BASIS_WORDS: Record<SettledCause['basis'], string> = { log: '', confirmed: ' (confirmed live)', live: ' (live diagnosis)' };

/** The alert's line on what the live diagnosis made of the log's answer, when it ran. */
function liveLine(cause: SettledCause): string | undefined {
  const on = (d: LiveDiagnosis): string => `${d.host ? ` on ${escapeMrkdwn(d.host)}` : ''} at ${clock(d.at)}`;
  const found = (d: LiveDiagnosis): string => (d.message ? `: ${escapeMrkdwn(clip(d.message, 300))}` : '');
  const d = cause.decidedBy;
  if (cause.basis === 'confirmed' && d) return `✔ Confirmed by the live diagnosis${on(d)}${found(d)}`;
  if (cause.basis === 'live' && d)
    return cause.logSaid
      ? `✔ Settled by the live diagnosis${on(d)} (the log alone also fit \`${escapeMrkdwn(cause.logSaid)}\`)${found(d)}`
      : `Found by the live diagnosis${on(d)}${found(d)}`;
  if (cause.differs)
    return `⚠ The live diagnosis${on(cause.differs)} found \`${escapeMrkdwn(cause.differs.category ?? 'a problem')}\` instead${found(cause.differs)}`;
  if (cause.cleanNow) return `The live diagnosis${on(cause.cleanNow)} finds no problem now: the failure may have passed (a retried build tells).`;
  return undefined;
}

/** Under a new incident: who takes command? */
export function renderCommanderAsk(incident: Incident): SlackMessage {
  const blocks: KnownBlock[] = [
    section(
      `🚨 *Incident #${incident.id} opened:* ${escapeMrkdwn(incident.title)}\n${incident.roles.commander ? `Commander: ${mention(incident.roles.commander)}` : 'No commander yet. Who takes it?'}`,
    ),
    context(['Commands here attach to this incident: `@buildfix incident status identified`, `… note <text>`, `… role engineer @someone`, `… resolve`']),
    actions([takeCommanderButton(incident)], 'bf-incident-ask'),
  ];
  return { text: `Incident #${incident.id} opened: ${incident.title}`, blocks };
}

/** A plain line in an incident's thread: escaped whole; only buildfix's own mention tokens (src/chat/mentions.ts) go live. */
export function renderThreadNote(text: string): SlackMessage {
  return { text: clip(text, LIMITS.fallbackText), blocks: [section(escapeMrkdwn(text))] };
}

/** A success of the pipeline while its incident is open: offer to resolve. */
export function renderRecovery(incident: Incident, what: string): SlackMessage {
  return {
    text: clip(`${what}. Resolve incident #${incident.id}?`, LIMITS.fallbackText),
    blocks: [
      section(`✅ ${escapeMrkdwn(what)}.\nResolve incident #${incident.id}? Its report and timeline go to the archive.`),
      actions([resolveButton(incident)], 'bf-incident-recovery'),
    ],
  };
}

const ROLE_LABEL: Record<IncidentRole, string> = { commander: 'Commander', engineer: 'Engineer', communicator: 'Communicator' };

function actor(by: string): string {
  return by === 'buildfix' || by === 'ci' ? by : mention(by);
}

/** One timeline entry as an mrkdwn line. */
export function timelineLine(e: TimelineEntry): string {
  return `\`${e.at.replace(/\.\d+Z$/, 'Z')}\` ${actor(e.by)} · ${e.kind} — ${timelineText(e)}`;
}

/** Lines in as few sections as fit, within `maxBlocks`; says how many did not. */
function sections(title: string, lines: string[], maxBlocks: number): KnownBlock[] {
  const out: KnownBlock[] = [];
  let current = title;
  for (let i = 0; i < lines.length; i++) {
    const line = clip(lines[i] ?? '', LIMITS.sectionText - 300);
    if (current.length + line.length + 1 <= LIMITS.sectionText - 100) {
      current = `${current}\n${line}`;
      continue;
    }
    if (out.length + 1 >= maxBlocks) {
      out.push(section(`${current}\n… ${lines.length - i} more in the attached file`));
      return out;
    }
    out.push(section(current));
    current = line;
  }
  out.push(section(current));
  return out;
}

/** The archive message: the post-mortem at a glance, every timeline entry while they fit (the file has them all). */
export function renderIncidentArchive(report: IncidentReport, options: { fileName: string }): SlackMessage {
  const roles = INCIDENT_ROLES.map((r) => `${ROLE_LABEL[r]}: ${report.roles[r] ? mention(report.roles[r]) : '_unassigned_'}`).join(' · ');
  const source = [
    report.source.ci,
    report.source.job,
    report.source.branch ? `branch ${report.source.branch}` : '',
    report.source.commit ? `commit ${report.source.commit.slice(0, 7)}` : '',
  ]
    .filter(Boolean)
    .map((p) => escapeMrkdwn(p ?? ''))
    .join(' · ');
  const facts = [
    `*Summary:* ${report.summary ? escapeMrkdwn(report.summary) : '_none given_'}`,
    `*Root cause:* ${report.rootCause ? `\`${escapeMrkdwn(report.rootCause.category)}\` — ${escapeMrkdwn(report.rootCause.text)}` : '_not recorded_'}${report.identifiedHow ? `\n_How it was identified:_ ${escapeMrkdwn(report.identifiedHow)}` : ''}`,
    `*Fix verification:* ${report.verifiedHow ? escapeMrkdwn(report.verifiedHow) : '_none_'}`,
    `*Roles:* ${roles}`,
    `*Time to diagnose:* ${report.timeToDiagnoseMs !== undefined ? formatDuration(report.timeToDiagnoseMs) : 'not recorded'} · *Time to recover:* ${report.timeToRecoverMs !== undefined ? formatDuration(report.timeToRecoverMs) : 'not recorded'}`,
    `*Source:* ${source || 'manual'}${report.failureCount > 0 ? ` · ${failures(report.failureCount)} grouped` : ''}${report.channel ? ` · thread in <#${report.channel}>` : ''}`,
  ];
  const blocks: KnownBlock[] = [header(`📁 Incident #${report.id} resolved: ${report.title}`), section(facts.join('\n'))];
  const actionLines = report.actions.map((e, i) => `${i + 1}. ${timelineLine(e)}`);
  blocks.push(
    ...(actionLines.length
      ? sections(`*Actions taken (${actionLines.length})*`, actionLines, 8)
      : [section('*Actions taken:* _no buildfix commands or job results were recorded_')]),
  );
  const room = LIMITS.blocksPerMessage - blocks.length - 1;
  blocks.push(...sections(`*Timeline (${report.timeline.length} entries)*`, report.timeline.map(timelineLine), room));
  blocks.push(context([`Full report and timeline attached: \`${escapeMrkdwn(options.fileName)}\``]));
  return { text: clip(`Incident #${report.id} resolved: ${report.title}`, LIMITS.fallbackText), blocks, overflowUnit: 'events' };
}
