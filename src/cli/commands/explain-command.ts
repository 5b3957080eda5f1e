/** `buildfix explain <file|->`: names the root cause of a saved build log. */
import { isBuildfixError, userMessage, type ErrorCode } from '../../errors.ts';
import { classifyLogStream } from '../../classify/classify-stream.ts';
import { renderExplanation } from '../../render/terminal-explanation.ts';
import { wantsColor } from '../../render/terminal-style.ts';
import type { CliContext } from '../cli-context.ts';
import { COMMAND_SPECS } from '../command-specs.ts';
import { logLabel, openLog } from '../open-log.ts';
import { parseArgs } from '../parse-args.ts';
import { redactText } from '../../util/redact.ts';

export async function runExplainCommand(argv: string[], ctx: CliContext): Promise<number> {
  // --json: one JSON document on stdout for every outcome, exit 2 included.
  if (!argv.includes('--json')) return runExplain(argv, ctx);
  try {
    return await runExplain(argv, ctx);
  } catch (err) {
    const code: ErrorCode = isBuildfixError(err) ? err.code : 'BF_INTERNAL';
    const message = redactText(userMessage(err));
    ctx.stderr.write(`buildfix: ${message}\n`);
    ctx.stdout.write(`${JSON.stringify({ ok: false, error: { code, message } })}\n`);
    return 2;
  }
}

async function runExplain(argv: string[], ctx: CliContext): Promise<number> {
  const args = parseArgs(argv, COMMAND_SPECS.explain);
  const source = args.positionals[0] ?? '-';
  const label = logLabel(source);
  const result = await classifyLogStream(await openLog(source, ctx), { label });
  if (args.flags.has('json')) {
    const { category, confidence, evidence, fix, module, version, ecosystem, evidenceLines, secondary, candidates, otherFix } = result;
    ctx.stdout.write(
      `${JSON.stringify({ category, confidence, evidence, fix, ...(module ? { module } : {}), ...(version ? { version } : {}), ecosystem, evidenceLines, secondary, ...(candidates ? { candidates } : {}), ...(otherFix ? { otherFix } : {}) })}\n`,
    );
  } else {
    ctx.stdout.write(renderExplanation(result, { color: wantsColor(ctx.stdout, ctx.env), source: label }));
  }
  return result.category === 'unknown' ? 1 : 0;
}
