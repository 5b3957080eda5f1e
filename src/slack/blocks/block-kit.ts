/**
 * Block Kit building blocks that respect Slack's limits by construction:
 * every text is escaped for mrkdwn and clipped with a visible note, so a
 * renderer can never produce a message Slack rejects (invalid_blocks,
 * msg_too_long). Limits are from @slack/types and Slack's block reference.
 */
import type { types as SlackTypes } from '@slack/bolt';
import { escapeMrkdwn, finalPlainText } from './slack-escape.ts';

export type KnownBlock = SlackTypes.KnownBlock;
export type Button = SlackTypes.Button;
export type ContextElement = SlackTypes.ContextBlock['elements'][number];

export const LIMITS = {
  blocksPerMessage: 50,
  sectionText: 3000,
  headerText: 150,
  contextElements: 10,
  contextText: 2000,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  actionId: 255,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  /** Top-level `text` (notification fallback); Slack truncates past 40 000. */
  fallbackText: 3000,
} as const;

export const TRUNCATED_NOTE = '… (truncated)';

export { escapeMrkdwn };

/** Clips to max characters (code points), ending with a note that says so. */
export function clip(text: string, max: number, note: string = TRUNCATED_NOTE): string {
  if (text.length <= max) return text;
  const room = Math.max(0, max - note.length);
  let cut = text.slice(0, room);
  // never split a surrogate pair
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}${note}`;
}

/** A fenced code block whose content is escaped and clipped so the fences survive. */
export function codeBlock(text: string, max: number = LIMITS.sectionText): string {
  // Inside code nothing is live: buildfix's own mention tokens are shown as @U… too.
  const body = escapeMrkdwn(finalPlainText(text).replace(/```/g, 'ʼʼʼ')).replace(/\s+$/, '');
  const fenced = (s: string): string => `\`\`\`\n${s}\n\`\`\``;
  if (fenced(body).length <= max) return fenced(body);
  return fenced(clip(body, max - 8, `\n${TRUNCATED_NOTE}`));
}

/** Last `max` characters of a log-like text, cut at a line start, saying what was left out. */
export function tail(text: string, max: number): string {
  if (text.length <= max) return text;
  const note = '… (earlier lines omitted)\n';
  let cut = text.slice(text.length - (max - note.length));
  const nl = cut.indexOf('\n');
  if (nl >= 0 && nl < cut.length - 1) cut = cut.slice(nl + 1);
  return `${note}${cut}`;
}

export function section(mrkdwn: string, blockId?: string): KnownBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: clip(mrkdwn || ' ', LIMITS.sectionText) }, ...(blockId ? { block_id: blockId } : {}) };
}

export function header(text: string): KnownBlock {
  return { type: 'header', text: { type: 'plain_text', text: clip(text || ' ', LIMITS.headerText), emoji: true } };
}

export function divider(): KnownBlock {
  return { type: 'divider' };
}

/** A context block: at most 10 elements, each clipped. */
export function context(parts: string[]): KnownBlock {
  const shown = parts.filter((p) => p.trim() !== '');
  const elements: ContextElement[] = shown.slice(0, LIMITS.contextElements).map((p) => ({ type: 'mrkdwn', text: clip(p, LIMITS.contextText) }));
  if (elements.length === 0) elements.push({ type: 'mrkdwn', text: ' ' });
  return { type: 'context', elements };
}

export interface ButtonSpec {
  text: string;
  actionId: string;
  value: string;
  style?: 'primary' | 'danger';
  confirm?: { title: string; text: string; confirm: string; deny: string; style?: 'primary' | 'danger' };
}

export function button(spec: ButtonSpec): Button {
  if (spec.value.length > LIMITS.buttonValue) throw new RangeError(`button value is ${spec.value.length} characters; Slack allows ${LIMITS.buttonValue}`);
  const b: Button = {
    type: 'button',
    text: { type: 'plain_text', text: clip(spec.text, LIMITS.buttonText, '…'), emoji: true },
    action_id: spec.actionId.slice(0, LIMITS.actionId),
    value: spec.value,
  };
  if (spec.style) b.style = spec.style;
  if (spec.confirm) {
    b.confirm = {
      title: { type: 'plain_text', text: clip(spec.confirm.title, LIMITS.confirmTitle, '…') },
      text: { type: 'plain_text', text: clip(spec.confirm.text, LIMITS.confirmText, '…') },
      confirm: { type: 'plain_text', text: clip(spec.confirm.confirm, LIMITS.confirmButton, '…') },
      deny: { type: 'plain_text', text: clip(spec.confirm.deny, LIMITS.confirmButton, '…') },
      ...(spec.confirm.style ? { style: spec.confirm.style } : {}),
    };
  }
  return b;
}

export function actions(buttons: Button[], blockId?: string): KnownBlock {
  return { type: 'actions', elements: buttons.slice(0, LIMITS.actionsElements), ...(blockId ? { block_id: blockId } : {}) };
}

/**
 * Enforces the 50-block limit: keeps the first blocks and any trailing
 * actions block (the buttons matter most), and says how many were left out.
 */
export function fitBlocks(blocks: KnownBlock[], omittedNote = 'the full output is attached in this thread'): { blocks: KnownBlock[]; truncated: boolean } {
  if (blocks.length <= LIMITS.blocksPerMessage) return { blocks, truncated: false };
  const last = blocks[blocks.length - 1];
  const keepActions = last?.type === 'actions';
  const room = LIMITS.blocksPerMessage - 1 - (keepActions ? 1 : 0);
  const kept = blocks.slice(0, room);
  const omitted = blocks.length - room - (keepActions ? 1 : 0);
  kept.push(context([`… ${omitted} more block${omitted === 1 ? '' : 's'} not shown: ${omittedNote}`]));
  if (keepActions && last) kept.push(last);
  return { blocks: kept, truncated: true };
}

/** "1.2 s" / "38 ms". */
export function formatMs(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '';
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

/** Slack user mention for a user id; other requesters (local:…) as plain text. */
export function mentionUser(id: string | undefined): string {
  if (!id) return 'someone';
  return /^[UW][A-Z0-9]{2,}$/.test(id) ? `<@${id}>` : escapeMrkdwn(id);
}
