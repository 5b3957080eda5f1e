/**
 * `/buildfix …`: parsed before the ack (pure, microseconds), so a usage
 * error or `help` is answered in the ack itself; anything else is acked
 * empty at once and handed to the handler side. Slack needs the ack within
 * 3 s: nothing before it touches Redis, a worker or the Web API.
 */
import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { parseCommand, renderHelp, type Command } from '../../../chat/parse-command.ts';
import { formatCommand } from '../../../chat/remediations.ts';
import { userMessage } from '../../../errors.ts';
import { redactText } from '../../../util/redact.ts';
import { renderHelpText } from '../../blocks/misc-blocks.ts';
import { outgoingBlocks, outgoingText } from '../../blocks/slack-escape.ts';
import { DEDUP_SECONDS, type SlackFront } from '../../slack-front.ts';
import { slackInputText } from '../../slack-input.ts';
import type { SlackTask } from '../../slack-task.ts';

export function buildfixCommandListener(handle: (task: SlackTask) => void) {
  return async ({ command, ack }: SlackCommandMiddlewareArgs & AllMiddlewareArgs): Promise<void> => {
    let parsed: Command;
    try {
      // Slack sends the text escaped (should_escape: true): read it as the person typed it.
      parsed = parseCommand(slackInputText(command.text ?? ''));
    } catch (err) {
      // The usage error quotes what was typed: mask secrets before it is echoed.
      const help = renderHelpText(redactText(userMessage(err)));
      await ack({ response_type: 'ephemeral', text: outgoingText(help.text), blocks: outgoingBlocks(help.blocks) });
      return;
    }
    if (parsed.kind === 'help') {
      const help = renderHelpText(renderHelp(parsed.topic));
      await ack({ response_type: 'ephemeral', text: outgoingText(help.text), blocks: outgoingBlocks(help.blocks) });
      return;
    }
    await ack();
    handle({
      kind: 'command',
      command: parsed,
      userId: command.user_id,
      channelId: command.channel_id,
      ...(command.user_name ? { userName: command.user_name } : {}),
      ...(command.response_url ? { responseUrl: command.response_url } : {}),
      ...(command.trigger_id ? { triggerId: command.trigger_id } : {}),
    });
  };
}

export async function handleSlashCommand(front: SlackFront, task: Extract<SlackTask, { kind: 'command' }>): Promise<void> {
  // Slack does not retry slash commands, but a proxy or a client may resend one: trigger_id is unique per invocation.
  if (task.triggerId && !(await front.store.claim(`command:${task.triggerId}`, DEDUP_SECONDS))) {
    front.logger.info({ trigger: task.triggerId }, 'duplicate slash command ignored');
    return;
  }
  const requester = await front.requester(task.userId, task.userName, task.command);
  const surface = front.surface({ channel: task.channelId, userId: task.userId, responseUrl: task.responseUrl, commandText: formatCommand(task.command) });
  front.logger.info({ user: task.userId, channel: task.channelId, command: task.command.kind }, 'slash command');
  await front.router.dispatch(task.command, requester, surface, { confirmed: false });
}
