/**
 * `buildfix shell`: the chat router in a terminal (Hubot's shell adapter).
 * Type `/buildfix diagnose ./services/payments` or just `diagnose …`; the
 * same jobs run (in-process without REDIS_URL) and the same report comes
 * back, rendered for the terminal. With stdin not a TTY it reads commands
 * line by line and exits at end of input.
 */
import { userInfo } from 'node:os';
import { createInterface } from 'node:readline';
import { createRouter } from '../chat/create-router.ts';
import type { Requester } from '../chat/chat-surface.ts';
import { INCIDENT_STORE_SERVICE } from '../chat/extensions/incident-commands.ts';
import type { Config } from '../config/load-config.ts';
import { createIncidentStore } from '../incidents/create-incident-store.ts';
import type { IncidentStore } from '../incidents/incident-store.ts';
import type { Dispatcher } from '../jobs/dispatcher.ts';
import type { Logger } from '../logger.ts';
import { closeRedisConnection, createRedisConnection } from '../redis/create-redis-connection.ts';
import { normalizeKeyPrefix } from '../redis/key-prefix.ts';
import { TerminalSurface } from './terminal-surface.ts';

export interface ShellOptions {
  config: Config;
  dispatcher: Dispatcher;
  logger: Logger;
  input: NodeJS.ReadableStream & { isTTY?: boolean };
  output: NodeJS.WritableStream & { isTTY?: boolean };
  color: boolean;
  /** Where `incident …` keeps its records; default: Redis when REDIS_URL is set, else this process's memory (said at start). */
  incidentStore?: IncidentStore;
}

const PROMPT = 'buildfix> ';

export async function runShell(options: ShellOptions): Promise<number> {
  const interactive = options.input.isTTY === true && options.output.isTTY === true;
  const rl = createInterface({ input: options.input, output: options.output, terminal: interactive, historySize: 200 });
  const lines = rl[Symbol.asyncIterator]();
  const readLine = async (prompt: string, echo = false): Promise<string | undefined> => {
    if (interactive) {
      rl.setPrompt(prompt);
      rl.prompt();
    } else if (echo) options.output.write(`${prompt}\n`);
    const next = await lines.next();
    return next.done ? undefined : next.value;
  };
  const surface = new TerminalSurface({ out: options.output, color: options.color, ask: (prompt) => readLine(prompt, true) });
  const redisUrl = options.incidentStore ? undefined : options.config.env.REDIS_URL;
  const redis = redisUrl ? createRedisConnection(redisUrl, { role: 'producer', name: 'buildfix-shell-incidents' }) : undefined;
  const created = options.incidentStore ? { store: options.incidentStore } : createIncidentStore(redis ? { redis, prefix: normalizeKeyPrefix(options.config.env.REDIS_PREFIX) } : {});
  const incidents = created.store;
  // The producer connection queues nothing while connecting: give it a moment before the first command.
  if (redis) await waitForRedis(redis, 3000);
  const router = createRouter({ config: options.config, dispatcher: options.dispatcher, logger: options.logger, services: { [INCIDENT_STORE_SERVICE]: incidents } });
  let username = 'local';
  try {
    username = userInfo().username;
  } catch {
    /* no passwd entry (containers) */
  }
  const requester: Requester = { userId: `local:${username}`, label: username, local: true };

  if (interactive) {
    options.output.write(
      `buildfix shell — ${options.dispatcher.kind === 'in-process' ? 'jobs run on this machine' : 'jobs go to the BullMQ workers'}. Type \`help\`, or \`/buildfix diagnose <path|repo>\`; \`exit\` to leave.\n`,
    );
    if (created.notice) options.output.write(`note: ${created.notice}\n`);
  }
  for (;;) {
    const line = await readLine(PROMPT);
    if (line === undefined) break;
    const text = line.trim();
    if (text === '' || text.startsWith('#')) continue;
    if (/^(exit|quit|\\q)$/i.test(text)) break;
    await router.handle(text, requester, surface);
  }
  rl.close();
  if (redis) await closeRedisConnection(redis);
  if (interactive) options.output.write('\n');
  return 0;
}

async function waitForRedis(redis: { status: string }, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (redis.status !== 'ready' && redis.status !== 'end' && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
}
