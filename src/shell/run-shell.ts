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
import type { Config } from '../config/load-config.ts';
import type { Dispatcher } from '../jobs/dispatcher.ts';
import type { Logger } from '../logger.ts';
import { TerminalSurface } from './terminal-surface.ts';

export interface ShellOptions {
  config: Config;
  dispatcher: Dispatcher;
  logger: Logger;
  input: NodeJS.ReadableStream & { isTTY?: boolean };
  output: NodeJS.WritableStream & { isTTY?: boolean };
  color: boolean;
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
  const router = createRouter({ config: options.config, dispatcher: options.dispatcher, logger: options.logger });
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
  if (interactive) options.output.write('\n');
  return 0;
}
