/**
 * The only way buildfix starts a process: an argument array (never a shell
 * string), a timeout, an optional AbortSignal, an allow-listed environment and
 * redacted output tails.
 */
import { CommandFailedError } from '../errors.ts';
import { redactText } from '../util/redact.ts';

/** Variables a child may inherit (renovate's allow-list idea). */
const BASE_ENV_KEYS = [
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'LANG',
  'LC_ALL',
  'TMPDIR',
  'TZ',
  'SHELL',
  'GOPATH',
  'GOROOT',
  'GOPROXY',
  'GOPRIVATE',
  'GONOPROXY',
  'GONOSUMDB',
  'GOSUMDB',
  'GOFLAGS',
  'GOMODCACHE',
  'GOCACHE',
  'GOINSECURE',
  'GOTOOLCHAIN',
  'GOVCS',
  'GOWORK',
  'GOENV',
  'GOAUTH',
  'GIT_TERMINAL_PROMPT',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'GIT_SSH_COMMAND',
  'SSH_AUTH_SOCK',
  'XDG_CONFIG_HOME',
  'NETRC',
];

export interface RunOptions {
  cwd?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Extra variables; merged over the allow-listed parent environment. */
  env?: Record<string, string | undefined>;
  /** Inherit only these parent variables (default: BASE_ENV_KEYS). */
  inheritEnv?: readonly string[];
  /** Do not throw on a non-zero exit; return it. */
  reject?: boolean;
  input?: string;
  /** Bytes of stdout/stderr kept in the tails (default 4 KiB). */
  tailBytes?: number;
  maxBuffer?: number;
  /** Keep stdout/stderr byte-exact (by default one final newline is stripped). */
  keepFinalNewline?: boolean;
}

export interface RunResult {
  command: string;
  exitCode: number;
  stdout: string;
  stderr: string;
  stdoutTail: string;
  stderrTail: string;
  durationMs: number;
  timedOut: boolean;
}

export function tail(text: string, bytes: number): string {
  if (text.length <= bytes) return text;
  const cut = text.slice(text.length - bytes);
  const nl = cut.indexOf('\n');
  return `…${nl >= 0 && nl < 200 ? cut.slice(nl + 1) : cut}`;
}

function buildEnv(options: RunOptions): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of options.inheritEnv ?? BASE_ENV_KEYS) {
    const v = process.env[key];
    if (v !== undefined) out[key] = v;
  }
  for (const [k, v] of Object.entries(options.env ?? {})) {
    if (v === undefined) delete out[k];
    else out[k] = v;
  }
  return out;
}

export async function runCommand(argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  if (argv.length === 0 || argv.some((a) => typeof a !== 'string' || a.includes('\0'))) {
    throw new CommandFailedError('(invalid)', 'refusing to run: the command must be a non-empty argument array without NUL bytes', {});
  }
  const [file, ...args] = argv as [string, ...string[]];
  const display = redactText(argv.join(' '));
  const tailBytes = options.tailBytes ?? 4096;
  const started = performance.now();
  // execa loads with the first command, not at start-up: a diagnosis sends its first proxy requests before it spawns anything.
  const { execa } = await import('execa');
  const result = await execa(file, args, {
    cwd: options.cwd,
    timeout: options.timeoutMs ?? 60_000,
    cancelSignal: options.signal,
    env: buildEnv(options),
    extendEnv: false,
    reject: false,
    stripFinalNewline: options.keepFinalNewline !== true,
    input: options.input,
    stdin: options.input === undefined ? 'ignore' : 'pipe',
    maxBuffer: options.maxBuffer ?? 64 * 1024 * 1024,
    forceKillAfterDelay: 2000,
  });
  const durationMs = Math.round(performance.now() - started);
  const stdout = String(result.stdout ?? '');
  const stderr = String(result.stderr ?? '');
  const out: RunResult = {
    command: display,
    exitCode: result.exitCode ?? (result.failed ? -1 : 0),
    stdout,
    stderr,
    stdoutTail: redactText(tail(stdout, tailBytes)),
    stderrTail: redactText(tail(stderr, tailBytes)),
    durationMs,
    timedOut: result.timedOut === true,
  };
  if (result.failed && (options.reject ?? true)) {
    let reason: string;
    if (result.timedOut) reason = `timed out after ${options.timeoutMs ?? 60_000} ms`;
    else if (result.isCanceled) reason = 'was cancelled';
    else if ((result as { code?: string }).code === 'ENOENT' || /ENOENT/.test(result.message ?? ''))
      reason = `not found: ${file} is not installed or not on PATH`;
    else if (result.signal) reason = `was killed by ${result.signal}`;
    else reason = `exited with code ${result.exitCode}`;
    const firstErr = out.stderrTail.trim().split('\n').slice(-1)[0];
    throw new CommandFailedError(display, `\`${display}\` ${reason}${firstErr ? `: ${firstErr}` : ''}`, {
      exitCode: result.exitCode,
      timedOut: result.timedOut,
      stderrTail: out.stderrTail,
      cause: result,
    });
  }
  return out;
}
