/**
 * The Slack Web API as buildfix uses it: one WebClient with the SDK's own
 * retries off, and a retry policy here that can tell "Slack never saw it"
 * from "Slack may have done it":
 * - 429 → wait Retry-After (bounded), then resend: a rate-limited call was not carried out.
 * - HTTP 5xx / network errors → resend only idempotent calls (chat.update, lookups)
 *   or requests that certainly never left (connection refused). chat.postMessage is
 *   reconciled instead: every post carries a unique marker in its message metadata,
 *   and after an ambiguous failure the channel (or thread) is searched for it; found →
 *   that message is the answer, not found → the same post is sent again. If the search
 *   itself fails, the post is not resent (see #reconcile), so it is never posted twice.
 * - ok:false → no retry; a SlackCallError carrying Slack's error code.
 * After a 429 the method waits out Retry-After for every caller in this process, per method, and for
 * chat.postMessage per channel (Slack limits posts per channel): one rate-limited channel does not
 * hold up posts to another, nor a 429 on one method the calls of another.
 *
 * Every text and block that leaves through here (posts, edits, ephemerals,
 * response_url answers, uploads) goes through redactText first: this is the
 * one place all of buildfix's Slack output passes, so a secret someone typed
 * into chat or a CI payload carried is masked wherever it would be echoed.
 */
import { randomUUID } from 'node:crypto';
import { webApi } from '@slack/bolt';
import type { Logger } from '../logger.ts';
import { metrics } from '../metrics/metrics.ts';
import type { KnownBlock } from './blocks/block-kit.ts';
import { redactText } from '../util/redact.ts';
import { finalPlainText, outgoingBlocks, outgoingText } from './blocks/slack-escape.ts';
import { classifySlackError, SlackCallError, type SlackFailure } from './slack-errors.ts';
import { toSlackLogger } from './slack-logger.ts';

export interface SlackApiOptions {
  token: string;
  /** SLACK_API_URL (Enterprise Grid, the tests' fake); default https://slack.com/api/. */
  apiUrl?: string | undefined;
  logger: Logger;
  /** Tries per call, the first included (default 4). */
  maxAttempts?: number;
  /** A Retry-After longer than this is not waited for: the call fails (default 60 s). */
  maxRetryAfterMs?: number;
  /** Per-request timeout (default 10 s). */
  timeoutMs?: number;
  /** First backoff for retryable failures (default 300 ms, doubling). */
  backoffMs?: number;
}

export interface CallOptions {
  /** false: a 429 throws a rate-limited SlackCallError at once (the caller decides when to try again). Default true. */
  waitOnRateLimit?: boolean;
}

export interface PostArgs {
  channel: string;
  text: string;
  blocks?: KnownBlock[];
  threadTs?: string;
  /** Message metadata (event_type, event_payload); the post's reconciliation marker is added to its payload as `id`. */
  metadata?: { event_type: string; event_payload: Record<string, string | number | boolean> };
  /** The post's reconciliation marker (event_payload.id); one per logical post, kept across the outbox's attempts (default: a new one). */
  markerId?: string;
  /** Epoch ms of the logical post's first attempt: the reconciliation search starts there (default: now). */
  sinceMs?: number;
}

/** What findPost looks for: the post carrying marker `id` in `channel` (in thread `threadTs`), posted since `sinceMs`. */
export interface PostLookup {
  channel: string;
  threadTs?: string | undefined;
  /** metadata.event_type the post was sent with (default POST_MARKER_EVENT). */
  eventType?: string | undefined;
  id: string;
  sinceMs: number;
}

export interface PostedMessage {
  channel: string;
  ts: string;
}

export interface AuthIdentity {
  userId: string;
  botId: string;
  teamId: string;
}

const IDEMPOTENT = new Set([
  'chat.update',
  'auth.test',
  'usergroups.users.list',
  'conversations.info',
  'conversations.replies',
  'conversations.history',
  'files.getUploadURLExternal',
]);

/** metadata.event_type of the marker every chat.postMessage carries (reconciliation after an ambiguous failure). */
export const POST_MARKER_EVENT = 'buildfix_msg';
/** How far before the first attempt the history search starts (clock skew between here and Slack). */
const RECONCILE_SKEW_MS = 10_000;
/** Messages read per reconciliation search: only what was posted since the first attempt is asked for. */
const RECONCILE_LIMIT = 50;

