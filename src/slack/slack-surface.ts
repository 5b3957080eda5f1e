/**
 * Slack as a ChatSurface for one command: the first visible message is
 * posted in the channel and becomes the thread (unless the command came
 * from a thread, which it then joins); everything after goes in that thread.
 * Status edits are chat.update calls (the router throttles them to
 * updateIntervalMs); whispers go to the response_url when there is one
 * (works even where the bot is not a member), else chat.postEphemeral.
 *
 * A status message with a job id is recorded as a pending reply in the
 * shared state store, and the result is posted under a claim on the job id:
 * if this replica dies, another one posts the result exactly once.
 */
import type { ChatMessage, ChatSurface, MessageHandle } from '../chat/chat-surface.ts';
import { BuildfixError } from '../errors.ts';
import type { ReplyTo } from '../jobs/job-types.ts';
import type { Logger } from '../logger.ts';
import { renderSlackMessage } from './blocks/render-slack-message.ts';
import type { RenderContext } from './blocks/slack-message.ts';
import type { SlackOutbox } from './outbox/slack-outbox.ts';
import type { UndeliveredPost } from './outbox/undelivered.ts';
import type { SlackApi } from './slack-api.ts';
import { AUTH_ERRORS, CHANNEL_ERRORS, isSlackCallError } from './slack-errors.ts';
import { replyKey, type SlackStateStore } from './state-store.ts';

/** How long a result claim (exactly-once post) is remembered: as long as outcomes are kept. */
export const RESULT_CLAIM_SECONDS = 24 * 3600;

export interface SlackSurfaceOptions {
  api: SlackApi;
  /** Every post and edit goes through it (message budget, files, refusals). */
  outbox: SlackOutbox;
  store: SlackStateStore;
  logger: Logger;
  render: RenderContext;
  /** This replica's id: owner of the pending replies it records. */
  replicaId: string;
  channel: string;
  /** Join this thread (a mention inside a thread, a button in a thread); undefined: the first post starts one. */
  threadTs?: string | undefined;
  /** Who asked: the target of whispers. */
  userId: string;
  /** Slash command or button response_url (ephemeral replies). */
  responseUrl?: string | undefined;
  /** The command as the grammar spells it (for a replica that adopts the job). */
  commandText?: string | undefined;
  /** Minimum ms between two status edits (default 1500: chat.update is a Tier 3 method). */
  updateIntervalMs?: number;
  /** True once this process is shutting down: nothing more is posted from here. */
  isFrozen?: () => boolean;
}

export class SlackSurface implements ChatSurface {
  readonly updateIntervalMs: number;
  readonly localFiles = false;
  readonly channel: string;
  readonly userId: string;
  #threadTs: string | undefined;
  readonly #o: SlackSurfaceOptions;
  readonly #log: Logger;
  /** Status message ts → title, for the pending-reply record. */
  #statusTitles = new Map<string, string>();
  /** Set once a post was given up on (SlackOutbox.deliver): later posts of this conversation are not attempted. */
  #gaveUp: unknown;

  constructor(options: SlackSurfaceOptions) {
    this.#o = options;
    this.channel = options.channel;
    this.userId = options.userId;
    this.#threadTs = options.threadTs;
    this.updateIntervalMs = options.updateIntervalMs ?? 1500;
    this.#log = options.logger.child({ channel: options.channel, user: options.userId });
  }

  get threadTs(): string | undefined {
    return this.#threadTs;
  }

