/**
 * Router extensions for incidents: the `incident …` commands and the
 * timeline recorder (src/incidents/incident-service.ts). Active when the
 * front offers an incident store (`services.incidentStore`), optionally with
 * an announcer (`services.incidentAnnouncer`: Slack's buttons, alerts and
 * archive); without a store `incident` says it is not available here.
 *
 * Verify after fix (src/incidents/fix-verification.ts) starts here too: when
 * a remediation (restart, cache clear, rebuild, rollback) succeeds in an
 * incident's thread, and on `incident note fixed …` (also what the alert's
 * Fixed button types). Its re-checks run through the router as jobs.
 */
import { BuildfixError } from '../../errors.ts';
import { describePlacement, onTheAgent, placeOnAgent } from '../../jobs/agent-placement.ts';
import type { ChatSurface, Requester } from '../chat-surface.ts';
import type { CommandRouter } from '../command-router.ts';
import type { Command } from '../parse-command.ts';
import { FixVerifier, followedBuild, isFixedNote, surfaceOutput, type RunCheck } from '../../incidents/fix-verification.ts';
import { IncidentService, type IncidentAnnouncer } from '../../incidents/incident-service.ts';
import type { IncidentStore } from '../../incidents/incident-store.ts';
import { ACTOR_BUILDFIX } from '../../incidents/incident-types.ts';
import type { RouterDeps, RouterPlugin } from '../router-plugin.ts';

/** Names under which a front passes incident services to the router (RouterDeps.services). */
export const INCIDENT_STORE_SERVICE = 'incidentStore';
export const INCIDENT_ANNOUNCER_SERVICE = 'incidentAnnouncer';

/** Who runs the re-checks of a fix. */
const VERIFYING: Requester = { userId: ACTOR_BUILDFIX, label: 'buildfix (verifying the fix)' };

function isStore(value: unknown): value is IncidentStore {
  return typeof value === 'object' && value !== null && typeof (value as IncidentStore).recordCiFailure === 'function';
}

function isAnnouncer(value: unknown): value is IncidentAnnouncer {
  return typeof value === 'object' && value !== null && typeof (value as IncidentAnnouncer).archive === 'function';
}

/**
 * A re-check runs on the agent it names when that agent's buildfix worker is live. When not, a
 * diagnosis or probe runs on another worker (the thread says whose view it is); a host check, which
 * examines the machine it runs on, cannot run at all.
 */
async function placeRecheck(command: Command, router: CommandRouter, surface: ChatSurface): Promise<Command> {
  const host = command.kind === 'diagnose' || command.kind === 'modules' || command.kind === 'probe' || command.kind === 'hostcheck' ? command.host : undefined;
  if (host === undefined) return command;
  const placement = await placeOnAgent(host, { dispatcher: router.dispatcher, config: router.config });
  if (onTheAgent(placement)) return command;
  const note = describePlacement(placement, 'the re-check', 'its results');
  if (command.kind === 'hostcheck') throw new BuildfixError('BF_TARGET', `hostcheck ${host} examines ${host} itself: ${note ?? 'it cannot run here'}`);
  if (note) await surface.post({ kind: 'text', tone: 'warning', text: note });
  if (command.kind !== 'diagnose' && command.kind !== 'modules' && command.kind !== 'probe') return command;
  const other = placement.kind === 'elsewhere' ? placement.host : undefined;
  const { host: _planned, ...rest } = command;
  return (other ? { ...rest, host: other } : rest) as Command;
}

function checkRunner(router: CommandRouter, surface: ChatSurface): RunCheck {
  // Never the result of an identical job that ran moments ago: the fix came in between.
  return async (planned) => {
    const command = await placeRecheck(planned, router, surface);
    return router.runJob(command, { ...router.planJob(command), dedup: false }, VERIFYING, surface);
  };
}

export function incidentPlugin(deps: RouterDeps): RouterPlugin {
  const store = deps.services?.[INCIDENT_STORE_SERVICE];
  if (!isStore(store)) return {};
  const candidate = deps.services?.[INCIDENT_ANNOUNCER_SERVICE];
  const announcer = isAnnouncer(candidate) ? candidate : undefined;
  const service = new IncidentService({ store, config: deps.config, logger: deps.logger, ...(announcer ? { announcer } : {}) });
  const verifier = new FixVerifier({ store, config: deps.config, logger: deps.logger });
  let attached: CommandRouter | undefined;
  return {
    attach(router) {
      attached = router;
    },
    commands: {
      incident: async (command, requester, surface, router) => {
        if (command.kind !== 'incident') return;
        await service.handle(command.action, requester, surface);
        const action = command.action;
        if (action.op !== 'note' || !isFixedNote(action.text)) return;
        const incident = await service.targetFor(action.ref, surface);
        await verifier.start(
          incident,
          { kind: 'fixed', text: `incident note ${action.text}`.slice(0, 200), by: requester.userId },
          { output: surfaceOutput(surface, announcer), runCheck: checkRunner(router, surface) },
        );
      },
    },
    observer: {
      onCommand: (command, requester, surface) => service.onCommand(command, requester, surface),
      onJobProgress: (command, jobId, event) => service.onJobProgress(command, jobId, event),
      onJobOutcome: async (command, outcome, requester, surface) => {
        await service.onJobOutcome(command, outcome, requester, surface);
        const trigger = verifier.triggerFor(command, outcome, requester.userId);
        if (!trigger) return;
        const incident = await service.attachedTo(surface);
        if (!incident) return;
        const build = followedBuild(outcome, new Date().toISOString());
        await verifier.afterRemediation(incident, trigger, {
          output: surfaceOutput(surface, announcer),
          ...(attached ? { runCheck: checkRunner(attached, surface) } : {}),
          ...(build ? { build } : {}),
        });
      },
    },
  };
}
