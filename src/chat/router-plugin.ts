/**
 * What a router plugin is and what it gets: the contract between
 * create-router.ts (which assembles the router) and the plugins it assembles
 * it from (Jenkins, incidents, metrics).
 */
import type { Config } from '../config/load-config.ts';
import type { Dispatcher } from '../jobs/dispatcher.ts';
import type { Logger } from '../logger.ts';
import type { CommandExtension, CommandRouter, CommandValidator, RouterObserver } from './command-router.ts';
import type { Command } from './parse-command.ts';

export interface RouterDeps {
  config: Config;
  dispatcher: Dispatcher;
  logger: Logger;
  /** Services a front can offer plugins (an incident store, a Slack poster…), by name. */
  services?: Record<string, unknown>;
}

export interface RouterPlugin {
  commands?: Partial<Record<Command['kind'], CommandExtension>>;
  /** Checks run before the confirmation (see CommandRouter.checkRunnable). */
  validators?: Partial<Record<Command['kind'], CommandValidator>>;
  observer?: RouterObserver;
  /** Called once with the assembled router (for plugins that run jobs from their observers). */
  attach?(router: CommandRouter): void;
}
