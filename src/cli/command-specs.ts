/**
 * The one definition of every `buildfix` command line: arguments, options,
 * exit codes. The parser (parse-args.ts) accepts exactly these options and
 * `--help` (command-help.ts) prints exactly these, so the two cannot drift.
 * Data only: main.ts reads it without loading any command module.
 */

export interface OptionSpec {
  /** Long name without dashes: "json" → --json. */
  name: string;
  /** One-letter alias without the dash: "v" → -v. */
  short?: string;
  /** Placeholder when the option takes a value ("N", "ADDR"); absent for a switch. */
  value?: string;
  help: string;
}

export interface CommandSpec {
  /** "diagnose", or "incidents list" for a subcommand. */
  name: string;
  /** Positional arguments as shown in usage: "<log-file|->". */
  args?: string;
  summary: string;
  options: readonly OptionSpec[];
  minPositionals?: number;
  maxPositionals?: number;
  /** Exit code → meaning. */
  exitCodes: Readonly<Record<number, string>>;
  /** Subcommands (`incidents list`, `incidents export`); the parent has no options of its own. */
  subcommands?: Readonly<Record<string, CommandSpec>>;
}

const CANCELLED = 'cancelled (Ctrl-C)';
const USAGE_OR_SETUP = 'could not run: bad arguments, configuration, or an unreachable service';

