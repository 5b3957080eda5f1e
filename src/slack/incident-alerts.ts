/**
 * Incidents in Slack: acting on CI webhook outcomes and announcing what the
 * `incident` commands do.
 *
 *   opened     → one alert in INCIDENT_CHANNEL (what failed, where, link,
 *                first error line; Diagnose and Take commander); it becomes
 *                the incident's thread. Then, when incidents.autoDiagnose is
 *                on (default), the build's log is read and classified and the
 *                repo's diagnosis job runs, all posted in that thread. An
 *                alert or a diagnosis whose replica stopped half-way is taken
 *                over by the others (startAlertRecovery).
 *   grouped    → the alert's counter and blast radius (pipelines, repos, the
 *                one agent or proxy they share, when failures are grouped by
 *                cause) are updated in place (chat.update; bursts are
 *                coalesced into as few edits as it takes), never a new alert.
 *   recovered  → a thread message offering Resolve.
 *   resolved   → the report goes to ARCHIVE_CHANNEL with the full timeline as
 *                a Markdown file, and the thread says where.
 *
 * Each edit re-reads the incident, so an edit that lands late still shows
 * the latest count.
 */
import type { ChatSurface } from '../chat/chat-surface.ts';
import { mentionChannel, mentionUser } from '../chat/mentions.ts';
import type { Command } from '../chat/parse-command.ts';
import { classifyLog, type Classification } from '../classify/classify-log.ts';
import { namedCause, otherCause } from '../classify/other-cause.ts';
import { agentOfFailingBuild, greenElsewhereForEvent } from '../changes/green-elsewhere-event.ts';
import { lastGreenForEvent } from '../changes/last-green.ts';
import { agentFromLog } from '../incidents/cause-key.ts';
import { describePlacement, onTheAgent, placeOnAgent, type AgentPlacement } from '../jobs/agent-placement.ts';
import { recentBuilds } from '../clients/jenkins/builds.ts';
import { createJenkinsClient, type JenkinsClient } from '../clients/jenkins/jenkins-client.ts';
import type { Config } from '../config/load-config.ts';
import { greenPipelines, pipelinesGreen } from '../incidents/blast-radius.ts';
import { fetchBuildLog, repoForPipeline, type BuildLog } from '../incidents/ci-diagnosis.ts';
import { checkSumDbRecord, checkVanityHost, describeCheck, liveChecksFor, type LiveCheck } from '../incidents/category-checks.ts';
import { FixVerifier, type VerificationOutput } from '../incidents/fix-verification.ts';
import { BuildFollower, type FollowSource } from '../incidents/build-follower.ts';
import { githubFollowSource } from '../incidents/follow-github.ts';
import { gitlabFollowSource } from '../incidents/follow-gitlab.ts';
import { jenkinsFollowSource } from '../incidents/follow-jenkins.ts';
import { createHttpClient } from '../goproxy/http-client.ts';
import { SumDbClient } from '../sumdb/index.ts';
import type { IncidentAnnouncer, IncidentPlace } from '../incidents/incident-service.ts';
import type { IncidentStore } from '../incidents/incident-store.ts';
import { ACTOR_BUILDFIX, type Incident, type TimelineEntry } from '../incidents/incident-types.ts';
import { buildIncidentReport, incidentReportFileName, renderIncidentReport } from '../incidents/render-incident-report.ts';
import type { Logger } from '../logger.ts';
import { redactText } from '../util/redact.ts';
import { verificationNumberOf, type CiEvent } from '../webhooks/ci-event.ts';
import type { WebhookOutcome } from '../webhooks/handle-webhook.ts';
import { storedCiEvent } from '../webhooks/stored-ci-event.ts';
import {
  alertFactsFrom,
  renderCommanderAsk,
  renderIncidentAlert,
  renderIncidentArchive,
  renderRecovery,
  renderThreadNote,
  type AlertFacts,
} from './blocks/incident-blocks.ts';
import type { SlackMessage } from './blocks/slack-message.ts';
import { SlackOutbox, type DeliverResult, type DeliveryLabel } from './outbox/slack-outbox.ts';
import type { PostedMessage, SlackApi } from './slack-api.ts';
import type { SlackFront } from './slack-front.ts';

type DiagnoseCommand = Extract<Command, { kind: 'diagnose' }>;

/** go's words when a download does not match go.sum or the checksum DB. */
export const CHECKSUM_ERROR_IN_LOG = /SECURITY ERROR|checksum mismatch/i;

export interface SlackIncidentAlertsOptions {
  api: SlackApi;
  /** Posts and edits go through it (message budget, files, refusals); one over `api` by default. */
  outbox?: SlackOutbox;
  config: Config;
  store: IncidentStore;
  logger: Logger;
}

/** metadata.event_type of an incident's alert; event_payload.incident is the incident's id. */
export const INCIDENT_ALERT_EVENT = 'buildfix_incident';

/** The work-in-flight key of "this replica is posting incident N's alert" (SlackStateStore.markInFlight). */
function alertPostingKey(id: number): string {
  return `alert-posting:${id}`;
}

/** The work-in-flight key of "this replica is running incident N's automatic diagnosis". */
function alertDiagnosingKey(id: number): string {
  return `alert-diagnosing:${id}`;
}

/** Gives an in-flight mark back. */
type ReleaseMark = () => Promise<void>;

/**
 * Whether the automatic diagnosis got as far as the build log: its classification, or why the log could not be
 * classified, is in the timeline (`classified` true or false). Until then a stopped diagnosis is recovered.
 */
function diagnosisRecorded(timeline: readonly TimelineEntry[]): boolean {
  return timeline.some((e) => e.kind === 'job-result' && typeof e.data?.classified === 'boolean');
}

/** An incident this recent is being alerted by the replica that opened it: recovery rounds leave it alone. */
const RECENT_ALERT_MS = 10_000;

/** Edits of one alert in a row before giving up on a store that keeps changing (the next change starts a new loop). */
const MAX_EDIT_ROUNDS = 10;

