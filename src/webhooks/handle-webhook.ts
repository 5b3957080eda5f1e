/**
 * CI webhook ingestion, independent of the HTTP server: bytes and headers in,
 * a status code, a JSON body and what happened out. The caller answers the
 * sender with status/body, then acts on `outcome` (post an alert for
 * 'opened', bump the alert's counter for 'grouped', offer Resolve for
 * 'recovered').
 *
 * Status codes:
 *   200  acted on: opened / grouped / recovered; also a duplicate delivery and GitHub's ping
 *   202  authenticated and understood, deliberately ignored (not a finished failure or
 *        success, a success with no open incident, an event type we do not use)
 *   400  malformed: not JSON, not the expected shape (the message names the field), no X-GitHub-Event
 *   401  missing or wrong credentials; nothing is parsed or stored
 *   404  this source is not enabled (its secret is not configured). Not 503: nothing will
 *        change until someone configures it, so the sender should not retry
 *   413  body larger than maxBodyBytes (MAX_WEBHOOK_BODY_BYTES)
 *   415  a Jenkins XML notification (only JSON is supported)
 *   503  Redis (incident store or dedup) failed; the claim is released so a retry acts
 *
 * Order: size → source enabled → credentials → parse → ignore → dedup → store.
 * Per request: one HMAC or two SHA-256 digests, one JSON.parse, one zod
 * parse, two Redis round trips (claim + one Lua script). No per-request setup.
 * With grouping by cause (deps.findCause), a failure's build log is also read
 * and classified before it is stored (within a time budget, see
 * src/incidents/incident-grouping.ts).
 */
import type { Logger } from '../logger.ts';
import type { IncidentStore } from '../incidents/incident-store.ts';
import type { Incident } from '../incidents/incident-types.ts';
import { describeCause } from '../incidents/cause-key.ts';
import { groupingData, type CauseFinder, type FoundCause } from '../incidents/incident-grouping.ts';
import type { EnvConfig } from '../config/env.ts';
import { incidentSource, incidentTitle, timelineData, timelineText, type CiEvent, type CiEventSource } from './ci-event.ts';
import { dedupKeysFor, type DeliveryDedup } from './delivery-dedup.ts';
import { parseGithubEvent } from './parse-github-event.ts';
import { parseGitlabPipeline } from './parse-gitlab-pipeline.ts';
import { parseJenkinsNotification } from './parse-jenkins-notification.ts';
import type { ParsedDelivery } from './parsed-delivery.ts';
import { redactText } from '../util/redact.ts';
import { basicAuthPassword, tokensEqual, verifyGithubSignature } from './verify-credentials.ts';
import { DELIVERY_DEDUP_TTL_SECONDS, MAX_WEBHOOK_BODY_BYTES } from './webhook-limits.ts';

export type HeaderBag = Record<string, string | string[] | undefined>;

export interface WebhookRequest {
  /** The body exactly as received (signatures are over these bytes). */
  rawBody: Buffer;
  /** Header names in lower case, as node:http gives them (other cases are found too, more slowly). */
  headers: HeaderBag;
  query?: Record<string, string | string[] | undefined>;
}

export interface WebhookSecrets {
  /** JENKINS_WEBHOOK_TOKEN: ?token=, X-Buildfix-Token, or the password of Basic auth (URL userinfo). */
  jenkinsToken?: string | undefined;
  /** GITHUB_WEBHOOK_SECRET: HMAC key of X-Hub-Signature-256. */
  githubSecret?: string | undefined;
  /** GITLAB_WEBHOOK_TOKEN: compared with X-Gitlab-Token. */
  gitlabToken?: string | undefined;
}

export interface WebhookDeps {
  secrets: WebhookSecrets;
  store: IncidentStore;
  dedup: DeliveryDedup;
  logger?: Logger;
  /** Default MAX_WEBHOOK_BODY_BYTES (1 MiB). */
  maxBodyBytes?: number;
  /** Default DELIVERY_DEDUP_TTL_SECONDS (24 h). */
  dedupTtlSeconds?: number;
  /** Groups failures by cause (src/incidents/incident-grouping.ts); without it, by pipeline. */
  findCause?: CauseFinder;
}

