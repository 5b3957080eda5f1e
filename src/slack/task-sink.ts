/**
 * Where the work after an ack runs. InlineTaskSink runs it in this thread
 * (the SlackFront, reply recovery, the bot identity); ThreadTaskSink runs an
 * InlineTaskSink in a worker thread, so rendering, Redis, Web API calls and
 * in-process jobs never delay the next ack.
 */
import type { Dispatcher } from '../jobs/dispatcher.ts';
import { handleButton } from './listeners/actions/run-command-action.ts';
import { handleSlashCommand } from './listeners/commands/buildfix-command.ts';
import { handleMention } from './listeners/events/app-mention.ts';
import { startReplyRecovery, type ReplyRecovery } from './reply-recovery.ts';
import { AUTH_ERRORS, isSlackCallError } from './slack-errors.ts';
import type { SlackFront } from './slack-front.ts';
import type { SlackTask } from './slack-task.ts';

export interface TaskSink {
  handle(task: SlackTask): void;
  /** Let running handlers finish for up to graceMs, hand the rest to other replicas, release everything. */
  close(graceMs: number): Promise<void>;
}

export function runSlackTask(front: SlackFront, task: SlackTask): Promise<void> {
  switch (task.kind) {
    case 'command':
      return handleSlashCommand(front, task);
    case 'mention':
      return handleMention(front, task);
    case 'button':
      return handleButton(front, task.body, task.action);
  }
}

export interface InlineTaskSinkOptions {
  front: SlackFront;
  dispatcher: Dispatcher;
  /** Reply-recovery lease (default 30 s). */
  leaseMs?: number;
  /** Closes the dispatcher and the store on close (the sink owns them). */
  owns?: boolean;
  /** Run on close after the running handlers drained (pre-flight alerts and their connections). */
  onClose?: () => Promise<void>;
}

export class InlineTaskSink implements TaskSink {
  readonly front: SlackFront;
  readonly #o: InlineTaskSinkOptions;
  #recovery: ReplyRecovery | undefined;
  #identityTimer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: InlineTaskSinkOptions) {
    this.#o = options;
    this.front = options.front;
  }

  /** Starts reply recovery and learns the bot's identity in the background (never blocks start-up). */
  start(): void {
    this.#recovery = startReplyRecovery({
      front: this.front,
      dispatcher: this.#o.dispatcher,
      ...(this.#o.leaseMs !== undefined ? { leaseMs: this.#o.leaseMs } : {}),
    });
    void this.#resolveIdentity();
  }

  async #resolveIdentity(): Promise<void> {
    const log = this.front.logger;
    try {
      this.front.identity = await this.front.api.authTest();
      log.info({ botUserId: this.front.identity.userId, teamId: this.front.identity.teamId }, 'Slack bot identity known');
    } catch (err) {
      const code = isSlackCallError(err) ? err.slackError : undefined;
      if (code && AUTH_ERRORS.has(code))
        log.error({ slackError: code }, 'SLACK_BOT_TOKEN is not valid: reinstall the app and update the token; buildfix cannot post until then');
      else log.warn({ err }, 'auth.test failed; retrying in 30 s');
      if (!this.#closed) {
        this.#identityTimer = setTimeout(() => void this.#resolveIdentity(), 30_000);
        this.#identityTimer.unref();
      }
    }
  }

  handle(task: SlackTask): void {
    this.front.background(task.kind, () => runSlackTask(this.front, task));
  }

  async close(graceMs: number): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#identityTimer) clearTimeout(this.#identityTimer);
    const drained = await this.front.drain(graceMs);
    if (!drained) this.front.logger.info({ running: this.front.inFlight }, 'handing the replies of running jobs to the other replicas');
    // Edits still pending (a final status held back by a 429) go out if Slack lets them within the grace.
    await this.front.outbox.edits.flush(Math.min(2000, graceMs));
    await this.#o.onClose?.().catch((err: unknown) => this.front.logger.warn({ err }, 'closing failed'));
    this.front.outbox.close();
    this.front.freeze();
    await this.#recovery?.stop(true);
    if (this.#o.owns) {
      await this.#o.dispatcher.close();
      await this.front.store.close();
    }
  }
}