export const COMMAND_SPECS = {
  diagnose: {
    name: 'diagnose',
    args: '<path|git-url|owner/repo|repo-name>',
    summary: 'why go mod download fails, and the fix',
    minPositionals: 1,
    maxPositionals: 1,
    options: [
      { name: 'json', help: 'print the report as JSON (stable keys for scripts)' },
      { name: 'verbose', short: 'v', help: 'show passing checks and every finding in full' },
      { name: 'deep', help: "also download the module zips: check them against go's zip rules, hash them and compare with go.sum and the checksum DB" },
      { name: 'concurrency', value: 'N', help: 'parallel module checks (1-512; default: config `concurrency`)' },
      { name: 'timeout', value: 'MS', help: 'per-request timeout in ms (100-120000; default: config `requestTimeoutMs`)' },
      { name: 'skip', value: 'PARTS', help: 'comma-separated parts to skip: probe, host, lint, retractions, toolchain, graph' },
      { name: 'since', value: 'REV', help: 'agent or code: compare with this last green revision (what changed, and whether it still resolves)' },
      { name: 'since-green', help: "agent or code against the configured Jenkins job's last successful build (repos.<name>.job)" },
      {
        name: 'log',
        value: 'FILE',
        help: "also read the failed build's log (- for standard input): its root cause, and whether this diagnosis confirms, settles or contradicts it",
      },
    ],
    exitCodes: { 0: 'nothing wrong found', 1: 'problems found (the report says which)', 2: USAGE_OR_SETUP, 130: CANCELLED },
  },
  explain: {
    name: 'explain',
    args: '<log-file|->',
    summary: 'name the root cause of a saved build log (- reads standard input)',
    minPositionals: 1,
    maxPositionals: 1,
    options: [{ name: 'json', help: 'print the classification as JSON' }],
    exitCodes: { 0: 'a cause was found', 1: 'no known cause in the log', 2: 'could not run: missing, unreadable, empty or binary input', 130: CANCELLED },
  },
  shell: {
    name: 'shell',
    summary: 'terminal chat: the same commands as /buildfix in Slack',
    maxPositionals: 0,
    options: [],
    exitCodes: { 0: 'left with exit, Ctrl-D or a second Ctrl-C', 1: 'input was piped and at least one command failed', 2: USAGE_OR_SETUP },
  },
  start: {
    name: 'start',
    summary: '`serve` when SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are set, else `shell`',
    maxPositionals: 0,
    options: [],
    exitCodes: { 0: 'stopped normally', 1: 'see `serve` or `shell`', 2: USAGE_OR_SETUP },
  },
  serve: {
    name: 'serve',
    summary: 'the Slack app: POST /slack/events, GET /healthz (needs SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET)',
    maxPositionals: 0,
    options: [
      { name: 'listen', value: 'ADDR', help: 'address to listen on (default: all interfaces)' },
      { name: 'port', value: 'N', help: 'port (default: PORT or 3000)' },
      { name: 'lease-ms', value: 'N', help: "how long this replica's claim on a Slack reply lasts before another replica may finish it (1000-600000)" },
      { name: 'grace-ms', value: 'N', help: 'on SIGTERM, how long running handlers may finish (0-600000; default 10000)' },
    ],
    exitCodes: { 0: 'stopped by SIGTERM or SIGINT', 1: 'stopped at once by a second signal', 2: USAGE_OR_SETUP },
  },
  worker: {
    name: 'worker',
    summary: 'run jobs for this host from Redis (REDIS_URL) until SIGTERM',
    maxPositionals: 0,
    options: [
      { name: 'host', value: 'NAME', help: 'the host name jobs are routed by (default: BUILDFIX_HOST or the machine name)' },
      { name: 'concurrency', value: 'N', help: 'jobs run at once (1-64)' },
    ],
    exitCodes: { 0: 'stopped by SIGTERM or SIGINT', 1: 'stopped at once by a second signal', 2: USAGE_OR_SETUP },
  },
  status: {
    name: 'status',
    summary: 'live workers and queue depths',
    maxPositionals: 0,
    options: [{ name: 'json', help: 'print the status as JSON' }],
    exitCodes: { 0: 'status printed', 2: USAGE_OR_SETUP },
  },
  incidents: {
    name: 'incidents',
    args: '<list|export>',
    summary: 'incidents in Redis; export prints the archive report',
    minPositionals: 1,
    options: [],
    exitCodes: { 0: 'done', 2: USAGE_OR_SETUP },
    subcommands: {
      list: {
        name: 'incidents list',
        summary: 'open incidents (--all: recent ones too)',
        maxPositionals: 0,
        options: [
          { name: 'all', help: 'include resolved incidents' },
          { name: 'limit', value: 'N', help: 'at most N incidents with --all (1-1000; default 20)' },
          { name: 'json', help: 'print the incidents as JSON' },
        ],
        exitCodes: { 0: 'listed (possibly none)', 2: USAGE_OR_SETUP },
      },
      export: {
        name: 'incidents export',
        args: '<id>',
        summary: 'the incident report the archive channel receives on resolve',
        minPositionals: 1,
        maxPositionals: 1,
        options: [{ name: 'format', value: 'md|json', help: 'report format (default md)' }],
        exitCodes: { 0: 'printed', 2: `${USAGE_OR_SETUP}, or no such incident` },
      },
    },
  },
  cache: {
    name: 'cache',
    args: '<status>',
    summary: "the module cache's readiness for a proxy outage",
    minPositionals: 1,
    options: [],
    exitCodes: { 0: 'done', 1: 'modules missing from the cache', 2: USAGE_OR_SETUP },
    subcommands: {
      status: {
        name: 'cache status',
        args: '<path|git-url|owner/repo|repo-name>',
        summary: 'which modules of the build are in the module cache, and whether the build would pass with the proxy down',
        minPositionals: 1,
        maxPositionals: 1,
        options: [
          { name: 'modcache', value: 'DIR', help: 'the module cache to check (default: go env GOMODCACHE)' },
          { name: 'json', help: 'print the readiness as JSON' },
        ],
        exitCodes: { 0: 'every module is in the cache', 1: 'modules missing (listed)', 2: USAGE_OR_SETUP, 130: CANCELLED },
      },
    },
  },
  drill: {
    name: 'drill',
    args: '<path|git-url|owner/repo|repo-name>',
    summary:
      "outage drill: the real go mod download with GOPROXY=off from the module cache, in a temporary copy; on a configured agent (BUILDFIX_HOST), for a configured repo and the agent's own cache, recorded in its health history in Redis (buildfix status shows it)",
    minPositionals: 1,
    maxPositionals: 1,
    options: [
      { name: 'modcache', value: 'DIR', help: 'the module cache to drill against (default: go env GOMODCACHE); never written to' },
      { name: 'timeout', value: 'MS', help: 'budget for go mod download (1000-1800000; default 120000)' },
      { name: 'json', help: 'print the result as JSON' },
    ],
    exitCodes: { 0: 'the build survives a proxy outage', 1: 'it would fail (the modules are listed)', 2: USAGE_OR_SETUP, 130: CANCELLED },
  },
  health: {
    name: 'health',
    args: '<path|git-url|owner/repo|repo-name>',
    summary: 'dependency health: requirement counts, outdated, deprecated and retracted modules, known vulnerabilities (thresholds: config `health`)',
    minPositionals: 1,
    maxPositionals: 1,
    options: [{ name: 'json', help: 'print the report as JSON' }],
    exitCodes: {
      0: 'within every threshold',
      1: 'a threshold is exceeded (the report says which)',
      2: USAGE_OR_SETUP,
      3: 'within the thresholds, but partial: a source (vulnerability database, proxy) could not be read',
      130: CANCELLED,
    },
  },
} as const satisfies Record<string, CommandSpec>;

export type CommandName = keyof typeof COMMAND_SPECS;

export function isCommandName(name: string): name is CommandName {
  return Object.hasOwn(COMMAND_SPECS, name);
}

/** Options every command accepts (handled by main.ts before the command runs). */
export const GLOBAL_OPTIONS: readonly OptionSpec[] = [
  { name: 'help', short: 'h', help: 'show this help' },
  { name: 'version', short: 'V', help: 'print the version' },
  { name: 'debug', help: 'stack traces and debug logs' },
];
