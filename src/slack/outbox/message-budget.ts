/**
 * Fits a message into what Slack accepts: every block within its own limits
 * (Block Kit reference, @slack/types), at most 50 blocks, and the blocks as a
 * whole within a text budget measured on the JSON that is actually sent
 * (escaped, mentions resolved). Slack refuses more than about 12,000
 * characters of block text with msg_blocks_too_long even when each block is
 * within its limit (bolt-js #2509, #2867), so the default budget is 11,000.
 *
 * What does not fit is cut line by line from the end (buttons stay), counted,
 * and summarised in a note: "… and 143 more events — the full text is in
 * the attached file". The file is the renderer's full output when it has
 * one, else the text of every original block.
 */
import { plainMentions } from '../../chat/mentions.ts';
import { clip, context, fitBlocks, LIMITS, type KnownBlock } from '../blocks/block-kit.ts';
import { escapeMrkdwn, outgoingBlocks } from '../blocks/slack-escape.ts';
import type { SlackFile, SlackMessage } from '../blocks/slack-message.ts';
import { decodeEntities } from '../slack-input.ts';

/** Room kept for the summary note when a message is cut. */
const NOTE_RESERVE = 400;
/** The smallest budget a retry after a refusal goes down to before the minimal form. */
export const MIN_BUDGET = 1500;

export interface FittedMessage {
  text: string;
  blocks: KnownBlock[];
  /** Lines (or blocks) left out of the blocks; 0 when everything fit. */
  omitted: number;
  /** True when anything was left out or clipped: the full content must go in a file. */
  cut: boolean;
  /** The full content: the renderer's file, or the text of every block before the cut. */
  file?: SlackFile;
}

/** The size Slack measures, on what is sent: the blocks' JSON after escaping and mention resolution. */
export function blocksSize(blocks: readonly unknown[]): number {
  return JSON.stringify(outgoingBlocks(blocks)).length;
}

// Block Kit JSON of any block type: fields are read and copied, never trusted.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyBlock = Record<string, any>;

function clipText<T extends { text?: unknown }>(o: T | undefined, max: number): T | undefined {
  if (!o || typeof o.text !== 'string' || o.text.length <= max) return o;
  return { ...o, text: clip(o.text, max) };
}

/** Each block within its own limits (texts clipped with a note, lists shortened); the 50-block cap kept. */
export function withinBlockLimits(blocks: readonly KnownBlock[]): { blocks: KnownBlock[]; clipped: boolean } {
  let clipped = false;
  const out = blocks.map((block) => {
    const b = { ...(block as AnyBlock) };
    const before = JSON.stringify(b).length;
    if (typeof b.block_id === 'string' && b.block_id.length > 255) b.block_id = b.block_id.slice(0, 255);
    if (b.type === 'section') {
      b.text = clipText(b.text, LIMITS.sectionText);
      if (Array.isArray(b.fields)) b.fields = b.fields.slice(0, 10).map((f: AnyBlock) => clipText(f, 2000));
    } else if (b.type === 'header') b.text = clipText(b.text, LIMITS.headerText);
    else if (b.type === 'context' && Array.isArray(b.elements))
      b.elements = b.elements.slice(0, LIMITS.contextElements).map((e: AnyBlock) => clipText(e, LIMITS.contextText));
    else if (b.type === 'actions' && Array.isArray(b.elements)) b.elements = b.elements.slice(0, LIMITS.actionsElements);
    if (JSON.stringify(b).length !== before) clipped = true;
    return b as KnownBlock;
  });
  const fitted = fitBlocks(out);
  return { blocks: fitted.blocks, clipped: clipped || fitted.truncated };
}

const MORE = /^…\s*(?:and\s+)?(\d+)\s+more\b/;

/** Items a removed line stands for: a note "… 40 more …" counts its 40, a title none, any other line one. */
function itemsIn(line: string): number {
  const t = line.trim();
  if (!t) return 0;
  const more = MORE.exec(t);
  if (more) return Number(more[1]);
  if (/^\*[^*]+\*:?$/.test(t) || /^\*[^*]+:\*$/.test(t) || t === '```') return 0;
  return 1;
}

function sectionLines(b: AnyBlock): string[] | undefined {
  if (b.type !== 'section' || typeof b.text?.text !== 'string' || b.text.text.includes('```')) return undefined;
  return (b.text.text as string).split('\n');
}

