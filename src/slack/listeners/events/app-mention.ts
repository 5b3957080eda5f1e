/**
 * `@buildfix diagnose payments` in a channel or a thread: the same grammar
 * as the slash command (Slack does not deliver slash commands typed in a
 * thread). In a thread the replies join that thread; in a channel the
 * mention itself becomes the thread. Bolt acks events before listeners run;
 * redeliveries (X-Slack-Retry-Num) are dropped by event_id through the store.
 */
import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import { parseCommand, type Command } from '../../../chat/parse-command.ts';
import { DEDUP_SECONDS, type SlackFront } from '../../slack-front.ts';
import { slackInputText } from '../../slack-input.ts';
import type { SlackTask } from '../../slack-task.ts';

/** The text after the bot's mention ("<@UBOT> diagnose x" → "diagnose x"); the first mention when the bot's id is unknown. */
export function stripMention(text: string, botUserId: string | undefined): string {
  const mention = botUserId ? new RegExp(`<@${botUserId}(?:\\|[^>]*)?>`) : /<@[UW][A-Z0-9]+(?:\|[^>]*)?>/;
  const m = mention.exec(text);
  return (m ? text.slice(m.index + m[0].length) : text).replace(/^[\s:,]+/, '').trim();
}

export function appMentionListener(handle: (task: SlackTask) => void) {
  return async ({ event, body, context }: SlackEventMiddlewareArgs<'app_mention'> & AllMiddlewareArgs): Promise<void> => {
    handle({
      kind: 'mention',
      eventId: (body as { event_id?: string }).event_id ?? `${event.channel}:${event.ts}`,
      channel: event.channel,
      text: event.text ?? '',
      ts: event.ts,
      ...(event.user ? { user: event.user } : {}),
      ...(event.thread_ts ? { threadTs: event.thread_ts } : {}),
      ...(context.botUserId ? { botUserId: context.botUserId } : {}),
      ...(context.retryNum !== undefined ? { retryNum: context.retryNum } : {}),
      ...(context.retryReason ? { retryReason: context.retryReason } : {}),
    });
  };
}

export async function handleMention(front: SlackFront, task: Extract<SlackTask, { kind: 'mention' }>): Promise<void> {
  if (!(await front.store.claim(`event:${task.eventId}`, DEDUP_SECONDS))) {
    front.logger.info({ eventId: task.eventId, retryNum: task.retryNum, retryReason: task.retryReason }, 'duplicate event delivery ignored');
    return;
  }
  if (!task.user) return;
  const text = slackInputText(stripMention(task.text, task.botUserId ?? front.identity?.userId));
  const threadTs = task.threadTs ?? task.ts;
  const surface = front.surface({ channel: task.channel, threadTs, userId: task.user, commandText: text });
  let parsed: Command | undefined;
  try {
    parsed = parseCommand(text);
  } catch {
    parsed = undefined;
  }
  front.logger.info({ user: task.user, channel: task.channel, command: parsed?.kind ?? '(unparsed)', inThread: task.threadTs !== undefined }, 'app mention');
  const requester = parsed ? await front.requester(task.user, undefined, parsed) : { userId: task.user };
  await front.router.handle(text, requester, surface);
}
