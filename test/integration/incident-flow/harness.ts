/**
 * What the incident-flow tests share: a real `buildfix serve` on real Redis
 * (a prefix of its own, removed afterwards) against the fake Slack Web API,
 * signed webhook deliveries from the real payload fixtures, button presses
 * and mentions signed like Slack's, and a direct read of the incident store.
 */
import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { request } from 'node:http';
import type { Redis } from 'ioredis';
import { RedisIncidentStore } from '../../../src/incidents/redis-incident-store.ts';
import { normalizeKeyPrefix } from '../../../src/redis/key-prefix.ts';
import { createRedisConnection } from '../../../src/redis/create-redis-connection.ts';
import type { JenkinsFake } from '../../fakes/jenkins-server.ts';
import type { FakeMessage, SlackApiFake } from '../../fakes/slack-api.ts';
import {
  deletePrefix,
  goproxyEnv,
  REDIS_URL,
  slackEnv,
  startServeOnFreePort,
  startWorkerProcess,
  type ChildHandle,
  workDirWithConfig,
  type ServeHandle,
} from '../../helpers/slack-processes.ts';
import { appMentionBody, buttonPressBody, postSigned, type SlackHttpResponse } from '../../helpers/slack-sign.ts';
import { GITHUB_SECRET, GITLAB_TOKEN, JENKINS_TOKEN } from '../../unit/webhooks/payloads.ts';

export const INCIDENT_CHANNEL = 'CINCIDENTS';
export const ARCHIVE_CHANNEL = 'CARCHIVE';
export const JENKINS_WEBHOOK_TOKEN = JENKINS_TOKEN;

/** The webhook secrets of the payload fixtures (test/unit/webhooks/payloads.ts) and the two channels. */
export const WEBHOOK_ENV = {
  JENKINS_WEBHOOK_TOKEN: JENKINS_TOKEN,
  GITHUB_WEBHOOK_SECRET: GITHUB_SECRET,
  GITLAB_WEBHOOK_TOKEN: GITLAB_TOKEN,
  INCIDENT_CHANNEL,
  ARCHIVE_CHANNEL,
};

/** The Jenkins fake's URL and credentials, as serve and workers read them. */
export function jenkinsEnv(jenkins: JenkinsFake): Record<string, string> {
  return { JENKINS_URL: jenkins.url, JENKINS_USER: jenkins.user, JENKINS_API_TOKEN: jenkins.token };
}

/**
 * The environment of an incident test's `buildfix serve`: real Redis under `prefix`, the config file, the Slack
 * fake, the webhook secrets and channels, and the Jenkins fake when there is one.
 */
export function incidentServeEnv(o: { prefix: string; configPath: string; slack: SlackApiFake; jenkins?: JenkinsFake }): Record<string, string> {
  return {
    REDIS_URL,
    REDIS_PREFIX: o.prefix,
    BUILDFIX_CONFIG: o.configPath,
    ...slackEnv(o.slack),
    ...(o.jenkins ? jenkinsEnv(o.jenkins) : {}),
    ...WEBHOOK_ENV,
  };
}

export interface IncidentServeSetUp {
  /** The temp directory holding buildfix.yaml (releaseIncidentTest removes it). */
  work: string;
  configPath: string;
  /** The incident store the serve process writes, read directly, and its connection. */
  store: RedisIncidentStore;
  redis: Redis;
  /** The serve process's environment (incidentServeEnv). */
  env: Record<string, string>;
}

/** What an incident test prepares before it starts serve: its config file (`config` as buildfix.yaml), the store under `prefix`, serve's environment. */
export async function setUpIncidentServe(o: {
  label: string;
  config: string;
  prefix: string;
  slack: SlackApiFake;
  jenkins?: JenkinsFake;
}): Promise<IncidentServeSetUp> {
  const { work, configPath } = await workDirWithConfig(o.label, o.config);
  const { store, redis } = await openStore(o.prefix);
  const env = incidentServeEnv({ prefix: o.prefix, configPath, slack: o.slack, ...(o.jenkins ? { jenkins: o.jenkins } : {}) });
  return { work, configPath, store, redis, env };
}

/**
 * What an incident test frees after its serve process stopped: the store's Redis connection, the fakes, every key
 * under its prefix and its work directory.
 */
