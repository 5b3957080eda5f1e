/** `buildfix diagnose <target>`: exit 0 nothing wrong, 1 problems found, 2 could not run. */
import { CancelledError, isBuildfixError, isCancelled, userMessage, UsageError, type ErrorCode } from '../../errors.ts';
import { lastGreenForRepo } from '../../changes/last-green.ts';
import { decideOrigin } from '../../changes/origin-verdict.ts';
import { diagnose, type DiagnoseOptions } from '../../engine/diagnose.ts';
import { diagnoseSinceGreen } from '../../engine/diagnose-since-green.ts';
import { createProgressDisplay } from '../../render/progress-display.ts';
import { renderTerminalReport, verdictLine } from '../../render/terminal-report.ts';
import { wantsColor } from '../../render/terminal-style.ts';
import type { DiagnosisReport } from '../../report/model.ts';
import { classifyLogStream } from '../../classify/classify-stream.ts';
import type { Classification } from '../../classify/classify-log.ts';
import { settleLogAgainstReport, settlementSentence, type SettledCause } from '../../incidents/settle-cause.ts';
import { renderExplanation } from '../../render/terminal-explanation.ts';
import { logLabel, openLog } from '../open-log.ts';
import type { CliContext } from '../cli-context.ts';
import { redactText } from '../../util/redact.ts';
import { COMMAND_SPECS } from '../command-specs.ts';
import { intOption, parseArgs } from '../parse-args.ts';

const SKIPPABLE = ['probe', 'host', 'lint', 'retractions', 'toolchain', 'graph'] as const;

/** The --json shape: stable keys for scripts. */
export function reportToJson(report: DiagnosisReport): object {
  return {
    ok: report.ok,
    target: report.target,
    host: report.host,
    durationMs: report.durationMs,
    findings: report.findings,
    checks: report.checks.map(({ findings, ...rest }) => ({ ...rest, findings: findings.length })),
    facts: report.facts,
    ...(report.stage ? { stage: report.stage } : {}),
    ...(report.origin ? { origin: report.origin } : {}),
    ...(report.sinceGreen ? { sinceGreen: report.sinceGreen } : {}),
  };
}

/**
 * The --json document when the diagnosis could not run (exit 2): the same
 * top-level keys as a report, `ok: false`, no findings, and `error`.
 */
export function errorToJson(err: unknown, target: string | undefined): object {
  const code: ErrorCode = isBuildfixError(err) ? err.code : 'BF_INTERNAL';
  return {
    ok: false,
    error: { code, message: redactText(userMessage(err)) },
    target: target ?? null,
    findings: [],
    checks: [],
    facts: {},
  };
}

/** The --json `log` object: the classification of the build log, as `explain --json` gives it, and where it came from. */
function logToJson(c: Classification, source: string): object {
  const { category, confidence, evidence, evidenceLines, fix, module, version, candidates, otherFix } = c;
  return {
    source,
    category,
    confidence,
    evidence,
    evidenceLines,
    fix,
    ...(module ? { module } : {}),
    ...(version ? { version } : {}),
    ...(candidates ? { candidates } : {}),
    ...(otherFix ? { otherFix } : {}),
  };
}

/** The --json `settlement` object: the cause to act on, and how this diagnosis bears on the log's answer. */
function settlementToJson(s: SettledCause): object {
  const sentence = settlementSentence(s);
  return {
    category: s.category,
    basis: s.basis,
    ...(s.alternative ? { alternative: s.alternative } : {}),
    ...(s.logSaid ? { logSaid: s.logSaid } : {}),
    ...(s.differs?.category ? { diagnosisFound: s.differs.category } : {}),
    ...(s.cleanNow ? { diagnosisClean: true } : {}),
    ...(sentence ? { sentence } : {}),
  };
}

// The target as typed, for the error document (parseArgs may be what failed).
function targetArg(argv: string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--') return argv[i + 1];
    if (['--concurrency', '--timeout', '--skip', '--since', '--log'].includes(a)) i++;
    else if (!a.startsWith('-')) return a;
  }
  return undefined;
}

export async function runDiagnoseCommand(argv: string[], ctx: CliContext): Promise<number> {
  // --json promises one JSON document on stdout for every outcome, exit 2 included.
  if (!argv.includes('--json')) return runDiagnose(argv, ctx);
  try {
    return await runDiagnose(argv, ctx);
  } catch (err) {
    if (isCancelled(err) || ctx.signal.aborted) throw err;
    ctx.stderr.write(`buildfix: ${redactText(userMessage(err))}\n`);
    ctx.stdout.write(`${JSON.stringify(errorToJson(err, targetArg(argv)))}\n`);
    return 2;
  }
}

