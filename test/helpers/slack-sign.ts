/**
 * Requests signed exactly as Slack signs them: v0 HMAC-SHA256 over
 * `v0:<timestamp>:<raw body>` with the signing secret, sent as
 * `application/x-www-form-urlencoded` with no charset (Bolt's parser needs
 * the exact type), or JSON for Events API envelopes.
 */
import { createHmac } from 'node:crypto';
import { request as httpRequest, type Agent } from 'node:http';

export const TEST_SIGNING_SECRET = 'test-signing-secret-8f14e45fceea167a';

export function slackSignature(secret: string, timestamp: number, rawBody: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${rawBody}`).digest('hex')}`;
}

export interface SlashCommandFields {
  text: string;
  user_id?: string;
  user_name?: string;
  channel_id?: string;
  response_url?: string;
  trigger_id?: string;
  command?: string;
}

let triggerCounter = 0;

export function slashCommandBody(f: SlashCommandFields): string {
  return new URLSearchParams({
    token: 'legacy-verification-token',
    team_id: 'T1',
    team_domain: 'acme',
    channel_id: f.channel_id ?? 'C1',
    channel_name: 'incident-build-failure',
    user_id: f.user_id ?? 'U1',
    user_name: f.user_name ?? 'ann',
    command: f.command ?? '/buildfix',
    text: f.text,
    api_app_id: 'A1',
    is_enterprise_install: 'false',
    response_url: f.response_url ?? 'http://127.0.0.1:9/response/none',
    trigger_id: f.trigger_id ?? `${Date.now()}.${++triggerCounter}.abcdef`,
  }).toString();
}

export function blockActionsBody(payload: Record<string, unknown>): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** A message as the Slack fake stores it, with the buttons a user can press. */
export interface PressableMessage {
  ts: string;
  channel: string;
  text: string;
  blocks?: unknown[];
  threadTs?: string;
}

export interface PressedButton {
  action_id: string;
  value: string;
  text: { text: string };
}

/** The block_actions body Slack sends when `userId` presses `button` on `message` (the bot's, in channel `incident-build-failure`). */
export function buttonPressBody(o: { message: PressableMessage; button: PressedButton; userId: string; triggerId: string; responseUrl: string }): string {
  const { message, button, userId } = o;
  return blockActionsBody({
    type: 'block_actions',
    user: { id: userId, username: userId.toLowerCase(), team_id: 'T1' },
    team: { id: 'T1', domain: 'acme' },
    api_app_id: 'A1',
    token: 'legacy',
    trigger_id: o.triggerId,
    response_url: o.responseUrl,
    container: { type: 'message', message_ts: message.ts, channel_id: message.channel, is_ephemeral: false },
    channel: { id: message.channel, name: 'incident-build-failure' },
    message: {
      type: 'message',
      ts: message.ts,
      text: message.text,
      blocks: message.blocks,
      user: 'UBOT',
      ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
    },
    state: { values: {} },
    actions: [
      {
        type: 'button',
        action_id: button.action_id,
        block_id: 'b',
        value: button.value,
        text: { type: 'plain_text', text: button.text.text },
        action_ts: `${Date.now() / 1000}`,
      },
    ],
  });
}

export interface AppMentionFields {
  text: string;
  user?: string;
  channel?: string;
  ts: string;
  threadTs?: string;
  eventId: string;
}

export function appMentionBody(f: AppMentionFields): string {
  return JSON.stringify({
    token: 'legacy-verification-token',
    team_id: 'T1',
    api_app_id: 'A1',
    type: 'event_callback',
    event_id: f.eventId,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ enterprise_id: null, team_id: 'T1', user_id: 'UBOT', is_bot: true, is_enterprise_install: false }],
    event: {
      type: 'app_mention',
      user: f.user ?? 'U1',
      text: f.text,
      ts: f.ts,
      channel: f.channel ?? 'C1',
      event_ts: f.ts,
      ...(f.threadTs ? { thread_ts: f.threadTs } : {}),
    },
  });
}

export interface SignedPostOptions {
  secret?: string;
  /** Unix seconds (default now). */
  timestamp?: number;
  /** Overrides the computed signature. */
  signature?: string;
  contentType?: string;
  headers?: Record<string, string>;
  agent?: Agent;
  timeoutMs?: number;
}

export interface SlackHttpResponse {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
  /** From the first byte sent to the last byte received. */
  ms: number;
}

/** POSTs a body signed like Slack does (node:http, so the content type is sent byte for byte). */
export function postSigned(url: string, body: string, options: SignedPostOptions = {}): Promise<SlackHttpResponse> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const signature = options.signature ?? slackSignature(options.secret ?? TEST_SIGNING_SECRET, timestamp, body);
  const contentType = options.contentType ?? (body.startsWith('{') ? 'application/json' : 'application/x-www-form-urlencoded');
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = httpRequest(
      url,
      {
        method: 'POST',
        agent: options.agent,
        headers: {
          'content-type': contentType,
          'content-length': Buffer.byteLength(body),
          'x-slack-request-timestamp': String(timestamp),
          'x-slack-signature': signature,
          'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
          ...options.headers,
        },
        timeout: options.timeoutMs ?? 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers, ms: performance.now() - started }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${options.timeoutMs ?? 10_000} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}
