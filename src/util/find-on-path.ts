/** exec.LookPath for a bare name: the first executable file called `name` in a PATH value. */
import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';

export async function findOnPath(name: string, pathEnv: string | undefined): Promise<string | undefined> {
  for (const dir of (pathEnv ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}
