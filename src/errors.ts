/**
 * One error model for the whole program (the bolt/undici pattern): a stable
 * string `code` to match on, a message a person can act on, and `cause` for
 * the logs. Users see `message` only; logs get everything (secrets redacted).
 */
export type ErrorCode =
  | 'BF_CONFIG'
  | 'BF_USAGE'
  | 'BF_INPUT'
  | 'BF_GOMOD_PARSE'
  | 'BF_TARGET'
  | 'BF_UPSTREAM'
  | 'BF_COMMAND_FAILED'
  | 'BF_PERMISSION'
  | 'BF_TIMEOUT'
  | 'BF_CANCELLED'
  | 'BF_INTERNAL';

export class BuildfixError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'BuildfixError';
    this.code = code;
    this.details = options.details ?? {};
  }
}

/** Configuration is invalid: `problems` lists every bad key and why. */
export class ConfigError extends BuildfixError {
  readonly problems: string[];
  constructor(problems: string[]) {
    super('BF_CONFIG', `invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** The user typed something we cannot act on (CLI arguments, chat text). */
export class UsageError extends BuildfixError {
  constructor(message: string) {
    super('BF_USAGE', message);
    this.name = 'UsageError';
  }
}

/** A file the user handed us is malformed; `file:line` is in the message. */
export class ParseError extends BuildfixError {
  readonly file: string;
  readonly line: number;
  constructor(file: string, line: number, reason: string) {
    super('BF_GOMOD_PARSE', `${file}:${line}: ${reason}`, { details: { file, line } });
    this.name = 'ParseError';
    this.file = file;
    this.line = line;
  }
}

/** A remote service (GOPROXY, Jenkins, Slack, git) failed. Never carries tokens. */
export class UpstreamError extends BuildfixError {
  readonly service: string;
  readonly status: number | undefined;
  readonly url: string | undefined;
  constructor(service: string, message: string, options: { status?: number; url?: string; cause?: unknown } = {}) {
    super('BF_UPSTREAM', message, { cause: options.cause, details: { service, status: options.status, url: options.url } });
    this.name = 'UpstreamError';
    this.service = service;
    this.status = options.status;
    this.url = options.url;
  }
}

/** A child process failed: fields mirror execa's result (exit code, stderr tail). */
export class CommandFailedError extends BuildfixError {
  readonly command: string;
  readonly exitCode: number | undefined;
  readonly timedOut: boolean;
  readonly stderrTail: string;
  constructor(command: string, message: string, fields: { exitCode?: number; timedOut?: boolean; stderrTail?: string; cause?: unknown }) {
    super('BF_COMMAND_FAILED', message, { cause: fields.cause, details: { command, exitCode: fields.exitCode } });
    this.name = 'CommandFailedError';
    this.command = command;
    this.exitCode = fields.exitCode;
    this.timedOut = fields.timedOut ?? false;
    this.stderrTail = fields.stderrTail ?? '';
  }
}

/** The user stopped the work (Ctrl-C, a cancel): said as "cancelled", never reported as a failure of what was running. */
export class CancelledError extends BuildfixError {
  constructor(message = 'cancelled', options: { cause?: unknown } = {}) {
    super('BF_CANCELLED', message, options);
    this.name = 'CancelledError';
  }
}

/** A CancelledError, or the AbortError of a signal the user aborted. */
export function isCancelled(err: unknown): boolean {
  return (
    err instanceof CancelledError || (err instanceof Error && err.name === 'AbortError' && (err.cause === undefined || err.cause instanceof CancelledError))
  );
}

export function isBuildfixError(err: unknown): err is BuildfixError {
  return err instanceof BuildfixError;
}

/** The one line a user sees for any error: no stack, no secrets. */
export function userMessage(err: unknown): string {
  if (err instanceof BuildfixError) return err.message;
  if (err instanceof Error) return `unexpected error: ${err.message}`;
  return `unexpected error: ${String(err)}`;
}
