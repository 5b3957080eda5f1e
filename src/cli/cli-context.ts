/** What a CLI command gets: its streams, environment and a lazily loaded config/logger. */
import { loadConfig, type Config } from '../config/load-config.ts';
import { createLogger, type Logger } from '../logger.ts';
import { registerSecret } from '../util/redact.ts';

export interface CliIo {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
  env: NodeJS.ProcessEnv;
}

export interface CliContext extends CliIo {
  debug: boolean;
  /** Aborted (reason: CancelledError) when the user presses Ctrl-C during a one-shot command. */
  signal: AbortSignal;
  config(): Config;
  /** The logger; `destination` (first call only) sends its lines there instead of stderr. */
  logger(defaultLevel?: string, destination?: NodeJS.WritableStream): Logger;
}

export function createCliContext(io: CliIo, debug: boolean, signal: AbortSignal = new AbortController().signal): CliContext {
  let config: Config | undefined;
  let logger: Logger | undefined;
  const ctx: CliContext = {
    ...io,
    debug,
    signal,
    config() {
      if (!config) {
        config = loadConfig(io.env);
        for (const secret of [
          config.env.SLACK_BOT_TOKEN,
          config.env.SLACK_SIGNING_SECRET,
          config.env.JENKINS_API_TOKEN,
          config.env.JENKINS_WEBHOOK_TOKEN,
          config.env.GITHUB_WEBHOOK_SECRET,
          config.env.GITLAB_WEBHOOK_TOKEN,
          config.env.GITHUB_TOKEN,
          config.env.GITLAB_TOKEN,
        ]) {
          registerSecret(secret);
        }
      }
      return config;
    },
    logger(defaultLevel = 'warn', destination?: NodeJS.WritableStream) {
      if (!logger) {
        const level = debug ? 'debug' : io.env.LOG_LEVEL || defaultLevel;
        logger = createLogger({
          level,
          ...(destination ? { destination: destination as unknown as NonNullable<Parameters<typeof createLogger>[0]>['destination'] } : {}),
        });
      }
      return logger;
    },
  };
  return ctx;
}