export type WebhookOutcome =
  | { kind: 'opened' | 'grouped' | 'recovered'; incident: Incident; event: CiEvent; found?: FoundCause }
  | { kind: 'duplicate'; event: CiEvent }
  | { kind: 'ignored'; reason: string; event?: CiEvent };

export interface WebhookResponse {
  status: number;
  body: Record<string, unknown>;
  event?: CiEvent;
  outcome?: WebhookOutcome;
}

const SECRET_NAME: Record<CiEventSource, string> = {
  jenkins: 'JENKINS_WEBHOOK_TOKEN',
  github: 'GITHUB_WEBHOOK_SECRET',
  gitlab: 'GITLAB_WEBHOOK_TOKEN',
};

/** The webhook secrets from the parsed environment. */
export function webhookSecretsFromEnv(env: Pick<EnvConfig, 'JENKINS_WEBHOOK_TOKEN' | 'GITHUB_WEBHOOK_SECRET' | 'GITLAB_WEBHOOK_TOKEN'>): WebhookSecrets {
  return { jenkinsToken: env.JENKINS_WEBHOOK_TOKEN, githubSecret: env.GITHUB_WEBHOOK_SECRET, gitlabToken: env.GITLAB_WEBHOOK_TOKEN };
}

/** First value of a header; exact lower-case name first, then any case. */
export function headerValue(headers: HeaderBag, name: string): string | undefined {
  let v = headers[name];
  if (v === undefined) {
    for (const key of Object.keys(headers)) {
      if (key.toLowerCase() === name) {
        v = headers[key];
        break;
      }
    }
  }
  return Array.isArray(v) ? v[0] : v;
}

function queryValue(query: WebhookRequest['query'], name: string): string | undefined {
  const v = query?.[name];
  return Array.isArray(v) ? v[0] : v;
}

function secretFor(source: CiEventSource, secrets: WebhookSecrets): string | undefined {
  if (source === 'jenkins') return secrets.jenkinsToken;
  if (source === 'github') return secrets.githubSecret;
  return secrets.gitlabToken;
}

function authenticated(source: CiEventSource, secret: string, request: WebhookRequest): boolean {
  const h = request.headers;
  if (source === 'github') return verifyGithubSignature(secret, request.rawBody, headerValue(h, 'x-hub-signature-256'));
  if (source === 'gitlab') return tokensEqual(headerValue(h, 'x-gitlab-token'), secret);
  // Jenkins: any one of the three places may carry the token.
  const header = headerValue(h, 'x-buildfix-token');
  const query = queryValue(request.query, 'token');
  const basic = basicAuthPassword(headerValue(h, 'authorization'));
  let ok = false;
  for (const presented of [header, query, basic]) if (presented !== undefined && tokensEqual(presented, secret)) ok = true;
  return ok;
}

function parse(source: CiEventSource, request: WebhookRequest): ParsedDelivery {
  const h = request.headers;
  if (source === 'jenkins') return parseJenkinsNotification(request.rawBody, headerValue(h, 'content-type'));
  if (source === 'github')
    return parseGithubEvent(headerValue(h, 'x-github-event'), request.rawBody, headerValue(h, 'content-type'), headerValue(h, 'x-github-delivery'));
  return parseGitlabPipeline(headerValue(h, 'x-gitlab-event'), request.rawBody, headerValue(h, 'idempotency-key'));
}

function fail(status: number, error: string): WebhookResponse {
  return { status, body: { ok: false, error } };
}

function ignored(reason: string, event?: CiEvent): WebhookResponse {
  const outcome: WebhookOutcome = event ? { kind: 'ignored', reason, event } : { kind: 'ignored', reason };
  return { status: 202, body: { ok: true, result: 'ignored', reason }, ...(event ? { event } : {}), outcome };
}

