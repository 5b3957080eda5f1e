/**
 * Mentions that buildfix builds itself, kept apart from text that came from
 * outside (webhooks, log lines, notes, command arguments).
 *
 * Router and incident texts are plain strings that mix both: "<ann> is now
 * the commander: <note>". A live Slack mention must only come from a user id
 * buildfix stored, never from the note. So buildfix never writes `<@U…>`
 * into such a text: it writes a token made of two private-use characters
 * around a per-process random key and the id. A surface renders the text by
 * escaping everything and turning only tokens carrying this process's key
 * into mentions (Slack: `<@U…>`; the terminal: `@U…`). Outside text cannot
 * forge a token, because the key is never shown anywhere; a stray private-use
 * character from outside is dropped.
 */
import { randomBytes } from 'node:crypto';

const OPEN = '\uE000';
const CLOSE = '\uE001';
const KEY = randomBytes(6).toString('hex');

export type MentionKind = 'user' | 'channel' | 'group';

const SIGIL: Record<MentionKind, string> = { user: '@', channel: '#', group: '^' };
const KIND_OF: Record<string, MentionKind> = { '@': 'user', '#': 'channel', '^': 'group' };
const ID: Record<MentionKind, RegExp> = { user: /^[UW][A-Z0-9]{2,}$/, channel: /^[CGD][A-Z0-9]{2,}$/, group: /^S[A-Z0-9]{2,}$/ };

const TOKEN = /\uE000([0-9a-f]{12})([@#^])([A-Z0-9]+)\uE001/g;
const STRAY = /[\uE000\uE001]/g;

function token(kind: MentionKind, id: string): string {
  return `${OPEN}${KEY}${SIGIL[kind]}${id}${CLOSE}`;
}

/** A live mention of a stored Slack user id; anything that is not a Slack user id (local:ann, buildfix) stays plain text. */
export function mentionUser(id: string): string {
  return ID.user.test(id) ? token('user', id) : id;
}

/** A channel link from a stored channel id. */
export function mentionChannel(id: string): string {
  return ID.channel.test(id) ? token('channel', id) : id;
}

/** A user-group mention from a configured group id (S…). */
export function mentionGroup(id: string): string {
  return ID.group.test(id) ? token('group', id) : id;
}

export interface MentionStyle {
  /** Applied to every piece of text around the mentions (e.g. Slack's mrkdwn escaping). */
  text(s: string): string;
  mention(kind: MentionKind, id: string): string;
}

/** Renders a text with buildfix's mention tokens: outside text through style.text, tokens of this process as mentions. */
export function renderMentions(text: string, style: MentionStyle): string {
  let out = '';
  let last = 0;
  for (const m of text.matchAll(TOKEN)) {
    const [whole, key, sigil, id] = m;
    const kind = KIND_OF[sigil ?? ''];
    if (key !== KEY || !kind || !id || !ID[kind].test(id)) continue;
    out += style.text(text.slice(last, m.index).replace(STRAY, '')) + style.mention(kind, id);
    last = m.index + whole.length;
  }
  return out + style.text(text.slice(last).replace(STRAY, ''));
}

/** For plain-text surfaces (terminal, files, logs): @U…, #C…, ^S…. */
export function plainMentions(text: string): string {
  return renderMentions(text, { text: (s) => s, mention: (kind, id) => `${SIGIL[kind] === '^' ? '@' : SIGIL[kind]}${id}` });
}

/** True when the text carries at least one of this process's mention tokens. */
export function hasMentionTokens(text: string): boolean {
  return text.includes(OPEN);
}
