/**
 * Every message buildfix posts or edits goes through here, on its way to
 * SlackApi (which retries and masks secrets):
 *
 * - it is fitted to Slack's limits and the text budget (message-budget.ts);
 *   what is cut is summarised in the message and attached as a file;
 * - the file is uploaded whether or not the post went through (into the
 *   post's thread, else the thread asked for, else the channel), so a refused
 *   or failed post never takes the full content with it;
 * - when Slack refuses a message for its size or shape (msg_blocks_too_long,
 *   invalid_blocks, msg_too_long) that is logged for what it is and the
 *   message is sent again smaller: half the budget, then a minimal form
 *   (headline, note, buttons) with the content in the file.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '../../logger.ts';
import { metrics } from '../../metrics/metrics.ts';
import { redactText } from '../../util/redact.ts';
import type { SlackFile, SlackMessage } from '../blocks/slack-message.ts';
import type { PostArgs, PostedMessage, PostLookup, SlackApi } from '../slack-api.ts';
import { isPermanentSlackFailure, isSlackCallError, mayHaveBeenPosted, postFailureAction, slackFailureOf, slackFailureReason } from '../slack-errors.ts';
import { MemoryUndeliveredLog, type UndeliveredLog, type UndeliveredPost } from './undelivered.ts';
import { EditScheduler, type EditKind } from './edit-scheduler.ts';
import { fitMessage, minimalMessage, MIN_BUDGET, type FittedMessage } from './message-budget.ts';
import { PostQueue, type PostLane } from './post-queue.ts';
import { abortableSleep } from '../../util/abortable-sleep.ts';

/** Slack's answers that mean "this message, as built, is not acceptable": smaller may go through. */
/** How long giving up waits for the undelivered log (Redis, the state file) before it returns anyway. */
const RECORD_TIMEOUT_MS = 3000;

/** deliver()'s `unsure` when an earlier delivery with the same marker may have been taken (OutboxPost.searchFirst). */
const EARLIER_ATTEMPT = Symbol('an earlier attempt with this marker may have been taken');

export const REFUSED_MESSAGE_ERRORS = new Set(['msg_blocks_too_long', 'invalid_blocks', 'msg_too_long', 'invalid_blocks_format']);

export interface OutboxOptions {
  api: SlackApi;
  logger: Logger;
  /** Characters of blocks per message (config slack.textBudget). */
  textBudget: number;
  /** Progress edits per minute (config slack.progressEditsPerMinute; default 30). */
  progressEditsPerMinute?: number;
  /** Where posts given up on are kept for `buildfix status` (Redis in Redis mode); in memory by default. */
  undelivered?: UndeliveredLog;
  /** How long deliver() keeps retrying transient failures before it gives up (config slack.postGiveUpAfter; default 30 min). */
  giveUpAfterMs?: number;
}

/** What deliver() is told about the post, for the person reading the log, the status and the timeline. */
export interface DeliveryLabel {
  /** "alert of incident #12", "pre-flight alert for payments/go-proxy". */
  what: string;
  incident?: number;
}

export interface DeliverResult extends OutboxPostResult {
  /** Set when buildfix gave up: what was recorded (log at error, counter, status). */
  undelivered?: UndeliveredPost;
  /** With `undelivered`: Slack's last answer was ambiguous and the channel could not say, so Slack may show the post anyway. */
  maybePosted?: boolean;
  /**
   * The delivery was stopped (serve shutting down, or the caller's signal) and, as the caller asked
   * (OutboxPost.resumedAfterRestart), not reported as undelivered: the caller tries again with the same marker.
   */
  stopped?: boolean;
}