interface PendingEdit {
  again: boolean;
  done: Promise<void>;
}

/** A CI incident's thread is its alert; a manual one's is wherever it was opened. */
function hasAlert(incident: Incident): incident is Incident & { channel: string; threadTs: string } {
  return incident.source.ci !== 'manual' && incident.channel !== undefined && incident.threadTs !== undefined;
}

export class SlackIncidentAlerts implements IncidentAnnouncer {
  readonly #outbox: SlackOutbox;
  readonly #config: Config;
  readonly #store: IncidentStore;
  readonly #log: Logger;
  #front: SlackFront | undefined;
  #jenkins: JenkinsClient | undefined;
  readonly #edits = new Map<number, PendingEdit>();
  readonly #delivering = new Set<Promise<unknown>>();
  readonly #verifier: FixVerifier;
  #follower: BuildFollower | undefined;
  #warnedNoChannel = false;
  /** Incidents whose alert this replica saw another one posting (recovery rounds), with that replica's id. */
  readonly #leftTo = new Map<number, string>();
  #recovering: Promise<void> | undefined;
  /** Aborted by close(): stops waiting for other replicas' alerts. */
  readonly #closing = new AbortController();

  constructor(options: SlackIncidentAlertsOptions) {
    this.#outbox =
      options.outbox ??
      new SlackOutbox({
        api: options.api,
        logger: options.logger,
        textBudget: options.config.slack.textBudget,
        progressEditsPerMinute: options.config.slack.progressEditsPerMinute,
        giveUpAfterMs: options.config.slack.postGiveUpAfter,
      });
    this.#config = options.config;
    this.#store = options.store;
    this.#log = options.logger.child({ component: 'incident-alerts' });
    this.#verifier = new FixVerifier({ store: options.store, config: options.config, logger: options.logger });
  }

  /** The front runs the automatic diagnosis through its router (set once both exist). */
  bindFront(front: SlackFront): void {
    this.#front = front;
    this.#followBuilds();
  }

