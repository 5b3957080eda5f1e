/** The one status message of a command: edited in place as progress arrives (chat.update). */
import type { ChatMessage } from '../../chat/chat-surface.ts';
import { codeBlock, context, escapeMrkdwn, formatMs, mentionUser, section, tail } from './block-kit.ts';
import type { SlackMessage } from './slack-message.ts';

type StatusMessage = Extract<ChatMessage, { kind: 'status' }>;

const STATE: Record<StatusMessage['state'], { mark: string; word: string }> = {
  queued: { mark: '⏳', word: 'queued' },
  running: { mark: '🔄', word: 'running' },
  done: { mark: '✅', word: 'done' },
  failed: { mark: '❌', word: 'failed' },
};
const MARK: Record<string, string> = { pass: '✓', fail: '✗', warn: '!', skip: '-', error: '✗', info: 'i', running: '…' };
const MAX_LINES = 15;

export function renderStatus(message: StatusMessage): SlackMessage {
  const s = STATE[message.state];
  const blocks = [section(`${s.mark} *${escapeMrkdwn(message.title)}* — ${s.word}${message.host ? ` on \`${escapeMrkdwn(message.host)}\`` : ''}`)];
  if (message.lines.length > 0) {
    const shown = message.lines.slice(-MAX_LINES);
    const text = shown
      .map((l) => `${l.status ? (MARK[l.status] ?? ' ') : '…'} ${l.message}${l.durationMs !== undefined ? ` (${formatMs(l.durationMs)})` : ''}`)
      .join('\n');
    const skipped = message.lines.length - shown.length;
    blocks.push(section(codeBlock((skipped > 0 ? `… ${skipped} earlier steps\n` : '') + tail(text, 2500))));
  }
  blocks.push(
    context([
      message.requestedBy ? `asked by ${mentionUser(message.requestedBy)}` : '',
      ...(message.jobId ? [`job \`${escapeMrkdwn(message.jobId)}\``] : []),
      message.state === 'done' || message.state === 'failed' ? 'result in the thread' : 'updates here as it runs',
    ]),
  );
  return { text: `${s.mark} ${message.title} — ${s.word}`, blocks };
}
