/**
 * `buildfix serve [--listen ADDR] [--port N]`: the Slack app (Bolt, HTTP
 * mode) on PORT (default 3000). The HTTP thread verifies and acks; a handler
 * thread runs everything after the ack. Jobs go to BullMQ workers when
 * REDIS_URL is set (then several replicas may run behind one load balancer)
 * and run in the handler thread otherwise. SIGTERM/SIGINT: stop taking
 * requests, let running handlers finish for a few seconds, hand the rest to
 * other replicas, exit 0.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { UsageError } from '../../errors.ts';
import { registerHealthGauges } from '../../health/health-gauges.ts';
import { readHealthSummaries } from '../../health/health-summary.ts';
import { createObservability } from '../../metrics/observability.ts';
import { processMetrics } from '../../metrics/metrics.ts';
import { normalizeKeyPrefix } from '../../redis/key-prefix.ts';
import { createSlackApp } from '../../slack/create-slack-app.ts';
import { ThreadTaskSink } from '../../slack/thread-task-sink.ts';
import type { CliContext } from '../cli-context.ts';
import { COMMAND_SPECS } from '../command-specs.ts';
import { intOption, parseArgs } from '../parse-args.ts';

export async function runServeCommand(argv: string[], ctx: CliContext): Promise<number> {
  const args = parseArgs(argv, COMMAND_SPECS.serve);
  const config = ctx.config();
  const token = config.env.SLACK_BOT_TOKEN;
  const signingSecret = config.env.SLACK_SIGNING_SECRET;
  if (!token || !signingSecret) {
    throw new UsageError(
      'buildfix serve needs SLACK_BOT_TOKEN (xoxb-…) and SLACK_SIGNING_SECRET from the Slack app (see docs/slack.md); without Slack, use `buildfix shell`',
    );
  }
  const port = intOption(args, 'port', 1, 65535) ?? config.env.PORT;
  const leaseMs = intOption(args, 'lease-ms', 1000, 600_000);
  const graceMs = intOption(args, 'grace-ms', 0, 600_000) ?? 10_000;
  const host = args.options.get('listen');
  const logger = ctx.logger('info');
  const replicaId = `${hostname()}#${process.pid}-${randomBytes(3).toString('hex')}`;

  let stopping = false;
  // Before the handler thread starts: it reports its counts to this thread's registry.
  const obs = createObservability({
    redisUrl: config.env.REDIS_URL,
    prefix: normalizeKeyPrefix(config.env.REDIS_PREFIX),
    knownHosts: Object.keys(config.agents),
    isClosing: () => stopping,
    facts: { replica: replicaId, jobs: config.env.REDIS_URL ? 'bullmq' : 'in-process', state: config.env.REDIS_URL ? 'redis' : 'memory' },
  });
  // Dependency health gauges per repo, read from the last results in Redis on each scrape.
  const reader = obs.reader;
  // In-process mode: from the summaries the handler thread's dependency-health jobs relay to this thread.
  if (reader)
    registerHealthGauges(processMetrics().registry, async () =>
      readHealthSummaries(await reader.connection(2000), normalizeKeyPrefix(config.env.REDIS_PREFIX)),
    );
  else registerHealthGauges(processMetrics().registry, async () => processMetrics().relayedHealthSummaries());
  const sink = new ThreadTaskSink(
    { env: { ...ctx.env }, logLevel: ctx.debug ? 'debug' : ctx.env.LOG_LEVEL || 'info', replicaId, ...(leaseMs !== undefined ? { leaseMs } : {}) },
    logger,
  );
  await sink.start();
  const slack = createSlackApp({
    signingSecret,
    botToken: token,
    sink,
    logger,
    replicaId,
    health: { jobs: config.env.REDIS_URL ? 'bullmq' : 'in-process', state: config.env.REDIS_URL ? 'redis' : 'memory' },
    observability: obs,
  });

  let signalled: (signal: string) => void = () => {};
  const stopped = new Promise<string>((resolve) => {
    signalled = resolve;
  });
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    signalled(signal);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);

  const address = await slack.listen(port, host);
  logger.info(
    { port: address.port, address: address.address, jobs: config.env.REDIS_URL ? 'bullmq' : 'in-process', replica: replicaId },
    'buildfix serve listening (POST /slack/events, POST /webhooks/*, GET /healthz, GET /metrics)',
  );
  ctx.stdout.write(`buildfix serve listening on ${address.address}:${address.port}\n`);

  const signal = await stopped;
  logger.info({ signal }, 'signal received: shutting down');
  await slack.close(graceMs);
  await obs.close().catch(() => undefined);
  process.off('SIGTERM', onSignal);
  process.off('SIGINT', onSignal);
  setTimeout(() => process.exit(0), 3000).unref();
  return 0;
}
