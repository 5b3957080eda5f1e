/**
 * Module-cache readiness below the configured threshold
 * (`preflight.readinessAlertBelow`) is a warning that alerts: against a
 * cache filled by the real go command, one zip evicted → one alert naming
 * the module and the agent ("if the proxy went down now …"), updated in
 * place when a second agent reports it, never repeated, resolved when the
 * cache is complete again. Without the setting, or above the threshold, it
 * is measured and shown, never alerted.
 */
import assert from 'node:assert/strict';
import { copyFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig, type Config } from '../../../src/config/load-config.ts';
import { createLogger } from '../../../src/logger.ts';
import { cacheFilePath } from '../../../src/modcache/cache-files.ts';
import { PreflightAlerter } from '../../../src/preflight/alerter.ts';
import { runPreflightCheck } from '../../../src/preflight/run-check.ts';
import { MemoryPreflightStore } from '../../../src/preflight/store.ts';
import { SlackOutbox } from '../../../src/slack/outbox/slack-outbox.ts';
import { SlackApi } from '../../../src/slack/slack-api.ts';
import { startSlackApiFake, type SlackApiFake } from '../../fakes/slack-api.ts';
import { createModcacheFixture, goEnvFor, type ModcacheFixture } from '../../helpers/modcache-fixture.ts';

const CHANNEL = 'C0READY';
const SCOPE = 'readiness:app';
const BRAVO = { path: 'example.test/Bravo', version: 'v1.2.0' };

describe('pre-flight readiness alert (real go cache, Slack fake)', { timeout: 60_000 }, () => {
  let f: ModcacheFixture;
  let slack: SlackApiFake;
  const logger = createLogger({ level: 'silent' });

  const configWith = async (preflight: Record<string, unknown>): Promise<Config> => {
    const path = join(f.root, `buildfix-${Object.keys(preflight).join('-') || 'plain'}-${String(preflight.readinessAlertBelow ?? '')}.yaml`);
    await writeFile(path, JSON.stringify({ repos: { app: { url: f.repo } }, preflight: { readiness: '6h', ...preflight } }));
    return loadConfig({ ...goEnvFor(join(f.root, 'gopath'), { GOPROXY: f.proxy.url }), BUILDFIX_CONFIG: path });
  };
  const run = (config: Config, store: MemoryPreflightStore, agent: string) =>
    runPreflightCheck({ check: 'readiness', repo: 'app', agent, config, preflight: config.preflight!, store, lockMs: 60_000, logger });
  const alerterFor = (store: MemoryPreflightStore) =>
    new PreflightAlerter({
      store,
      outbox: new SlackOutbox({ api: new SlackApi({ token: 'xoxb-test-token', apiUrl: slack.apiUrl, logger, backoffMs: 10 }), logger, textBudget: 11_000 }),
      channel: CHANNEL,
      logger,
    });
  const zip = () => cacheFilePath(f.modcache, BRAVO, 'zip');
  const evict = () => rename(zip(), `${zip()}.keep`);
  const restore = () => rename(`${zip()}.keep`, zip());
  const posts = () => slack.okCalls('chat.postMessage').filter((c) => c.args.channel === CHANNEL);

  before(async () => {
    f = await createModcacheFixture();
    slack = await startSlackApiFake();
  });
  after(async () => {
    await rm(`${zip()}.keep`, { force: true });
    await slack?.close();
    await f?.close();
  });

  it('alerts once below the threshold, naming the module and the agents; updated, not repeated; resolved when the cache is whole', async () => {
    const config = await configWith({ readinessAlertBelow: 100 });
    const store = new MemoryPreflightStore();
    const alerter = alerterFor(store);
    const full = await run(config, store, 'agent-07');
    assert.equal(full.status, 'pass', JSON.stringify(full));
    assert.equal(full.readiness?.percent, 100);
    assert.equal(await alerter.sync(SCOPE), 'unchanged');
    assert.equal(posts().length, 0);

    await evict();
    try {
      const low = await run(config, store, 'agent-07');
      assert.equal(low.status, 'warn');
      assert.equal(low.readiness?.percent, 80);
      assert.deepEqual(
        low.findings.map((x) => [x.severity, x.alert]),
        [['warning', true]],
      );
      assert.match(
        low.findings[0]?.message ?? '',
        /^if the proxy went down now, app would fail on this module on agent-07: example\.test\/Bravo@v1\.2\.0 \(4\/5 ready/,
      );
      assert.equal(await alerter.sync(SCOPE), 'posted');
      const message = slack.messages.find((m) => m.channel === CHANNEL && !m.threadTs);
      assert.ok(message);
      assert.match(message.text, /^🟠 Pre-flight: module-cache readiness of app: a proxy outage now would break the build on agent-07$/);
      assert.match(JSON.stringify(message.blocks), /example\.test\/Bravo@v1\.2\.0/);
      assert.match(JSON.stringify(message.blocks), /Builds pass while the proxy is up/);

      // The next round finds the same: nothing posted or edited.
      await run(config, store, 'agent-07');
      assert.equal(await alerter.sync(SCOPE), 'unchanged');
      // A second agent with the same gap: the one alert is edited to name both.
      await run(config, store, 'agent-08');
      assert.equal(await alerter.sync(SCOPE), 'updated');
      assert.equal(posts().length, 1);
      assert.match(message.text, /agent-07, agent-08/);
      assert.equal(message.edits, 1);
    } finally {
      await restore();
    }
    for (const agent of ['agent-07', 'agent-08']) assert.equal((await run(config, store, agent)).readiness?.percent, 100);
    assert.equal(await alerter.sync(SCOPE), 'resolved');
    assert.equal(posts().length, 1, 'resolving edits the alert');
    assert.match(slack.messages.find((m) => m.channel === CHANNEL && !m.threadTs)?.text ?? '', /module-cache readiness of app healthy again/);
  });

  it('without readinessAlertBelow, or above it, readiness below 100 % is a warning that does not alert', async () => {
    await copyFile(zip(), `${zip()}.keep`);
    await rm(zip());
    try {
      for (const preflight of [{}, { readinessAlertBelow: 75 }]) {
        const config = await configWith(preflight);
        const store = new MemoryPreflightStore();
        const r = await run(config, store, 'agent-09');
        assert.equal(r.readiness?.percent, 80);
        assert.equal(r.status, 'warn');
        assert.deepEqual(
          r.findings.map((x) => [x.severity, x.alert]),
          [['warning', false]],
          JSON.stringify(preflight),
        );
        assert.equal(await alerterFor(store).sync(SCOPE), 'unchanged');
      }
      assert.equal(posts().length, 1, 'no new alert');
    } finally {
      await rename(`${zip()}.keep`, zip());
    }
  });

  it('refuses readinessAlertBelow with the readiness check off', () => {
    assert.throws(
      () => loadConfig({ BUILDFIX_CONFIG: 'c.yaml' }, { readFile: () => JSON.stringify({ preflight: { readiness: 'off', readinessAlertBelow: 100 } }) }),
      /preflight\.readinessAlertBelow: needs the readiness check/,
    );
  });
});
