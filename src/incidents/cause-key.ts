/**
 * One incident per cause (issue 16, item 3): the key CI failures are grouped
 * by, from the classifier's answer for the build log.
 *
 * A cause is its category plus what it names, in this order of preference
 * per category:
 *   module   version-not-found, checksum-mismatch, private-module-auth, module-path-mismatch,
 *            vanity-import                        → module@version ("example.com/ledger@v1.9.9")
 *   host     proxy-unreachable, corporate-proxy, tls-interception, sumdb-unreachable,
 *            proxy-server-error, rate-limited, registry-auth → the host it could not use ("proxy.corp:3128")
 *   agent    disk-full, toolchain-unavailable, toolchain-mismatch, proxy-disabled → the build agent
 * A host cause without a host falls back to the agent. Everything else (the repo's own go.mod or
 * go.sum, vendor/, replace directives, and `unknown`) is scoped to the pipeline: such failures
 * group only with the same pipeline's failures of the same category, never across the fleet.
 */
import type { Classification } from '../classify/classify-log.ts';
import { normalizeLine } from '../classify/normalize-log.ts';
import { redactText } from '../util/redact.ts';
import type { IncidentCause } from './incident-types.ts';

export type CauseScope = IncidentCause['scope'];

/**
 * key: "version-not-found|module|example.com/ledger@v1.9.9", equal for failures that share the cause;
 * subject: what the cause names (module@version, host[:port], agent, or the pipeline key).
 */
export type FailureCause = IncidentCause;

const MODULE_CATEGORIES = new Set(['version-not-found', 'checksum-mismatch', 'private-module-auth', 'module-path-mismatch', 'vanity-import']);
const HOST_CATEGORIES = new Set([
  'proxy-unreachable',
  'corporate-proxy',
  'tls-interception',
  'sumdb-unreachable',
  'proxy-server-error',
  'rate-limited',
  'registry-auth',
]);
const AGENT_CATEGORIES = new Set(['disk-full', 'toolchain-unavailable', 'toolchain-mismatch', 'proxy-disabled', 'proxy-config']);

/** Subjects are log text: redacted, one line, capped (they become Redis keys and alert text). */
const MAX_SUBJECT = 300;

function clean(text: string): string {
  const t = redactText(text).replace(/\s+/g, ' ').trim();
  return t.length <= MAX_SUBJECT ? t : t.slice(0, MAX_SUBJECT);
}

const PROXYCONNECT = /proxyconnect tcp: (?:dial tcp )?\[?([A-Za-z0-9.-]+|[0-9a-f:]+)\]?:(\d{1,5})/i;
const URL_HOST = /\bhttps?:\/\/(?:[^\s/"'@]*@)?([A-Za-z0-9.-]+(?::\d{1,5})?)/i;
const DNS_LOOKUP = /\blookup ([A-Za-z0-9.-]+\.[A-Za-z]{2,})(?: on |:)/i;
const DIAL = /\bdial tcp \[?([A-Za-z0-9.-]+|[0-9a-f:]+)\]?:(\d{1,5})/i;

/** The host a host-scoped cause names: the proxy dialled for a corporate proxy, else the first URL's host, a DNS lookup, a dial. */
export function causeHost(category: string, evidence: readonly string[]): string | undefined {
  const lines = evidence.map((l) => l.trim()).filter(Boolean);
  if (category === 'corporate-proxy') {
    for (const line of lines) {
      const m = PROXYCONNECT.exec(line);
      if (m?.[1]) return `${m[1].toLowerCase()}:${m[2]}`;
    }
  }
  for (const re of [URL_HOST, DNS_LOOKUP]) {
    for (const line of lines) {
      const m = re.exec(line);
      if (m?.[1]) return m[1].toLowerCase();
    }
  }
  for (const line of lines) {
    const m = DIAL.exec(line);
    if (m?.[1]) return `${m[1].toLowerCase()}:${m[2]}`;
  }
  return undefined;
}

// Jenkins pipeline and freestyle, GitHub Actions' "Set up job", GitLab's runner banner.
const AGENT_LINES: readonly RegExp[] = [
  /^Running on (\S+) in \//,
  /^Building remotely on (\S+)/,
  /^Runner name: '([^']+)'/,
  /^on (\S+) [A-Za-z0-9_-]{6,12}(?:,|$)/,
];
const BUILT_IN = /^Building (?:on|in workspace .* on) (?:the )?(built-in node|master)\b/;

/** The build agent a CI log says it ran on (the first such line, within the log's first 400 lines). */
export function agentFromLog(text: string | undefined): string | undefined {
  if (!text) return undefined;
  let n = 0;
  let lineStart = 0;
  while (lineStart < text.length && n++ < 400) {
    const end = text.indexOf('\n', lineStart);
    const raw = text.slice(lineStart, end === -1 ? text.length : end);
    lineStart = end === -1 ? text.length : end + 1;
    if (raw.length > 500) continue;
    const line = normalizeLine(raw).trim();
    for (const re of AGENT_LINES) {
      const m = re.exec(line);
      if (m?.[1]) return clean(m[1].replace(/\.+$/, '').replace(/^["']|["']$/g, ''));
    }
    if (BUILT_IN.test(line)) return 'built-in';
  }
  return undefined;
}

function cause(category: string, scope: CauseScope, subject: string): FailureCause {
  const s = clean(subject);
  return { key: `${category}|${scope}|${s}`, category, scope, subject: s };
}

/** The cause a failure is grouped by. `classification` undefined (no log) counts as `unknown`. */
export function causeOf(
  classification: Pick<Classification, 'category' | 'evidence' | 'module' | 'version'> | undefined,
  where: { pipelineKey: string; agent?: string | undefined },
): FailureCause {
  const category = classification?.category ?? 'unknown';
  const agent = where.agent ? clean(where.agent) : undefined;
  if (classification && MODULE_CATEGORIES.has(category) && classification.module) {
    return cause(category, 'module', classification.version ? `${classification.module}@${classification.version}` : classification.module);
  }
  if (classification && HOST_CATEGORIES.has(category)) {
    const host = causeHost(category, classification.evidence);
    if (host) return cause(category, 'host', host);
    if (agent) return cause(category, 'agent', agent);
  }
  if (AGENT_CATEGORIES.has(category) && agent) return cause(category, 'agent', agent);
  return cause(category, 'pipeline', where.pipelineKey);
}

/** "version-not-found example.com/ledger@v1.9.9", "corporate-proxy through proxy.corp:3128", "disk-full on agent-03". */
export function describeCause(c: Pick<FailureCause, 'category' | 'scope' | 'subject'>): string {
  if (c.scope === 'module') return `${c.category} ${c.subject}`;
  if (c.scope === 'host') return `${c.category} through ${c.subject}`;
  if (c.scope === 'agent') return `${c.category} on ${c.subject}`;
  return `${c.category} in ${c.subject}`;
}

/** A webhook's `incidents.groupWindow` ("30m", "90s", "2h", "1d", "off") in ms; 0 = grouping by cause is off. Unset: 30 minutes. */
export function groupWindowMs(value: string | undefined): number {
  if (value === undefined) return DEFAULT_GROUP_WINDOW_MS;
  if (value === 'off') return 0;
  const m = GROUP_WINDOW.exec(value);
  if (!m) return DEFAULT_GROUP_WINDOW_MS;
  return Number(m[1]) * (UNIT_MS[m[2] ?? 's'] ?? 1000);
}

export const DEFAULT_GROUP_WINDOW_MS = 30 * 60 * 1000;
export const GROUP_WINDOW = /^(\d{1,6})(s|m|h|d)$/;
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
