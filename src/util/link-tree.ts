/**
 * Mirrors a directory tree into another with hard links (copies when the two
 * are on different file systems) for the files `linkIf` accepts and copies
 * for the others, so a process can read the source's files and add its own
 * without writing into the source: new files land in the mirror's own
 * directories, and files it might rewrite in place should be copies (a write
 * through a hard link would change the source). Symbolic links and the names
 * `skip` rejects are left out.
 */
import { copyFile, link, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';

export interface LinkTreeResult {
  files: number;
  copied: number;
}

export interface LinkTreeOptions {
  /** Hard-link these files (default: all); the others are copied. */
  linkIf?: (name: string) => boolean;
  /** Leave these names (files or directories) out. */
  skip?: (name: string) => boolean;
  signal?: AbortSignal;
}

export async function linkTree(from: string, to: string, options: LinkTreeOptions = {}): Promise<LinkTreeResult> {
  const { linkIf = () => true, skip = () => false, signal } = options;
  const out: LinkTreeResult = { files: 0, copied: 0 };
  let canLink = true;
  const walk = async (src: string, dst: string): Promise<void> => {
    signal?.throwIfAborted();
    await mkdir(dst, { recursive: true });
    for (const entry of await readdir(src, { withFileTypes: true })) {
      if (skip(entry.name)) continue;
      const s = join(src, entry.name);
      const d = join(dst, entry.name);
      if (entry.isDirectory()) await walk(s, d);
      else if (entry.isFile()) {
        out.files++;
        if (canLink && linkIf(entry.name)) {
          try {
            await link(s, d);
            continue;
          } catch (err) {
            const code = (err as NodeJS.ErrnoException).code;
            if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'EMLINK') throw err;
            canLink = false;
          }
        }
        await copyFile(s, d);
        out.copied++;
      }
    }
  };
  await walk(from, to);
  return out;
}
