/**
 * The credentials pre-flight check end to end: a real `buildfix worker`
 * whose HOME holds a netrc with tokens for github.com and a GitLab host, a
 * GitHub REST fake and a GitLab fake on 127.0.0.1 (the configured API bases),
 * real Redis and BullMQ job schedulers, and the alerter serve runs, posting
 * to the Slack fake. A token its host says expires in 3 days → one alert
 * naming the host and the date; renewed (the host now says 90 days) → the
 * alert is resolved; a 401 → a broken finding and a new alert; no netrc
 * entry → "nothing to check", said in `buildfix status`. The tokens appear
 * nowhere: not in Redis (results, history, jobs), not in Slack, not in the
 * worker's logs, not in status.
 */
import assert from 'node:assert/strict';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import { createLogger } from '../../../src/logger.ts';
import type { PreflightServices } from '../../../src/preflight/services.ts';
import type { RedisPreflightStore } from '../../../src/preflight/store.ts';
import type { PreflightResult } from '../../../src/preflight/types.ts';
import { githubExpirationHeader, startCiRestFake, type CiRestFake } from '../../fakes/ci-rest-server.ts';
import type { SlackApiFake } from '../../fakes/slack-api.ts';
import {
  createTempFiles,
  deleteKeys,
  runBuildfix,
  SHARED_REDIS_URL,
  sharedRedisEnv,
  spawnWorker,
  uniquePrefix,
  waitUntil,
  type TempFiles,
  type WorkerProcess,
} from '../../helpers/jobs-harness.ts';
import { netrcAgentEnv, onlyChecks, preflightExposition, startPreflightAlerter, type PreflightAlerter } from '../../helpers/preflight-harness.ts';

const CHANNEL = 'C0CREDS';
const GITHUB_TOKEN = 'ghp_PreflightSecret7f3a9c1e5b2d8046Aa';
const GITLAB_TOKEN = 'glpat-PreflightSecret-9d8c7b6a5f4e';
const GITLAB_HOST = 'gitlab.corp.test';
const DAY = 86_400_000;

/** Everything under the test's prefix in Redis, as text (strings, hashes, lists, sets, zsets, streams). */
async function dumpRedis(redis: Redis, fragment: string): Promise<string> {
  const out: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `*${fragment}*`, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) {
      const type = await redis.type(key);
      out.push(key);
      if (type === 'string') out.push((await redis.get(key)) ?? '');
      else if (type === 'hash') out.push(JSON.stringify(await redis.hgetall(key)));
      else if (type === 'list') out.push(JSON.stringify(await redis.lrange(key, 0, -1)));
      else if (type === 'set') out.push(JSON.stringify(await redis.smembers(key)));
      else if (type === 'zset') out.push(JSON.stringify(await redis.zrange(key, 0, -1)));
      else if (type === 'stream') out.push(JSON.stringify(await redis.xrange(key, '-', '+')));
    }
  } while (cursor !== '0');
  return out.join('\n');
}

