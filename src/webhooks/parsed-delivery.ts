/** What a source parser makes of one authenticated delivery. */
import type { z } from 'zod';
import type { CiEvent } from './ci-event.ts';

export type ParsedDelivery =
  | { kind: 'event'; event: CiEvent }
  | { kind: 'ignored'; reason: string; event?: CiEvent }
  | { kind: 'ping'; message: string }
  | { kind: 'invalid'; status: 400 | 415; error: string };

export function invalid(error: string, status: 400 | 415 = 400): ParsedDelivery {
  return { kind: 'invalid', status, error };
}

/** "workflow_run.id: expected number, received string; …" (first five problems). */
export function describeZodError(what: string, error: z.ZodError): string {
  const problems = error.issues.slice(0, 5).map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`);
  const more = error.issues.length > 5 ? ` (and ${error.issues.length - 5} more)` : '';
  return `not a valid ${what}: ${problems.join('; ')}${more}`;
}

/** JSON.parse of the body, as a ParsedDelivery error when it is not JSON. */
export function parseJsonBody(text: string): { ok: true; value: unknown } | { ok: false; delivery: ParsedDelivery } {
  if (text.trim() === '') return { ok: false, delivery: invalid('empty body: expected a JSON payload') };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    return { ok: false, delivery: invalid(`malformed JSON: ${(err as Error).message.slice(0, 200)}`) };
  }
}
