/**
 * Pre-flight without Redis (in-process mode): the process that runs the
 * jobs schedules them itself (same slots and jitter as the job schedulers),
 * keeps the results in memory, and the alerter follows them: a version
 * removed → one alert, resolved when it is back.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../../src/config/load-config.ts';
import { createDispatcher } from '../../../src/jobs/create-dispatcher.ts';
import type { Dispatcher } from '../../../src/jobs/dispatcher.ts';
import { defaultHostName } from '../../../src/jobs/queue-names.ts';
import { createLogger } from '../../../src/logger.ts';
import { nextSlot, startLocalPreflight, type LocalPreflight } from '../../../src/preflight/local-schedule.ts';
import { createPreflightServices, type PreflightServices } from '../../../src/preflight/services.ts';
import { processMemoryStore } from '../../../src/preflight/store.ts';
import { SlackOutbox } from '../../../src/slack/outbox/slack-outbox.ts';
import { SlackApi } from '../../../src/slack/slack-api.ts';
import { startGoProxyFake, type GoProxyFake } from '../../fakes/goproxy-server.ts';
import { startSlackApiFake, type SlackApiFake } from '../../fakes/slack-api.ts';
import { waitUntil } from '../../helpers/jobs-harness.ts';

describe('pre-flight in-process (no REDIS_URL)', () => {
  let dir: string;
  let proxy: GoProxyFake;
  let slack: SlackApiFake;
  let dispatcher: Dispatcher;
  let local: LocalPreflight;
  let services: PreflightServices;
  let host: string;
  const logger = createLogger({ level: 'silent' });

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'buildfix-pf-local-'));
    proxy = await startGoProxyFake({ modules: [{ path: 'example.test/gamma', versions: [{ version: 'v0.1.0' }, { version: 'v0.2.0' }] }] });
    const repo = join(dir, 'svc');
    await mkdir(repo);
    await writeFile(join(repo, 'go.mod'), 'module example.com/svc\n\ngo 1.19\n\nrequire example.test/gamma v0.1.0\n');
    await writeFile(join(repo, 'go.sum'), '');
    const configPath = join(dir, 'config.yaml');
    await writeFile(
      configPath,
      JSON.stringify({
        repos: { svc: { url: repo } },
        preflight: { modules: '800ms', probe: 'off', readiness: 'off', host: 'off', credentials: 'off', jitter: 0, proxyCacheTtl: '300ms' },
      }),
    );
    const config = loadConfig({
      BUILDFIX_CONFIG: configPath,
      GOPROXY: proxy.url,
      GOSUMDB: 'off',
      GOFLAGS: '-mod=mod',
      GOTOOLCHAIN: 'local',
      BUILDFIX_HOST: 'local-agent',
    });
    host = defaultHostName(config.host);
    slack = await startSlackApiFake();
    dispatcher = createDispatcher(config, logger);
    services = createPreflightServices(config, logger);
    services.startAlerts(
      new SlackOutbox({ api: new SlackApi({ token: 'xoxb-test-token', apiUrl: slack.apiUrl, logger, backoffMs: 10 }), logger, textBudget: 11_000 }),
      'C0LOCAL',
      'local',
    );
    local = startLocalPreflight({ config, dispatcher, host, logger });
  });

  after(async () => {
    local?.close();
    await services?.close();
    await dispatcher?.close();
    await slack?.close();
    await proxy?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('slots are multiples of the interval plus the offset', () => {
    assert.equal(nextSlot(10_050, 1000, 100), 10_100);
    assert.equal(nextSlot(10_100, 1000, 100), 11_100);
  });

  it('runs on its schedule, keeps results in memory, alerts once and resolves', async () => {
    const store = processMemoryStore();
    await waitUntil('two rounds', async () => ((await store.history(host, 'modules', 'svc')).length >= 2 ? true : undefined), 15_000);
    const runs = (await store.history(host, 'modules', 'svc')).reverse();
    assert.ok(
      runs.every((r) => r.status === 'pass' || r.status === 'warn'),
      JSON.stringify(runs),
    );
    for (let i = 1; i < runs.length; i++) assert.ok(Date.parse(runs[i]?.startedAt ?? '') >= Date.parse(runs[i - 1]?.finishedAt ?? ''), 'no overlap');
    assert.deepEqual(
      (await services.results()).map((r) => `${r.agent}/${r.check}/${r.repo}`),
      [`${host}/modules/svc`],
    );
    proxy.updateVersion('example.test/gamma', 'v0.1.0', { fail: { status: 410 }, listed: false });
    await slack.waitFor((c) => c.method === 'chat.postMessage' && c.ok, 15_000);
    proxy.updateVersion('example.test/gamma', 'v0.1.0', { fail: undefined, listed: true });
    await waitUntil('resolved', () => (slack.messages.find((m) => m.channel === 'C0LOCAL')?.text.includes('healthy again') ? true : undefined), 15_000);
    assert.equal(slack.okCalls('chat.postMessage').length, 1);
  });
});
