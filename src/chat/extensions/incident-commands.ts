/**
 * Router extensions for incidents: the `incident …` commands and the
 * timeline recorder (src/incidents/incident-service.ts). Active when the
 * front offers an incident store (`services.incidentStore`), optionally with
 * an announcer (`services.incidentAnnouncer`: Slack's buttons, alerts and
 * archive); without a store `incident` says it is not available here.
 */
import { IncidentService, type IncidentAnnouncer } from '../../incidents/incident-service.ts';
import type { IncidentStore } from '../../incidents/incident-store.ts';
import type { RouterDeps, RouterPlugin } from '../router-plugin.ts';

/** Names under which a front passes incident services to the router (RouterDeps.services). */
export const INCIDENT_STORE_SERVICE = 'incidentStore';
export const INCIDENT_ANNOUNCER_SERVICE = 'incidentAnnouncer';

function isStore(value: unknown): value is IncidentStore {
  return typeof value === 'object' && value !== null && typeof (value as IncidentStore).recordCiFailure === 'function';
}

function isAnnouncer(value: unknown): value is IncidentAnnouncer {
  return typeof value === 'object' && value !== null && typeof (value as IncidentAnnouncer).archive === 'function';
}

export function incidentPlugin(deps: RouterDeps): RouterPlugin {
  const store = deps.services?.[INCIDENT_STORE_SERVICE];
  if (!isStore(store)) return {};
  const announcer = deps.services?.[INCIDENT_ANNOUNCER_SERVICE];
  const service = new IncidentService({ store, config: deps.config, logger: deps.logger, ...(isAnnouncer(announcer) ? { announcer } : {}) });
  return {
    commands: {
      incident: async (command, requester, surface) => {
        if (command.kind === 'incident') await service.handle(command.action, requester, surface);
      },
    },
    observer: {
      onCommand: (command, requester, surface) => service.onCommand(command, requester, surface),
      onJobProgress: (command, jobId, event) => service.onJobProgress(command, jobId, event),
      onJobOutcome: (command, outcome, requester, surface) => service.onJobOutcome(command, outcome, requester, surface),
    },
  };
}