describe('scheduled pre-flight: tokens of the private module hosts', () => {
  const prefixValue = uniquePrefix('pfcred');
  const agent = `pfk-${prefixValue.slice(-4)}`;
  let files: TempFiles;
  let home: string;
  let env: Record<string, string>;
  let worker: WorkerProcess | undefined;
  let hosts: CiRestFake;
  let alerter: PreflightAlerter;
  let slack: SlackApiFake;
  let services: PreflightServices;
  let redis: Redis;
  let store: RedisPreflightStore;
  const logger = createLogger({ level: 'silent' });

  const writeNetrc = (text: string): Promise<void> => writeFile(join(home, '.netrc'), text, { mode: 0o600 });

  before(async () => {
    files = await createTempFiles('pfcred');
    home = files.path('home');
    await mkdir(home, { recursive: true });
    // One fake serves both APIs: GitHub's /rate_limit at its root, GitLab's /api/v4 below it.
    hosts = await startCiRestFake({ githubToken: 'ghp_other_token_never_in_netrc', gitlabToken: 'glpat-other-token-never-in-netrc' });
    hosts.githubTokens.set(GITHUB_TOKEN, { expiration: githubExpirationHeader(3.5) });
    hosts.gitlabTokens.set(GITLAB_TOKEN, { expires_at: new Date(Date.now() + 90 * DAY).toISOString().slice(0, 10) });
    await writeNetrc(
      [
        `machine github.com`,
        `  login x-access-token`,
        `  password ${GITHUB_TOKEN}`,
        `machine ${GITLAB_HOST} login build-bot password ${GITLAB_TOKEN}`,
        '',
      ].join('\n'),
    );
    const configPath = await files.writeConfig({
      agents: { [agent]: {} },
      preflight: onlyChecks({
        credentials: '1s',
        credentialExpiryDays: 7,
        credentialHosts: [
          { host: 'github.com', api: hosts.url },
          { host: GITLAB_HOST, kind: 'gitlab', api: `${hosts.url}/api/v4` },
        ],
      }),
    });
    env = sharedRedisEnv(prefixValue, configPath, { INCIDENT_CHANNEL: CHANNEL, ...netrcAgentEnv(home) });
    alerter = await startPreflightAlerter(env, CHANNEL, logger);
    ({ slack, services, redis, store } = alerter);
    worker = spawnWorker(agent, env);
  });

  after(async () => {
    await worker?.stop(10_000);
    await alerter?.close();
    await deleteKeys(SHARED_REDIS_URL, prefixValue);
    await hosts?.close();
    await files?.cleanup();
  });

  const latest = async (): Promise<PreflightResult | undefined> => (await store.latest()).find((r) => r.agent === agent && r.check === 'credentials');
  const posts = () => slack.okCalls('chat.postMessage').filter((c) => c.args.channel === CHANNEL);
  const alerts = () => slack.messages.filter((m) => m.channel === CHANNEL && !m.threadTs);

  it('a token expiring in 3 days: one alert naming the host and the date, never the token', async () => {
    const result = await waitUntil('a credentials result', latest, 30_000);
    assert.equal(result.repo, '-');
    assert.equal(result.status, 'warn', JSON.stringify(result));
    const github = result.credentials?.find((c) => c.host === 'github.com');
    assert.equal(github?.state, 'expires');
    assert.equal(github?.source, '~/.netrc machine github.com');
    const gitlab = result.credentials?.find((c) => c.host === GITLAB_HOST);
    assert.equal(gitlab?.state, 'expires', 'GitLab says when its token expires (expires_at)');
    assert.equal(gitlab?.expiresAt?.slice(0, 10), new Date(Date.now() + 90 * DAY).toISOString().slice(0, 10));
    const expiryDate = githubExpirationHeader(3.5).slice(0, 10);
    assert.match(result.summary, new RegExp(`github\\.com: expires ${expiryDate} \\(in 3 days\\)`));
    assert.deepEqual(
      result.findings.filter((f) => f.alert).map((f) => f.key),
      ['credential-expiring:github.com'],
      'only the token within credentialExpiryDays alerts',
    );
    await waitUntil('the alert', () => (posts().length > 0 ? true : undefined), 20_000);
    const alert = alerts()[0];
    assert.ok(alert);
    const shown = `${alert.text}\n${JSON.stringify(alert.blocks)}`;
    assert.match(shown, /github\.com/);
    assert.match(shown, new RegExp(expiryDate));
    assert.match(shown, /expires in 3 days/);
    assert.match(shown, new RegExp(agent));
    assert.doesNotMatch(shown, new RegExp(GITLAB_HOST.replace(/\./g, '\\.')), 'the GitLab token has 90 days left');
    // More rounds: the same alert, not posted again.
    const runs = (await store.history(agent, 'credentials', '-')).length;
    await waitUntil('two more rounds', async () => ((await store.history(agent, 'credentials', '-')).length >= runs + 2 ? true : undefined), 20_000);
    assert.equal(posts().length, 1);
    // The gauge a dashboard alerts on: seconds until the token expires, per agent and host.
    const exposition = await preflightExposition(services);
    const m = new RegExp(`buildfix_preflight_credential_expiry_seconds\\{agent="${agent}",host="github\\.com"\\} (\\d+)`).exec(exposition);
    assert.ok(m, exposition);
    const seconds = Number(m[1]);
    assert.ok(seconds > 3 * 86_400 && seconds <= 3.5 * 86_400, `${seconds} s`);
  });

  it('renewed (the host now says 90 days): the alert is resolved in place', async () => {
    hosts.githubTokens.set(GITHUB_TOKEN, { expiration: githubExpirationHeader(90) });
    await waitUntil('the alert to be resolved', () => (alerts()[0]?.text.includes('healthy again') ? true : undefined), 20_000);
    assert.equal(posts().length, 1, 'resolving edits the alert');
    const result = await latest();
    assert.equal(result?.status, 'pass', JSON.stringify(result));
  });

  it('a 401: the token is rejected, a broken finding and a new alert', async () => {
    hosts.githubTokens.delete(GITHUB_TOKEN);
    const result = await waitUntil('a failing credentials result', async () => {
      const r = await latest();
      return r?.status === 'fail' ? r : undefined;
    });
    const rejected = result.findings.find((f) => f.key === 'credential-rejected:github.com');
    assert.ok(rejected?.alert, JSON.stringify(result.findings));
    assert.equal(rejected.severity, 'error');
    assert.match(rejected.message, /the token this agent uses for github\.com is rejected \(401\): private module fetches from github\.com fail/i);
    await waitUntil('a second alert', () => (posts().length === 2 ? true : undefined), 20_000);
    assert.match(JSON.stringify(alerts()[1]?.blocks), /rejected \(401\)/);
  });

  it('no netrc entry: nothing to check, said plainly in status; the open alert is resolved', async () => {
    await rm(join(home, '.netrc'));
    const result = await waitUntil('a result without tokens', async () => {
      const r = await latest();
      return r && (r.credentials ?? []).length === 0 ? r : undefined;
    });
    assert.equal(result.status, 'pass');
    assert.match(result.summary, /nothing to check: no token for github\.com, gitlab\.corp\.test in ~\/\.netrc \(no such file\) or in a GOPROXY URL/);
    const { stdout } = await runBuildfix(['status'], env);
    assert.match(stdout, new RegExp(`${agent}\\s+credentials\\s+✓ pass .*nothing to check: no token for github\\.com`));
    await waitUntil('the second alert to be resolved', () => (alerts()[1]?.text.includes('healthy again') ? true : undefined), 20_000);
  });

  it('the tokens are nowhere: Redis (results, history, jobs), Slack, the worker log, status', async () => {
    const { stdout } = await runBuildfix(['status', '--json'], env);
    const stored = await dumpRedis(redis, prefixValue);
    assert.match(stored, /credentials/, 'the dump holds the results');
    assert.match(stored, /~\/\.netrc machine github\.com/, 'the dump holds the sources');
    const slackText = JSON.stringify(slack.calls);
    const logs = worker?.logs() ?? '';
    assert.ok(logs.length > 0);
    for (const [where, text] of [
      ['Redis', stored],
      ['Slack', slackText],
      ['worker log', logs],
      ['status', stdout],
    ] as const) {
      for (const token of [GITHUB_TOKEN, GITLAB_TOKEN]) {
        assert.ok(!text.includes(token), `${where} holds a token`);
        assert.ok(!text.includes(token.slice(4, 20)), `${where} holds part of a token`);
      }
    }
    // The hosts got the tokens, in the headers their APIs read.
    assert.ok(hosts.requests.some((r) => r.path === '/rate_limit'));
    assert.ok(hosts.requests.some((r) => r.path === '/api/v4/personal_access_tokens/self'));
  });
});
