/** `buildfix explain <file|->`: names the root cause of a saved build log. */
import { readFile, stat } from 'node:fs/promises';
import { BuildfixError } from '../../errors.ts';
import { classifyLog, isProbablyBinary } from '../../classify/classify-log.ts';
import { renderExplanation } from '../../render/terminal-explanation.ts';
import { wantsColor } from '../../render/terminal-style.ts';
import type { CliContext } from '../cli-context.ts';
import { parseArgs } from '../parse-args.ts';

const USAGE = 'buildfix explain <log-file|-> [--json]';
const MAX_LOG_BYTES = 512 * 1024 * 1024;

async function readStdin(stdin: NodeJS.ReadStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stdin) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    size += buf.length;
    if (size > MAX_LOG_BYTES) throw new BuildfixError('BF_INPUT', `standard input is larger than ${MAX_LOG_BYTES / 1024 / 1024} MiB`);
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

async function readLog(source: string, ctx: CliContext): Promise<Buffer> {
  if (source === '-') return readStdin(ctx.stdin);
  let info;
  try {
    info = await stat(source);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new BuildfixError('BF_INPUT', code === 'ENOENT' ? `${source}: no such file` : `${source}: cannot read (${code ?? 'error'})`);
  }
  if (info.isDirectory()) throw new BuildfixError('BF_INPUT', `${source} is a directory; pass a build log file or - for standard input`);
  if (info.size > MAX_LOG_BYTES) throw new BuildfixError('BF_INPUT', `${source} is larger than ${MAX_LOG_BYTES / 1024 / 1024} MiB`);
  try {
    return await readFile(source);
  } catch (err) {
    throw new BuildfixError('BF_INPUT', `${source}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

export async function runExplainCommand(argv: string[], ctx: CliContext): Promise<number> {
  const args = parseArgs(argv, { flags: ['json'], minPositionals: 1, maxPositionals: 1, usage: USAGE });
  const source = args.positionals[0] ?? '-';
  const buf = await readLog(source, ctx);
  const label = source === '-' ? 'standard input' : source;
  if (isProbablyBinary(buf)) throw new BuildfixError('BF_INPUT', `${label} looks like a binary file, not a build log`);
  const result = classifyLog(buf.toString('utf8'));
  if (args.flags.has('json')) {
    const { category, confidence, evidence, fix, module, version, ecosystem, evidenceLines, secondary } = result;
    ctx.stdout.write(`${JSON.stringify({ category, confidence, evidence, fix, ...(module ? { module } : {}), ...(version ? { version } : {}), ecosystem, evidenceLines, secondary })}\n`);
  } else {
    ctx.stdout.write(renderExplanation(result, { color: wantsColor(ctx.stdout, ctx.env), source: label }));
  }
  return 0;
}
