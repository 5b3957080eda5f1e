/**
 * What the listeners share: the router, the Slack API, the state store, the
 * bot's identity, a surface factory, and the set of handlers still running
 * (so shutdown can wait for them). Transport-free: no HTTP here.
 */
import type { Requester } from '../chat/chat-surface.ts';
import type { CommandRouter } from '../chat/command-router.ts';
import type { Command } from '../chat/parse-command.ts';
import { guardedActionOf } from '../chat/permissions.ts';
import type { Config } from '../config/load-config.ts';
import type { Logger } from '../logger.ts';
import type { RenderContext } from './blocks/slack-message.ts';
import type { SlackOutbox } from './outbox/slack-outbox.ts';
import type { AuthIdentity, SlackApi } from './slack-api.ts';
import { SlackSurface, type SlackSurfaceOptions } from './slack-surface.ts';
import type { SlackStateStore } from './state-store.ts';
import type { UserGroupResolver } from './user-groups.ts';

/** Deliveries and clicks are remembered this long (Slack retries for up to ~5 minutes). */
export const DEDUP_SECONDS = 3600;

export interface SlackFrontOptions {
  config: Config;
  router: CommandRouter;
  api: SlackApi;
  outbox: SlackOutbox;
  store: SlackStateStore;
  groups: UserGroupResolver;
  logger: Logger;
  replicaId: string;
  updateIntervalMs?: number;
}

export type SurfaceSpec = Pick<SlackSurfaceOptions, 'channel' | 'threadTs' | 'userId' | 'responseUrl' | 'commandText'>;

export class SlackFront {
  readonly config: Config;
  readonly router: CommandRouter;
  readonly api: SlackApi;
  readonly outbox: SlackOutbox;
  readonly store: SlackStateStore;
  readonly groups: UserGroupResolver;
  readonly logger: Logger;
  readonly replicaId: string;
  readonly render: RenderContext;
  identity: AuthIdentity | undefined;
  #frozen = false;
  readonly #inFlight = new Set<Promise<void>>();
  readonly #updateIntervalMs: number | undefined;

  constructor(options: SlackFrontOptions) {
    this.config = options.config;
    this.router = options.router;
    this.api = options.api;
    this.outbox = options.outbox;
    this.store = options.store;
    this.groups = options.groups;
    this.logger = options.logger;
    this.replicaId = options.replicaId;
    this.render = { config: options.config };
    this.#updateIntervalMs = options.updateIntervalMs;
  }

  get frozen(): boolean {
    return this.#frozen;
  }

  /** From now on nothing is posted from this process (shutdown: other replicas adopt the replies). */
  freeze(): void {
    this.#frozen = true;
  }

  surface(spec: SurfaceSpec): SlackSurface {
    return new SlackSurface({
      ...spec,
      api: this.api,
      outbox: this.outbox,
      store: this.store,
      logger: this.logger,
      render: this.render,
      replicaId: this.replicaId,
      isFrozen: () => this.#frozen,
      ...(this.#updateIntervalMs !== undefined ? { updateIntervalMs: this.#updateIntervalMs } : {}),
    });
  }

  /** Who asked, with their user groups when the command is guarded and the config names groups. */
  async requester(userId: string, label: string | undefined, command: Command): Promise<Requester> {
    const groups = guardedActionOf(command) && this.groups.needed ? await this.groups.groupsOf(userId) : [];
    return { userId, groups, ...(label ? { label } : {}) };
  }

  /** Runs work after the ack; errors are logged, never thrown into Bolt. */
  background(what: string, fn: () => Promise<void>): void {
    const p: Promise<void> = fn()
      .catch((err: unknown) => {
        if (!this.#frozen) this.logger.error({ err, what }, 'Slack handler failed');
      })
      .finally(() => this.#inFlight.delete(p));
    this.#inFlight.add(p);
  }

  get inFlight(): number {
    return this.#inFlight.size;
  }

  /** Resolves when every running handler has finished, or after timeoutMs. */
  async drain(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const all = (async (): Promise<true> => {
      while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
      return true;
    })();
    const done = await Promise.race([all, timeout]);
    clearTimeout(timer);
    return done;
  }
}
