/**
 * A fake Slack Web API on 127.0.0.1 that records every call, for tests that
 * run the real app (and the real @slack/web-api client) against it:
 * - POST /api/<method> with form or JSON bodies, Bearer token checked
 *   (anything else → ok:false invalid_auth): auth.test, chat.postMessage,
 *   chat.update, chat.postEphemeral, files.getUploadURLExternal,
 *   files.completeUploadExternal, conversations.info/history/replies,
 *   usergroups.users.list;
 * - POST /upload/<file_id>: the upload step (multipart, field "body");
 * - POST /response/<id>: response_url endpoints (JSON bodies).
 * Failures are scripted per method (optionally for one channel only), consumed in order: HTTP 429 with
 * Retry-After, HTTP 500, or an ok:false error code. `{ status: 500, applied: true }`
 * carries the call out first and then answers 500 (Slack stored the message but
 * the answer was lost); `{ error: 'internal_error', applied: true }` carries it out and
 * answers ok:false internal_error.
 * Strict like Slack: messages are checked against Block Kit's per-block limits and the
 * total text of their blocks (msg_blocks_too_long, invalid_blocks, msg_too_long, also on
 * response_url), methods are rate limited per their tier (429 + Retry-After, and 429 again
 * until Retry-After has passed), chat.update of an unknown message is message_not_found,
 * and escapeLikeSlack() gives the text Slack sends for what a person typed.
 * chat.postMessage keeps `metadata`; conversations.history/replies return it with
 * include_all_metadata, newest first (history) or oldest first (replies), and honour
 * `oldest` (compared with the real time the fake stored the message: the fake's ts
 * values are not wall-clock times) and `limit`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedSlackCall {
  /** "chat.postMessage", "upload", "response" … */
  method: string;
  /** Form fields with JSON-looking values (blocks, files) parsed. */
  args: Record<string, unknown>;
  /** What the fake answered. */
  status: number;
  ok: boolean;
  error?: string;
  path: string;
  at: number;
}

/** `channel`: only a call to that channel (channel / channel_id) consumes it; others pass it by. */
export type ScriptedFailure = (
  | { status: 429; retryAfter: number }
  | { status: 500 | 502 | 503; applied?: boolean }
  /** applied: carried out first, then answered ok:false with `error` (internal_error: "some aspect may have succeeded"). */
  | { error: string; applied?: boolean }
  | { delayMs: number }
  /** Carries the call out, then holds the answer back this long (the caller may be gone by then). */
  | { hangAfterApplyMs: number }
) & { channel?: string };

export interface FakeMessage {
  channel: string;
  ts: string;
  text: string;
  blocks?: unknown[];
  threadTs?: string;
  user: string;
  edits: number;
  metadata?: { event_type: string; event_payload?: Record<string, unknown> };
  /** Epoch ms when the fake stored it (conversations.* `oldest`). */
  postedAt: number;
}

export interface SlackApiFakeOptions {
  /** Accepted bot token (default xoxb-test-token). */
  token?: string;
  /** Channels where chat.postMessage answers not_in_channel. */
  notInChannel?: string[];
  /** user-group id → member user ids. */
  usergroups?: Record<string, string[]>;
  /** Per-method rate limits replacing the defaults (RATE_LIMITS); a method mapped to null is not limited. */
  rateLimits?: Record<string, RateLimit | null>;
}

/** At most `limit` calls per `windowMs`, per workspace or per channel; more get HTTP 429 with Retry-After. */
export interface RateLimit {
  limit: number;
  windowMs: number;
  perChannel?: boolean;
}

/**
 * Slack's tiers for the methods buildfix calls (api.slack.com/apis/rate-limits): Tier 2 ≈ 20/min,
 * Tier 3 ≈ 50/min, Tier 4 ≈ 100/min; chat.postMessage ≈ 1/s per channel with short bursts allowed.
 */
