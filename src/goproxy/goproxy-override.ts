/**
 * The GOPROXY a "retry through another proxy" rebuild may hand to a Jenkins
 * job (jobs.<job>.goproxyParam). Every entry must be one buildfix knows from
 * its configuration: `direct`, the public proxy, a configured mirror
 * (`mirrors:`) or an entry of this process's own GOPROXY. Nothing else from a
 * button reaches a build.
 *
 * Credentials never sit in a Slack message: buttons and titles carry the
 * masked form (`https://bot:***@goproxy.corp`), and pressing a button maps
 * each masked entry back to the configured URL it stands for.
 */
import { UsageError } from '../errors.ts';
import { maskUrlCredentials } from '../util/redact.ts';

export const PUBLIC_GOPROXY = 'https://proxy.golang.org';

export interface GoproxyOverrideConfig {
  mirrors?: readonly string[] | undefined;
  goEnv?: { GOPROXY?: string | undefined } | undefined;
}

export interface ResolvedGoproxy {
  /** What the build gets (configured URLs, credentials included). */
  value: string;
  /** What people see (credentials masked). */
  shown: string;
}

/** A GOPROXY list as long as a job parameter should ever be. */
const MAX_LENGTH = 1000;

const trimSlashes = (url: string): string => url.replace(/\/+$/, '');

function knownProxies(config: GoproxyOverrideConfig): string[] {
  const own = (config.goEnv?.GOPROXY ?? '')
    .split(/[,|]/)
    .map((e) => e.trim())
    .filter((e) => /^https?:\/\//i.test(e));
  return [PUBLIC_GOPROXY, ...(config.mirrors ?? []), ...own];
}

/** The configured URL an entry names (as configured or masked), or undefined. */
function configuredEntry(entry: string, config: GoproxyOverrideConfig): string | undefined {
  const wanted = trimSlashes(entry);
  return knownProxies(config).find((known) => trimSlashes(known) === wanted || trimSlashes(maskUrlCredentials(known)) === wanted);
}

/** True when every entry of the list is one the configuration knows. */
export function isKnownGoproxy(value: string, config: GoproxyOverrideConfig): boolean {
  try {
    resolveGoproxyOverride(value, config);
    return true;
  } catch {
    return false;
  }
}

/**
 * Check a GOPROXY list against the configuration and map masked entries back
 * to their configured URLs; a UsageError names the first entry it does not know.
 */
export function resolveGoproxyOverride(value: string, config: GoproxyOverrideConfig): ResolvedGoproxy {
  if (value.length === 0 || value.length > MAX_LENGTH) throw new UsageError(`GOPROXY override must be 1–${MAX_LENGTH} characters`);
  const parts = value.split(/([,|])/);
  const out: string[] = [];
  for (const [i, part] of parts.entries()) {
    if (i % 2 === 1) {
      out.push(part);
      continue;
    }
    const entry = part.trim();
    if (entry === 'direct') {
      out.push(entry);
      continue;
    }
    const known = entry === '' || entry === 'off' ? undefined : configuredEntry(entry, config);
    if (known === undefined) {
      throw new UsageError(
        `GOPROXY entry "${maskUrlCredentials(entry || '(empty)')}" is not one buildfix knows: a rebuild may use direct, ${PUBLIC_GOPROXY}, or a mirror listed under mirrors: in the buildfix config`,
      );
    }
    out.push(known);
  }
  const resolved = out.join('');
  return { value: resolved, shown: maskUrlCredentials(resolved) };
}
