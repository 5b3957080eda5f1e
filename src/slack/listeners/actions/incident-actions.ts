/**
 * Incident buttons (Take commander, Resolve, Fixed): a press is handled exactly as
 * if the presser had typed the command in the incident's thread
 * (`@buildfix incident role commander @me #12`, `… incident resolve #12`),
 * so it runs through the same router, permission checks, timeline and
 * replies. It becomes a mention task keyed by the press's trigger id, which
 * deduplicates a redelivered press.
 */
import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { ACTION_INCIDENT_COMMANDER, ACTION_INCIDENT_FIXED, ACTION_INCIDENT_RESOLVE, decodeIncidentButton } from '../../blocks/incident-blocks.ts';
import type { SlackTask } from '../../slack-task.ts';

/** The command a press stands for, as grammar text; undefined for a button that is not an incident button. */
export function incidentButtonCommand(actionId: string, userId: string, incidentId: number): string | undefined {
  if (!/^[UW][A-Z0-9]{2,}$/.test(userId)) return undefined;
  if (actionId === ACTION_INCIDENT_COMMANDER) return `incident role commander ${userId} #${incidentId}`;
  if (actionId === ACTION_INCIDENT_RESOLVE) return `incident resolve #${incidentId}`;
  // The note starts with "fixed", which starts verifying the fix (src/incidents/fix-verification.ts).
  if (actionId === ACTION_INCIDENT_FIXED) return `incident note fixed (Fixed button) #${incidentId}`;
  return undefined;
}

export function incidentActionTask(body: BlockAction<ButtonAction>, action: ButtonAction): SlackTask | undefined {
  const incidentId = decodeIncidentButton(action.value);
  const channel = body.channel?.id ?? (body.container.channel_id as string | undefined);
  const messageTs = body.message?.ts ?? (body.container.message_ts as string | undefined);
  if (incidentId === undefined || !channel || !messageTs) return undefined;
  const text = incidentButtonCommand(action.action_id, body.user.id, incidentId);
  if (!text) return undefined;
  return {
    kind: 'mention',
    eventId: `incident-button:${body.trigger_id || `${channel}:${messageTs}:${action.action_ts}`}`,
    channel,
    user: body.user.id,
    text,
    ts: messageTs,
    // The button sits in the incident's thread, or is its root (the alert).
    threadTs: (body.message?.thread_ts as string | undefined) ?? messageTs,
  };
}

export function incidentActionListener(handle: (task: SlackTask) => void) {
  return async ({ ack, body, action }: SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs): Promise<void> => {
    await ack();
    const task = incidentActionTask(body, action);
    if (task) handle(task);
  };
}
