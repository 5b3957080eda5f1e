/**
 * Who may run what. Read commands (diagnose, probe, modules, hostcheck,
 * envdiff, status) are for everyone; actions with side effects need the
 * requester's user id or one of their user groups in `permissions.<action>`
 * ("*" = everyone). The terminal's own user is trusted, as when running the
 * command by hand, but still confirms.
 */
import type { FileConfig } from '../config/schema.ts';
import type { Command } from './parse-command.ts';
import type { Requester } from './chat-surface.ts';
import { mentionGroup, mentionUser } from './mentions.ts';

export type GuardedAction = keyof FileConfig['permissions'];

export function guardedActionOf(command: Command): GuardedAction | undefined {
  switch (command.kind) {
    case 'restart':
      return 'restart';
    case 'rebuild':
      return 'rebuild';
    case 'rollback':
      return 'rollback';
    case 'cache-clear':
    case 'cache-warm':
      return 'cache';
    case 'drill':
      return 'drill';
    default:
      return undefined;
  }
}

export function isAllowed(config: Pick<FileConfig, 'permissions'>, action: GuardedAction, requester: Requester): boolean {
  if (requester.local) return true;
  const allowed = config.permissions[action];
  return allowed.includes('*') || allowed.includes(requester.userId) || (requester.groups ?? []).some((g) => allowed.includes(g));
}

/** Who may, as mentions built from the configured ids (src/chat/mentions.ts): live in Slack, "@U1" in a terminal. */
export function describeAllowed(config: Pick<FileConfig, 'permissions'>, action: GuardedAction): string {
  const allowed = config.permissions[action];
  if (allowed.length === 0) return `nobody yet: add Slack user or user-group ids to permissions.${action} in the config file`;
  if (allowed.includes('*')) return 'everyone';
  return allowed.map((id) => (id.startsWith('S') ? mentionGroup(id) : mentionUser(id))).join(', ');
}

/** Commands that change something: they are confirmed before they run. */
export function needsConfirmation(command: Command): boolean {
  return guardedActionOf(command) !== undefined;
}
