/**
 * The chat command grammar, shared by Slack (/buildfix and @buildfix) and the
 * terminal shell. Pure: text in, a typed command or a UsageError with the
 * help for the nearest command out. Names are checked for shape here and
 * against the configuration by the router.
 */
import { ENV_SINCE } from '../jobs/payload-schemas.ts';
import type { GreenElsewhere } from '../report/model.ts';
import { GIT_REVISION } from '../changes/git-history.ts';
import { UsageError } from '../errors.ts';

export type Command =
  | { kind: 'help'; topic?: string }
  | {
      kind: 'diagnose';
      repo: string;
      host?: string;
      job?: string;
      /** --deep: download and check the module zips, ask the checksum DB. */ deep?: boolean;
      since?: string;
      sinceGreen?: boolean;
      /** Set by CI alerts: where `since` came from, and the failing build's commit. */ sinceLabel?: string;
      failing?: string;
      /** Set by CI alerts: when the green build ran, and whether another agent built the job green since. */
      greenAt?: string;
      greenElsewhere?: GreenElsewhere;
      greenElsewhereNote?: string;
      /** Set by CI alerts: the agent the failing build ran on (whose environment history is compared). */
      agent?: string;
    }
  | { kind: 'probe'; host?: string }
  | { kind: 'modules'; repo: string; host?: string }
  | { kind: 'hostcheck'; host: string }
  | { kind: 'envdiff'; hosts: string[]; /** One agent against its own recorded environment at a time or build. */ since?: string }
  | { kind: 'restart'; agent: string; force: boolean }
  | { kind: 'rebuild'; job: string; clean: boolean }
  | { kind: 'rollback'; job: string }
  | { kind: 'cache-clear'; agent: string }
  | { kind: 'cache-warm'; agent: string; repo: string }
  | { kind: 'drill'; repo: string; host?: string }
  | { kind: 'health'; repo: string; host?: string }
  | { kind: 'status' }
  | { kind: 'explain'; file: string }
  | { kind: 'incident'; action: IncidentAction };

export const INCIDENT_STATUSES = ['investigating', 'identified', 'mitigated', 'resolved'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];
/** The same values as the incident store's SEVERITIES (src/incidents/incident-types.ts). */
export const INCIDENT_SEVERITIES = ['sev1', 'sev2', 'sev3', 'sev4'] as const;
export type IncidentSeverity = (typeof INCIDENT_SEVERITIES)[number];
export const INCIDENT_ROLES = ['commander', 'engineer', 'communicator'] as const;
export type IncidentRole = (typeof INCIDENT_ROLES)[number];

export type IncidentAction =
  | { op: 'open'; title: string }
  | { op: 'status'; status: IncidentStatus; note?: string; ref?: number }
  | { op: 'role'; role: IncidentRole; user: string; ref?: number }
  | { op: 'note'; text: string; ref?: number }
  | { op: 'severity'; severity: IncidentSeverity; ref?: number }
  | { op: 'resolve'; summary?: string; ref?: number }
  | { op: 'log'; ref?: number }
  | { op: 'list' };

export interface CommandHelp {
  name: string;
  usage: string;
  summary: string;
}

export const COMMAND_HELP: readonly CommandHelp[] = [
  {
    name: 'diagnose',
    usage: 'diagnose <repo> [--deep] [--host <agent>] [--job <jenkins-job>] [--since <revision> | --since-green]',
    summary: 'full diagnosis of why go mod download fails, from that agent; --since/--since-green: agent or code, and the change that broke it',
  },
  { name: 'probe', usage: 'probe [<agent>]', summary: 'DNS/TCP/TLS/HTTP probe of GOPROXY and the checksum DB' },
  { name: 'modules', usage: 'modules <repo> [--host <agent>]', summary: 'check every go.mod requirement exists on the proxy chain' },
  { name: 'hostcheck', usage: 'hostcheck <agent>', summary: 'disk, go env, git credentials on an agent' },
  {
    name: 'envdiff',
    usage: 'envdiff <agent> <agent>… | envdiff <agent> --since <time|job#build|green:repo>',
    summary: "compare agents' Go and proxy environments, or one agent's now with its snapshot at a time or build",
  },
  { name: 'restart', usage: 'restart <agent> [--force]', summary: 'drain and restart a build agent (needs permission)' },
  { name: 'rebuild', usage: 'rebuild <job> [--clean]', summary: 'trigger a (clean) Jenkins build (needs permission)' },
  { name: 'rollback', usage: 'rollback <job>', summary: 'rebuild the last successful revision (needs permission)' },
  { name: 'cache', usage: 'cache clear <agent> | cache warm <agent> <repo>', summary: 'clear or pre-fill the module cache on an agent (needs permission)' },
  {
    name: 'drill',
    usage: 'drill <repo> [--host <agent>]',
    summary: "outage drill: would go mod download pass from the agent's module cache with the proxy down? (needs permission)",
  },
  {
    name: 'health',
    usage: 'health <repo> [--host <agent>]',
    summary: 'dependency health: requirement counts, outdated, deprecated and retracted modules, known vulnerabilities (thresholds: config health)',
  },
  { name: 'status', usage: 'status', summary: 'workers, queues and agents' },
  {
    name: 'incident',
    usage:
      'incident open <title> | status <status> [note] | severity sev1..sev4 | role commander|engineer|communicator @user | note <text> | resolve [summary] | log | list',
    summary: 'run the incident log',
  },
  { name: 'help', usage: 'help [command]', summary: 'this list' },
];

