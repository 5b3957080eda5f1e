/**
 * Two serve replicas edit one CI alert (real Redis store, fake Slack Web API):
 * the older replica's edit reaches Slack after the newer one's, as a slow
 * network or a retried request can make it. The alert still ends up showing
 * the latest failure count, because the replica whose edit landed last sees
 * that the store has moved on and edits again.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import { loadConfig } from '../../../src/config/load-config.ts';
import type { RedisIncidentStore } from '../../../src/incidents/redis-incident-store.ts';
import { createLogger } from '../../../src/logger.ts';
import { SlackApi } from '../../../src/slack/slack-api.ts';
import { SlackIncidentAlerts } from '../../../src/slack/incident-alerts.ts';
import type { CiEvent } from '../../../src/webhooks/ci-event.ts';
import { startSlackApiFake, type SlackApiFake } from '../../fakes/slack-api.ts';
import { deletePrefix, uniquePrefix } from '../../helpers/slack-processes.ts';
import { failure } from '../../unit/incidents/store-contract.ts';
import { INCIDENT_CHANNEL, openStore } from './harness.ts';

const logger = createLogger({ level: 'silent' });

function event(n: number): CiEvent {
  return {
    source: 'jenkins',
    eventType: 'jenkins-notification',
    pipelineKey: 'jenkins:payments/main',
    job: 'payments/main',
    branch: 'main',
    buildNumber: n,
    runId: String(n),
    status: 'FAILURE',
    outcome: 'failure',
  } as CiEvent;
}

describe('one alert edited by two serve replicas', () => {
  let slack: SlackApiFake;
  const prefix = uniquePrefix();
  const replicas: Array<{ alerts: SlackIncidentAlerts; store: RedisIncidentStore; redis: Redis; api: SlackApi }> = [];

  before(async () => {
    slack = await startSlackApiFake();
    const config = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_SIGNING_SECRET: 'x'.repeat(32), SLACK_API_URL: slack.apiUrl, INCIDENT_CHANNEL });
    for (let i = 0; i < 2; i++) {
      const { store, redis } = await openStore(prefix);
      const api = new SlackApi({ token: 'xoxb-test-token', apiUrl: slack.apiUrl, logger, backoffMs: 20 });
      replicas.push({
        alerts: new SlackIncidentAlerts({ api, config: { ...config, incidents: { ...config.incidents, autoDiagnose: false } }, store, logger }),
        store,
        redis,
        api,
      });
    }
  });
  after(async () => {
    for (const r of replicas) {
      await r.alerts.close();
      r.redis.disconnect();
    }
    await slack.close();
    await deletePrefix(prefix);
  });

  it('shows the latest count even when an older edit lands last', async () => {
    const [a, b] = replicas;
    assert.ok(a && b);
    const opened = await a.store.recordCiFailure(failure(4812));
    assert.equal(opened.kind, 'opened');
    await a.alerts.onWebhookOutcome({ kind: 'opened', incident: opened.incident, event: event(4812) });
    const alert = slack.messages.find((m) => m.channel === INCIDENT_CHANNEL && m.threadTs === undefined);
    assert.ok(alert, 'the alert was posted');

    // Replica A's edit (2 failures) is held up on its way to Slack…
    slack.fail('chat.update', { delayMs: 600 });
    const second = await a.store.recordCiFailure(failure(4813));
    const slowEdit = a.alerts.onWebhookOutcome({ kind: 'grouped', incident: second.incident, event: event(4813) });
    await new Promise((r) => setTimeout(r, 100));
    // …while replica B groups a third failure and edits at once.
    const third = await b.store.recordCiFailure(failure(4814));
    assert.equal(third.incident.failureCount, 3);
    await b.alerts.onWebhookOutcome({ kind: 'grouped', incident: third.incident, event: event(4814) });
    assert.match(alert.text, /3 failures/, `B's edit landed: ${alert.text}`);

    await slowEdit;
    assert.match(alert.text, /3 failures/, `after A's late edit the alert still shows the latest count: ${alert.text}`);
  });
});
