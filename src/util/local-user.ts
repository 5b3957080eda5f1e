/** Who is at this terminal, for the records a local command leaves: `local:<OS user>` (the shell's requester, a CLI drill's `by`). */
import { userInfo } from 'node:os';

/** The OS user name; "local" when there is no passwd entry (containers). */
export function localUsername(): string {
  try {
    return userInfo().username || 'local';
  } catch {
    return 'local';
  }
}

/** The requester id of a local user: `local:<OS user>`. */
export function localRequesterId(username = localUsername()): string {
  return `local:${username}`;
}