export async function releaseIncidentTest(o: {
  redis?: Redis | undefined;
  prefix: string;
  work?: string | undefined;
  fakes: Array<{ close(): Promise<void> } | undefined>;
}): Promise<void> {
  o.redis?.disconnect();
  await Promise.all(o.fakes.map((f) => f?.close()));
  await deletePrefix(o.prefix);
  if (o.work) await rm(o.work, { recursive: true, force: true });
}

/**
 * Writes `<work>/buildfix.yaml` mapping each repo to its checkout and Jenkins job, with the jobs and agent-03
 * configured, and returns its path: the set-up of the tests that run serve with agent-03's worker.
 */
export async function writeRepoJobsConfig(work: string, repos: Record<string, { url: string; job: string }>): Promise<string> {
  const entries = Object.entries(repos);
  const path = join(work, 'buildfix.yaml');
  await writeFile(
    path,
    [
      'repos:',
      ...entries.flatMap(([name, r]) => [`  ${name}:`, `    url: ${r.url}`, `    job: ${r.job}`]),
      'jobs:',
      ...entries.map(([, r]) => `  ${r.job}: {}`),
      'agents:',
      '  agent-03: {}',
      '',
    ].join('\n'),
  );
  return path;
}

/**
 * Stops the serve process and its agent worker started by startServeAndWorker, frees what the test used
 * (releaseIncidentTest), and asserts both exited 0 on SIGTERM and serve logged no error (unless `errorsExpected`).
 */
export async function stopServeAndWorker(o: {
  serve: ServeHandle | undefined;
  worker: ChildHandle | undefined;
  redis?: Redis | undefined;
  prefix: string;
  work?: string | undefined;
  fakes: Array<{ close(): Promise<void> } | undefined>;
  errorsExpected?: boolean;
}): Promise<void> {
  const codes = await Promise.all([o.serve?.stop(), o.worker?.stop()]);
  await releaseIncidentTest({ redis: o.redis, prefix: o.prefix, work: o.work, fakes: o.fakes });
  assert.deepEqual(codes, [0, 0], 'serve and the worker exit 0 on SIGTERM');
  if (!o.errorsExpected) assert.doesNotMatch(o.serve?.output() ?? '', /"level":(50|60)/, 'no error logged');
}

export interface HttpReply {
  status: number;
  body: Record<string, unknown>;
}

/** POSTs raw bytes to a path of the serve process. */
export function postRaw(base: string, path: string, body: Buffer | string, headers: Record<string, string>): Promise<HttpReply> {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { method: 'POST', headers: { ...headers, 'content-length': bytes.length }, timeout: 15_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: Record<string, unknown> = {};
        try {
          parsed = JSON.parse(text || '{}') as Record<string, unknown>;
        } catch {
          parsed = { raw: text };
        }
        resolve({ status: res.statusCode ?? 0, body: parsed });
      });
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 15 s')));
    req.on('error', reject);
    req.end(bytes);
  });
}

/** A Jenkins Notification plugin delivery with the shared token in the X-Buildfix-Token header. */
export function postJenkins(serve: ServeHandle, body: Buffer, token = JENKINS_WEBHOOK_TOKEN): Promise<HttpReply> {
  return postRaw(serve.url, '/webhooks/jenkins', body, { 'content-type': 'application/json', 'x-buildfix-token': token });
}

export interface ButtonElement {
  type: 'button';
  action_id: string;
  value: string;
  text: { text: string };
}

export function buttonsOf(m: FakeMessage | undefined): ButtonElement[] {
  const blocks = (m?.blocks ?? []) as Array<{ type: string; elements?: ButtonElement[] }>;
  return blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements ?? []);
}

/** Every text a message shows (fallback text and every block's text), joined. */
export function shownText(m: { text: string; blocks?: unknown[] } | undefined): string {
  const out: string[] = [m?.text ?? ''];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'text' && typeof x === 'string') out.push(x);
        else walk(x);
      }
    }
  };
  walk(m?.blocks ?? []);
  return out.join('\n');
}

/** Slack's mrkdwn escaping, as the app applies it to shown text. */
export function mrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

let clicks = 0;

