/**
 * buildfix's state directory: $XDG_STATE_HOME/buildfix, else ~/.local/state/buildfix (the XDG base
 * directory default); the temp directory when no home can be found.
 */
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

export function buildfixStateDir(env: Record<string, string | undefined>): string {
  let home: string;
  try {
    home = env.HOME || homedir();
  } catch {
    home = tmpdir();
  }
  return join(env.XDG_STATE_HOME || join(home, '.local', 'state'), 'buildfix');
}
