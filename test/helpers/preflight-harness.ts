/**
 * What the scheduled pre-flight tests share besides their `buildfix worker` processes: a config section with every
 * check off but the ones a test runs, the environment of an agent whose tokens are in its own ~/.netrc, the alerter
 * that `buildfix serve`'s handler thread runs (real SlackApi and outbox, posting to the Slack fake), a direct read of
 * the pre-flight store on the shared Redis, and the results as /metrics exposes them.
 */
import { Redis } from 'ioredis';
import { loadConfig } from '../../src/config/load-config.ts';
import type { Logger } from '../../src/logger.ts';
import { BuildfixMetrics } from '../../src/metrics/buildfix-metrics.ts';
import { createPreflightServices, type PreflightServices } from '../../src/preflight/services.ts';
import { RedisPreflightStore } from '../../src/preflight/store.ts';
import { startSlackApiFake, type SlackApiFake } from '../fakes/slack-api.ts';
import { SHARED_REDIS_URL } from './jobs-harness.ts';
import { slackOutboxOnFake } from './slack-outbox-on-fake.ts';

/** A `preflight:` config section that runs only the checks given (with their intervals), without jitter unless given. */
export function onlyChecks(on: Record<string, unknown>): Record<string, unknown> {
  return { modules: 'off', probe: 'off', readiness: 'off', host: 'off', credentials: 'off', jitter: 0, ...on };
}

/** An agent whose tokens are in `home`/.netrc (NETRC unset) and whose go never reaches a proxy. */
export function netrcAgentEnv(home: string): Record<string, string> {
  return { HOME: home, NETRC: '', GOPROXY: 'off', GOFLAGS: '', GOTOOLCHAIN: 'local' };
}

export interface PreflightAlerter {
  slack: SlackApiFake;
  services: PreflightServices;
  /** The connection `store` reads through. */
  redis: Redis;
  store: RedisPreflightStore;
  /** Stops the alerter, closes the connection and the Slack fake (the keys stay: the test deletes its prefix). */
  close(): Promise<void>;
}

/**
 * The pre-flight alerter of a serve replica (`test-replica`) posting to `channel` on a new Slack fake, configured
 * from `env` (whose REDIS_PREFIX is the test's), and the pre-flight store under that prefix.
 */
export async function startPreflightAlerter(env: Record<string, string>, channel: string, logger: Logger): Promise<PreflightAlerter> {
  const slack = await startSlackApiFake();
  const services = createPreflightServices(loadConfig({ ...env, SLACK_API_URL: slack.apiUrl }), logger);
  services.startAlerts(slackOutboxOnFake(slack, logger), channel, 'test-replica');
  const redis = new Redis(SHARED_REDIS_URL);
  const store = new RedisPreflightStore(redis, `{${env.REDIS_PREFIX ?? ''}}`);
  return {
    slack,
    services,
    redis,
    store,
    async close() {
      await services.close();
      redis.disconnect();
      await slack.close();
    },
  };
}

/** The Prometheus exposition of the pre-flight results the services hold (as a scrape of /metrics reads them). */
export function preflightExposition(services: PreflightServices): Promise<string> {
  const metrics = new BuildfixMetrics({ defaultMetrics: false });
  metrics.setSources({ preflightResults: () => services.results() });
  return metrics.render();
}
