/**
 * What the HTTP side hands to the handler side after the ack: plain,
 * structured-clone-safe data (it crosses into the handler thread), one kind
 * per listener.
 */
import type { BlockAction, ButtonAction } from '@slack/bolt';
import type { Command } from '../chat/parse-command.ts';

export type SlackTask =
  | { kind: 'command'; command: Command; userId: string; userName?: string; channelId: string; responseUrl?: string; triggerId?: string }
  | {
      kind: 'mention';
      eventId: string;
      channel: string;
      user?: string;
      text: string;
      ts: string;
      threadTs?: string;
      botUserId?: string;
      retryNum?: number;
      retryReason?: string;
    }
  | { kind: 'button'; body: BlockAction<ButtonAction>; action: ButtonAction };
