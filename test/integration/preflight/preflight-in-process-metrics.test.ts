/**
 * `buildfix serve` without REDIS_URL runs pre-flight in its handler thread
 * and keeps the results in memory; its /metrics shows them as the Redis mode
 * does: last run time and status per check, the GOPROXY entry's latency and
 * state, and module-cache readiness (a cache filled by the real go command).
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort } from '../../fakes/goproxy-server.ts';
import { startSlackApiFake, type SlackApiFake } from '../../fakes/slack-api.ts';
import { waitUntil } from '../../helpers/jobs-harness.ts';
import { createModcacheFixture, goEnvFor, type ModcacheFixture } from '../../helpers/modcache-fixture.ts';
import { startServe, type ServeHandle } from '../../helpers/slack-processes.ts';
import { TEST_SIGNING_SECRET } from '../../helpers/slack-sign.ts';

const AGENT = 'inproc-agent';

describe('in-process serve: pre-flight gauges on /metrics', { timeout: 60_000 }, () => {
  let f: ModcacheFixture;
  let slack: SlackApiFake;
  let serve: ServeHandle;

  before(async () => {
    f = await createModcacheFixture();
    slack = await startSlackApiFake();
    const configPath = join(f.root, 'buildfix.yaml');
    await writeFile(
      configPath,
      JSON.stringify({
        repos: { app: { url: f.repo } },
        preflight: { modules: '1s', probe: '1s', readiness: '1s', host: 'off', jitter: 0, proxyCacheTtl: '500ms' },
      }),
    );
    serve = await startServe(
      {
        ...goEnvFor(join(f.root, 'gopath'), { GOPROXY: f.proxy.url }),
        BUILDFIX_CONFIG: configPath,
        BUILDFIX_HOST: AGENT,
        SLACK_BOT_TOKEN: 'xoxb-test-token',
        SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
        SLACK_API_URL: slack.apiUrl,
      },
      await freePort(),
      ['--grace-ms', '500'],
    );
  });

  after(async () => {
    const code = await serve?.stop();
    await slack?.close();
    await f?.close();
    assert.equal(code, 0, serve?.output());
  });

  it('a scrape after the first runs shows status, last run time, proxy latency and readiness of this host', async () => {
    const health = (await (await fetch(`${serve.url}/healthz`)).json()) as { jobs: string };
    assert.equal(health.jobs, 'in-process');
    const before = Date.now() / 1000;
    const text = await waitUntil(
      'the three checks on /metrics',
      async () => {
        const body = await (await fetch(`${serve.url}/metrics`)).text();
        return ['check="modules"', 'check="probe"', 'check="readiness"'].every((c) => body.includes(`buildfix_preflight_status{agent="${AGENT}",${c}`)) &&
          body.includes('buildfix_preflight_cache_readiness_percent')
          ? body
          : undefined;
      },
      30_000,
    );
    const value = (pattern: string): number => {
      const m = new RegExp(`^${pattern} (\\S+)$`, 'm').exec(text);
      assert.ok(
        m,
        `${pattern} in:\n${text
          .split('\n')
          .filter((l) => l.startsWith('buildfix_preflight') || l.startsWith('buildfix_metrics_source'))
          .join('\n')}`,
      );
      return Number(m[1]);
    };
    // The module check of a healthy repo passes (0) or warns (1); it ran moments ago.
    assert.ok(value(`buildfix_preflight_status\\{agent="${AGENT}",check="modules",repo="app"\\}`) <= 1);
    const at = value(`buildfix_preflight_last_run_timestamp_seconds\\{agent="${AGENT}",check="modules",repo="app"\\}`);
    assert.ok(at > before - 60 && at <= Date.now() / 1000 + 1, `last run at ${at}`);
    // The fake GOPROXY answers on loopback: up, with a latency well under a second.
    const url = f.proxy.url.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    assert.equal(value(`buildfix_preflight_proxy_up\\{agent="${AGENT}",url="${url}",kind="goproxy"\\}`), 1);
    const latency = value(`buildfix_preflight_proxy_latency_seconds\\{agent="${AGENT}",url="${url}",kind="goproxy"\\}`);
    assert.ok(latency >= 0 && latency < 5, `latency ${latency}`);
    // The cache was filled by go mod download: every module of the build list is there.
    assert.equal(value(`buildfix_preflight_cache_readiness_percent\\{agent="${AGENT}",repo="app"\\}`), 100);
    assert.equal(value('buildfix_metrics_source_up\\{source="preflight"\\}'), 1);
  });
});
