/**
 * Label values come from chat text, webhook bodies and host names: each
 * label keeps at most a fixed number of distinct values (later ones become
 * "other") and only a safe character set, so a flood of odd input can never
 * grow the registry without bound or smuggle text into the exposition.
 */
const SAFE = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$/;

export const OTHER = 'other';

export class LabelGuard {
  readonly #limit: number;
  readonly #seen = new Map<string, Set<string>>();

  constructor(limit = 100) {
    this.#limit = limit;
  }

  /** The value to use for `label` of `metric`: itself when safe and within the budget, else "other". */
  value(metric: string, label: string, raw: unknown): string {
    const text = typeof raw === 'string' ? raw : typeof raw === 'number' && Number.isFinite(raw) ? String(raw) : '';
    if (!SAFE.test(text)) return text === '' ? 'none' : OTHER;
    const key = `${metric}\u0000${label}`;
    let seen = this.#seen.get(key);
    if (!seen) {
      seen = new Set();
      this.#seen.set(key, seen);
    }
    if (seen.has(text)) return text;
    if (seen.size >= this.#limit) return OTHER;
    seen.add(text);
    return text;
  }
}