export const RATE_LIMITS: Record<string, RateLimit> = {
  'chat.postMessage': { limit: 20, windowMs: 10_000, perChannel: true },
  'chat.update': { limit: 50, windowMs: 60_000 },
  'chat.postEphemeral': { limit: 100, windowMs: 60_000 },
  'files.getUploadURLExternal': { limit: 20, windowMs: 60_000 },
  'files.completeUploadExternal': { limit: 20, windowMs: 60_000 },
  'conversations.history': { limit: 50, windowMs: 60_000 },
  'conversations.replies': { limit: 50, windowMs: 60_000 },
  'usergroups.users.list': { limit: 20, windowMs: 60_000 },
};

/** Block Kit limits Slack enforces (the Block Kit reference; @slack/types). */
export const BLOCK_LIMITS = {
  blocks: 50,
  sectionText: 3000,
  fields: 10,
  fieldText: 2000,
  headerText: 150,
  contextElements: 10,
  elementText: 3000,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  id: 255,
  url: 3000,
} as const;
/** Characters of text across a message's blocks beyond which Slack answers msg_blocks_too_long (bolt-js #2509/#2867: refused at 11.3k–13.2k). */
export const BLOCKS_TEXT_LIMIT = 12_000;
/** The top-level text Slack accepts (msg_too_long past it). */
export const TEXT_LIMIT = 40_000;

type Json = Record<string, any>;

function textLength(o: Json | undefined): number {
  return typeof o?.text === 'string' ? o.text.length : 0;
}

/** What Slack would answer to these blocks and text: undefined when acceptable, else its error code. */
export function checkMessage(args: Record<string, unknown>): string | undefined {
  if (typeof args.text === 'string' && args.text.length > TEXT_LIMIT) return 'msg_too_long';
  if (args.blocks === undefined) return undefined;
  if (!Array.isArray(args.blocks)) return 'invalid_blocks_format';
  const blocks = args.blocks as Json[];
  if (blocks.length > BLOCK_LIMITS.blocks) return 'invalid_blocks';
  let total = 0;
  const texts = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(texts);
    else if (v && typeof v === 'object') {
      const o = v as Json;
      if ((o.type === 'mrkdwn' || o.type === 'plain_text') && typeof o.text === 'string') total += o.text.length;
      else Object.values(o).forEach(texts);
    }
  };
  for (const b of blocks) {
    if (!b || typeof b !== 'object') return 'invalid_blocks';
    if (typeof b.block_id === 'string' && b.block_id.length > BLOCK_LIMITS.id) return 'invalid_blocks';
    switch (b.type) {
      case 'section': {
        const n = textLength(b.text);
        if (b.text && (n < 1 || n > BLOCK_LIMITS.sectionText)) return 'invalid_blocks';
        if (!b.text && !Array.isArray(b.fields)) return 'invalid_blocks';
        if (Array.isArray(b.fields) && (b.fields.length > BLOCK_LIMITS.fields || b.fields.some((f: Json) => textLength(f) > BLOCK_LIMITS.fieldText)))
          return 'invalid_blocks';
        break;
      }
      case 'header':
        if (b.text?.type !== 'plain_text' || textLength(b.text) < 1 || textLength(b.text) > BLOCK_LIMITS.headerText) return 'invalid_blocks';
        break;
      case 'context':
        if (!Array.isArray(b.elements) || b.elements.length < 1 || b.elements.length > BLOCK_LIMITS.contextElements) return 'invalid_blocks';
        if (b.elements.some((e: Json) => textLength(e) > BLOCK_LIMITS.elementText)) return 'invalid_blocks';
        break;
      case 'actions':
        if (!Array.isArray(b.elements) || b.elements.length < 1 || b.elements.length > BLOCK_LIMITS.actionsElements) return 'invalid_blocks';
        for (const e of b.elements as Json[]) {
          if (e.type === 'button' && (textLength(e.text) < 1 || textLength(e.text) > BLOCK_LIMITS.buttonText)) return 'invalid_blocks';
          if (typeof e.value === 'string' && e.value.length > BLOCK_LIMITS.buttonValue) return 'invalid_blocks';
          if (typeof e.action_id === 'string' && e.action_id.length > BLOCK_LIMITS.id) return 'invalid_blocks';
          if (typeof e.url === 'string' && e.url.length > BLOCK_LIMITS.url) return 'invalid_blocks';
        }
        break;
      case 'divider':
      case 'image':
      case 'rich_text':
        break;
      default:
        return 'invalid_blocks';
    }
  }
  texts(blocks);
  return total > BLOCKS_TEXT_LIMIT ? 'msg_blocks_too_long' : undefined;
}

