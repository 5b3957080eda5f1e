/**
 * 5,000 generated CI webhook deliveries (real payloads with fields deleted,
 * retyped or replaced by injection strings, random bytes, 1 MiB fields,
 * nesting 200,000 levels deep, wrong content types, bad credentials) to
 * POST /webhooks/{jenkins,github,gitlab}, with real Redis (incident store
 * and dedup) under a test prefix. No 5xx (503 would mean Redis failed, which
 * must not happen here), no crash. The deliveries go to `buildfix serve`
 * when it mounts the webhook routes, else to the src/webhooks listener in a
 * process of its own (webhook-target.ts); the test prints which.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { freePort } from '../../fakes/goproxy-server.ts';
import { startSlackApiFake, type SlackApiFake } from '../../fakes/slack-api.ts';
import { deletePrefix, REDIS_URL, startServe, uniquePrefix, type ServeHandle } from '../../helpers/slack-processes.ts';
import { createRng, webhookCase, type WebhookCase, type WebhookTemplates } from './fuzz-inputs.ts';
import { startWebhookTarget, type WebhookTarget } from './webhook-target.ts';

const COUNT = 5000;
const CONCURRENCY = 16;
const SECRETS = { jenkins: 'jenkins-fuzz-token-0a1b2c', github: 'github-fuzz-secret-3d4e5f', gitlab: 'gitlab-fuzz-token-6a7b8c' };
const MAX_BODY = 1024 * 1024;

function send(origin: string, c: WebhookCase, agent: Agent): Promise<{ status: number; error?: string }> {
  return new Promise((resolve) => {
    const url = new URL(c.path, origin);
    let answered = false;
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: `${url.pathname}${url.search}`,
        method: 'POST',
        agent,
        headers: { ...c.headers, 'content-length': c.body.length },
        timeout: 20_000,
      },
      (res) => {
        answered = true;
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
        res.on('error', () => resolve({ status: res.statusCode ?? 0 }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    // An early 413 closes the connection while a big body is still being written.
    req.on('error', (err) => {
      if (!answered) resolve({ status: 0, error: err.message });
    });
    req.end(c.body);
  });
}

describe('5,000 generated webhook deliveries', { timeout: 120_000 }, () => {
  let slack: SlackApiFake;
  let serve: ServeHandle;
  let target: WebhookTarget;
  let templates: WebhookTemplates;
  const prefix = uniquePrefix();

  before(async () => {
    const fixture = async (p: string): Promise<unknown> =>
      JSON.parse(await readFile(new URL(`../../fixtures/webhooks/${p}`, import.meta.url), 'utf8')) as unknown;
    templates = {
      jenkins: await fixture('jenkins/finalized-failure.json'),
      github: await fixture('github/workflow_run.completed.payload.json'),
      gitlab: await fixture('gitlab/pipeline-hook.example.json'),
    };
    slack = await startSlackApiFake();
    const env = {
      REDIS_URL,
      REDIS_PREFIX: prefix,
      LOG_LEVEL: 'warn',
      JENKINS_WEBHOOK_TOKEN: SECRETS.jenkins,
      GITHUB_WEBHOOK_SECRET: SECRETS.github,
      GITLAB_WEBHOOK_TOKEN: SECRETS.gitlab,
      GOPROXY: 'off',
    };
    serve = await startServe(
      {
        ...env,
        SLACK_BOT_TOKEN: 'xoxb-test-token',
        SLACK_SIGNING_SECRET: 'test-signing-secret-8f14e45fceea167a',
        SLACK_API_URL: slack.apiUrl,
        INCIDENT_CHANNEL: 'C1',
      },
      await freePort(),
      ['--grace-ms', '200'],
    );
    target = await startWebhookTarget(serve.url, env);
    process.stderr.write(
      `# webhooks go to ${target.mode === 'serve' ? 'buildfix serve' : 'the src/webhooks listener in its own process (serve does not mount /webhooks yet)'}\n`,
    );
  });
  after(async () => {
    await target?.stop();
    await serve?.stop();
    await slack?.close();
    await deletePrefix(prefix);
  });

  it('no 5xx and no crash; every answer is a documented status', async () => {
    const rng = createRng(77_001);
    const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const statuses = new Map<string, number>();
    const bad: string[] = [];
    let next = 0;
    const started = Date.now();
    const loop = async (): Promise<void> => {
      while (next < COUNT) {
        const seq = next++;
        const c = webhookCase(rng, templates, SECRETS, seq);
        const res = await send(target.origin, c, agent);
        const key = `${c.source}:${res.status}`;
        statuses.set(key, (statuses.get(key) ?? 0) + 1);
        const refusedEarly = res.status === 0 && c.body.length > MAX_BODY && /EPIPE|ECONNRESET|socket hang up/.test(res.error ?? '');
        if (res.status >= 500 || (res.status === 0 && !refusedEarly) || ![0, 200, 202, 400, 401, 413, 415].includes(res.status)) {
          bad.push(`#${seq} ${c.source} ${c.path} → ${res.status} ${res.error ?? ''}: ${JSON.stringify(c.headers)} ${c.body.subarray(0, 200).toString()}`);
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, loop));
    agent.destroy();
    process.stderr.write(
      `# ${COUNT} webhook deliveries in ${((Date.now() - started) / 1000).toFixed(1)} s: ${JSON.stringify(Object.fromEntries([...statuses].sort()))}\n`,
    );
    assert.deepEqual(bad.slice(0, 5), [], `${bad.length} bad answers`);
    for (const source of ['jenkins', 'github', 'gitlab']) {
      assert.ok((statuses.get(`${source}:200`) ?? 0) > 0, `some ${source} deliveries were acted on (the generator reaches the store)`);
      assert.ok((statuses.get(`${source}:400`) ?? 0) > 0, `some ${source} deliveries were refused as malformed`);
    }
    assert.equal(target.exited, false, 'the webhook process is up');
    assert.equal(serve.exited, false);
    assert.doesNotMatch(`${target.output()}${serve.output()}`, /"level":(50|60)|uncaughtException|unhandledRejection/, 'no error logged');
  });
});
