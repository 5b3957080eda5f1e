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
 * Posting goes through the outbox's deliver like every post that must not be
 * lost (transient failures retried until slack.postGiveUpAfter, the channel
 * searched for the post's marker after an ambiguous failure). The marker is
 * kept in the scope's record ('posting') before the first attempt, so a
 * delivery that did not finish (serve stopped, or given up on while Slack may
 * have taken it) is resumed with the same marker, searched for first: the
 * alert appears once.
 *
 * Change feed: in Redis mode the workers append changed scopes to a stream
 * that a consumer group reads (alert-consumer.ts; one replica handles each
 * entry); in in-process mode the memory store calls back.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '../logger.ts';
import type { SlackMessage } from '../slack/blocks/slack-message.ts';
import type { DeliverResult, DeliveryLabel, OutboxPost } from '../slack/outbox/slack-outbox.ts';
import type { PostedMessage, PostLookup } from '../slack/slack-api.ts';
import { isPermanentSlackFailure, slackFailureOf } from '../slack/slack-errors.ts';
import { renderPreflightAlert } from './render.ts';
import type { AgentProblems } from './types.ts';
import type { GoneAgent, PostedAlert, PostingAlert, PreflightStore } from './store.ts';

/** Message metadata event_type of a pre-flight alert (event_payload: the scope, and the post's marker as `id`). */
export const PREFLIGHT_ALERT_EVENT = 'buildfix_preflight_alert';

/** How long the scope's lock holds without renewal (renewed every third of it while a delivery retries). */
const ALERT_LOCK_TTL_MS = 30_000;

/**
 * An unfinished delivery older than this is not resumed: its search would reach back further than Slack's
 * history lets buildfix tell (SlackApi.findPost reads the 200 messages since the first attempt), and the alert
 * would never be posted again. A new alert (a new marker) is posted instead.
 */
const RESUME_WITHIN_MS = 24 * 3_600_000;

/** What the alerter needs of the Slack outbox (SlackOutbox). */
export interface AlertOutbox {
  /**
   * SlackOutbox.deliver: transient failures retried until slack.postGiveUpAfter, the channel searched for the
   * marker after an ambiguous failure (and first, with searchFirst); a give-up is logged at error, counted and
   * listed by `buildfix status`.
   */
  deliver(
    p: Pick<OutboxPost, 'channel' | 'message' | 'metadata' | 'markerId' | 'sinceMs' | 'searchFirst' | 'signal' | 'resumedAfterRestart'>,
    label: DeliveryLabel,
  ): Promise<DeliverResult>;
  /** The post carrying a marker (an earlier delivery's), undefined when Slack certainly does not have it; throws when the channel cannot be searched. */
  findPosted(q: PostLookup): Promise<PostedMessage | undefined>;
  update(args: { channel: string; ts: string; message: SlackMessage }): Promise<void>;
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
  /** Aborted by close(): a delivery waiting to retry stops (Redis mode: resumed, with its marker, after the restart). */
  readonly #stopping = new AbortController();

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

  /** Stops the deliveries waiting to retry (serve is stopping). */
  close(): void {
    this.#stopping.abort();
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
      token = await store.lockAlert(scope, ALERT_LOCK_TTL_MS);
      if (!token) await new Promise((r) => setTimeout(r, 100));
    }
    if (!token) return 'busy';
    const held = token;
    // A delivery retries for up to slack.postGiveUpAfter: the lock is held (renewed) for as long.
    const renew = setInterval(() => {
      void store.renewAlertLock(scope, held, ALERT_LOCK_TTL_MS).then(
        (ok) => {
          if (!ok) this.#log.warn({ scope }, 'lost the pre-flight alert lock while bringing the alert in line (Redis was unreachable too long?)');
        },
        () => undefined,
      );
    }, ALERT_LOCK_TTL_MS / 3);
    renew.unref();
    try {
      return await body();
    } finally {
      clearInterval(renew);
      await store.unlockAlert(scope, held).catch(() => undefined);
    }
  }

  async #bringInLine(scope: string, newlyGone: readonly GoneAgent[]): Promise<AlertAction> {
    const store = this.#o.store;
    const problems = await store.problems(scope);
    const record = await store.alert(scope);
    const digest = digestOf(problems);
    if (problems.length > 0) {
      if (!record || record.state !== 'open') return this.#open(scope, problems, digest, record?.state === 'posting' ? record : undefined);
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
    if (record.state === 'posting') {
      // The problems went away while an alert was being delivered (before a restart, or given up on while Slack's answer was ambiguous).
      const found = await this.#earlierPost(scope, record);
      if (found === 'unknown') return 'failed';
      if (!found) {
        await store.clearAlert(scope);
        return 'unchanged';
      }
      return this.#resolve(scope, { state: 'open', channel: found.channel, ts: found.ts, openedAt: record.openedAt, digest: '' }, digest, newlyGone);
    }
    return this.#resolve(scope, record, digest, newlyGone);
  }

  /**
   * Posts the scope's alert through the outbox's deliver, with one marker per alert kept in the store before the
   * first attempt: a delivery that did not finish (serve stopped, or it was given up on while Slack may have taken
   * it) is resumed, by this replica or another, with the same marker, and the channel is searched for it first.
   */
  async #open(scope: string, problems: readonly AgentProblems[], digest: string, earlier: PostingAlert | undefined): Promise<AlertAction> {
    const store = this.#o.store;
    const channel = this.#o.channel ?? '';
    const resumed = earlier?.channel === channel && Date.now() - earlier.since < RESUME_WITHIN_MS ? earlier : undefined;
    if (earlier && !resumed)
      this.#log.warn(
        { scope, since: new Date(earlier.since).toISOString() },
        'an unfinished pre-flight alert is too old to look for (or its channel changed): posting a new one',
      );
    const posting: PostingAlert = resumed ?? { state: 'posting', channel, marker: randomUUID(), since: Date.now(), openedAt: new Date().toISOString() };
    if (!resumed) await store.setAlert(scope, posting);
    const message = renderPreflightAlert(scope, problems, { openedAt: posting.openedAt });
    const res = await this.#o.outbox.deliver(
      {
        channel,
        message,
        metadata: { event_type: PREFLIGHT_ALERT_EVENT, event_payload: { scope } },
        markerId: posting.marker,
        sinceMs: posting.since,
        searchFirst: resumed !== undefined,
        signal: this.#stopping.signal,
        // Redis mode: the change stays pending and the marker stays in Redis, so a stop is resumed, not given up on.
        resumedAfterRestart: store.kind === 'redis',
      },
      { what: `pre-flight alert for ${scope}` },
    );
    if (res.posted) {
      await store.setAlert(scope, { state: 'open', channel: res.posted.channel, ts: res.posted.ts, openedAt: posting.openedAt, digest });
      // An earlier delivery's message shows what the agents reported then: edited to what they report now.
      if (resumed) await this.#o.outbox.update({ channel: res.posted.channel, ts: res.posted.ts, message });
      this.#log.info({ scope, agents: problems.map((p) => p.agent), resumed: resumed !== undefined }, 'pre-flight alert posted');
      return 'posted';
    }
    if (res.stopped) return 'failed';
    // Given up on and reported (error log, buildfix_slack_posts_failed_total, `buildfix status`). When Slack may show it
    // anyway the marker is kept, so the next change of the scope looks for it before posting; else it is forgotten.
    if (!res.maybePosted) await store.clearAlert(scope);
    return 'undelivered';
  }

  /** The message an earlier delivery of `record` left in Slack; 'unknown' when the channel cannot be searched now. */
  async #earlierPost(scope: string, record: PostingAlert): Promise<PostedMessage | undefined | 'unknown'> {
    try {
      return await this.#o.outbox.findPosted({ channel: record.channel, eventType: PREFLIGHT_ALERT_EVENT, id: record.marker, sinceMs: record.since });
    } catch (err) {
      const failure = slackFailureOf(err);
      if (isPermanentSlackFailure(failure) || failure.error === 'too_many_messages') {
        // It never will be (missing_scope, not_in_channel, more messages since than the search reads): nothing buildfix could close.
        this.#log.warn({ err, scope }, 'cannot search the channel for a pre-flight alert that may have been posted: forgotten');
        return undefined;
      }
      this.#log.warn({ err, scope }, 'could not search the channel for a pre-flight alert that may have been posted; tried again later');
      return 'unknown';
    }
  }

  async #resolve(scope: string, record: PostedAlert, digest: string, newlyGone: readonly GoneAgent[]): Promise<AlertAction> {
    const now = new Date().toISOString();
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
    await this.#o.store.setAlert(scope, { ...record, state: 'resolved', resolvedAt: now, digest, ...(gone.length > 0 ? { gone } : {}) });
    this.#log.info({ scope, unknown }, unknown ? 'pre-flight alert closed as unknown (its agents stopped reporting)' : 'pre-flight alert resolved');
    return unknown ? 'closed-unknown' : 'resolved';
  }
}

function mergeGone(before: readonly GoneAgent[] | undefined, now: readonly GoneAgent[]): GoneAgent[] {
  const byAgent = new Map<string, GoneAgent>();
  for (const g of [...(before ?? []), ...now]) byAgent.set(g.agent, g);
  return [...byAgent.values()].sort((a, b) => a.agent.localeCompare(b.agent));
}
