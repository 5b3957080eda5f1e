/** A saved build log given on the command line (a path, or - for standard input), as a stream: any size in bounded memory. */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { BuildfixError } from '../errors.ts';
import type { CliContext } from './cli-context.ts';

/** Opens the log; a missing, unreadable or directory path is a BF_INPUT error before anything else runs. */
export async function openLog(source: string, ctx: Pick<CliContext, 'stdin'>): Promise<AsyncIterable<Buffer | string>> {
  if (source === '-') return ctx.stdin;
  let info;
  try {
    info = await stat(source);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new BuildfixError('BF_INPUT', code === 'ENOENT' ? `${source}: no such file` : `${source}: cannot read (${code ?? 'error'})`);
  }
  if (info.isDirectory()) throw new BuildfixError('BF_INPUT', `${source} is a directory; pass a build log file or - for standard input`);
  return (async function* read() {
    try {
      for await (const chunk of createReadStream(source)) yield chunk as Buffer;
    } catch (err) {
      throw new BuildfixError('BF_INPUT', `${source}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  })();
}

/** What a log source is called in the output. */
export function logLabel(source: string): string {
  return source === '-' ? 'standard input' : source;
}