export interface OutboxPost {
  channel: string;
  threadTs?: string | undefined;
  message: SlackMessage;
  /** Upload message.file even when the message fit (the archive's Markdown report). */
  alwaysAttach?: boolean;
  /** Title of the file, when the default (the renderer's) is not wanted. */
  fileComment?: string;
  /** Message metadata (SlackApi PostArgs.metadata): what a later search of the channel finds the post by. */
  metadata?: PostArgs['metadata'];
  /** false: a failed post uploads no file (deliver() retries it; one file per post, not one per attempt). Default true. */
  attachOnFailure?: boolean;
  /** The post's reconciliation marker (PostArgs.markerId); deliver() keeps one across its attempts. */
  markerId?: string;
  /** Epoch ms of the first attempt (PostArgs.sinceMs). */
  sinceMs?: number;
  /**
   * deliver(): an earlier attempt with this markerId (before a restart, or an earlier delivery given up on while
   * Slack's answer was ambiguous) may have been taken: the channel is searched for it before the first post.
   */
  searchFirst?: boolean;
  /** deliver(): stops waiting to retry when aborted, as when the outbox closes. */
  signal?: AbortSignal;
  /**
   * deliver(): the caller keeps the marker and delivers again after a restart (a pre-flight alert left pending in
   * Redis): a delivery stopped by shutdown returns `stopped` instead of being reported as undelivered.
   */
  resumedAfterRestart?: boolean;
  /**
   * Which lane it waits in when the channel is rate limited (post-queue.ts): a top-level post is
   * always urgent; a thread reply is urgent when it is the root-cause line, else it waits behind urgent posts.
   */
  urgent?: boolean;
}

export interface OutboxPostResult {
  /** The message as posted; undefined when the post failed (see error). */
  posted?: PostedMessage;
  /** Why the post failed (a SlackCallError, usually), after every smaller form was tried where that could help. */
  error?: unknown;
  /** 'uploaded' / 'failed' when a file was due; 'none' when everything fit and no file was asked for. */
  file: 'uploaded' | 'failed' | 'none';
}

function refusal(err: unknown): string | undefined {
  const code = isSlackCallError(err) ? err.slackError : undefined;
  return code && REFUSED_MESSAGE_ERRORS.has(code) ? code : undefined;
}

export class SlackOutbox {
  readonly api: SlackApi;
  readonly textBudget: number;
  readonly edits: EditScheduler;
  readonly posts: PostQueue;
  readonly undelivered: UndeliveredLog;
  readonly giveUpAfterMs: number;
  readonly #log: Logger;
  /** Aborted by close(): deliveries waiting to retry give up at once (and say so). */
  readonly #closing = new AbortController();

  constructor(options: OutboxOptions) {
    this.api = options.api;
    this.textBudget = options.textBudget;
    this.undelivered = options.undelivered ?? new MemoryUndeliveredLog();
    this.giveUpAfterMs = options.giveUpAfterMs ?? 30 * 60_000;
    this.#log = options.logger.child({ component: 'slack-outbox' });
    this.edits = new EditScheduler({
      logger: options.logger,
      progressEditsPerMinute: options.progressEditsPerMinute ?? 30,
      rateLimitedFor: () => options.api.rateLimitedFor('chat.update'),
    });
    this.posts = new PostQueue({
      logger: options.logger,
      rateLimitedFor: (channel) => options.api.rateLimitedFor('chat.postMessage', channel),
      isRateLimited: (err) => isSlackCallError(err) && err.failure.kind === 'rate-limited',
    });
  }

  /** The message as it will be sent within the budget (also for ephemeral answers, which cannot carry a file). */
  fit(message: SlackMessage, budget = this.textBudget): FittedMessage {
    return fitMessage(message, budget);
  }