/** The failure's cause, or undefined (grouped by pipeline) when there is no finder or it failed. */
async function findCause(deps: WebhookDeps, event: CiEvent): Promise<FoundCause | undefined> {
  if (!deps.findCause) return undefined;
  try {
    return await deps.findCause(event);
  } catch (err) {
    deps.logger?.warn({ err, source: event.source }, 'could not classify a CI failure: grouped by its pipeline');
    return undefined;
  }
}

export async function handleWebhook(source: CiEventSource, request: WebhookRequest, deps: WebhookDeps): Promise<WebhookResponse> {
  const limit = deps.maxBodyBytes ?? MAX_WEBHOOK_BODY_BYTES;
  if (request.rawBody.length > limit) return fail(413, `body larger than ${limit} bytes`);

  const secret = secretFor(source, deps.secrets);
  if (!secret) return fail(404, `the ${source} webhook is not enabled here: set ${SECRET_NAME[source]} on the buildfix server`);

  if (!authenticated(source, secret, request)) {
    deps.logger?.warn({ source }, 'webhook refused: bad or missing credentials');
    const what =
      source === 'github' ? 'missing or invalid X-Hub-Signature-256' : source === 'gitlab' ? 'missing or wrong X-Gitlab-Token' : 'missing or wrong token';
    return fail(401, what);
  }

  const parsed = parse(source, request);
  if (parsed.kind === 'invalid') {
    deps.logger?.info({ source, error: redactText(parsed.error) }, 'webhook refused: malformed body');
    return fail(parsed.status, parsed.error);
  }
  if (parsed.kind === 'ping') return { status: 200, body: { ok: true, result: 'ping', message: parsed.message } };
  if (parsed.kind === 'ignored') return ignored(parsed.reason, parsed.event);

  const event = parsed.event;
  const keys = dedupKeysFor(event);
  // The pipeline key is built from payload fields (branch, job name): logged only redacted.
  const pipeline = redactText(event.pipelineKey);
  let claimed = false;
  try {
    if (!(await deps.dedup.claim(keys, deps.dedupTtlSeconds ?? DELIVERY_DEDUP_TTL_SECONDS))) {
      return { status: 200, body: { ok: true, result: 'duplicate' }, event, outcome: { kind: 'duplicate', event } };
    }
    claimed = true;
    if (event.outcome === 'failure') {
      const found = await findCause(deps, event);
      const result = await deps.store.recordCiFailure({
        pipelineKey: event.pipelineKey,
        title: incidentTitle(event),
        source: incidentSource(event),
        text: timelineText(event),
        data: { ...timelineData(event), ...(found ? groupingData(found.group, event.pipelineKey) : {}) },
        ...(found ? { group: found.group } : {}),
      });
      const { incident } = result;
      const cause = found ? redactText(describeCause(found.group.cause)) : undefined;
      if (result.kind === 'opened') deps.logger?.info({ source, incident: incident.id, pipeline, cause }, 'CI failure opened an incident');
      else deps.logger?.debug({ source, incident: incident.id, failures: incident.failureCount, cause }, 'CI failure grouped into its open incident');
      return {
        status: 200,
        body: { ok: true, result: result.kind, incident: incident.id, failureCount: incident.failureCount, pipeline, ...(cause ? { cause } : {}) },
        event,
        outcome: { kind: result.kind, incident, event, ...(found ? { found } : {}) },
      };
    }
    // The pipeline key tells which pipeline of a cause-grouped incident is green again (blast-radius.ts).
    const incident = await deps.store.recordCiRecovery({
      pipelineKey: event.pipelineKey,
      text: timelineText(event),
      data: { ...timelineData(event), pipeline: event.pipelineKey },
    });
    if (!incident) return ignored(`no open incident for ${event.pipelineKey}`, event);
    deps.logger?.info({ source, incident: incident.id, pipeline }, 'CI recovery recorded');
    return { status: 200, body: { ok: true, result: 'recovered', incident: incident.id, pipeline }, event, outcome: { kind: 'recovered', incident, event } };
  } catch (err) {
    if (claimed) await deps.dedup.release(keys).catch(() => {});
    deps.logger?.error({ err, source, pipeline }, 'webhook could not be stored');
    return fail(503, 'the incident store is unavailable; retry the delivery later');
  }
}
