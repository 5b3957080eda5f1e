/**
 * `buildfix worker [--host NAME] [--concurrency N]`: runs jobs for this host
 * (and any-host jobs) from Redis until SIGTERM/SIGINT, then shuts down
 * gracefully and exits 0. A second signal stops at once.
 */
import { UsageError } from '../../errors.ts';
import { defaultHostName, normalizeHost } from '../../jobs/queue-names.ts';
import { startWorker, WORKER_DEFAULTS } from '../../jobs/worker-runner.ts';
import { normalizeKeyPrefix } from '../../redis/key-prefix.ts';
import { describeRedisUrl } from '../../redis/redis-options.ts';
import type { CliContext } from '../cli-context.ts';
import { COMMAND_SPECS } from '../command-specs.ts';
import { intOption, parseArgs } from '../parse-args.ts';

export async function runWorkerCommand(argv: string[], ctx: CliContext): Promise<number> {
  const args = parseArgs(argv, COMMAND_SPECS.worker);
  const config = ctx.config();
  const url = config.env.REDIS_URL;
  if (!url) {
    throw new UsageError(
      'buildfix worker needs REDIS_URL (redis://host:6379 or rediss://…). Without Redis, jobs run in-process in the chat process and no worker is needed.',
    );
  }
  const hostArg = args.options.get('host');
  const host = hostArg === undefined ? defaultHostName(config.host) : normalizeHost(hostArg);
  const concurrency = intOption(args, 'concurrency', 1, 64) ?? WORKER_DEFAULTS.concurrency;
  const logger = ctx.logger('info');
  const prefix = normalizeKeyPrefix(config.env.REDIS_PREFIX);

  let signalled: (signal: string) => void = () => {};
  const stopped = new Promise<string>((resolve) => {
    signalled = resolve;
  });
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: stopping now; running jobs are recovered by other workers after their lock expires');
      process.exit(1);
    }
    stopping = true;
    signalled(signal);
  };
  let stopping = false;
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);

  const worker = startWorker({ config, logger, redisUrl: url, prefix, host, concurrency });
  const slow = setTimeout(() => logger.warn({ redis: describeRedisUrl(url) }, 'still waiting for Redis…'), 10_000);
  slow.unref();
  void worker.ready.then(() => clearTimeout(slow));

  const signal = await stopped;
  clearTimeout(slow);
  logger.info({ signal }, 'signal received: stopping the worker');
  await worker.close();
  process.off('SIGTERM', onSignal);
  process.off('SIGINT', onSignal);
  // Anything still holding the event loop open after close is a bug; do not hang a service stop on it.
  setTimeout(() => process.exit(0), 3000).unref();
  return 0;
}
