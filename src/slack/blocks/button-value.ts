/**
 * What a buildfix button carries: the command as grammar text (re-parsed on
 * click, so a button can never do more than typing it would), plus who
 * asked for a confirmation and a GOPROXY override for "retry through another
 * proxy". Kept well under Slack's 2000-character value limit.
 */
import * as z from 'zod';
import { LIMITS } from './block-kit.ts';

/** action_id prefixes: every buildfix button starts with "bf-". */
export const ACTION_RUN = 'bf-run';
export const ACTION_CANCEL = 'bf-cancel';
export const ACTION_PATTERN = /^bf-(run|cancel)(?:-\d+)?$/;

export const ButtonValueSchema = z.object({
  v: z.literal(1),
  /** confirm: the answer to a confirmation message (one-shot); remedy: a remediation offered by a result. */
  k: z.enum(['confirm', 'remedy']),
  /** The command text, e.g. "restart agent-03". */
  c: z.string().min(1).max(1500),
  /** GOPROXY override for a rebuild. */
  g: z.string().max(300).optional(),
  /** Who asked for the confirmation. */
  r: z.string().max(64).optional(),
});
export type ButtonValue = z.infer<typeof ButtonValueSchema>;

export function encodeButtonValue(value: Omit<ButtonValue, 'v'>): string {
  const text = JSON.stringify({ v: 1, ...value });
  if (text.length > LIMITS.buttonValue) throw new RangeError(`button value too long (${text.length} characters)`);
  return text;
}

/** The decoded value, or undefined for anything that is not a buildfix button value. */
export function decodeButtonValue(raw: string | undefined): ButtonValue | undefined {
  if (!raw) return undefined;
  try {
    const parsed = ButtonValueSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