const MAX_TEXT = 4000;
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
// a config name, owner/repo, a path, or a git URL (https://…, git@host:path), as Slack delivers a pasted link
const REPO =
  /^(?:[A-Za-z0-9][A-Za-z0-9._-]{0,99}(?:\/[A-Za-z0-9][A-Za-z0-9._-]{0,99})?|\.{0,2}\/[^\s;|&`$<>]{0,400}|https?:\/\/[A-Za-z0-9.-]+(?::\d{1,5})?\/[^\s;|&`$<>'"\\]{1,400}|git@[A-Za-z0-9.-]+:[^\s;|&`$<>'"\\]{1,400})$/;
const JOB = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}(?:\/[A-Za-z0-9][A-Za-z0-9._-]{0,99}){0,9}$/;

export function levenshtein(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0] ?? 0;
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j] ?? 0;
      dp[j] = Math.min((dp[j] ?? 0) + 1, (dp[j - 1] ?? 0) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length] ?? 0;
}

export function nearestCommand(word: string): CommandHelp | undefined {
  let best: CommandHelp | undefined;
  let bestDistance = Infinity;
  for (const help of COMMAND_HELP) {
    const d = help.name.startsWith(word.toLowerCase()) && word.length >= 2 ? 0 : levenshtein(word.toLowerCase(), help.name);
    if (d < bestDistance) {
      bestDistance = d;
      best = help;
    }
  }
  return bestDistance <= 3 ? best : undefined;
}

export function helpFor(name: string): CommandHelp | undefined {
  return COMMAND_HELP.find((h) => h.name === name);
}

function usageError(name: string, problem: string): UsageError {
  const help = helpFor(name);
  return new UsageError(`${problem}\nusage: /buildfix ${help?.usage ?? name}`);
}

/** Splits on whitespace, honouring "double" and 'single' quotes. */
export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|“([^”]*)”|(\S+)/g;
  for (const m of text.matchAll(re)) tokens.push(m[1] ?? m[2] ?? m[3] ?? m[4] ?? '');
  return tokens;
}

interface Split {
  positionals: string[];
  flags: Set<string>;
  options: Map<string, string>;
}

function split(name: string, tokens: string[], flagNames: string[], optionNames: string[]): Split {
  const out: Split = { positionals: [], flags: new Set(), options: new Map() };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] ?? '';
    if (t.startsWith('--') || t.startsWith('—')) {
      const [rawKey, inline] = t.replace(/^(--|—)/, '').split('=', 2) as [string, string | undefined];
      const key = rawKey.toLowerCase();
      if (flagNames.includes(key)) out.flags.add(key);
      else if (optionNames.includes(key)) {
        const value = inline ?? tokens[++i];
        if (!value || value.startsWith('--')) throw usageError(name, `--${key} needs a value`);
        out.options.set(key, value);
      } else {
        const known = [...flagNames, ...optionNames].map((k) => `--${k}`);
        throw usageError(name, `unknown option ${t}${known.length ? ` (known: ${known.join(', ')})` : ''}`);
      }
    } else out.positionals.push(t);
  }
  return out;
}

function checkName(name: string, what: string, value: string | undefined, re: RegExp = NAME): string {
  if (value === undefined || value === '') throw usageError(name, `missing ${what}`);
  if (!re.test(value)) throw usageError(name, `"${value.slice(0, 80)}" is not a valid ${what}`);
  return value;
}

function noExtra(name: string, s: Split, max: number): void {
  if (s.positionals.length > max) throw usageError(name, `unexpected "${s.positionals[max]?.slice(0, 80)}"`);
}

