/**
 * The one place a CommandRouter is assembled (shell and Slack alike): the
 * core commands plus plugins for Jenkins and incidents, each contributing
 * command handlers and observers.
 */
import { CommandRouter, type CommandExtension, type CommandValidator, type RouterObserver } from './command-router.ts';
import type { Command } from './parse-command.ts';
import { incidentPlugin } from './extensions/incident-commands.ts';
import { jenkinsPlugin } from './extensions/jenkins-commands.ts';
import { metricsRouterPlugin } from '../metrics/router-metrics.ts';
import type { RouterDeps } from './router-plugin.ts';
import type { PreflightResult } from '../preflight/types.ts';

/** The name under which a front passes `() => Promise<PreflightResult[]>` (RouterDeps.services): `status` shows pre-flight. */
export const PREFLIGHT_RESULTS_SERVICE = 'preflightResults';
/** The name under which a front passes `() => Promise<string[]>` (status lines of the Slack posts given up on): `status` shows them. */
export const UNDELIVERED_POSTS_SERVICE = 'undeliveredPosts';

export type { RouterDeps, RouterPlugin } from './router-plugin.ts';

export function createRouter(deps: RouterDeps): CommandRouter {
  const plugins = [jenkinsPlugin(deps), incidentPlugin(deps), metricsRouterPlugin()];
  const extensions: Partial<Record<Command['kind'], CommandExtension>> = {};
  const observers: RouterObserver[] = [];
  const validators: Partial<Record<Command['kind'], CommandValidator>> = {};
  for (const p of plugins) {
    Object.assign(extensions, p.commands ?? {});
    Object.assign(validators, p.validators ?? {});
    if (p.observer) observers.push(p.observer);
  }
  const preflight = deps.services?.[PREFLIGHT_RESULTS_SERVICE];
  const undelivered = deps.services?.[UNDELIVERED_POSTS_SERVICE];
  const router = new CommandRouter({
    config: deps.config,
    dispatcher: deps.dispatcher,
    logger: deps.logger,
    extensions,
    validators,
    observers,
    ...(typeof preflight === 'function' ? { preflightResults: preflight as () => Promise<PreflightResult[]> } : {}),
    ...(typeof undelivered === 'function' ? { undeliveredPosts: undelivered as () => Promise<string[]> } : {}),
  });
  for (const p of plugins) p.attach?.(router);
  return router;
}
