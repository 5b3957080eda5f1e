/** Wires every listener to the Bolt app: one slash command, mentions, buttons (commands and incidents), and the error handler. */
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { Logger } from '../../logger.ts';
import { ACTION_PATTERN } from '../blocks/button-value.ts';
import { INCIDENT_ACTION_PATTERN } from '../blocks/incident-blocks.ts';
import type { SlackTask } from '../slack-task.ts';
import { incidentActionListener } from './actions/incident-actions.ts';
import { runCommandActionListener } from './actions/run-command-action.ts';
import { buildfixCommandListener } from './commands/buildfix-command.ts';
import { appMentionListener } from './events/app-mention.ts';

/** `handle` receives the work left after the ack (run inline or in the handler thread). */
export function registerListeners(app: App, handle: (task: SlackTask) => void, logger: Logger): void {
  // Any slash command pointed at this app is the buildfix grammar (the manifest names it /buildfix).
  app.command(/^\/.+/, buildfixCommandListener(handle));
  app.event('app_mention', appMentionListener(handle));
  app.action<BlockAction<ButtonAction>>({ type: 'block_actions', action_id: ACTION_PATTERN }, runCommandActionListener(handle));
  app.action<BlockAction<ButtonAction>>({ type: 'block_actions', action_id: INCIDENT_ACTION_PATTERN }, incidentActionListener(handle));
  // Other interactions (old messages, link buttons) are acknowledged so Slack shows no error.
  app.action(/^(?!bf-)/, async ({ ack }) => {
    await ack();
  });
  app.error(async (error) => {
    logger.error({ err: error }, 'Bolt listener error');
  });
}