function parseRef(tokens: string[]): { ref?: number; rest: string[] } {
  const i = tokens.findIndex((t) => /^#\d{1,9}$/.test(t));
  if (i === -1) return { rest: tokens };
  return { ref: Number(tokens[i]?.slice(1)), rest: [...tokens.slice(0, i), ...tokens.slice(i + 1)] };
}

function parseIncident(tokens: string[], rawAfter: (n: number) => string): IncidentAction {
  const [op, ...rest] = tokens;
  const { ref, rest: args } = parseRef(rest);
  const withRef = <T extends object>(a: T): T => (ref === undefined ? a : { ...a, ref });
  switch ((op ?? '').toLowerCase()) {
    case 'open': {
      const title = rawAfter(2).trim();
      if (!title) throw usageError('incident', 'missing incident title');
      return { op: 'open', title: title.slice(0, 200) };
    }
    case 'status': {
      const status = (args[0] ?? '').toLowerCase();
      if (!(INCIDENT_STATUSES as readonly string[]).includes(status)) throw usageError('incident', `status must be one of ${INCIDENT_STATUSES.join(', ')}`);
      const note = args.slice(1).join(' ').trim();
      return withRef({ op: 'status', status: status as IncidentStatus, ...(note ? { note } : {}) });
    }
    case 'role': {
      const role = (args[0] ?? '').toLowerCase();
      if (!(INCIDENT_ROLES as readonly string[]).includes(role)) throw usageError('incident', `role must be one of ${INCIDENT_ROLES.join(', ')}`);
      // <@U…> from Slack, a bare id, or @name (the shell, where people have names, not ids)
      const user =
        /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/.exec(args[1] ?? '')?.[1] ??
        /^@?([UW][A-Z0-9]{2,})$/.exec(args[1] ?? '')?.[1] ??
        /^@([A-Za-z0-9][A-Za-z0-9._-]{0,79})$/.exec(args[1] ?? '')?.[1];
      if (!user) throw usageError('incident', 'name the person as @user');
      return withRef({ op: 'role', role: role as IncidentRole, user });
    }
    case 'severity': {
      const severity = (args[0] ?? '').toLowerCase();
      if (!(INCIDENT_SEVERITIES as readonly string[]).includes(severity))
        throw usageError('incident', `severity must be one of ${INCIDENT_SEVERITIES.join(', ')}`);
      return withRef({ op: 'severity', severity: severity as IncidentSeverity });
    }
    case 'note': {
      const text = args.join(' ').trim();
      if (!text) throw usageError('incident', 'missing note text');
      return withRef({ op: 'note', text });
    }
    case 'resolve': {
      const summary = args.join(' ').trim();
      return withRef({ op: 'resolve', ...(summary ? { summary } : {}) });
    }
    case 'log':
      return withRef({ op: 'log' });
    case 'list':
      return { op: 'list' };
    default:
      throw usageError('incident', op ? `unknown incident action "${op.slice(0, 40)}"` : 'missing incident action');
  }
}

/**
 * Parses the text after "/buildfix" (or after the @mention). Accepts an
 * optional leading "/buildfix", "buildfix" or "<@U…>".
 */
export function parseCommand(input: string): Command {
  if (input.length > MAX_TEXT) throw new UsageError(`command too long (${input.length} characters; the limit is ${MAX_TEXT})`);
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(input)) throw new UsageError('command contains control characters');
  const text = input.trim().replace(/^(?:\/buildfix|buildfix|<@[UW][A-Z0-9]+(?:\|[^>]*)?>|@buildfix)\s*/i, '');
  const tokens = tokenize(text);
  const [head, ...rest] = tokens;
  const rawAfter = (n: number): string => {
    // text after the first n tokens, spacing preserved (titles, notes)
    let s = text;
    for (let i = 0; i < n; i++) s = s.replace(/^\s*(?:"[^"]*"|'[^']*'|\S+)/, '');
    return s;
  };
  const name = (head ?? 'help').toLowerCase();
  switch (name) {
    case 'help':
    case '-h':
    case '--help':
      return rest[0] ? { kind: 'help', topic: rest[0].toLowerCase() } : { kind: 'help' };
    case 'diagnose': {
      const s = split(name, rest, ['deep', 'since-green'], ['host', 'job', 'since']);
      noExtra(name, s, 1);
      const host = s.options.get('host');
      const job = s.options.get('job');
      const since = s.options.get('since');
      if (since !== undefined && s.flags.has('since-green')) throw usageError(name, 'give either --since <revision> or --since-green, not both');
      return {
        kind: 'diagnose',
        repo: checkName(name, 'repo', s.positionals[0], REPO),
        ...(host ? { host: checkName(name, 'agent', host) } : {}),
        ...(job ? { job: checkName(name, 'job', job, JOB) } : {}),
        ...(s.flags.has('deep') ? { deep: true } : {}),
        ...(since !== undefined ? { since: checkName(name, 'revision', since, GIT_REVISION) } : {}),
        ...(s.flags.has('since-green') ? { sinceGreen: true } : {}),
      };
    }
    case 'probe': {
      const s = split(name, rest, [], []);
      noExtra(name, s, 1);
      return s.positionals[0] ? { kind: 'probe', host: checkName(name, 'agent', s.positionals[0]) } : { kind: 'probe' };
    }
    case 'modules': {
      const s = split(name, rest, [], ['host']);
      noExtra(name, s, 1);
      const host = s.options.get('host');
      return { kind: 'modules', repo: checkName(name, 'repo', s.positionals[0], REPO), ...(host ? { host: checkName(name, 'agent', host) } : {}) };
    }
    case 'hostcheck': {
      const s = split(name, rest, [], []);
      noExtra(name, s, 1);
      return { kind: 'hostcheck', host: checkName(name, 'agent', s.positionals[0]) };
    }
    case 'envdiff': {
      const s = split(name, rest, [], ['since']);
      const since = s.options.get('since');
      if (since !== undefined) {
        noExtra(name, s, 1);
        if (!ENV_SINCE.test(since))
          throw usageError(name, '--since takes a time (2026-12-06T01:00Z, 01:00 for UTC today, 90m, 6h, 2d), a Jenkins build (job#41) or green:<repo>');
        return { kind: 'envdiff', hosts: [checkName(name, 'agent', s.positionals[0])], since };
      }
      if (s.positionals.length < 2) throw usageError(name, 'name at least two agents to compare, or one with --since <time|build>');
      if (s.positionals.length > 10) throw usageError(name, 'compare at most 10 agents at once');
      return { kind: 'envdiff', hosts: [...new Set(s.positionals.map((h) => checkName(name, 'agent', h)))] };
    }
    case 'restart': {
      const s = split(name, rest, ['force'], []);
      noExtra(name, s, 1);
      return { kind: 'restart', agent: checkName(name, 'agent', s.positionals[0]), force: s.flags.has('force') };
    }
    case 'rebuild': {
      const s = split(name, rest, ['clean'], []);
      noExtra(name, s, 1);
      return { kind: 'rebuild', job: checkName(name, 'job', s.positionals[0], JOB), clean: s.flags.has('clean') };
    }
    case 'rollback': {
      const s = split(name, rest, [], []);
      noExtra(name, s, 1);
      return { kind: 'rollback', job: checkName(name, 'job', s.positionals[0], JOB) };
    }
    case 'cache': {
      const [sub, ...args] = rest;
      const s = split(name, args, [], []);
      if (sub?.toLowerCase() === 'clear') {
        noExtra(name, s, 1);
        return { kind: 'cache-clear', agent: checkName(name, 'agent', s.positionals[0]) };
      }
      if (sub?.toLowerCase() === 'warm') {
        noExtra(name, s, 2);
        return { kind: 'cache-warm', agent: checkName(name, 'agent', s.positionals[0]), repo: checkName(name, 'repo', s.positionals[1], REPO) };
      }
      throw usageError(name, sub ? `unknown cache action "${sub.slice(0, 40)}"` : 'say clear or warm');
    }
    case 'drill': {
      const s = split(name, rest, [], ['host']);
      noExtra(name, s, 1);
      const host = s.options.get('host');
      return { kind: 'drill', repo: checkName(name, 'repo', s.positionals[0], REPO), ...(host ? { host: checkName(name, 'agent', host) } : {}) };
    }
    case 'health': {
      const s = split(name, rest, [], ['host']);
      noExtra(name, s, 1);
      const host = s.options.get('host');
      return { kind: 'health', repo: checkName(name, 'repo', s.positionals[0], REPO), ...(host ? { host: checkName(name, 'agent', host) } : {}) };
    }
    case 'status': {
      const s = split(name, rest, [], []);
      noExtra(name, s, 0);
      return { kind: 'status' };
    }
    case 'explain': {
      if (!rest[0]) throw new UsageError('missing log file\nusage: explain <log-file>');
      return { kind: 'explain', file: rawAfter(1).trim() };
    }
    case 'incident':
      return { kind: 'incident', action: parseIncident(rest, (n) => rawAfter(n)) };
    default: {
      const near = nearestCommand(name);
      const hint = near ? `did you mean \`${near.name}\`?\nusage: /buildfix ${near.usage}` : 'try `/buildfix help`';
      throw new UsageError(`unknown command "${name.slice(0, 40)}": ${hint}`);
    }
  }
}

export function renderHelp(topic?: string): string {
  if (topic) {
    const help = helpFor(topic) ?? nearestCommand(topic);
    if (help) return `/buildfix ${help.usage}\n${help.summary}`;
  }
  return [
    '/buildfix commands:',
    ...COMMAND_HELP.map((h) => `  ${h.usage}  — ${h.summary}`),
    'In a thread, mention the bot instead: @buildfix diagnose payments',
  ].join('\n');
}
