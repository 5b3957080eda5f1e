/**
 * Pre-flight alerts in the incident channel, through the Slack outbox: one
 * message per scope (a check of a repo, or a host-level check), whatever the
 * number of agents reporting it. It is posted when the first agent reports
 * a problem that breaks the next build, edited in place (chat.update) when
 * agents or problems change, and edited to "resolved" when every agent is
 * healthy again; a later problem posts a new alert. The scope's record in
 * the store (channel, ts, state, digest of what the message shows) is what
 * keeps it to one message, also across serve replicas (a per-scope lock).
 *
 * Change feed: in Redis mode the workers append changed scopes to a stream
 * that a consumer group reads here (one replica handles each entry); in
 * in-process mode the memory store calls back.
 */
import type { Redis } from 'ioredis';
import type { Logger } from '../logger.ts';
import type { SlackMessage } from '../slack/blocks/slack-message.ts';
import type { OutboxPostResult } from '../slack/outbox/slack-outbox.ts';
import type { PreflightKeys } from './keys.ts';
import { renderPreflightAlert } from './render.ts';
import type { AgentProblems } from './types.ts';
import type { PreflightStore } from './store.ts';

/** What the alerter needs of the Slack outbox. */
export interface AlertOutbox {
  post(p: { channel: string; message: SlackMessage }): Promise<OutboxPostResult>;
  update(args: { channel: string; ts: string; message: SlackMessage }): Promise<void>;
}

export type AlertAction = 'posted' | 'updated' | 'resolved' | 'unchanged' | 'busy' | 'no-channel' | 'failed';

export interface PreflightAlerterOptions {
  store: PreflightStore;
  outbox: AlertOutbox;
  /** INCIDENT_CHANNEL; unset: nothing is posted (said once in the log). */
  channel: string | undefined;
  logger: Logger;
}

function digestOf(problems: readonly AgentProblems[]): string {
  return JSON.stringify(problems.map((p) => [p.agent, p.findings.map((f) => [f.key, f.message])]));
}

export class PreflightAlerter {
  readonly #o: PreflightAlerterOptions;
  readonly #log: Logger;
  #warned = false;

  constructor(options: PreflightAlerterOptions) {
    this.#o = options;
    this.#log = options.logger.child({ component: 'preflight-alerts' });
  }

  /** Brings one scope's alert in line with what the agents report now. */
  async sync(scope: string): Promise<AlertAction> {
    const channel = this.#o.channel;
    if (!channel) {
      if (!this.#warned) this.#log.warn('INCIDENT_CHANNEL is not set: pre-flight findings are recorded (buildfix status), but no alert is posted');
      this.#warned = true;
      return 'no-channel';
    }
    const store = this.#o.store;
    let token: string | undefined;
    for (let i = 0; i < 50 && !token; i++) {
      token = await store.lockAlert(scope, 30_000);
      if (!token) await new Promise((r) => setTimeout(r, 100));
    }
    if (!token) return 'busy';
    try {
      const problems = await store.problems(scope);
      const record = await store.alert(scope);
      const digest = digestOf(problems);
      const now = new Date().toISOString();
      if (problems.length > 0) {
        if (!record || record.state === 'resolved') {
          const posted = await this.#o.outbox.post({ channel, message: renderPreflightAlert(scope, problems, { openedAt: now }) });
          if (!posted.posted) {
            this.#log.warn({ scope, err: posted.error }, 'could not post the pre-flight alert (is the bot in INCIDENT_CHANNEL?)');
            return 'failed';
          }
          await store.setAlert(scope, { state: 'open', channel: posted.posted.channel, ts: posted.posted.ts, openedAt: now, digest });
          this.#log.info({ scope, agents: problems.map((p) => p.agent) }, 'pre-flight alert posted');
          return 'posted';
        }
        if (record.digest === digest) return 'unchanged';
        await this.#o.outbox.update({ channel: record.channel, ts: record.ts, message: renderPreflightAlert(scope, problems, { openedAt: record.openedAt }) });
        await store.setAlert(scope, { ...record, digest });
        return 'updated';
      }
      if (!record || record.state === 'resolved') return 'unchanged';
      await this.#o.outbox.update({
        channel: record.channel,
        ts: record.ts,
        message: renderPreflightAlert(scope, [], { openedAt: record.openedAt, resolvedAt: now }),
      });
      await store.setAlert(scope, { ...record, state: 'resolved', resolvedAt: now, digest });
      this.#log.info({ scope }, 'pre-flight alert resolved');
      return 'resolved';
    } finally {
      await store.unlockAlert(scope, token).catch(() => undefined);
    }
  }
}

export interface AlertConsumer {
  /** Resolves once the consumer group exists. */
  ready: Promise<void>;
  close(): Promise<void>;
}

const GROUP = 'preflight-alerts';

/**
 * Reads the workers' change stream as one consumer of the group (its own
 * unacknowledged entries first, after a restart), syncs each scope once
 * per batch, then acknowledges. `redis` is a blocking connection owned here.
 */
export function consumeAlertChanges(options: {
  redis: Redis;
  keys: PreflightKeys;
  consumer: string;
  alerter: PreflightAlerter;
  logger: Logger;
}): AlertConsumer {
  const { redis, keys, alerter } = options;
  let stopped = false;
  const ready = redis.xgroup('CREATE', keys.changes, GROUP, '$', 'MKSTREAM').then(
    () => undefined,
    (err: unknown) => {
      if (!String(err).includes('BUSYGROUP')) throw err;
    },
  );
  ready.catch(() => {});
  const loop = (async () => {
    await ready.catch(() => undefined);
    // Problems that appeared while no serve ran, and alerts left open then: brought in line once at start.
    await resync(redis, keys, alerter).catch((err: unknown) => options.logger.debug({ err }, 'pre-flight alert resync failed'));
    let cursor = '0';
    while (!stopped) {
      try {
        const reply = (await redis.xreadgroup('GROUP', GROUP, options.consumer, 'COUNT', 100, 'BLOCK', 1000, 'STREAMS', keys.changes, cursor)) as Array<
          [string, Array<[string, string[]]>]
        > | null;
        const entries = reply?.[0]?.[1] ?? [];
        if (cursor === '0' && entries.length === 0) {
          cursor = '>';
          continue;
        }
        const scopes = new Set<string>();
        for (const [, fields] of entries) {
          const i = fields.indexOf('scope');
          if (i >= 0 && fields[i + 1]) scopes.add(fields[i + 1] ?? '');
        }
        for (const scope of scopes) {
          await alerter.sync(scope).catch((err: unknown) => options.logger.warn({ err, scope }, 'pre-flight alert sync failed'));
        }
        if (entries.length > 0) await redis.xack(keys.changes, GROUP, ...entries.map(([id]) => id));
      } catch (err) {
        if (stopped) break;
        options.logger.debug({ err }, 'reading pre-flight changes failed; retrying');
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  })();
  return {
    ready,
    async close() {
      stopped = true;
      redis.disconnect();
      await loop;
    },
  };
}

/** Syncs every scope that has problems or an alert record (SCAN, so it never blocks Redis). */
async function resync(redis: Redis, keys: PreflightKeys, alerter: PreflightAlerter): Promise<void> {
  const scopes = new Set<string>();
  for (const [pattern, marker] of [
    [`${keys.problems('*')}`, keys.problems('')],
    [`${keys.alert('*')}`, keys.alert('')],
  ] as const) {
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      cursor = next;
      for (const k of found) scopes.add(k.slice(marker.length));
    } while (cursor !== '0');
  }
  for (const scope of scopes) await alerter.sync(scope);
}
