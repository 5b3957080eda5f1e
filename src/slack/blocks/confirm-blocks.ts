/**
 * A confirmation asked in the channel: the question and two buttons. The
 * button itself is the answer, so it needs no second dialog; whoever presses
 * it is checked for permission then, not the person who asked.
 */
import type { ChatMessage } from '../../chat/chat-surface.ts';
import { formatCommand } from '../../chat/remediations.ts';
import { guardedActionOf } from '../../chat/permissions.ts';
import { actions, button, context, escapeMrkdwn, mentionUser, section } from './block-kit.ts';
import { ACTION_CANCEL, ACTION_RUN, encodeButtonValue } from './button-value.ts';
import type { SlackMessage } from './slack-message.ts';

type ConfirmMessage = Extract<ChatMessage, { kind: 'confirm' }>;

export function renderConfirm(message: ConfirmMessage): SlackMessage {
  const commandText = formatCommand(message.command);
  const action = guardedActionOf(message.command);
  const value = encodeButtonValue({ k: 'confirm', c: commandText, r: message.requestedBy });
  return {
    text: `Confirm: ${message.prompt}`,
    blocks: [
      section(`❓ ${escapeMrkdwn(message.prompt)}\n\`/buildfix ${escapeMrkdwn(commandText)}\``),
      actions(
        [
          button({ text: message.actionLabel, actionId: ACTION_RUN, value, style: message.command.kind === 'rebuild' ? 'primary' : 'danger' }),
          button({ text: 'Cancel', actionId: ACTION_CANCEL, value }),
        ],
        'bf-confirm',
      ),
      context([`asked by ${mentionUser(message.requestedBy)}`, action ? `only people in \`permissions.${action}\` can confirm` : '']),
    ],
  };
}

/** What replaces the confirmation once answered: the question stays, the buttons go. */
export function renderAnswered(prompt: string, answer: 'confirmed' | 'cancelled', by: string): SlackMessage {
  const mark = answer === 'confirmed' ? '✅' : '🚫';
  const line =
    answer === 'confirmed'
      ? `${mark} Confirmed by ${mentionUser(by)}; running it (progress in the thread).`
      : `${mark} Cancelled by ${mentionUser(by)}; nothing was done.`;
  return { text: `${prompt} — ${answer}`, blocks: [section(`${escapeMrkdwn(prompt)}\n${line}`)] };
}
