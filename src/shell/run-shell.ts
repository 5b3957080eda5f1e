/**
 * `buildfix shell`: the chat router in a terminal (Hubot's shell adapter).
 * Type `/buildfix diagnose ./services/payments` or just `diagnose …`; the
 * same jobs run (in-process without REDIS_URL) and the same report comes
 * back, rendered for the terminal. With stdin not a TTY it reads commands
 * line by line and exits at end of input.
 */
import { createInterface, type Interface } from 'node:readline';
import { createRouter, PREFLIGHT_RESULTS_SERVICE } from '../chat/create-router.ts';
import { createPreflightServices } from '../preflight/services.ts';
import { startLocalPreflight } from '../preflight/local-schedule.ts';
import { defaultHostName } from '../jobs/queue-names.ts';
import { parseCommand } from '../chat/parse-command.ts';
import { CancelledError } from '../errors.ts';
import type { Requester } from '../chat/chat-surface.ts';
import { INCIDENT_STORE_SERVICE } from '../chat/extensions/incident-commands.ts';
import type { Config } from '../config/load-config.ts';
import { createIncidentStore } from '../incidents/create-incident-store.ts';
import type { IncidentStore } from '../incidents/incident-store.ts';
import type { Dispatcher } from '../jobs/dispatcher.ts';
import type { Logger } from '../logger.ts';
import { closeRedisConnection, createRedisConnection } from '../redis/create-redis-connection.ts';
import { normalizeKeyPrefix } from '../redis/key-prefix.ts';
import { maskUrlCredentials } from '../util/redact.ts';
import { TerminalSurface } from './terminal-surface.ts';
import { localRequesterId, localUsername } from '../util/local-user.ts';

export interface ShellOptions {
  config: Config;
  dispatcher: Dispatcher;
  logger: Logger;
  input: NodeJS.ReadableStream & { isTTY?: boolean };
  output: NodeJS.WritableStream & { isTTY?: boolean };
  color: boolean;
  /** The file the logger writes to, named when something goes wrong. */
  logFile?: string;
  /** Where `incident …` keeps its records; default: Redis when REDIS_URL is set, else this process's memory (said at start). */
  incidentStore?: IncidentStore;
}

const PROMPT = 'buildfix> ';
/** After Ctrl-C, how long a command may take to stop before the prompt returns anyway (its late output is dropped). */
const CANCEL_GRACE_MS = 1500;
/** A Ctrl-C while a line was being read. */
const INTERRUPT = Symbol('interrupt');
type Read = string | undefined | typeof INTERRUPT;

/**
 * Lines from the terminal or a pipe, one at a time, with Ctrl-C as a value:
 * an interrupt resolves the pending read (a prompt, a [y/N] question), or
 * cancels the running command (onBusyInterrupt) when nothing is being read.
 */
class LineSource {
  #rl: Interface;
  #queued: string[] = [];
  #waiter: ((value: Read) => void) | undefined;
  #closed = false;
  readonly #options: ShellOptions;
  readonly #interactive: boolean;
  onBusyInterrupt: () => void = () => {};

  constructor(options: ShellOptions, interactive: boolean) {
    this.#options = options;
    this.#interactive = interactive;
    this.#rl = this.#open();
  }

