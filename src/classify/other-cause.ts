/**
 * What an answer says besides its category when the log alone cannot settle it: the other
 * candidate to name next to the answer, and the checks that tell the candidates apart.
 */
import type { Category } from '../report/model.ts';
import type { Classification } from './classify-log.ts';

/** The other likely category of a (non-`unknown`) answer that carries candidates, else undefined. */
export function otherCause(c: Pick<Classification, 'category' | 'candidates'>): Category | undefined {
  if (c.category === 'unknown') return undefined;
  return c.candidates?.find((k) => k.category !== c.category && k.category !== 'unknown')?.category;
}

/** The answer as a person reads it: "version-not-found (or proxy-server-error)" when it carries another cause, else the category. */
export function namedCause(c: Pick<Classification, 'category' | 'candidates'>): string {
  const other = otherCause(c);
  return other ? `${c.category} (or ${other})` : c.category;
}

/** "category: what to check" for each candidate, best first (empty when the answer is sure). */
export function candidateChecks(c: Pick<Classification, 'candidates'>): Array<{ category: Category; check: string }> {
  return (c.candidates ?? []).map(({ category, check }) => ({ category, check }));
}

/** The words before the candidates' checks. */
export function candidatesHeading(category: Category, count: number): string {
  if (category !== 'unknown') return 'the log alone does not settle it; to tell them apart';
  return count === 1 ? 'closest cause; what to check' : 'closest causes; to tell them apart';
}
