/**
 * A credential held in memory only to be sent to the host it belongs to.
 * Whatever serialises it by mistake (JSON.stringify into a job result or
 * Redis, a logger, util.inspect, a template string) gets "[redacted]";
 * the value comes out only through reveal(), at the one place a request
 * header is built.
 */
import { inspect } from 'node:util';
import { registerSecret } from './redact.ts';

const REDACTED = '[redacted]';

export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
    // Masked in any text that leaves the process, should it ever reach one.
    registerSecret(value);
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}
