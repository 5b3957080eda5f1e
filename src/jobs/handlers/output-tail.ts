/** The output tail a command job returns: stdout then stderr tails (already redacted), bounded. */
import type { RunResult } from '../../exec/run-command.ts';

export function combinedTail(run: Pick<RunResult, 'stdoutTail' | 'stderrTail'>, maxChars = 4096): string {
  const text = [run.stdoutTail, run.stderrTail].filter((t) => t.trim() !== '').join('\n');
  return text.length <= maxChars ? text : `…${text.slice(text.length - maxChars)}`;
}
