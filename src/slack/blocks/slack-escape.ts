/**
 * The last step before anything goes to Slack: text that buildfix did not
 * write itself can never become a mention, a channel ping or a link.
 *
 * - Renderers escape outside text (`escapeMrkdwn`) where they put it into
 *   mrkdwn; markup they build themselves (`<@U…>` from a stored user id, a
 *   link to a build URL they checked) stays as it is.
 * - Plain strings from the router and the incident service may carry
 *   buildfix's mention tokens (src/chat/mentions.ts); they become live
 *   mentions here and nowhere else.
 * - Every mrkdwn text object gets `verbatim: true`, so Slack does not turn a
 *   bare URL, `#channel` or `@here` inside escaped text into a link or ping.
 * - The fallback `text` (notifications) is plain text: it is escaped whole.
 */
import { renderMentions, type MentionKind } from '../../chat/mentions.ts';
import { redactDeep, redactText } from '../../util/redact.ts';

/** Slack mrkdwn control characters: &, < and > must be escaped in text from outside. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function liveMention(kind: MentionKind, id: string): string {
  if (kind === 'user') return `<@${id}>`;
  if (kind === 'channel') return `<#${id}>`;
  return `<!subteam^${id}>`;
}

/** Plain text (with buildfix's mention tokens) → mrkdwn: everything escaped, only the tokens live. */
export function mrkdwnFromPlain(text: string): string {
  return renderMentions(text, { text: escapeMrkdwn, mention: liveMention });
}

/** mrkdwn a renderer built (outside parts already escaped) → final mrkdwn: tokens live, stray token characters dropped. */
export function finalMrkdwn(mrkdwn: string): string {
  return renderMentions(mrkdwn, { text: (s) => s, mention: liveMention });
}

/** plain_text objects show no markup: tokens become "@U…". */
export function finalPlainText(text: string): string {
  return renderMentions(text, { text: (s) => s, mention: (kind, id) => (kind === 'channel' ? `#${id}` : `@${id}`) });
}

/** Walks blocks: mrkdwn objects finalized and marked verbatim, plain_text objects without tokens. Returns a copy. */
export function finalizeBlocks<T>(value: T): T {
  return walk(value) as T;
}

function walk(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(walk);
  if (!value || typeof value !== 'object') return typeof value === 'string' ? finalPlainText(value) : value;
  const obj = value as Record<string, unknown>;
  if (obj.type === 'mrkdwn' && typeof obj.text === 'string') return { ...obj, text: finalMrkdwn(obj.text), verbatim: true };
  if (obj.type === 'plain_text' && typeof obj.text === 'string') return { ...obj, text: finalPlainText(obj.text) };
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) out[k] = walk(v);
  return out;
}

/** The fallback text as sent: plain text, secrets masked, escaped whole (only buildfix's own mention tokens go live). */
export function outgoingText(text: string): string {
  return mrkdwnFromPlain(redactText(text));
}

/** Blocks as sent: secrets masked, mention tokens resolved, mrkdwn marked verbatim. */
export function outgoingBlocks<T>(blocks: T): T {
  return finalizeBlocks(redactDeep(blocks));
}
