/** ChatMessage → Slack message: one renderer per kind, every one within Block Kit's limits. */
import type { ChatMessage } from '../../chat/chat-surface.ts';
import { clip, fitBlocks, LIMITS } from './block-kit.ts';
import { renderConfirm } from './confirm-blocks.ts';
import { renderClusterStatus, renderEnvDiff, renderExplanationBlocks, renderHelpText, renderText } from './misc-blocks.ts';
import { renderResult } from './result-blocks.ts';
import { blocksAsText } from '../outbox/message-budget.ts';
import type { RenderContext, SlackMessage } from './slack-message.ts';
import { renderStatus } from './status-blocks.ts';

export function renderSlackMessage(message: ChatMessage, ctx: RenderContext): SlackMessage {
  let out: SlackMessage;
  switch (message.kind) {
    case 'text':
      out = renderText(message);
      break;
    case 'help':
      out = renderHelpText(message.text);
      break;
    case 'status':
      out = renderStatus(message);
      break;
    case 'result':
      out = renderResult(message.command, message.outcome, message.requestedBy, ctx);
      break;
    case 'envdiff':
      out = renderEnvDiff(message.diff);
      break;
    case 'cluster-status':
      out = renderClusterStatus(message.status, message.preflight, message.drillMaxAgeDays, message.undelivered);
      break;
    case 'confirm':
      out = renderConfirm(message);
      break;
    case 'explanation':
      out = renderExplanationBlocks(message.classification, message.source);
      break;
  }
  const fitted = fitBlocks(out.blocks);
  // Blocks left out are not lost: without a file of the renderer's own, their text becomes the file.
  const file =
    out.file ??
    (fitted.truncated ? { filename: `buildfix-${message.kind}.txt`, title: `Full ${message.kind}`, content: blocksAsText(out.text, out.blocks) } : undefined);
  // The fallback text is what notifications show: never empty, never over the limit.
  return { ...out, text: clip(out.text.trim() || message.kind, LIMITS.fallbackText), blocks: fitted.blocks, ...(file ? { file } : {}) };
}
