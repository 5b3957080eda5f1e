/** Bolt's and the Web API client's Logger interface on top of our pino logger (one log stream, redacted). */
import { LogLevel } from '@slack/bolt';
import type { Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from '../logger.ts';

const TO_PINO: Record<LogLevel, string> = { [LogLevel.DEBUG]: 'debug', [LogLevel.INFO]: 'info', [LogLevel.WARN]: 'warn', [LogLevel.ERROR]: 'error' };

function join(args: unknown[]): { msg: string; err?: unknown } {
  const err = args.find((a) => a instanceof Error);
  const msg = args
    .filter((a) => !(a instanceof Error))
    .map((a) => (typeof a === 'string' ? a : JSON.stringify(a)))
    .join(' ');
  return err === undefined ? { msg } : { msg: msg || (err as Error).message, err };
}

export function toSlackLogger(logger: Logger, name = 'slack'): BoltLogger {
  let log = logger.child({ component: name });
  let level: LogLevel = LogLevel.INFO;
  const emit = (method: 'debug' | 'info' | 'warn' | 'error', args: unknown[]): void => {
    const { msg, err } = join(args);
    if (err === undefined) log[method](msg);
    else log[method]({ err }, msg);
  };
  return {
    debug: (...args: unknown[]) => emit('debug', args),
    info: (...args: unknown[]) => emit('info', args),
    warn: (...args: unknown[]) => emit('warn', args),
    error: (...args: unknown[]) => emit('error', args),
    setLevel(l: LogLevel) {
      level = l;
      log.level = TO_PINO[l];
    },
    getLevel: () => level,
    setName(n: string) {
      log = logger.child({ component: n });
    },
  };
}