  get replyTo(): ReplyTo {
    return { surface: 'slack', channel: this.channel, ...(this.#threadTs ? { threadTs: this.#threadTs } : {}) };
  }

  #checkFrozen(): void {
    if (this.#o.isFrozen?.()) throw new BuildfixError('BF_INTERNAL', 'this buildfix replica is shutting down; another replica takes over the reply');
  }

  async post(message: ChatMessage): Promise<MessageHandle> {
    this.#checkFrozen();
    // The thread is known once a status message was posted; a result always follows one.
    const resultKey =
      message.kind === 'result' && this.#threadTs ? replyKey({ jobId: message.outcome.jobId, channel: this.channel, threadTs: this.#threadTs }) : undefined;
    if (resultKey) {
      const first = await this.#o.store.claim(`result:${resultKey}`, RESULT_CLAIM_SECONDS);
      if (!first) {
        this.#log.info({ jobId: resultKey }, 'result already posted by another replica');
        await this.#o.store.finishReply(resultKey);
        return { id: '' };
      }
    }
    if (this.#gaveUp !== undefined) {
      // An earlier post of this conversation was given up on (logged at error, counted, listed by status):
      // what follows it (the router's "… failed" note) would only fail the same way and be reported twice.
      this.#log.info({ kind: message.kind }, 'not posting: an earlier post of this reply was given up on');
      throw this.#gaveUp;
    }
    const rendered = renderSlackMessage(message, this.#o.render);
    // The outbox fits the message, retries it smaller if Slack refuses it, uploads what was cut, and retries
    // transient failures (5xx, lost answers, long rate limits) until slack.postGiveUpAfter without posting twice.
    // The root-cause line (a classified log) goes ahead of other threads' chatter when the channel is rate limited.
    const res = await this.#o.outbox.deliver(
      {
        channel: this.channel,
        threadTs: this.#threadTs,
        message: rendered,
        ...(message.kind === 'explanation' ? { urgent: true } : {}),
      },
      { what: this.#label(message) },
    );
    if (!res.posted) {
      this.#gaveUp = res.error;
      await this.#reportPostFailure(res.error, res.undelivered);
      throw res.error;
    }
    const posted = res.posted.ts;
    if (!this.#threadTs) this.#threadTs = posted;
    if (message.kind === 'status' && message.jobId) {
      this.#statusTitles.set(posted, message.title);
      await this.#o.store.trackReply({
        jobId: message.jobId,
        channel: this.channel,
        threadTs: this.#threadTs,
        statusTs: posted,
        commandText: this.#o.commandText ?? message.title,
        title: message.title,
        ...(message.requestedBy ? { requestedBy: message.requestedBy } : {}),
        owner: this.#o.replicaId,
        at: Date.now(),
      });
    }
    if (resultKey) await this.#o.store.finishReply(resultKey);
    return { id: posted };
  }

  /** What the post is, for the error log and `status`: "result of `diagnose payments`", "reply (status) to …". */
  #label(message: ChatMessage): string {
    const command = this.#o.commandText ? `\`${this.#o.commandText.slice(0, 80)}\`` : undefined;
    const kind =
      message.kind === 'status' ? 'status message' : message.kind === 'result' ? 'result' : message.kind === 'cluster-status' ? 'status report' : message.kind;
    const where = this.#threadTs ? ' (thread reply)' : '';
    return command ? `${kind} of ${command}${where}` : `${kind}${where}`;
  }

  // Where the bot cannot post, tell the person through the response_url, which needs no membership.
  async #reportPostFailure(err: unknown, undelivered: UndeliveredPost | undefined): Promise<void> {
    if (!isSlackCallError(err)) return;
    const code = err.slackError;
    if (code && AUTH_ERRORS.has(code)) this.#log.error({ slackError: code }, 'the Slack bot token is not valid: reinstall the app and update SLACK_BOT_TOKEN');
    else if (code && CHANNEL_ERRORS.has(code)) this.#log.warn({ slackError: code }, 'cannot post in this channel');
    if (!this.#o.responseUrl) return;
    const known = code !== undefined && (AUTH_ERRORS.has(code) || CHANNEL_ERRORS.has(code));
    const text = known
      ? `⚠️ ${err.message}`
      : `⚠️ ${err.message}; buildfix gave up${undelivered && undelivered.attempts > 1 ? ` after ${undelivered.attempts} attempts` : ''} (\`/buildfix status\` lists it)${/may have shown it/.test(undelivered?.action ?? '') ? '; it may have been posted once anyway' : ''}`;
    await this.#o.api
      .respond(this.#o.responseUrl, { response_type: 'ephemeral', replace_original: false, text })
      .catch((e: unknown) => this.#log.warn({ err: e }, 'could not report the failure through response_url'));
  }

  /** Edits never throw: a lost progress edit must not turn a finished job into a failure. */
  async update(handle: MessageHandle, message: ChatMessage): Promise<void> {
    if (!handle.id || this.#o.isFrozen?.()) return;
    const rendered = renderSlackMessage(message, this.#o.render);
    // Progress may be skipped or coalesced by the edit scheduler; a final state is always sent, but nobody waits out a 429 for it.
    const kind = message.kind === 'status' && (message.state === 'queued' || message.state === 'running') ? 'progress' : 'final';
    await this.#o.outbox.update({ channel: this.channel, ts: handle.id, message: rendered }, kind);
  }

  async whisper(message: ChatMessage): Promise<void> {
    this.#checkFrozen();
    // Ephemeral answers cannot carry a file: fitted to the budget, with the note saying what was left out.
    const rendered = this.#o.outbox.fit(renderSlackMessage(message, this.#o.render));
    if (this.#o.responseUrl) {
      try {
        await this.#o.api.respond(this.#o.responseUrl, { response_type: 'ephemeral', replace_original: false, text: rendered.text, blocks: rendered.blocks });
        return;
      } catch (err) {
        this.#log.info({ err }, 'response_url failed; falling back to chat.postEphemeral');
      }
    }
    try {
      await this.#o.api.postEphemeral({
        channel: this.channel,
        user: this.userId,
        text: rendered.text,
        blocks: rendered.blocks,
        ...(this.#threadTs ? { threadTs: this.#threadTs } : {}),
      });
    } catch (err) {
      this.#log.warn({ err }, 'could not whisper to the user');
    }
  }

  /** Slack confirms with buttons later (a `confirm` message), never inline. */
  async askConfirmation(): Promise<undefined> {
    return undefined;
  }
}
