/**
 * In-process mode (no Redis, no stream to leave a change pending in): a
 * pre-flight alert Slack failed to take (a transient error) is retried until it is posted, once;
 * a permanent refusal is given up at once and reported.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../../src/config/load-config.ts';
import { createLogger } from '../../../src/logger.ts';
import { createPreflightServices, type PreflightServices } from '../../../src/preflight/services.ts';
import { processMemoryStore } from '../../../src/preflight/store.ts';
import type { PreflightResult } from '../../../src/preflight/types.ts';
import type { SlackOutbox } from '../../../src/slack/outbox/slack-outbox.ts';
import { slackOutboxOnFake } from '../../helpers/slack-outbox-on-fake.ts';
import { startSlackApiFake, type SlackApiFake } from '../../fakes/slack-api.ts';
import { waitUntil } from '../../helpers/jobs-harness.ts';

const CHANNEL = 'C0LOCALRETRY';

describe('pre-flight in-process: a failed alert is retried, a refused one is reported', () => {
  let slack: SlackApiFake;
  let services: PreflightServices;
  let outbox: SlackOutbox;
  const logger = createLogger({ level: 'silent' });

  before(async () => {
    slack = await startSlackApiFake();
    services = createPreflightServices(loadConfig({ SLACK_API_URL: slack.apiUrl }), logger);
    outbox = slackOutboxOnFake(slack, logger);
    services.startAlerts(outbox, CHANNEL, 'local', { idleMs: 300 });
  });
  after(async () => {
    await services?.close();
    await slack?.close();
  });

  it('posts the alert once Slack takes it', async () => {
    slack.fail('chat.postMessage', { error: 'service_unavailable' }, { error: 'internal_error' });
    const now = new Date().toISOString();
    const result: PreflightResult = {
      v: 1,
      agent: 'local-agent',
      check: 'modules',
      repo: 'svc',
      startedAt: now,
      finishedAt: now,
      durationMs: 3,
      status: 'fail',
      summary: 'example.test/gamma@v0.1.0 is gone',
      findings: [{ key: 'version-not-found:example.test/gamma@v0.1.0', category: 'version-not-found', severity: 'error', message: 'gone', alert: true }],
    };
    await processMemoryStore().record(result, 10);
    const posted = await slack.waitFor((c) => c.method === 'chat.postMessage' && c.ok && c.args.channel === CHANNEL, 10_000);
    assert.match(String(posted.args.text), /module check of svc will break the next build on local-agent/);
    assert.equal(slack.callsTo('chat.postMessage').filter((c) => !c.ok).length, 2, 'two transient failures, then the post');
    await new Promise((r) => setTimeout(r, 900));
    assert.equal(slack.okCalls('chat.postMessage').length, 1, 'posted once');
    await waitUntil('the alert record', async () => ((await processMemoryStore().alert('modules:svc'))?.state === 'open' ? true : undefined));
  });

  it('a permanent refusal (not_in_channel) is tried once and reported as not delivered, not retried every reclaim round', async () => {
    slack.fail('chat.postMessage', { error: 'not_in_channel', channel: CHANNEL });
    const now = new Date().toISOString();
    const attempts = () => slack.callsTo('chat.postMessage').filter((c) => /module check of api/.test(String(c.args.text))).length;
    await processMemoryStore().record(
      {
        v: 1,
        agent: 'local-agent',
        check: 'modules',
        repo: 'api',
        startedAt: now,
        finishedAt: now,
        durationMs: 3,
        status: 'fail',
        summary: 'example.test/delta@v0.2.0 is gone',
        findings: [{ key: 'version-not-found:example.test/delta@v0.2.0', category: 'version-not-found', severity: 'error', message: 'gone', alert: true }],
      },
      10,
    );
    const undelivered = await waitUntil('the undelivered record', async () => (await outbox.undelivered.recent()).find((p) => /modules:api/.test(p.what)));
    assert.equal(undelivered.reason, 'not_in_channel');
    assert.equal(undelivered.permanent, true);
    assert.match(undelivered.action, /invite the bot to <#C0LOCALRETRY>: \/invite @buildfix/);
    await new Promise((r) => setTimeout(r, 1200));
    assert.equal(attempts(), 1, 'not retried (four reclaim intervals passed)');
    assert.equal(await processMemoryStore().alert('modules:api'), undefined, 'no alert record');
  });
});
