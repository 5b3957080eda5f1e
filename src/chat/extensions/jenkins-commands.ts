/** Router extensions for the Jenkins commands (restart, rebuild, rollback). Filled in with the Jenkins integration. */
import type { RouterDeps, RouterPlugin } from '../create-router.ts';

export function jenkinsPlugin(_deps: RouterDeps): RouterPlugin {
  return {};
}
