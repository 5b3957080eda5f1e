/** Router extensions for incidents (`incident …` commands, timeline recording). Filled in with the incident integration. */
import type { RouterDeps, RouterPlugin } from '../create-router.ts';

export function incidentPlugin(_deps: RouterDeps): RouterPlugin {
  return {};
}
