/**
 * go.sum as the host's go reads it: a malformed line is not fatal to
 * `go mod download` (go stops reading go.sum there and goes on), so it is a
 * warning naming the line, never a reason to stop the diagnosis.
 */
import { readGoSumAsGo } from '../gomod/parse-go-sum.ts';
import type { GoSum } from '../gomod/types.ts';
import type { Finding } from '../report/model.ts';

export function readGoSumForDiagnosis(text: string, file = 'go.sum'): { goSum: GoSum; finding?: Finding } {
  const read = readGoSumAsGo(text, file);
  if (!read.malformed) return { goSum: read.goSum };
  const { line, fields } = read.malformed;
  return {
    goSum: read.goSum,
    finding: {
      category: 'missing-go-sum',
      severity: 'warning',
      message: `${file}:${line} is malformed (${fields} field${fields === 1 ? '' : 's'}, go wants "<module> <version>[/go.mod] h1:<hash>"): go ignores it and every line after it, so those modules are not checked against go.sum.`,
      evidence: `${file}:${line}`,
      location: `${file}:${line}`,
      fix: `Correct or delete ${file}:${line}, then run go mod tidy to rewrite go.sum.`,
      key: `missing-go-sum:malformed:${file}:${line}`,
    },
  };
}
