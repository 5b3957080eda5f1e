import { createRequire } from 'node:module';
import type { Logger, DestinationStream, default as pino } from 'pino';
import { redactText } from './util/redact.ts';

type Pino = typeof pino;
let pinoModule: Pino | undefined;

// pino (and its dependencies) load on the first createLogger(): one-shot commands
// that never log (`diagnose --json`, `explain`) do not pay for it at start-up.
function loadPino(): Pino {
  pinoModule ??= createRequire(import.meta.url)('pino') as Pino;
  return pinoModule;
}

export type { Logger };

/** Keys whose values never reach a log line. */
export const REDACT_PATHS = [
  'token',
  'password',
  'secret',
  'authorization',
  '*.token',
  '*.password',
  '*.secret',
  '*.authorization',
  'headers.authorization',
  'headers.cookie',
  '*.headers.authorization',
  'SLACK_BOT_TOKEN',
  'SLACK_SIGNING_SECRET',
  'JENKINS_API_TOKEN',
  'JENKINS_WEBHOOK_TOKEN',
  'GITHUB_WEBHOOK_SECRET',
  'GITLAB_WEBHOOK_TOKEN',
  'GITHUB_TOKEN',
  'GITLAB_TOKEN',
  '*.SLACK_BOT_TOKEN',
  '*.SLACK_SIGNING_SECRET',
  '*.JENKINS_API_TOKEN',
  '*.JENKINS_WEBHOOK_TOKEN',
  '*.GITHUB_WEBHOOK_SECRET',
  '*.GITLAB_WEBHOOK_TOKEN',
  '*.GITHUB_TOKEN',
  '*.GITLAB_TOKEN',
];

export interface CreateLoggerOptions {
  level?: string;
  /** Where lines go; defaults to stderr (stdout is for reports). */
  destination?: DestinationStream;
  /** Pretty output; defaults to true when stderr is a TTY. */
  pretty?: boolean;
  name?: string;
}

/**
 * JSON logs by default, pretty on a TTY. Secrets are removed twice: by key
 * (pino redact) and by value/shape in every message string (redactText).
 */
export function createLogger(options: CreateLoggerOptions = {}): Logger {
  const pretty = options.pretty ?? (options.destination === undefined && process.stderr.isTTY === true);
  const base = {
    name: options.name ?? 'buildfix',
    level: options.level ?? 'info',
    redact: { paths: REDACT_PATHS, censor: '***' },
    hooks: {
      logMethod(this: Logger, args: Parameters<Logger['info']>, method: (...a: unknown[]) => void) {
        method.apply(this, args.map((a) => (typeof a === 'string' ? redactText(a) : a)) as unknown[]);
      },
    },
    formatters: {
      log(object: Record<string, unknown>) {
        const err = object.err;
        if (err instanceof Error) {
          return {
            ...object,
            err: {
              type: err.name,
              message: redactText(err.message),
              stack: err.stack ? redactText(err.stack) : undefined,
              code: (err as { code?: unknown }).code,
            },
          };
        }
        return object;
      },
    },
  };
  const pino = loadPino();
  if (options.destination) return pino(base, options.destination);
  if (pretty) {
    return pino({ ...base, transport: { target: 'pino-pretty', options: { destination: 2, colorize: true, translateTime: 'HH:MM:ss' } } });
  }
  return pino(base, pino.destination(2));
}
