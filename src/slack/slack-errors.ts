/**
 * Slack Web API failures in buildfix's error model: what happened (rate
 * limit, an `ok:false` error code, an HTTP status, a network error), whether
 * the request can have reached Slack, and a line a person can act on.
 */
import { webApi } from '@slack/bolt';
import { UpstreamError } from '../errors.ts';

const { ErrorCode } = webApi;

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

/** Reads @slack/web-api's coded errors (its public ErrorCode: slack_webapi_*) without depending on its classes. */
export function classifySlackError(err: unknown): SlackFailure {
  const e = err as { code?: string; data?: { error?: string }; retryAfter?: number; statusCode?: number } | undefined;
  switch (e?.code) {
    case ErrorCode.RateLimitedError:
      return { kind: 'rate-limited', retryAfterMs: Math.max(0, (e.retryAfter ?? 1) * 1000), notSent: true };
    case ErrorCode.PlatformError:
      return { kind: 'platform', ...(e.data?.error ? { error: e.data.error } : {}), notSent: false };
    case ErrorCode.HTTPError:
      return { kind: 'http', ...(e.statusCode !== undefined ? { status: e.statusCode } : {}), notSent: false };
    case ErrorCode.RequestError: {
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

/**
 * `ok:false` codes Slack documents as "try again later" (the Web API's common errors): a retry may succeed.
 * Every other `ok:false` code says the request, the token or the channel is wrong, and repeating it cannot help.
 */
export const TRANSIENT_PLATFORM_ERRORS = new Set([
  'ratelimited',
  'service_unavailable',
  'internal_error',
  'fatal_error',
  'request_timeout',
  'team_added_to_org',
]);

/**
 * Whether retrying a failed post can help. Permanent: an `ok:false` code other than the transient ones above
 * (channel_not_found, not_in_channel, is_archived, invalid_auth, token_revoked, missing_scope, msg_too_long,
 * invalid_blocks, no_text, restricted_action …) and an HTTP 4xx other than 408/429 (a wrong SLACK_API_URL or a proxy
 * refusing). Transient: 429, HTTP 5xx and 408, network errors and timeouts, anything unrecognised.
 */
export function isPermanentSlackFailure(f: SlackFailure): boolean {
  switch (f.kind) {
    case 'platform':
      return !TRANSIENT_PLATFORM_ERRORS.has(f.error ?? '');
    case 'http':
      return f.status !== undefined && f.status >= 400 && f.status < 500 && f.status !== 408 && f.status !== 429;
    default:
      return false;
  }
}

/** ok:false codes after which Slack may have carried the post out anyway ("it's possible some aspect of the operation succeeded"). */
const MAYBE_DONE_PLATFORM_ERRORS = new Set(['internal_error', 'fatal_error']);

/**
 * Whether Slack may have taken a post that failed like this (its answer was lost, or it said it failed midway):
 * HTTP 5xx, a request that may have reached Slack (reset, timeout), internal_error / fatal_error, anything unrecognised.
 * Before such a post is sent again, the channel is searched for it (SlackOutbox.deliver).
 */
export function mayHaveBeenPosted(f: SlackFailure): boolean {
  switch (f.kind) {
    case 'http':
      return (f.status ?? 0) >= 500;
    case 'request':
      return !f.notSent;
    case 'platform':
      return MAYBE_DONE_PLATFORM_ERRORS.has(f.error ?? '');
    case 'rate-limited':
      return false;
    default:
      return true;
  }
}

/** A short, bounded name for a failure (a metric label, a status line): Slack's code, "ratelimited", "http_503", "network". */
export function slackFailureReason(f: SlackFailure): string {
  if (f.kind === 'platform') return f.error ?? 'unknown_error';
  if (f.kind === 'rate-limited') return 'ratelimited';
  if (f.kind === 'http') return `http_${f.status ?? 'error'}`;
  if (f.kind === 'request') return 'network';
  return f.error ?? 'unknown_error';
}

/** The failure of anything a post attempt threw (a SlackCallError, or something that never reached the client). */
export function slackFailureOf(err: unknown): SlackFailure {
  return err instanceof SlackCallError ? err.failure : { kind: 'other', notSent: false };
}

/**
 * What a person must do so a post to `channel` goes through, for a failure after which buildfix stopped trying.
 * `channel` as configured (INCIDENT_CHANNEL: an id like C0123 or a name).
 */
export function postFailureAction(f: SlackFailure, channel: string): string {
  const where = /^[CGD][A-Z0-9]{2,}$/.test(channel) ? `<#${channel}>` : `#${channel.replace(/^#/, '')}`;
  if (f.kind !== 'platform' || !isPermanentSlackFailure(f)) {
    if (isPermanentSlackFailure(f)) return `Slack's API answered HTTP ${f.status ?? '?'}: check SLACK_API_URL and any proxy between buildfix and slack.com`;
    return 'Slack kept failing (check https://slack-status.com and the network path to slack.com); buildfix stopped retrying';
  }
  switch (f.error) {
    case 'not_in_channel':
      return `invite the bot to ${where}: /invite @buildfix`;
    case 'channel_not_found':
      return `invite the bot to ${where} (/invite @buildfix), or fix the channel id in the configuration if it does not exist`;
    case 'is_archived':
      return `${where} is archived: unarchive it or point the configuration at a live channel`;
    case 'restricted_action':
    case 'team_access_not_granted':
      return `the workspace does not let the app post in ${where}: a Slack admin must allow it (channel posting permissions)`;
    case 'missing_scope':
      return 'the Slack app lacks a scope it needs: reinstall it from manifest.yaml';
    case 'msg_too_long':
    case 'msg_blocks_too_long':
    case 'invalid_blocks':
    case 'invalid_blocks_format':
    case 'no_text':
      return `Slack refused the message as built (${f.error}), also in its smallest form: a buildfix bug, please report it with this log line`;
    default:
      if (AUTH_ERRORS.has(f.error ?? '')) return `the bot token is not valid (${f.error}): an admin must reinstall the app and update SLACK_BOT_TOKEN`;
      return `Slack refused the post (${f.error ?? 'unknown error'}): see https://api.slack.com/methods/chat.postMessage#errors`;
  }
}

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