/** Pages read per reconciliation search (a busy channel). */
const RECONCILE_PAGES = 4;

type SlackHistoryPage = { messages?: unknown; response_metadata?: { next_cursor?: string } };
type SlackHistoryMessage = { ts?: unknown; thread_ts?: unknown; metadata?: { event_type?: unknown; event_payload?: { id?: unknown; incident?: unknown } } };

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Methods Slack rate-limits per channel ("special" limits): their 429 waits are kept per channel. */
const PER_CHANNEL_LIMITS = new Set(['chat.postMessage']);

function limitKey(method: string, channel: string | undefined): string {
  return PER_CHANNEL_LIMITS.has(method) && channel ? `${method}:${channel}` : method;
}

/** A failure after which Slack may or may not have carried the call out (HTTP 5xx, a request that may have arrived). */
function isAmbiguous(f: SlackFailure): boolean {
  return (f.kind === 'http' && (f.status ?? 0) >= 500) || (f.kind === 'request' && !f.notSent);
}

export class SlackApi {
  readonly client: InstanceType<typeof webApi.WebClient>;
  readonly apiUrl: string;
  readonly #logger: Logger;
  readonly #maxAttempts: number;
  readonly #maxRetryAfterMs: number;
  readonly #backoffMs: number;
  readonly #timeoutMs: number;
  /** method (chat.postMessage: method and channel) → epoch ms before which it must not be called (Retry-After). */
  readonly #notBefore = new Map<string, number>();

  constructor(options: SlackApiOptions) {
    this.#logger = options.logger.child({ component: 'slack-api' });
    this.#maxAttempts = options.maxAttempts ?? 4;
    this.#maxRetryAfterMs = options.maxRetryAfterMs ?? 60_000;
    this.#backoffMs = options.backoffMs ?? 300;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.apiUrl = options.apiUrl ? (options.apiUrl.endsWith('/') ? options.apiUrl : `${options.apiUrl}/`) : 'https://slack.com/api/';
    this.client = new webApi.WebClient(options.token, {
      slackApiUrl: this.apiUrl,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      timeout: this.#timeoutMs,
      logger: toSlackLogger(options.logger, 'slack-web-api'),
      logLevel: webApi.LogLevel.WARN,
    });
  }

