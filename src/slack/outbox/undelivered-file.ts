/**
 * The undelivered-post log without Redis (in-process mode): one JSON line per
 * post given up on, in $XDG_STATE_HOME/buildfix/undelivered.jsonl
 * (~/.local/state/buildfix/undelivered.jsonl), so a restart of `buildfix
 * serve` does not forget them and `buildfix status` on the same machine lists
 * them. Kept like the Redis list: the newest UNDELIVERED_KEEP, 30 days. When
 * the file cannot be written the entry is still kept in memory (and the error
 * log line was written anyway).
 */
import { appendFile, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { buildfixStateDir } from '../../util/state-dir.ts';
import { dirname, join } from 'node:path';
import { MemoryUndeliveredLog, UNDELIVERED_KEEP, type UndeliveredLog, type UndeliveredPost } from './undelivered.ts';

const KEEP_MS = 30 * 86_400_000;
/** The file is compacted (old and surplus entries dropped) once it grows past this. */
const COMPACT_BYTES = 256 * 1024;

export function undeliveredFilePath(env: Record<string, string | undefined>): string {
  return join(buildfixStateDir(env), 'undelivered.jsonl');
}

function parseLines(text: string, now: number): UndeliveredPost[] {
  const out: UndeliveredPost[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const v = JSON.parse(line) as Partial<UndeliveredPost>;
      if (typeof v.at === 'string' && typeof v.channel === 'string' && typeof v.reason === 'string' && now - Date.parse(v.at) <= KEEP_MS)
        out.push(v as UndeliveredPost);
    } catch {
      /* a torn line: skipped */
    }
  }
  return out;
}

export class FileUndeliveredLog implements UndeliveredLog {
  readonly path: string;
  readonly #memory = new MemoryUndeliveredLog();
  #fileFailed = false;

  constructor(path: string) {
    this.path = path;
  }

  async record(post: UndeliveredPost): Promise<void> {
    await this.#memory.record(post);
    try {
      await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
      // One short line per append (O_APPEND): several processes may write the same file.
      await appendFile(this.path, `${JSON.stringify(post)}\n`, { mode: 0o600 });
      this.#fileFailed = false;
      if ((await stat(this.path)).size > COMPACT_BYTES) await this.#compact();
    } catch (err) {
      this.#fileFailed = true;
      throw err;
    }
  }

  /** Newest first, from the file; from this process's memory when the file cannot be read or written. */
  async recent(limit = 20): Promise<UndeliveredPost[]> {
    if (this.#fileFailed) return this.#memory.recent(limit);
    try {
      return parseLines(await readFile(this.path, 'utf8'), Date.now())
        .reverse()
        .slice(0, limit);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      return this.#memory.recent(limit);
    }
  }

  async #compact(): Promise<void> {
    const kept = parseLines(await readFile(this.path, 'utf8'), Date.now()).slice(-UNDELIVERED_KEEP);
    const tmp = `${this.path}.${process.pid}.tmp`;
    await writeFile(tmp, kept.map((p) => `${JSON.stringify(p)}\n`).join(''), { mode: 0o600 });
    await rename(tmp, this.path);
  }
}

/** `buildfix status` without Redis: what the serve processes of this machine gave up on (empty when nothing was). */
export function readUndeliveredFile(env: Record<string, string | undefined>, limit = 20): Promise<UndeliveredPost[]> {
  return new FileUndeliveredLog(undeliveredFilePath(env)).recent(limit);
}