export interface SlackApiFake {
  /** Base URL for SLACK_API_URL: http://127.0.0.1:PORT/api/ */
  apiUrl: string;
  /** http://127.0.0.1:PORT */
  origin: string;
  calls: RecordedSlackCall[];
  messages: FakeMessage[];
  uploads: Array<{ fileId: string; filename: string; content: string }>;
  /** A fresh response_url on this fake. */
  responseUrl(id?: string): string;
  /** Queue failures for a method, consumed one per call in order. */
  fail(method: string, ...failures: ScriptedFailure[]): void;
  /** Drops the failures still queued (for one method, or all). */
  clearFailures(method?: string): void;
  callsTo(method: string): RecordedSlackCall[];
  /** Successful calls to a method. */
  okCalls(method: string): RecordedSlackCall[];
  /** Messages in a thread (the root's ts), root first. */
  thread(channel: string, threadTs: string): FakeMessage[];
  /** Resolves with the first recorded call matching; rejects after timeoutMs. */
  waitFor(predicate: (call: RecordedSlackCall) => boolean, timeoutMs?: number): Promise<RecordedSlackCall>;
  reset(): void;
  close(): Promise<void>;
}

function parseForm(body: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(body)) {
    if (/^[[{]/.test(v)) {
      try {
        out[k] = JSON.parse(v);
        continue;
      } catch {
        /* plain string */
      }
    }
    out[k] = v;
  }
  return out;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startSlackApiFake(options: SlackApiFakeOptions = {}): Promise<SlackApiFake> {
  const token = options.token ?? 'xoxb-test-token';
  const calls: RecordedSlackCall[] = [];
  const messages: FakeMessage[] = [];
  const uploads: SlackApiFake['uploads'] = [];
  const scripts = new Map<string, ScriptedFailure[]>();
  const pendingFiles = new Map<string, { filename: string }>();
  const waiters = new Set<{ predicate: (c: RecordedSlackCall) => boolean; resolve: (c: RecordedSlackCall) => void }>();
  let tsCounter = 0;
  let fileCounter = 0;
  const limits: Record<string, RateLimit | null> = { ...RATE_LIMITS, ...options.rateLimits };
  /** Calls counted per limit key (method, or method:channel) within the window. */
  const windows = new Map<string, number[]>();
  /** After a 429, the key answers 429 until then (epoch ms), as Slack does. */
  const blockedUntil = new Map<string, number>();
  const limitKey = (method: string, args: Record<string, unknown>): string =>
    limits[method]?.perChannel ? `${method}:${String(args.channel ?? args.channel_id ?? '')}` : method;
  const rateLimited = (method: string, args: Record<string, unknown>): number | undefined => {
    const key = limitKey(method, args);
    const now = Date.now();
    const until = blockedUntil.get(key) ?? 0;
    if (now < until) return Math.ceil((until - now) / 1000);
    const rl = limits[method];
    if (!rl) return undefined;
    const w = (windows.get(key) ?? []).filter((t) => t > now - rl.windowMs);
    windows.set(key, w);
    if (w.length >= rl.limit) {
      const retryAfter = Math.max(1, Math.ceil(((w[0] ?? now) + rl.windowMs - now) / 1000));
      blockedUntil.set(key, now + retryAfter * 1000);
      return retryAfter;
    }
    w.push(now);
    return undefined;
  };
  let origin = '';

  const record = (call: RecordedSlackCall): void => {
    calls.push(call);
    for (const w of [...waiters]) {
      if (w.predicate(call)) {
        waiters.delete(w);
        w.resolve(call);
      }
    }
  };
  const nextTs = (): string => `${1700000000 + Math.floor(tsCounter / 1000)}.${String(++tsCounter).padStart(6, '0')}`;

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  };

  async function handleApi(method: string, req: IncomingMessage, res: ServerResponse, raw: Buffer, path: string): Promise<void> {
    const ct = String(req.headers['content-type'] ?? '');
    const args: Record<string, unknown> = ct.includes('application/json')
      ? (JSON.parse(raw.toString('utf8') || '{}') as Record<string, unknown>)
      : parseForm(raw.toString('utf8'));
    const base = { method, args, path, at: Date.now() };
    const script = scripts.get(method);
    const callChannel = String(args.channel ?? args.channel_id ?? '');
    const at = script ? script.findIndex((f) => f.channel === undefined || f.channel === callChannel) : -1;
    const failure = script && at >= 0 ? script.splice(at, 1)[0] : undefined;
    let appliedFailure: number | undefined;
    let appliedError: string | undefined;
    let hangMs: number | undefined;
    if (failure && 'hangAfterApplyMs' in failure) hangMs = failure.hangAfterApplyMs;
    else if (failure && 'delayMs' in failure) await new Promise((r) => setTimeout(r, failure.delayMs));
    else if (failure && 'status' in failure && failure.status !== 429 && failure.applied) appliedFailure = failure.status;
    else if (failure && 'error' in failure && failure.applied) appliedError = failure.error;
    else if (failure && 'status' in failure) {
      record({ ...base, status: failure.status, ok: false });
      if (failure.status === 429) {
        // Slack keeps answering 429 until Retry-After has passed.
        blockedUntil.set(limitKey(method, args), Date.now() + failure.retryAfter * 1000);
        json(res, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(failure.retryAfter) });
      } else {
        res.writeHead(failure.status, { 'content-type': 'text/plain' });
        res.end('upstream failure');
      }
      return;
    } else if (failure && 'error' in failure) {
      record({ ...base, status: 200, ok: false, error: failure.error });
      json(res, 200, { ok: false, error: failure.error });
      return;
    }
    const auth = String(req.headers.authorization ?? '');
    const given = auth.startsWith('Bearer ') ? auth.slice(7) : typeof args.token === 'string' ? args.token : '';
    if (given !== token) {
      record({ ...base, status: 200, ok: false, error: 'invalid_auth' });
      json(res, 200, { ok: false, error: 'invalid_auth' });
      return;
    }
    const fail = (error: string): void => {
      record({ ...base, status: 200, ok: false, error });
      json(res, 200, { ok: false, error });
    };
    const retryAfter = rateLimited(method, args);
    if (retryAfter !== undefined) {
      record({ ...base, status: 429, ok: false, error: 'ratelimited' });
      json(res, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(retryAfter) });
      return;
    }
    if (method === 'chat.postMessage' || method === 'chat.update' || method === 'chat.postEphemeral') {
      const refused = checkMessage(args);
      if (refused) return fail(refused);
    }
    const ok = (body: Record<string, unknown>): void => {
      if (appliedError !== undefined) {
        record({ ...base, status: 200, ok: false, error: appliedError });
        json(res, 200, { ok: false, error: appliedError });
        return;
      }
      if (appliedFailure !== undefined) {
        record({ ...base, status: appliedFailure, ok: false });
        res.writeHead(appliedFailure, { 'content-type': 'text/plain' });
        res.end('upstream failure');
        return;
      }
      record({ ...base, status: 200, ok: true });
      if (hangMs !== undefined) {
        setTimeout(() => {
          if (!res.destroyed) json(res, 200, { ok: true, ...body });
        }, hangMs).unref();
        return;
      }
      json(res, 200, { ok: true, ...body });
    };
    const channel = String(args.channel ?? args.channel_id ?? '');
    const withMetadata = args.include_all_metadata === true || args.include_all_metadata === 'true' || args.include_all_metadata === '1';
    const oldestMs = args.oldest !== undefined ? Number(args.oldest) * 1000 : undefined;
    const after = (m: FakeMessage): boolean => oldestMs === undefined || !Number.isFinite(oldestMs) || m.postedAt >= oldestMs;
    const limitOf = (fallback: number): number => (Number(args.limit) > 0 ? Number(args.limit) : fallback);
    const asHistory = (m: FakeMessage): Record<string, unknown> => ({
      ...m,
      type: 'message',
      ...(m.threadTs ? { thread_ts: m.threadTs } : {}),
      ...(!withMetadata ? { metadata: undefined } : {}),
    });
    switch (method) {
      case 'auth.test':
        return ok({ url: 'https://acme.slack.com/', team: 'Acme', user: 'buildfix', team_id: 'T1', user_id: 'UBOT', bot_id: 'BBOT' });
      case 'chat.postMessage': {
        if (!channel) return fail('channel_not_found');
        if (options.notInChannel?.includes(channel)) return fail('not_in_channel');
        if (!args.text && !args.blocks) return fail('no_text');
        const ts = nextTs();
        const threadTs = typeof args.thread_ts === 'string' ? args.thread_ts : undefined;
        const metadata = args.metadata && typeof args.metadata === 'object' ? (args.metadata as FakeMessage['metadata']) : undefined;
        const m: FakeMessage = {
          channel,
          ts,
          text: String(args.text ?? ''),
          user: 'UBOT',
          edits: 0,
          postedAt: Date.now(),
          ...(Array.isArray(args.blocks) ? { blocks: args.blocks } : {}),
          ...(threadTs ? { threadTs } : {}),
          ...(metadata ? { metadata } : {}),
        };
        messages.push(m);
        return ok({ channel, ts, message: { type: 'message', text: m.text, ts, user: 'UBOT', ...(threadTs ? { thread_ts: threadTs } : {}) } });
      }
      case 'chat.update': {
        const m = messages.find((x) => x.channel === channel && x.ts === args.ts);
        if (!m) return fail('message_not_found');
        m.text = String(args.text ?? m.text);
        if (Array.isArray(args.blocks)) m.blocks = args.blocks;
        m.edits++;
        return ok({ channel, ts: m.ts, text: m.text });
      }
      case 'chat.postEphemeral':
        if (!channel || !args.user) return fail('user_not_in_channel');
        return ok({ message_ts: nextTs() });
      case 'files.getUploadURLExternal': {
        const fileId = `F${String(++fileCounter).padStart(6, '0')}`;
        pendingFiles.set(fileId, { filename: String(args.filename ?? 'file') });
        return ok({ upload_url: `${origin}/upload/${fileId}`, file_id: fileId });
      }
      case 'files.completeUploadExternal': {
        const files = Array.isArray(args.files) ? (args.files as Array<{ id: string; title?: string }>) : [];
        if (files.some((f) => !uploads.some((u) => u.fileId === f.id))) return fail('file_not_found');
        return ok({ files: files.map((f) => ({ id: f.id, title: f.title })) });
      }
      case 'conversations.info':
        return ok({ channel: { id: channel, name: 'incident-build-failure', is_member: !options.notInChannel?.includes(channel) } });
      case 'conversations.history': {
        const found = messages.filter((m) => m.channel === channel && !m.threadTs && after(m)).reverse();
        const limit = limitOf(15);
        return ok({ messages: found.slice(0, limit).map(asHistory), has_more: found.length > limit });
      }
      case 'conversations.replies': {
        const root = String(args.ts ?? '');
        const found = messages.filter((m) => m.channel === channel && (m.ts === root || (m.threadTs === root && after(m))));
        const limit = limitOf(1000);
        return ok({ messages: found.slice(0, limit).map(asHistory), has_more: found.length > limit });
      }
      case 'usergroups.users.list': {
        const users = options.usergroups?.[String(args.usergroup ?? '')];
        if (!users) return fail('no_such_subteam');
        return ok({ users });
      }
      default:
        return fail('unknown_method');
    }
  }

  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const raw = await readBody(req);
      const api = /^\/api\/([A-Za-z.]+)$/.exec(url.pathname);
      if (req.method === 'POST' && api?.[1]) return handleApi(api[1], req, res, raw, url.pathname);
      const upload = /^\/upload\/(F\d+)$/.exec(url.pathname);
      if (req.method === 'POST' && upload?.[1]) {
        const fileId = upload[1];
        const failure = scripts.get('upload')?.shift();
        if (failure && 'status' in failure) {
          record({ method: 'upload', args: { fileId }, status: failure.status, ok: false, path: url.pathname, at: Date.now() });
          res.writeHead(failure.status);
          res.end();
          return;
        }
        const form = await new Response(raw, { headers: { 'content-type': String(req.headers['content-type'] ?? '') } }).formData();
        const body = form.get('body');
        const content = body instanceof Blob ? await body.text() : String(body ?? '');
        uploads.push({ fileId, filename: pendingFiles.get(fileId)?.filename ?? '', content });
        record({ method: 'upload', args: { fileId, bytes: Buffer.byteLength(content) }, status: 200, ok: true, path: url.pathname, at: Date.now() });
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(`OK - ${Buffer.byteLength(content)}`);
        return;
      }
      const response = /^\/response\/([\w-]+)$/.exec(url.pathname);
      if (req.method === 'POST' && response?.[1]) {
        const failure = scripts.get('response')?.shift();
        if (failure && 'status' in failure) {
          record({ method: 'response', args: { id: response[1] }, status: failure.status, ok: false, path: url.pathname, at: Date.now() });
          res.writeHead(failure.status, failure.status === 429 ? { 'retry-after': String(failure.retryAfter) } : {});
          res.end();
          return;
        }
        const args = JSON.parse(raw.toString('utf8') || '{}') as Record<string, unknown>;
        const refused = checkMessage(args);
        if (refused) {
          record({ method: 'response', args: { ...args, id: response[1] }, status: 400, ok: false, error: refused, path: url.pathname, at: Date.now() });
          res.writeHead(400, { 'content-type': 'text/plain' });
          res.end(refused);
          return;
        }
        record({ method: 'response', args: { ...args, id: response[1] }, status: 200, ok: true, path: url.pathname, at: Date.now() });
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('ok');
        return;
      }
      res.writeHead(404);
      res.end();
    })().catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;
  let responseCounter = 0;

  return {
    apiUrl: `${origin}/api/`,
    origin,
    calls,
    messages,
    uploads,
    responseUrl: (id) => `${origin}/response/${id ?? `r${++responseCounter}`}`,
    fail(method, ...failures) {
      scripts.set(method, [...(scripts.get(method) ?? []), ...failures]);
    },
    clearFailures(method) {
      if (method) scripts.delete(method);
      else scripts.clear();
    },
    callsTo: (method) => calls.filter((c) => c.method === method),
    okCalls: (method) => calls.filter((c) => c.method === method && c.ok),
    thread: (channel, threadTs) => messages.filter((m) => m.channel === channel && (m.ts === threadTs || m.threadTs === threadTs)),
    waitFor(predicate, timeoutMs = 10_000) {
      const found = calls.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const w = { predicate, resolve: (c: RecordedSlackCall) => (clearTimeout(timer), resolve(c)) };
        const timer = setTimeout(() => {
          waiters.delete(w);
          reject(
            new Error(
              `no matching Slack call within ${timeoutMs} ms; calls: ${calls.map((c) => `${c.method}${c.ok ? '' : `!${c.error ?? c.status}`}`).join(', ')}`,
            ),
          );
        }, timeoutMs);
        waiters.add(w);
      });
    },
    reset() {
      windows.clear();
      blockedUntil.clear();
      calls.length = 0;
      messages.length = 0;
      uploads.length = 0;
      scripts.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * What Slack delivers for text a person typed, for a slash command with
 * `should_escape: true` (and app_mention events): `&`, `<`, `>` as entities,
 * links, e-mail addresses, known users, channels and @here/@channel wrapped
 * in angle brackets with their ids.
 */
export function escapeLikeSlack(typed: string, directory: { users?: Record<string, string>; channels?: Record<string, string> } = {}): string {
  const escaped = typed.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return escaped.replace(
    /(https?:\/\/[^\s]+)|([A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,})|(^|\s)@(here|channel|everyone)\b|(^|\s)@([a-z0-9._-]+)|(^|\s)#([a-z0-9._-]+)/g,
    (whole, url?: string, email?: string, sp1?: string, special?: string, sp2?: string, user?: string, sp3?: string, channel?: string) => {
      if (url) return `<${url}>`;
      if (email) return `<mailto:${email}|${email}>`;
      if (special) return `${sp1 ?? ''}<!${special}>`;
      if (user) {
        const id = directory.users?.[user];
        return id ? `${sp2 ?? ''}<@${id}|${user}>` : whole;
      }
      if (channel) {
        const id = directory.channels?.[channel];
        return id ? `${sp3 ?? ''}<#${id}|${channel}>` : whole;
      }
      return whole;
    },
  );
}