  /** Calls a Web API method under the retry policy above. */
  async call<T extends Record<string, unknown> = Record<string, unknown>>(
    method: string,
    args: Record<string, unknown>,
    options: CallOptions = {},
  ): Promise<T> {
    const idempotent = IDEMPOTENT.has(method);
    const channel = typeof args.channel === 'string' ? args.channel : undefined;
    const key = limitKey(method, channel);
    for (let attempt = 1; ; attempt++) {
      const wait = this.rateLimitedFor(method, channel);
      if (wait > 0) {
        if (options.waitOnRateLimit === false)
          throw new SlackCallError(method, { kind: 'rate-limited', retryAfterMs: wait, notSent: true }, new Error(`rate limited for ${wait} ms more`));
        await sleep(wait);
      }
      try {
        return (await this.client.apiCall(method, args)) as unknown as T;
      } catch (err) {
        const failure = classifySlackError(err);
        if (failure.kind === 'rate-limited') {
          this.#notBefore.set(key, Math.max(this.#notBefore.get(key) ?? 0, Date.now() + (failure.retryAfterMs ?? 1000)));
          this.#logger.info({ method, ...(channel && key !== method ? { channel } : {}), retryAfterMs: failure.retryAfterMs }, `Slack rate-limited ${key}`);
        }
        if (failure.kind === 'rate-limited' && options.waitOnRateLimit === false) throw new SlackCallError(method, failure, err);
        const delay = this.#retryDelay(failure, idempotent, attempt);
        if (delay === undefined) {
          const error = new SlackCallError(method, failure, err);
          metrics.slackApiError(method, failure.kind === 'platform' ? 'slack' : failure.kind);
          this.#logger.warn(
            { method, slackError: failure.error, kind: failure.kind, status: failure.status, attempt },
            `Slack ${method} failed: ${error.message}`,
          );
          throw error;
        }
        this.#logger.info({ method, kind: failure.kind, status: failure.status, attempt, delayMs: delay }, `Slack ${method}: retrying`);
        await sleep(delay);
      }
    }
  }

  /** ms until `method` (chat.postMessage: to `channel`) may be called again after a 429 (0: now). */
  rateLimitedFor(method: string, channel?: string): number {
    return Math.max(0, (this.#notBefore.get(limitKey(method, channel)) ?? 0) - Date.now());
  }

  // undefined: give up; else wait this long and try again.
  #retryDelay(f: SlackFailure, idempotent: boolean, attempt: number): number | undefined {
    if (attempt >= this.#maxAttempts) return undefined;
    if (f.kind === 'rate-limited') {
      const ms = f.retryAfterMs ?? 1000;
      return ms > this.#maxRetryAfterMs ? undefined : ms;
    }
    if ((isAmbiguous(f) && idempotent) || (f.kind === 'request' && f.notSent)) return this.#backoffMs * 2 ** (attempt - 1);
    return undefined;
  }

  /**
   * Posts exactly once as far as Slack lets us tell: a 429 is waited out and
   * resent (by call); after an ambiguous failure (5xx, a request that may have
   * reached Slack) the marker is looked up and the post resent only if Slack
   * does not have it. With waitOnRateLimit:false a 429 throws at once (not sent; the outbox's post queue waits).
   */
  async postMessage(args: PostArgs, options: Pick<CallOptions, 'waitOnRateLimit'> = {}): Promise<PostedMessage> {
    const id = args.markerId ?? randomUUID();
    const since = args.sinceMs ?? Date.now();
    const body = {
      channel: args.channel,
      text: outgoingText(args.text),
      ...(args.blocks ? { blocks: outgoingBlocks(args.blocks) } : {}),
      ...(args.threadTs ? { thread_ts: args.threadTs } : {}),
      metadata: { event_type: args.metadata?.event_type ?? POST_MARKER_EVENT, event_payload: { ...args.metadata?.event_payload, id } },
      unfurl_links: false,
      unfurl_media: false,
      // plain @channel / #name in the fallback text stay text
      link_names: false,
    };
    for (let round = 1; ; round++) {
      try {
        const res = await this.call<{ channel?: string; ts?: string }>('chat.postMessage', body, options);
        return { channel: res.channel ?? args.channel, ts: String(res.ts ?? '') };
      } catch (err) {
        if (!(err instanceof SlackCallError) || !isAmbiguous(err.failure)) throw err;
        await sleep(this.#backoffMs * 2 ** (round - 1));
        const found = await this.#reconcile(args, id, since, err);
        if (found) return found;
        if (round >= this.#maxAttempts) throw err;
        this.#logger.info(
          { method: 'chat.postMessage', status: err.failure.status, kind: err.failure.kind, round },
          'Slack chat.postMessage: not delivered, posting again',
        );
      }
    }
  }

  /**
   * Looks for the post carrying marker `id`: conversations.replies in a
   * thread, else conversations.history since the first attempt (both with
   * include_all_metadata; both idempotent, so call() waits out a 429's
   * Retry-After and retries a 5xx, within maxAttempts). Returns the message
   * when Slack has it, undefined when it certainly does not.
   *
   * When the search itself fails (rate limited too long, missing
   * channels:history scope, Slack down) we cannot tell whether the first post
   * landed: the original error is logged and thrown and nothing is resent,
   * because a message lost is reported to the user (SlackSurface) while a
   * message posted twice is not undoable.
   */
  async #reconcile(args: PostArgs, id: string, since: number, original: SlackCallError): Promise<PostedMessage | undefined> {
    let hit: PostedMessage | undefined;
    try {
      hit = await this.findPost({ channel: args.channel, threadTs: args.threadTs, eventType: args.metadata?.event_type, id, sinceMs: since });
    } catch (err) {
      this.#logger.warn(
        {
          method: 'chat.postMessage',
          status: original.failure.status,
          lookupError: err instanceof SlackCallError ? (err.slackError ?? err.failure.kind) : 'unknown',
        },
        'Slack chat.postMessage failed ambiguously and the channel could not be searched for it: not resending (it may have been posted)',
      );
      throw original;
    }
    if (!hit) return undefined;
    this.#logger.info(
      { method: 'chat.postMessage', status: original.failure.status, ts: hit.ts },
      'Slack chat.postMessage: the ambiguous attempt was delivered; not resending',
    );
    return hit;
  }

  /**
   * The post carrying marker `id` (PostArgs.markerId): conversations.replies in a thread, else
   * conversations.history, from `sinceMs` (less a clock-skew margin), with include_all_metadata; both
   * idempotent, so call() waits out a 429 and retries a 5xx within maxAttempts. undefined: Slack
   * certainly does not have it (among the RECONCILE_LIMIT messages since then). Throws when the
   * channel cannot be read: the caller cannot tell, and must not post again blindly.
   */
  async findPost(q: PostLookup): Promise<PostedMessage | undefined> {
    const oldest = ((q.sinceMs - RECONCILE_SKEW_MS) / 1000).toFixed(6);
    const eventType = q.eventType ?? POST_MARKER_EVENT;
    let cursor: string | undefined;
    // A busy channel may have more than one page since the first attempt: up to RECONCILE_PAGES pages are read.
    for (let page = 0; page < RECONCILE_PAGES; page++) {
      const args = { channel: q.channel, oldest, include_all_metadata: true, limit: RECONCILE_LIMIT, ...(cursor ? { cursor } : {}) };
      const res = q.threadTs
        ? await this.call<SlackHistoryPage>('conversations.replies', { ...args, ts: q.threadTs })
        : await this.call<SlackHistoryPage>('conversations.history', args);
      const messages = Array.isArray(res.messages) ? (res.messages as SlackHistoryMessage[]) : [];
      const hit = messages.find((m) => m.metadata?.event_type === eventType && m.metadata.event_payload?.id === q.id);
      if (hit && typeof hit.ts === 'string') return { channel: q.channel, ts: hit.ts };
      cursor = res.response_metadata?.next_cursor || undefined;
      if (!cursor) return undefined;
    }
    throw new SlackCallError(
      q.threadTs ? 'conversations.replies' : 'conversations.history',
      { kind: 'other', error: 'too_many_messages', notSent: false },
      new Error(`more than ${RECONCILE_PAGES * RECONCILE_LIMIT} messages since the first attempt: cannot tell whether the post is among them`),
    );
  }

  /**
   * The top-level message in `channel` since `sinceMs` whose metadata has `eventType` and
   * event_payload.incident === `incident` (an incident's alert posted by a serve that died before it
   * saved the message's ts). conversations.history with include_all_metadata, newest first, up to 200
   * messages. Throws when the channel cannot be read (the caller must then not post again blindly).
   */
  async findMarkedPost(channel: string, eventType: string, incident: number, sinceMs: number): Promise<PostedMessage | undefined> {
    let cursor: string | undefined;
    for (let page = 0; page < 4; page++) {
      const res = await this.call<{ messages?: unknown; response_metadata?: { next_cursor?: string } }>('conversations.history', {
        channel,
        oldest: (sinceMs / 1000).toFixed(6),
        include_all_metadata: true,
        limit: RECONCILE_LIMIT,
        ...(cursor ? { cursor } : {}),
      });
      const messages = Array.isArray(res.messages) ? (res.messages as SlackHistoryMessage[]) : [];
      const hit = messages.find((m) => m.metadata?.event_type === eventType && Number(m.metadata.event_payload?.incident) === incident);
      if (hit && typeof hit.ts === 'string') return { channel, ts: hit.ts };
      cursor = res.response_metadata?.next_cursor || undefined;
      if (!cursor) return undefined;
    }
    return undefined;
  }

  /** chat.update; with waitOnRateLimit:false a 429 (or one still running) throws at once instead of waiting (the edit scheduler waits). */
  async update(args: { channel: string; ts: string; text: string; blocks?: KnownBlock[] }, options: CallOptions = {}): Promise<void> {
    await this.call(
      'chat.update',
      { channel: args.channel, ts: args.ts, text: outgoingText(args.text), ...(args.blocks ? { blocks: outgoingBlocks(args.blocks) } : {}) },
      options,
    );
  }

  async postEphemeral(args: PostArgs & { user: string }): Promise<void> {
    await this.call('chat.postEphemeral', {
      channel: args.channel,
      user: args.user,
      text: outgoingText(args.text),
      ...(args.blocks ? { blocks: outgoingBlocks(args.blocks) } : {}),
      ...(args.threadTs ? { thread_ts: args.threadTs } : {}),
    });
  }

  async authTest(): Promise<AuthIdentity> {
    const res = await this.call<{ user_id?: string; bot_id?: string; team_id?: string }>('auth.test', {});
    return { userId: String(res.user_id ?? ''), botId: String(res.bot_id ?? ''), teamId: String(res.team_id ?? '') };
  }

  async usergroupUsers(usergroup: string): Promise<string[]> {
    const res = await this.call<{ users?: unknown }>('usergroups.users.list', { usergroup });
    return Array.isArray(res.users) ? res.users.filter((u): u is string => typeof u === 'string') : [];
  }

  /**
   * Uploads a text file into a channel or thread (files.getUploadURLExternal,
   * the upload, files.completeUploadExternal). Nothing is shared until the
   * last step, so the first two may be retried freely.
   */
  async uploadFile(args: { channel: string; threadTs?: string; filename: string; title: string; content: string; comment?: string }): Promise<void> {
    const bytes = Buffer.from(finalPlainText(redactText(args.content)), 'utf8');
    const target = await this.call<{ upload_url?: string; file_id?: string }>('files.getUploadURLExternal', { filename: args.filename, length: bytes.length });
    if (!target.upload_url || !target.file_id)
      throw new SlackCallError('files.getUploadURLExternal', { kind: 'other', notSent: false }, new Error('no upload_url in the answer'));
    for (let attempt = 1; ; attempt++) {
      const form = new FormData();
      form.append('body', new Blob([bytes], { type: 'text/plain' }), args.filename);
      let status = 0;
      try {
        const res = await fetch(target.upload_url, { method: 'POST', body: form, redirect: 'error', signal: AbortSignal.timeout(this.#timeoutMs * 3) });
        status = res.status;
        await res.arrayBuffer();
        if (res.ok) break;
      } catch {
        status = 0;
      }
      if (attempt >= this.#maxAttempts || (status !== 0 && status < 500 && status !== 429)) {
        throw new SlackCallError(
          'file upload',
          { kind: status ? 'http' : 'request', status, notSent: false },
          new Error(`upload failed (HTTP ${status || 'network error'})`),
        );
      }
      await sleep(this.#backoffMs * 2 ** (attempt - 1));
    }
    await this.call('files.completeUploadExternal', {
      files: [{ id: target.file_id, title: args.title }],
      channel_id: args.channel,
      ...(args.threadTs ? { thread_ts: args.threadTs } : {}),
      ...(args.comment ? { initial_comment: outgoingText(args.comment) } : {}),
    });
  }

  /**
   * POSTs to a response_url (ephemeral replies to a slash command or a
   * button). Only Slack's hosts and SLACK_API_URL's origin are accepted.
   * Rate limits are honoured; anything else fails at once (a response_url
   * answer is not idempotent either).
   */
  async respond(
    responseUrl: string,
    body: { text: string; blocks?: KnownBlock[]; response_type?: 'ephemeral' | 'in_channel'; replace_original?: boolean; thread_ts?: string },
  ): Promise<void> {
    if (!this.isTrustedResponseUrl(responseUrl))
      throw new SlackCallError('response_url', { kind: 'other', error: 'untrusted_response_url', notSent: true }, new Error('response_url is not a Slack URL'));
    const payload = JSON.stringify({ ...body, text: outgoingText(body.text), ...(body.blocks ? { blocks: outgoingBlocks(body.blocks) } : {}) });
    for (let attempt = 1; ; attempt++) {
      let res: Response;
      try {
        res = await fetch(responseUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: payload,
          redirect: 'error',
          signal: AbortSignal.timeout(this.#timeoutMs),
        });
      } catch (err) {
        throw new SlackCallError('response_url', { kind: 'request', notSent: false }, err);
      }
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) return;
      const retryAfter = Number(res.headers.get('retry-after'));
      if (res.status === 429 && attempt < this.#maxAttempts && Number.isFinite(retryAfter) && retryAfter * 1000 <= this.#maxRetryAfterMs) {
        await sleep(Math.max(0, retryAfter) * 1000);
        continue;
      }
      throw new SlackCallError(
        'response_url',
        res.status === 429 ? { kind: 'rate-limited', retryAfterMs: retryAfter * 1000, notSent: true } : { kind: 'http', status: res.status, notSent: false },
        new Error(`HTTP ${res.status}`),
      );
    }
  }

  isTrustedResponseUrl(url: string): boolean {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      return false;
    }
    if (u.origin === new URL(this.apiUrl).origin) return true;
    return u.protocol === 'https:' && /(^|\.)(slack\.com|slack-gov\.com)$/.test(u.hostname);
  }
}
