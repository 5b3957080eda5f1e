/**
 * Button presses: a confirmation's "Restart agent-03" / "Cancel", or a
 * remediation offered under a result. The command is re-parsed from the
 * button and checked against the person who pressed it (not the one who
 * asked). A confirmation is answered once, whoever presses first on any
 * replica; a remediation press is absorbed for a few seconds against
 * double clicks. The work joins the thread the button sits in.
 */
import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { confirmPrompt } from '../../../chat/command-router.ts';
import { parseCommand, type Command } from '../../../chat/parse-command.ts';
import { describeAllowed, guardedActionOf, isAllowed } from '../../../chat/permissions.ts';
import { userMessage } from '../../../errors.ts';
import { ACTION_CANCEL, decodeButtonValue } from '../../blocks/button-value.ts';
import { renderAnswered } from '../../blocks/confirm-blocks.ts';
import { DEDUP_SECONDS, type SlackFront } from '../../slack-front.ts';
import type { SlackTask } from '../../slack-task.ts';

/** A remediation button pressed again within this window does nothing. */
const REMEDY_WINDOW_SECONDS = 30;
/** A confirmation's answer is remembered this long. */
const ANSWER_SECONDS = 7 * 24 * 3600;

export async function handleButton(front: SlackFront, body: BlockAction<ButtonAction>, action: ButtonAction): Promise<void> {
  const log = front.logger.child({ user: body.user.id, action: action.action_id });
  if (!(await front.store.claim(`action:${body.trigger_id || action.action_ts}`, DEDUP_SECONDS))) {
    log.info('duplicate interaction delivery ignored');
    return;
  }
  const value = decodeButtonValue(action.value);
  const channel = body.channel?.id ?? (body.container.channel_id as string | undefined);
  const messageTs = body.message?.ts ?? (body.container.message_ts as string | undefined);
  if (!value || !channel || !messageTs) {
    log.warn('button without a buildfix value or a message; ignored');
    return;
  }
  const threadTs = (body.message?.thread_ts as string | undefined) ?? messageTs;
  const surface = front.surface({ channel, threadTs, userId: body.user.id, responseUrl: body.response_url, commandText: value.c });
  let command: Command;
  try {
    command = parseCommand(value.c);
  } catch (err) {
    await surface.whisper({ kind: 'help', text: userMessage(err) });
    return;
  }
  // "Retry through another GOPROXY": the override rides along for the rebuild handler (jobs.<job>.goproxyParam).
  if (value.g && command.kind === 'rebuild') command = Object.assign(command, { goproxy: value.g });

  const requester = await front.requester(body.user.id, body.user.username ?? body.user.name, command);
  const guarded = guardedActionOf(command);
  if (guarded && !isAllowed(front.config, guarded, requester)) {
    log.info({ guarded }, 'button refused: the person who pressed it may not do this');
    await surface.whisper({ kind: 'text', tone: 'error', text: `You may not ${guarded} here. Who may: ${describeAllowed(front.config, guarded)}.` });
    return;
  }

  if (value.k === 'confirm') {
    if (!(await front.store.claim(`answered:${channel}:${messageTs}`, ANSWER_SECONDS))) {
      await surface.whisper({ kind: 'text', tone: 'info', text: 'This was already answered.' });
      return;
    }
    const cancelled = action.action_id.startsWith(ACTION_CANCEL);
    const answered = renderAnswered(confirmPrompt(command, front.config), cancelled ? 'cancelled' : 'confirmed', body.user.id);
    await front.outbox
      .update({ channel, ts: messageTs, message: answered })
      .catch((err: unknown) => log.warn({ err }, 'could not mark the confirmation answered'));
    log.info({ command: value.c, cancelled, requestedBy: value.r }, cancelled ? 'confirmation cancelled' : 'confirmation accepted');
    if (cancelled) return;
  } else if (!(await front.store.claim(`remedy:${channel}:${messageTs}:${action.action_id}`, REMEDY_WINDOW_SECONDS))) {
    await surface.whisper({ kind: 'text', tone: 'info', text: 'That button was pressed moments ago; it is already running (see the thread).' });
    return;
  } else log.info({ command: value.c }, 'remediation button pressed');

  await front.router.dispatch(command, requester, surface, { confirmed: true });
}

export function runCommandActionListener(handle: (task: SlackTask) => void) {
  return async ({ ack, body, action }: SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs): Promise<void> => {
    await ack();
    handle({ kind: 'button', body, action });
  };
}