  /**
   * Fix verifications also count builds read from the CI's API (incidents.verify.followBuildsSeconds): Jenkins with
   * JENKINS_URL/USER/API_TOKEN, GitHub Actions with GITHUB_TOKEN, GitLab CI with GITLAB_TOKEN. A CI whose webhooks
   * do not reach serve (or whose delivery was lost) still verifies; a webhook and a round never count one build twice.
   */
  #followBuilds(): void {
    const seconds = this.#config.incidents.verify.followBuildsSeconds;
    if (this.#follower || seconds <= 0) return;
    const { env, repos } = this.#config;
    const sources: FollowSource[] = [];
    if (this.jenkinsClient())
      sources.push(
        jenkinsFollowSource((job, limit, signal) => {
          const jenkins = this.jenkinsClient();
          return jenkins ? recentBuilds(jenkins, job, limit, { signal }) : Promise.resolve([]);
        }),
      );
    if (env.GITHUB_TOKEN) sources.push(githubFollowSource({ store: this.#store, repos, token: () => env.GITHUB_TOKEN }));
    if (env.GITLAB_TOKEN) sources.push(gitlabFollowSource({ store: this.#store, repos, token: () => env.GITLAB_TOKEN }));
    if (sources.length === 0) return;
    this.#follower = new BuildFollower({
      store: this.#store,
      verifier: this.#verifier,
      sources,
      output: () => this.#verificationOutput(),
      logger: this.#log,
    });
    this.#follower.start(seconds * 1000);
  }

  /** Where a verification speaks: the incident's thread, the Resolve offer, the archive, the alert. */
  #verificationOutput(): VerificationOutput {
    return {
      say: (i, text) => this.postInThread(i, text),
      offerResolve: (i, text) => this.offerResolve(i, text),
      resolved: (i, timeline) => this.archive(i, timeline, ACTOR_BUILDFIX),
      refresh: (i) => this.refresh(i),
    };
  }

  // ── IncidentAnnouncer ───────────────────────────────────────────────────

  async announceOpened(incident: Incident, where: { channel: string; threadTs?: string }): Promise<IncidentPlace> {
    const posted = await this.#post(where.channel, renderCommanderAsk(incident), where.threadTs, {
      what: `commander question of incident #${incident.id}`,
      incident: incident.id,
    });
    return { channel: where.channel, threadTs: where.threadTs ?? posted.ts };
  }

  async postInThread(incident: Incident, text: string): Promise<void> {
    if (!incident.channel || !incident.threadTs) return;
    await this.#post(incident.channel, renderThreadNote(text), incident.threadTs, { what: `note in incident #${incident.id}'s thread`, incident: incident.id });
  }

  async offerResolve(incident: Incident, text: string): Promise<void> {
    if (!incident.channel || !incident.threadTs) return;
    await this.#post(incident.channel, renderRecovery(incident, text), incident.threadTs, {
      what: `recovery note of incident #${incident.id}`,
      incident: incident.id,
    });
    if (hasAlert(incident)) await this.updateAlert(incident.id);
  }

  async refresh(incident: Incident): Promise<void> {
    if (hasAlert(incident)) await this.updateAlert(incident.id);
  }

  async archive(incident: Incident, timeline: TimelineEntry[], by: string): Promise<void> {
    const archiveChannel = this.#config.env.ARCHIVE_CHANNEL;
    const fileName = incidentReportFileName(incident, 'md');
    const message = renderIncidentArchive(buildIncidentReport(incident, timeline), { fileName });
    const markdown = renderIncidentReport(incident, timeline, 'md');
    // Without ARCHIVE_CHANNEL the report stays in the incident's own thread.
    const target = archiveChannel ?? incident.channel;
    const targetThread = archiveChannel ? undefined : incident.threadTs;
    if (!target) {
      this.#log.warn({ incident: incident.id }, 'incident resolved, but neither ARCHIVE_CHANNEL nor an incident thread exists: nothing archived in Slack');
      return;
    }
    // Retried on transient failures like every post that must not be lost; the Markdown file goes up whether or not
    // the archive post does (with the post, or once it is given up on).
    const res = await this.#outbox.deliver(
      {
        channel: target,
        threadTs: targetThread,
        message: { ...message, file: { filename: fileName, title: `Incident #${incident.id}: report and timeline`, content: markdown } },
        alwaysAttach: true,
      },
      { what: `archived report of incident #${incident.id}`, incident: incident.id },
    );
    const file =
      res.file === 'uploaded'
        ? ' with its timeline file'
        : ` (the timeline file could not be uploaded: \`buildfix incidents export ${incident.id}\` prints it)`;
    let line: string;
    if (res.posted) {
      line = archiveChannel
        ? `✅ Incident #${incident.id} resolved by ${mentionUser(by)}; archived to ${mentionChannel(res.posted.channel)}${file}.`
        : `✅ Incident #${incident.id} resolved by ${mentionUser(by)}. ARCHIVE_CHANNEL is not set, so the report is here in the thread${file}.`;
    } else {
      const why = res.error instanceof Error ? res.error.message : 'Slack did not answer';
      this.#log.warn({ err: res.error, incident: incident.id, channel: target }, 'could not post the incident report to the archive channel');
      line = `✅ Incident #${incident.id} resolved by ${mentionUser(by)}, but the report could not be posted to the archive channel: ${why}.${res.file === 'uploaded' ? ' Its report and timeline file were uploaded there.' : ` \`buildfix incidents export ${incident.id}\` prints it.`}`;
    }
    if (incident.channel && incident.threadTs)
      await this.#post(incident.channel, renderThreadNote(line), incident.threadTs, {
        what: `resolution note of incident #${incident.id}`,
        incident: incident.id,
      });
    if (hasAlert(incident)) await this.updateAlert(incident.id);
    this.#log.info({ incident: incident.id, archive: target }, 'incident archived');
  }

  // ── CI webhook outcomes ─────────────────────────────────────────────────

  async onWebhookOutcome(outcome: WebhookOutcome): Promise<void> {
    switch (outcome.kind) {
      case 'opened':
        // A log the webhook already read in full (to group the failure by cause) is not read again.
        await this.#alert(outcome.incident, outcome.event, outcome.found?.log.note === undefined ? outcome.found?.log : undefined);
        return;
      case 'grouped':
        // Not posted yet: the alert's poster reads the latest count once it has posted.
        if (hasAlert(outcome.incident)) await this.updateAlert(outcome.incident.id);
        await this.#verifyBuild(outcome.incident, outcome.event);
        return;
      case 'recovered':
        // While a fix is being verified, the verification counts the build and offers Resolve once it is verified.
        if (await this.#verifyBuild(outcome.incident, outcome.event)) {
          if (hasAlert(outcome.incident)) await this.updateAlert(outcome.incident.id);
          return;
        }
        await this.#recovered(outcome.incident, outcome.event);
        return;
      default:
        return;
    }
  }

  async #alert(incident: Incident, event: CiEvent, log?: BuildLog): Promise<void> {
    const channel = this.#config.env.INCIDENT_CHANNEL;
    if (!channel) {
      if (!this.#warnedNoChannel)
        this.#log.warn({ incident: incident.id }, 'INCIDENT_CHANNEL is not set: CI failures are recorded as incidents, but no alert is posted');
      this.#warnedNoChannel = true;
      return;
    }
    const facts: AlertFacts = {};
    if (event.firstErrorLine) facts.firstErrorLine = event.firstErrorLine;
    if (event.logUrl) facts.logUrl = event.logUrl;
    const diagnose = this.#diagnoseCommand(incident);
    // Other replicas leave an alert this one is posting alone (startAlertRecovery), and take it over if this one stops.
    const release = await this.#takeMark(alertPostingKey(incident.id), incident.id, 'posting the alert');
    if (!release) {
      this.#log.info({ incident: incident.id }, `alert of incident #${incident.id} is already being posted by another replica`);
      return;
    }
    let posted: PostedMessage;
    let attached: Incident;
    let diagnosing: ReleaseMark | undefined;
    try {
      const res = await this.#deliverAlert(incident, channel, renderIncidentAlert(incident, facts, diagnose ? { diagnose } : {}));
      if (!res.posted) return;
      posted = res.posted;
      // Held from before the thread exists until the diagnosis ends: other replicas recover a diagnosis only when no live replica runs it.
      if (this.#config.incidents.autoDiagnose) diagnosing = await this.#takeMark(alertDiagnosingKey(incident.id), incident.id, 'diagnosing the alert');
      attached = await this.#attachAlert(incident.id, posted);
    } catch (err) {
      await diagnosing?.();
      throw err;
    } finally {
      await release();
    }
    const channelId = posted.channel;
    this.#log.info(
      { incident: incident.id, channel: channelId, pipeline: incident.pipelineKey && redactText(incident.pipelineKey) },
      'CI failure alert posted',
    );
    // Failures grouped (or a commander taken) while the alert was being posted.
    if (
      attached.failureCount !== incident.failureCount ||
      attached.roles.commander !== incident.roles.commander ||
      attached.lastRecoveryAt !== incident.lastRecoveryAt
    )
      await this.updateAlert(incident.id);
    if (!this.#config.incidents.autoDiagnose) return;
    if (!diagnosing) {
      this.#log.info({ incident: incident.id }, `incident #${incident.id} is already being diagnosed by another replica`);
      return;
    }
    await this.#diagnoseHolding(attached, event, channelId, posted.ts, diagnosing, log);
  }

  /** The automatic diagnosis, then the mark given back; a diagnosis that fails before the log is classified says so in the timeline. */
  async #diagnoseHolding(incident: Incident, event: CiEvent, channel: string, threadTs: string, mark: ReleaseMark, log?: BuildLog): Promise<void> {
    try {
      await this.#autoDiagnose(incident, event, channel, threadTs, log);
    } catch (err) {
      // Recorded, so recovery rounds do not run a failing diagnosis again and again.
      if (!diagnosisRecorded(await this.#store.timeline(incident.id)))
        await this.#store.appendTimeline(incident.id, {
          by: ACTOR_BUILDFIX,
          kind: 'job-result',
          text: `automatic diagnosis failed: ${redactText(err instanceof Error ? err.message : String(err))}`,
          data: { classified: false },
        });
      throw err;
    } finally {
      await mark();
    }
  }

  /**
   * Alerts no live replica is posting: an open CI incident with no thread and no alert entry in its timeline,
   * opened within slack.postGiveUpAfter, whose poster stopped (killed, or shut down while Slack kept failing).
   * Run at start and then every `everyMs` by every serve replica. Slack may have taken it before its ts was
   * saved: the channel is searched for a message carrying the incident's id in its metadata
   * (conversations.history, include_all_metadata). Found → it becomes the incident's thread, nothing is
   * posted; not found → the alert is posted now; the channel cannot be read → nothing is posted (a duplicate
   * alert cannot be taken back) and that is logged at error. One replica takes an alert at a time (its
   * in-flight mark); an alert another live replica is posting is left to it, and taken over only if that
   * replica stops first. Incidents opened in the last RECENT_ALERT_MS are left to the replica opening them.
   */
  startAlertRecovery(everyMs: number): void {
    const round = (): Promise<void> =>
      (this.#recovering ??= this.#recoveryRound()
        .catch((err: unknown) => this.#log.warn({ err }, 'alert recovery round failed'))
        .finally(() => {
          this.#recovering = undefined;
        }));
    void round();
    const timer = setInterval(() => void round(), everyMs);
    timer.unref();
    this.#closing.signal.addEventListener('abort', () => clearInterval(timer), { once: true });
  }

  async #recoveryRound(): Promise<void> {
    const channel = this.#config.env.INCIDENT_CHANNEL;
    if (!channel) return;
    for (const incident of await this.#store.listOpen()) {
      if (this.#closing.signal.aborted) return;
      if (Date.now() - Date.parse(incident.createdAt) < RECENT_ALERT_MS) continue;
      // One this replica saw another replica posting is still recovered past the window if that replica stops.
      const timeline = await this.#alertMissing(incident, this.#leftTo.has(incident.id));
      if (!timeline) {
        this.#leftTo.delete(incident.id);
        await this.#recoverDiagnosis(incident);
        continue;
      }
      const owner = await this.#postingElsewhere(incident.id);
      if (owner) {
        if (this.#leftTo.get(incident.id) !== owner)
          this.#log.info(
            { incident: incident.id, replica: owner },
            `alert of incident #${incident.id} is being posted by replica ${owner}: leaving it to that replica`,
          );
        this.#leftTo.set(incident.id, owner);
        continue;
      }
      const before = this.#leftTo.get(incident.id);
      this.#leftTo.delete(incident.id);
      if (before)
        this.#log.warn(
          { incident: incident.id, replica: before },
          `replica ${before} stopped while posting the alert of incident #${incident.id}: taking it over`,
        );
      await this.#recoverAlert(incident, timeline, channel);
    }
  }

  /** The timeline of an open CI incident whose alert is neither posted nor given up on (within the give-up window unless `late`). */
  async #alertMissing(incident: Incident, late = false): Promise<TimelineEntry[] | undefined> {
    if (incident.status === 'resolved' || incident.source.ci === 'manual' || incident.threadTs !== undefined) return undefined;
    if (!late && !(Date.now() - Date.parse(incident.createdAt) <= this.#config.slack.postGiveUpAfter)) return undefined;
    const timeline = await this.#store.timeline(incident.id);
    return timeline.some((e) => e.kind === 'alert') ? undefined : timeline;
  }

  /**
   * An alert whose poster stopped after posting it but before its automatic diagnosis read the build log (killed,
   * or shut down mid-way): diagnosed here, unless a live replica (this one included) is diagnosing it. Only within
   * slack.postGiveUpAfter of the incident's opening, like alerts.
   */
  async #recoverDiagnosis(incident: Incident): Promise<void> {
    const front = this.#front;
    if (!front || !this.#config.incidents.autoDiagnose || !hasAlert(incident)) return;
    if (incident.status === 'resolved' || !(Date.now() - Date.parse(incident.createdAt) <= this.#config.slack.postGiveUpAfter)) return;
    const timeline = await this.#store.timeline(incident.id);
    if (!timeline.some((e) => e.kind === 'alert' && e.data?.undelivered !== true) || diagnosisRecorded(timeline)) return;
    try {
      if ((await front.store.inFlightOwner(alertDiagnosingKey(incident.id))) !== undefined) return;
    } catch (err) {
      this.#log.warn({ err, incident: incident.id }, 'could not read which replica is diagnosing the alert; leaving it for the next round');
      return;
    }
    this.#log.warn({ incident: incident.id }, `the replica diagnosing incident #${incident.id} stopped before reading its build log: diagnosing it here`);
    this.#diagnoseRecovered(incident, timeline);
  }

  /** The other live replica posting this incident's alert now, if any (unknown when the store cannot say: then none). */
  async #postingElsewhere(id: number): Promise<string | undefined> {
    const front = this.#front;
    if (!front) return undefined;
    try {
      const owner = await front.store.inFlightOwner(alertPostingKey(id));
      return owner === front.replicaId ? undefined : owner;
    } catch (err) {
      this.#log.warn({ err, incident: id }, 'could not read which replica is posting the alert; recovering it here');
      return undefined;
    }
  }

  /**
   * Takes the work `key` names (posting or diagnosing incident `id`'s alert) for this replica when no live replica
   * holds it; returns what gives it back, or undefined when another live replica (or this one) holds it. Without a
   * front (no replicas) or when the store cannot answer, it is taken.
   */
  async #takeMark(key: string, id: number, what: string): Promise<ReleaseMark | undefined> {
    const front = this.#front;
    if (!front) return async () => undefined;
    try {
      if (!(await front.store.takeInFlight(key, front.replicaId, Math.ceil(this.#config.slack.postGiveUpAfter / 1000) + 60))) return undefined;
    } catch (err) {
      this.#log.warn({ err, incident: id }, `could not record that this replica is ${what}: another replica may do it too`);
      return async () => undefined;
    }
    return () =>
      front.store.clearInFlight(key, front.replicaId).catch((err: unknown) => this.#log.warn({ err, incident: id, key }, 'could not clear an in-flight mark'));
  }

  /** Redis mode: a delivery stopped by shutdown is left for recovery (another replica, or the next start), not given up on. */
  get #handsOverOnStop(): boolean {
    return this.#front?.store.kind === 'redis';
  }

  async #recoverAlert(incident: Incident, timeline: TimelineEntry[], channel: string): Promise<void> {
    const release = await this.#takeMark(alertPostingKey(incident.id), incident.id, 'posting the alert');
    if (!release) return;
    let thread: Incident | undefined;
    try {
      const opened = Date.parse(incident.createdAt);
      let found: PostedMessage | undefined;
      try {
        found = await this.#outbox.api.findMarkedPost(channel, INCIDENT_ALERT_EVENT, incident.id, opened - 10_000);
      } catch (err) {
        this.#log.error(
          { err, incident: incident.id, channel },
          `alert of incident #${incident.id}: its poster stopped while posting it and ${channel} cannot be searched for it; not posted again (it may be there)`,
        );
        await this.#store.appendTimeline(incident.id, {
          by: ACTOR_BUILDFIX,
          kind: 'alert',
          text: `alert not delivered to Slack: its poster stopped and ${channel} could not be searched for it (it may be there)`,
          data: { undelivered: true, channel },
        });
        return;
      }
      if (found) {
        thread = await this.#attachAlert(incident.id, found, ' (found after a restart)');
        this.#log.info({ incident: incident.id, channel: found.channel, ts: found.ts }, 'alert found in the channel after a restart: not posted again');
        await this.updateAlert(incident.id);
      } else {
        this.#log.info({ incident: incident.id }, 'alert not in the channel after a restart: posting it');
        thread = await this.#alertFromStore(incident, timeline);
      }
    } finally {
      await release();
    }
    // The replica that stopped never got as far as its automatic diagnosis (it runs once the alert's ts is saved).
    if (thread) this.#diagnoseRecovered(thread, timeline);
  }

  /**
   * The automatic diagnosis of an alert posted (or found) by recovery, from the event kept in the incident's
   * timeline: run like a webhook's (drained on shutdown), so the recovery round goes on to the next alert.
   */
  #diagnoseRecovered(incident: Incident, timeline: readonly TimelineEntry[]): void {
    const front = this.#front;
    if (!this.#config.incidents.autoDiagnose || !front || !hasAlert(incident) || this.#closing.signal.aborted) return;
    if (diagnosisRecorded(timeline)) return;
    const { channel, threadTs } = incident;
    front.background(`diagnosis of recovered alert #${incident.id}`, async () => {
      const mark = await this.#takeMark(alertDiagnosingKey(incident.id), incident.id, 'diagnosing the alert');
      if (!mark) return;
      // Another replica may have finished it between the round's look and the mark.
      const current = await this.#store.timeline(incident.id).catch(async (err: unknown) => {
        await mark();
        throw err;
      });
      if (diagnosisRecorded(current)) {
        await mark();
        return;
      }
      const event = storedCiEvent(incident, current);
      if (event) {
        await this.#diagnoseHolding(incident, event, channel, threadTs, mark);
        return;
      }
      try {
        // Opened by a buildfix that did not keep the event: say so rather than stay silent, once.
        this.#log.info({ incident: incident.id }, 'recovered alert: the incident holds no CI event to diagnose from');
        const diagnose = this.#diagnoseCommand(incident);
        await this.#store.appendTimeline(incident.id, {
          by: ACTOR_BUILDFIX,
          kind: 'job-result',
          text: 'automatic diagnosis not run: the serve that received the failure stopped first, and its CI event was not kept',
          data: { classified: false },
        });
        await this.postInThread(
          incident,
          `The serve that received this failure stopped before diagnosing it, and the failure's CI event was not kept, so nothing was diagnosed automatically: ${diagnose ? `\`/buildfix diagnose ${diagnose.repo}\` runs the diagnosis.` : 'map this pipeline to a repo in the buildfix config, then `/buildfix diagnose <repo>`.'}`,
        );
      } finally {
        await mark();
      }
    });
  }

  /**
   * Posts an incident's alert. It must not be lost: a permanent refusal gives up at once, transient failures are retried
   * up to slack.postGiveUpAfter; giving up is logged at error, counted, listed by `buildfix status` and put in the
   * timeline. The message carries the incident's id in its metadata: what a serve restarted after Slack took the alert
   * but before its ts was saved finds it by (startAlertRecovery). close() waits for it: on shutdown a delivery still
   * retrying stops (the outbox closes); with Redis it is left to the other replicas' recovery (or the next start): no
   * timeline entry, so they take it; without, it is given up on.
   */
  async #deliverAlert(incident: Incident, channel: string, message: SlackMessage): Promise<DeliverResult> {
    const delivery = (async () => {
      const res = await this.#outbox.deliver(
        {
          channel,
          message,
          metadata: { event_type: INCIDENT_ALERT_EVENT, event_payload: { incident: incident.id } },
          resumedAfterRestart: this.#handsOverOnStop,
        },
        { what: `alert of incident #${incident.id}`, incident: incident.id },
      );
      if (!res.posted && !res.stopped) {
        const u = res.undelivered;
        await this.#store
          .appendTimeline(incident.id, {
            by: ACTOR_BUILDFIX,
            kind: 'alert',
            text: `alert not delivered to Slack: ${u?.reason ?? 'unknown error'}${u ? ` (${u.action})` : ''}`,
            data: { undelivered: true, channel, ...(u ? { reason: u.reason, permanent: u.permanent, attempts: u.attempts } : {}) },
          })
          .catch((err: unknown) => this.#log.warn({ err, incident: incident.id }, 'could not record the undelivered alert in the timeline'));
      }
      return res;
    })();
    this.#delivering.add(delivery);
    return delivery.finally(() => this.#delivering.delete(delivery));
  }

  /**
   * The posted alert becomes the incident's thread, and the timeline says where. Slack answers with the channel's id,
   * which is what threads and button presses carry (INCIDENT_CHANNEL may be a name).
   */
  async #attachAlert(id: number, posted: PostedMessage, how = ''): Promise<Incident> {
    const attached = await this.#store.attachThread(id, posted.channel, posted.ts);
    await this.#store.appendTimeline(id, {
      by: ACTOR_BUILDFIX,
      kind: 'alert',
      text: `alert posted in <#${posted.channel}>${how}`,
      data: { channel: posted.channel, ts: posted.ts },
    });
    return attached;
  }

  /** The alert of an incident posted from what the store knows (no webhook event at hand); the incident with its thread once posted. */
  async #alertFromStore(incident: Incident, timeline: TimelineEntry[]): Promise<Incident | undefined> {
    const channel = this.#config.env.INCIDENT_CHANNEL;
    if (!channel) return undefined;
    const diagnose = this.#diagnoseCommand(incident);
    const res = await this.#deliverAlert(incident, channel, renderIncidentAlert(incident, alertFactsFrom(timeline), diagnose ? { diagnose } : {}));
    if (!res.posted) return undefined;
    const attached = await this.#attachAlert(incident.id, res.posted);
    await this.updateAlert(incident.id);
    return attached;
  }

  async #recovered(incident: Incident, event: CiEvent): Promise<void> {
    if (!incident.channel || !incident.threadTs) return;
    // One incident per cause: Resolve is offered once every pipeline it spans is green again.
    const spread = pipelinesGreen(incident, greenPipelines(await this.#store.timeline(incident.id)));
    const message =
      spread && spread.green < spread.of
        ? renderThreadNote(
            `${event.label} ${event.status}: green again — ${spread.green} of ${spread.of} pipelines of incident #${incident.id} are; Resolve is offered once all are.`,
          )
        : renderRecovery(incident, `${event.label} ${event.status}: ${spread ? `all ${spread.of} pipelines are` : 'the pipeline is'} green again`);
    await this.#post(incident.channel, message, incident.threadTs, { what: `recovery note of incident #${incident.id}`, incident: incident.id });
    if (hasAlert(incident)) await this.updateAlert(incident.id);
  }

  /** A build of a pipeline whose incident is verifying a fix; false when no verification wants it. */
  #verifyBuild(incident: Incident, event: CiEvent): Promise<boolean> {
    const output = this.#verificationOutput();
    const number = verificationNumberOf(event);
    return this.#verifier.recordBuild(
      incident,
      {
        pipeline: event.pipelineKey,
        label: event.label,
        ...(number !== undefined ? { number } : {}),
        ok: event.outcome === 'success',
        status: event.status,
        ...(event.url ? { url: event.url } : {}),
        at: new Date().toISOString(),
        via: 'webhook',
      },
      output,
    );
  }

  /** Log → classifier → explanation in the thread (and the root cause), then the repo's diagnosis job through the router. */
  async #autoDiagnose(incident: Incident, event: CiEvent, channel: string, threadTs: string, read?: BuildLog): Promise<void> {
    const front = this.#front;
    if (!front) return;
    const surface: ChatSurface = front.surface({ channel, threadTs, userId: ACTOR_BUILDFIX });
    const jenkins = this.jenkinsClient();
    const { GITHUB_TOKEN: githubToken, GITLAB_TOKEN: gitlabToken } = this.#config.env;
    const log =
      read ??
      (await fetchBuildLog(event, {
        ...(jenkins ? { jenkins } : {}),
        ...(githubToken ? { githubToken } : {}),
        ...(gitlabToken ? { gitlabToken } : {}),
        signal: AbortSignal.timeout(60_000),
      }));
    if (log.note) await surface.post({ kind: 'text', tone: 'info', text: log.note });
    let checks: LiveCheck[] = [];
    let classifiedAs = '';
    if (log.text) {
      const classification = redactClassification(classifyLog(log.text));
      const other = otherCause(classification);
      await surface.post({ kind: 'explanation', classification, source: log.origin });
      const subject = [classification.module, classification.version].filter(Boolean).join(' ');
      await this.#store.appendTimeline(incident.id, {
        by: ACTOR_BUILDFIX,
        kind: 'job-result',
        text: `classified ${log.origin}: ${classification.category}${subject ? ` (${subject})` : ''}${classification.evidence[0] ? ` — ${classification.evidence[0]}` : ''}`,
        data: {
          category: classification.category,
          confidence: classification.confidence,
          // The alert leads with these (alertFactsFrom): the cause line, not the last error line.
          classified: true,
          ...(classification.evidence[0] !== undefined ? { evidence: classification.evidence[0], evidenceLine: classification.evidenceLines[0] } : {}),
          ...(classification.module ? { module: classification.module } : {}),
          ...(classification.version ? { version: classification.version } : {}),
          ...(other ? { alternative: other } : {}),
        },
      });
      if (classification.category !== 'unknown') {
        const current = await this.#store.get(incident.id);
        if (current && !current.rootCause) {
          await this.#store.setRootCause(
            incident.id,
            { category: classification.category, text: `${subject ? `${subject}: ` : ''}${classification.evidence[0] ?? classification.fix}` },
            ACTOR_BUILDFIX,
          );
        }
      }
      await this.updateAlert(incident.id);
      if (classification.category !== 'unknown') {
        checks = liveChecksFor(classification);
        classifiedAs = namedCause(classification);
      }
    } else {
      // Recorded, so a replica recovering a stopped diagnosis knows this one got past the log.
      await this.#store.appendTimeline(incident.id, {
        by: ACTOR_BUILDFIX,
        kind: 'job-result',
        text: `build log not classified: ${redactText(log.note ?? `nothing to read from ${log.origin}`)}`,
        data: { classified: false },
      });
    }
    // A checksum error in the log (or a checksum classification) runs the diagnosis with --deep: zips, go.sum and the checksum DB.
    const deep = checks.some((c) => c.kind === 'diagnose' && c.deep) || CHECKSUM_ERROR_IN_LOG.test(log.text ?? '');
    const compared = await this.#withLastGreen(this.#diagnoseCommand(incident, deep), event, surface);
    // Every live check runs on the agent the build failed on when its worker is live; where not, the thread says where they ran.
    const agent = compared?.agent ?? agentOfFailingBuild(agentFromLog(log.text), this.#config).agent;
    const placement = await placeOnAgent(agent, { dispatcher: front.router.dispatcher, config: this.#config });
    const host = placement.kind === 'agent' || placement.kind === 'elsewhere' ? placement.host : undefined;
    const command = compared && { ...compared, ...(agent ? { agent } : {}), ...(host ? { host } : {}) };
    // Without a repo mapped to the pipeline there is no diagnosis job to run.
    if (!command) checks = checks.filter((c) => c.kind !== 'diagnose');
    const where =
      command || checks.length > 0
        ? describePlacement(
            placement,
            command ? 'this diagnosis' : 'the live checks',
            command ? 'its live checks (the re-check of the last green revision too)' : 'what they see',
          )
        : undefined;
    if (where) await surface.post({ kind: 'text', tone: placement.kind === 'elsewhere' || !onTheAgent(placement) ? 'warning' : 'info', text: where });
    if (checks.length > 0) {
      await surface.post({
        kind: 'text',
        tone: 'info',
        text: `Live checks for ${classifiedAs}, in order:\n${checks.map((c, i) => `${i + 1}. ${describeCheck(c)}`).join('\n')}`,
      });
      for (const check of checks) {
        if (check.kind === 'diagnose') continue;
        await this.#runLiveCheck(check, surface, front, placement);
      }
    }
    if (command) await front.router.dispatch(command, { userId: ACTOR_BUILDFIX, label: 'buildfix (automatic)' }, surface, { confirmed: true });
    else if (!log.text)
      await surface.post({
        kind: 'text',
        tone: 'info',
        text: 'Nothing to diagnose automatically: map this pipeline to a repo in the buildfix config (repos.<name>.job for Jenkins) so buildfix can run its diagnosis.',
      });
  }

  /** One category check: jobs through the router (probe, hostcheck) where the diagnosis runs, direct HTTP checks here (checksum DB, vanity host). */
  async #runLiveCheck(check: LiveCheck, surface: ChatSurface, front: SlackFront, placement: AgentPlacement): Promise<void> {
    const by = { userId: ACTOR_BUILDFIX, label: 'buildfix (automatic)' };
    const host = placement.kind === 'agent' || placement.kind === 'elsewhere' ? placement.host : undefined;
    try {
      switch (check.kind) {
        case 'probe':
          await front.router.dispatch({ kind: 'probe', ...(host ? { host } : {}) }, by, surface, { confirmed: true });
          return;
        case 'hostcheck':
          // A host check examines the machine it runs on: only the failing agent's own worker can run it.
          if ((placement.kind === 'agent' || placement.kind === 'local') && onTheAgent(placement))
            await front.router.dispatch({ kind: 'hostcheck', host: placement.host }, by, surface, { confirmed: true });
          else if (placement.kind === 'elsewhere')
            await surface.post({
              kind: 'text',
              tone: 'info',
              text: `The host check examines ${placement.agent} itself and needs its buildfix worker: start \`buildfix worker --host ${placement.agent}\` there, then \`@buildfix hostcheck ${placement.agent}\`.`,
            });
          else if (placement.kind === 'local' && placement.agent)
            await surface.post({
              kind: 'text',
              tone: 'info',
              text: `The host check examines ${placement.agent} itself: jobs run in the serve process on ${placement.host} (REDIS_URL is not set), so it cannot run on ${placement.agent} from here.`,
            });
          else
            await surface.post({
              kind: 'text',
              tone: 'info',
              text: 'The failing agent is not named by the CI event: run `@buildfix hostcheck <agent>` on it.',
            });
          return;
        case 'sumdb-lookup':
        case 'vanity-host': {
          const http = createHttpClient({ goEnv: this.#config.goEnv, timeoutMs: 15_000, maxConcurrent: 2, maxBodyBytes: 256 * 1024 });
          try {
            const signal = AbortSignal.timeout(20_000);
            let result;
            if (check.kind === 'vanity-host') result = await checkVanityHost(http, check.url, check.importPath, signal);
            else {
              if (this.#config.goEnv.GOSUMDB === 'off') {
                await surface.post({ kind: 'text', tone: 'info', text: 'GOSUMDB=off: there is no checksum DB to ask.' });
                return;
              }
              result = await checkSumDbRecord(new SumDbClient({ goEnv: this.#config.goEnv, http, timeoutMs: 15_000, signal }), check.module, check.version);
            }
            await surface.post({
              kind: 'text',
              tone: result.ok ? 'info' : 'warning',
              text: `${check.kind === 'vanity-host' ? 'Vanity host' : 'Checksum DB'}: ${redactText(result.text)}`,
            });
          } finally {
            await http.close();
          }
          return;
        }
        case 'diagnose':
          return;
      }
    } catch (err) {
      this.#log.warn({ err, check: check.kind }, 'a live check for the classified cause failed');
    }
  }

  #diagnoseCommand(incident: Incident, deep = false): DiagnoseCommand | undefined {
    const repo = repoForPipeline(incident.pipelineKey, this.#config);
    return repo ? { kind: 'diagnose', repo, ...(deep ? { deep: true } : {}) } : undefined;
  }

  /** Agent or code: the diagnosis compares with the last green build of the same job and branch, when the CI can say which. */
  async #withLastGreen(command: DiagnoseCommand | undefined, event: CiEvent, surface: ChatSurface): Promise<DiagnoseCommand | undefined> {
    if (!command) return undefined;
    const repoUrl = this.#config.repos[command.repo]?.url;
    const found = await lastGreenForEvent(
      event,
      { githubToken: this.#config.env.GITHUB_TOKEN, gitlabToken: this.#config.env.GITLAB_TOKEN, jenkins: this.jenkinsClient(), repoUrl },
      { signal: AbortSignal.timeout(20_000) },
    );
    if (!found.ok) {
      await surface.post({ kind: 'text', tone: 'info', text: `Agent or code: ${found.reason}.` });
      return command;
    }
    const failing = event.commit && /^[0-9a-f]{7,64}$/i.test(event.commit) ? event.commit : undefined;
    // Did the same job pass on another agent since? (Jenkins builtOn, GitHub runner_name, GitLab runner.description)
    const elsewhere = await greenElsewhereForEvent(
      event,
      { githubToken: this.#config.env.GITHUB_TOKEN, gitlabToken: this.#config.env.GITLAB_TOKEN, jenkins: this.jenkinsClient(), repoUrl },
      { signal: AbortSignal.timeout(20_000) },
    ).catch(() => undefined);
    return {
      ...command,
      since: found.green.sha,
      sinceLabel: found.green.source.slice(0, 200),
      ...(failing ? { failing } : {}),
      ...(found.green.at ? { greenAt: found.green.at } : {}),
      ...(elsewhere?.found ? { greenElsewhere: elsewhere.found } : elsewhere?.note ? { greenElsewhereNote: elsewhere.note } : {}),
      ...agentOfFailingBuild(elsewhere?.found?.failingAgent ?? elsewhere?.failingAgent, this.#config),
    };
  }

  /** The Jenkins REST client when JENKINS_URL (with user and token) is set; one per process, closed with the alerts. */
  jenkinsClient(): JenkinsClient | undefined {
    const e = this.#config.env;
    if (!e.JENKINS_URL || !e.JENKINS_USER || !e.JENKINS_API_TOKEN) return undefined;
    this.#jenkins ??= createJenkinsClient({ baseUrl: e.JENKINS_URL, user: e.JENKINS_USER, apiToken: e.JENKINS_API_TOKEN, timeoutMs: 20_000 });
    return this.#jenkins;
  }

  /**
   * Re-renders the alert from the store; concurrent requests for one incident share one edit loop.
   * Several serve replicas edit the same alert, and Slack applies their edits in whatever order
   * they arrive: after each edit the alert is rendered again from the store, and if that differs
   * from what was sent (another replica's newer edit may have landed first and been overwritten by
   * this older one), it is sent again. The last edit to land therefore always shows the latest state.
   */
  updateAlert(id: number): Promise<void> {
    const pending = this.#edits.get(id);
    if (pending) {
      pending.again = true;
      return pending.done;
    }
    const edit: PendingEdit = { again: true, done: Promise.resolve() };
    this.#edits.set(id, edit);
    edit.done = (async () => {
      try {
        for (let round = 0; edit.again && round < MAX_EDIT_ROUNDS; round++) {
          edit.again = false;
          try {
            const sent = await this.#renderAlert(id);
            if (sent !== undefined && !edit.again && (await this.#alertMessage(id))?.key !== sent) edit.again = true;
          } catch (err) {
            this.#log.warn({ err, incident: id }, 'could not update the incident alert');
          }
        }
      } finally {
        this.#edits.delete(id);
      }
    })();
    return edit.done;
  }

  /** The alert as the store says it should look now, with a key to compare renderings by. */
  async #alertMessage(id: number): Promise<{ incident: Incident & { channel: string; threadTs: string }; message: SlackMessage; key: string } | undefined> {
    const incident = await this.#store.get(id);
    if (!incident || !hasAlert(incident)) return undefined;
    const diagnose = this.#diagnoseCommand(incident);
    const message = renderIncidentAlert(incident, alertFactsFrom(await this.#store.timeline(id)), diagnose ? { diagnose } : {});
    return { incident, message, key: JSON.stringify([message.text, message.blocks]) };
  }

  /** Edits the alert to what the store says now; returns the rendering's key (undefined: nothing to edit). */
  async #renderAlert(id: number): Promise<string | undefined> {
    const current = await this.#alertMessage(id);
    if (!current) return undefined;
    const { incident, message } = current;
    await this.#outbox.update({ channel: incident.channel, ts: incident.threadTs, message });
    return current.key;
  }

  /** A thread note or question: retried on transient failures and reported when given up on (SlackOutbox.deliver); throws then. */
  async #post(channel: string, message: SlackMessage, threadTs: string | undefined, label: DeliveryLabel): Promise<PostedMessage> {
    const res = await this.#outbox.deliver({ channel, threadTs, message }, label);
    if (!res.posted) throw res.error;
    return res.posted;
  }

  /** Shutdown begins: stop waiting for other replicas' alerts at once, so the handlers drain without it. */
  stopWaiting(): void {
    this.#closing.abort();
  }

  async close(): Promise<void> {
    this.#closing.abort();
    await this.#recovering;
    await this.#follower?.stop();
    await Promise.allSettled([...this.#delivering]);
    await Promise.allSettled([...this.#edits.values()].map((e) => e.done));
    await this.#jenkins?.close();
  }
}

// Log lines go to Slack: pass them through the secret filter first.
function redactClassification(c: Classification): Classification {
  return { ...c, evidence: c.evidence.map(redactText), secondary: c.secondary.map((s) => ({ ...s, evidence: redactText(s.evidence) })) };
}
