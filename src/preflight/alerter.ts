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
 * that a consumer group reads (alert-consumer.ts; one replica handles each
 * entry); in in-process mode the memory store calls back.
 */
import type { Logger } from '../logger.ts';
import type { SlackMessage } from '../slack/blocks/slack-message.ts';
import type { OutboxPostResult } from '../slack/outbox/slack-outbox.ts';
import type { UndeliveredPost } from '../slack/outbox/undelivered.ts';
import { isPermanentSlackFailure, slackFailureOf } from '../slack/slack-errors.ts';
import { renderPreflightAlert } from './render.ts';
import type { AgentProblems } from './types.ts';
import type { GoneAgent, PreflightStore } from './store.ts';

/** What the alerter needs of the Slack outbox. */
export interface AlertOutbox {
  post(p: { channel: string; message: SlackMessage }): Promise<OutboxPostResult>;
  update(args: { channel: string; ts: string; message: SlackMessage }): Promise<void>;
  /** Records a post given up on (error log, buildfix_slack_posts_failed_total, `buildfix status`). */
  reportUndelivered(p: { channel: string; message: SlackMessage }, label: { what: string }, err: unknown, attempts: number): Promise<UndeliveredPost>;
  /** How long transient failures are retried (slack.postGiveUpAfter). */
  readonly giveUpAfterMs: number;
}

/**
 * 'undelivered': Slack refused the post for good (not_in_channel, invalid_auth …) or kept failing past
 * slack.postGiveUpAfter; it was reported (log, counter, status) and the change counts as handled, so it
 * is not retried forever. The next change of the scope tries again.
 */
export type AlertAction = 'posted' | 'updated' | 'resolved' | 'closed-unknown' | 'unchanged' | 'busy' | 'no-channel' | 'failed' | 'undelivered';

/** Outcomes after which the alert shows what the agents report (or nothing is to be posted, or it was given up on): the change is handled. */
export function alertSettled(action: AlertAction): boolean {
  return action !== 'busy' && action !== 'failed';
}

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
  /** Scope → when its first post failed and how often (transient failures are retried until giveUpAfterMs). */
  readonly #failing = new Map<string, { since: number; attempts: number }>();

  constructor(options: PreflightAlerterOptions) {
    this.#o = options;
    this.#log = options.logger.child({ component: 'preflight-alerts' });
  }

  /** Brings one scope's alert in line with what the agents report now. */
  sync(scope: string): Promise<AlertAction> {
    return this.#locked(scope, () => this.#bringInLine(scope, []));
  }

  /**
   * Drops the problems of agents that stopped reporting (no live worker, no
   * result for longer than the bound) and brings the alert in line, saying
   * so: edited to name them, or closed as unknown when nobody else reports
   * the problem — never "healthy again", which nobody saw.
   */
  dropGone(scope: string, gone: readonly GoneAgent[]): Promise<AlertAction> {
    return this.#locked(scope, async () => {
      const dropped: GoneAgent[] = [];
      for (const g of gone) if (await this.#o.store.dropProblems(scope, g.agent)) dropped.push(g);
      return this.#bringInLine(scope, dropped);
    });
  }

  async #locked(scope: string, body: () => Promise<AlertAction>): Promise<AlertAction> {
    if (!this.#o.channel) {
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
      return await body();
    } finally {
      await store.unlockAlert(scope, token).catch(() => undefined);
    }
  }

  async #bringInLine(scope: string, newlyGone: readonly GoneAgent[]): Promise<AlertAction> {
    const channel = this.#o.channel ?? '';
    const store = this.#o.store;
    const problems = await store.problems(scope);
    const record = await store.alert(scope);
    const digest = digestOf(problems);
    const now = new Date().toISOString();
    if (problems.length > 0) {
      if (!record || record.state === 'resolved') {
        const message = renderPreflightAlert(scope, problems, { openedAt: now });
        const posted = await this.#o.outbox.post({ channel, message });
        if (!posted.posted) {
          // A permanent refusal is reported at once; a transient failure is retried (reclaim) until giveUpAfterMs.
          const failing = this.#failing.get(scope) ?? { since: Date.now(), attempts: 0 };
          failing.attempts++;
          this.#failing.set(scope, failing);
          if (isPermanentSlackFailure(slackFailureOf(posted.error)) || Date.now() - failing.since >= this.#o.outbox.giveUpAfterMs) {
            this.#failing.delete(scope);
            await this.#o.outbox.reportUndelivered({ channel, message }, { what: `pre-flight alert for ${scope}` }, posted.error, failing.attempts);
            return 'undelivered';
          }
          this.#log.warn({ scope, err: posted.error, attempts: failing.attempts }, 'could not post the pre-flight alert yet: tried again later');
          return 'failed';
        }
        this.#failing.delete(scope);
        await store.setAlert(scope, { state: 'open', channel: posted.posted.channel, ts: posted.posted.ts, openedAt: now, digest });
        this.#log.info({ scope, agents: problems.map((p) => p.agent) }, 'pre-flight alert posted');
        return 'posted';
      }
      if (record.digest === digest) return 'unchanged';
      const gone = mergeGone(record.gone, newlyGone);
      await this.#o.outbox.update({
        channel: record.channel,
        ts: record.ts,
        message: renderPreflightAlert(scope, problems, { openedAt: record.openedAt, ...(gone.length > 0 ? { gone } : {}) }),
      });
      await store.setAlert(scope, { ...record, digest, ...(gone.length > 0 ? { gone } : {}) });
      return 'updated';
    }
    if (!record || record.state === 'resolved') return 'unchanged';
    // Closed as unknown when the last agents reporting the problem are the ones that stopped reporting.
    const unknown = newlyGone.length > 0;
    const gone = mergeGone(record.gone, newlyGone);
    await this.#o.outbox.update({
      channel: record.channel,
      ts: record.ts,
      message: renderPreflightAlert(scope, [], {
        openedAt: record.openedAt,
        resolvedAt: now,
        ...(gone.length > 0 ? { gone } : {}),
        ...(unknown ? { unknown } : {}),
      }),
    });
    await store.setAlert(scope, { ...record, state: 'resolved', resolvedAt: now, digest, ...(gone.length > 0 ? { gone } : {}) });
    this.#log.info({ scope, unknown }, unknown ? 'pre-flight alert closed as unknown (its agents stopped reporting)' : 'pre-flight alert resolved');
    return unknown ? 'closed-unknown' : 'resolved';
  }
}

function mergeGone(before: readonly GoneAgent[] | undefined, now: readonly GoneAgent[]): GoneAgent[] {
  const byAgent = new Map<string, GoneAgent>();
  for (const g of [...(before ?? []), ...now]) byAgent.set(g.agent, g);
  return [...byAgent.values()].sort((a, b) => a.agent.localeCompare(b.agent));
}