/** Presses a button of a message as `userId`, signed like Slack. */
export function click(serve: ServeHandle, slack: SlackApiFake, message: FakeMessage, button: ButtonElement, userId: string): Promise<SlackHttpResponse> {
  const n = ++clicks;
  const body = buttonPressBody({
    message,
    button,
    userId,
    triggerId: `incident-click.${n}.${Date.now()}`,
    responseUrl: slack.responseUrl(`incident-click-${n}`),
  });
  return postSigned(serve.eventsUrl, body);
}

let mentions = 0;

/** `@buildfix <text>` typed in a thread by `userId`. */
export function mentionInThread(serve: ServeHandle, channel: string, threadTs: string, text: string, userId: string): Promise<SlackHttpResponse> {
  const n = ++mentions;
  return postSigned(
    serve.eventsUrl,
    appMentionBody({
      text: `<@UBOT> ${text}`,
      ts: `1800000000.${String(n).padStart(6, '0')}`,
      threadTs,
      channel,
      user: userId,
      eventId: `EvIncident${n}${Date.now()}`,
    }),
  );
}

/** The incident store the serve process writes, read directly. */
export async function openStore(prefix: string): Promise<{ store: RedisIncidentStore; redis: Redis }> {
  const redis = createRedisConnection(REDIS_URL, { role: 'producer', name: 'buildfix-incident-flow-test' });
  const deadline = Date.now() + 5000;
  while (redis.status !== 'ready') {
    if (Date.now() > deadline) throw new Error('Redis at 127.0.0.1:6379 is not reachable (the tests need a real Redis)');
    await new Promise((r) => setTimeout(r, 20));
  }
  return { store: new RedisIncidentStore({ redis, prefix: normalizeKeyPrefix(prefix) }), redis };
}

/** Keys under the test's prefix that belong to incidents or webhook dedup (nothing else the app writes). */
export async function incidentKeys(redis: Redis, prefix: string): Promise<string[]> {
  const out: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${normalizeKeyPrefix(prefix)}*`, 'COUNT', 1000);
    cursor = next;
    out.push(...keys.filter((k) => /incident|webhook|delivery/i.test(k)));
  } while (cursor !== '0');
  return out;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls until `check` returns a value (not undefined/false), or fails after timeoutMs. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** A `buildfix worker` for `host` on real Redis under `prefix`, fetching modules from `goproxyUrl` (a fake). */
export function startAgentWorker(
  host: string,
  o: { prefix: string; configPath: string; goproxyUrl: string; env?: Record<string, string> },
): Promise<ChildHandle> {
  return startWorkerProcess(host, { REDIS_URL, REDIS_PREFIX: o.prefix, BUILDFIX_CONFIG: o.configPath, ...goproxyEnv(o.goproxyUrl), ...o.env });
}

/**
 * The incident flow's processes: a `buildfix worker` for agent-03 and a `buildfix serve` wired to the Slack and
 * Jenkins fakes, the webhook credentials and the GOPROXY fake, on real Redis under `prefix`.
 */
export async function startServeAndWorker(o: {
  prefix: string;
  configPath: string;
  goproxyUrl: string;
  slack: SlackApiFake;
  jenkins: JenkinsFake;
  /** The worker may run Jenkins jobs too (restart, rebuild, rollback): it gets the Jenkins credentials. */
  workerRunsJenkins?: boolean;
}): Promise<{ serve: ServeHandle; worker: ChildHandle; restartServe: () => Promise<ServeHandle> }> {
  const worker = await startAgentWorker('agent-03', { ...o, ...(o.workerRunsJenkins ? { env: jenkinsEnv(o.jenkins) } : {}) });
  const serveEnv = { ...incidentServeEnv(o), ...goproxyEnv(o.goproxyUrl) };
  let serve = await startServeOnFreePort(serveEnv);
  /** Stops the serve process (asserting a clean exit) and starts a new one on the same Redis: a restart mid-incident. */
  const restartServe = async (): Promise<ServeHandle> => {
    const code = await serve.stop();
    if (code !== 0) throw new Error(`serve exited with ${code} on restart:\n${serve.output().slice(-4000)}`);
    serve = await startServeOnFreePort(serveEnv);
    return serve;
  };
  return { serve, worker, restartServe };
}
