/**
 * In-process mode (no Redis): an agent that stopped reporting is handled as
 * in Redis mode (preflight-gone-agent.test.ts), by the same decision
 * (gone-agents.ts): the one live worker is this process's host; another
 * agent with no regular result for longer than preflight.agentGoneAfter is
 * gone — a drill it ran since does not count. With the Slack fake: an alert
 * only it kept open is closed as unknown (naming it and when it stopped
 * reporting), one shared with the live agent is edited to drop it, and
 * status still shows its last results.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../../src/config/load-config.ts';
import { createLogger } from '../../../src/logger.ts';
import { drillPreflightResult } from '../../../src/preflight/drill-result.ts';
import { createPreflightServices, type PreflightServices } from '../../../src/preflight/services.ts';
import { processMemoryStore } from '../../../src/preflight/store.ts';
import { slackOutboxOnFake } from '../../helpers/slack-outbox-on-fake.ts';
import { startSlackApiFake, type SlackApiFake } from '../../fakes/slack-api.ts';
import { evictedModuleRun } from '../../helpers/preflight-results.ts';
import { waitUntil } from '../../helpers/jobs-harness.ts';

const CHANNEL = 'C0GONELOCAL';

describe('pre-flight alerts of an agent that stopped reporting, in-process mode', () => {
  const logger = createLogger({ level: 'silent' });
  const store = processMemoryStore();
  let slack: SlackApiFake;
  let services: PreflightServices;
  let dir: string;

  before(async () => {
    slack = await startSlackApiFake();
    dir = await mkdtemp(join(tmpdir(), 'bf-gone-local-'));
  });

  after(async () => {
    await services?.close();
    await slack?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const rootOf = (repo: string) => slack.messages.find((m) => m.channel === CHANNEL && !m.threadTs && m.text.includes(`of ${repo}`));

  it('closes an alert only the gone agent kept open as unknown, and drops it from one the live agent shares', async () => {
    const configPath = join(dir, 'buildfix.yaml');
    await writeFile(configPath, JSON.stringify({ preflight: { agentGoneAfter: '2s' } }));
    // This process is agent-03: the in-process worker, live as long as it runs.
    const config = loadConfig({ SLACK_API_URL: slack.apiUrl, BUILDFIX_CONFIG: configPath, BUILDFIX_HOST: 'agent-03' });
    assert.equal(config.env.REDIS_URL, undefined);
    services = createPreflightServices(config, logger);
    assert.equal(services.store.kind, 'memory');
    services.startAlerts(slackOutboxOnFake(slack, logger), CHANNEL, 'local', { everyMs: 200 });

    // agent-07 reports problems in one and two, then stops; agent-03 (this process) reports one, as long ago.
    const stoppedAt = new Date(Date.now() - 500);
    await store.record(evictedModuleRun('agent-07', 'one', stoppedAt), 10);
    await store.record(evictedModuleRun('agent-07', 'two', stoppedAt), 10);
    await store.record(evictedModuleRun('agent-03', 'one', stoppedAt), 10);
    const openOne = await waitUntil('the alert of one naming both agents', () => (rootOf('one')?.text.includes('agent-03') ? rootOf('one') : undefined), 5000);
    assert.equal(openOne.text, '🔴 Pre-flight: module check of one will break the next build on agent-03, agent-07');
    assert.equal(
      (await waitUntil('the alert of two', () => rootOf('two'), 5000)).text,
      '🔴 Pre-flight: module check of two will break the next build on agent-07',
    );
    // A drill agent-07 ran since is no regular result: it does not keep the agent reporting (as in Redis mode).
    await store.record(
      drillPreflightResult({
        agent: 'agent-07',
        repo: 'two',
        by: 'UANN0001',
        startedAt: new Date(),
        durationMs: 1,
        facts: { modcache: '/tmp/none', readiness: { ready: 1, total: 1 }, drill: { passed: true, failures: [], otherErrors: [] } },
      }),
      10,
    );

    const two = await waitUntil(
      'the alert of two to be closed as unknown',
      () => (rootOf('two')?.text.includes('closed as unknown') ? rootOf('two') : undefined),
      10_000,
    );
    assert.equal(two.text, '⚪ Pre-flight: module check of two closed as unknown (agent-07 stopped reporting)');
    const minute = `${stoppedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
    const blocks = JSON.stringify(two.blocks);
    assert.ok(blocks.includes(`\`agent-07\` stopped reporting at ${minute}; its pre-flight alert is closed as unknown`), blocks);
    assert.doesNotMatch(blocks, /healthy again/);
    // The alerter edits the message, then records the state: wait for the record, not just the message.
    const closed = await waitUntil(
      'the record of two to be resolved',
      async () => {
        const alert = await store.alert('modules:two');
        return alert?.state === 'resolved' ? alert : undefined;
      },
      5000,
    );
    assert.equal(closed.state, 'resolved');
    assert.deepEqual(closed?.gone, [{ agent: 'agent-07', lastSeen: stoppedAt.toISOString() }], 'stopped at its last regular result, not the drill');

    const one = await waitUntil(
      'the alert of one to drop agent-07',
      () => (rootOf('one') && !rootOf('one')?.text.includes('agent-07') ? rootOf('one') : undefined),
      10_000,
    );
    assert.equal(one.text, '🔴 Pre-flight: module check of one will break the next build on agent-03');
    assert.ok(JSON.stringify(one.blocks).includes(`\`agent-07\` stopped reporting at ${minute}: dropped from this alert as unknown`));
    assert.deepEqual(
      (await store.problems('modules:one')).map((p) => p.agent),
      ['agent-03'],
    );
    assert.equal((await store.alert('modules:one'))?.state, 'open');

    // Status still shows when agent-07 last reported (its last results), as in Redis mode.
    assert.deepEqual(
      (await services.results()).filter((r) => r.agent === 'agent-07').map((r) => [r.check, r.repo, r.status]),
      [
        ['drill', 'two', 'pass'],
        ['modules', 'one', 'fail'],
        ['modules', 'two', 'fail'],
      ],
    );

    // One message per scope, and later rounds change nothing.
    const edits = [one.edits, two.edits];
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(slack.okCalls('chat.postMessage').filter((c) => c.args.channel === CHANNEL).length, 2);
    assert.deepEqual([rootOf('one')?.edits, rootOf('two')?.edits], edits);
  });
});