  #open(): Interface {
    const rl = createInterface({ input: this.#options.input, output: this.#options.output, terminal: this.#interactive, historySize: 200 });
    this.#closed = false;
    rl.on('line', (line) => (this.#waiter ? this.#settle(line) : this.#queued.push(line)));
    rl.on('close', () => {
      this.#closed = true;
      this.#settle(undefined);
    });
    // In a terminal, readline turns Ctrl-C into this event (raw mode: no signal is sent).
    rl.on('SIGINT', () => this.interrupt());
    return rl;
  }

  #settle(value: Read): void {
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.(value);
  }

  /** Ctrl-C: answers the pending read, or cancels the running command. */
  interrupt(): void {
    if (this.#waiter) {
      if (this.#interactive) {
        // Like a shell: typed text is dropped and the prompt starts again on a new line.
        const typed = this.#rl.line !== '';
        this.#rl.write(null, { ctrl: true, name: 'e' });
        this.#rl.write(null, { ctrl: true, name: 'u' });
        this.#options.output.write('^C\n');
        if (typed) {
          this.#rl.prompt();
          return;
        }
      }
      this.#settle(INTERRUPT);
    } else this.onBusyInterrupt();
  }

  read(prompt: string, echo = false): Promise<Read> {
    const next = this.#queued.shift();
    if (next !== undefined) {
      if (echo && !this.#interactive) this.#options.output.write(`${prompt}\n`);
      return Promise.resolve(next);
    }
    if (this.#closed) return Promise.resolve(undefined);
    if (this.#interactive) {
      this.#rl.setPrompt(prompt);
      this.#rl.prompt();
    } else if (echo) this.#options.output.write(`${prompt}\n`);
    return new Promise((resolve) => (this.#waiter = resolve));
  }

  /** After Ctrl-D in a terminal: listen again (the input stream itself stays open). */
  reopen(): void {
    if (this.#closed && this.#interactive) this.#rl = this.#open();
  }

  close(): void {
    this.#rl.close();
  }
}

export async function runShell(options: ShellOptions): Promise<number> {
  const interactive = options.input.isTTY === true && options.output.isTTY === true;
  const lines = new LineSource(options, interactive);
  const redisUrl = options.incidentStore ? undefined : options.config.env.REDIS_URL;
  const redis = redisUrl ? createRedisConnection(redisUrl, { role: 'producer', name: 'buildfix-shell-incidents' }) : undefined;
  const created = options.incidentStore
    ? { store: options.incidentStore }
    : createIncidentStore(redis ? { redis, prefix: normalizeKeyPrefix(options.config.env.REDIS_PREFIX) } : {});
  const incidents = created.store;
  const inMemory = created.notice !== undefined;
  // The producer connection queues nothing while connecting: give it a moment before the first command.
  if (redis) await waitForRedis(redis, 3000);
  if (redis && redis.status !== 'ready') {
    options.output.write(
      `note: Redis at ${maskUrlCredentials(redisUrl ?? '')} does not answer; commands that need it fail until it does${options.logFile ? ` (details: ${options.logFile})` : ''}.\n`,
    );
  }
  // `status` shows the agents' latest pre-flight results (alerts are posted by `buildfix serve`).
  const preflight = createPreflightServices(options.config, options.logger);
  // In-process mode: this shell runs the jobs, so it also runs the pre-flight schedules (results in memory).
  const localPreflight =
    options.dispatcher.kind === 'in-process' && options.config.preflight
      ? startLocalPreflight({ config: options.config, dispatcher: options.dispatcher, host: defaultHostName(options.config.host), logger: options.logger })
      : undefined;
  const router = createRouter({
    config: options.config,
    dispatcher: options.dispatcher,
    logger: options.logger,
    services: { [INCIDENT_STORE_SERVICE]: incidents, [PREFLIGHT_RESULTS_SERVICE]: () => preflight.results() },
  });
  const username = localUsername();
  const requester: Requester = { userId: localRequesterId(username), label: username, local: true };

  if (interactive) {
    options.output.write(
      `buildfix shell — ${options.dispatcher.kind === 'in-process' ? 'jobs run on this machine' : 'jobs go to the BullMQ workers'}. Type \`help\`, or \`/buildfix diagnose <path|repo>\`; \`exit\`, Ctrl-D or Ctrl-C twice to leave; Ctrl-C stops a running command.\n`,
    );
    if (created.notice) options.output.write(`note: ${created.notice}\n`);
  }

  /** What leaving now would lose, said before the second Ctrl-C / Ctrl-D. */
  const leaveWarning = async (key: string): Promise<string> => {
    const open = inMemory ? await incidents.listOpen().catch(() => []) : [];
    const lost =
      open.length > 0
        ? `${open.length} open incident${open.length === 1 ? '' : 's'} (${open.map((i) => `#${i.id}`).join(', ')}) live only in this shell's memory and will be lost. `
        : '';
    return `${lost}Press ${key} again to leave, or type a command.\n`;
  };

  // Without a terminal (piped input), Ctrl-C arrives as a signal.
  let signalled = false;
  const onSignal = (): void => {
    signalled = true;
    lines.interrupt();
  };
  process.on('SIGINT', onSignal);
  let failures = 0;
  let code = 0;
  let armed: 'ctrl-c' | 'ctrl-d' | undefined;
  try {
    for (;;) {
      const line = await lines.read(PROMPT);
      if (line === INTERRUPT) {
        if (!interactive || armed === 'ctrl-c') {
          if (!interactive) code = 130;
          break;
        }
        armed = 'ctrl-c';
        options.output.write(await leaveWarning('Ctrl-C'));
        continue;
      }
      if (line === undefined) {
        if (interactive && armed !== 'ctrl-d' && inMemory && (await incidents.listOpen().catch(() => [])).length > 0) {
          armed = 'ctrl-d';
          options.output.write(`\n${await leaveWarning('Ctrl-D')}`);
          lines.reopen();
          continue;
        }
        break;
      }
      const text = line.trim();
      if (text === '' || text.startsWith('#')) continue;
      armed = undefined;
      if (/^(exit|quit|\\q)$/i.test(text)) break;
      const result = await runOne(text);
      if (result === 'failed') failures++;
      if (result === 'cancelled' && (!interactive || signalled)) {
        code = 130;
        break;
      }
    }
  } finally {
    process.off('SIGINT', onSignal);
    lines.close();
    localPreflight?.close();
    await preflight.close();
    if (redis) await closeRedisConnection(redis);
  }
  if (interactive) options.output.write('\n');
  if (code === 0 && !interactive && failures > 0) code = 1;
  return code;

  async function runOne(text: string): Promise<'ok' | 'failed' | 'cancelled'> {
    const controller = new AbortController();
    const surface = new TerminalSurface({
      out: options.output,
      color: options.color,
      signal: controller.signal,
      ask: async (prompt) => {
        const answer = await lines.read(prompt, true);
        return answer === INTERRUPT ? undefined : answer;
      },
    });
    lines.onBusyInterrupt = () => controller.abort(new CancelledError());
    let parsed = true;
    try {
      parseCommand(text);
    } catch {
      parsed = false;
    }
    const handled = router.handle(text, requester, surface).catch((err: unknown) => {
      options.logger.error({ err }, 'shell command failed');
      surface.failed = true;
    });
    const stopped = new Promise<void>((resolve) => controller.signal.addEventListener('abort', () => resolve(), { once: true }));
    await Promise.race([handled, stopped.then(() => Promise.race([handled, new Promise((resolve) => setTimeout(resolve, CANCEL_GRACE_MS).unref())]))]);
    lines.onBusyInterrupt = () => {};
    if (controller.signal.aborted) {
      surface.mute();
      options.output.write('cancelled\n');
      return 'cancelled';
    }
    return !parsed || surface.failed ? 'failed' : 'ok';
  }
}

async function waitForRedis(redis: { status: string }, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (redis.status !== 'ready' && redis.status !== 'end' && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
}