/** Items a dropped block stood for: its lines; a context block (a note, the facts line) only the counts in its notes. */
function blockItems(b: AnyBlock): number {
  if (b.type === 'context') {
    const notes = (Array.isArray(b.elements) ? b.elements : []).map((e: AnyBlock) => (typeof e?.text === 'string' ? MORE.exec(e.text.trim()) : null));
    return notes.reduce((n: number, m: RegExpExecArray | null) => n + (m ? Number(m[1]) : 0), 0);
  }
  const texts: string[] = [];
  if (typeof b.text?.text === 'string') texts.push(b.text.text);
  for (const e of Array.isArray(b.elements) ? b.elements : []) if (typeof e?.text === 'string') texts.push(e.text);
  for (const f of Array.isArray(b.fields) ? b.fields : []) if (typeof f?.text === 'string') texts.push(f.text);
  return (
    texts
      .join('\n')
      .split('\n')
      .reduce((n, l) => n + itemsIn(l), 0) || (b.type === 'divider' ? 0 : 1)
  );
}

/** The shown text of blocks as plain text, for the file when a renderer gave none. */
export function blocksAsText(text: string, blocks: readonly KnownBlock[]): string {
  const out: string[] = [plainMentions(text)];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as AnyBlock;
      if ((o.type === 'mrkdwn' || o.type === 'plain_text') && typeof o.text === 'string') {
        const shown = plainMentions(o.text)
          .replace(/<([^<>|]+)\|([^<>]*)>/g, '$2 ($1)')
          .replace(/<([^<>]+)>/g, '$1');
        out.push(o.type === 'mrkdwn' ? decodeEntities(shown) : shown);
      } else Object.values(o).forEach(walk);
    }
  };
  walk(blocks);
  return `${out.join('\n\n')}\n`;
}

/**
 * Cuts `message` to `budget` characters of blocks. Blocks at the start stay
 * (the headline, the root cause); the last blocks lose lines first; a trailing
 * actions block (the buttons) always stays.
 */
export function fitMessage(message: SlackMessage, budget: number, unit = message.overflowUnit ?? 'lines'): FittedMessage {
  const text = clip(message.text.trim() || ' ', LIMITS.fallbackText);
  const limited = withinBlockLimits(message.blocks);
  const blocks = limited.blocks.map((b) => ({ ...(b as AnyBlock) }));
  const fullFile = (): SlackFile =>
    message.file ?? {
      filename: 'buildfix-message.txt',
      title: clip(text.split('\n')[0] ?? 'buildfix', 200, '…'),
      content: blocksAsText(message.text, message.blocks),
    };
  if (blocksSize(blocks) <= budget) {
    return { text, blocks: blocks as KnownBlock[], omitted: 0, cut: limited.clipped, ...(limited.clipped || message.file ? { file: fullFile() } : {}) };
  }
  const trailing = blocks.at(-1)?.type === 'actions' ? blocks.pop() : undefined;
  const target = budget - NOTE_RESERVE - (trailing ? blocksSize([trailing]) : 0);
  let omitted = 0;
  for (let size = blocksSize(blocks); size > target && blocks.length > 0; size = blocksSize(blocks)) {
    const last = blocks[blocks.length - 1] as AnyBlock;
    const lines = blocks.length > 1 || (sectionLines(last)?.length ?? 0) > 1 ? sectionLines(last) : undefined;
    if (lines && lines.length > 1) {
      let over = size - target;
      while (lines.length > 1 && over > 0) {
        const line = lines.pop() ?? '';
        over -= JSON.stringify(line).length;
        omitted += itemsIn(line);
      }
      last.text = { ...last.text, text: lines.join('\n') };
      if (lines.length === 1 && blocks.length > 1 && blocksSize(blocks) > target) {
        blocks.pop();
        omitted += itemsIn(lines[0] ?? '');
      }
      continue;
    }
    if (blocks.length === 1) {
      // one block bigger than the whole budget: clip it
      if (last.text && typeof last.text.text === 'string')
        last.text = { ...last.text, text: clip(last.text.text, Math.max(200, last.text.text.length - (size - target) - 50)) };
      omitted = Math.max(omitted, 1);
      break;
    }
    blocks.pop();
    omitted += blockItems(last);
  }
  const note = context([`… and ${omitted} more ${unit} not shown here — the full text is in the attached file`]);
  const out = [...blocks, note, ...(trailing ? [trailing] : [])] as KnownBlock[];
  return { text, blocks: out, omitted, cut: true, file: fullFile() };
}

/** The smallest form that always goes through: the headline, a note, the buttons. */
export function minimalMessage(message: SlackMessage): FittedMessage {
  const text = clip(message.text.trim() || ' ', LIMITS.fallbackText);
  const last = message.blocks.at(-1) as AnyBlock | undefined;
  const trailing = last?.type === 'actions' ? withinBlockLimits([last as KnownBlock]).blocks : [];
  const blocks: KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: clip(escapeMrkdwn(text), 1500) } },
    context(['The full message did not fit in Slack: it is in the attached file.']),
    ...trailing,
  ];
  return {
    text,
    blocks,
    omitted: message.blocks.length,
    cut: true,
    file: message.file ?? {
      filename: 'buildfix-message.txt',
      title: clip(text.split('\n')[0] ?? 'buildfix', 200, '…'),
      content: blocksAsText(message.text, message.blocks),
    },
  };
}