  /** Smaller and smaller forms of one message: the budget, half of it, the minimal form. */
  *#forms(message: SlackMessage): Generator<FittedMessage> {
    yield this.fit(message);
    yield this.fit(message, Math.max(MIN_BUDGET, Math.floor(this.textBudget / 2)));
    yield minimalMessage(message);
  }

  async #send<T>(what: string, message: SlackMessage, send: (form: FittedMessage) => Promise<T>): Promise<{ result: T; form: FittedMessage }> {
    let last: unknown;
    for (const form of this.#forms(message)) {
      try {
        return { result: await send(form), form };
      } catch (err) {
        const code = refusal(err);
        if (!code) throw err;
        last = err;
        this.#log.warn(
          { slackError: code, blocks: form.blocks.length, omitted: form.omitted },
          `Slack refused the ${what} (${code}): sending it again in a smaller form; the full content goes in a file`,
        );
      }
    }
    throw last;
  }

  /**
   * Posts (fitted, retried smaller on a refusal) and uploads the full content when it was cut or
   * the post failed; the upload does not depend on the post. Never throws: the result says what happened.
   */
  async post(p: OutboxPost): Promise<OutboxPostResult> {
    let posted: PostedMessage | undefined;
    let failure: unknown;
    let form: FittedMessage | undefined;
    try {
      const lane: PostLane = !p.threadTs || p.urgent ? 'urgent' : 'thread';
      // Waits its turn in the channel (alerts and root-cause lines first, a thread's order kept); a 429 is waited out there.
      const sent = await this.posts.enqueue(p.channel, p.threadTs, lane, () =>
        this.#send('message', p.message, (f) =>
          this.api.postMessage(
            {
              channel: p.channel,
              text: f.text,
              blocks: f.blocks,
              ...(p.threadTs ? { threadTs: p.threadTs } : {}),
              ...(p.metadata ? { metadata: p.metadata } : {}),
              ...(p.markerId ? { markerId: p.markerId } : {}),
              ...(p.sinceMs !== undefined ? { sinceMs: p.sinceMs } : {}),
            },
            { waitOnRateLimit: false },
          ),
        ),
      );
      posted = sent.result;
      form = sent.form;
    } catch (err) {
      failure = err;
    }
    const due: SlackFile | undefined =
      failure !== undefined && p.attachOnFailure === false
        ? undefined
        : form?.cut || failure !== undefined || p.alwaysAttach
          ? (form?.file ?? p.message.file ?? (failure !== undefined ? minimalMessage(p.message).file : undefined))
          : p.message.file;
    const file = due ? await this.#attach(p, posted, due) : 'none';
    return posted && failure === undefined ? { posted, file } : { error: failure ?? new Error('no answer from Slack'), file };
  }

  /** Uploads `due` into the post's thread (else the thread asked for, else the channel). */
  async #attach(p: OutboxPost, posted: PostedMessage | undefined, due: SlackFile): Promise<'uploaded' | 'failed'> {
    const thread = p.threadTs ?? posted?.ts;
    try {
      await this.api.uploadFile({
        channel: posted?.channel ?? p.channel,
        ...(thread ? { threadTs: thread } : {}),
        filename: due.filename,
        title: due.title,
        content: due.content,
        ...(p.fileComment ? { comment: p.fileComment } : {}),
      });
      return 'uploaded';
    } catch (err) {
      this.#log.warn({ err, channel: p.channel }, 'could not upload the full content as a file');
      return 'failed';
    }
  }

  /**
   * Whether Slack already has the post with marker p.markerId (an earlier attempt whose answer was lost).
   * `unsearchable`: the channel could not be searched (`permanent`: and never will be, e.g. missing_scope).
   */
  async #lookUp(p: OutboxPost & { markerId: string; sinceMs: number }): Promise<PostedMessage | undefined | { unsearchable: unknown; permanent: boolean }> {
    try {
      return await this.findPosted({ channel: p.channel, threadTs: p.threadTs, eventType: p.metadata?.event_type, id: p.markerId, sinceMs: p.sinceMs });
    } catch (err) {
      const permanent = isPermanentSlackFailure(slackFailureOf(err));
      this.#log.warn(
        { err, channel: p.channel, permanent },
        'could not search the channel for a post whose answer was lost: it is not sent again until the search says Slack does not have it',
      );
      return { unsearchable: err, permanent };
    }
  }

  /**
   * The post carrying marker `q.id` in the channel (thread) since `q.sinceMs` (SlackApi.findPost): for a caller
   * that keeps a marker across deliveries and must know whether an earlier one was taken. Throws when the channel
   * cannot be searched.
   */
  findPosted(q: PostLookup): Promise<PostedMessage | undefined> {
    return this.api.findPost(q);
  }

  /**
   * Posts a message that must not be lost (an alert, a command's reply, a thread note, the digest): a permanent
   * refusal (channel_not_found, not_in_channel, invalid_auth, … — isPermanentSlackFailure) gives up at once; a
   * transient failure (5xx, network, 429s beyond the post queue's patience, service_unavailable …) is tried again
   * with a growing pause (giveUpAfterMs / 16, at most 5 s, doubling, at most 60 s) until giveUpAfterMs has passed
   * since the first attempt. The pause is this caller's alone: the post waits outside the post queue, so other
   * posts (other channels, other threads) go on. Giving up is never silent: an error log line with Slack's code
   * and what a person must do, buildfix_slack_posts_failed_total{reason}, an entry `buildfix status` lists, and
   * the result's `undelivered` for the caller to record where it belongs (the incident's timeline). Never throws.
   *
   * Never posted twice on purpose: every attempt carries the same marker in its metadata, and after a failure
   * Slack may have carried out anyway (HTTP 5xx, a lost connection, internal_error — mayHaveBeenPosted) the next
   * attempt first searches the channel (thread) for the marker: found, that message is the answer; the search
   * fails, nothing is sent and the search is tried again at the next pause (given up as usual at the bound).
   * A caller that keeps the marker across deliveries (a pre-flight alert, stored in Redis) passes it with
   * `searchFirst`, so the first attempt of this delivery is that search.
   * The file of a post that was cut is uploaded with the post that goes through; none on failure.
   */
  async deliver(p: OutboxPost, label: DeliveryLabel): Promise<DeliverResult> {
    const started = Date.now();
    const q = { ...p, attachOnFailure: false, markerId: p.markerId ?? randomUUID(), sinceMs: p.sinceMs ?? started };
    const first = Math.min(5000, Math.max(250, Math.floor(this.giveUpAfterMs / 16)));
    const cap = Math.max(first, Math.min(60_000, Math.floor(this.giveUpAfterMs / 4)));
    const stop = p.signal ? AbortSignal.any([this.#closing.signal, p.signal]) : this.#closing.signal;
    /** The last failure after which Slack may have the post: the next attempt searches before it posts. */
    let unsure: unknown = p.searchFirst ? EARLIER_ATTEMPT : undefined;
    for (let attempt = 1; ; attempt++) {
      let res: OutboxPostResult | undefined;
      let unsearchable = false;
      if (unsure !== undefined) {
        const found = await this.#lookUp(q);
        if (found && 'unsearchable' in found) {
          // Before any attempt of this delivery, the search's own failure is all there is to report.
          res = { error: unsure === EARLIER_ATTEMPT ? found.unsearchable : unsure, file: 'none' };
          unsearchable = found.permanent;
        } else if (found) {
          this.#log.info(
            { channel: p.channel, what: label.what, attempts: attempt - 1, ts: found.ts },
            `${label.what}: Slack had taken it although its answer was lost; not posting it again`,
          );
          const fitted = this.fit(p.message);
          const due = fitted.cut || p.alwaysAttach ? (fitted.file ?? p.message.file) : p.message.file;
          return { posted: found, file: due ? await this.#attach(p, found, due) : 'none' };
        } else unsure = undefined;
      }
      res ??= await this.post(q);
      if (res.posted) {
        if (attempt > 1) this.#log.info({ channel: p.channel, what: label.what, attempts: attempt }, `${label.what} posted after ${attempt} attempts`);
        return res;
      }
      const failure = slackFailureOf(res.error);
      if (mayHaveBeenPosted(failure) && unsure !== EARLIER_ATTEMPT) unsure = res.error;
      const permanent = isPermanentSlackFailure(failure);
      const pause = Math.min(cap, first * 2 ** (attempt - 1));
      const maybe = unsure !== undefined;
      if (stop.aborted && p.resumedAfterRestart) return this.#stopped(p, label, res, attempt);
      if (permanent || unsearchable || Date.now() + pause - started > this.giveUpAfterMs || stop.aborted)
        return this.#gaveUp(p, res, await this.#giveUp(p, label, failure, slackFailureReason(failure), permanent, attempt, maybe), maybe);
      this.#log.warn(
        { channel: p.channel, what: label.what, reason: slackFailureReason(failure), attempt, retryInMs: pause, maybePosted: maybe },
        `${label.what} not posted yet (${slackFailureReason(failure)}): trying again`,
      );
      await abortableSleep(pause, stop);
      if (stop.aborted && p.resumedAfterRestart) return this.#stopped(p, label, res, attempt);
      if (stop.aborted) return this.#gaveUp(p, res, await this.#giveUp(p, label, failure, 'shutdown', false, attempt, maybe), maybe);
    }
  }

  /** A delivery the caller resumes after a restart (same marker, searched for first): said in the log, not reported as undelivered. */
  #stopped(p: OutboxPost, label: DeliveryLabel, res: OutboxPostResult, attempts: number): DeliverResult {
    this.#log.warn(
      { channel: p.channel, what: label.what, reason: slackFailureReason(slackFailureOf(res.error)), attempts },
      `${label.what} not posted yet and buildfix is stopping: it is delivered after the restart (the channel is searched for it first)`,
    );
    return { ...res, stopped: true };
  }

  /** A post given up on that must keep its file (alwaysAttach: an incident's archived report) still uploads it, once. */
  async #gaveUp(p: OutboxPost, res: OutboxPostResult, undelivered: UndeliveredPost, maybePosted: boolean): Promise<DeliverResult> {
    const due = p.alwaysAttach ? (p.message.file ?? this.fit(p.message).file) : undefined;
    return { ...res, file: due ? await this.#attach(p, undefined, due) : res.file, undelivered, maybePosted };
  }

  async #giveUp(
    p: Pick<OutboxPost, 'channel' | 'message'>,
    label: DeliveryLabel,
    failure: ReturnType<typeof slackFailureOf>,
    reason: string,
    permanent: boolean,
    attempts: number,
    maybePosted = false,
  ): Promise<UndeliveredPost> {
    const action =
      (reason === 'shutdown'
        ? `buildfix stopped while Slack was failing (last: ${slackFailureReason(failure)}); the post is not retried after a restart`
        : postFailureAction(failure, p.channel)) +
      (maybePosted
        ? '; Slack may have shown it anyway (an answer was lost and buildfix could not confirm either way): look in the channel before repeating it'
        : '');
    const what = redactText(label.what);
    const post: UndeliveredPost = {
      at: new Date().toISOString(),
      channel: p.channel,
      what,
      reason,
      permanent,
      action,
      attempts,
      ...(label.incident !== undefined ? { incident: label.incident } : {}),
      text: redactText(p.message.text).slice(0, 200),
    };
    this.#log.error(
      { channel: p.channel, what, slackError: failure.kind === 'platform' ? failure.error : undefined, reason, permanent, attempts, action },
      `${what} NOT delivered to Slack (${reason}${permanent ? '' : `, gave up after ${attempts} attempts`}): ${action}`,
    );
    metrics.slackPostFailed(reason);
    // Bounded: a Redis that does not answer (or a state directory that hangs) must not hold up the caller that gave up.
    const recorded = await Promise.race([
      this.undelivered.record(post).then(
        () => true,
        (err: unknown) => (this.#log.warn({ err }, 'could not record the undelivered post for buildfix status'), true),
      ),
      new Promise<false>((resolve) => setTimeout(() => resolve(false), RECORD_TIMEOUT_MS).unref()),
    ]);
    if (!recorded)
      this.#log.warn({ timeoutMs: RECORD_TIMEOUT_MS }, 'recording the undelivered post for buildfix status is taking too long: not waiting for it');
    return post;
  }

  /**
   * Edits a message through the edit scheduler (edit-scheduler.ts): only its latest state is pending,
   * a 429 is waited out there and not by the caller, progress edits over the budget are skipped.
   * Fitted and retried smaller on a refusal like a post; a cut edit carries no file (edits are
   * status and alerts, whose full content is posted elsewhere). Never rejects: failures are logged.
   */
  update(args: { channel: string; ts: string; message: SlackMessage }, kind: EditKind = 'final'): Promise<void> {
    return this.edits.submit(`${args.channel}:${args.ts}`, kind, async () => {
      await this.#send('edit', args.message, (f) =>
        this.api.update({ channel: args.channel, ts: args.ts, text: f.text, blocks: f.blocks }, { waitOnRateLimit: false }),
      );
    });
  }

  close(): void {
    this.#closing.abort();
    this.edits.close();
    this.posts.close();
  }
}
