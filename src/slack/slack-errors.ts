/**
 * Slack Web API failures in buildfix's error model: what happened (rate
 * limit, an `ok:false` error code, an HTTP status, a network error), whether
 * the request can have reached Slack, and a line a person can act on.
 */
import { UpstreamError } from '../errors.ts';

export type SlackFailureKind = 'rate-limited' | 'platform' | 'http' | 'request' | 'other';

export interface SlackFailure {
  kind: SlackFailureKind;
  /** The `error` of an ok:false answer: channel_not_found, not_in_channel, invalid_auth … */
  error?: string;
  status?: number;
  retryAfterMs?: number;
  /** True when the request certainly never reached Slack (connection refused, DNS): safe to resend anything. */
  notSent: boolean;
}

const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT', 'ENETUNREACH', 'EHOSTUNREACH']);

function causeCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let i = 0; i < 5 && e && typeof e === 'object'; i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z_]+$/.test(code)) return code;
    e = (e as { original?: unknown; cause?: unknown }).original ?? (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Reads @slack/web-api's coded errors (slack_webapi_*) without importing its classes. */
export function classifySlackError(err: unknown): SlackFailure {
  const e = err as { code?: string; data?: { error?: string }; retryAfter?: number; statusCode?: number } | undefined;
  switch (e?.code) {
    case 'slack_webapi_rate_limited_error':
      return { kind: 'rate-limited', retryAfterMs: Math.max(0, (e.retryAfter ?? 1) * 1000), notSent: true };
    case 'slack_webapi_platform_error':
      return { kind: 'platform', ...(e.data?.error ? { error: e.data.error } : {}), notSent: false };
    case 'slack_webapi_http_error':
      return { kind: 'http', ...(e.statusCode !== undefined ? { status: e.statusCode } : {}), notSent: false };
    case 'slack_webapi_request_error': {
      const code = causeCode((err as { original?: unknown }).original);
      return { kind: 'request', notSent: code !== undefined && NOT_SENT_CODES.has(code) };
    }
    default:
      return { kind: 'other', notSent: false };
  }
}

/** Errors that mean the configuration is wrong, not the moment: no retry helps. */
export const AUTH_ERRORS = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'no_permission',
  'missing_scope',
  'org_login_required',
  'ekm_access_denied',
]);
/** Errors about where we tried to post. */
export const CHANNEL_ERRORS = new Set(['channel_not_found', 'not_in_channel', 'is_archived', 'restricted_action', 'team_access_not_granted']);

/** A line for the person in Slack (or the log) saying what is wrong and what to do. */
export function describeSlackFailure(f: SlackFailure, method: string): string {
  if (f.kind === 'rate-limited') return `Slack rate-limited ${method} (retry after ${Math.ceil((f.retryAfterMs ?? 0) / 1000)} s)`;
  if (f.kind === 'http') return `Slack answered ${method} with HTTP ${f.status ?? '?'}`;
  if (f.kind === 'request') return `could not reach Slack for ${method}`;
  switch (f.error) {
    case 'not_in_channel':
      return 'buildfix is not a member of this channel: invite it with `/invite @buildfix` and try again';
    case 'channel_not_found':
      return 'buildfix cannot see this channel (private or a DM without the app): invite it with `/invite @buildfix`';
    case 'is_archived':
      return 'this channel is archived';
    case 'invalid_auth':
    case 'not_authed':
    case 'token_revoked':
    case 'account_inactive':
    case 'token_expired':
      return `buildfix's Slack bot token is not valid (${f.error}): an admin must reinstall the app and update SLACK_BOT_TOKEN`;
    case 'missing_scope':
      return 'the Slack app lacks a scope it needs: reinstall it from manifest.yaml';
    case 'msg_too_long':
    case 'invalid_blocks':
      return `Slack refused the message (${f.error})`;
    default:
      return `Slack refused ${method}${f.error ? ` (${f.error})` : ''}`;
  }
}

/** A failed Slack call: the Slack error code (when there is one) is kept for callers to match on. */
export class SlackCallError extends UpstreamError {
  readonly method: string;
  readonly failure: SlackFailure;
  constructor(method: string, failure: SlackFailure, cause: unknown) {
    super('slack', describeSlackFailure(failure, method), { ...(failure.status !== undefined ? { status: failure.status } : {}), cause });
    this.name = 'SlackCallError';
    this.method = method;
    this.failure = failure;
  }

  get slackError(): string | undefined {
    return this.failure.error;
  }
}

export function isSlackCallError(err: unknown): err is SlackCallError {
  return err instanceof SlackCallError;
}