async function runDiagnose(argv: string[], ctx: CliContext): Promise<number> {
  const args = parseArgs(argv, COMMAND_SPECS.diagnose);
  const since = args.options.get('since');
  if (since !== undefined && args.flags.has('since-green')) throw new UsageError('give either --since <revision> or --since-green, not both');
  const skip = new Set(
    (args.options.get('skip') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );
  for (const s of skip) if (!(SKIPPABLE as readonly string[]).includes(s)) throw new UsageError(`--skip: unknown part "${s}" (known: ${SKIPPABLE.join(', ')})`);
  const config = ctx.config();
  const concurrency = intOption(args, 'concurrency', 1, 512) ?? config.concurrency;
  const timeout = intOption(args, 'timeout', 100, 120_000) ?? config.requestTimeoutMs;
  const json = args.flags.has('json');
  // The failed build's log, read first: a missing, empty or binary log stops here (exit 2) before any network call.
  const logSource = args.options.get('log');
  const log = logSource === undefined ? undefined : await classifyLogStream(await openLog(logSource, ctx), { label: logLabel(logSource) });
  const progress = json ? undefined : createProgressDisplay(ctx.stderr);
  let report: DiagnosisReport;
  try {
    const target = args.positionals[0] ?? '';
    // Agent or code: compare with the last green revision (given, or the configured job's last successful build).
    let green: { sha: string; source: string } | undefined = since !== undefined ? { sha: since, source: '--since' } : undefined;
    let noGreenReason: string | undefined;
    if (args.flags.has('since-green')) {
      const found = await lastGreenForRepo(target, config, { signal: ctx.signal, timeoutMs: timeout });
      if (found.ok) green = found.green;
      else noGreenReason = found.reason;
    }
    const run = green ? (t: string, o: DiagnoseOptions) => diagnoseSinceGreen(t, { ...o, green: green.sha, greenSource: green.source }) : diagnose;
    report = await run(target, {
      config: { ...config, concurrency, requestTimeoutMs: timeout },
      goEnv: config.goEnv,
      host: config.host,
      signal: ctx.signal,
      parts: { probe: !skip.has('probe'), host: !skip.has('host'), lint: !skip.has('lint'), toolchain: !skip.has('toolchain'), graph: !skip.has('graph') },
      // The first pass's verdict streams first (one line on stderr); the module graph's refined report follows on stdout.
      ...(json
        ? {}
        : {
            // After Ctrl-C the first pass is made of cancelled requests: say nothing about it.
            onFirstVerdict: (first: DiagnosisReport) =>
              void (ctx.signal.aborted || ctx.stderr.write(`${ctx.stderr.isTTY ? '\r\u001b[2K' : ''}${verdictLine(first)} · checking the module graph…\n`)),
          }),
      checkRetractions: !skip.has('retractions'),
      ...(args.flags.has('deep') ? { deep: true } : {}),
      ...(progress ? { onProgress: (e) => progress.update(e) } : {}),
    });
    if (noGreenReason !== undefined) report = { ...report, origin: decideOrigin({ failing: report, noGreenReason }) };
  } catch (err) {
    // A request that failed because the user cancelled is not a finding about the network.
    if (ctx.signal.aborted) throw new CancelledError('cancelled', { cause: err });
    throw err;
  } finally {
    progress?.stop();
  }
  if (ctx.signal.aborted) throw new CancelledError();
  const color = wantsColor(ctx.stdout, ctx.env);
  const settled = log ? settleLogAgainstReport(log, report, report.startedAt) : undefined;
  if (json) {
    const withLog =
      log && logSource !== undefined ? { log: logToJson(log, logLabel(logSource)), ...(settled ? { settlement: settlementToJson(settled) } : {}) } : {};
    ctx.stdout.write(`${JSON.stringify({ ...reportToJson(report), ...withLog })}\n`);
  } else {
    ctx.stdout.write(renderTerminalReport(report, { color, verbose: args.flags.has('verbose') }));
    if (log && logSource !== undefined) {
      const sentence = settlementSentence(settled);
      ctx.stdout.write(`\nThe failed build's log:\n${renderExplanation(log, { color, source: logLabel(logSource) })}${sentence ? `\n${sentence}\n` : ''}`);
    }
  }
  return report.ok ? 0 : 1;
}
