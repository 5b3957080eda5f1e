/**
 * The order posts leave for Slack, per channel, when they cannot all go at
 * once (chat.postMessage is limited per channel: about one a second, with
 * short bursts). Two lanes:
 *
 * - urgent: a new top-level message (an incident's alert, a new
 *   conversation) and a post the caller marks urgent (the root-cause line);
 * - thread: every other thread reply (progress, routing notes, results).
 *
 * When a post is waiting, the oldest urgent one goes first, so at 2 a.m. a
 * new incident's alert is not stuck behind older threads' chatter. Within a
 * thread the order of posts is kept (a post waits until every earlier post
 * to its thread has gone, whatever its lane), and nothing is dropped.
 * A 429 is waited out here, not inside the send (Slack did not carry out the
 * call), so after the wait the queue picks again by lane. The wait is the
 * channel's own (Slack limits posts per channel): other channels keep posting.
 */
import type { Logger } from '../../logger.ts';

export type PostLane = 'urgent' | 'thread';

export interface PostQueueOptions {
  logger: Logger;
  /** ms before chat.postMessage may be called again in this channel after a 429 (0: now). */
  rateLimitedFor: (channel: string) => number;
  /** The send failed with a 429 that Slack did not carry out: wait and send again. */
  isRateLimited: (err: unknown) => boolean;
  /** Posts in flight at once per channel (default 4). */
  maxInFlightPerChannel?: number;
  /** 429s one post waits out before it fails (default 30). */
  maxRateLimitedRounds?: number;
}

interface Item {
  seq: number;
  lane: PostLane;
  /** The thread whose order it keeps (a top-level post is its own). */
  thread: string;
  rounds: number;
  send: () => Promise<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

interface ChannelState {
  waiting: Item[];
  inFlight: number;
  busyThreads: Set<string>;
  timer?: NodeJS.Timeout | undefined;
}

export class PostQueue {
  readonly #o: PostQueueOptions;
  readonly #log: Logger;
  readonly #channels = new Map<string, ChannelState>();
  #seq = 0;
  #closed = false;

  constructor(options: PostQueueOptions) {
    this.#o = options;
    this.#log = options.logger.child({ component: 'slack-post-queue' });
  }

  /** Sends `send` when its turn comes; resolves or rejects with what it did. */
  enqueue<T>(channel: string, threadTs: string | undefined, lane: PostLane, send: () => Promise<T>): Promise<T> {
    const seq = ++this.#seq;
    return new Promise<T>((resolve, reject) => {
      const state = this.#state(channel);
      state.waiting.push({
        seq,
        lane,
        thread: threadTs ?? `top:${seq}`,
        rounds: 0,
        send,
        resolve: resolve as (v: unknown) => void,
        reject,
      });
      this.#pump(channel);
    });
  }

  /** Posts waiting (not yet sent or waiting out a 429) in a channel. */
  waiting(channel: string): number {
    return this.#channels.get(channel)?.waiting.length ?? 0;
  }

  #state(channel: string): ChannelState {
    let s = this.#channels.get(channel);
    if (!s) {
      s = { waiting: [], inFlight: 0, busyThreads: new Set() };
      this.#channels.set(channel, s);
    }
    return s;
  }

  /** The next post that may go: urgent first, oldest first, never ahead of an earlier post to its thread. */
  #next(s: ChannelState): Item | undefined {
    const firstOfThread = new Set<number>();
    const seen = new Set<string>();
    for (const item of [...s.waiting].sort((a, b) => a.seq - b.seq)) {
      if (seen.has(item.thread)) continue;
      seen.add(item.thread);
      if (!s.busyThreads.has(item.thread)) firstOfThread.add(item.seq);
    }
    // Oldest first in each lane (a post back from a 429 keeps its place).
    const eligible = s.waiting.filter((i) => firstOfThread.has(i.seq)).sort((a, b) => a.seq - b.seq);
    return eligible.find((i) => i.lane === 'urgent') ?? eligible[0];
  }

  #pump(channel: string): void {
    const s = this.#channels.get(channel);
    if (!s || s.timer) return;
    const max = this.#o.maxInFlightPerChannel ?? 4;
    while (s.inFlight < max && s.waiting.length > 0) {
      const wait = this.#o.rateLimitedFor(channel);
      if (wait > 0 && !this.#closed) {
        s.timer = setTimeout(() => {
          s.timer = undefined;
          this.#pump(channel);
        }, wait);
        return;
      }
      const item = this.#next(s);
      if (!item) return;
      s.waiting.splice(s.waiting.indexOf(item), 1);
      s.inFlight++;
      s.busyThreads.add(item.thread);
      void this.#run(channel, s, item);
    }
  }

  async #run(channel: string, s: ChannelState, item: Item): Promise<void> {
    try {
      item.resolve(await item.send());
    } catch (err) {
      const max = this.#o.maxRateLimitedRounds ?? 30;
      if (this.#o.isRateLimited(err) && item.rounds < max && !this.#closed) {
        item.rounds++;
        this.#log.info({ channel, lane: item.lane, round: item.rounds, waitingPosts: s.waiting.length + 1 }, 'Slack rate limit: the post waits its turn');
        // Back in line at its own place: it keeps its turn in its thread and its lane.
        s.waiting.push(item);
      } else item.reject(err);
    } finally {
      s.inFlight--;
      s.busyThreads.delete(item.thread);
      this.#pump(channel);
    }
  }

  /** Stops waiting out rate limits: what is queued is sent now (a 429 then fails it). */
  close(): void {
    this.#closed = true;
    for (const [channel, s] of this.#channels) {
      if (s.timer) clearTimeout(s.timer);
      s.timer = undefined;
      this.#pump(channel);
    }
  }
}
